package provider

import (
	"fmt"
	"strings"
	"testing"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/knownvalue"
	"github.com/hashicorp/terraform-plugin-testing/plancheck"
	"github.com/hashicorp/terraform-plugin-testing/statecheck"
	"github.com/hashicorp/terraform-plugin-testing/tfjsonpath"

	"github.com/kpsops/terraform-provider-kps/internal/dev/kpsfake"
)

// expectTask checks every attribute of a kps_keypair_task data source.
func expectTask(address, taskID, project, status, serverID, phase, operation string, terminal, succeeded bool) []statecheck.StateCheck {
	attr := func(name string, v knownvalue.Check) statecheck.StateCheck {
		return statecheck.ExpectKnownValue(address, tfjsonpath.New(name), v)
	}
	return []statecheck.StateCheck{
		attr("id", knownvalue.StringExact(taskID)),
		attr("task_id", knownvalue.StringExact(taskID)),
		attr("project_id", knownvalue.StringExact(project)),
		attr("task_status", knownvalue.StringExact(status)),
		attr("server_id", knownvalue.StringExact(serverID)),
		attr("phase", knownvalue.StringExact(phase)),
		attr("operation", knownvalue.StringExact(operation)),
		attr("terminal", knownvalue.Bool(terminal)),
		attr("succeeded", knownvalue.Bool(succeeded)),
	}
}

func TestAccKeypairTaskDataSource_attributes(t *testing.T) {
	api := newFakeAPI(t)
	api.addTask("running", "srv-1", "RUNNING_RESET")
	api.addTask("bound", "srv-2", "SUCCESS_BIND")
	api.addTask("replace-failed", "srv-3", "FAILED_REPLACE")
	// The documentation's copy error: FAILED_RESET where a replace failed.
	api.addTask("quirk", "srv-4", "FAILED_RESET")
	api.addTask("novel", "srv-5", "SUCCESS_ROTATE_KEY")
	api.addTask("odd", "srv-6", "PAUSED")

	var checks []statecheck.StateCheck
	for _, c := range [][]any{
		{"running", "RUNNING_RESET", "srv-1", "RUNNING", "RESET", false, false},
		{"bound", "SUCCESS_BIND", "srv-2", "SUCCESS", "BIND", true, true},
		{"replace-failed", "FAILED_REPLACE", "srv-3", "FAILED", "REPLACE", true, false},
		{"quirk", "FAILED_RESET", "srv-4", "FAILED", "RESET", true, false},
		{"novel", "SUCCESS_ROTATE_KEY", "srv-5", "SUCCESS", "ROTATE_KEY", true, true},
		{"odd", "PAUSED", "srv-6", "PAUSED", "", false, false},
	} {
		id := c[0].(string)
		checks = append(checks, expectTask("data.kps_keypair_task."+id, id, testProject,
			c[1].(string), c[2].(string), c[3].(string), c[4].(string), c[5].(bool), c[6].(bool))...)
	}

	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: testFactories,
		Steps: []resource.TestStep{{
			Config: api.providerConfig() + `
data "kps_keypair_task" "running" { task_id = "running" }
data "kps_keypair_task" "bound" { task_id = "bound" }
data "kps_keypair_task" "replace-failed" { task_id = "replace-failed" }
data "kps_keypair_task" "quirk" { task_id = "quirk" }
data "kps_keypair_task" "novel" { task_id = "novel" }
data "kps_keypair_task" "odd" { task_id = "odd" }
`,
			ConfigStateChecks: checks,
		}},
	})
}

func TestAccKeypairTaskDataSource_projectOverride(t *testing.T) {
	api := newFakeAPI(t)
	const other = "fedcba9876543210fedcba9876543210"
	api.AddTask(other, "elsewhere", kpsfake.Task{ServerID: "srv-9", Timeline: []kpsfake.Step{{Status: "SUCCESS_UNBIND"}}})

	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: testFactories,
		Steps: []resource.TestStep{{
			// The provider names no project at all: the data source's own is enough.
			Config: fmt.Sprintf(`
provider "kps" {
  endpoint = %q
  token    = %q
}
data "kps_keypair_task" "t" {
  task_id    = "elsewhere"
  project_id = %q
}
`, api.URL, testToken, other),
			ConfigStateChecks: expectTask("data.kps_keypair_task.t", "elsewhere", other, "SUCCESS_UNBIND", "srv-9", "SUCCESS", "UNBIND", true, true),
		}},
	})
}

