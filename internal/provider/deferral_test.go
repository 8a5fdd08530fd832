package provider

import (
	"context"
	"testing"

	"github.com/hashicorp/terraform-plugin-framework/providerserver"
	"github.com/hashicorp/terraform-plugin-go/tfprotov6"
	"github.com/hashicorp/terraform-plugin-go/tftypes"
)

// TestReadDeferredWhenProviderConfigUnknown: a CLI that supports deferral is
// told to defer a read whose provider configuration is not known yet, rather
// than given an error. (Terraform 1.11 without experiments does not offer
// deferral, so the acceptance tests see the error; this drives the protocol.)
func TestReadDeferredWhenProviderConfigUnknown(t *testing.T) {
	server, err := providerserver.NewProtocol6WithError(New("test")())()
	if err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	if _, err := server.GetProviderSchema(ctx, &tfprotov6.GetProviderSchemaRequest{}); err != nil {
		t.Fatal(err)
	}
	null := func(typ tftypes.Type) tftypes.Value { return tftypes.NewValue(typ, nil) }
	providerType := tftypes.Object{AttributeTypes: map[string]tftypes.Type{
		"region": tftypes.String, "project_id": tftypes.String, "token": tftypes.String, "endpoint": tftypes.String,
		"cloud": tftypes.String, "insecure": tftypes.Bool, "max_retries": tftypes.Number,
	}}
	config, err := tfprotov6.NewDynamicValue(providerType, tftypes.NewValue(providerType, map[string]tftypes.Value{
		"region": null(tftypes.String), "project_id": tftypes.NewValue(tftypes.String, testProject),
		"token":    tftypes.NewValue(tftypes.String, tftypes.UnknownValue),
		"endpoint": tftypes.NewValue(tftypes.String, "http://127.0.0.1:1"), "cloud": null(tftypes.String),
		"insecure": null(tftypes.Bool), "max_retries": null(tftypes.Number),
	}))
	if err != nil {
		t.Fatal(err)
	}
	deferral := &tfprotov6.ConfigureProviderClientCapabilities{DeferralAllowed: true}
	cresp, err := server.ConfigureProvider(ctx, &tfprotov6.ConfigureProviderRequest{Config: &config, ClientCapabilities: deferral})
	if err != nil || len(cresp.Diagnostics) > 0 {
		t.Fatalf("configure: %v %v", err, cresp.Diagnostics)
	}

	values := map[string]tftypes.Value{}
	for name, typ := range dataSourceType.AttributeTypes {
		values[name] = null(typ)
	}
	values["task_id"] = tftypes.NewValue(tftypes.String, "t")
	dsConfig, err := tfprotov6.NewDynamicValue(dataSourceType, tftypes.NewValue(dataSourceType, values))
	if err != nil {
		t.Fatal(err)
	}
	resp, err := server.ReadDataSource(ctx, &tfprotov6.ReadDataSourceRequest{
		TypeName: "kps_keypair_task", Config: &dsConfig,
		ClientCapabilities: &tfprotov6.ReadDataSourceClientCapabilities{DeferralAllowed: true},
	})
	if err != nil {
		t.Fatal(err)
	}
	if resp.Deferred == nil || resp.Deferred.Reason != tfprotov6.DeferredReasonProviderConfigUnknown || len(resp.Diagnostics) > 0 {
		t.Fatalf("got deferred %+v, diagnostics %v; want a deferral for unknown provider configuration", resp.Deferred, resp.Diagnostics)
	}
}
