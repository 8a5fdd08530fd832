package provider

import (
	"encoding/json"
	"fmt"
	"strings"
	"testing"

	"github.com/hashicorp/terraform-plugin-go/tfprotov6"
	"github.com/hashicorp/terraform-plugin-go/tftypes"
	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/knownvalue"
	"github.com/hashicorp/terraform-plugin-testing/plancheck"
	"github.com/hashicorp/terraform-plugin-testing/statecheck"
	"github.com/hashicorp/terraform-plugin-testing/tfjsonpath"
	"github.com/hashicorp/terraform-plugin-testing/tfversion"

	"github.com/kpsops/terraform-provider-kps/internal/dev/kpsfake"
	"github.com/kpsops/terraform-provider-kps/internal/dev/testkeys"
)

// TestAccKeypair_importByIdentity: a key pair's identity {name,
// project_id} is recorded on create, and an import block by identity
// adopts it with nothing else planned: the harness checks the import is a
// no-op (Terraform 1.12 and newer).
func TestAccKeypair_importByIdentity(t *testing.T) {
	api := newFakeAPI(t)
	config := api.keypairConfig(fmt.Sprintf("  name = \"ops\"\n  public_key = %q", importedPublicKey))
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: testFactories,
		TerraformVersionChecks:   []tfversion.TerraformVersionCheck{tfversion.SkipBelow(tfversion.Version1_12_0)},
		Steps: []resource.TestStep{
			{
				Config: config,
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectIdentity("kps_keypair.k", map[string]knownvalue.Check{
						"name": knownvalue.StringExact("ops"), "project_id": knownvalue.StringExact(testProject),
					}),
				},
			},
			{
				Config:          config,
				ResourceName:    "kps_keypair.k",
				ImportState:     true,
				ImportStateKind: resource.ImportBlockWithResourceIdentity,
			},
		},
	})
}

// huaweiState is a huaweicloud_kps_keypair state as Huawei's provider
// writes it, with a private key in it.
const huaweiState = `{"id":"ops-2024","region":"cn-north-4","name":"ops-2024","scope":"account",
"encryption_type":"kms","kms_key_name":"kps/default","description":"made by Huawei's provider",
"public_key":"ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIhuawei ops","private_key":"-----BEGIN OPENSSH PRIVATE KEY-----\nhuawei-state-private-key\n-----END OPENSSH PRIVATE KEY-----\n",
"key_file":"","created_at":"2024-03-01T12:00:00Z","fingerprint":"SHA256:huawei","is_managed":true}`

// move calls MoveResourceState on the provider as main serves it.
func move(t *testing.T, sourceType, sourceState string) *tfprotov6.MoveResourceStateResponse {
	t.Helper()
	server := NewServer("test")()
	resp, err := server.MoveResourceState(t.Context(), &tfprotov6.MoveResourceStateRequest{
		SourceProviderAddress: "registry.terraform.io/huaweicloud/huaweicloud", SourceTypeName: sourceType,
		SourceSchemaVersion: 0, SourceState: &tfprotov6.RawState{JSON: []byte(sourceState)}, TargetTypeName: "kps_keypair",
	})
	if err != nil {
		t.Fatal(err)
	}
	return resp
}

// TestMoveFromHuawei: a huaweicloud_kps_keypair state, as Huawei's provider
// writes it, moves to kps_keypair: name, scope, description, public key,
// fingerprint and the encryption (as private_key_hosting) carry over; its
// private key is dropped, with a warning that says so and what to do about
// the old state's versions. The identity is left to the refresh after it.
func TestMoveFromHuawei(t *testing.T) {
	resp := move(t, "huaweicloud_kps_keypair", huaweiState)
	var warned bool
	for _, d := range resp.Diagnostics {
		if d.Severity == tfprotov6.DiagnosticSeverityError {
			t.Fatalf("%s: %s", d.Summary, d.Detail)
		}
		warned = warned || (strings.Contains(d.Summary, "private key in the moved state was dropped") && strings.Contains(d.Detail, "earlier versions"))
	}
	if !warned {
		t.Fatal("no warning that the private key was dropped")
	}
	typ := NewServerSchemaType(t, "kps_keypair")
	value, err := resp.TargetState.Unmarshal(typ)
	if err != nil {
		t.Fatal(err)
	}
	raw, err := json.Marshal(tfValueToMap(t, value))
	if err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{`"name":"ops-2024"`, `"scope":"account"`, `"description":"made by Huawei's provider"`,
		`"fingerprint":"SHA256:huawei"`, `"encryption":"kms"`, `"kms_key_name":"kps/default"`, `"private_key_hosted":true`} {
		if !strings.Contains(string(raw), want) {
			t.Errorf("the moved state lacks %s:\n%s", want, raw)
		}
	}
	if strings.Contains(string(raw), "huawei-state-private-key") {
		t.Fatal("the private key was copied into the moved state")
	}
}