// TestAccKeypairTaskDataSource_deferredToApply: a task_id not known while
// planning is read during apply instead.
func TestAccKeypairTaskDataSource_deferredToApply(t *testing.T) {
	api := newFakeAPI(t)
	api.addTask("later", "srv-1", "SUCCESS_RESET")

	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: testFactories,
		Steps: []resource.TestStep{{
			Config: api.providerConfig() + `
resource "terraform_data" "task" { input = "later" }
data "kps_keypair_task" "t" { task_id = terraform_data.task.output }
output "status" { value = data.kps_keypair_task.t.task_status }
`,
			ConfigPlanChecks: resource.ConfigPlanChecks{
				PreApply: []plancheck.PlanCheck{
					plancheck.ExpectUnknownValue("data.kps_keypair_task.t", tfjsonpath.New("task_status")),
					plancheck.ExpectUnknownOutputValue("status"),
				},
			},
			ConfigStateChecks: []statecheck.StateCheck{
				statecheck.ExpectKnownOutputValue("status", knownvalue.StringExact("SUCCESS_RESET")),
			},
		}},
	})
}

// TestAccKeypairTaskDataSource_apiErrors walks the contract's error table.
// Each names the request and the answer. An unusable 200 (cut off, or a
// proxy's page) is retried, and is an error once max_retries run out; none
// of the others is retried.
func TestAccKeypairTaskDataSource_apiErrors(t *testing.T) {
	api := newFakeAPI(t)
	fault := func(taskID string, f kpsfake.Fault) {
		// Each fault answers every read, since Terraform may read more than once.
		faults := []kpsfake.Fault{f, f, f, f}
		api.AddTask(testProject, taskID, kpsfake.Task{ServerID: "s", Timeline: []kpsfake.Step{{Status: "SUCCESS_RESET"}}, Faults: faults})
	}
	fault("forbidden", kpsfake.Fault{Status: 403, Code: "KPS.9003", Message: "no permission"})
	fault("gone", kpsfake.Fault{Status: 404, Code: "KPS.1002", Message: "task not found"})
	fault("moved", kpsfake.Fault{Kind: kpsfake.FaultRedirect, Location: "https://elsewhere.example/"})
	fault("huge", kpsfake.Fault{Kind: kpsfake.FaultOversized})
	// Retried: more faults than the default max_retries of 5 lets through.
	api.AddTask(testProject, "html", kpsfake.Task{Faults: kpsfake.Repeat(kpsfake.Fault{Kind: kpsfake.FaultHTML, Status: 200}, 8)})
	api.AddTask(testProject, "cut", kpsfake.Task{Faults: kpsfake.Repeat(kpsfake.Fault{Kind: kpsfake.FaultTruncated}, 8)})
	fault("nostatus", kpsfake.Fault{Kind: kpsfake.FaultBody, Body: `{"task_id":"nostatus"}`})

	read := func(taskID string) string {
		return api.providerConfig() + fmt.Sprintf(`data "kps_keypair_task" "t" { task_id = %q }`, taskID)
	}
	withProvider := func(endpoint, token string) string {
		return fmt.Sprintf(`
provider "kps" {
  endpoint   = %q
  token      = %q
  project_id = %q
}
data "kps_keypair_task" "t" { task_id = "any" }
`, endpoint, token, testProject)
	}
	url := "GET " + api.URL + "/v3/" + testProject + "/tasks/"
	step := func(config string, want ...string) resource.TestStep {
		return resource.TestStep{Config: config, ExpectError: expectError(want...)}
	}
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: testFactories,
		Steps: []resource.TestStep{
			step(withProvider(api.URL, "expired-token"), url+"any", "HTTP 401", "APIGW.0301", "X-Request-Id fake-", "IAM tokens last 24 hours"),
			step(read("forbidden"), url+"forbidden", "HTTP 403", "KPS.9003", "no permission", "kps::getTask"),
			step(read("unknown"), url+"unknown", "HTTP 400", "KPS.0001", "taskId is illegal", "purged"),
			step(read("gone"), "HTTP 404", "KPS.1002", "task not found", "purged"),
			step(withProvider(api.URL+"/wrong/prefix", testToken), "HTTP 404", "APIGW.0101", "check endpoint"),
			step(read("moved"), "HTTP 302", "never follows redirects"),
			step(read("html"), "HTTP 200", "after 6 attempts", "text/html", "502 Bad Gateway"),
			step(read("huge"), "HTTP 200", "larger than 1 MiB"),
			step(read("cut"), "HTTP 200", "after 6 attempts", "not valid JSON"),
			step(read("nostatus"), "HTTP 200", "no task_status"),
		},
	})
	if n := api.Requests("huge"); n != 1 {
		t.Fatalf("a body over 1 MiB was sent %d times; it is final", n)
	}
	if api.Requests("moved") == 0 {
		t.Fatal("the redirect step sent no request; the test proves nothing")
	}
}

