package wait

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/kpsops/terraform-provider-kps/internal/kps"
)

// ReadFunc reads the task once.
type ReadFunc func(ctx context.Context) (kps.Task, error)

// Observer hears about a wait's progress, for logging. Any field may be nil.
type Observer struct {
	// StatusChanged is called on the first status seen and on every change.
	StatusChanged func(ctx context.Context, task kps.Task, elapsed time.Duration)
	// TransientError is called when a read fails in a way that may pass.
	TransientError func(ctx context.Context, err error, elapsed time.Duration)
}

// Waiter polls a task until it ends.
type Waiter struct {
	Clock    Clock
	Schedule Schedule
	Timeout  time.Duration
	Observer Observer
}

// Result is how a wait ended.
type Result struct {
	Task        kps.Task
	CompletedAt time.Time // when the ending status was first seen
	Polls       int
}

// TimeoutError says the task did not end in time.
type TimeoutError struct {
	Waited     time.Duration
	LastStatus string // empty when no read succeeded
	LastErr    error  // the last transient error, if the last read failed
	Polls      int
}

func (e *TimeoutError) Error() string {
	last := "no read succeeded"
	if e.LastStatus != "" {
		last = "the last status seen was " + e.LastStatus
	}
	msg := fmt.Sprintf("the task did not end within %s (%d polls); %s", e.Waited.Round(time.Second), e.Polls, last)
	if e.LastErr != nil {
		msg += "; the last read failed: " + e.LastErr.Error()
	}
	return msg
}

// InterruptedError says the wait was cancelled, as by Ctrl-C.
type InterruptedError struct {
	Waited     time.Duration
	LastStatus string
}

func (e *InterruptedError) Error() string {
	msg := fmt.Sprintf("the wait was interrupted after %s", e.Waited.Round(time.Millisecond))
	if e.LastStatus != "" {
		msg += "; the last status seen was " + e.LastStatus
	}
	return msg
}

// Wait polls at once, then after each pause of the schedule, until the task
// reaches a terminal phase, the timeout passes, ctx ends, or a read fails in
// a way that will not pass (a 401, a task that does not exist). Transient
// failures do not end the wait: they are retried on the schedule, with any
// Retry-After honoured, until the timeout. A phase the API does not document
// counts as pending.
func (w Waiter) Wait(ctx context.Context, read ReadFunc) (Result, error) {
	start := w.Clock.Now()
	deadline := start.Add(w.Timeout)
	// lastStatus is empty until a read succeeds: the client refuses an
	// answer without a status.
	var lastStatus string
	var lastErr error
	for polls := 1; ; polls++ {
		task, err := read(ctx)
		now := w.Clock.Now()
		switch {
		case ctx.Err() != nil:
			return Result{}, &InterruptedError{Waited: now.Sub(start), LastStatus: lastStatus}
		case err != nil && !kps.IsTransient(err):
			return Result{}, err
		case err != nil:
			lastErr = err
			if w.Observer.TransientError != nil {
				w.Observer.TransientError(ctx, err, now.Sub(start))
			}
		default:
			lastErr = nil
			if task.Status.Raw != lastStatus && w.Observer.StatusChanged != nil {
				w.Observer.StatusChanged(ctx, task, now.Sub(start))
			}
			lastStatus = task.Status.Raw
			if task.Status.Terminal() {
				return Result{Task: task, CompletedAt: now, Polls: polls}, nil
			}
		}

		remaining := deadline.Sub(now)
		if remaining <= 0 {
			return Result{}, &TimeoutError{Waited: now.Sub(start), LastStatus: lastStatus, LastErr: lastErr, Polls: polls}
		}
		pause := w.Schedule.Pause(polls - 1)
		if ra := min(kps.RetryAfter(err), kps.MaxRetryAfter); ra > pause {
			pause = ra
		}
		// The last poll falls on the deadline, so that a task ending just in
		// time is still seen to end.
		if err := w.Clock.Sleep(ctx, min(pause, remaining)); err != nil {
			return Result{}, &InterruptedError{Waited: w.Clock.Now().Sub(start), LastStatus: lastStatus}
		}
	}
}

// IsInterrupted reports whether err is a wait cut short by cancellation.
func IsInterrupted(err error) bool {
	var ie *InterruptedError
	return errors.As(err, &ie)
}
