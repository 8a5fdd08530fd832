package provider

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/kpsops/terraform-provider-kps/internal/dev/tfrun"
)

// TestAccWaits_interrupt presses Ctrl-C on a real `terraform apply` (or
// `tofu apply`) that is waiting for a task that never ends, through each wait
// resource: the CLI asks the provider to stop, the wait ends at once with an
// error saying it was interrupted, and nothing is saved.
func TestAccWaits_interrupt(t *testing.T) {
	ws := cliWorkspace(t)
	for _, c := range []struct {
		resource, config, message string
		polls                     func(*fakeAPI) int
	}{
		{"kps_keypair_task_wait", `task_id = "stuck"`, "Wait for KPS task stuck interrupted",
			func(api *fakeAPI) int { return api.Requests("stuck") }},
		{"kps_server_tasks_wait", `server_id = "srv"`, "Wait for the KPS tasks of server srv interrupted",
			func(api *fakeAPI) int { return api.ListRequests("running-tasks") }},
	} {
		t.Run(c.resource, func(t *testing.T) {
			api := newFakeAPI(t)
			api.addTask("stuck", "srv", "RUNNING_RESET")
			err := ws.WriteConfig(requiredKPS + api.providerConfig() + fmt.Sprintf(`
resource %q "w" {
  %s
  poll_interval = "1s"
}
`, c.resource, c.config))
			if err != nil {
				t.Fatal(err)
			}
			interruptApply(t, ws, func() int { return c.polls(api) }, c.resource, c.message)
		})
	}
}

// interruptApply starts an apply in ws, presses Ctrl-C once polls reports
// three polls, and checks that the CLI stops with message and saves nothing
// of resourceType.
func interruptApply(t *testing.T, ws *tfrun.Workspace, polls func() int, resourceType, message string) {
	t.Helper()
	_ = os.Remove(filepath.Join(ws.Dir, "terraform.tfstate"))
	out := interruptWhen(t, ws, func() bool { return polls() >= 3 })
	if !strings.Contains(out, message) {
		t.Fatalf("the error does not say the wait was interrupted:\n%s", out)
	}
	if state, err := os.ReadFile(filepath.Join(ws.Dir, "terraform.tfstate")); err == nil && strings.Contains(string(state), resourceType) {
		t.Fatalf("the interrupted wait was saved to state:\n%s", state)
	}
}
