package provider

import (
	"slices"
	"testing"

	"github.com/hashicorp/terraform-plugin-go/tfprotov6"
)

// TestActionsReachTerraform: the protocol server main serves, with the
// context work-around of internal/releasectx around it, still offers the
// action RPCs and lists the three actions. A wrapper that hid them would
// tell Terraform the provider has no actions.
func TestActionsReachTerraform(t *testing.T) {
	server := NewServer("test")()
	if _, ok := server.(tfprotov6.ActionServer); !ok {
		t.Fatal("the served protocol server has no action RPCs")
	}
	resp, err := server.GetProviderSchema(t.Context(), &tfprotov6.GetProviderSchemaRequest{})
	if err != nil {
		t.Fatal(err)
	}
	for _, d := range resp.Diagnostics {
		t.Errorf("%s: %s", d.Summary, d.Detail)
	}
	var names []string
	for name := range resp.ActionSchemas {
		names = append(names, name)
	}
	slices.Sort(names)
	if want := []string{"kps_associate_keypair", "kps_delete_failed_tasks", "kps_disassociate_keypair"}; !slices.Equal(names, want) {
		t.Fatalf("actions %v, want %v", names, want)
	}
}
