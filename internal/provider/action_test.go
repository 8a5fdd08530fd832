package provider

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/plancheck"
	"github.com/hashicorp/terraform-plugin-testing/tfversion"

	"github.com/kpsops/terraform-provider-kps/internal/dev/kpsfake"
	"github.com/kpsops/terraform-provider-kps/internal/dev/tfrun"
)

// invoke runs terraform apply -invoke on an action of the workspace's
// configuration, with the key in the environment, and returns the output.
func invoke(t *testing.T, ws *tfrun.Workspace, address string, env ...string) (string, error) {
	t.Helper()
	var out lockedBuffer
	err := ws.Run(t.Context(), &out, append([]string{"TF_VAR_key=" + oldKey}, env...), "apply", "-auto-approve", "-input=false", "-no-color",
		"-invoke="+address)
	return out.String(), err
}

// TestAccActions_invoke invokes each action with terraform apply -invoke,
// which the test harness cannot: an associate that succeeds (its progress
// in the CLI's output, the key sent and nowhere in the TRACE log), one whose task
// fails (the reason in the error), a disassociate, and clean-ups of one
// failed-task record, of a server's, and of all.
func TestAccActions_invoke(t *testing.T) {
	ws := cliWorkspace(t)
	skipBelowCLI(t, tfversion.Version1_14_0)
	api := newFakeAPI(t)
	api.addServer("srv", kpsfake.ECS{})
	api.addServer("wrong", kpsfake.ECS{PrivateKey: "another key"})
	api.addServer("bound", kpsfake.ECS{})
	for _, f := range []struct{ id, server string }{{"f1", "a"}, {"f2", "a"}, {"f3", "b"}, {"f4", "c"}} {
		api.AddTask(testProject, f.id, kpsfake.Task{ServerID: f.server, Timeline: []kpsfake.Step{{Status: "FAILED_RESET"}}})
	}
	api.addTask("ok", "a", "SUCCESS_RESET")
	err := ws.WriteConfig(requiredKPS + api.providerConfig() + `
variable "key" {
  type      = string
  sensitive = true
}
action "kps_associate_keypair" "rotate" {
  config {
    server_id     = "srv"
    keypair_name  = "kp-new"
    poll_interval = "1s"
    auth = {
      type = "keypair"
      key  = var.key
    }
  }
}
action "kps_associate_keypair" "wrong" {
  config {
    server_id     = "wrong"
    keypair_name  = "kp-new"
    poll_interval = "1s"
    auth = {
      type = "keypair"
      key  = var.key
    }
  }
}
action "kps_disassociate_keypair" "unbind" {
  config {
    server_id     = "bound"
    poll_interval = "1s"
    auth = {
      type = "keypair"
      key  = var.key
    }
  }
}
action "kps_delete_failed_tasks" "one" {
  config {
    task_ids = ["f1", "gone"]
  }
}
action "kps_delete_failed_tasks" "not_failed" {
  config {
    task_ids = ["ok"]
  }
}
action "kps_delete_failed_tasks" "server" {
  config {
    server_id = "b"
  }
}
action "kps_delete_failed_tasks" "all" {
  config {}
}
`)
	if err != nil {
		t.Fatal(err)
	}

	logFile := filepath.Join(t.TempDir(), "trace.log")
	out, err := invoke(t, ws, "action.kps_associate_keypair.rotate", "TF_LOG=TRACE", "TF_LOG_PATH="+logFile)
	if err != nil {
		t.Fatalf("the associate failed: %v\n%s", err, out)
	}
	starts := api.StartRequests(testProject, "srv")
	if len(starts) != 1 || starts[0].AuthKey != oldKey {
		t.Fatalf("starts %+v: want one carrying the key", starts)
	}
	for _, want := range []string{"Started task " + starts[0].TaskID + " on server srv", "ended SUCCESS_REPLACE"} {
		if !strings.Contains(out, want) {
			t.Fatalf("the CLI's output does not show %q:\n%s", want, out)
		}
	}
	if strings.Contains(out, "acc-test-old-key") {
		t.Fatalf("the key appears in the CLI's output:\n%s", out)
	}
	// The provider's own log of the invocation: the start is in it, the key
	// is not (the framework gives an action no state to keep it in).
	trace, err := os.ReadFile(logFile)
	if err != nil || !strings.Contains(string(trace), "keypairs/associate") {
		t.Fatalf("the TRACE log has no start (%v)", err)
	}
	if strings.Contains(string(trace), "acc-test-old-key") {
		t.Fatal("the key appears in the TRACE log")
	}

	out, err = invoke(t, ws, "action.kps_associate_keypair.wrong")
	if err == nil || !strings.Contains(out, "FAILED_REPLACE") || !strings.Contains(out, "KPS.6015") ||
		!strings.Contains(out, "invoke the action again") || strings.Contains(out, "saved to state") {
		t.Fatalf("a failed task: want its status and reason, worded for an action (%v):\n%s", err, out)
	}
	// Terraform prints an action's error twice; the advice, fitted to the
	// refused login, is said once, as progress.
	if n := strings.Count(strings.Join(strings.Fields(out), " "), "KPS could not log in to the server"); n != 1 || strings.Contains(out, "Common causes") {
		t.Fatalf("the advice for a refused login appears %d times, want once:\n%s", n, out)
	}

	if out, err := invoke(t, ws, "action.kps_disassociate_keypair.unbind"); err != nil || !strings.Contains(out, "ended SUCCESS_UNBIND") {
		t.Fatalf("the disassociate: %v\n%s", err, out)
	}
	if kp := api.server(t, "bound").Keypair; kp != "" {
		t.Fatalf("server bound still has %q", kp)
	}

	out, err = invoke(t, ws, "action.kps_delete_failed_tasks.one")
	if err != nil || !strings.Contains(out, "Deleted the failed-task record of task f1") || !strings.Contains(out, "gone was already gone") {
		t.Fatalf("deleting f1 and a record already gone: %v\n%s", err, out)
	}
	// A task that never failed has no failed-task record: KPS answers as
	// for a record already deleted (KPS.0005), which is nothing to clean up.
	out, err = invoke(t, ws, "action.kps_delete_failed_tasks.not_failed")
	if err != nil || !strings.Contains(out, "Failed-task record ok was already gone") {
		t.Fatalf("deleting the record of a task that never failed: want it found already gone (%v):\n%s", err, out)
	}
	if out, err := invoke(t, ws, "action.kps_delete_failed_tasks.server"); err != nil || !strings.Contains(out, "Deleted the failed-task record of task f3") {
		t.Fatalf("deleting server b's records: %v\n%s", err, out)
	}
	if out, err := invoke(t, ws, "action.kps_delete_failed_tasks.all"); err != nil || !strings.Contains(out, "Deleted every failed-task record") {
		t.Fatalf("deleting all: %v\n%s", err, out)
	}
	if got, want := strings.Join(api.FailedTaskDeletes(), ","), "f1,gone,ok,f3,*"; got != want {
		t.Fatalf("deletes %s, want %s", got, want)
	}
}

