package protowrap_test

import (
	"context"
	"reflect"
	"testing"

	"github.com/hashicorp/terraform-plugin-framework/datasource"
	"github.com/hashicorp/terraform-plugin-framework/provider"
	"github.com/hashicorp/terraform-plugin-framework/providerserver"
	"github.com/hashicorp/terraform-plugin-framework/resource"
	"github.com/hashicorp/terraform-plugin-go/tfprotov6"

	"github.com/kpsops/terraform-provider-kps/internal/releasectx"
	"github.com/kpsops/terraform-provider-kps/internal/writeonlyaction"
)

// workArounds wraps server as internal/provider's protocolServer does.
func workArounds(server tfprotov6.ProviderServer) tfprotov6.ProviderServer {
	return releasectx.Wrap(writeonlyaction.Wrap(server))
}

// TestWorkAroundsKeepEveryOptionalInterface: through both work-arounds, a
// server with actions, list resources and state stores still has all three,
// and every one of their calls reaches it.
func TestWorkAroundsKeepEveryOptionalInterface(t *testing.T) {
	f := &fake{}
	checkServes(t, workArounds(f), f, optionalInterfaces...)
}

// TestWorkAroundsServeEveryFrameworkRPC compares method sets rather than
// known interfaces, so it also fails when a terraform-plugin-go upgrade adds
// an optional interface that protowrap does not know yet: every RPC the
// framework's server answers must still be there once wrapped.
func TestWorkAroundsServeEveryFrameworkRPC(t *testing.T) {
	framework := providerserver.NewProtocol6(stubProvider{})()
	served := reflect.TypeOf(workArounds(framework))
	ctxType := reflect.TypeFor[context.Context]()
	fwType := reflect.TypeOf(framework)
	for m := range fwType.Methods() {
		// An RPC's first argument, after the receiver, is its context.
		if m.Type.NumIn() < 2 || m.Type.In(1) != ctxType {
			continue
		}
		if _, ok := served.MethodByName(m.Name); !ok {
			t.Errorf("the framework serves %s, the wrapped server does not", m.Name)
		}
	}
}

// stubProvider is the least provider the framework serves: which RPCs its
// server has does not depend on the provider.
type stubProvider struct{}

func (stubProvider) Metadata(_ context.Context, _ provider.MetadataRequest, resp *provider.MetadataResponse) {
	resp.TypeName = "stub"
}

func (stubProvider) Schema(context.Context, provider.SchemaRequest, *provider.SchemaResponse) {}

func (stubProvider) Configure(context.Context, provider.ConfigureRequest, *provider.ConfigureResponse) {
}

func (stubProvider) DataSources(context.Context) []func() datasource.DataSource { return nil }

func (stubProvider) Resources(context.Context) []func() resource.Resource { return nil }
