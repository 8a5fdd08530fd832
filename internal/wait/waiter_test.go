package wait

import (
	"context"
	"errors"
	"fmt"
	"net"
	"strings"
	"testing"
	"testing/synctest"
	"time"

	"github.com/kpsops/terraform-provider-kps/internal/kps"
)

func TestWaitPollsAtOnceAndEndsOnSuccess(t *testing.T) {
	clock := newFakeClock()
	read, reads := timeline(clock, []time.Duration{0}, "SUCCESS_RESET")
	res, err := newWaiter(clock, time.Minute).Wait(context.Background(), read)
	if err != nil || *reads != 1 || len(clock.pauses) != 0 || res.Task.Status.Raw != "SUCCESS_RESET" || res.Polls != 1 {
		t.Fatalf("got %+v, %v after %d reads and pauses %v; want one read, no pause", res, err, *reads, clock.pauses)
	}
}

func TestWaitFollowsScheduleUntilTheEnd(t *testing.T) {
	clock := newFakeClock()
	start := clock.Now()
	read, reads := timeline(clock, []time.Duration{0, 5 * time.Second, 30 * time.Second}, "READY_REPLACE", "RUNNING_REPLACE", "FAILED_REPLACE")
	var changes []string
	w := newWaiter(clock, time.Hour)
	w.Observer.StatusChanged = func(_ context.Context, status string, _ time.Duration) {
		changes = append(changes, status)
	}
	res, err := w.Wait(context.Background(), read)
	if err != nil {
		t.Fatal(err)
	}
	// Pauses 1, 1.5, 2.25, 3.375, 5.06, 7.59, 10, 10: polls at 0, 1, 2.5, 4.75, 8.125,
	// 13.19, 20.78, 30.78 s. A failed task is an ending too: judging it is the caller's job.
	if got := res.CompletedAt.Sub(start); got != 30781250*time.Microsecond {
		t.Errorf("completed at +%v, want +30.78125s", got)
	}
	if *reads != 8 || res.Polls != 8 || res.Task.Status.Raw != "FAILED_REPLACE" {
		t.Errorf("%d reads, result %+v", *reads, res)
	}
	if len(changes) != 3 || changes[0] != "READY_REPLACE" || changes[1] != "RUNNING_REPLACE" || changes[2] != "FAILED_REPLACE" {
		t.Errorf("status changes reported: %v", changes)
	}
	for _, p := range clock.pauses {
		if p > 10*time.Second {
			t.Errorf("pause %v is longer than poll_interval", p)
		}
	}
}

func TestWaitTreatsUnknownPhasesAsPending(t *testing.T) {
	clock := newFakeClock()
	read, _ := timeline(clock, []time.Duration{0, 3 * time.Second}, "PAUSED_RESET", "SUCCESS_BIND")
	res, err := newWaiter(clock, time.Minute).Wait(context.Background(), read)
	if err != nil || res.Task.Status.Raw != "SUCCESS_BIND" {
		t.Fatalf("got %+v, %v", res, err)
	}
}

func TestWaitTimesOutWithTheLastStatus(t *testing.T) {
	clock := newFakeClock()
	start := clock.Now()
	read, _ := timeline(clock, []time.Duration{0}, "RUNNING_UNBIND")
	_, err := newWaiter(clock, 45*time.Second).Wait(context.Background(), read)
	var te *TimeoutError
	if !errors.As(err, &te) {
		t.Fatalf("got %v, want a TimeoutError", err)
	}
	if te.Waited != 45*time.Second || te.LastStatus != "RUNNING_UNBIND" || clock.now.Sub(start) != 45*time.Second {
		t.Fatalf("got %+v after %v", te, clock.now.Sub(start))
	}
	// The last poll falls exactly on the deadline.
	if last := clock.pauses[len(clock.pauses)-1]; last >= 10*time.Second {
		t.Errorf("last pause %v was not shortened to the deadline", last)
	}
}

func TestWaitTimeoutAtDeadlineStillSeesTheEnd(t *testing.T) {
	clock := newFakeClock()
	read, _ := timeline(clock, []time.Duration{0, 45 * time.Second}, "RUNNING_RESET", "SUCCESS_RESET")
	res, err := newWaiter(clock, 45*time.Second).Wait(context.Background(), read)
	if err != nil || !res.Task.Status.Succeeded() {
		t.Fatalf("a task ending exactly at the timeout: %+v, %v", res, err)
	}
}

func TestWaitRidesOutTransientFailures(t *testing.T) {
	clock := newFakeClock()
	read, reads := scripted(
		failure(&kps.RequestError{Method: "GET", URL: "u", Err: errors.New("connection reset by peer"), Transient: true}),
		failure(&kps.ResponseError{StatusCode: 502, Problem: "html"}),
		status("RUNNING_RESET"),
		failure(&kps.ResponseError{StatusCode: 503}),
		status("SUCCESS_RESET"),
	)
	var transient int
	w := newWaiter(clock, time.Minute)
	w.Observer.TransientError = func(context.Context, error, time.Duration) { transient++ }
	res, err := w.Wait(context.Background(), read)
	if err != nil || !res.Task.Status.Succeeded() || *reads != 5 || transient != 3 {
		t.Fatalf("got %+v, %v after %d reads, %d transient", res, err, *reads, transient)
	}
}

