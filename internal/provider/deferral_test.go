package provider

import (
	"context"
	"testing"

	"github.com/hashicorp/terraform-plugin-go/tfprotov6"
	"github.com/hashicorp/terraform-plugin-go/tftypes"
)

// TestReadDeferredWhenProviderConfigUnknown: a CLI that supports deferral is
// told to defer a read whose provider configuration is not known yet, rather
// than given an error. (Terraform 1.11 without experiments does not offer
// deferral, so the acceptance tests see the error; this drives the protocol.)
func TestReadDeferredWhenProviderConfigUnknown(t *testing.T) {
	server := loadedServer(t)
	ctx := context.Background()
	config := objectValue(t, providerConfigType, map[string]tftypes.Value{
		"project_id": stringValue(testProject),
		"token":      stringValue(tftypes.UnknownValue),
		"endpoint":   stringValue("http://127.0.0.1:1"),
	})
	deferral := &tfprotov6.ConfigureProviderClientCapabilities{DeferralAllowed: true}
	cresp, err := server.ConfigureProvider(ctx, &tfprotov6.ConfigureProviderRequest{Config: config, ClientCapabilities: deferral})
	if err != nil || len(cresp.Diagnostics) > 0 {
		t.Fatalf("configure: %v %v", err, cresp.Diagnostics)
	}

	resp, err := server.ReadDataSource(ctx, &tfprotov6.ReadDataSourceRequest{
		TypeName: "kps_keypair_task", Config: readConfig(t, "t"),
		ClientCapabilities: &tfprotov6.ReadDataSourceClientCapabilities{DeferralAllowed: true},
	})
	if err != nil {
		t.Fatal(err)
	}
	if resp.Deferred == nil || resp.Deferred.Reason != tfprotov6.DeferredReasonProviderConfigUnknown || len(resp.Diagnostics) > 0 {
		t.Fatalf("got deferred %+v, diagnostics %v; want a deferral for unknown provider configuration", resp.Deferred, resp.Diagnostics)
	}
}
