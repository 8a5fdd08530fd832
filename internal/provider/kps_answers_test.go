package provider

import (
	"context"
	"fmt"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/knownvalue"
	"github.com/hashicorp/terraform-plugin-testing/plancheck"
	"github.com/hashicorp/terraform-plugin-testing/statecheck"
	"github.com/hashicorp/terraform-plugin-testing/terraform"

	"github.com/kpsops/terraform-provider-kps/internal/dev/kpsfake"
	"github.com/kpsops/terraform-provider-kps/internal/huaweiauth"
	"github.com/kpsops/terraform-provider-kps/internal/kps"
)

// testClient is a KPS client of the test project's credentials pointed at
// api, for what a test does to the stand-in as a user would outside
// Terraform.
func testClient(t *testing.T, api *fakeAPI) *kps.Client {
	t.Helper()
	u, err := kps.ParseEndpoint(api.URL)
	if err != nil {
		t.Fatal(err)
	}
	c, err := kps.New(kps.Config{Endpoint: u, Auth: huaweiauth.TokenCredentials(testToken)})
	if err != nil {
		t.Fatal(err)
	}
	return c
}

// KPS as it really answers: decided by its published error codes, hints by
// code and by call, failures that name their reason, gates that stay shut.

// TestAccKeypair_missingByEitherCode: a key pair deleted elsewhere is
// answered 404, or 400 with either of KPS's codes for it; the refresh
// removes it with a warning and the plan creates it. On a CLI that sends no
// identity (below Terraform 1.12) too: no error about a missing identity.
func TestAccKeypair_missingByEitherCode(t *testing.T) {
	for name, opts := range map[string][]kpsfake.Option{
		"404":      nil,
		"KPS.4016": {kpsfake.WithMissingKeypairCode("KPS.4016")},
		"KPS.6004": {kpsfake.WithMissingKeypairCode("KPS.6004")},
	} {
		t.Run(name, func(t *testing.T) {
			api := newFakeAPI(t, opts...)
			config := api.keypairConfig("  name = \"gone\"\n  private_key_hosting = {}" + unprotected)
			resource.ParallelTest(t, resource.TestCase{
				ProtoV6ProviderFactories: testFactories,
				Steps: []resource.TestStep{
					{Config: config},
					{
						PreConfig: func() { api.DeleteKeypairOf(testProject, "gone") },
						Config:    config,
						ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
							plancheck.ExpectResourceAction("kps_keypair.k", plancheck.ResourceActionCreate),
						}},
					},
				},
			})
		})
	}
}

// TestAccKeypair_userNotFoundIsNoMissingKeyPair: "User not found"
// (KPS.0006) on a refresh is an error shown as it came; the key pair stays
// in state, and no new key pair is planned over it.
func TestAccKeypair_userNotFoundIsNoMissingKeyPair(t *testing.T) {
	api := newFakeAPI(t)
	config := api.keypairConfig("  name = \"ops\"\n  private_key_hosting = {}" + unprotected)
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: testFactories,
		Steps: []resource.TestStep{
			{Config: config},
			{
				PreConfig: func() {
					api.FailKeypairCalls("get", kpsfake.Fault{Status: http.StatusBadRequest, Code: "KPS.0006", Message: "User not found"})
				},
				Config: config, ExpectError: expectError("Cannot read KPS key pair ops", "KPS.0006", "User not found"),
			},
			{Config: config, ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{plancheck.ExpectEmptyPlan()}}},
		},
	})
	if n := api.CreateRequests(); n != 1 {
		t.Fatalf("%d creates: a key pair KPS said nothing of was made again", n)
	}
}

// TestAccRefusalsByCode: an account frozen or restricted is told so, with
// no permission hint; a 403 for want of a permission names the call's IAM
// action and the project_id to check.
func TestAccRefusalsByCode(t *testing.T) {
	config := func(api *fakeAPI) string {
		return api.providerConfig() + `data "kps_keypair" "k" { name = "ops" }` + "\n"
	}
	for code, want := range map[string][]string{
		"KPS.9004": {"KPS.9004", "the account is frozen"},
		"KPS.9005": {"KPS.9005", "the account is restricted"},
		"KPS.9003": {"KPS.9003", "kps:SSHKeyPair:get", "check project_id (HW_PROJECT_ID)"},
	} {
		t.Run(code, func(t *testing.T) {
			api := newFakeAPI(t)
			api.RefuseAll(http.StatusForbidden, code, "refused")
			step := resource.TestStep{Config: config(api), ExpectError: expectError(want...)}
			resource.ParallelTest(t, resource.TestCase{ProtoV6ProviderFactories: testFactories, Steps: []resource.TestStep{step}})
		})
	}
}