func TestWaitTimeoutReportsTheLastFailure(t *testing.T) {
	clock := newFakeClock()
	read, _ := scripted(status("RUNNING_RESET"), failure(&kps.ResponseError{StatusCode: 503, ErrorCode: "APIGW.0201"}))
	_, err := newWaiter(clock, 30*time.Second).Wait(context.Background(), read)
	var te *TimeoutError
	if !errors.As(err, &te) || te.LastStatus != "RUNNING_RESET" || te.LastErr == nil {
		t.Fatalf("got %v", err)
	}
}

func TestWaitStopsAtFinalErrors(t *testing.T) {
	clock := newFakeClock()
	notFound := &kps.ResponseError{StatusCode: 400, ErrorCode: "KPS.0001", ErrorMsg: "taskId is illegal"}
	read, reads := scripted(status("RUNNING_RESET"), failure(notFound), status("SUCCESS_RESET"))
	_, err := newWaiter(clock, time.Minute).Wait(context.Background(), read)
	if !errors.Is(err, error(notFound)) || *reads != 2 {
		t.Fatalf("got %v after %d reads, want the 400 at once", err, *reads)
	}
}

func TestWaitHonoursRetryAfter(t *testing.T) {
	clock := newFakeClock()
	read, _ := scripted(
		failure(&kps.ResponseError{StatusCode: 429, RetryAfter: 25 * time.Second}),
		failure(&kps.ResponseError{StatusCode: 429, RetryAfter: 10 * time.Minute}),
		status("SUCCESS_RESET"),
	)
	_, err := newWaiter(clock, time.Hour).Wait(context.Background(), read)
	if err != nil {
		t.Fatal(err)
	}
	// Longer than poll_interval is honoured; longer than a minute is bounded.
	if len(clock.pauses) != 2 || clock.pauses[0] != 25*time.Second || clock.pauses[1] != kps.MaxRetryAfter {
		t.Fatalf("pauses %v, want [25s 1m0s]", clock.pauses)
	}
}

func TestWaitInterruptedWhilePausing(t *testing.T) {
	clock := newFakeClock()
	ctx, cancel := context.WithCancel(context.Background())
	clock.onSleep = cancel
	read, _ := timeline(clock, []time.Duration{0}, "RUNNING_RESET")
	_, err := newWaiter(clock, time.Hour).Wait(ctx, read)
	var ie *InterruptedError
	if !errors.As(err, &ie) || ie.LastStatus != "RUNNING_RESET" || !IsInterrupted(err) {
		t.Fatalf("got %v, want an InterruptedError", err)
	}
}

func TestWaitInterruptedDuringRead(t *testing.T) {
	clock := newFakeClock()
	ctx, cancel := context.WithCancel(context.Background())
	read := func(ctx context.Context) (kps.Task, error) {
		cancel()
		return kps.Task{}, &kps.RequestError{Err: ctx.Err()}
	}
	_, err := newWaiter(clock, time.Hour).Wait(ctx, read)
	if !IsInterrupted(err) {
		t.Fatalf("got %v, want an InterruptedError", err)
	}
}

// TestRealClockSleepEndsOnCancel: the real clock gives up a long pause as soon
// as the context ends, which is what makes Ctrl-C stop a wait promptly.
func TestRealClockSleepEndsOnCancel(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	go func() { time.Sleep(20 * time.Millisecond); cancel() }()
	done := make(chan error, 1)
	go func() { done <- RealClock{}.Sleep(ctx, time.Hour) }()
	select {
	case err := <-done:
		if !errors.Is(err, context.Canceled) {
			t.Fatalf("Sleep returned %v, want context.Canceled", err)
		}
	case <-time.After(10 * time.Second):
		t.Fatal("Sleep did not end when its context was cancelled")
	}
	if err := (RealClock{}).Sleep(context.Background(), time.Millisecond); err != nil {
		t.Fatalf("a short sleep failed: %v", err)
	}
}

// TestWaitTimeoutBoundsARetryingRead: a read that would go on retrying
// (backoff, Retry-After, a wait for the request budget) for longer than the
// timeout is cut off at the deadline, and the wait ends as a timeout, not as
// an interruption, within deadlineGrace of it.
func TestWaitTimeoutBoundsARetryingRead(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		start := time.Now()
		reads := 0
		read := func(ctx context.Context) (kps.Task, error) {
			reads++
			if reads == 1 {
				return kps.Task{ID: "t", Status: kps.ParseStatus("RUNNING_RESET")}, nil
			}
			// Ten minutes of retries, unless the context ends first.
			select {
			case <-time.After(10 * time.Minute):
				return kps.Task{}, &kps.ResponseError{StatusCode: 503}
			case <-ctx.Done():
				return kps.Task{}, &kps.RequestError{Err: ctx.Err()}
			}
		}
		w := Waiter{Clock: RealClock{}, Schedule: NewSchedule(10 * time.Second), Timeout: 2 * time.Minute}
		_, err := w.Wait(t.Context(), read)
		var te *TimeoutError
		if !errors.As(err, &te) || te.LastStatus != "RUNNING_RESET" || IsInterrupted(err) {
			t.Fatalf("got %v, want a TimeoutError with the last status", err)
		}
		if took := time.Since(start); took > w.Timeout+deadlineGrace {
			t.Fatalf("the wait ended %v after it began, past its 2m timeout", took)
		}
	})
}

