package wait

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/kpsops/terraform-provider-kps/internal/kps"
)

// RefreshFunc looks once at what is waited for: its value, a status that
// says how it stands (logged when it changes, and reported when the wait
// times out), and whether the wait is over. An error that may pass (see
// kps.IsTransient) lets the wait go on; any other ends it.
type RefreshFunc[T any] func(ctx context.Context) (value T, status string, done bool, err error)

// Observer hears about a wait's progress, for logging. Any field may be nil.
type Observer struct {
	// StatusChanged is called on the first status seen and on every change.
	StatusChanged func(ctx context.Context, status string, elapsed time.Duration)
	// TransientError is called when a look fails in a way that may pass.
	TransientError func(ctx context.Context, err error, elapsed time.Duration)
}

// Waiter polls until what it waits for is done: on a schedule, within a
// timeout, until cancelled. The waits for one task and for a server's tasks
// share it, so they share all of that.
type Waiter struct {
	Clock    Clock
	Schedule Schedule
	Timeout  time.Duration
	Observer Observer
	// Wake, when set, cuts a pause short: the next poll comes at once (see
	// Poller.TaskWait).
	Wake <-chan struct{}
	// PauseFirst makes the first poll wait for the schedule's first pause
	// rather than come at once: for a task just started, which runs.
	PauseFirst bool
}

// Until is w with what is left, from now, of an operation whose deadline
// is deadline: the timeout of a wait that is one step of a longer
// operation.
func (w Waiter) Until(deadline time.Time) Waiter {
	w.Timeout = max(deadline.Sub(w.Clock.Now()), 0)
	return w
}

// Outcome is how a wait ended.
type Outcome[T any] struct {
	Value       T
	CompletedAt time.Time // when it was first seen done
	Polls       int
}

// TimeoutError says the wait did not end in time.
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
	msg := fmt.Sprintf("the wait did not end within %s (%d polls); %s", e.Waited.Round(time.Second), e.Polls, last)
	if e.LastErr != nil {
		msg += "; the last read failed: " + e.LastErr.Error()
	}
	return msg
}

// NoAnswerError says the wait's first poll could not connect, through all
// of its retries: the endpoint is wrong, or unreachable from here.
type NoAnswerError struct{ Err error }

func (e *NoAnswerError) Error() string {
	return e.Err.Error() + ". Nothing has answered at this endpoint: check the provider's endpoint (HW_KPS_ENDPOINT) " +
		"and region (HW_REGION_NAME), and that this machine can reach it"
}

func (e *NoAnswerError) Unwrap() error { return e.Err }

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

// ErrTimedOut is the cause of a context that an operation's timeout ended
// (see WithTimeout): what tells a timeout from Ctrl-C once both have
// become a cancelled context.
var ErrTimedOut = errors.New("the operation's timeout passed")

// deadlineGrace is how long past its timeout a wait's context lives: the
// last poll falls on the deadline itself, and must not fail for want of a
// context. It is also the most a timeout can be overrun by a read that is
// retrying when the deadline passes.
const deadlineGrace = time.Second

// WithTimeout bounds everything done with ctx (every poll, retry, backoff,
// Retry-After and wait for the request budget) by timeout, from now: the
// deadline of an operation, set where it starts. Its cause is ErrTimedOut.
func WithTimeout(ctx context.Context, timeout time.Duration) (context.Context, context.CancelFunc) {
	return context.WithTimeoutCause(ctx, timeout+deadlineGrace, ErrTimedOut)
}

// TimedOut reports whether ctx ended because an operation's timeout passed
// (rather than by cancellation, as by Ctrl-C).
func TimedOut(ctx context.Context) bool {
	return ctx.Err() != nil && errors.Is(context.Cause(ctx), ErrTimedOut)
}

