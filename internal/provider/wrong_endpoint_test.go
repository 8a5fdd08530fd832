package provider

import (
	"fmt"
	"net"
	"testing"
	"time"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
)

// closedEndpoint is a loopback URL where nothing listens: a wrong endpoint.
func closedEndpoint(t *testing.T) string {
	t.Helper()
	l, err := new(net.ListenConfig).Listen(t.Context(), "tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer l.Close()
	return "http://" + l.Addr().String()
}

// TestAccWrongEndpoint: a wait, and an association's idle check, against an
// endpoint where nothing listens fail once the first poll's retries are
// spent (here well within the 30m default timeout), naming the refused
// connection and what to check, instead of polling on in silence.
func TestAccWrongEndpoint(t *testing.T) {
	provider := fmt.Sprintf(`
provider "kps" {
  endpoint    = %q
  token       = %q
  project_id  = %q
  max_retries = 2
}
`, closedEndpoint(t), testToken, testProject)
	var began time.Time
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: testFactories,
		Steps: []resource.TestStep{
			{
				PreConfig: func() { began = time.Now() },
				Config: provider + `
resource "kps_keypair_task_wait" "w" {
  task_id = "t1"
}
`,
				ExpectError: expectError("connection refused", "Nothing has answered at this endpoint", "check the provider's endpoint"),
			},
			{
				Config: provider + `
resource "kps_keypair_association" "a" {
  server_id    = "srv"
  keypair_name = "kp-new"
}
`,
				ExpectError: expectError("Cannot check whether server srv is busy", "connection refused",
					"Nothing has answered at this endpoint", "No task was started"),
			},
		},
	})
	if took := time.Since(began); took > time.Minute {
		t.Fatalf("the wrong endpoint took %v to report", took)
	}
}
