package main

import (
	"context"
	"fmt"
	"strings"
	"time"

	"github.com/kpsops/terraform-provider-kps/internal/dev/kpsfake"
)

// sharedWaits runs n task waits at once (-parallelism=n, poll_interval 2 s)
// on tasks that run from the start and end at 3 s + 0.3 s x i, under a limit
// of rate requests a second (none when rate is 0): what one poller per
// process costs and how late the last end is seen.
func (b *bench) sharedWaits(ctx context.Context, n, rate int) error {
	var opts []kpsfake.Option
	limit := "none"
	if rate > 0 {
		opts = append(opts, kpsfake.WithRateLimit(rate))
		limit = fmt.Sprintf("%d per second", rate)
	}
	fake := kpsfake.New(benchToken, opts...)
	lastEnd := time.Duration(0)
	for i := range n {
		end := 3*time.Second + time.Duration(i)*300*time.Millisecond
		lastEnd = max(lastEnd, end)
		fake.AddTask(benchProject, fmt.Sprintf("s%d", i), kpsfake.Task{ServerID: "s", FromStart: true, Timeline: []kpsfake.Step{
			{Status: "RUNNING_RESET"}, {At: end, Status: "SUCCESS_RESET"},
		}})
	}
	endpoint, stop, err := b.serve(ctx, fake, fmt.Sprintf(`
terraform {
  required_providers {
    kps = { source = "kpsops/kps" }
  }
}
provider "kps" {}
resource "kps_keypair_task_wait" "t" {
  count         = %d
  task_id       = "s${count.index}"
  poll_interval = "2s"
}
`, n))
	if err != nil {
		return err
	}
	defer stop()
	// The tasks started when they were added, just now: the apply's end,
	// less the last task's, bounds how late its end was seen (Terraform's
	// own exit included).
	started := time.Now()
	_, _, out, runErr := b.timed(ctx, endpoint, nil, "apply", "-auto-approve", "-input=false", "-no-color",
		fmt.Sprintf("-parallelism=%d", n), "-state="+b.ws.Dir+fmt.Sprintf("/shared-%d.tfstate", rate))
	late := time.Since(started) - lastEnd
	failures := strings.Count(out, "Error: ")
	if runErr != nil && failures == 0 {
		return fmt.Errorf("shared waits: %w\n%s", runErr, out)
	}
	requests, throttled := fake.TotalRequests(), fake.ThrottledRequests()
	fmt.Printf("| %d waits at once, poll_interval 2 s | %s | %d | %.2f | %d (%.1f%%) | %s | %d |\n", n, limit, requests,
		float64(requests)/float64(n), throttled, 100*float64(throttled)/float64(max(1, requests)), secs(late), failures)
	return nil
}
