package main

import (
	"context"
	"fmt"
	"time"

	"github.com/kpsops/terraform-provider-kps/internal/dev/kpsfake"
)

// reads plans N data sources against a stand-in with o.latency, next to N
// terraform_data resources, Terraform's own floor. The limit Terraform sets
// on the reads is that floor plus N x latency / parallelism.
func (b *bench) reads(ctx context.Context, o options) error {
	fmt.Printf("\n## terraform plan: N reads at %v API latency\n\n", o.latency)
	fmt.Println("| N | terraform_data floor | kps_keypair_task | limit (floor + N x latency / 10) | kps / limit | kps - limit | provider peak RSS |")
	fmt.Println("|---|---|---|---|---|---|---|")
	for _, n := range o.sizes {
		fake := kpsfake.New(benchToken, kpsfake.WithLatency(o.latency))
		addEndedTasks(fake, n)
		endpoint, stop, err := kpsfake.ServeLoopback(ctx, fake)
		if err != nil {
			return err
		}

		if err := b.ws.WriteConfig(fmt.Sprintf(`
resource "terraform_data" "t" {
  count = %d
  input = count.index
}
`, n)); err != nil {
			stop()
			return err
		}
		floor, _, out, err := b.timed(ctx, endpoint, nil, "plan", "-input=false", "-no-color")
		if err != nil {
			stop()
			return fmt.Errorf("floor plan for N=%d: %w\n%s", n, err, out)
		}

		if err := b.ws.WriteConfig(readsConfig(n)); err != nil {
			stop()
			return err
		}
		took, rss, out, err := b.timed(ctx, endpoint, nil, "plan", "-input=false", "-no-color")
		stop()
		if err != nil {
			return fmt.Errorf("reads plan for N=%d: %w\n%s", n, err, out)
		}
		if got := fake.TotalRequests(); got != n {
			return fmt.Errorf("with N=%d the stand-in answered %d requests", n, got)
		}
		limit := floor + time.Duration(n)*o.latency/parallelism
		fmt.Printf("| %d | %s | %s | %s | %.2f | %s | %.1f MiB |\n", n, secs(floor), secs(took), secs(limit),
			took.Seconds()/limit.Seconds(), secs(took-limit), rss)
	}
	return nil
}

func secs(d time.Duration) string { return fmt.Sprintf("%.2f s", d.Seconds()) }