// TestMoveFromAnotherTypeRefused: any other source type is refused, naming it.
func TestMoveFromAnotherTypeRefused(t *testing.T) {
	resp := move(t, "huaweicloud_compute_keypair", `{"name":"x"}`)
	if len(resp.Diagnostics) != 1 || resp.Diagnostics[0].Severity != tfprotov6.DiagnosticSeverityError ||
		!strings.Contains(resp.Diagnostics[0].Summary, "huaweicloud_compute_keypair") {
		t.Fatalf("diagnostics %+v: want one error naming the source type", resp.Diagnostics)
	}
}

// TestAccKeypair_movedFromHuawei: end to end, a stand-in for Huawei's
// provider holds a huaweicloud_kps_keypair with a private key in its state;
// a moved block adopts the key pair with no create, and the private key is
// nowhere in the new state (Terraform 1.8 and newer).
func TestAccKeypair_movedFromHuawei(t *testing.T) {
	api := newFakeAPI(t)
	api.AddKeypair(testProject, "ops-2024", kpsfake.Keypair{Hosted: true, PrivateKey: importedPrivateKey,
		PublicKey: testkeys.Other.AuthorizedKey, Description: "made by Huawei's provider"})
	source := api.providerConfig() + `
resource "huaweicloud_kps_keypair" "ops" {
  name            = "ops-2024"
  scope           = "user"
  encryption_type = "default"
  description     = "made by Huawei's provider"
  public_key      = "` + testkeys.Other.AuthorizedKey + `"
  private_key     = "-----BEGIN OPENSSH PRIVATE KEY-----\nhuawei-state-private-key\n-----END OPENSSH PRIVATE KEY-----\n"
}
`
	target := func(protection string) string {
		return api.providerConfig() + `
moved {
  from = huaweicloud_kps_keypair.ops
  to   = kps_keypair.ops
}
resource "kps_keypair" "ops" {
  name                = "ops-2024"
  description         = "made by Huawei's provider"
  public_key          = "` + testkeys.Other.AuthorizedKeyNoComment + `"
  private_key_hosting = {}` + protection + `
}
`
	}
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: huaweiStandInFactories(),
		TerraformVersionChecks:   []tfversion.TerraformVersionCheck{tfversion.SkipBelow(tfversion.Version1_8_0)},
		Steps: []resource.TestStep{
			{Config: source},
			{
				// The configuration gives the key without its comment: the
				// same key, so nothing to do.
				Config: target(""),
				ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
					plancheck.ExpectResourceAction("kps_keypair.ops", plancheck.ResourceActionNoop),
				}},
				ConfigStateChecks: []statecheck.StateCheck{
					keypairAttrOf("kps_keypair.ops", "private_key_hosted", knownvalue.Bool(true)),
					keypairAttrOf("kps_keypair.ops", "deletion_protection", knownvalue.Bool(true)),
					stateDoesNotContain("the moved private key", "huawei-state-private-key"),
				},
			},
			// So that the test's destroy may delete it.
			{Config: target(unprotected)},
		},
	})
	if n := api.CreateRequests(); n != 0 {
		t.Fatalf("%d creates: the move must adopt the key pair, not create it", n)
	}
}

// NewServerSchemaType is the value type of resourceType's schema as main
// serves it.
func NewServerSchemaType(t *testing.T, resourceType string) tftypes.Type {
	t.Helper()
	resp, err := NewServer("test")().GetProviderSchema(t.Context(), &tfprotov6.GetProviderSchemaRequest{})
	if err != nil {
		t.Fatal(err)
	}
	return resp.ResourceSchemas[resourceType].ValueType()
}

// tfValueToMap turns a value of an object type into plain Go values, for
// JSON: objects as maps, strings, bools and numbers as themselves.
func tfValueToMap(t *testing.T, v tftypes.Value) any {
	t.Helper()
	if v.IsNull() || !v.IsKnown() {
		return nil
	}
	switch {
	case v.Type().Is(tftypes.Object{}) || v.Type().Is(tftypes.Map{}):
		var m map[string]tftypes.Value
		if err := v.As(&m); err != nil {
			t.Fatal(err)
		}
		out := map[string]any{}
		for k, e := range m {
			out[k] = tfValueToMap(t, e)
		}
		return out
	case v.Type().Is(tftypes.String):
		var s string
		_ = v.As(&s)
		return s
	case v.Type().Is(tftypes.Bool):
		var b bool
		_ = v.As(&b)
		return b
	}
	return v.String()
}

func keypairAttrOf(address, name string, v knownvalue.Check) statecheck.StateCheck {
	return statecheck.ExpectKnownValue(address, tfjsonpath.New(name), v)
}
