package provider

import (
	"fmt"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/knownvalue"
	"github.com/hashicorp/terraform-plugin-testing/plancheck"
	"github.com/hashicorp/terraform-plugin-testing/statecheck"
	"github.com/hashicorp/terraform-plugin-testing/terraform"
	"github.com/hashicorp/terraform-plugin-testing/tfjsonpath"

	"github.com/kpsops/terraform-provider-kps/internal/dev/kpsfake"
)

// addTimeline scripts a task whose statuses follow each other one step apart,
// from its first read: the waits in these tests last a second or two.
func (f *fakeAPI) addTimeline(taskID, serverID string, step time.Duration, statuses ...string) {
	steps := make([]kpsfake.Step, len(statuses))
	for i, s := range statuses {
		steps[i] = kpsfake.Step{At: time.Duration(i) * step, Status: s}
	}
	f.AddTask(testProject, taskID, kpsfake.Task{ServerID: serverID, Timeline: steps})
}

// waitConfig is a wait with poll_interval = "1s" and a terraform_data that
// records the status the wait ended with, which it can only know afterwards.
func (f *fakeAPI) waitConfig(taskID, extra string) string {
	return f.providerConfig() + fmt.Sprintf(`
resource "kps_keypair_task_wait" "w" {
  task_id       = %q
  poll_interval = "1s"
%s
}

resource "terraform_data" "after" {
  input = "${kps_keypair_task_wait.w.server_id}:${kps_keypair_task_wait.w.task_status}"
}
`, taskID, extra)
}

func waitAttr(name string, v knownvalue.Check) statecheck.StateCheck {
	return statecheck.ExpectKnownValue("kps_keypair_task_wait.w", tfjsonpath.New(name), v)
}

var rfc3339 = regexp.MustCompile(`^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$`)

func TestAccKeypairTaskWait_gatesDependents(t *testing.T) {
	api := newFakeAPI(t)
	requestsBeforeRefresh, polls := 0, 0
	api.addTimeline("reset", "srv-1", 700*time.Millisecond, "READY_RESET", "RUNNING_RESET", "SUCCESS_RESET")
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: testFactories,
		Steps: []resource.TestStep{
			{
				Config: api.waitConfig("reset", ""),
				ConfigStateChecks: []statecheck.StateCheck{
					waitAttr("id", knownvalue.StringExact("reset")),
					waitAttr("project_id", knownvalue.StringExact(testProject)),
					waitAttr("task_status", knownvalue.StringExact("SUCCESS_RESET")),
					waitAttr("server_id", knownvalue.StringExact("srv-1")),
					waitAttr("phase", knownvalue.StringExact("SUCCESS")),
					waitAttr("operation", knownvalue.StringExact("RESET")),
					waitAttr("succeeded", knownvalue.Bool(true)),
					waitAttr("poll_interval", knownvalue.StringExact("1s")),
					waitAttr("fail_on_failure", knownvalue.Bool(true)),
					waitAttr("completed_at", knownvalue.StringRegexp(rfc3339)),
					// The dependent ran after the wait had seen the end.
					statecheck.ExpectKnownValue("terraform_data.after", tfjsonpath.New("output"), knownvalue.StringExact("srv-1:SUCCESS_RESET")),
				},
			},
			{
				// A refresh makes no API call, so a purged task record cannot
				// disturb a finished wait.
				PreConfig: func() {
					polls = api.Requests("reset")
					api.AddTask(testProject, "reset", kpsfake.Task{Faults: []kpsfake.Fault{{Status: 404, Code: "KPS.1002", Message: "purged"}}})
					requestsBeforeRefresh = api.TotalRequests()
				},
				RefreshState: true,
				Check: resource.ComposeTestCheckFunc(
					resource.TestCheckResourceAttr("kps_keypair_task_wait.w", "task_status", "SUCCESS_RESET"),
					func(*terraform.State) error {
						if n := api.TotalRequests() - requestsBeforeRefresh; n != 0 {
							return fmt.Errorf("the refresh sent %d requests", n)
						}
						return nil
					},
				),
			},
			{
				// Changing how a wait polls updates in place and reads nothing.
				Config: api.waitConfig("reset", `  fail_on_failure = false
  timeouts { create = "5m" }`),
				ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
					plancheck.ExpectResourceAction("kps_keypair_task_wait.w", plancheck.ResourceActionUpdate),
					plancheck.ExpectResourceAction("terraform_data.after", plancheck.ResourceActionNoop),
				}},
				ConfigStateChecks: []statecheck.StateCheck{
					waitAttr("fail_on_failure", knownvalue.Bool(false)),
					waitAttr("task_status", knownvalue.StringExact("SUCCESS_RESET")),
				},
			},
			{
				// A new task_id is a new wait.
				PreConfig: func() { api.addTask("next", "srv-2", "SUCCESS_REPLACE") },
				Config:    api.waitConfig("next", ""),
				ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
					plancheck.ExpectResourceAction("kps_keypair_task_wait.w", plancheck.ResourceActionReplace),
				}},
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectKnownValue("terraform_data.after", tfjsonpath.New("output"), knownvalue.StringExact("srv-2:SUCCESS_REPLACE")),
				},
			},
		},
	})
	if polls < 3 {
		t.Fatalf("the wait polled %d times; it cannot have waited for the task to end", polls)
	}
}

