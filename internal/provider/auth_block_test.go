package provider

import (
	"fmt"
	"testing"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/tfversion"
)

// authPlan is the association with auth set to body, planned only.
func (f *fakeAPI) authPlan(body, want string) resource.TestStep {
	return resource.TestStep{
		Config:      f.associationConfig("kp-new", fmt.Sprintf("  auth = {\n%s\n  }", body)),
		PlanOnly:    true,
		ExpectError: expectError(want),
	}
}

// TestAccAuthChecks: a wrong auth is an error at plan time that points at
// auth and says in words what to set; nothing is sent.
func TestAccAuthChecks(t *testing.T) {
	api := newFakeAPI(t)
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: testFactories,
		Steps: []resource.TestStep{
			api.authPlan(`    type = "ssh"
    key  = "k"`, `auth.type is "ssh": it must be "password"`),
			api.authPlan(`    type = "keypair"`, "auth has no key"),
		},
	})
	if n := api.TotalRequests(); n != 0 {
		t.Fatalf("%d requests sent for configurations refused at plan time", n)
	}
}

// TestAccAuthChecks_keyWO: the checks that involve the write-only key.
func TestAccAuthChecks_keyWO(t *testing.T) {
	api := newFakeAPI(t)
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: testFactories,
		TerraformVersionChecks:   []tfversion.TerraformVersionCheck{tfversion.SkipBelow(tfversion.Version1_11_0)},
		Steps: []resource.TestStep{
			api.authPlan(`    type   = "keypair"
    key    = "k"
    key_wo = "k"`, "auth sets both key and key_wo"),
			api.authPlan(`    type           = "keypair"
    key            = "k"
    key_wo_version = 1`, "auth.key_wo_version without auth.key_wo"),
		},
	})
	if n := api.TotalRequests(); n != 0 {
		t.Fatalf("%d requests sent for configurations refused at plan time", n)
	}
}