// TestAccKeypairTaskDataSource_inputChecks: bad IDs fail at plan time, name
// the attribute, and send nothing.
func TestAccKeypairTaskDataSource_inputChecks(t *testing.T) {
	api := newFakeAPI(t)
	var steps []resource.TestStep
	for _, bad := range []string{"a/b", "..", "a?b", "a%2fb", "a b", ""} {
		steps = append(steps,
			resource.TestStep{
				Config:      api.providerConfig() + fmt.Sprintf(`data "kps_keypair_task" "t" { task_id = %q }`, bad),
				ExpectError: expectError("Attribute task_id must be 1 to 64 characters"),
			},
			resource.TestStep{
				Config: api.providerConfig() + fmt.Sprintf(`data "kps_keypair_task" "t" {
  task_id    = "ok"
  project_id = %q
}`, bad),
				ExpectError: expectError("Attribute project_id must be 1 to 64 characters"),
			})
	}
	resource.ParallelTest(t, resource.TestCase{ProtoV6ProviderFactories: testFactories, Steps: steps})
	if n := api.TotalRequests(); n != 0 {
		t.Fatalf("%d requests reached the API with a bad ID", n)
	}
}

// TestAccKeypairTaskDataSource_retries: passing failures are retried, up to
// max_retries; then the last answer is the error.
func TestAccKeypairTaskDataSource_retries(t *testing.T) {
	api := newFakeAPI(t)
	busy := kpsfake.Fault{Status: 503, Code: "APIGW.0203", Message: "backend busy"}
	api.AddTask(testProject, "flaky", kpsfake.Task{
		ServerID: "s", Timeline: []kpsfake.Step{{Status: "RUNNING_RESET"}},
		Faults: []kpsfake.Fault{busy, {Kind: kpsfake.FaultHTML, Status: 502}, {Status: 429, Code: "APIGW.0308", RetryAfter: "1"}},
	})
	api.AddTask(testProject, "down", kpsfake.Task{
		ServerID: "s", Timeline: []kpsfake.Step{{Status: "RUNNING_RESET"}},
		Faults: []kpsfake.Fault{busy, busy, busy, busy, busy},
	})
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: testFactories,
		Steps: []resource.TestStep{
			{
				Config:            api.providerConfig() + `data "kps_keypair_task" "t" { task_id = "flaky" }`,
				ConfigStateChecks: statusIs("RUNNING_RESET"),
			},
			{
				Config: strings.Replace(api.providerConfig(), "provider \"kps\" {", "provider \"kps\" {\n  max_retries = 2", 1) +
					`data "kps_keypair_task" "t" { task_id = "down" }`,
				ExpectError: expectError("HTTP 503", "APIGW.0203", "backend busy", "after 3 attempts"),
			},
		},
	})
	if n := api.Requests("down"); n != 3 {
		t.Fatalf("max_retries = 2 sent %d requests, want 3", n)
	}
}
