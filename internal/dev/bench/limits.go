package main

import (
	"context"
	"fmt"
	"math"
	"strings"
	"sync"
	"time"

	"github.com/kpsops/terraform-provider-kps/internal/dev/kpsfake"
)

// limiterKind is one way the stand-in's gateway counts requests against a
// limit, and whether its 429s state the limit.
type limiterKind struct {
	name   string
	make   func(count int, window time.Duration) kpsfake.Limiter
	stated bool
}

var limiterKinds = []limiterKind{
	{"fixed window", kpsfake.FixedWindow, true},
	{"sliding window", kpsfake.SlidingWindow, true},
	{"token bucket", kpsfake.TokenBucket, true},
	{"no limit in the 429", kpsfake.FixedWindow, false},
}

// limits runs waits under each kind of limit, reads against a long window,
// and two runs that share one quota.
func (b *bench) limits(ctx context.Context, o options) error {
	fmt.Printf("\n## Against a rate-limited API\n\n")
	fmt.Println("| scenario | limit | wall time | floor | wall / floor | requests | answered 429 | failures |")
	fmt.Println("|---|---|---|---|---|---|---|---|")

	perSecond := fmt.Sprintf("%d per second", o.rateLimit)
	for _, kind := range limiterKinds {
		fake := kpsfake.New(benchToken, kpsfake.WithLimiter(kind.make(o.rateLimit, time.Second), kind.stated))
		floor := addWaits(fake, "w", o.waits, parallelism, o.rateLimit)
		if err := b.ws.WriteConfig(waitsConfig(o.waits)); err != nil {
			return err
		}
		if err := b.limited(ctx, fake, fmt.Sprintf("%d waits (tasks of 3 to 5 s), %s", o.waits, kind.name), perSecond, floor,
			[]string{"TF_VAR_prefix=w"}, "apply", "-auto-approve", "-input=false", "-no-color", "-state="+b.ws.Dir+"/waits-"+kind.name+".tfstate"); err != nil {
			return err
		}
	}

	// Reads against a long window: 50 go at once, then the window must pass.
	fake := kpsfake.New(benchToken, kpsfake.WithLimiter(kpsfake.FixedWindow(o.windowLimit, 10*time.Second), true))
	addEndedTasks(fake, o.windowReads)
	if err := b.ws.WriteConfig(readsConfig(o.windowReads)); err != nil {
		return err
	}
	windows := (o.windowReads - 1) / o.windowLimit
	if err := b.limited(ctx, fake, fmt.Sprintf("%d reads, fixed window", o.windowReads), fmt.Sprintf("%d per 10 s", o.windowLimit),
		time.Duration(windows)*10*time.Second, nil, "plan", "-input=false", "-no-color"); err != nil {
		return err
	}

	// Reads at the per-second limit.
	fake = kpsfake.New(benchToken, kpsfake.WithRateLimit(o.rateLimit))
	addEndedTasks(fake, o.reads)
	if err := b.ws.WriteConfig(readsConfig(o.reads)); err != nil {
		return err
	}
	if err := b.limited(ctx, fake, fmt.Sprintf("%d reads, fixed window", o.reads), perSecond,
		time.Duration(o.reads)*time.Second/time.Duration(o.rateLimit), nil, "plan", "-input=false", "-no-color"); err != nil {
		return err
	}
	if err := b.rememberedLimit(ctx, o.rememberedReads, o.rateLimit); err != nil {
		return err
	}
	return b.sharedQuota(ctx, o)
}

