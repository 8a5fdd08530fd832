package provider

import (
	"strings"
	"testing"

	"github.com/hashicorp/terraform-plugin-testing/tfversion"
)

// TestAccActions_durations checks an action's durations at validation: a
// string that is no duration and one below the least allowed are refused,
// naming the argument, before any request is sent.
func TestAccActions_durations(t *testing.T) {
	ws := cliWorkspace(t)
	skipBelowCLI(t, tfversion.Version1_14_0)
	api := newFakeAPI(t)
	for _, tc := range []struct{ argument, want string }{
		{`timeout = "ten minutes"`, "must be a duration"},
		{`poll_interval = "1m30"`, "must be a duration"},
		{`poll_interval = "500ms"`, "at least 1s"},
		{`timeout = "0s"`, "at least 1s"},
	} {
		if err := ws.WriteConfig(requiredKPS + api.providerConfig() + `
action "kps_associate_keypair" "a" {
  config {
    server_id    = "srv"
    keypair_name = "kp"
    ` + tc.argument + `
  }
}
`); err != nil {
			t.Fatal(err)
		}
		out, err := invoke(t, ws, "action.kps_associate_keypair.a")
		name := strings.Fields(tc.argument)[0]
		words := strings.Join(strings.Fields(out), " ") // Terraform wraps the detail
		if err == nil || !strings.Contains(words, tc.want) || !strings.Contains(words, name) {
			t.Fatalf("%s: want an error naming %s and saying %q (%v):\n%s", tc.argument, name, tc.want, err, out)
		}
	}
	if n := api.TotalRequests(); n != 0 {
		t.Fatalf("%d requests were sent for configurations that are not valid", n)
	}
}
