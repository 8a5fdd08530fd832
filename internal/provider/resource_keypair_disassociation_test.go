package provider

import (
	"fmt"
	"testing"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/knownvalue"
	"github.com/hashicorp/terraform-plugin-testing/plancheck"
	"github.com/hashicorp/terraform-plugin-testing/statecheck"
	"github.com/hashicorp/terraform-plugin-testing/tfjsonpath"

	"github.com/kpsops/terraform-provider-kps/internal/dev/kpsfake"
)

// TestAccKeypairDisassociation: a running server's key pair is unbound with
// its private key; a change of poll_interval alone replaces nothing.
func TestAccKeypairDisassociation(t *testing.T) {
	api := newFakeAPI(t)
	api.addServer("srv", kpsfake.ECS{})
	config := func(interval string) string {
		return api.providerConfig() + fmt.Sprintf(`
resource "kps_keypair_disassociation" "d" {
  server_id     = "srv"
  poll_interval = %q
  auth = {
    type = "keypair"
    key  = %q
  }
}
`, interval, oldKey)
	}
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: testFactories,
		Steps: []resource.TestStep{
			{
				Config: config("1s"),
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectKnownValue("kps_keypair_disassociation.d", tfjsonpath.New("task_status"), knownvalue.StringExact("SUCCESS_UNBIND")),
				},
				Check: resource.ComposeTestCheckFunc(api.startedOnce(func(s kpsfake.StartRequest) error {
					if s.Call != "disassociate" || s.AuthKey != oldKey {
						return fmt.Errorf("start %+v: want a disassociate with the key", s)
					}
					if kp := api.server(t, "srv").Keypair; kp != "" {
						return fmt.Errorf("the server still has %q bound", kp)
					}
					return nil
				})),
			},
			{
				Config: config("3s"),
				ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
					plancheck.ExpectResourceAction("kps_keypair_disassociation.d", plancheck.ResourceActionUpdate),
				}},
				Check: api.startedOnce(nil),
			},
		},
	})
}
