package wait

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"testing"
	"testing/synctest"
	"time"

	"github.com/kpsops/terraform-provider-kps/internal/kps"
)

// TestPollerSharesRounds: 40 waits on tasks ending over 3 to 14.7 s, each
// polling every second, cost a few lists a second between them, not a read
// each a second; each sees its task end, with the right status, within a
// round of its end. A task that left the running list is read by ID once;
// with the failed-tasks list, not at all: that list, read once a round,
// says which failed and why, and the others succeeded.
func TestPollerSharesRounds(t *testing.T) {
	for _, withFailedList := range []bool{false, true} {
		t.Run(fmt.Sprintf("failed-tasks list %t", withFailedList), func(t *testing.T) {
			synctest.Test(t, func(t *testing.T) {
				tt := newTaskTable()
				const n = 40
				for i := range n {
					final := "SUCCESS_RESET"
					if i%7 == 0 {
						final = "FAILED_RESET"
					}
					tt.add(fmt.Sprintf("t%d", i), 0, 3*time.Second+time.Duration(i)*300*time.Millisecond, final)
				}
				var opts []PollerOption
				if withFailedList {
					opts = append(opts, WithFailedList(tt.listFailed))
				}
				p := NewPoller(t.Context(), tt.paged, tt.read, opts...)
				var wg sync.WaitGroup
				for i := range n {
					wg.Go(func() {
						id := fmt.Sprintf("t%d", i)
						res, err := waitShared(t.Context(), p, id)
						if err != nil {
							t.Errorf("%s: %v", id, err)
							return
						}
						end := tt.tasks[id].end
						if late := res.CompletedAt.Sub(tt.start) - end; late < 0 || late > 2*time.Second+300*time.Millisecond {
							t.Errorf("%s ended at %s and was seen %s later", id, end, late)
						}
						if res.Task.Status.Raw != tt.tasks[id].final {
							t.Errorf("%s: status %s, want %s", id, res.Task.Status.Raw, tt.tasks[id].final)
						}
						if failed := res.Task.Status.Failed(); withFailedList && failed != (res.Task.FailedRecord != nil) {
							t.Errorf("%s: %s with the failed-task record %+v", id, res.Task.Status.Raw, res.Task.FailedRecord)
						}
					})
				}
				wg.Wait()
				lists, reads := tt.counts()
				failedLists := tt.failedListCount()
				// Alone, each wait would read its task about once a second: some 350 reads.
				t.Logf("%d waits: %d lists, %d failed-task lists, %d reads by ID", n, lists, failedLists, reads)
				if lists > 4*15+5 {
					t.Errorf("%d lists in 15 s: want at most about four a poll interval", lists)
				}
				switch {
				case !withFailedList && reads > n+n/4:
					t.Errorf("%d reads for %d tasks: want one a task, once it left the list", reads, n)
				case withFailedList && (reads > 2 || failedLists > lists):
					// The first wait or two, alone before the others joined, read by ID.
					t.Errorf("%d reads by ID and %d failed-task lists: want no task's end read by ID, and a failed-task list a round at most",
						reads, failedLists)
				}
			})
		})
	}
}

// TestPollerAloneReadsByID: a single wait never lists; it reads its task.
func TestPollerAloneReadsByID(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		tt := newTaskTable()
		tt.add("solo", 0, 2500*time.Millisecond, "SUCCESS_RESET")
		p := NewPoller(t.Context(), tt.paged, tt.read)
		res, err := waitShared(t.Context(), p, "solo")
		if err != nil || res.Task.Status.Raw != "SUCCESS_RESET" {
			t.Fatalf("%+v, %v", res, err)
		}
		if lists, reads := tt.counts(); lists != 0 || reads != res.Polls {
			t.Fatalf("%d lists, %d reads for %d polls: a wait alone reads by ID", lists, reads, res.Polls)
		}
	})
}

// TestPollerLateTaskIsNotReadByID: a task that joins (is started) after a
// round's list was sent is not read by ID in that round: it waits for a
// round whose list was sent after it joined.
func TestPollerLateTaskIsNotReadByID(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		tt := newTaskTable()
		tt.latency = 500 * time.Millisecond // a long round
		tt.add("early", 0, 0, "")
		tt.add("other", 0, 0, "")
		tt.add("late", 200*time.Millisecond, 3*time.Second, "SUCCESS_RESET")
		p := NewPoller(t.Context(), tt.paged, tt.read)
		ctx, cancel := context.WithCancel(t.Context())
		defer cancel()
		for _, id := range []string{"early", "other"} {
			go func() { _, _ = waitShared(ctx, p, id) }()
		}
		time.Sleep(100 * time.Millisecond) // a round is in flight
		res, err := waitShared(ctx, p, "late")
		if err != nil || res.Task.Status.Raw != "SUCCESS_RESET" {
			t.Fatalf("%+v, %v", res, err)
		}
		tt.mu.Lock()
		defer tt.mu.Unlock()
		if tt.reads["late"] != 1 {
			t.Fatalf("late was read by ID %d times: want only its final read", tt.reads["late"])
		}
	})
}

