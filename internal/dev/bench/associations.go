package main

import (
	"context"
	"fmt"
	"os"
	"strings"
	"time"

	"github.com/kpsops/terraform-provider-kps/internal/dev/kpsfake"
)

// benchKey is the private key the benchmark's servers accept.
const benchKey = "-----BEGIN OPENSSH PRIVATE KEY-----\nbench-key\n-----END OPENSSH PRIVATE KEY-----\n"

// longestTask is how long the scenario's longest task runs.
const longestTask = 5 * time.Second

// associations binds a key pair to n servers in one apply, under a limit of
// rate requests a second, each task running 3 to 5 s.
func (b *bench) associations(ctx context.Context, n, rate int) error {
	fake := kpsfake.New(benchToken, kpsfake.WithRateLimit(rate))
	// KPS binds only a key pair it holds: kp-new, made elsewhere.
	fake.AddKeypair(benchProject, "kp-new", kpsfake.Keypair{})
	for i := range n {
		fake.AddServer(benchProject, fmt.Sprintf("srv-%d", i), kpsfake.ECS{
			Keypair: "kp-old", PrivateKey: benchKey,
			TaskDuration: longestTask - 2*time.Second + time.Duration(i)*2*time.Second/time.Duration(max(1, n-1)),
		})
	}
	endpoint, stop, err := b.serve(ctx, fake, keyPreamble+fmt.Sprintf(`
resource "kps_keypair_association" "fleet" {
  count        = %d
  server_id    = "srv-${count.index}"
  keypair_name = "kp-new"
  auth = {
    type = "keypair"
    key  = var.key
  }
}
`, n))
	if err != nil {
		return err
	}
	defer stop()
	took, _, out, runErr := b.timed(ctx, endpoint, []string{"TF_VAR_key=" + benchKey},
		"apply", "-auto-approve", "-input=false", "-no-color", "-state="+b.ws.Dir+"/associations.tfstate")
	failures := strings.Count(out, "Error: ")
	if runErr != nil && failures == 0 {
		return fmt.Errorf("associations: %w\n%s", runErr, out)
	}
	bound, starts, reads := 0, 0, 0
	for i := range n {
		id := fmt.Sprintf("srv-%d", i)
		if e, _ := fake.ECS(benchProject, id); e.Keypair == "kp-new" {
			bound++
		}
		for _, st := range fake.StartRequests(benchProject, id) {
			starts++
			reads += fake.Requests(st.TaskID)
		}
	}
	fmt.Fprintf(os.Stderr, "associations: %d lists, %d starts, %d reads of the tasks started\n",
		fake.ListRequests("running-tasks")+fake.ListRequests("failed-tasks"), starts, reads)
	requests, throttled := fake.TotalRequests(), fake.ThrottledRequests()
	// The floor is every start sent at the limit (the idle checks and the
	// waits share lists whose number does not grow with the servers), and
	// the last task run to its end.
	floor := time.Duration(n)*time.Second/time.Duration(rate) + longestTask
	fmt.Printf("\n## Starting tasks\n\n")
	fmt.Println("| scenario | limit | wall time | floor | requests | per server | answered 429 | servers bound | failures |")
	fmt.Println("|---|---|---|---|---|---|---|---|---|")
	fmt.Printf("| %d associations in one apply (tasks of 3 to 5 s) | %d per second | %s | %s | %d | %.2f | %d (%.1f%%) | %d of %d | %d |\n",
		n, rate, secs(took), secs(floor), requests, float64(requests)/float64(n), throttled,
		100*float64(throttled)/float64(max(1, requests)), bound, n, failures)
	return nil
}