// TestAccKeypairTaskWait_failureSavesNothing: a failed task fails the apply,
// neither the wait nor its dependent is saved, and the next apply waits again
// (a create, not a replacement).
func TestAccKeypairTaskWait_failureSavesNothing(t *testing.T) {
	api := newFakeAPI(t)
	api.addTimeline("replace", "srv-7", 500*time.Millisecond, "RUNNING_REPLACE", "FAILED_REPLACE")
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: testFactories,
		Steps: []resource.TestStep{
			{
				Config:      api.waitConfig("replace", ""),
				ExpectError: expectError("KPS task replace failed", "Task replace on server srv-7 ended with status FAILED_REPLACE"),
			},
			{
				PreConfig: func() { api.addTimeline("replace", "srv-7", 0, "SUCCESS_REPLACE") },
				Config:    api.waitConfig("replace", ""),
				ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
					plancheck.ExpectResourceAction("kps_keypair_task_wait.w", plancheck.ResourceActionCreate),
					plancheck.ExpectResourceAction("terraform_data.after", plancheck.ResourceActionCreate),
				}},
				ConfigStateChecks: []statecheck.StateCheck{waitAttr("succeeded", knownvalue.Bool(true))},
			},
		},
	})
}

func TestAccKeypairTaskWait_failureAccepted(t *testing.T) {
	api := newFakeAPI(t)
	// The documentation's copy error: a failed replace reported as FAILED_RESET.
	api.addTimeline("quirk", "srv-3", 500*time.Millisecond, "RUNNING_REPLACE", "FAILED_RESET")
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: testFactories,
		Steps: []resource.TestStep{{
			Config: api.waitConfig("quirk", "  fail_on_failure = false"),
			ConfigStateChecks: []statecheck.StateCheck{
				waitAttr("succeeded", knownvalue.Bool(false)),
				waitAttr("phase", knownvalue.StringExact("FAILED")),
				waitAttr("task_status", knownvalue.StringExact("FAILED_RESET")),
				waitAttr("completed_at", knownvalue.StringRegexp(rfc3339)),
				statecheck.ExpectKnownValue("terraform_data.after", tfjsonpath.New("output"), knownvalue.StringExact("srv-3:FAILED_RESET")),
			},
		}},
	})
}

func TestAccKeypairTaskWait_timeout(t *testing.T) {
	api := newFakeAPI(t)
	api.addTimeline("stuck", "srv-4", 0, "RUNNING_UNBIND")
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: testFactories,
		Steps: []resource.TestStep{{
			Config:      api.waitConfig("stuck", `  timeouts { create = "2s" }`),
			ExpectError: expectError("Timed out waiting for KPS task stuck", "did not end within 2s", "last status seen was RUNNING_UNBIND"),
		}},
	})
}

// TestAccKeypairTaskWait_statuses: bind statuses, an operation nobody has
// heard of, and a phase nobody has heard of (waited through as pending).
func TestAccKeypairTaskWait_statuses(t *testing.T) {
	api := newFakeAPI(t)
	api.addTimeline("bind", "srv-b", 400*time.Millisecond, "RUNNING_BIND", "SUCCESS_BIND")
	api.addTimeline("novel", "srv-n", 400*time.Millisecond, "READY_ROTATE", "SUCCESS_ROTATE")
	api.addTimeline("paused", "srv-p", 800*time.Millisecond, "PAUSED_RESET", "SUCCESS_RESET")
	config := api.providerConfig()
	for _, id := range []string{"bind", "novel", "paused"} {
		config += fmt.Sprintf(`
resource "kps_keypair_task_wait" %q {
  task_id       = %q
  poll_interval = "1s"
}
`, id, id)
	}
	check := func(id, status, op string) []statecheck.StateCheck {
		addr := "kps_keypair_task_wait." + id
		return []statecheck.StateCheck{
			statecheck.ExpectKnownValue(addr, tfjsonpath.New("task_status"), knownvalue.StringExact(status)),
			statecheck.ExpectKnownValue(addr, tfjsonpath.New("operation"), knownvalue.StringExact(op)),
			statecheck.ExpectKnownValue(addr, tfjsonpath.New("succeeded"), knownvalue.Bool(true)),
		}
	}
	var checks []statecheck.StateCheck
	checks = append(checks, check("bind", "SUCCESS_BIND", "BIND")...)
	checks = append(checks, check("novel", "SUCCESS_ROTATE", "ROTATE")...)
	checks = append(checks, check("paused", "SUCCESS_RESET", "RESET")...)
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: testFactories,
		Steps:                    []resource.TestStep{{Config: config, ConfigStateChecks: checks}},
	})
}

