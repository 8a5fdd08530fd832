// Command bench measures the provider end to end against the local KPS
// stand-in and prints tables: plan time and provider memory for many reads,
// next to Terraform's own floor; key pairs listed, created and queried;
// waits, reads and associations under a rate-limited API, and waits sharing
// one poller; and a fleet of servers rotated by the action and by resources,
// next to what the API's limit allows.
// Run it from the repository root with make bench, or:
//
//	go run ./internal/dev/bench -latency 25ms -sizes 100,300,1000
package main

import (
	"context"
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"runtime"
	"strconv"
	"strings"
	"time"

	"github.com/kpsops/terraform-provider-kps/internal/dev/kpsfake"
	"github.com/kpsops/terraform-provider-kps/internal/dev/tfrun"
)

const (
	benchToken   = "bench-token"
	benchProject = "0123456789abcdef0123456789abcdef"
	// parallelism is Terraform's default -parallelism.
	parallelism = 10
)

type options struct {
	latency   time.Duration
	sizes     []int
	rateLimit int
	waits     int
	// windowLimit requests per 10 s, against which windowReads reads run.
	windowLimit, windowReads int
	reads                    int
	// sharedWaits run at once under sharedRate requests a second, then with no limit.
	sharedWaits, sharedRate int
	// rememberedReads are planned right after a plan that learned the limit.
	rememberedReads int
	// associations are started in one apply under associationRate requests a second.
	associations, associationRate int
	// keypairsListed are listed by kps_keypairs; keypairsCreated created in one apply.
	keypairsListed, keypairsCreated int
	skipReads                       bool
	skipLimits                      bool
	fleet                           fleetOptions
}

func main() {
	if runAsWrapper() {
		return
	}
	var o options
	var sizes string
	flag.DurationVar(&o.latency, "latency", 25*time.Millisecond, "API latency added by the stand-in for the reads benchmark")
	flag.StringVar(&sizes, "sizes", "100,300,1000", "numbers of data sources to plan")
	flag.IntVar(&o.rateLimit, "rate", 8, "requests per second the rate-limited stand-in allows")
	flag.IntVar(&o.waits, "waits", 40, "waits to run against the rate-limited stand-in")
	flag.IntVar(&o.reads, "reads", 300, "reads to run against the rate-limited stand-in")
	flag.IntVar(&o.sharedWaits, "shared-waits", 40, "task waits to run at once, sharing one poller")
	flag.IntVar(&o.sharedRate, "shared-rate", 4, "requests per second the stand-in allows for the shared waits")
	flag.IntVar(&o.rememberedReads, "remembered-reads", 30, "reads to plan right after a plan that learned the limit")
	flag.IntVar(&o.windowLimit, "window-limit", 50, "requests per 10 s the long-window stand-in allows")
	flag.IntVar(&o.windowReads, "window-reads", 150, "reads to run against the long-window stand-in")
	flag.IntVar(&o.associations, "associations", 30, "associations to start in one apply against the rate-limited stand-in")
	flag.IntVar(&o.associationRate, "association-rate", 4, "requests per second the stand-in allows for the associations")
	flag.IntVar(&o.keypairsListed, "keypairs-listed", 1000, "key pairs for kps_keypairs to list")
	flag.IntVar(&o.keypairsCreated, "keypairs-created", 100, "kps_keypair to create in one apply")
	flag.BoolVar(&o.skipReads, "skip-reads", false, "skip the plan-time and memory benchmark")
	flag.BoolVar(&o.skipLimits, "skip-limits", false, "skip the rate-limited benchmarks")
	flag.IntVar(&o.fleet.servers, "fleet", 200, "servers in the fleet to rotate (0 skips the fleet benchmarks)")
	flag.IntVar(&o.fleet.rate, "fleet-rate", 20, "requests per second the stand-in allows for the fleet (DEW's documented limit)")
	flag.DurationVar(&o.fleet.task, "fleet-task", 10*time.Second, "how long each of the fleet's tasks runs")
	flag.BoolVar(&o.fleet.defaultParallelism, "fleet-default-parallelism", true, "also rotate the fleet with resources at Terraform's default -parallelism (slow: fleet ÷ 10 × the task)")
	flag.StringVar(&o.fleet.actionCLI, "fleet-action-cli", "", "the Terraform CLI (1.14 or newer) to invoke the fleet action with; default: the CLI under test")
	flag.Parse()
	for _, s := range strings.Split(sizes, ",") {
		n, err := strconv.Atoi(strings.TrimSpace(s))
		if err != nil || n < 1 {
			fmt.Fprintf(os.Stderr, "bench: bad size %q\n", s)
			os.Exit(2)
		}
		o.sizes = append(o.sizes, n)
	}
	if err := run(context.Background(), o); err != nil {
		fmt.Fprintln(os.Stderr, "bench failed:", err)
		os.Exit(1)
	}
}

// bench holds what every scenario shares: a workspace whose provider runs
// under the memory-measuring wrapper.
type bench struct {
	ws      *tfrun.Workspace
	rssFile string
	env     []string
}

