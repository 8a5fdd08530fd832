package main

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"time"

	"github.com/kpsops/terraform-provider-kps/internal/dev/kpsfake"
	"github.com/kpsops/terraform-provider-kps/internal/dev/tfrun"
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

// query measures terraform query over n key pairs (Terraform 1.14 and
// newer; limit raised from Terraform's 100): the query with
// include_resource, writing the configuration that
// adopts them, then the apply of that configuration, beside a plan of n
// plain reads (kps_keypair_task data sources) at the same latency.
func (b *bench) query(ctx context.Context, o options, cli string) error {
	fmt.Printf("\n## terraform query at %v API latency\n\n", o.latency)
	if !tfrun.HasActions(cli) {
		fmt.Printf("%s has no terraform query (Terraform 1.14 has): skipped.\n", cli)
		return nil
	}
	n := o.keypairsListed
	fake := kpsfake.New(benchToken, kpsfake.WithLatency(o.latency))
	fake.AddProject(benchProject)
	for i := range n {
		fake.AddKeypair(benchProject, fmt.Sprintf("kp-%05d", i), kpsfake.Keypair{Hosted: i%2 == 0})
	}
	addEndedTasks(fake, n)
	endpoint, stop, err := kpsfake.ServeLoopback(ctx, fake)
	if err != nil {
		return err
	}
	defer stop()
	reads, err := b.plan(ctx, endpoint, readsConfig(n))
	if err != nil {
		return err
	}
	if err := b.ws.WriteConfig(providerBlock); err != nil {
		return err
	}
	queryFile := filepath.Join(b.ws.Dir, "all.tfquery.hcl")
	if err := os.WriteFile(queryFile, []byte(fmt.Sprintf("list \"kps_keypair\" \"all\" {\n  provider         = kps\n  include_resource = true\n  limit            = %d\n}\n", n)), 0o600); err != nil {
		return err
	}
	generated := filepath.Join(b.ws.Dir, "generated.tf")
	_ = os.Remove(generated)
	before := fake.TotalRequests()
	took, _, out, err := b.timed(ctx, endpoint, nil, "query", "-no-color", "-generate-config-out="+generated)
	_ = os.Remove(queryFile)
	if err != nil {
		return fmt.Errorf("query: %w\n%s", err, out)
	}
	queried := fake.TotalRequests() - before
	before = fake.TotalRequests()
	applied, _, out, err := b.timed(ctx, endpoint, nil, "apply", "-auto-approve", "-input=false", "-no-color",
		"-state="+b.ws.Dir+"/query.tfstate")
	_ = os.Remove(generated)
	if err != nil {
		return fmt.Errorf("apply of the generated configuration: %w\n%s", err, out)
	}
	fmt.Println("| scenario | requests | wall | beside |")
	fmt.Println("|---|---|---|---|")
	pages := (n + kpsfake.KeypairListPage - 1) / kpsfake.KeypairListPage
	fmt.Printf("| terraform query over %d key pairs, include_resource | %d (%d list pages, %d details) | %s | plan of %d reads: %s |\n",
		n, queried, pages, queried-pages, secs(took), n, secs(reads))
	fmt.Printf("| apply of the generated configuration (%d imports) | %d | %s | plan of %d reads: %s |\n",
		n, fake.TotalRequests()-before, secs(applied), n, secs(reads))
	return nil
}
