package wait

import (
	"cmp"
	"context"
	"errors"
	"net"
	"strings"
	"sync"
	"time"

	"github.com/kpsops/terraform-provider-kps/internal/kps"
)

// The package's test helpers, in one place: a fake clock, scripted reads
// and timelines, waiters without jitter, and the in-memory task table the
// poller's tests run against.

// fakeClock moves time only when the waiter sleeps, and records each pause.
type fakeClock struct {
	now    time.Time
	pauses []time.Duration
	// onSleep, when set, runs before each pause, e.g. to cancel the context.
	onSleep func()
}

func newFakeClock() *fakeClock { return &fakeClock{now: time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)} }

func (c *fakeClock) Now() time.Time { return c.now }

func (c *fakeClock) Sleep(ctx context.Context, d time.Duration) error {
	if c.onSleep != nil {
		c.onSleep()
	}
	if err := ctx.Err(); err != nil {
		return err
	}
	c.pauses = append(c.pauses, d)
	c.now = c.now.Add(d)
	return nil
}

func fixedRand(v float64) func() float64 { return func() float64 { return v } }

// timeline returns a read that reports statuses by the fake clock's time since
// the first read: statuses[i] from offsets[i] on.
func timeline(clock *fakeClock, offsets []time.Duration, statuses ...string) (ReadFunc, *int) {
	var start time.Time
	reads := 0
	return func(context.Context) (kps.Task, error) {
		reads++
		if start.IsZero() {
			start = clock.Now()
		}
		elapsed := clock.Now().Sub(start)
		status := statuses[0]
		for i, off := range offsets {
			if elapsed >= off {
				status = statuses[i]
			}
		}
		return kps.Task{ID: "t", ServerID: "s", Status: kps.ParseStatus(status)}, nil
	}, &reads
}

// newWaiter waits with poll_interval = 10s and no jitter.
func newWaiter(clock *fakeClock, timeout time.Duration) Waiter {
	s := NewSchedule(10 * time.Second)
	s.Rand = fixedRand(0)
	return Waiter{Clock: clock, Schedule: s, Timeout: timeout}
}

// scripted returns a read that answers from a list, repeating the last answer.
func scripted(answers ...func() (kps.Task, error)) (ReadFunc, *int) {
	n := 0
	return func(context.Context) (kps.Task, error) {
		a := answers[min(n, len(answers)-1)]
		n++
		return a()
	}, &n
}

func status(s string) func() (kps.Task, error) {
	return func() (kps.Task, error) { return kps.Task{ID: "t", Status: kps.ParseStatus(s)}, nil }
}

func failure(err error) func() (kps.Task, error) {
	return func() (kps.Task, error) { return kps.Task{}, err }
}

// refused is a read of an endpoint where nothing listens, after its retries.
func refused() (kps.Task, error) {
	return kps.Task{}, &kps.RequestError{Method: "GET", URL: "http://127.0.0.1:1/v3/p/tasks/t", Attempts: 6, Transient: true,
		Err: &net.OpError{Op: "dial", Net: "tcp", Err: errors.New("connect: connection refused")}}
}

// taskTable is an in-memory API for the poller's tests: tasks that run from
// a start time to an end, a running list, reads by ID, and counts of both.
type taskTable struct {
	mu      sync.Mutex
	start   time.Time
	tasks   map[string]*fakeTask
	lists   int
	reads   map[string]int
	listErr []error // the next lists fail with these, one each
	// listDenied, when set, fails every list after listErr's (a user who may
	// read tasks but not list them).
	listDenied error
	latency    time.Duration
	// failedLists counts the reads of the failed-tasks list; failedErr, when
	// set, fails every one.
	failedLists int
	failedErr   error
}

type fakeTask struct {
	from, end time.Duration // since start; end 0: runs for ever
	final     string
	purged    bool
	// recordDeleted: its failed-task record was deleted.
	recordDeleted bool
	// recordLag is how long after its end its failed-task record appears.
	recordLag time.Duration
	// hidden is a span, since start, in which the running list leaves the
	// task out although it runs.
	hiddenFrom, hiddenTo time.Duration
	// readStatus, when set, is the end a read by ID gives, which the lists
	// cannot tell (a SUCCESS_BIND listed as a REPLACE).
	readStatus string
}

func newTaskTable() *taskTable {
	return &taskTable{start: time.Now(), tasks: map[string]*fakeTask{}, reads: map[string]int{}, latency: 20 * time.Millisecond}
}

