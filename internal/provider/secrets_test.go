package provider

import (
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/knownvalue"
	"github.com/hashicorp/terraform-plugin-testing/statecheck"
	"github.com/hashicorp/terraform-plugin-testing/tfjsonpath"

	"github.com/kpsops/terraform-provider-kps/internal/kpsfake"
)

// TestAccToken_neverLogged runs Terraform and the provider with TF_LOG=TRACE,
// through a read, a wait, and an error whose body echoes the token, and checks
// that the token appears in no log line, error or state.
func TestAccToken_neverLogged(t *testing.T) {
	logDir := t.TempDir()
	t.Setenv("TF_LOG", "TRACE")
	t.Setenv("TF_LOG_PATH_MASK", filepath.Join(logDir, "%s.log"))

	api := newFakeAPI(t)
	api.addTask("task-1", "srv", "SUCCESS_RESET")
	api.AddTask(testProject, "echo", kpsfake.Task{Faults: []kpsfake.Fault{
		{Status: 400, Code: "KPS.0001", Message: "bad token " + testToken},
	}})
	// The token reaches Terraform through a variable that is not marked
	// sensitive, so that only the provider's schema keeps it out of plans and
	// logs (a literal in the configuration would be logged by the test harness
	// itself, which prints each configuration it writes).
	t.Setenv("TF_VAR_kps_token", testToken)
	config := fmt.Sprintf(`
variable "kps_token" { type = string }
provider "kps" {
  endpoint   = %q
  token      = var.kps_token
  project_id = %q
}
`, api.URL, testProject) + `
data "kps_keypair_task" "t" { task_id = "task-1" }
resource "kps_keypair_task_wait" "w" { task_id = "task-1" }
`
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: testFactories,
		Steps: []resource.TestStep{
			{
				Config: config,
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectKnownValue("kps_keypair_task_wait.w", tfjsonpath.New("succeeded"), knownvalue.Bool(true)),
					stateDoesNotContain(testToken),
				},
			},
			{
				Config:      config + `data "kps_keypair_task" "echo" { task_id = "echo" }`,
				ExpectError: expectError("bad token ***"),
			},
		},
	})

	logs, err := os.ReadFile(filepath.Join(logDir, t.Name()+".log"))
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(string(logs), "KPS request") || !strings.Contains(string(logs), "KPS response body") {
		t.Fatal("the log has no KPS request lines: it cannot show the token is masked")
	}
	if !regexp.MustCompile(`\[INFO\].*KPS task status changed.*task_status=SUCCESS_RESET`).Match(logs) {
		t.Error("the wait did not log its status change at INFO")
	}
	if strings.Contains(string(logs), testToken) {
		t.Fatal("the token appears in the TRACE log")
	}
	if ua := api.LastUserAgent(); !strings.HasPrefix(ua, "terraform-provider-kps/test ") || !strings.Contains(ua, "Terraform/1.") {
		t.Fatalf("User-Agent %q does not name the provider, its version and Terraform's", ua)
	}
}