// TestPollerPurgedAndFailingList: a list that fails for a round in a way
// that may pass delays the waits, which hear of it as a transient failure
// and go on; a task purged before its final read ends only its own wait,
// with the read's error.
func TestPollerPurgedAndFailingList(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		tt := newTaskTable()
		tt.listErr = []error{&kps.ResponseError{StatusCode: 503}, &kps.ResponseError{StatusCode: 503}}
		tt.add("ok", 0, 2*time.Second, "SUCCESS_RESET")
		tt.add("gone", 0, 2*time.Second, "SUCCESS_RESET")
		// Purged just before it ends: listed as running until then, and gone when read.
		time.AfterFunc(1900*time.Millisecond, func() { tt.mu.Lock(); tt.tasks["gone"].purged = true; tt.mu.Unlock() })
		p := NewPoller(t.Context(), tt.paged, tt.read)
		errs := map[string]error{}
		transient := map[string]int{}
		var mu sync.Mutex
		var wg sync.WaitGroup
		for _, id := range []string{"ok", "gone"} {
			wg.Go(func() {
				read, leave := p.Task(id)
				defer leave()
				w := sharedWaiter
				w.Observer.TransientError = func(_ context.Context, err error, _ time.Duration) {
					mu.Lock()
					defer mu.Unlock()
					if kps.IsTransient(err) {
						transient[id]++
					}
				}
				_, err := w.Wait(t.Context(), read)
				mu.Lock()
				errs[id] = err
				mu.Unlock()
			})
		}
		wg.Wait()
		if errs["ok"] != nil || !kps.IsGone(errs["gone"]) {
			t.Fatalf("errors %v: want ok to succeed and gone to end with not found", errs)
		}
		if lists, _ := tt.counts(); lists < 3 || transient["ok"]+transient["gone"] < 2 || transient["ok"] == 0 {
			t.Fatalf("%d lists, transient failures heard %v: want both 503s heard as passing, and a list after them", lists, transient)
		}
	})
}

// TestPollerListRefused: a user who may read tasks but not list them. Two
// task waits sharing a poller both end as they would alone, reading by ID,
// and once the refusal is known rounds that serve only task waits do not
// list again; a server wait, which needs the list, ends with the refusal.
func TestPollerListRefused(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		tt := newTaskTable()
		denied := &kps.ResponseError{StatusCode: 403, ErrorCode: "KPS.0403", ErrorMsg: "no permission to list tasks"}
		tt.listDenied = denied
		tt.add("a", 0, 3*time.Second, "SUCCESS_RESET")
		tt.add("b", 0, 5*time.Second, "FAILED_RESET")
		p := NewPoller(t.Context(), tt.paged, tt.read)
		var wg sync.WaitGroup
		for id, want := range map[string]string{"a": "SUCCESS_RESET", "b": "FAILED_RESET"} {
			wg.Go(func() {
				if res, err := waitShared(t.Context(), p, id); err != nil || res.Task.Status.Raw != want {
					t.Errorf("%s: %+v, %v; want %s as alone", id, res, err, want)
				}
			})
		}
		var serverErr error
		wg.Go(func() {
			time.Sleep(1500 * time.Millisecond)
			list, read, leave := p.Server()
			defer leave()
			_, serverErr = Poll(t.Context(), sharedWaiter, ForServerTasks("srv", list, read))
		})
		wg.Wait()
		if !errors.Is(serverErr, error(denied)) {
			t.Fatalf("the server wait: %v, want the list's 403", serverErr)
		}
		// The first round's list, and the server wait's: none for the task
		// waits' other rounds.
		if lists, _ := tt.counts(); lists > 2 {
			t.Fatalf("%d lists: after the refusal, rounds without a server wait must read by ID", lists)
		}
	})
}