// actionPlanned checks that the plan invokes an action of the given type.
type actionPlanned string

func (a actionPlanned) CheckPlan(_ context.Context, req plancheck.CheckPlanRequest, resp *plancheck.CheckPlanResponse) {
	for _, inv := range req.Plan.ActionInvocations {
		if inv.Type == string(a) && inv.LifecycleActionTrigger != nil {
			return
		}
	}
	resp.Error = fmt.Errorf("the plan invokes no %s from a resource's lifecycle", a)
}

// TestAccActions_afterCreate: a server-like terraform_data triggers the
// associate action after it is created; the plan shows the invocation, the
// stand-in received exactly one start, carrying the key.
func TestAccActions_afterCreate(t *testing.T) {
	api := newFakeAPI(t)
	api.addServer("srv", kpsfake.ECS{})
	api.addKeypairs("kp-2026")
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: testFactories,
		TerraformVersionChecks:   []tfversion.TerraformVersionCheck{tfversion.SkipBelow(tfversion.Version1_14_0)},
		Steps: []resource.TestStep{{
			Config: api.providerConfig() + fmt.Sprintf(`
action "kps_associate_keypair" "rotate" {
  config {
    server_id     = "srv"
    keypair_name  = "kp-2026"
    poll_interval = "1s"
    auth = {
      type = "keypair"
      key  = %q
    }
  }
}
resource "terraform_data" "server" {
  input = "srv"
  lifecycle {
    action_trigger {
      events  = [after_create]
      actions = [action.kps_associate_keypair.rotate]
    }
  }
}
`, oldKey),
			ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{actionPlanned("kps_associate_keypair")}},
			Check: api.startedOnce(func(s kpsfake.StartRequest) error {
				if s.KeypairName != "kp-2026" || s.AuthKey != oldKey {
					return fmt.Errorf("start %+v", s)
				}
				if kp := api.server(t, "srv").Keypair; kp != "kp-2026" {
					return fmt.Errorf("the server has %q bound", kp)
				}
				return nil
			}),
		}},
	})
}

// TestAccActions_ephemeralKey: on Terraform 1.14 an action's write-only
// auth.key takes an ephemeral value, the private key KPS hosts for the key
// pair the server has: it reaches the associate's body, and neither the
// CLI's output nor the TRACE log.
func TestAccActions_ephemeralKey(t *testing.T) {
	ws := cliWorkspace(t)
	skipBelowCLI(t, tfversion.Version1_14_0)
	api := newFakeAPI(t)
	api.AddKeypair(testProject, "kp-old", kpsfake.Keypair{Hosted: true, PrivateKey: oldKey})
	api.addServer("srv", kpsfake.ECS{})
	err := ws.WriteConfig(requiredKPS + api.providerConfig() + `
ephemeral "kps_keypair_private_key" "current" {
  name = "kp-old"
}
action "kps_associate_keypair" "rotate" {
  config {
    server_id     = "srv"
    keypair_name  = "kp-new"
    poll_interval = "1s"
    auth = {
      type = "keypair"
      key  = ephemeral.kps_keypair_private_key.current.private_key
    }
  }
}
`)
	if err != nil {
		t.Fatal(err)
	}
	logFile := filepath.Join(t.TempDir(), "trace.log")
	out, err := invoke(t, ws, "action.kps_associate_keypair.rotate", "TF_LOG=TRACE", "TF_LOG_PATH="+logFile)
	if err != nil {
		t.Fatalf("the associate with an ephemeral key failed: %v\n%s", err, out)
	}
	if starts := api.StartRequests(testProject, "srv"); len(starts) != 1 || starts[0].AuthKey != oldKey {
		t.Fatalf("%d starts: want one carrying the hosted key", len(starts))
	}
	trace, _ := os.ReadFile(logFile)
	if strings.Contains(out, "acc-test-old-key") || strings.Contains(string(trace), "acc-test-old-key") {
		t.Fatal("the ephemeral key is in the CLI's output or the TRACE log")
	}
}
