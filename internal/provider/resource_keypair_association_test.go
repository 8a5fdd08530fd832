package provider

import (
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/knownvalue"
	"github.com/hashicorp/terraform-plugin-testing/plancheck"
	"github.com/hashicorp/terraform-plugin-testing/statecheck"
	"github.com/hashicorp/terraform-plugin-testing/terraform"
	"github.com/hashicorp/terraform-plugin-testing/tfjsonpath"
	"github.com/hashicorp/terraform-plugin-testing/tfversion"

	"github.com/kpsops/terraform-provider-kps/internal/dev/kpsfake"
	"github.com/kpsops/terraform-provider-kps/internal/dev/tfrun"
)

// TestAccKeypairAssociation_keyWO: a replace with key_wo. The key reaches
// the server, and is in neither the plan nor the state; the gate is created
// once the key pair is bound. The same configuration again plans nothing
// (write-only values are not compared); a new key_wo_version runs again.
func TestAccKeypairAssociation_keyWO(t *testing.T) {
	api := newFakeAPI(t)
	api.addServer("srv", kpsfake.ECS{})
	auth := func(version int) string {
		return fmt.Sprintf("  auth = {\n    type = \"keypair\"\n    key_wo = %q\n    key_wo_version = %d\n  }", oldKey, version)
	}
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: testFactories,
		TerraformVersionChecks:   []tfversion.TerraformVersionCheck{tfversion.SkipBelow(tfversion.Version1_11_0)},
		Steps: []resource.TestStep{
			{
				Config:           api.associationConfig("kp-2026", auth(1)),
				ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{planDoesNotContain{"the private key", "acc-test-old-key"}}},
				ConfigStateChecks: []statecheck.StateCheck{
					associationAttr("task_status", knownvalue.StringExact("SUCCESS_REPLACE")),
					associationAttr("auth", knownvalue.ObjectExact(map[string]knownvalue.Check{
						"type": knownvalue.StringExact("keypair"), "key": knownvalue.Null(), "key_wo": knownvalue.Null(),
						"key_wo_version": knownvalue.Int64Exact(1),
					})),
					associationAttr("id", knownvalue.StringExact(testProject+"/srv")),
					stateDoesNotContain("the private key", "acc-test-old-key"),
					statecheck.ExpectKnownValue("terraform_data.after", tfjsonpath.New("output"), knownvalue.NotNull()),
				},
				Check: api.startedOnce(func(s kpsfake.StartRequest) error {
					if s.AuthKey != oldKey || s.KeypairName != "kp-2026" {
						return fmt.Errorf("start %+v: want kp-2026, carrying the key", s)
					}
					if kp := api.server(t, "srv").Keypair; kp != "kp-2026" {
						return fmt.Errorf("the server has %q bound", kp)
					}
					return nil
				}),
			},
			{
				Config:           api.associationConfig("kp-2026", auth(1)),
				ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{plancheck.ExpectEmptyPlan()}},
			},
			{
				PreConfig: func() { api.addServer("srv", kpsfake.ECS{Keypair: "kp-2026"}) },
				Config:    api.associationConfig("kp-2026", auth(2)),
				ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
					plancheck.ExpectResourceAction("kps_keypair_association.a", plancheck.ResourceActionUpdate),
					planDoesNotContain{"the private key", "acc-test-old-key"},
				}},
				Check: api.startedOnce(nil),
			},
		},
	})
}

// TestAccKeypairAssociation_reset: with no auth, a shut-down server's key is
// reset; disable_password and port are sent as given.
func TestAccKeypairAssociation_reset(t *testing.T) {
	api := newFakeAPI(t)
	api.addServer("srv", kpsfake.ECS{ShutDown: true})
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: testFactories,
		Steps: []resource.TestStep{{
			Config: api.associationConfig("kp-reset", "  disable_password = true\n  port = 2222"),
			ConfigStateChecks: []statecheck.StateCheck{
				associationAttr("task_status", knownvalue.StringExact("SUCCESS_RESET")),
				associationAttr("completed_at", knownvalue.NotNull()),
			},
			Check: api.startedOnce(func(s kpsfake.StartRequest) error {
				if s.AuthType != "" || s.DisablePassword == nil || !*s.DisablePassword || s.Port == nil || *s.Port != 2222 {
					return fmt.Errorf("start %+v: want no auth, disable_password true, port 2222", s)
				}
				return nil
			}),
		}},
	})
}

