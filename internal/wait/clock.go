// Package wait polls a KPS task, or a server's running tasks, until they
// end, and shares that polling between the waits of a provider process
// (Poller). It knows nothing of Terraform, and does no HTTP itself: it is
// given functions that read and list, a schedule and a clock, so that tests
// can run hours of waiting in microseconds. Of the API it knows the kps
// client's vocabulary: a Task and a ListedTask, and what an error means for
// a wait (kps.IsTransient: poll on; kps.RetryAfter: pause this long;
// kps.CannotConnect: nothing to connect to).
package wait

import (
	"context"
	"time"
)

// Clock is the time a Waiter sees. The real one sleeps; a test's moves time by hand.
type Clock interface {
	Now() time.Time
	// Sleep pauses for d, or until ctx is done, in which case it returns ctx's error.
	Sleep(ctx context.Context, d time.Duration) error
}

// RealClock is the wall clock.
type RealClock struct{}

// Now returns the current time.
func (RealClock) Now() time.Time { return time.Now() }

// Sleep pauses for d unless ctx ends first.
func (RealClock) Sleep(ctx context.Context, d time.Duration) error {
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-ctx.Done():
		return ctx.Err()
	case <-t.C:
		return nil
	}
}
