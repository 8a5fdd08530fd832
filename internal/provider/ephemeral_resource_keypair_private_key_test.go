package provider

import (
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/knownvalue"
	"github.com/hashicorp/terraform-plugin-testing/statecheck"
	"github.com/hashicorp/terraform-plugin-testing/tfjsonpath"
	"github.com/hashicorp/terraform-plugin-testing/tfversion"

	"github.com/kpsops/terraform-provider-kps/internal/dev/kpsfake"
	"github.com/kpsops/terraform-provider-kps/internal/dev/tfrun"
)

// TestAccRotation_twiceThenRetire runs examples/rotation twice on one server, each
// time as a saved plan and its apply: the first rotation logs in with the
// hosted key of the key pair the server had, the second with the key of
// the one the first bound. The ephemeral key reaches the associate's body
// and nothing else: not the state, the saved plan, the CLI's output or the
// TRACE log. Each command exports the key once. Then the example's
// retirement of the oldest generation: removing it at once is refused at
// plan time (KPS holds its private key); listed in retired first, it is
// deleted by the apply after, and no task is started for either.
func TestAccRotation_twiceThenRetire(t *testing.T) {
	ws := cliWorkspace(t)
	skipBelowCLI(t, tfversion.Version1_11_0)
	api := newFakeAPI(t)
	api.AddKeypair(testProject, "kp-2025", kpsfake.Keypair{Hosted: true, PrivateKey: oldKey})
	api.addServer("srv", kpsfake.ECS{Keypair: "kp-2025"})
	config, err := os.ReadFile(filepath.Join("..", "..", "examples", "rotation", "main.tf"))
	if err != nil {
		t.Fatal(err)
	}
	if err := ws.WriteConfig(string(config)); err != nil {
		t.Fatal(err)
	}
	logFile := filepath.Join(t.TempDir(), "trace.log")
	env := []string{"HW_KPS_ENDPOINT=" + api.URL, "HW_AUTH_TOKEN=" + testToken, "HW_PROJECT_ID=" + testProject,
		"TF_VAR_server_id=srv", "TF_VAR_first_keypair=kp-2025", "TF_LOG=TRACE", "TF_LOG_PATH=" + logFile}
	secrets := []string{"acc-test-old-key", generatedKeyLine("kp-2026"), generatedKeyLine("kp-2027")}
	var out lockedBuffer
	run := func(args ...string) {
		t.Helper()
		if err := ws.Run(t.Context(), &out, env, args...); err != nil {
			t.Fatalf("%v: %v\n%s", args, err, out.String())
		}
	}
	for i, generations := range []string{`["kp-2026"]`, `["kp-2026","kp-2027"]`} {
		env = append(env, "TF_VAR_generations="+generations)
		exports := api.ExportRequests()
		run("plan", "-input=false", "-no-color", "-out=rotation.tfplan")
		if n := api.ExportRequests() - exports; n != 1 {
			t.Fatalf("rotation %d: the plan exported %d times, want once", i+1, n)
		}
		var shown lockedBuffer
		if err := ws.Run(t.Context(), &shown, env, "show", "-json", "rotation.tfplan"); err != nil {
			t.Fatal(err)
		}
		for _, s := range secrets {
			if strings.Contains(shown.String(), s) {
				t.Fatalf("rotation %d: the saved plan holds a private key", i+1)
			}
		}
		exports = api.ExportRequests()
		run("apply", "-input=false", "-no-color", "rotation.tfplan")
		if n := api.ExportRequests() - exports; n != 1 {
			t.Fatalf("rotation %d: the apply exported %d times, want once", i+1, n)
		}
	}
	starts := api.StartRequests(testProject, "srv")
	if len(starts) != 2 || starts[0].AuthKey != oldKey || starts[1].AuthKey != kpsfake.PrivateKeyOf("kp-2026") ||
		starts[1].KeypairName != "kp-2027" {
		t.Fatalf("%d starts: want kp-2026 with the old key, then kp-2027 with kp-2026's hosted key", len(starts))
	}
	if kp := api.server(t, "srv").Keypair; kp != "kp-2027" {
		t.Fatalf("the server has %q bound", kp)
	}
	retire(t, ws, api, env, func() int { return len(api.StartRequests(testProject, "srv")) })
	state := readState(t, ws)
	trace, err := os.ReadFile(logFile)
	if err != nil || !strings.Contains(string(trace), "private-key/export") {
		t.Fatalf("the TRACE log has no export (%v)", err)
	}
	for _, s := range secrets {
		for what, text := range map[string]string{"state": state, "CLI's output": out.String(), "TRACE log": string(trace)} {
			if strings.Contains(text, s) {
				t.Fatalf("a private key is in the %s", what)
			}
		}
	}
}