// TestAccKeypairAssociation_wrongKey: the task fails; the error names the
// task, its status and the reason from the failed-tasks list; nothing is
// saved, so the next apply (with the right key) creates the resource.
func TestAccKeypairAssociation_wrongKey(t *testing.T) {
	api := newFakeAPI(t)
	api.addServer("srv", kpsfake.ECS{})
	keyAuth := func(key string) string {
		return fmt.Sprintf("  auth = {\n    type = \"keypair\"\n    key = %q\n  }", key)
	}
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: testFactories,
		Steps: []resource.TestStep{
			{
				Config: api.associationConfig("kp-new", keyAuth("not-the-key")),
				ExpectError: expectError("KPS task", "failed", "on server srv ended with status FAILED_REPLACE",
					`Reason: KPS.6015 "Failed to log in to the server over SSH`, "Nothing was saved to state"),
			},
			{
				Config: api.associationConfig("kp-new", keyAuth(oldKey)),
				ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
					plancheck.ExpectResourceAction("kps_keypair_association.a", plancheck.ResourceActionCreate),
				}},
				ConfigStateChecks: []statecheck.StateCheck{associationAttr("task_status", knownvalue.StringExact("SUCCESS_REPLACE"))},
			},
		},
	})
}

// TestAccKeypairAssociation_dispatchFailure: KPS answers that it started no
// task; the error shows its code and message, and nothing is polled.
func TestAccKeypairAssociation_dispatchFailure(t *testing.T) {
	api := newFakeAPI(t)
	api.addServer("srv", kpsfake.ECS{DispatchFailure: &kpsfake.TaskFailure{Code: "KPS.0110", Message: "The server is not ready for key pairs"}})
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: testFactories,
		Steps: []resource.TestStep{{
			Config: api.associationConfig("kp-new", fmt.Sprintf("  auth = {\n    type = \"keypair\"\n    key = %q\n  }", oldKey)),
			ExpectError: expectError("KPS did not start a task on server srv", "status FAILED", "error_code KPS.0110",
				`error_msg "The server is not ready for key pairs"`),
		}},
	})
	if n, lists := api.TotalRequests(), api.ListRequests("running-tasks"); n != lists+1 {
		t.Fatalf("%d requests: want the idle check (%d lists) and one POST, nothing polled", n, lists)
	}
}

// TestAccKeypairAssociation_busyServer: someone else's task runs on the
// server; the task starts only after it ended, and KPS never refuses it.
func TestAccKeypairAssociation_busyServer(t *testing.T) {
	api := newFakeAPI(t)
	api.addServer("srv", kpsfake.ECS{})
	var added time.Time
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: testFactories,
		Steps: []resource.TestStep{{
			PreConfig: func() {
				added = time.Now()
				api.AddTask(testProject, "theirs", kpsfake.Task{ServerID: "srv", FromStart: true, Timeline: []kpsfake.Step{
					{Status: "RUNNING_REPLACE"}, {At: 2 * time.Second, Status: "SUCCESS_REPLACE"},
				}})
			},
			Config: api.associationConfig("kp-new", fmt.Sprintf("  auth = {\n    type = \"keypair\"\n    key = %q\n  }", oldKey)),
			Check: api.startedOnce(func(s kpsfake.StartRequest) error {
				if s.At.Sub(added) < 2*time.Second || s.Answer != 202 || api.BusyRefusals(testProject, "srv") != 0 {
					return fmt.Errorf("start %+v, %s after the other task began: want one, after it ended, never refused",
						s, s.At.Sub(added))
				}
				return nil
			}),
		}},
	})
}

