package provider

import (
	"context"
	"testing"

	"github.com/hashicorp/terraform-plugin-go/tfprotov6"
	"github.com/hashicorp/terraform-plugin-go/tftypes"
)

// Helpers for tests that drive the provider's protocol server directly, as
// Terraform does over gRPC, for what the CLI cannot show: allocations per
// read, or a deferral the installed CLI does not offer.

var providerConfigType = tftypes.Object{AttributeTypes: map[string]tftypes.Type{
	"region": tftypes.String, "project_id": tftypes.String, "token": tftypes.String, "access_key": tftypes.String,
	"secret_key": tftypes.String, "security_token": tftypes.String, "shared_config_file": tftypes.String,
	"profile": tftypes.String, "auth_url": tftypes.String, "endpoint": tftypes.String,
	"cloud": tftypes.String, "insecure": tftypes.Bool, "max_retries": tftypes.Number,
}}

var dataSourceType = tftypes.Object{AttributeTypes: map[string]tftypes.Type{
	"task_id": tftypes.String, "project_id": tftypes.String, "id": tftypes.String, "task_status": tftypes.String,
	"server_id": tftypes.String, "phase": tftypes.String, "operation": tftypes.String,
	"terminal": tftypes.Bool, "succeeded": tftypes.Bool,
}}

// loadedServer is the provider's protocol server, with its schemas loaded.
func loadedServer(tb testing.TB) tfprotov6.ProviderServer {
	tb.Helper()
	server := NewServer("test")()
	if _, err := server.GetProviderSchema(context.Background(), &tfprotov6.GetProviderSchemaRequest{}); err != nil {
		tb.Fatal(err)
	}
	return server
}

// configuredServer is the provider's protocol server configured with the
// test token and project against endpoint.
func configuredServer(tb testing.TB, endpoint string) tfprotov6.ProviderServer {
	tb.Helper()
	server := loadedServer(tb)
	config := objectValue(tb, providerConfigType, map[string]tftypes.Value{
		"project_id": stringValue(testProject), "token": stringValue(testToken), "endpoint": stringValue(endpoint),
	})
	resp, err := server.ConfigureProvider(context.Background(), &tfprotov6.ConfigureProviderRequest{TerraformVersion: "1.11.4", Config: config})
	if err != nil || len(resp.Diagnostics) > 0 {
		tb.Fatalf("configure: %v %v", err, resp.Diagnostics)
	}
	return server
}

// objectValue is an object of typ with the given attributes and every other null.
func objectValue(tb testing.TB, typ tftypes.Object, set map[string]tftypes.Value) *tfprotov6.DynamicValue {
	tb.Helper()
	values := map[string]tftypes.Value{}
	for name, t := range typ.AttributeTypes {
		values[name] = tftypes.NewValue(t, nil)
	}
	for name, v := range set {
		values[name] = v
	}
	dv, err := tfprotov6.NewDynamicValue(typ, tftypes.NewValue(typ, values))
	if err != nil {
		tb.Fatal(err)
	}
	return &dv
}

func stringValue(v any) tftypes.Value { return tftypes.NewValue(tftypes.String, v) }

// readConfig is a kps_keypair_task configuration reading taskID.
func readConfig(tb testing.TB, taskID string) *tfprotov6.DynamicValue {
	return objectValue(tb, dataSourceType, map[string]tftypes.Value{"task_id": stringValue(taskID)})
}
