package main

import (
	"context"
	"fmt"
	"strings"
	"time"

	"github.com/kpsops/terraform-provider-kps/internal/dev/kpsfake"
)

// rememberedLimit plans n reads twice against one rate-limited stand-in: the
// first plan learns the limit from 429s and remembers it in the cache
// directory; the second, a new provider process as the apply after a plan
// is, starts paced. The row is the second plan's.
func (b *bench) rememberedLimit(ctx context.Context, n, rate int) error {
	fake := kpsfake.New(benchToken, kpsfake.WithRateLimit(rate))
	addEndedTasks(fake, n)
	endpoint, stop, err := b.serve(ctx, fake, readsConfig(n))
	if err != nil {
		return err
	}
	defer stop()
	if _, _, out, err := b.timed(ctx, endpoint, nil, "plan", "-input=false", "-no-color"); err != nil {
		return fmt.Errorf("the plan that learns the limit: %w\n%s", err, out)
	}
	// The next calendar second, so that the first plan's requests do not
	// count against the second's.
	time.Sleep(time.Until(time.Now().Truncate(time.Second).Add(time.Second)))
	requests, throttled := fake.TotalRequests(), fake.ThrottledRequests()
	took, _, out, err := b.timed(ctx, endpoint, nil, "plan", "-input=false", "-no-color")
	failures := strings.Count(out, "Error: ")
	if err != nil && failures == 0 {
		return fmt.Errorf("the plan after it: %w\n%s", err, out)
	}
	requests, throttled = fake.TotalRequests()-requests, fake.ThrottledRequests()-throttled
	floor := time.Duration(n-1) * time.Second / time.Duration(rate)
	fmt.Printf("| %d reads right after a plan that learned the limit | %d per second | %s | %s | %.2f | %d | %d (%.1f%%) | %d |\n",
		n, rate, secs(took), secs(floor), took.Seconds()/floor.Seconds(), requests, throttled,
		100*float64(throttled)/float64(max(1, requests)), failures)
	return nil
}
