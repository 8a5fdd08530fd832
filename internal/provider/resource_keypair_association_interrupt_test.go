package provider

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/kpsops/terraform-provider-kps/internal/dev/kpsfake"
	"github.com/kpsops/terraform-provider-kps/internal/dev/tfrun"
)

// keyAuth is an auth block with key in state, written as HCL.
func keyAuth(key string) string {
	return "  auth = {\n    type = \"keypair\"\n    key  = \"" + strings.ReplaceAll(key, "\n", `\n`) + "\"\n  }"
}

// interruptStartedTask presses Ctrl-C on an apply of ws once it has
// started a task on srv and read it, and returns that start and the CLI's
// output.
func interruptStartedTask(t *testing.T, ws *tfrun.Workspace, api *fakeAPI, before int) (kpsfake.StartRequest, string) {
	t.Helper()
	var started kpsfake.StartRequest
	out := interruptWhen(t, ws, func() bool {
		starts := api.StartRequests(testProject, "srv")
		if len(starts) > before && api.Requests(starts[before].TaskID) > 0 {
			started = starts[before]
			return true
		}
		return false
	})
	return started, out
}

func readState(t *testing.T, ws *tfrun.Workspace) string {
	t.Helper()
	state, err := os.ReadFile(filepath.Join(ws.Dir, "terraform.tfstate"))
	if err != nil {
		t.Fatal(err)
	}
	return string(state)
}

// TestAccKeypairAssociation_interrupted presses Ctrl-C on a real apply
// while the replace it started runs. The error names the task, and the
// state keeps its ID with the resource tainted. The task then succeeds,
// which changes the key the server accepts: the next apply's Delete of
// the tainted resource finds that out, and its Create adopts the success.
// Exactly one start in all; sending the old key again would have failed.
func TestAccKeypairAssociation_interrupted(t *testing.T) {
	ws := cliWorkspace(t)
	api := newFakeAPI(t)
	api.addServer("srv", kpsfake.ECS{TaskDuration: 2 * time.Second})
	if err := ws.WriteConfig(requiredKPS + api.associationConfig("kp-new", keyAuth(oldKey))); err != nil {
		t.Fatal(err)
	}
	first, out := interruptStartedTask(t, ws, api, 0)
	if !strings.Contains(out, "Wait for KPS task "+first.TaskID+" interrupted") {
		t.Fatalf("the error does not name the task:\n%s", out)
	}
	if state := readState(t, ws); !strings.Contains(state, first.TaskID) || !strings.Contains(state, `"status": "tainted"`) {
		t.Fatalf("the state does not keep the started task, tainted:\n%s", state)
	}

	var again lockedBuffer
	if err := ws.Run(t.Context(), &again, nil, "apply", "-auto-approve", "-input=false", "-no-color"); err != nil {
		t.Fatalf("the next apply failed: %v\n%s", err, again.String())
	}
	if starts := api.StartRequests(testProject, "srv"); len(starts) != 1 {
		t.Fatalf("starts %+v: want only the interrupted one, its success adopted", starts)
	}
	state := readState(t, ws)
	if !strings.Contains(state, `"task_id": "`+first.TaskID+`"`) || !strings.Contains(state, `"task_status": "SUCCESS_REPLACE"`) ||
		strings.Contains(state, "tainted") {
		t.Fatalf("the state does not hold the adopted task, untainted:\n%s", state)
	}
}

// TestAccKeypairAssociation_interruptedUpdate: Ctrl-C on an update that
// rotates kp-a to kp-b. The state keeps the old arguments with the new
// task; the task succeeds; the next apply reads it, adopts the success for
// kp-b and sends nothing (the server no longer accepts kp-a's key). One
// start per operation, and a second plan is empty.
func TestAccKeypairAssociation_interruptedUpdate(t *testing.T) {
	ws := cliWorkspace(t)
	api := newFakeAPI(t)
	api.addServer("srv", kpsfake.ECS{TaskDuration: 2 * time.Second})
	apply := func() {
		var out lockedBuffer
		if err := ws.Run(t.Context(), &out, nil, "apply", "-auto-approve", "-input=false", "-no-color"); err != nil {
			t.Fatalf("apply: %v\n%s", err, out.String())
		}
	}
	if err := ws.WriteConfig(requiredKPS + api.associationConfig("kp-a", keyAuth(oldKey))); err != nil {
		t.Fatal(err)
	}
	apply()
	if err := ws.WriteConfig(requiredKPS + api.associationConfig("kp-b", keyAuth(kpsfake.PrivateKeyOf("kp-a")))); err != nil {
		t.Fatal(err)
	}
	update, out := interruptStartedTask(t, ws, api, 1)
	if !strings.Contains(out, "Wait for KPS task "+update.TaskID+" interrupted") {
		t.Fatalf("the error does not name the task:\n%s", out)
	}
	if state := readState(t, ws); !strings.Contains(state, `"keypair_name": "kp-a"`) || !strings.Contains(state, update.TaskID) {
		t.Fatalf("the state does not keep the old arguments with the new task:\n%s", state)
	}

	apply()
	if starts := api.StartRequests(testProject, "srv"); len(starts) != 2 {
		t.Fatalf("starts %+v: want the create's and the interrupted update's, nothing more", starts)
	}
	state := readState(t, ws)
	if !strings.Contains(state, `"keypair_name": "kp-b"`) || !strings.Contains(state, `"task_id": "`+update.TaskID+`"`) ||
		!strings.Contains(state, `"task_status": "SUCCESS_REPLACE"`) {
		t.Fatalf("the state does not hold kp-b with the adopted task:\n%s", state)
	}
	if kp := api.server(t, "srv").Keypair; kp != "kp-b" {
		t.Fatalf("the server has %q bound", kp)
	}
	var plan lockedBuffer
	if err := ws.Run(t.Context(), &plan, nil, "plan", "-detailed-exitcode", "-input=false", "-no-color"); err != nil {
		t.Fatalf("the plan after is not empty: %v\n%s", err, plan.String())
	}
}

// TestAccKeypairAssociation_destroyWarns: destroying the resource says
// that the key pair stays bound, and how to unbind it; nothing is sent.
func TestAccKeypairAssociation_destroyWarns(t *testing.T) {
	ws := cliWorkspace(t)
	api := newFakeAPI(t)
	api.addServer("srv", kpsfake.ECS{})
	if err := ws.WriteConfig(requiredKPS + api.associationConfig("kp-new", keyAuth(oldKey))); err != nil {
		t.Fatal(err)
	}
	var out lockedBuffer
	if err := ws.Run(t.Context(), &out, nil, "apply", "-auto-approve", "-input=false", "-no-color"); err != nil {
		t.Fatalf("apply: %v\n%s", err, out.String())
	}
	before := api.TotalRequests()
	var destroy lockedBuffer
	if err := ws.Run(t.Context(), &destroy, nil, "destroy", "-auto-approve", "-input=false", "-no-color"); err != nil {
		t.Fatalf("destroy: %v\n%s", err, destroy.String())
	}
	for _, want := range []string{"Warning: The key pair stays bound to server srv", "key pair kp-new", "kps_keypair_disassociation"} {
		if !strings.Contains(strings.Join(strings.Fields(destroy.String()), " "), want) {
			t.Fatalf("the destroy's output does not say %q:\n%s", want, destroy.String())
		}
	}
	if n := api.TotalRequests() - before; n != 0 {
		t.Fatalf("the destroy sent %d requests; it only forgets", n)
	}
	if kp := api.server(t, "srv").Keypair; kp != "kp-new" {
		t.Fatalf("the server has %q bound after the destroy", kp)
	}
}
