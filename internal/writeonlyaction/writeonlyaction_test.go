package writeonlyaction_test

import (
	"testing"

	"github.com/hashicorp/terraform-plugin-framework/providerserver"
	"github.com/hashicorp/terraform-plugin-go/tfprotov6"
	"github.com/hashicorp/terraform-plugin-go/tftypes"

	"github.com/kpsops/terraform-provider-kps/internal/provider"
	"github.com/kpsops/terraform-provider-kps/internal/writeonlyaction"
)

// frameworkServer is the provider as the framework serves it, without the
// work-around.
func frameworkServer() tfprotov6.ProviderServer {
	return providerserver.NewProtocol6(provider.New("test")())()
}

// associateConfig is a kps_associate_keypair configuration whose auth has
// the given type and a key, every other attribute null but the required.
func associateConfig(t *testing.T, server tfprotov6.ProviderServer, authType string) *tfprotov6.DynamicValue {
	t.Helper()
	resp, err := server.GetProviderSchema(t.Context(), &tfprotov6.GetProviderSchemaRequest{})
	if err != nil {
		t.Fatal(err)
	}
	typ, ok := resp.ActionSchemas["kps_associate_keypair"].Schema.ValueType().(tftypes.Object)
	if !ok {
		t.Fatal("the action's schema is not an object")
	}
	auth, ok := typ.AttributeTypes["auth"].(tftypes.Object)
	if !ok {
		t.Fatal("auth is not an object")
	}
	values := map[string]tftypes.Value{}
	for name, at := range typ.AttributeTypes {
		values[name] = tftypes.NewValue(at, nil)
	}
	values["server_id"] = tftypes.NewValue(tftypes.String, "srv")
	values["keypair_name"] = tftypes.NewValue(tftypes.String, "kp")
	values["auth"] = tftypes.NewValue(auth, map[string]tftypes.Value{
		"type": tftypes.NewValue(tftypes.String, authType), "key": tftypes.NewValue(tftypes.String, "the key"),
	})
	dv, err := tfprotov6.NewDynamicValue(typ, tftypes.NewValue(typ, values))
	if err != nil {
		t.Fatal(err)
	}
	return &dv
}

func validate(t *testing.T, server tfprotov6.ProviderServer, authType string) []*tfprotov6.Diagnostic {
	t.Helper()
	actions, ok := server.(tfprotov6.ActionServer)
	if !ok {
		t.Fatal("the server has no action RPCs")
	}
	resp, err := actions.ValidateActionConfig(t.Context(), &tfprotov6.ValidateActionConfigRequest{
		ActionType: "kps_associate_keypair", Config: associateConfig(t, server, authType),
	})
	if err != nil {
		t.Fatal(err)
	}
	return resp.Diagnostics
}

func summaries(diags []*tfprotov6.Diagnostic) []string {
	var out []string
	for _, d := range diags {
		out = append(out, d.Summary)
	}
	return out
}

// TestFrameworkStillRefusesWriteOnlyActionValues fails once the framework
// stops refusing a value in a write-only action attribute: then remove
// package writeonlyaction, and this test with it.
func TestFrameworkStillRefusesWriteOnlyActionValues(t *testing.T) {
	diags := validate(t, frameworkServer(), "keypair")
	if len(diags) != 1 || diags[0].Summary != writeonlyaction.Summary {
		t.Fatalf("the framework answers %v: it no longer refuses write-only action values, so remove package "+
			"writeonlyaction", summaries(diags))
	}
}

// TestWorkAroundDropsOnlyThatRefusal: wrapped, a valid configuration passes,
// and every other error (a bad auth.type) still comes through.
func TestWorkAroundDropsOnlyThatRefusal(t *testing.T) {
	server := writeonlyaction.Wrap(frameworkServer())
	if diags := validate(t, server, "keypair"); len(diags) != 0 {
		t.Fatalf("a valid configuration: %v", summaries(diags))
	}
	if diags := validate(t, server, "ssh"); len(diags) != 1 || diags[0].Summary != "Invalid auth.type" {
		t.Fatalf("a bad auth.type: %v, want its error alone", summaries(diags))
	}
}