// TestAccKeypairTaskWait_ridesOutTransientFailures: a gateway error page, a 503
// and a throttled answer do not end the wait, even with no retries left to the
// client: the wait itself polls on.
func TestAccKeypairTaskWait_ridesOutTransientFailures(t *testing.T) {
	api := newFakeAPI(t)
	api.AddTask(testProject, "flaky", kpsfake.Task{
		ServerID: "srv-f",
		Timeline: []kpsfake.Step{{Status: "SUCCESS_RESET"}},
		Faults: []kpsfake.Fault{
			{Kind: kpsfake.FaultHTML, Status: 502},
			{Status: 503, Code: "APIGW.0202", Message: "backend unavailable"},
			{Status: 429, Code: "APIGW.0308", Message: "The throttling threshold has been reached", RetryAfter: "1"},
		},
	})
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: testFactories,
		Steps: []resource.TestStep{{
			Config:            strings.Replace(api.waitConfig("flaky", ""), "provider \"kps\" {", "provider \"kps\" {\n  max_retries = 0", 1),
			ConfigStateChecks: []statecheck.StateCheck{waitAttr("task_status", knownvalue.StringExact("SUCCESS_RESET"))},
		}},
	})
	if n := api.Requests("flaky"); n != 4 {
		t.Fatalf("%d requests, want 3 faults and 1 success", n)
	}
}

func TestAccKeypairTaskWait_stopsAtFinalErrors(t *testing.T) {
	api := newFakeAPI(t)
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: testFactories,
		Steps: []resource.TestStep{{
			Config:      api.waitConfig("nonexistent", ""),
			ExpectError: expectError("Cannot read KPS task nonexistent", "HTTP 400", "KPS.0001"),
		}},
	})
	if n := api.Requests("nonexistent"); n > 1 {
		t.Fatalf("a task that does not exist was read %d times", n)
	}
}

func TestAccKeypairTaskWait_import(t *testing.T) {
	api := newFakeAPI(t)
	api.addTask("done", "srv-d", "SUCCESS_BIND")
	const other = "fedcba9876543210fedcba9876543210"
	api.AddTask(other, "there", kpsfake.Task{ServerID: "srv-t", Timeline: []kpsfake.Step{{Status: "SUCCESS_UNBIND"}}})
	noop := func(addr string) resource.ConfigPlanChecks {
		return resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{plancheck.ExpectResourceAction(addr, plancheck.ResourceActionNoop)}}
	}
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: testFactories,
		Steps: []resource.TestStep{
			{
				// Import by task ID, in the provider's project. The framework
				// then checks that the plan after apply is empty.
				Config: api.providerConfig() + `
import {
  to = kps_keypair_task_wait.a
  id = "done"
}
resource "kps_keypair_task_wait" "a" { task_id = "done" }
`,
				ConfigPlanChecks: noop("kps_keypair_task_wait.a"),
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectKnownValue("kps_keypair_task_wait.a", tfjsonpath.New("server_id"), knownvalue.StringExact("srv-d")),
					statecheck.ExpectKnownValue("kps_keypair_task_wait.a", tfjsonpath.New("poll_interval"), knownvalue.StringExact("10s")),
					statecheck.ExpectKnownValue("kps_keypair_task_wait.a", tfjsonpath.New("completed_at"), knownvalue.StringRegexp(rfc3339)),
				},
			},
			{
				// Import by project and task ID.
				Config: api.providerConfig() + fmt.Sprintf(`
import {
  to = kps_keypair_task_wait.b
  id = "%[1]s/there"
}
resource "kps_keypair_task_wait" "b" {
  task_id    = "there"
  project_id = %[1]q
}
`, other),
				ConfigPlanChecks: noop("kps_keypair_task_wait.b"),
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectKnownValue("kps_keypair_task_wait.b", tfjsonpath.New("task_status"), knownvalue.StringExact("SUCCESS_UNBIND")),
					statecheck.ExpectKnownValue("kps_keypair_task_wait.b", tfjsonpath.New("project_id"), knownvalue.StringExact(other)),
				},
			},
			{
				// terraform import, compared with what the last step saved.
				ResourceName:            "kps_keypair_task_wait.b",
				ImportState:             true,
				ImportStateId:           other + "/there",
				ImportStateVerify:       true,
				ImportStateVerifyIgnore: []string{"completed_at"},
			},
			{
				Config: api.providerConfig() + `
import {
  to = kps_keypair_task_wait.c
  id = "a/b/c"
}
resource "kps_keypair_task_wait" "c" { task_id = "c" }
`,
				ExpectError: expectError("Invalid import ID", "<project_id>/<task_id>"),
			},
		},
	})
}

