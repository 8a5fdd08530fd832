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

	"github.com/kpsops/terraform-provider-kps/internal/dev/kpsfake"
)

// TestAccToken_neverLogged runs Terraform and the provider with TF_LOG=TRACE,
// through a read, a wait, and an error whose body echoes the token, and checks
// that the token appears in no log line, error or state.
func TestAccToken_neverLogged(t *testing.T) {
	readLog := traceLog(t)

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
resource "kps_server_tasks_wait" "s" { server_id = "idle-server" }
`
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: testFactories,
		Steps: []resource.TestStep{
			{
				Config: config,
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectKnownValue("kps_keypair_task_wait.w", tfjsonpath.New("succeeded"), knownvalue.Bool(true)),
					stateDoesNotContain("the token", testToken),
				},
			},
			{
				Config:      config + `data "kps_keypair_task" "echo" { task_id = "echo" }`,
				ExpectError: expectError("bad token ***"),
			},
		},
	})

	logs := readLog()
	if !regexp.MustCompile(`\[INFO\].*KPS task status changed.*task_status=SUCCESS_RESET`).Match(logs) {
		t.Error("the wait did not log its status change at INFO")
	}
	// Fields come in no fixed order: look for both on the line.
	serverProgress := regexp.MustCompile(`\[INFO\].*KPS server's running tasks changed.*`).FindString(string(logs))
	if !strings.Contains(serverProgress, "tasks=idle") || !strings.Contains(serverProgress, "server_id=idle-server") {
		t.Errorf("the server wait did not log its progress at INFO: %q", serverProgress)
	}
	if strings.Contains(string(logs), testToken) {
		t.Fatal("the token appears in the TRACE log")
	}
	if ua := api.LastUserAgent(); !strings.HasPrefix(ua, "terraform-provider-kps/test ") || !strings.Contains(ua, "Terraform/1.") {
		t.Fatalf("User-Agent %q does not name the provider, its version and Terraform's", ua)
	}
}

// traceLog turns on TRACE logs of Terraform and the provider for the test, and
// returns a function that reads them, failing if they show no request (then
// they could not show a secret masked either).
func traceLog(t *testing.T) func() []byte {
	t.Helper()
	logDir := t.TempDir()
	t.Setenv("TF_LOG", "TRACE")
	t.Setenv("TF_LOG_PATH_MASK", filepath.Join(logDir, "%s.log"))
	return func() []byte {
		t.Helper()
		logs, err := os.ReadFile(filepath.Join(logDir, t.Name()+".log"))
		if err != nil {
			t.Fatal(err)
		}
		for _, line := range []string{"KPS request", "KPS request headers", "KPS response body"} {
			if !strings.Contains(string(logs), line) {
				t.Fatalf("the log has no %q lines: it cannot show secrets masked", line)
			}
		}
		return logs
	}
}

// TestAccAccessKey_neverLogged: with a temporary access key, neither the
// secret key, the security token nor any signature appears in a log line, an
// error or the state, even when an error body echoes them; the access key ID,
// which is no secret and tells which key was refused, does.
func TestAccAccessKey_neverLogged(t *testing.T) {
	readLog := traceLog(t)
	api := newKeyedFakeAPI(t)
	api.AddTask(testProject, "echo", kpsfake.Task{Faults: []kpsfake.Fault{
		{Status: 400, Code: "KPS.0001", Message: "bad key " + testTempSecretKey + " token " + testSecurityToken},
	}})
	t.Setenv("TF_VAR_secret_key", testTempSecretKey)
	t.Setenv("TF_VAR_security_token", testSecurityToken)
	config := fmt.Sprintf(`
variable "secret_key" { type = string }
variable "security_token" { type = string }
provider "kps" {
  endpoint       = %q
  project_id     = %q
  access_key     = %q
  secret_key     = var.secret_key
  security_token = var.security_token
}
`, api.URL, testProject, testTempAccessKey) + readAndWait
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: testFactories,
		Steps: []resource.TestStep{
			{Config: config, ConfigStateChecks: readAndWaitSucceeded(testTempSecretKey, testSecurityToken)},
			{
				Config:      config + `data "kps_keypair_task" "echo" { task_id = "echo" }`,
				ExpectError: expectError("bad key *** token ***"),
			},
		},
	})

	logs := string(readLog())
	for name, secret := range map[string]string{"secret key": testTempSecretKey, "security token": testSecurityToken} {
		if strings.Contains(logs, secret) {
			t.Errorf("the %s appears in the TRACE log", name)
		}
	}
	signatures := api.Signatures()
	if len(signatures) == 0 {
		t.Fatal("no request was signed")
	}
	for _, sig := range signatures {
		if strings.Contains(logs, sig) {
			t.Fatalf("a signature appears in the TRACE log")
		}
	}
	if !regexp.MustCompile(`Authorization=.SDK-HMAC-SHA256 Access=` + testTempAccessKey).MatchString(logs) {
		t.Error("the TRACE log does not show which access key signed the requests")
	}
}

// TestAccAuthKey_neverLogged: with TF_LOG=TRACE, an association sends a
// private key in its request body, once refused with an answer that echoes
// it and once accepted. The key is in no log line and no error.
func TestAccAuthKey_neverLogged(t *testing.T) {
	readLog := traceLog(t)
	api := newFakeAPI(t)
	api.addServer("srv", kpsfake.ECS{StartFaults: []kpsfake.Fault{{Status: 400, Code: "KPS.0001", Message: "bad key " + oldKey}}})
	// Through a variable that is not marked sensitive, so that only the
	// provider keeps it out of logs (see TestAccToken_neverLogged).
	t.Setenv("TF_VAR_old_key", oldKey)
	config := api.associationConfig("kp-new", `  auth = {
    type = "keypair"
    key  = var.old_key
  }`) + `variable "old_key" { type = string }`
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: testFactories,
		Steps: []resource.TestStep{
			{Config: config, ExpectError: expectError("Cannot start a KPS task on server srv", "bad key ***")},
			{Config: config, ConfigStateChecks: []statecheck.StateCheck{associationAttr("task_status", knownvalue.StringExact("SUCCESS_REPLACE"))}},
		},
	})
	logs := string(readLog())
	if !strings.Contains(logs, "KPS request body") || !strings.Contains(logs, `\"key\":\"***\"`) {
		t.Fatal("the TRACE log shows no request body with the key masked")
	}
	if strings.Contains(logs, "acc-test-old-key-5b1d") {
		t.Fatal("the private key appears in the TRACE log")
	}
	if starts := api.StartRequests(testProject, "srv"); len(starts) != 2 || starts[1].AuthKey != oldKey {
		t.Fatalf("starts %+v: want the key sent twice", starts)
	}
}
