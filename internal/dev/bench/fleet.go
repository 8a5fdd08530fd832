package main

import (
	"cmp"
	"context"
	"fmt"
	"os"
	"strings"
	"time"

	"github.com/kpsops/terraform-provider-kps/internal/dev/kpsfake"
	"github.com/kpsops/terraform-provider-kps/internal/dev/testkeys"
	"github.com/kpsops/terraform-provider-kps/internal/dev/tfrun"
)

// A fleet rotated at the API's pace: the same fleet, the same tasks and the
// same gateway limit, rotated by the action in one invocation and by
// kps_keypair_association resources, at -parallelism equal to the fleet and
// at Terraform's default. The floor is what the API allows: every start
// sent at the limit, and the last one's task run to its end.

// fleetScenario is one way of rotating the fleet.
type fleetScenario struct {
	name string
	// config is the configuration, for n servers srv-0 ... srv-<n-1>.
	config func(n int) string
	// args are the CLI's, after apply -auto-approve -input=false -no-color.
	args func(n int) []string
	// needsActions is set for the action: Terraform 1.14 and newer.
	needsActions bool
}

var fleetScenarios = []fleetScenario{
	{
		name: "the action, one invocation", needsActions: true,
		config: func(int) string { return fleetPreamble + fleetAction },
		args:   func(int) []string { return []string{"-invoke=action.kps_associate_keypair.rotate"} },
	},
	{
		name:   "resources, -parallelism = fleet",
		config: func(int) string { return fleetPreamble + fleetResources },
		args:   func(n int) []string { return []string{fmt.Sprintf("-parallelism=%d", n)} },
	},
	{
		name:   "resources, default -parallelism (10)",
		config: func(int) string { return fleetPreamble + fleetResources },
		args:   func(int) []string { return nil },
	},
}

// keyPreamble is the kps provider, configured from the environment, and
// the key its servers accept now as a sensitive variable.
const keyPreamble = `
terraform {
  required_providers {
    kps = { source = "kpsops/kps" }
  }
}
provider "kps" {}
variable "key" {
  type      = string
  sensitive = true
}
`

const fleetPreamble = keyPreamble + `
variable "servers" { type = number }
locals {
  servers = toset([for i in range(var.servers) : "srv-${i}"])
}
`

const fleetAction = `
action "kps_associate_keypair" "rotate" {
  config {
    server_ids   = local.servers
    keypair_name = "kp-new"
    auth = {
      type = "keypair"
      key  = var.key
    }
  }
}
`

const fleetResources = `
resource "kps_keypair_association" "fleet" {
  for_each     = local.servers
  server_id    = each.key
  keypair_name = "kp-new"
  auth = {
    type = "keypair"
    key  = var.key
  }
}
`

// fleetOptions are the fleet's size, the gateway's limit per second, how
// long each task runs, and whether to run the slow scenario at Terraform's
// default parallelism.
type fleetOptions struct {
	servers, rate      int
	task               time.Duration
	defaultParallelism bool
	// actionCLI is the CLI to invoke the action with, when the one under
	// test is older than Terraform 1.14.
	actionCLI string
}

// fleets runs each scenario on a fresh stand-in and prints a table.
func (b *bench) fleets(ctx context.Context, o fleetOptions) error {
	floor := time.Duration(o.servers)*time.Second/time.Duration(o.rate) + o.task
	fmt.Printf("\n## Rotating a fleet\n\n%d servers, every task %s, a gateway limit of %d requests a second: the floor is "+
		"%d ÷ %d + %s = %s.\n\n", o.servers, o.task, o.rate, o.servers, o.rate, o.task, secs(floor))
	fmt.Println("| how | wall time | wall ÷ floor | requests | per server | answered 429 | servers rotated | failures |")
	fmt.Println("|---|---|---|---|---|---|---|---|")
	for _, s := range fleetScenarios {
		if !o.defaultParallelism && len(s.args(o.servers)) == 0 {
			continue
		}
		b.ws.CLIPath = ""
		if s.needsActions {
			b.ws.CLIPath = o.actionCLI
			if v, err := tfrun.Version(cmp.Or(o.actionCLI, tfrun.CLI())); err != nil || !tfrun.HasActions(v) {
				fmt.Printf("| %s | needs Terraform 1.14 or newer (-fleet-action-cli) | | | | | | |\n", s.name)
				continue
			}
		}
		err := b.fleet(ctx, s, o, floor)
		b.ws.CLIPath = ""
		if err != nil {
			return err
		}
	}
	return nil
}

// fleet rotates o.servers servers from kp-old to kp-new one way.
func (b *bench) fleet(ctx context.Context, s fleetScenario, o fleetOptions, floor time.Duration) error {
	fake := kpsfake.New(benchToken, kpsfake.WithRateLimit(o.rate))
	fake.AddKeypair(benchProject, "kp-new", kpsfake.Keypair{})
	for i := range o.servers {
		fake.AddServer(benchProject, fmt.Sprintf("srv-%d", i), kpsfake.ECS{
			Keypair: "kp-old", PrivateKey: testkeys.CI.OpenSSHPrivate, TaskDuration: o.task,
		})
	}
	endpoint, stop, err := b.serve(ctx, fake, s.config(o.servers))
	if err != nil {
		return err
	}
	defer stop()
	state := "-state=" + b.ws.Dir + "/fleet-" + strings.NewReplacer(" ", "-", ",", "", "(", "", ")", "").Replace(s.name) + ".tfstate"
	args := append([]string{"apply", "-auto-approve", "-input=false", "-no-color", state}, s.args(o.servers)...)
	began := time.Now()
	took, _, out, runErr := b.timed(ctx, endpoint, []string{"TF_VAR_key=" + testkeys.CI.OpenSSHPrivate,
		fmt.Sprintf("TF_VAR_servers=%d", o.servers)}, args...)
	failures := strings.Count(out, "Error: ")
	if runErr != nil && failures == 0 {
		return fmt.Errorf("fleet, %s: %w\n%s", s.name, runErr, out)
	}
	rotated, starts := 0, 0
	var firstStart, lastStart time.Duration
	for i := range o.servers {
		id := fmt.Sprintf("srv-%d", i)
		if e, _ := fake.ECS(benchProject, id); e.Keypair == "kp-new" {
			rotated++
		}
		for _, st := range fake.StartRequests(benchProject, id) {
			at := st.At.Sub(began)
			if starts == 0 || at < firstStart {
				firstStart = at
			}
			lastStart = max(lastStart, at)
			starts++
		}
	}
	requests, throttled := fake.TotalRequests(), fake.ThrottledRequests()
	fmt.Fprintf(os.Stderr, "fleet, %s: %d starts, from %s to %s; %d running-task lists, %d failed-task lists, %d answered 429\n",
		s.name, starts, secs(firstStart), secs(lastStart), fake.ListRequests("running-tasks"), fake.ListRequests("failed-tasks"), throttled)
	fmt.Printf("| %s | %s | %.2f | %d | %.2f | %d | %d of %d | %d |\n", s.name, secs(took), took.Seconds()/floor.Seconds(),
		requests, float64(requests)/float64(o.servers), throttled, rotated, o.servers, failures)
	return nil
}
