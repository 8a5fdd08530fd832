package provider

import (
	"fmt"
	"testing"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/knownvalue"
	"github.com/hashicorp/terraform-plugin-testing/statecheck"
	"github.com/hashicorp/terraform-plugin-testing/tfjsonpath"

	"github.com/kpsops/terraform-provider-kps/internal/dev/kpsfake"
)

// TestAccKeypairsDataSource: every page of the list (pages of 3 here),
// filtered by name, by fingerprint and by public key, never null.
func TestAccKeypairsDataSource(t *testing.T) {
	api := newFakeAPI(t, kpsfake.WithKeypairPage(3))
	for i := range 10 {
		api.AddKeypair(testProject, fmt.Sprintf("kp-%02d", i), kpsfake.Keypair{Hosted: i%2 == 0, Scope: "domain"})
	}
	api.AddKeypair(testProject, "ci", kpsfake.Keypair{PublicKey: importedPublicKey, FrozenState: 2})
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: testFactories,
		Steps: []resource.TestStep{{
			Config: api.providerConfig() + fmt.Sprintf(`
data "kps_keypairs" "all" {}
data "kps_keypairs" "named" { name = "kp-03" }
data "kps_keypairs" "by_key" { public_key = %q }
data "kps_keypairs" "none" { fingerprint = "SHA256:nothing" }
data "kps_keypairs" "by_fingerprint" { fingerprint = data.kps_keypairs.by_key.keypairs[0].fingerprint }
`, importedPublicKey),
			ConfigStateChecks: []statecheck.StateCheck{
				statecheck.ExpectKnownValue("data.kps_keypairs.all", tfjsonpath.New("keypairs"), knownvalue.ListSizeExact(11)),
				statecheck.ExpectKnownValue("data.kps_keypairs.named", tfjsonpath.New("keypairs"), knownvalue.ListExact([]knownvalue.Check{
					knownvalue.ObjectExact(map[string]knownvalue.Check{
						"name": knownvalue.StringExact("kp-03"), "type": knownvalue.StringExact("ssh"), "scope": knownvalue.StringExact("account"),
						"public_key": knownvalue.NotNull(), "fingerprint": knownvalue.NotNull(),
						"private_key_hosted": knownvalue.Bool(false), "frozen": knownvalue.Bool(false),
					}),
				})),
				statecheck.ExpectKnownValue("data.kps_keypairs.by_key", tfjsonpath.New("keypairs").AtSliceIndex(0).AtMapKey("frozen"), knownvalue.Bool(true)),
				statecheck.ExpectKnownValue("data.kps_keypairs.by_fingerprint", tfjsonpath.New("keypairs").AtSliceIndex(0).AtMapKey("name"), knownvalue.StringExact("ci")),
				statecheck.ExpectKnownValue("data.kps_keypairs.none", tfjsonpath.New("keypairs"), knownvalue.ListExact([]knownvalue.Check{})),
			},
		}},
	})
}

// TestAccKeypairDataSource: one key pair by name, with what the resource
// computes and what it is configured with; a missing one is an error.
func TestAccKeypairDataSource(t *testing.T) {
	api := newFakeAPI(t)
	api.AddKeypair(testProject, "ops", kpsfake.Keypair{Hosted: true, PrivateKey: importedPrivateKey, Description: "yearly", UserID: "u-1"})
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: testFactories,
		Steps: []resource.TestStep{
			{
				Config: api.providerConfig() + `data "kps_keypair" "ops" { name = "ops" }`,
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectKnownValue("data.kps_keypair.ops", tfjsonpath.New("private_key_hosted"), knownvalue.Bool(true)),
					statecheck.ExpectKnownValue("data.kps_keypair.ops", tfjsonpath.New("description"), knownvalue.StringExact("yearly")),
					statecheck.ExpectKnownValue("data.kps_keypair.ops", tfjsonpath.New("user_id"), knownvalue.StringExact("u-1")),
					statecheck.ExpectKnownValue("data.kps_keypair.ops", tfjsonpath.New("scope"), knownvalue.StringExact("user")),
					statecheck.ExpectKnownValue("data.kps_keypair.ops", tfjsonpath.New("created_at"), knownvalue.NotNull()),
					stateDoesNotContain("the hosted private key", "acc-test-imported-private-key"),
				},
			},
			{
				Config:      api.providerConfig() + `data "kps_keypair" "gone" { name = "gone" }`,
				ExpectError: expectError("Cannot read KPS key pair gone", "may not exist"),
			},
		},
	})
}