// TestAccKeypairTaskWait_importUnfinished: a task that has not ended is
// imported as it stands, with completed_at null.
func TestAccKeypairTaskWait_importUnfinished(t *testing.T) {
	api := newFakeAPI(t)
	api.addTask("busy", "srv-u", "RUNNING_RESET")
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: testFactories,
		Steps: []resource.TestStep{{
			Config: api.providerConfig() + `
import {
  to = kps_keypair_task_wait.u
  id = "busy"
}
resource "kps_keypair_task_wait" "u" { task_id = "busy" }
`,
			ConfigStateChecks: []statecheck.StateCheck{
				statecheck.ExpectKnownValue("kps_keypair_task_wait.u", tfjsonpath.New("task_status"), knownvalue.StringExact("RUNNING_RESET")),
				statecheck.ExpectKnownValue("kps_keypair_task_wait.u", tfjsonpath.New("completed_at"), knownvalue.Null()),
				statecheck.ExpectKnownValue("kps_keypair_task_wait.u", tfjsonpath.New("succeeded"), knownvalue.Bool(false)),
			},
		}},
	})
}

func TestAccKeypairTaskWait_inputChecks(t *testing.T) {
	api := newFakeAPI(t)
	step := func(extra string, want ...string) resource.TestStep {
		return resource.TestStep{Config: api.waitConfig("t", extra), ExpectError: expectError(want...)}
	}
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: testFactories,
		Steps: []resource.TestStep{
			step(`  timeouts { create = "soon" }`, "timeouts"),
			{
				Config:      api.providerConfig() + `resource "kps_keypair_task_wait" "w" { task_id = "../x" }`,
				ExpectError: expectError("Attribute task_id must be 1 to 64 characters"),
			},
			{
				Config: api.providerConfig() + `resource "kps_keypair_task_wait" "w" {
  task_id       = "t"
  poll_interval = "500ms"
}`,
				ExpectError: expectError("poll_interval", "at least 1s", `"500ms"`),
			},
			{
				Config: api.providerConfig() + `resource "kps_keypair_task_wait" "w" {
  task_id       = "t"
  poll_interval = "ten seconds"
}`,
				ExpectError: expectError("poll_interval", "must be a duration"),
			},
		},
	})
	if n := api.TotalRequests(); n != 0 {
		t.Fatalf("%d requests were sent for configurations that are not valid", n)
	}
}

// TestAccKeypairTaskWait_unknownProviderConfiguration: a resource can use a
// provider whose token comes from a resource not yet created.
func TestAccKeypairTaskWait_unknownProviderConfiguration(t *testing.T) {
	api := newFakeAPI(t)
	api.addTask("t", "srv", "SUCCESS_RESET")
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: testFactories,
		Steps: []resource.TestStep{{
			Config: fmt.Sprintf(`
resource "terraform_data" "token" { input = %q }
provider "kps" {
  endpoint   = %q
  token      = terraform_data.token.output
  project_id = %q
}
resource "kps_keypair_task_wait" "w" { task_id = "t" }
`, testToken, api.URL, testProject),
			ConfigStateChecks: []statecheck.StateCheck{waitAttr("succeeded", knownvalue.Bool(true))},
		}},
	})
}

// TestAccKeypairTaskWait_timeoutBoundsRetries: every read of the task is
// answered 503 with Retry-After: 60, so that one poll's retries alone
// would take minutes; timeouts.create = "3s" still ends the wait within a
// few seconds, as a timeout naming the last failure.
func TestAccKeypairTaskWait_timeoutBoundsRetries(t *testing.T) {
	api := newFakeAPI(t)
	api.AddTask(testProject, "slow", kpsfake.Task{ServerID: "srv", Timeline: []kpsfake.Step{{Status: "RUNNING_RESET"}},
		Faults: kpsfake.Repeat(kpsfake.Fault{Status: 503, Code: "APIGW.0203", Message: "Backend unavailable", RetryAfter: "60"}, 50)})
	// Timed from the step's start: ParallelTest first waits for its turn.
	var began time.Time
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: testFactories,
		Steps: []resource.TestStep{{
			PreConfig:   func() { began = time.Now() },
			Config:      api.waitConfig("slow", `  timeouts { create = "3s" }`),
			ExpectError: expectError("Timed out waiting for KPS task slow", "HTTP 503"),
		}},
	})
	if took := time.Since(began); took > 30*time.Second {
		t.Fatalf("the wait took %v: its timeout did not bound the retries", took)
	}
}