// sharedQuota runs two applies at once, each with its own provider and
// budget, against one quota.
func (b *bench) sharedQuota(ctx context.Context, o options) error {
	waits := max(1, o.waits/2)
	fake := kpsfake.New(benchToken, kpsfake.WithRateLimit(o.rateLimit))
	addWaits(fake, "a", waits, parallelism, o.rateLimit)
	floor := addWaits(fake, "b", waits, parallelism, o.rateLimit)
	// Both runs together: twice the waits at twice the parallelism.
	floor = max(floor, waitsFloor(2*waits, 2*parallelism, o.rateLimit))
	endpoint, stop, err := b.serve(ctx, fake, waitsConfig(waits))
	if err != nil {
		return err
	}
	defer stop()
	var wg sync.WaitGroup
	outs := make([]strings.Builder, 2)
	errs := make([]error, 2)
	start := time.Now()
	for i, prefix := range []string{"a", "b"} {
		wg.Go(func() {
			errs[i] = b.ws.Run(ctx, &outs[i], append(b.env, "HW_KPS_ENDPOINT="+endpoint, "TF_VAR_prefix="+prefix),
				"apply", "-auto-approve", "-input=false", "-no-color", "-state="+b.ws.Dir+"/shared-"+prefix+".tfstate")
		})
	}
	wg.Wait()
	took := time.Since(start)
	failures := strings.Count(outs[0].String(), "Error: ") + strings.Count(outs[1].String(), "Error: ")
	for i, err := range errs {
		if err != nil && failures == 0 {
			return fmt.Errorf("shared quota, run %d: %w\n%s", i, err, outs[i].String())
		}
	}
	b.row(fmt.Sprintf("two runs of %d waits at once, sharing one quota", waits), fmt.Sprintf("%d per second", o.rateLimit),
		took, floor, fake, failures)
	return nil
}

// addWaits scripts n tasks, prefix0 ... prefix<n-1>, ending between 3 and 5 s
// after their first poll, and returns the least time waiting on them can take.
func addWaits(fake *kpsfake.Server, prefix string, n, parallel, rate int) time.Duration {
	for i := range n {
		end := 3*time.Second + time.Duration(i)*2*time.Second/time.Duration(max(1, n-1))
		fake.AddTask(benchProject, fmt.Sprintf("%s%d", prefix, i), kpsfake.Task{ServerID: "s", Timeline: []kpsfake.Step{
			{Status: "RUNNING_RESET"}, {At: end, Status: "SUCCESS_RESET"},
		}})
	}
	return waitsFloor(n, parallel, rate)
}

// waitsFloor is the least time n waits on tasks of 3 to 5 s can take, with
// parallel at once and rate requests a second. No schedule beats the tasks'
// durations summed over parallel (nor the longest), and polls spaced s apart
// see a task end up to s late, which twice in a row of waits adds 2s; but
// each task of d seconds then takes d/s polls, and all of them must fit in
// the rate: the longest task plus the polls' time. The best s balances the
// two (the benchmarks issue's closing note: 18.9 s for 40 waits at 8 a second).
func waitsFloor(n, parallel, rate int) time.Duration {
	var total, longest float64
	for i := range n {
		d := 3 + 2*float64(i)/float64(max(1, n-1))
		total, longest = total+d, math.Max(longest, d)
	}
	parallelFloor := math.Max(total/float64(parallel), longest)
	best := math.Inf(1)
	for s := 0.1; s <= 10; s += 0.01 {
		best = math.Min(best, math.Max(parallelFloor+2*s, longest+total/s/float64(rate)))
	}
	return time.Duration(best * float64(time.Second))
}

// waitsConfig is n waits on the tasks var.prefix0 ... var.prefix<n-1>.
func waitsConfig(n int) string {
	return fmt.Sprintf(`
terraform {
  required_providers {
    kps = { source = "kpsops/kps" }
  }
}
provider "kps" {}
variable "prefix" { type = string }
resource "kps_keypair_task_wait" "t" {
  count   = %d
  task_id = "${var.prefix}${count.index}"
}
`, n)
}

func (b *bench) limited(ctx context.Context, fake *kpsfake.Server, name, limit string, floor time.Duration, env []string, args ...string) error {
	endpoint, stop, err := kpsfake.ServeLoopback(ctx, fake)
	if err != nil {
		return err
	}
	defer stop()
	took, _, out, runErr := b.timed(ctx, endpoint, env, args...)
	failures := strings.Count(out, "Error: ")
	if runErr != nil && failures == 0 {
		return fmt.Errorf("%s: %w\n%s", name, runErr, out)
	}
	b.row(name, limit, took, floor, fake, failures)
	return nil
}

// row prints one scenario: its wall time against its floor, and what the
// stand-in answered.
func (b *bench) row(name, limit string, took, floor time.Duration, fake *kpsfake.Server, failures int) {
	requests, throttled := fake.TotalRequests(), fake.ThrottledRequests()
	fmt.Printf("| %s | %s | %s | %s | %.2f | %d | %d (%.1f%%) | %d |\n", name, limit, secs(took), secs(floor),
		took.Seconds()/floor.Seconds(), requests, throttled, 100*float64(throttled)/float64(max(1, requests)), failures)
}
