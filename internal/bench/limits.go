package main

import (
	"context"
	"fmt"
	"strings"
	"time"

	"github.com/kpsops/terraform-provider-kps/internal/kpsfake"
)

// limits runs waits, then reads, against a stand-in that allows o.rateLimit
// requests a second and answers 429 beyond, as the gateway does.
func (b *bench) limits(ctx context.Context, o options) error {
	fmt.Printf("\n## Against an API limited to %d requests per second\n\n", o.rateLimit)
	fmt.Println("| scenario | wall time | floor | wall / floor | requests | answered 429 | failures | provider peak RSS |")
	fmt.Println("|---|---|---|---|---|---|---|---|")

	// Waits: task i ends between 3 and 5 s after its first poll. Terraform
	// runs ten at a time, so no schedule can beat their durations summed / 10
	// (nor the longest of them).
	fake := kpsfake.New(benchToken, kpsfake.WithRateLimit(o.rateLimit))
	var total, longest time.Duration
	for i := range o.waits {
		end := 3*time.Second + time.Duration(i)*2*time.Second/time.Duration(max(1, o.waits-1))
		total, longest = total+end, max(longest, end)
		fake.AddTask(benchProject, fmt.Sprintf("w%d", i), kpsfake.Task{ServerID: "s", Timeline: []kpsfake.Step{
			{Status: "RUNNING_RESET"}, {At: end, Status: "SUCCESS_RESET"},
		}})
	}
	waitsFloor := max(total/parallelism, longest)
	if err := b.ws.WriteConfig(counted("resource \"kps_keypair_task_wait\"", "w", o.waits)); err != nil {
		return err
	}
	if err := b.limited(ctx, fake, fmt.Sprintf("%d waits (tasks of 3 to 5 s)", o.waits), waitsFloor, o.waits,
		"apply", "-auto-approve", "-input=false", "-no-color", "-state="+b.ws.Dir+"/waits.tfstate"); err != nil {
		return err
	}

	// Reads: the floor is what the limit allows.
	fake = kpsfake.New(benchToken, kpsfake.WithRateLimit(o.rateLimit))
	addEndedTasks(fake, "t", o.reads)
	if err := b.ws.WriteConfig(counted("data \"kps_keypair_task\"", "t", o.reads)); err != nil {
		return err
	}
	readsFloor := time.Duration(o.reads) * time.Second / time.Duration(o.rateLimit)
	return b.limited(ctx, fake, fmt.Sprintf("%d reads", o.reads), readsFloor, o.reads, "plan", "-input=false", "-no-color")
}

func (b *bench) limited(ctx context.Context, fake *kpsfake.Server, name string, floor time.Duration, items int, args ...string) error {
	endpoint, stop, err := serve(fake)
	if err != nil {
		return err
	}
	defer stop()
	took, rss, out, runErr := b.timed(ctx, endpoint, args...)
	failures := strings.Count(out, "Error: ")
	if runErr != nil && failures == 0 {
		return fmt.Errorf("%s: %w\n%s", name, runErr, out)
	}
	requests, throttled := fake.TotalRequests(), fake.ThrottledRequests()
	fmt.Printf("| %s | %s | %s | %.2f | %d (%.1f per item) | %d (%.1f%%) | %d | %.1f MiB |\n", name, secs(took), secs(floor),
		took.Seconds()/floor.Seconds(), requests, float64(requests)/float64(items), throttled,
		100*float64(throttled)/float64(max(1, requests)), failures, rss)
	return nil
}