// TestAccKeypairAssociation_update: a new keypair_name starts a task in
// place; a new poll_interval alone starts nothing and keeps the results; the
// key, kept in state, plans nothing when unchanged.
func TestAccKeypairAssociation_update(t *testing.T) {
	api := newFakeAPI(t)
	api.addServer("srv", kpsfake.ECS{})
	auth := fmt.Sprintf("  auth = {\n    type = \"keypair\"\n    key = %q\n  }", oldKey)
	var firstTask string
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: testFactories,
		Steps: []resource.TestStep{
			{
				Config: api.associationConfig("kp-a", auth),
				ConfigStateChecks: []statecheck.StateCheck{
					associationAttr("auth", knownvalue.ObjectPartial(map[string]knownvalue.Check{"key": knownvalue.StringExact(oldKey)})),
				},
				Check: func(s *terraform.State) error {
					firstTask = s.RootModule().Resources["kps_keypair_association.a"].Primary.Attributes["task_id"]
					return nil
				},
			},
			{
				Config:           api.associationConfig("kp-a", auth),
				ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{plancheck.ExpectEmptyPlan()}},
			},
			{
				// The server now accepts the key of kp-a.
				PreConfig: func() { api.addServer("srv", kpsfake.ECS{Keypair: "kp-a"}) },
				Config:    api.associationConfig("kp-b", auth),
				ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
					plancheck.ExpectResourceAction("kps_keypair_association.a", plancheck.ResourceActionUpdate),
					plancheck.ExpectUnknownValue("kps_keypair_association.a", tfjsonpath.New("task_id")),
					plancheck.ExpectResourceAction("terraform_data.after", plancheck.ResourceActionUpdate),
				}},
				Check: resource.ComposeTestCheckFunc(
					api.startedOnce(nil),
					func(s *terraform.State) error {
						if id := s.RootModule().Resources["kps_keypair_association.a"].Primary.Attributes["task_id"]; id == firstTask {
							return fmt.Errorf("task_id is still the first task's")
						}
						if kp := api.server(t, "srv").Keypair; kp != "kp-b" {
							return fmt.Errorf("the server has %q bound", kp)
						}
						return nil
					}),
			},
			{
				Config: strings.Replace(api.associationConfig("kp-b", auth), `poll_interval = "1s"`, `poll_interval = "2s"`, 1),
				ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
					plancheck.ExpectResourceAction("kps_keypair_association.a", plancheck.ResourceActionUpdate),
					plancheck.ExpectKnownValue("kps_keypair_association.a", tfjsonpath.New("task_status"), knownvalue.StringExact("SUCCESS_REPLACE")),
					plancheck.ExpectResourceAction("terraform_data.after", plancheck.ResourceActionNoop),
				}},
				Check: api.startedOnce(nil),
			},
		},
	})
}

// TestAccKeypairAssociation_lostAnswer: the POST starts a task but its
// answer is a 500; the provider finds the task and adopts it: exactly one POST.
func TestAccKeypairAssociation_lostAnswer(t *testing.T) {
	api := newFakeAPI(t)
	api.addServer("srv", kpsfake.ECS{LostAnswers: 1})
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: testFactories,
		Steps: []resource.TestStep{{
			Config:            api.associationConfig("kp-new", fmt.Sprintf("  auth = {\n    type = \"keypair\"\n    key = %q\n  }", oldKey)),
			ConfigStateChecks: []statecheck.StateCheck{associationAttr("task_status", knownvalue.StringExact("SUCCESS_REPLACE"))},
			Check: resource.ComposeTestCheckFunc(
				api.startedOnce(func(s kpsfake.StartRequest) error {
					if s.Answer != 500 || s.TaskID == "" {
						return fmt.Errorf("start %+v: want one that started a task and answered 500", s)
					}
					return nil
				}),
				func(st *terraform.State) error {
					if got, want := st.RootModule().Resources["kps_keypair_association.a"].Primary.Attributes["task_id"],
						api.StartRequests(testProject, "srv")[0].TaskID; got != want {
						return fmt.Errorf("task_id %q, want the task the lost POST started, %q", got, want)
					}
					return nil
				}),
		}},
	})
}