// Poll refreshes at once, then after each pause of w's schedule, until the
// refresh says done, the timeout passes, ctx ends, or a refresh fails in a
// way that will not pass (a 401, a task that does not exist). Transient
// failures do not end the wait: they are retried on the schedule, with any
// Retry-After honoured, until the timeout. The timeout bounds the refreshes
// too: each runs with a context that ends at the deadline, so that a read
// retrying with backoff cannot carry the wait minutes past it.
func Poll[T any](ctx context.Context, w Waiter, refresh RefreshFunc[T]) (Outcome[T], error) {
	start := w.Clock.Now()
	deadline := start.Add(w.Timeout)
	ctx, cancel := WithTimeout(ctx, w.Timeout)
	defer cancel()
	// lastStatus is empty until a refresh succeeds; answered is set once
	// anything answered at all, a failure included.
	var lastStatus string
	var lastErr error
	answered := false
	timedOut := func(now time.Time, polls int) error {
		return &TimeoutError{Waited: now.Sub(start), LastStatus: lastStatus, LastErr: lastErr, Polls: polls}
	}
	if w.PauseFirst {
		if err := w.sleep(ctx, min(w.Schedule.Pause(0), w.Timeout)); err != nil {
			if TimedOut(ctx) {
				return Outcome[T]{}, timedOut(w.Clock.Now(), 0)
			}
			return Outcome[T]{}, &InterruptedError{Waited: w.Clock.Now().Sub(start)}
		}
	}
	for polls := 1; ; polls++ {
		value, status, done, err := refresh(ctx)
		now := w.Clock.Now()
		switch {
		case err == nil:
			answered, lastErr = true, nil
			if status != lastStatus && w.Observer.StatusChanged != nil {
				w.Observer.StatusChanged(ctx, status, now.Sub(start))
			}
			lastStatus = status
			if done {
				return Outcome[T]{Value: value, CompletedAt: now, Polls: polls}, nil
			}
		case TimedOut(ctx) && !answered && kps.NeverConnected(err):
			// The timeout came before the first poll's retries were spent,
			// and nothing could be connected to: still a wrong endpoint.
			return Outcome[T]{}, &NoAnswerError{Err: err}
		case TimedOut(ctx):
			// The read the deadline cut short says what it was retrying on.
			lastErr = err
			return Outcome[T]{}, timedOut(now, polls)
		case ctx.Err() != nil:
			return Outcome[T]{}, &InterruptedError{Waited: now.Sub(start), LastStatus: lastStatus}
		case !kps.IsTransient(err):
			return Outcome[T]{}, err
		case !answered && kps.CannotConnect(err):
			// The first poll's retries are spent and nothing could even be
			// connected to: a wrong endpoint, not a blip to poll on through.
			return Outcome[T]{}, &NoAnswerError{Err: err}
		default:
			answered = answered || !kps.CannotConnect(err)
			lastErr = err
			if w.Observer.TransientError != nil {
				w.Observer.TransientError(ctx, err, now.Sub(start))
			}
		}

		remaining := deadline.Sub(now)
		if remaining <= 0 || TimedOut(ctx) {
			return Outcome[T]{}, timedOut(now, polls)
		}
		pause := w.Schedule.Pause(polls - 1)
		if ra := min(kps.RetryAfter(err), kps.MaxRetryAfter); ra > pause {
			pause = ra
		}
		// The last poll falls on the deadline, so that an end just in time
		// is still seen.
		if err := w.sleep(ctx, min(pause, remaining)); err != nil {
			if TimedOut(ctx) {
				return Outcome[T]{}, timedOut(w.Clock.Now(), polls)
			}
			return Outcome[T]{}, &InterruptedError{Waited: w.Clock.Now().Sub(start), LastStatus: lastStatus}
		}
	}
}

// sleep pauses for d, until ctx ends, or until woken.
func (w Waiter) sleep(ctx context.Context, d time.Duration) error {
	if w.Wake == nil {
		return w.Clock.Sleep(ctx, d)
	}
	pause, cancel := context.WithCancel(ctx)
	defer cancel()
	go func() {
		select {
		case <-w.Wake:
			cancel()
		case <-pause.Done():
		}
	}()
	if err := w.Clock.Sleep(pause, d); err != nil && ctx.Err() != nil {
		return err
	}
	return nil
}

// IsInterrupted reports whether err is a wait cut short by cancellation.
func IsInterrupted(err error) bool {
	var ie *InterruptedError
	return errors.As(err, &ie)
}