// TestAccEndpointThatCannotAnswer: an https:// endpoint served in plain
// HTTP fails a data source's read at once, naming the endpoint, the cause
// and what to check, rather than after retries.
func TestAccEndpointThatCannotAnswer(t *testing.T) {
	api := newFakeAPI(t)
	endpoint := strings.Replace(api.URL, "http://", "https://", 1)
	config := strings.Replace(api.providerConfig(), api.URL, endpoint, 1) + `data "kps_keypair" "k" { name = "ops" }` + "\n"
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: testFactories,
		Steps: []resource.TestStep{{
			Config:      config,
			ExpectError: expectError(endpoint, "answers in plain HTTP", "check endpoint (HW_KPS_ENDPOINT) and region"),
		}},
	})
}

// TestAccKeypairTaskWait_failureReason: a task that fails is an error with
// the reason KPS recorded for it and the advice for that reason, and never
// a promise of a wait that would end otherwise.
func TestAccKeypairTaskWait_failureReason(t *testing.T) {
	api := newFakeAPI(t)
	api.AddTask(testProject, "t-fail", kpsfake.Task{ServerID: "srv", Timeline: []kpsfake.Step{{Status: "FAILED_REPLACE"}},
		ErrorCode: "KPS.6015", ErrorMsg: "ssh authentication failed"})
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: testFactories,
		Steps: []resource.TestStep{{
			Config: api.waitConfig("t-fail", ""),
			ExpectError: expectError("KPS task t-fail failed", "FAILED_REPLACE", "KPS.6015", "ssh authentication failed",
				"KPS could not log in to the server", "fails the same way"),
		}},
	})
}

// TestAccServerTasksWait_gateStaysShut: a task of the server fails during
// the wait: an error with its reason. The next apply, with the server idle,
// fails again, naming the failed-task record, for as long as KPS keeps it;
// once it is deleted, the gate opens.
func TestAccServerTasksWait_gateStaysShut(t *testing.T) {
	api := newFakeAPI(t)
	api.AddTask(testProject, "t-bad", kpsfake.Task{ServerID: "srv", ServerName: "web-1",
		Timeline:  []kpsfake.Step{{Status: "RUNNING_RESET"}, {At: time.Second, Status: "FAILED_RESET"}},
		ErrorCode: "KPS.6015", ErrorMsg: "ssh authentication failed"})
	record := expectError("Server srv has a failed KPS task on record", "t-bad", "KPS.6015", "ssh authentication failed",
		"kps_delete_failed_tasks", "fail_on_failure = false")
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: testFactories,
		Steps: []resource.TestStep{
			{
				Config:      api.serverWaitConfig(""),
				ExpectError: expectError("A KPS task of server srv failed", "t-bad ended FAILED_RESET", "KPS.6015", "ssh authentication failed"),
			},
			{Config: api.serverWaitConfig(""), ExpectError: record},
			{Config: api.serverWaitConfig(""), ExpectError: record},
			{
				PreConfig: func() {
					if err := testClient(t, api).DeleteFailedTask(context.Background(), testProject, "t-bad"); err != nil {
						t.Fatal(err)
					}
				},
				Config:            api.serverWaitConfig(""),
				ConfigStateChecks: []statecheck.StateCheck{serverWaitAttr("succeeded", knownvalue.Bool(true))},
			},
		},
	})
}

// TestAccServerTasksWait_failureAccepted: with fail_on_failure = false the
// record does not shut the gate.
func TestAccServerTasksWait_failureAccepted(t *testing.T) {
	api := newFakeAPI(t)
	api.AddTask(testProject, "t-old", kpsfake.Task{ServerID: "srv", Timeline: []kpsfake.Step{{Status: "FAILED_RESET"}},
		ErrorCode: "KPS.6015", ErrorMsg: "ssh authentication failed"})
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: testFactories,
		Steps: []resource.TestStep{{
			Config: api.serverWaitConfig("  fail_on_failure = false"),
			Check: func(*terraform.State) error {
				if n := api.ListRequests("failed-tasks"); n != 0 {
					return fmt.Errorf("%d reads of the failed-task list with fail_on_failure = false", n)
				}
				return nil
			},
		}},
	})
}

// TestAccServerTasksWait_purgedFailureShutsTheGate: a task of the server
// leaves the running list and its read answers KPS's "taskId is illegal"
// (its record purged), but its failed-task record says it failed: the wait
// fails with the reason, rather than passing with a warning.
func TestAccServerTasksWait_purgedFailureShutsTheGate(t *testing.T) {
	api := newFakeAPI(t)
	api.AddTask(testProject, "t-gone", kpsfake.Task{ServerID: "srv",
		Timeline:  []kpsfake.Step{{Status: "RUNNING_RESET"}, {At: time.Second, Status: "FAILED_RESET"}},
		ErrorCode: "KPS.6015", ErrorMsg: "ssh authentication failed",
		Faults: []kpsfake.Fault{{Kind: kpsfake.FaultError, Status: http.StatusBadRequest, Code: "KPS.0001", Message: "taskId is illegal"}}})
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: testFactories,
		Steps: []resource.TestStep{{
			Config:      api.serverWaitConfig(""),
			ExpectError: expectError("A KPS task of server srv failed", "t-gone ended FAILED_RESET", "KPS.6015", "gate stays shut"),
		}},
	})
}