func (tt *taskTable) add(id string, from, end time.Duration, final string) {
	tt.mu.Lock()
	defer tt.mu.Unlock()
	tt.tasks[id] = &fakeTask{from: from, end: end, final: final}
}

func (tt *taskTable) list(context.Context) ([]kps.ListedTask, error) {
	time.Sleep(tt.latency)
	tt.mu.Lock()
	defer tt.mu.Unlock()
	tt.lists++
	if len(tt.listErr) > 0 {
		err := tt.listErr[0]
		tt.listErr = tt.listErr[1:]
		return nil, err
	}
	if tt.listDenied != nil {
		return nil, tt.listDenied
	}
	now := time.Since(tt.start)
	var out []kps.ListedTask
	for id, t := range tt.tasks {
		hidden := now >= t.hiddenFrom && now < t.hiddenTo
		if now >= t.from && (t.end == 0 || now < t.end) && !hidden {
			out = append(out, kps.ListedTask{ID: id, Operation: "RESET", ServerID: "srv"})
		}
	}
	return out, nil
}

// listFailed is the failed-tasks list: the tasks that ended FAILED_*, with
// their records' reasons, but for the records deleted.
func (tt *taskTable) listFailed(context.Context) ([]kps.ListedTask, error) {
	time.Sleep(tt.latency)
	tt.mu.Lock()
	defer tt.mu.Unlock()
	tt.failedLists++
	if tt.failedErr != nil {
		return nil, tt.failedErr
	}
	now := time.Since(tt.start)
	var out []kps.ListedTask
	for id, t := range tt.tasks {
		if t.end != 0 && now >= t.end+t.recordLag && strings.HasPrefix(t.final, "FAILED_") && !t.recordDeleted && !t.purged {
			out = append(out, kps.ListedTask{ID: id, Operation: "RESET", ServerID: "srv", ErrorCode: "KPS.6015", ErrorMsg: "cannot log in"})
		}
	}
	return out, nil
}

// paged is list, in pages of the API's size.
func (tt *taskTable) paged(ctx context.Context) ([]kps.ListedTask, int, error) {
	tasks, err := tt.list(ctx)
	return tasks, max(1, (len(tasks)+kps.ListPageSize-1)/kps.ListPageSize), err
}

func (tt *taskTable) read(_ context.Context, id string) (kps.Task, error) {
	time.Sleep(tt.latency)
	tt.mu.Lock()
	defer tt.mu.Unlock()
	tt.reads[id]++
	t := tt.tasks[id]
	if t == nil || t.purged {
		// KPS's answer to a task it does not know, as the client reads it.
		return kps.Task{}, &kps.ResponseError{StatusCode: 400, ErrorCode: "KPS.0001", ErrorMsg: "taskId is illegal", Gone: true}
	}
	status := "RUNNING_RESET"
	if now := time.Since(tt.start); t.end != 0 && now >= t.end {
		status = cmp.Or(t.readStatus, t.final)
	}
	return kps.Task{ID: id, ServerID: "srv", Status: kps.ParseStatus(status)}, nil
}

func (tt *taskTable) counts() (lists, reads int) {
	tt.mu.Lock()
	defer tt.mu.Unlock()
	for _, n := range tt.reads {
		reads += n
	}
	return tt.lists, reads
}

// failedListCount is how many times the failed-tasks list was read.
func (tt *taskTable) failedListCount() int {
	tt.mu.Lock()
	defer tt.mu.Unlock()
	return tt.failedLists
}

// onePage is list, each answer taken as one page.
func onePage(list ListFunc) PagedListFunc {
	return func(ctx context.Context) ([]kps.ListedTask, int, error) {
		tasks, err := list(ctx)
		return tasks, 1, err
	}
}

// sharedWaiter polls at most every second, on the real clock (virtual in
// synctest).
var sharedWaiter = Waiter{Clock: RealClock{}, Schedule: NewSchedule(time.Second), Timeout: time.Minute}

// waitShared waits for id through p, as a sequence waits for the task it
// started (its end may come from the lists, and rounds wake it), and
// reports when it saw the end.
func waitShared(ctx context.Context, p *Poller, id string) (Result, error) {
	read, wake, leave := p.TaskWait(id, true)
	defer leave()
	w := sharedWaiter
	w.Wake = wake
	return w.Wait(ctx, read)
}