// TestAccKeypairPrivateKey_notHosted: a key pair whose private key KPS does
// not host is an error that says so, and how to make KPS host it.
func TestAccKeypairPrivateKey_notHosted(t *testing.T) {
	api := newFakeAPI(t)
	api.AddKeypair(testProject, "pub-only", kpsfake.Keypair{PublicKey: importedPublicKey})
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: testFactories,
		TerraformVersionChecks:   []tfversion.TerraformVersionCheck{tfversion.SkipBelow(tfversion.Version1_10_0)},
		Steps: []resource.TestStep{{
			Config: api.providerConfig() + `
ephemeral "kps_keypair_private_key" "k" {
  name = "pub-only"
}
`,
			ExpectError: expectError("KPS does not host the private key of pub-only", "KPS.6005", "private_key_hosting"),
		}},
	})
}

// TestAccKeypairPrivateKey_unknownName: the key pair's name is not known
// until apply (it comes from a key pair created in the same run): Terraform
// opens the ephemeral resource only then, and the rotation logs in with
// the key KPS hosts for it.
func TestAccKeypairPrivateKey_unknownName(t *testing.T) {
	api := newFakeAPI(t)
	api.addServer("srv", kpsfake.ECS{Keypair: "kp-cur", PrivateKey: kpsfake.PrivateKeyOf("kp-cur")})
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: testFactories,
		TerraformVersionChecks:   []tfversion.TerraformVersionCheck{tfversion.SkipBelow(tfversion.Version1_11_0)},
		Steps: []resource.TestStep{{
			Config: api.providerConfig() + `
resource "kps_keypair" "cur" {
  name                = "kp-cur"
  private_key_hosting = {}
  deletion_protection = false
}
resource "kps_keypair" "next" {
  name                = "kp-next"
  private_key_hosting = {}
  deletion_protection = false
}
ephemeral "kps_keypair_private_key" "cur" {
  name = kps_keypair.cur.id # unknown until kp-cur is created
}
resource "kps_keypair_association" "a" {
  server_id     = "srv"
  keypair_name  = kps_keypair.next.name
  poll_interval = "1s"
  auth = {
    type           = "keypair"
    key_wo         = ephemeral.kps_keypair_private_key.cur.private_key
    key_wo_version = 1
  }
}
`,
			ConfigStateChecks: []statecheck.StateCheck{
				statecheck.ExpectKnownValue("kps_keypair_association.a", tfjsonpath.New("task_status"), knownvalue.StringExact("SUCCESS_REPLACE")),
				stateDoesNotContain("kp-cur's private key", generatedKeyLine("kp-cur")),
				stateDoesNotContain("kp-next's private key", generatedKeyLine("kp-next")),
			},
			Check: api.startedOnce(func(s kpsfake.StartRequest) error {
				if s.AuthKey != kpsfake.PrivateKeyOf("kp-cur") || s.KeypairName != "kp-next" {
					return fmt.Errorf("the start did not carry kp-cur's hosted key for kp-next")
				}
				return nil
			}),
		}},
	})
}

// retire runs the retirement of kp-2026 after two rotations, kp-2026 then
// kp-2027, of examples/rotation or examples/fleet-rotation; starts counts
// the tasks started in all, of which the retirement must add none.
func retire(t *testing.T, ws *tfrun.Workspace, api *fakeAPI, env []string, starts func() int) {
	t.Helper()
	startsBefore := starts()
	var out lockedBuffer
	withVars := func(generations, retired string) []string {
		return append(slices.Clip(env), "TF_VAR_generations="+generations, "TF_VAR_retired="+retired)
	}
	err := ws.Run(t.Context(), &out, withVars(`["kp-2027"]`, `[]`), "apply", "-input=false", "-no-color", "-auto-approve")
	if err == nil || !strings.Contains(strings.Join(strings.Fields(out.String()), " "), "KPS key pair kp-2026 is protected from deletion") {
		t.Fatalf("removing a generation KPS holds the key of: %v\n%s", err, out.String())
	}
	for _, step := range [][2]string{{`["kp-2026","kp-2027"]`, `["kp-2026"]`}, {`["kp-2027"]`, `["kp-2026"]`}} {
		out = lockedBuffer{}
		if err := ws.Run(t.Context(), &out, withVars(step[0], step[1]), "apply", "-input=false", "-no-color", "-auto-approve"); err != nil {
			t.Fatalf("retiring kp-2026 (generations %s, retired %s): %v\n%s", step[0], step[1], err, out.String())
		}
	}
	if _, ok := api.KeypairOf(testProject, "kp-2026"); ok {
		t.Fatal("kp-2026 was not deleted")
	}
	if _, ok := api.KeypairOf(testProject, "kp-2027"); !ok {
		t.Fatal("kp-2027, the server's key pair, was deleted")
	}
	if n := starts() - startsBefore; n != 0 {
		t.Fatalf("%d tasks started by the retirement, which must start none", n)
	}
}
