package provider

import (
	"fmt"
	"testing"
	"time"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/knownvalue"
	"github.com/hashicorp/terraform-plugin-testing/plancheck"
	"github.com/hashicorp/terraform-plugin-testing/statecheck"
	"github.com/hashicorp/terraform-plugin-testing/tfjsonpath"

	"github.com/kpsops/terraform-provider-kps/internal/dev/kpsfake"
)

// addForeignTask adds a task someone else started, which nobody here reads by
// its ID: running until end after the first list, then final (running for
// ever when end is zero). The first list starts its timeline, so that the
// test's timing does not depend on how long the CLI takes to start.
func (f *fakeAPI) addForeignTask(id, server, operation string, end time.Duration, final string) {
	steps := []kpsfake.Step{{Status: "RUNNING_" + operation}}
	if end > 0 {
		steps = append(steps, kpsfake.Step{At: end, Status: final})
	}
	f.AddTask(testProject, id, kpsfake.Task{ServerID: server, Timeline: steps})
}

// serverWaitConfig waits for the tasks of server srv and gates a
// terraform_data on it.
func (f *fakeAPI) serverWaitConfig(extra string) string {
	return f.providerConfig() + fmt.Sprintf(`
resource "kps_server_tasks_wait" "w" {
  server_id     = "srv"
  poll_interval = "1s"
%s
}
resource "terraform_data" "gate" {
  input = join(",", [for t in kps_server_tasks_wait.w.tasks : "${t.task_id}:${t.task_status}"])
}
`, extra)
}

func serverWaitAttr(name string, v knownvalue.Check) statecheck.StateCheck {
	return statecheck.ExpectKnownValue("kps_server_tasks_wait.w", tfjsonpath.New(name), v)
}

func serverTask(id, status, operation string) knownvalue.Check {
	return knownvalue.ObjectExact(map[string]knownvalue.Check{
		"task_id": knownvalue.StringExact(id), "task_status": knownvalue.StringExact(status), "operation": knownvalue.StringExact(operation),
	})
}

// TestAccServerTasksWait: two tasks of the server end at different times
// while a task of another server runs on. The gate is created only after the
// later one ends (it shows both ends, which the wait reads only once each
// task has left the running list), and not held back by the other server's.
// A second plan is empty and reads nothing.
func TestAccServerTasksWait(t *testing.T) {
	api := newFakeAPI(t)
	api.addForeignTask("t1", "srv", "RESET", 2*time.Second, "SUCCESS_RESET")
	api.addForeignTask("t2", "srv", "BIND", 4*time.Second, "SUCCESS_BIND")
	api.addForeignTask("other", "srv-2", "UNBIND", 0, "")
	start := time.Now()
	var listsAfterApply int
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: testFactories,
		Steps: []resource.TestStep{
			{
				Config: api.serverWaitConfig(""),
				ConfigStateChecks: []statecheck.StateCheck{
					serverWaitAttr("tasks", knownvalue.ListExact([]knownvalue.Check{
						serverTask("t1", "SUCCESS_RESET", "RESET"), serverTask("t2", "SUCCESS_BIND", "BIND"),
					})),
					serverWaitAttr("succeeded", knownvalue.Bool(true)),
					serverWaitAttr("id", knownvalue.StringExact(testProject+"/srv")),
					serverWaitAttr("project_id", knownvalue.StringExact(testProject)),
					statecheck.ExpectKnownValue("terraform_data.gate", tfjsonpath.New("output"),
						knownvalue.StringExact("t1:SUCCESS_RESET,t2:SUCCESS_BIND")),
				},
			},
			{
				PreConfig: func() { listsAfterApply = api.ListRequests("running-tasks") },
				Config:    api.serverWaitConfig(""),
				ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
					plancheck.ExpectEmptyPlan(),
				}},
			},
		},
	})
	if took := time.Since(start); took < 4*time.Second {
		t.Fatalf("the test took %s: the wait cannot have waited for t2, which ends after 4 s", took)
	}
	if n := api.ListRequests("running-tasks"); n != listsAfterApply {
		t.Fatalf("the second plan listed tasks %d times; refreshing a finished wait must make no API call", n-listsAfterApply)
	}
	if api.Requests("t1") != 1 || api.Requests("t2") != 1 || api.Requests("other") != 0 {
		t.Fatalf("reads by ID: t1 %d, t2 %d, other %d; want 1, 1, 0", api.Requests("t1"), api.Requests("t2"), api.Requests("other"))
	}
}

// TestAccServerTasksWait_idle: a server with no running task ends the wait at
// the first list, with tasks = [].
func TestAccServerTasksWait_idle(t *testing.T) {
	api := newFakeAPI(t)
	api.addForeignTask("other", "srv-2", "RESET", 0, "")
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: testFactories,
		Steps: []resource.TestStep{{
			Config: api.serverWaitConfig(""),
			ConfigStateChecks: []statecheck.StateCheck{
				serverWaitAttr("tasks", knownvalue.ListExact([]knownvalue.Check{})),
				serverWaitAttr("succeeded", knownvalue.Bool(true)),
				statecheck.ExpectKnownValue("terraform_data.gate", tfjsonpath.New("output"), knownvalue.StringExact("")),
			},
		}},
	})
	if n := api.ListRequests("running-tasks"); n != 1 {
		t.Fatalf("%d lists for an idle server, want 1", n)
	}
}

// TestAccServerTasksWait_failure: a failed task is an error naming it, and
// nothing is saved, so the next apply plans the wait again (a create); with
// fail_on_failure = false it is accepted, with succeeded = false.
func TestAccServerTasksWait_failure(t *testing.T) {
	api := newFakeAPI(t)
	api.addForeignTask("bad", "srv", "REPLACE", 500*time.Millisecond, "FAILED_REPLACE")
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: testFactories,
		Steps: []resource.TestStep{
			{
				Config:      api.serverWaitConfig(""),
				ExpectError: expectError("A KPS task of server srv failed", "task bad ended FAILED_REPLACE", "Nothing was saved"),
			},
			{
				PreConfig: func() { api.addForeignTask("bad2", "srv", "REPLACE", 500*time.Millisecond, "FAILED_REPLACE") },
				Config:    api.serverWaitConfig("  fail_on_failure = false"),
				ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
					plancheck.ExpectResourceAction("kps_server_tasks_wait.w", plancheck.ResourceActionCreate),
					plancheck.ExpectResourceAction("terraform_data.gate", plancheck.ResourceActionCreate),
				}},
				ConfigStateChecks: []statecheck.StateCheck{
					serverWaitAttr("tasks", knownvalue.ListExact([]knownvalue.Check{serverTask("bad2", "FAILED_REPLACE", "REPLACE")})),
					serverWaitAttr("succeeded", knownvalue.Bool(false)),
				},
			},
		},
	})
}
