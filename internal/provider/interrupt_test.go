package provider

import (
	"bytes"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/kpsops/terraform-provider-kps/internal/tfrun"
)

// TestAccKeypairTaskWait_interrupt presses Ctrl-C on a real `terraform apply`
// that is waiting for a task that never ends: Terraform asks the provider to
// stop, the wait ends at once with an error saying it was interrupted, and
// nothing is saved.
func TestAccKeypairTaskWait_interrupt(t *testing.T) {
	if os.Getenv("TF_ACC") == "" {
		t.Skip("an acceptance test: set TF_ACC=1 (make test does)")
	}
	ws, err := tfrun.New(t.Context(), t.TempDir(), "github.com/kpsops/terraform-provider-kps")
	if err != nil {
		t.Fatal(err)
	}
	api := newFakeAPI(t)
	api.addTask("stuck", "srv", "RUNNING_RESET")
	err = ws.WriteConfig(`
terraform {
  required_providers {
    kps = { source = "kpsops/kps" }
  }
}
` + api.providerConfig() + `
resource "kps_keypair_task_wait" "w" {
  task_id       = "stuck"
  poll_interval = "1s"
}
`)
	if err != nil {
		t.Fatal(err)
	}

	var out lockedBuffer
	apply := ws.Command(t.Context(), &out, nil, "apply", "-auto-approve", "-input=false", "-no-color")
	if err := apply.Start(); err != nil {
		t.Fatal(err)
	}
	// Press Ctrl-C once the wait has polled a few times.
	deadline := time.Now().Add(60 * time.Second)
	for api.Requests("stuck") < 3 {
		if time.Now().After(deadline) {
			_ = apply.Process.Kill()
			t.Fatalf("the wait never started polling:\n%s", out.String())
		}
		time.Sleep(50 * time.Millisecond)
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
	case <-time.After(30 * time.Second):
		_ = apply.Process.Kill()
		t.Fatalf("terraform did not stop within 30s of Ctrl-C:\n%s", out.String())
	}
	t.Logf("terraform exited %v after Ctrl-C", time.Since(pressed).Round(time.Millisecond))
	if !strings.Contains(out.String(), "Wait for KPS task stuck interrupted") {
		t.Fatalf("the error does not say the wait was interrupted:\n%s", out.String())
	}
	if state, err := os.ReadFile(filepath.Join(ws.Dir, "terraform.tfstate")); err == nil && strings.Contains(string(state), "kps_keypair_task_wait") {
		t.Fatalf("the interrupted wait was saved to state:\n%s", state)
	}
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