func run(ctx context.Context, o options) error {
	root, err := os.MkdirTemp("", "kps-bench-")
	if err != nil {
		return err
	}
	defer os.RemoveAll(root)
	fmt.Fprintln(os.Stderr, "building the provider...")
	ws, err := tfrun.New(ctx, root, ".")
	if err != nil {
		return err
	}
	b := &bench{ws: ws, rssFile: filepath.Join(root, "rss")}
	self, err := os.Executable()
	if err != nil {
		return err
	}
	wrapDir := filepath.Join(root, "wrap")
	if err := os.MkdirAll(wrapDir, 0o700); err != nil {
		return err
	}
	if err := os.Symlink(self, filepath.Join(wrapDir, tfrun.ProviderBinary)); err != nil {
		return err
	}
	if err := ws.UseBinDir(wrapDir); err != nil {
		return err
	}
	b.env = []string{
		envRealProvider + "=" + filepath.Join(ws.BinDir, tfrun.ProviderBinary),
		envRSSFile + "=" + b.rssFile,
		"HW_AUTH_TOKEN=" + benchToken, "HW_PROJECT_ID=" + benchProject,
		// The limits the provider remembers between runs are the benchmark's own.
		"XDG_CACHE_HOME=" + filepath.Join(root, "cache"),
	}

	fmt.Printf("# terraform-provider-kps benchmarks\n\nmachine: %s/%s, %d CPUs; %s\n", runtime.GOOS, runtime.GOARCH, runtime.NumCPU(), terraformVersion(ctx, ws))
	if !o.skipReads {
		if err := b.reads(ctx, o); err != nil {
			return err
		}
		if err := b.keypairs(ctx, o); err != nil {
			return err
		}
		if err := b.query(ctx, o, terraformVersion(ctx, ws)); err != nil {
			return err
		}
	}
	if !o.skipLimits {
		if err := b.limits(ctx, o); err != nil {
			return err
		}
		if err := b.associations(ctx, o.associations, o.associationRate); err != nil {
			return err
		}
		fmt.Printf("\n## Waits sharing one poller\n\n")
		fmt.Println("| scenario | limit | requests | per wait | answered 429 | last end seen after (at most) | failures |")
		fmt.Println("|---|---|---|---|---|---|---|")
		for _, rate := range []int{o.sharedRate, 0} {
			if err := b.sharedWaits(ctx, o.sharedWaits, rate); err != nil {
				return err
			}
		}
	}
	if o.fleet.servers > 0 {
		return b.fleets(ctx, o.fleet)
	}
	return nil
}

// serve writes a scenario's configuration and serves its stand-in on
// loopback until stop is called.
func (b *bench) serve(ctx context.Context, fake *kpsfake.Server, config string) (endpoint string, stop func(), err error) {
	if err := b.ws.WriteConfig(config); err != nil {
		return "", nil, err
	}
	return kpsfake.ServeLoopback(ctx, fake)
}

// readsConfig is a configuration of the kps provider, configured from the
// environment, with n kps_keypair_task data sources reading t0 ... t<n-1>.
func readsConfig(n int) string {
	return fmt.Sprintf(`
terraform {
  required_providers {
    kps = { source = "kpsops/kps" }
  }
}
provider "kps" {}
data "kps_keypair_task" "t" {
  count   = %d
  task_id = "t${count.index}"
}
`, n)
}

// addEndedTasks scripts tasks t0 ... t<n-1>, each already ended.
func addEndedTasks(fake *kpsfake.Server, n int) {
	for i := range n {
		fake.AddTask(benchProject, fmt.Sprintf("t%d", i), kpsfake.Task{ServerID: "s", Timeline: []kpsfake.Step{{Status: "SUCCESS_RESET"}}})
	}
}

// timed runs terraform and returns its wall time, the provider's peak RSS in
// MiB (0 when the provider did not run), and terraform's error.
func (b *bench) timed(ctx context.Context, endpoint string, env []string, args ...string) (time.Duration, float64, string, error) {
	_ = os.Remove(b.rssFile)
	var out strings.Builder
	start := time.Now()
	runEnv := append(append([]string{"HW_KPS_ENDPOINT=" + endpoint}, b.env...), env...)
	err := b.ws.Run(ctx, &out, runEnv, args...)
	took := time.Since(start)
	return took, peakRSS(b.rssFile), out.String(), err
}

// peakRSS is the largest peak the wrapper wrote, in MiB.
func peakRSS(file string) float64 {
	data, err := os.ReadFile(file) //nolint:gosec // the benchmark's own temporary file
	if err != nil {
		return 0
	}
	peak := 0
	for _, line := range strings.Fields(string(data)) {
		if kib, err := strconv.Atoi(line); err == nil && kib > peak {
			peak = kib
		}
	}
	return float64(peak) / 1024
}

func terraformVersion(ctx context.Context, ws *tfrun.Workspace) string {
	var out strings.Builder
	_ = ws.Run(ctx, &out, nil, "version")
	return strings.SplitN(out.String(), "\n", 2)[0]
}
