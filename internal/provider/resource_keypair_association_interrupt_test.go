package provider

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/kpsops/terraform-provider-kps/internal/kpsfake"
)

// TestAccKeypairAssociation_interrupted presses Ctrl-C on a real apply
// while the task it started runs. The error names the task, and the state
// keeps its ID with the resource tainted. The next apply replaces it: it
// waits for that task to end, then starts one more, never refused as busy.
func TestAccKeypairAssociation_interrupted(t *testing.T) {
	ws := cliWorkspace(t)
	api := newFakeAPI(t)
	const taskTime = 3 * time.Second
	api.addServer("srv", kpsfake.ECS{TaskDuration: taskTime})
	err := ws.WriteConfig(requiredKPS + api.associationConfig("kp-new", "  auth = {\n    type = \"keypair\"\n    key  = \""+strings.ReplaceAll(oldKey, "\n", `\n`)+"\"\n  }"))
	if err != nil {
		t.Fatal(err)
	}

	var out lockedBuffer
	apply := ws.Command(t.Context(), &out, nil, "apply", "-auto-approve", "-input=false", "-no-color")
	if err := apply.Start(); err != nil {
		t.Fatal(err)
	}
	deadline := time.Now().Add(60 * time.Second)
	var first kpsfake.StartRequest
	for {
		if starts := api.StartRequests(testProject, "srv"); len(starts) > 0 && api.Requests(starts[0].TaskID) > 0 {
			first = starts[0]
			break
		}
		if time.Now().After(deadline) {
			_ = apply.Process.Kill()
			t.Fatalf("the task was never started and read:\n%s", out.String())
		}
		time.Sleep(20 * time.Millisecond)
	}
	if err := apply.Process.Signal(os.Interrupt); err != nil {
		t.Fatal(err)
	}
	if err := apply.Wait(); err == nil {
		t.Fatalf("the interrupted apply succeeded:\n%s", out.String())
	}
	if !strings.Contains(out.String(), "Wait for KPS task "+first.TaskID+" interrupted") {
		t.Fatalf("the error does not name the task:\n%s", out.String())
	}
	state, err := os.ReadFile(filepath.Join(ws.Dir, "terraform.tfstate"))
	if err != nil || !strings.Contains(string(state), first.TaskID) || !strings.Contains(string(state), `"status": "tainted"`) {
		t.Fatalf("the state does not keep the started task, tainted (%v):\n%s", err, state)
	}

	var again lockedBuffer
	if err := ws.Run(t.Context(), &again, nil, "apply", "-auto-approve", "-input=false", "-no-color"); err != nil {
		t.Fatalf("the next apply failed: %v\n%s", err, again.String())
	}
	starts := api.StartRequests(testProject, "srv")
	if len(starts) != 2 || starts[1].At.Sub(first.At) < taskTime || api.BusyRefusals(testProject, "srv") != 0 {
		t.Fatalf("starts %+v, %d refused as busy: want a second start after the first task ended", starts, api.BusyRefusals(testProject, "srv"))
	}
	if state, _ := os.ReadFile(filepath.Join(ws.Dir, "terraform.tfstate")); !strings.Contains(string(state), starts[1].TaskID) {
		t.Fatalf("the state does not hold the second task:\n%s", state)
	}
}