// TestWithTimeoutTellsTimeoutFromCancel: a context ended by its timeout is
// TimedOut; one cancelled (Ctrl-C) is not, even under a timeout.
func TestWithTimeoutTellsTimeoutFromCancel(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		parent, cancel := context.WithCancel(t.Context())
		ctx, stop := WithTimeout(parent, time.Minute)
		defer stop()
		cancel()
		if TimedOut(ctx) || ctx.Err() == nil {
			t.Fatalf("a cancelled context: TimedOut %v, Err %v", TimedOut(ctx), ctx.Err())
		}
		ctx, stop = WithTimeout(t.Context(), time.Minute)
		defer stop()
		time.Sleep(time.Minute + deadlineGrace)
		synctest.Wait()
		if !TimedOut(ctx) {
			t.Fatalf("a context past its timeout is not TimedOut: %v", context.Cause(ctx))
		}
	})
}

// TestWaitEndsWhenNothingEverAnswered: a first poll whose retries all
// failed to connect ends the wait at once, naming the cause and what to
// check, rather than polling on in silence until the timeout.
func TestWaitEndsWhenNothingEverAnswered(t *testing.T) {
	clock := newFakeClock()
	read, reads := scripted(refused, status("SUCCESS_RESET"))
	_, err := newWaiter(clock, time.Hour).Wait(context.Background(), read)
	var na *NoAnswerError
	if !errors.As(err, &na) || *reads != 1 || !strings.Contains(err.Error(), "connection refused") ||
		!strings.Contains(err.Error(), "check the provider's endpoint") {
		t.Fatalf("got %v after %d reads; want a NoAnswerError after the first", err, *reads)
	}
}

// TestWaitPollsOnOnceSomethingAnswered: after an answer, a refused
// connection is a blip like any other, and the wait goes on.
func TestWaitPollsOnOnceSomethingAnswered(t *testing.T) {
	clock := newFakeClock()
	read, reads := scripted(status("RUNNING_RESET"), refused, refused, status("SUCCESS_RESET"))
	res, err := newWaiter(clock, time.Hour).Wait(context.Background(), read)
	if err != nil || !res.Task.Status.Succeeded() || *reads != 4 {
		t.Fatalf("got %+v, %v after %d reads", res, err, *reads)
	}
}

// TestWaitTimeoutWhileNothingEverConnected: a timeout shorter than the
// first poll's retries, against an endpoint nothing listens on, still says
// that nothing answered there, rather than that the wait timed out.
func TestWaitTimeoutWhileNothingEverConnected(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		read := func(ctx context.Context) (kps.Task, error) {
			<-ctx.Done() // retrying a refused connection until the deadline
			refusedDial := &net.OpError{Op: "dial", Net: "tcp", Err: errors.New("connect: connection refused")}
			return kps.Task{}, &kps.RequestError{Method: "GET", URL: "http://127.0.0.1:9/v3/p/tasks/t", Attempts: 4,
				Err: fmt.Errorf("%w, while retrying after %w", ctx.Err(), refusedDial)}
		}
		w := Waiter{Clock: RealClock{}, Schedule: NewSchedule(10 * time.Second), Timeout: 20 * time.Second}
		_, err := w.Wait(t.Context(), read)
		var na *NoAnswerError
		if !errors.As(err, &na) || !strings.Contains(err.Error(), "connection refused") {
			t.Fatalf("got %v, want a NoAnswerError naming the refused connection", err)
		}
	})
}

// TestWaitPauseFirst: a wait on a task just started does not read it at
// once (it is known to run): its first read comes after the schedule's
// first pause.
func TestWaitPauseFirst(t *testing.T) {
	clock := newFakeClock()
	read, reads := timeline(clock, []time.Duration{0}, "SUCCESS_REPLACE")
	w := newWaiter(clock, time.Minute)
	w.PauseFirst = true
	res, err := w.Wait(context.Background(), read)
	if err != nil || *reads != 1 || len(clock.pauses) != 1 || clock.pauses[0] != w.Schedule.Pause(0) || res.Task.Status.Raw != "SUCCESS_REPLACE" {
		t.Fatalf("got %+v, %v after %d reads and pauses %v; want one pause of %s, then one read that sees the end",
			res, err, *reads, clock.pauses, w.Schedule.Pause(0))
	}
}