// TestAccKeypairAssociation_manyUnderALimit: 30 associations in one apply
// against a gateway that allows 10 requests a second: every one succeeds.
func TestAccKeypairAssociation_manyUnderALimit(t *testing.T) {
	api := newFakeAPI(t, kpsfake.WithRateLimit(10))
	for i := range 30 {
		api.addServer(fmt.Sprintf("srv-%d", i), kpsfake.ECS{TaskDuration: time.Second})
	}
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: testFactories,
		Steps: []resource.TestStep{{
			Config: api.providerConfig() + fmt.Sprintf(`
resource "kps_keypair_association" "fleet" {
  count         = 30
  server_id     = "srv-${count.index}"
  keypair_name  = "kp-fleet"
  poll_interval = "2s"
  auth = {
    type = "keypair"
    key  = %q
  }
}
`, oldKey),
			Check: func(*terraform.State) error {
				for i := range 30 {
					id := fmt.Sprintf("srv-%d", i)
					if kp := api.server(t, id).Keypair; kp != "kp-fleet" || len(api.StartRequests(testProject, id)) != 1 {
						return fmt.Errorf("server %s has %q bound after %d starts", id, kp, len(api.StartRequests(testProject, id)))
					}
				}
				t.Logf("%d requests, %d answered 429", api.TotalRequests(), api.ThrottledRequests())
				return nil
			},
		}},
	})
}

// TestAccKeypairAssociation_timeout: a task that outlasts timeouts.create
// is an error that names it, says a timeout is not a failure and suggests
// raising timeouts.create, and comes within a few seconds of the timeout.
func TestAccKeypairAssociation_timeout(t *testing.T) {
	api := newFakeAPI(t)
	api.addServer("srv", kpsfake.ECS{TaskDuration: time.Hour})
	// Timed from the step's start: ParallelTest first waits for its turn.
	var began time.Time
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: testFactories,
		Steps: []resource.TestStep{{
			PreConfig: func() { began = time.Now() },
			Config:    api.associationConfig("kp-new", keyAuth(oldKey)+"\n  timeouts { create = \"2s\" }"),
			ExpectError: expectError("Timed out waiting for KPS task", "a timeout does not mean it failed",
				"raise timeouts.create"),
		}},
	})
	// One init, plan and apply of the harness, and the 2 s: far from the
	// hour the task runs.
	if took := time.Since(began); took > 30*time.Second {
		t.Fatalf("the timed-out apply took %v", took)
	}
}

// TestAccKeypairAssociation_unknownAuth: auth, wholly, comes from a
// resource not yet created, then from one being updated: neither plan
// fails, the results plan as unknown, and each apply binds with the key
// known by then.
func TestAccKeypairAssociation_unknownAuth(t *testing.T) {
	api := newFakeAPI(t)
	api.addServer("srv", kpsfake.ECS{})
	config := func(keypair, key string) string {
		return api.providerConfig() + fmt.Sprintf(`
resource "terraform_data" "login" {
  input = { type = "keypair", key = %q }
}
resource "kps_keypair_association" "a" {
  server_id     = "srv"
  keypair_name  = %q
  poll_interval = "1s"
  auth          = terraform_data.login.output
}
`, key, keypair)
	}
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: testFactories,
		Steps: []resource.TestStep{
			{
				Config:            config("kp-a", oldKey),
				ConfigStateChecks: []statecheck.StateCheck{associationAttr("task_status", knownvalue.StringExact("SUCCESS_REPLACE"))},
			},
			{
				Config: config("kp-b", kpsfake.PrivateKeyOf("kp-a")),
				ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
					plancheck.ExpectResourceAction("kps_keypair_association.a", plancheck.ResourceActionUpdate),
					plancheck.ExpectUnknownValue("kps_keypair_association.a", tfjsonpath.New("auth")),
					plancheck.ExpectUnknownValue("kps_keypair_association.a", tfjsonpath.New("task_id")),
				}},
				ConfigStateChecks: []statecheck.StateCheck{associationAttr("keypair_name", knownvalue.StringExact("kp-b"))},
				Check: func(*terraform.State) error {
					if starts := api.StartRequests(testProject, "srv"); len(starts) != 2 || starts[1].AuthKey != kpsfake.PrivateKeyOf("kp-a") {
						return fmt.Errorf("starts %+v: want the second with kp-a's key", starts)
					}
					return nil
				},
			},
		},
	})
}

