package wait

import (
	"context"
	"fmt"
	"sync"
	"testing"
	"testing/synctest"
	"time"

	"github.com/kpsops/terraform-provider-kps/internal/kps"
)

// waitAll waits for every id through p at once and returns how each ended.
func waitAll(t *testing.T, p *Poller, ids ...string) map[string]Result {
	t.Helper()
	var mu sync.Mutex
	out := map[string]Result{}
	var wg sync.WaitGroup
	for _, id := range ids {
		wg.Go(func() {
			res, err := waitShared(t.Context(), p, id)
			if err != nil {
				t.Errorf("%s: %v", id, err)
			}
			mu.Lock()
			out[id] = res
			mu.Unlock()
		})
	}
	wg.Wait()
	return out
}

// TestEndsFromListsNotAfterRecordsVanished: someone deletes failed-task
// records while the waits run. A task whose record was deleted before a
// round could see it would pass for a success; so once a record the poller
// saw is gone, the round reads the tasks that left the list by ID.
func TestEndsFromListsNotAfterRecordsVanished(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		tt := newTaskTable()
		tt.add("a", 0, 3*time.Second, "FAILED_RESET")
		tt.add("b", 0, 8*time.Second, "FAILED_RESET")
		tt.add("long", 0, 12*time.Second, "SUCCESS_RESET")
		tt.tasks["b"].recordDeleted = true // deleted the moment it was written
		go func() {
			// a's record is deleted after a round has seen it.
			time.Sleep(6 * time.Second)
			tt.mu.Lock()
			tt.tasks["a"].recordDeleted = true
			tt.mu.Unlock()
		}()
		p := NewPoller(t.Context(), tt.paged, tt.read, WithFailedList(tt.listFailed))
		got := waitAll(t, p, "a", "b", "long")
		for id, want := range map[string]string{"a": "FAILED_RESET", "b": "FAILED_RESET", "long": "SUCCESS_RESET"} {
			if got[id].Task.Status.Raw != want {
				t.Errorf("%s ended %s, want %s", id, got[id].Task.Status.Raw, want)
			}
		}
		if got["a"].Task.FailedRecord == nil || got["a"].Task.FailedRecord.ErrorCode != "KPS.6015" {
			t.Errorf("a's end came without its record: %+v", got["a"].Task)
		}
		if tt.reads["b"] == 0 {
			t.Error("b's end was not read by ID, although a record had vanished")
		}
	})
}

// TestEndsFromListsReadByIDWhenTheListsCannotTell: a running list of more
// than one page may miss a task that runs, and a failed-tasks list refused
// for good cannot tell anything: the tasks that left the list are read by
// ID, and the refused list is not asked again.
func TestEndsFromListsReadByIDWhenTheListsCannotTell(t *testing.T) {
	for _, c := range []struct {
		name      string
		pages     int
		failedErr error
	}{
		{name: "running list of two pages", pages: 2},
		{name: "failed-tasks list refused", pages: 1, failedErr: &kps.ResponseError{StatusCode: 403, ErrorCode: "KPS.9003", ErrorMsg: "no permission"}},
	} {
		t.Run(c.name, func(t *testing.T) {
			synctest.Test(t, func(t *testing.T) {
				tt := newTaskTable()
				tt.failedErr = c.failedErr
				for i := range 4 {
					tt.add(fmt.Sprintf("t%d", i), 0, time.Duration(3+2*i)*time.Second, "SUCCESS_RESET")
				}
				list := func(ctx context.Context) ([]kps.ListedTask, int, error) {
					tasks, err := tt.list(ctx)
					return tasks, c.pages, err
				}
				p := NewPoller(t.Context(), list, tt.read, WithFailedList(tt.listFailed))
				got := waitAll(t, p, "t0", "t1", "t2", "t3")
				for id, res := range got {
					if res.Task.Status.Raw != "SUCCESS_RESET" || tt.reads[id] == 0 {
						t.Errorf("%s: %s after %d reads by ID; want its end read by ID", id, res.Task.Status.Raw, tt.reads[id])
					}
				}
				if failedLists := tt.failedListCount(); (c.failedErr != nil && failedLists > 1) || (c.failedErr == nil && failedLists > 0) {
					t.Errorf("%d failed-task lists", failedLists)
				}
			})
		})
	}
}