// TestPollerSameTaskTwice: a second wait on a task joins while the round
// that sees the task end is in flight; the next round, begun after that
// end was recorded, does not read the task again. The second wait must get
// the end, never an empty answer.
func TestPollerSameTaskTwice(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		tt := newTaskTable()
		tt.add("x", 0, 500*time.Millisecond, "SUCCESS_RESET")
		tt.add("stuck", 0, 0, "")
		p := NewPoller(t.Context(), tt.paged, tt.read)
		steady := Waiter{Clock: RealClock{}, Timeout: time.Minute,
			Schedule: Schedule{First: time.Second, Max: time.Second, Factor: 1, Rand: fixedRand(0)}}
		ctx, cancel := context.WithCancel(t.Context())
		var wg sync.WaitGroup
		for _, id := range []string{"x", "stuck"} {
			wg.Go(func() {
				read, leave := p.Task(id)
				defer leave()
				_, _ = steady.Wait(ctx, read)
			})
		}
		// The first polls end at 20 ms; the round a second later lists
		// (20 ms), then reads x (20 ms): join in between.
		time.Sleep(time.Second + 50*time.Millisecond)
		read, leave := p.Task("x")
		var statuses []string
		res, err := steady.Wait(t.Context(), func(ctx context.Context) (kps.Task, error) {
			task, err := read(ctx)
			statuses = append(statuses, task.Status.Raw)
			return task, err
		})
		leave()
		cancel()
		wg.Wait()
		if err != nil || res.Task.Status.Raw != "SUCCESS_RESET" || len(statuses) != 1 {
			t.Fatalf("the second wait on x: %+v, %v after reads %q; want the end at once", res, err, statuses)
		}
	})
}

// TestPollerRoundStopsWhenNoWaitNeedsIt: a round whose waits all gave up
// (Ctrl-C, their timeouts) is cancelled, rather than running on, in the
// budget's wait or a slow list, on the provider's context.
func TestPollerRoundStopsWhenNoWaitNeedsIt(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		var listCtxErr error
		listing := make(chan struct{}, 8)
		list := func(ctx context.Context) ([]kps.ListedTask, error) {
			listing <- struct{}{}
			select {
			case <-time.After(10 * time.Minute): // a budget spent for ten minutes
				return nil, nil
			case <-ctx.Done():
				listCtxErr = ctx.Err()
				return nil, ctx.Err()
			}
		}
		read := func(context.Context, string) (kps.Task, error) { return kps.Task{}, nil }
		p := NewPoller(t.Context(), onePage(list), read)
		ctx, cancel := context.WithCancel(t.Context())
		var wg sync.WaitGroup
		readA, leaveA := p.Task("a")
		readB, leaveB := p.Task("b")
		for _, read := range []ReadFunc{readA, readB} {
			wg.Go(func() { _, _ = read(ctx) })
		}
		defer leaveA()
		defer leaveB()
		<-listing
		began := time.Now()
		cancel()
		wg.Wait()
		synctest.Wait()
		if !errors.Is(listCtxErr, context.Canceled) || time.Since(began) > time.Second {
			t.Fatalf("the round's list ended with %v after %v: want it cancelled once no wait needed it", listCtxErr, time.Since(began))
		}
	})
}

// TestPollerInterruptOneWait: Ctrl-C of one wait ends it at once; the
// others go on and end as they would.
func TestPollerInterruptOneWait(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		tt := newTaskTable()
		tt.add("a", 0, 3*time.Second, "SUCCESS_RESET")
		tt.add("b", 0, 3*time.Second, "SUCCESS_RESET")
		tt.add("stuck", 0, 0, "")
		p := NewPoller(t.Context(), tt.paged, tt.read)
		ctx, cancel := context.WithCancel(t.Context())
		time.AfterFunc(1500*time.Millisecond, cancel)
		var interrupted error
		var wg sync.WaitGroup
		wg.Go(func() { _, interrupted = waitShared(ctx, p, "stuck") })
		for _, id := range []string{"a", "b"} {
			wg.Go(func() {
				if res, err := waitShared(t.Context(), p, id); err != nil || res.Task.Status.Raw != "SUCCESS_RESET" {
					t.Errorf("%s: %+v, %v", id, res, err)
				}
			})
		}
		wg.Wait()
		var ie *InterruptedError
		if !errors.As(interrupted, &ie) || ie.Waited > 1600*time.Millisecond {
			t.Fatalf("the cancelled wait: %v", interrupted)
		}
	})
}

