package main

import (
	"context"
	"fmt"
	"time"

	"github.com/kpsops/terraform-provider-kps/internal/dev/kpsfake"
)

// keypairs measures the key pairs at o.latency: kps_keypairs over
// o.keypairsListed key pairs (requests = pages, the plan beside the floor of
// one read), and o.keypairsCreated kps_keypair created in one apply beside
// as many terraform_data (wall ÷ floor).
func (b *bench) keypairs(ctx context.Context, o options) error {
	fmt.Printf("\n## Key pairs at %v API latency\n\n", o.latency)
	fmt.Println("| scenario | requests | wall | floor | wall ÷ floor |")
	fmt.Println("|---|---|---|---|---|")

	listed := kpsfake.New(benchToken, kpsfake.WithLatency(o.latency))
	listed.AddProject(benchProject)
	for i := range o.keypairsListed {
		listed.AddKeypair(benchProject, fmt.Sprintf("kp-%05d", i), kpsfake.Keypair{})
	}
	listed.AddTask(benchProject, "t0", kpsfake.Task{ServerID: "s", Timeline: []kpsfake.Step{{Status: "SUCCESS_RESET"}}})
	endpoint, stop, err := kpsfake.ServeLoopback(ctx, listed)
	if err != nil {
		return err
	}
	// The floor: one read at the same latency.
	floor, err := b.plan(ctx, endpoint, readsConfig(1))
	if err != nil {
		stop()
		return err
	}
	before := listed.TotalRequests()
	took, err := b.plan(ctx, endpoint, providerBlock+`data "kps_keypairs" "all" {}`+"\n")
	stop()
	if err != nil {
		return err
	}
	fmt.Printf("| kps_keypairs over %d key pairs (pages of %d) | %d | %s | %s (one read) | %.2f |\n", o.keypairsListed,
		kpsfake.KeypairListPage, listed.TotalRequests()-before, secs(took), secs(floor), took.Seconds()/floor.Seconds())

	created := kpsfake.New(benchToken, kpsfake.WithLatency(o.latency))
	created.AddProject(benchProject)
	endpoint, stop, err = kpsfake.ServeLoopback(ctx, created)
	if err != nil {
		return err
	}
	defer stop()
	n := o.keypairsCreated
	floor, err = b.apply(ctx, endpoint, "keypairs-floor", fmt.Sprintf("resource \"terraform_data\" \"k\" {\n  count = %d\n  input = count.index\n}\n", n))
	if err != nil {
		return err
	}
	took, err = b.apply(ctx, endpoint, "keypairs", providerBlock+fmt.Sprintf(`
resource "kps_keypair" "k" {
  count               = %d
  name                = "kp-${count.index}"
  private_key_hosting = {}
}
`, n))
	if err != nil {
		return err
	}
	// Each create is a POST and a read back: two requests at the latency.
	fmt.Printf("| %d kps_keypair created in one apply | %d | %s | %s (%d terraform_data) | %.2f |\n", n,
		created.TotalRequests(), secs(took), secs(floor), n, took.Seconds()/floor.Seconds())
	return nil
}

// providerBlock is the kps provider, configured from the environment.
const providerBlock = `
terraform {
  required_providers {
    kps = { source = "kpsops/kps" }
  }
}
provider "kps" {}
`

// plan writes config and times a plan of it.
func (b *bench) plan(ctx context.Context, endpoint, config string) (time.Duration, error) {
	return b.run(ctx, endpoint, config, "plan", "-input=false", "-no-color")
}

// apply writes config and times an apply of it, into a state file of its
// own named for the scenario.
func (b *bench) apply(ctx context.Context, endpoint, scenario, config string) (time.Duration, error) {
	return b.run(ctx, endpoint, config, "apply", "-auto-approve", "-input=false", "-no-color",
		"-state="+b.ws.Dir+"/"+scenario+".tfstate")
}

func (b *bench) run(ctx context.Context, endpoint, config string, args ...string) (time.Duration, error) {
	if err := b.ws.WriteConfig(config); err != nil {
		return 0, err
	}
	took, _, out, err := b.timed(ctx, endpoint, nil, args...)
	if err != nil {
		return 0, fmt.Errorf("%s: %w\n%s", args[0], err, out)
	}
	return took, nil
}
