package provider

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/knownvalue"
	"github.com/hashicorp/terraform-plugin-testing/statecheck"
	"github.com/hashicorp/terraform-plugin-testing/tfjsonpath"

	"github.com/kpsops/terraform-provider-kps/internal/dev/kpsfake"
)

// TestAccWaits_sharePolling: nine task waits and a server wait in one apply
// share their polling: rounds list the running tasks for all of them, and
// each task is read by its ID about once, for its end, where waits
// polling alone read each task at every poll.
func TestAccWaits_sharePolling(t *testing.T) {
	api := newFakeAPI(t)
	// Nine task waits and the server wait: ten, which Terraform's default
	// parallelism runs at once. An eleventh would wait for a slot, and a
	// server wait started late could find its server idle already.
	const n = 9
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: testFactories,
		Steps: []resource.TestStep{{
			// The tasks run from their first read or list: neither a parallel
			// test's wait for its turn nor a slow start of the CLI on a
			// loaded machine may let them end before the waits begin.
			PreConfig: func() {
				for i := range n {
					api.AddTask(testProject, fmt.Sprintf("t%d", i), kpsfake.Task{ServerID: fmt.Sprintf("srv-%d", i),
						Timeline: []kpsfake.Step{{Status: "RUNNING_RESET"}, {At: 3*time.Second + time.Duration(i)*100*time.Millisecond, Status: "SUCCESS_RESET"}}})
				}
			},
			Config: api.providerConfig() + fmt.Sprintf(`
resource "kps_keypair_task_wait" "w" {
  count         = %d
  task_id       = "t${count.index}"
  poll_interval = "1s"
}
resource "kps_server_tasks_wait" "s" {
  server_id     = "srv-0"
  poll_interval = "1s"
}
`, n),
			ConfigStateChecks: []statecheck.StateCheck{
				statecheck.ExpectKnownValue(fmt.Sprintf("kps_keypair_task_wait.w[%d]", n-1), tfjsonpath.New("task_status"), knownvalue.StringExact("SUCCESS_RESET")),
				statecheck.ExpectKnownValue("kps_server_tasks_wait.s", tfjsonpath.New("tasks"), knownvalue.ListExact([]knownvalue.Check{
					serverTask("t0", "SUCCESS_RESET", "RESET"),
				})),
			},
		}},
	})
	reads := 0
	for i := range n {
		reads += api.Requests(fmt.Sprintf("t%d", i))
	}
	lists := api.ListRequests("running-tasks")
	t.Logf("%d lists and %d reads by ID for %d task waits and a server wait", lists, reads, n)
	// Alone, each wait would read its task four or five times in 3 to 4 s.
	if lists == 0 || reads > 2*n {
		t.Fatalf("%d lists and %d reads by ID: the waits did not share their polling", lists, reads)
	}
}

// TestAccWaits_sharingNeedsNoListPermission: a user who may read tasks but
// not list them. Two task waits in one apply succeed as one alone would
// (sharing must not need the list), and a server wait fails with a list's
// 403, which it needs.
func TestAccWaits_sharingNeedsNoListPermission(t *testing.T) {
	api := newFakeAPI(t, kpsfake.WithListsDenied())
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: testFactories,
		Steps: []resource.TestStep{
			{
				PreConfig: func() {
					for _, id := range []string{"a", "b"} {
						api.AddTask(testProject, id, kpsfake.Task{ServerID: "srv-" + id, FromStart: true,
							Timeline: []kpsfake.Step{{Status: "RUNNING_RESET"}, {At: 2 * time.Second, Status: "SUCCESS_RESET"}}})
					}
				},
				Config: api.providerConfig() + `
resource "kps_keypair_task_wait" "a" {
  task_id       = "a"
  poll_interval = "1s"
}
resource "kps_keypair_task_wait" "b" {
  task_id       = "b"
  poll_interval = "1s"
}
`,
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectKnownValue("kps_keypair_task_wait.a", tfjsonpath.New("task_status"), knownvalue.StringExact("SUCCESS_RESET")),
					statecheck.ExpectKnownValue("kps_keypair_task_wait.b", tfjsonpath.New("task_status"), knownvalue.StringExact("SUCCESS_RESET")),
				},
			},
			{
				Config: api.providerConfig() + `
resource "kps_server_tasks_wait" "s" {
  server_id     = "srv-a"
  poll_interval = "1s"
}
`,
				// Its first read is the failed-task list, for the gate.
				ExpectError: expectError("Cannot check server srv-a for failed KPS tasks", "HTTP 403", "kps::getFailedTask"),
			},
		},
	})
}

// TestAccWaits_roundsLoggedAsTheProviders: every request of the shared
// rounds is in the DEBUG log, under kps, and none carries another wait's
// task_id. Rounds run on the provider's context (wait's
// TestPollerRoundsRunOnTheProvidersContext pins that down); this checks
// what a user reading TF_LOG sees of it: one logged line per request.
func TestAccWaits_roundsLoggedAsTheProviders(t *testing.T) {
	ws := cliWorkspace(t)
	api := newFakeAPI(t)
	for i, id := range []string{"a", "b", "c"} {
		api.AddTask(testProject, id, kpsfake.Task{ServerID: "srv-" + id, FromStart: true,
			Timeline: []kpsfake.Step{{Status: "RUNNING_RESET"}, {At: time.Second + time.Duration(i)*time.Second, Status: "SUCCESS_RESET"}}})
	}
	err := ws.WriteConfig(requiredKPS + api.providerConfig() + `
resource "kps_keypair_task_wait" "w" {
  for_each      = toset(["a", "b", "c"])
  task_id       = each.key
  poll_interval = "1s"
}
`)
	if err != nil {
		t.Fatal(err)
	}
	logFile := filepath.Join(t.TempDir(), "debug.log")
	var out lockedBuffer
	if err := ws.Run(t.Context(), &out, []string{"TF_LOG=DEBUG", "TF_LOG_PATH=" + logFile}, "apply", "-auto-approve", "-input=false", "-no-color"); err != nil {
		t.Fatalf("apply: %v\n%s", err, out.String())
	}
	raw, err := os.ReadFile(logFile)
	if err != nil {
		t.Fatal(err)
	}
	logged := map[string]int{}
	for line := range strings.Lines(string(raw)) {
		if !strings.Contains(line, "KPS request:") {
			continue
		}
		for _, id := range []string{"a", "b", "c"} {
			if !strings.Contains(line, "/tasks/"+id+" ") && !strings.HasSuffix(strings.TrimSpace(line), "/tasks/"+id) {
				continue
			}
			logged[id]++
			for _, other := range []string{"a", "b", "c"} {
				if other != id && strings.Contains(line, "task_id="+other+" ") {
					t.Errorf("the read of task %s is logged with task %s's field:\n%s", id, other, line)
				}
			}
		}
	}
	for _, id := range []string{"a", "b", "c"} {
		if got, want := logged[id], api.Requests(id); got != want {
			t.Errorf("task %s: %d reads logged, %d made", id, got, want)
		}
	}
	if lists := api.ListRequests("running-tasks"); lists == 0 || !strings.Contains(string(raw), "running-tasks") {
		t.Errorf("%d lists made; want the rounds' lists, logged", lists)
	}
}