// TestPollerServerWaitShares: a server wait and five task waits share
// rounds: the server wait's lists are the rounds' lists, and it sees every
// task of the server end. Alone, each would poll on its own: a read of its
// task, or a list, each second until its end; shared, the rounds' lists
// serve all six.
func TestPollerServerWaitShares(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		tt := newTaskTable()
		const n = 5
		alone := 0
		for i := range n {
			end := 6*time.Second + time.Duration(i)*250*time.Millisecond
			tt.add(fmt.Sprintf("t%d", i), 0, end, "SUCCESS_RESET")
			alone += int(end/time.Second) + 1
		}
		alone += 7 + 1 // the server wait, until the last task ends at 7 s
		p := NewPoller(t.Context(), tt.paged, tt.read, WithFailedList(tt.listFailed))
		var wg sync.WaitGroup
		for i := range n {
			wg.Go(func() {
				if _, err := waitShared(t.Context(), p, fmt.Sprintf("t%d", i)); err != nil {
					t.Error(err)
				}
			})
		}
		list, read, leave := p.Server()
		out, err := Poll(t.Context(), sharedWaiter, ForServerTasks("srv", list, read))
		leave()
		wg.Wait()
		if err != nil || len(out.Value) != n {
			t.Fatalf("%+v, %v", out.Value, err)
		}
		for _, task := range out.Value {
			if task.Status != "SUCCESS_RESET" {
				t.Fatalf("%+v: every task's end is known", out.Value)
			}
		}
		// The first waits may read by ID before the others join, and the
		// server wait reads by ID the end of a task whose own wait has left.
		lists, reads := tt.counts()
		requests := lists + reads + tt.failedListCount()
		t.Logf("%d lists, %d failed-task lists and %d reads, where alone would take about %d", lists, tt.failedListCount(), reads, alone)
		if 10*requests > 6*alone {
			t.Fatalf("%d requests where alone would take about %d: the waits did not share", requests, alone)
		}
	})
}

// TestPollerLongListReadsByID: in a project with thousands of running
// tasks, a list takes more pages than reading each waited task by ID: after
// one list, rounds read by ID. A server wait, which needs the list, lists.
func TestPollerLongListReadsByID(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		tt := newTaskTable()
		for i := range 2500 {
			tt.add(fmt.Sprintf("busy%d", i), 0, 0, "")
		}
		tt.add("a", 0, 5*time.Second, "SUCCESS_RESET")
		tt.add("b", 0, 5*time.Second, "SUCCESS_RESET")
		p := NewPoller(t.Context(), tt.paged, tt.read)
		var wg sync.WaitGroup
		for _, id := range []string{"a", "b"} {
			wg.Go(func() {
				if res, err := waitShared(t.Context(), p, id); err != nil || res.Task.Status.Raw != "SUCCESS_RESET" {
					t.Errorf("%s: %+v, %v", id, res, err)
				}
			})
		}
		wg.Wait()
		lists, reads := tt.counts()
		if lists > 1 || reads < 6 {
			t.Fatalf("%d lists (of 3 pages each) and %d reads: after the first list, rounds read the two tasks by ID", lists, reads)
		}
	})
}

// TestPollerRoundsRunOnTheProvidersContext: a round's requests carry the
// values of the poller's context (the provider's loggers), never those of
// the wait that happened to start the round: its task_id would be logged
// on other tasks' reads, and its loggers released once its call returned.
func TestPollerRoundsRunOnTheProvidersContext(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		type key struct{}
		var mu sync.Mutex
		seen := map[string]bool{}
		record := func(ctx context.Context) {
			mu.Lock()
			defer mu.Unlock()
			seen[fmt.Sprint(ctx.Value(key{}))] = true
		}
		tt := newTaskTable()
		tt.add("a", 0, 2*time.Second, "SUCCESS_RESET")
		tt.add("b", 0, 3*time.Second, "SUCCESS_RESET")
		list := func(ctx context.Context) ([]kps.ListedTask, error) { record(ctx); return tt.list(ctx) }
		read := func(ctx context.Context, id string) (kps.Task, error) { record(ctx); return tt.read(ctx, id) }
		p := NewPoller(context.WithValue(t.Context(), key{}, "provider"), onePage(list), read)
		readA, leaveA := p.Task("a")
		readB, leaveB := p.Task("b")
		var wg sync.WaitGroup
		for id, r := range map[string]ReadFunc{"a": readA, "b": readB} {
			wg.Go(func() {
				if _, err := sharedWaiter.Wait(context.WithValue(t.Context(), key{}, "wait-"+id), r); err != nil {
					t.Errorf("%s: %v", id, err)
				}
			})
		}
		wg.Wait()
		leaveA()
		leaveB()
		if len(seen) != 1 || !seen["provider"] {
			t.Fatalf("the rounds' requests ran with the contexts of %v; want the provider's alone", seen)
		}
	})
}