// TestPollerWakesAWaitWhoseTaskEnded: a wait that polls every 10 s sees its
// task's end as soon as rounds that another wait started find it, not at
// its own next poll.
func TestPollerWakesAWaitWhoseTaskEnded(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		tt := newTaskTable()
		tt.add("slow", 0, 3*time.Second, "SUCCESS_RESET")
		tt.add("busy", 0, 30*time.Second, "SUCCESS_RESET")
		p := NewPoller(t.Context(), tt.paged, tt.read, WithFailedList(tt.listFailed))
		ctx, cancel := context.WithCancel(t.Context())
		defer cancel()
		go func() {
			// busy polls every second.
			_, _ = waitShared(ctx, p, "busy")
		}()
		read, wake, leave := p.TaskWait("slow", true)
		defer leave()
		w := Waiter{Clock: RealClock{}, Schedule: Schedule{First: 10 * time.Second, Max: 10 * time.Second}, Timeout: time.Minute, Wake: wake}
		res, err := w.Wait(t.Context(), read)
		if err != nil {
			t.Fatal(err)
		}
		// Two rounds: the one that finds the task gone, and the one that
		// confirms its success.
		if seen := res.CompletedAt.Sub(tt.start); seen > 5500*time.Millisecond {
			t.Fatalf("the end at 3 s was seen at %s: the wait was not woken", seen)
		}
	})
}

// TestEndsFromListsAreConfirmed: a success is taken from the lists only
// when a second round finds the task in neither list again. A failure whose
// record KPS writes a moment after the task left the running list, and a
// running task one list left out, are not taken for successes.
func TestEndsFromListsAreConfirmed(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		tt := newTaskTable()
		tt.add("late-record", 0, 3*time.Second, "FAILED_RESET")
		tt.tasks["late-record"].recordLag = 300 * time.Millisecond
		tt.add("hidden-once", 0, 8*time.Second, "FAILED_RESET")
		tt.tasks["hidden-once"].hiddenFrom, tt.tasks["hidden-once"].hiddenTo = 4*time.Second, 4300*time.Millisecond
		tt.add("ok", 0, 5*time.Second, "SUCCESS_RESET")
		p := NewPoller(t.Context(), tt.paged, tt.read, WithFailedList(tt.listFailed))
		got := waitAll(t, p, "late-record", "hidden-once", "ok")
		for id, want := range map[string]string{"late-record": "FAILED_RESET", "hidden-once": "FAILED_RESET", "ok": "SUCCESS_RESET"} {
			if got[id].Task.Status.Raw != want {
				t.Errorf("%s ended %s, want %s", id, got[id].Task.Status.Raw, want)
			}
		}
		if end := got["hidden-once"].CompletedAt.Sub(tt.start); end < 8*time.Second {
			t.Errorf("hidden-once, which runs until 8 s, was seen to end at %s", end)
		}
	})
}

// TestExactWaitReadsTheAPIsStatus: a wait that must report the status as
// the API gives it (kps_keypair_task_wait) reads its task's end by ID, even
// beside waits that take theirs from the lists: a task listed as a RESET
// may end SUCCESS_BIND.
func TestExactWaitReadsTheAPIsStatus(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		tt := newTaskTable()
		tt.add("exact", 0, 3*time.Second, "SUCCESS_RESET")
		tt.tasks["exact"].readStatus = "SUCCESS_BIND"
		tt.add("other", 0, 4*time.Second, "SUCCESS_RESET")
		p := NewPoller(t.Context(), tt.paged, tt.read, WithFailedList(tt.listFailed))
		var wg sync.WaitGroup
		wg.Go(func() { _, _ = waitShared(t.Context(), p, "other") })
		read, leave := p.Task("exact")
		res, err := sharedWaiter.Wait(t.Context(), read)
		leave()
		wg.Wait()
		if err != nil || res.Task.Status.Raw != "SUCCESS_BIND" {
			t.Fatalf("the exact wait ended %q (%v), want the API's SUCCESS_BIND", res.Task.Status.Raw, err)
		}
	})
}
