// Tests of kps_running_tasks and kps_failed_tasks together: they are one
// type with two endpoints (data_source_running_tasks.go).

package provider

import (
	"fmt"
	"testing"
	"time"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/knownvalue"
	"github.com/hashicorp/terraform-plugin-testing/statecheck"
	"github.com/hashicorp/terraform-plugin-testing/tfjsonpath"

	"github.com/kpsops/terraform-provider-kps/internal/dev/kpsfake"
)

// listClock is the stand-in's fixed time in the list tests, so that every
// task's task_time, and so started_at, is known.
var listClock = time.Date(2026, 11, 28, 6, 30, 0, 0, time.UTC)

// addListedTask adds a task that always reports status, started at listClock.
func (f *fakeAPI) addListedTask(id, server, status string, extra ...func(*kpsfake.Task)) {
	task := kpsfake.Task{ServerID: server, ServerName: "name-" + server, KeypairName: "kp-" + id,
		Timeline: []kpsfake.Step{{Status: status}}}
	for _, e := range extra {
		e(&task)
	}
	f.AddTask(testProject, id, task)
}

func listedTask(id, operation, server string) knownvalue.Check {
	return knownvalue.ObjectExact(map[string]knownvalue.Check{
		"task_id": knownvalue.StringExact(id), "operation": knownvalue.StringExact(operation),
		"server_id": knownvalue.StringExact(server), "server_name": knownvalue.StringExact("name-" + server),
		"keypair_name": knownvalue.StringExact("kp-" + id), "started_at": knownvalue.StringExact("2026-11-28T06:30:00Z"),
	})
}

func tasksAre(address string, tasks ...knownvalue.Check) statecheck.StateCheck {
	if tasks == nil {
		tasks = []knownvalue.Check{}
	}
	return statecheck.ExpectKnownValue(address, tfjsonpath.New("tasks"), knownvalue.ListExact(tasks))
}

// TestAccTaskLists: both lists, unfiltered and filtered by server and
// operation, with every field, and a failed task's error fields.
func TestAccTaskLists(t *testing.T) {
	api := newFakeAPI(t, kpsfake.WithClock(func() time.Time { return listClock }))
	api.addListedTask("r1", "srv-1", "RUNNING_RESET")
	api.addListedTask("r2", "srv-2", "READY_BIND")
	api.addListedTask("r3", "srv-1", "RUNNING_UNBIND")
	api.addListedTask("done", "srv-1", "SUCCESS_RESET")
	api.addListedTask("f1", "srv-1", "FAILED_REPLACE", func(t *kpsfake.Task) {
		t.ErrorCode, t.ErrorMsg = "KPS.6020", "The server is not running"
	})
	config := api.providerConfig() + `
data "kps_running_tasks" "all" {}
data "kps_running_tasks" "srv1" { server_id = "srv-1" }
data "kps_running_tasks" "reset" { operation = "reset" }
data "kps_running_tasks" "both" {
  server_id = "srv-2"
  operation = "RESET"
}
data "kps_failed_tasks" "all" {}
`
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: testFactories,
		Steps: []resource.TestStep{{
			Config: config,
			ConfigStateChecks: []statecheck.StateCheck{
				tasksAre("data.kps_running_tasks.all", listedTask("r1", "RESET", "srv-1"), listedTask("r2", "BIND", "srv-2"),
					listedTask("r3", "UNBIND", "srv-1")),
				tasksAre("data.kps_running_tasks.srv1", listedTask("r1", "RESET", "srv-1"), listedTask("r3", "UNBIND", "srv-1")),
				tasksAre("data.kps_running_tasks.reset", listedTask("r1", "RESET", "srv-1")),
				tasksAre("data.kps_running_tasks.both"),
				statecheck.ExpectKnownValue("data.kps_running_tasks.all", tfjsonpath.New("id"), knownvalue.StringExact(testProject)),
				tasksAre("data.kps_failed_tasks.all", knownvalue.ObjectExact(map[string]knownvalue.Check{
					"task_id": knownvalue.StringExact("f1"), "operation": knownvalue.StringExact("REPLACE"),
					"server_id": knownvalue.StringExact("srv-1"), "server_name": knownvalue.StringExact("name-srv-1"),
					"keypair_name": knownvalue.StringExact("kp-f1"), "started_at": knownvalue.StringExact("2026-11-28T06:30:00Z"),
					"error_code": knownvalue.StringExact("KPS.6020"), "error_msg": knownvalue.StringExact("The server is not running"),
				})),
			},
		}},
	})
}

// TestAccTaskLists_pages: the API honours a page of 2 however many are asked
// for; all 7 tasks are read, over 4 pages.
func TestAccTaskLists_pages(t *testing.T) {
	api := newFakeAPI(t, kpsfake.WithClock(func() time.Time { return listClock }), kpsfake.WithMaxPage(2))
	var want []knownvalue.Check
	for i := range 7 {
		id := fmt.Sprintf("t%d", i)
		api.addListedTask(id, "srv", "RUNNING_RESET")
		want = append(want, listedTask(id, "RESET", "srv"))
	}
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: testFactories,
		Steps: []resource.TestStep{{
			Config:            api.providerConfig() + `data "kps_running_tasks" "all" {}`,
			ConfigStateChecks: []statecheck.StateCheck{tasksAre("data.kps_running_tasks.all", want...)},
		}},
	})
	if n := api.ListRequests("running-tasks"); n == 0 || n%4 != 0 {
		t.Fatalf("%d list requests; want 4 pages for each read", n)
	}
}

// TestAccTaskLists_empty: no task is an empty list, never null.
func TestAccTaskLists_empty(t *testing.T) {
	api := newFakeAPI(t)
	api.addListedTask("done", "srv", "SUCCESS_RESET")
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: testFactories,
		Steps: []resource.TestStep{{
			Config: api.providerConfig() + `
data "kps_running_tasks" "none" {}
data "kps_failed_tasks" "none" {}
`,
			ConfigStateChecks: []statecheck.StateCheck{tasksAre("data.kps_running_tasks.none"), tasksAre("data.kps_failed_tasks.none")},
		}},
	})
}

// TestAccTaskLists_inputChecks: a bad server_id fails at plan time, and
// nothing is sent.
func TestAccTaskLists_inputChecks(t *testing.T) {
	api := newFakeAPI(t)
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: testFactories,
		Steps: []resource.TestStep{{
			Config:      api.providerConfig() + `data "kps_running_tasks" "x" { server_id = "a/b" }`,
			ExpectError: expectError("server_id", "must be 1 to 64 characters"),
		}},
	})
	if n := api.TotalRequests(); n != 0 {
		t.Fatalf("%d requests sent with a bad server_id", n)
	}
}

// TestAccTaskLists_noTaskTime: a task listed with no task_time has a null
// started_at, not an empty string.
func TestAccTaskLists_noTaskTime(t *testing.T) {
	api := newFakeAPI(t)
	api.addListedTask("r1", "srv-1", "RUNNING_RESET", func(t *kpsfake.Task) { t.NoTaskTime = true })
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: testFactories,
		Steps: []resource.TestStep{{
			Config: api.providerConfig() + `data "kps_running_tasks" "all" {}`,
			ConfigStateChecks: []statecheck.StateCheck{
				statecheck.ExpectKnownValue("data.kps_running_tasks.all", tfjsonpath.New("tasks").AtSliceIndex(0).AtMapKey("started_at"), knownvalue.Null()),
			},
		}},
	})
}
