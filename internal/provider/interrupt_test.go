package provider

import (
	"bytes"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

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

// cliWorkspace builds the provider and returns a workspace that runs the
// CLI under test on it, for what the test harness cannot do (Ctrl-C). It
// skips the test without TF_ACC, as the harness does.
func cliWorkspace(t *testing.T) *tfrun.Workspace {
	t.Helper()
	if os.Getenv("TF_ACC") == "" {
		t.Skip("an acceptance test: set TF_ACC=1 (make test does)")
	}
	ws, err := tfrun.New(t.Context(), t.TempDir(), "github.com/kpsops/terraform-provider-kps")
	if err != nil {
		t.Fatal(err)
	}
	return ws
}

// requiredKPS is the terraform block a workspace's configuration needs.
const requiredKPS = `
terraform {
  required_providers {
    kps = { source = "kpsops/kps" }
  }
}
`

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

// ctrlCBound is how soon after Ctrl-C the CLI must have exited. The
// provider stops a wait within a second (the unit tests bound that); the
// rest is the CLI's own shutdown, state write included, on a shared 2-core
// machine: a few hundred milliseconds here, with room for a loaded one.
const ctrlCBound = 5 * time.Second

// interruptWhen starts an apply in ws, presses Ctrl-C once ready reports
// true, and returns the CLI's output once it has exited, failing the test
// when the apply succeeded or took longer than ctrlCBound to stop.
func interruptWhen(t *testing.T, ws *tfrun.Workspace, ready func() bool) string {
	t.Helper()
	var out lockedBuffer
	apply := ws.Command(t.Context(), &out, nil, "apply", "-auto-approve", "-input=false", "-no-color")
	if err := apply.Start(); err != nil {
		t.Fatal(err)
	}
	deadline := time.Now().Add(60 * time.Second)
	for !ready() {
		if time.Now().After(deadline) {
			_ = apply.Process.Kill()
			t.Fatalf("the apply never got to the point of interrupting it:\n%s", out.String())
		}
		time.Sleep(20 * time.Millisecond)
	}
	pressed := time.Now()
	if err := apply.Process.Signal(os.Interrupt); err != nil {
		t.Fatal(err)
	}
	done := make(chan error, 1)
	go func() { done <- apply.Wait() }()
	select {
	case err := <-done:
		if err == nil {
			t.Fatalf("the interrupted apply succeeded:\n%s", out.String())
		}
	case <-time.After(ctrlCBound):
		_ = apply.Process.Kill()
		t.Fatalf("the CLI did not stop within %s of Ctrl-C:\n%s", ctrlCBound, out.String())
	}
	t.Logf("the CLI exited %v after Ctrl-C", time.Since(pressed).Round(time.Millisecond))
	return out.String()
}

// lockedBuffer collects a child's output while the test reads it.
type lockedBuffer struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

func (b *lockedBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.Write(p)
}

func (b *lockedBuffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.String()
}