// TestAccKeypairAssociation_failedUpdateKeepsState: an update whose task
// fails changes nothing in state: the same configuration as before plans
// nothing, and task_id is still the first task's.
func TestAccKeypairAssociation_failedUpdateKeepsState(t *testing.T) {
	api := newFakeAPI(t)
	api.addServer("srv", kpsfake.ECS{})
	var first string
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: testFactories,
		Steps: []resource.TestStep{
			{
				Config: api.associationConfig("kp-a", keyAuth(oldKey)),
				Check: func(s *terraform.State) error {
					first = s.RootModule().Resources["kps_keypair_association.a"].Primary.Attributes["task_id"]
					return nil
				},
			},
			{
				// The server accepts kp-a's key now, not the old one.
				Config:      api.associationConfig("kp-b", keyAuth(oldKey)),
				ExpectError: expectError("KPS task", "failed", "FAILED_REPLACE", "Nothing was saved to state"),
			},
			{
				Config:           api.associationConfig("kp-a", keyAuth(oldKey)),
				ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{plancheck.ExpectEmptyPlan()}},
				Check: func(s *terraform.State) error {
					if got := s.RootModule().Resources["kps_keypair_association.a"].Primary.Attributes["task_id"]; got != first {
						return fmt.Errorf("task_id %s, want the first task's, %s", got, first)
					}
					return nil
				},
			},
		},
	})
}

// TestAccKeypairAssociation_keyWithoutFinalNewline: the key as
// -var "k=$(cat key)" gives it, without its final newline, still logs in:
// it is sent with the newline OpenSSH needs.
func TestAccKeypairAssociation_keyWithoutFinalNewline(t *testing.T) {
	api := newFakeAPI(t)
	api.addServer("srv", kpsfake.ECS{})
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: testFactories,
		Steps: []resource.TestStep{{
			Config:            api.associationConfig("kp-new", keyAuth(strings.TrimSuffix(oldKey, "\n"))),
			ConfigStateChecks: []statecheck.StateCheck{associationAttr("task_status", knownvalue.StringExact("SUCCESS_REPLACE"))},
			Check: api.startedOnce(func(s kpsfake.StartRequest) error {
				if s.AuthKey != oldKey {
					return fmt.Errorf("sent %q, want the key with its final newline", s.AuthKey)
				}
				return nil
			}),
		}},
	})
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

// TestAccKeypairNameChecked: a keypair_name that is no key-pair name (a
// "/", a space) is refused at plan time, naming the attribute; nothing is
// sent.
func TestAccKeypairNameChecked(t *testing.T) {
	api := newFakeAPI(t)
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: testFactories,
		Steps: []resource.TestStep{
			{
				Config:      api.associationConfig("../kp", ""),
				PlanOnly:    true,
				ExpectError: expectError("Attribute keypair_name must be 1 to 255 characters"),
			},
			{
				Config:      api.associationConfig("kp new", ""),
				PlanOnly:    true,
				ExpectError: expectError("Attribute keypair_name must be 1 to 255 characters"),
			},
		},
	})
	if n := api.TotalRequests(); n != 0 {
		t.Fatalf("%d requests sent for names refused at plan time", n)
	}
}
