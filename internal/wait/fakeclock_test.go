package wait

import (
	"context"
	"time"
)

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
