package protowrap_test

import (
	"context"
	"reflect"
	"testing"

	"github.com/hashicorp/terraform-plugin-go/tfprotov6"

	"github.com/kpsops/terraform-provider-kps/internal/protowrap"
)

// plain is a wrapper that overrides nothing: it embeds only ProviderServer,
// so without protowrap it would hide every optional interface.
type plain struct {
	tfprotov6.ProviderServer
}

// TestKeepsExactlyTheOptionalInterfacesOfInner: for every combination of
// optional interfaces the inner server has, the wrapped server has the same,
// and their calls reach the inner server.
func TestKeepsExactlyTheOptionalInterfacesOfInner(t *testing.T) {
	actions, lists, stores := optionalInterfaces[0], optionalInterfaces[1], optionalInterfaces[2]
	f := &fake{}
	for _, c := range []struct {
		name  string
		inner tfprotov6.ProviderServer
		want  []reflect.Type
	}{
		{"none", struct{ tfprotov6.ProviderServer }{f}, nil},
		{"actions", struct {
			tfprotov6.ProviderServer
			tfprotov6.ActionServer
		}{f, f}, []reflect.Type{actions}},
		{"lists", struct {
			tfprotov6.ProviderServer
			tfprotov6.ListResourceServer
		}{f, f}, []reflect.Type{lists}},
		{"state stores", struct {
			tfprotov6.ProviderServer
			tfprotov6.StateStoreServer
		}{f, f}, []reflect.Type{stores}},
		{"actions and lists", struct {
			tfprotov6.ProviderServer
			tfprotov6.ActionServer
			tfprotov6.ListResourceServer
		}{f, f, f}, []reflect.Type{actions, lists}},
		{"actions and state stores", struct {
			tfprotov6.ProviderServer
			tfprotov6.ActionServer
			tfprotov6.StateStoreServer
		}{f, f, f}, []reflect.Type{actions, stores}},
		{"lists and state stores", struct {
			tfprotov6.ProviderServer
			tfprotov6.ListResourceServer
			tfprotov6.StateStoreServer
		}{f, f, f}, []reflect.Type{lists, stores}},
		{"all", f, []reflect.Type{actions, lists, stores}},
	} {
		t.Run(c.name, func(t *testing.T) {
			checkServes(t, protowrap.Wrap(plain{c.inner}, c.inner), f, c.want...)
		})
	}
}

// overridesPlanAction overrides one action RPC, embedding the whole
// ActionServer as protowrap asks.
type overridesPlanAction struct {
	tfprotov6.ProviderServer
	tfprotov6.ActionServer
	planned bool
}

func (o *overridesPlanAction) PlanAction(ctx context.Context, req *tfprotov6.PlanActionRequest) (*tfprotov6.PlanActionResponse, error) {
	o.planned = true
	return o.ActionServer.PlanAction(ctx, req)
}

// TestOuterOverridesAnOptionalRPC: the override is called, the interface's
// other methods still reach the inner server, and the other optional
// interfaces come from the inner server.
func TestOuterOverridesAnOptionalRPC(t *testing.T) {
	f := &fake{}
	outer := &overridesPlanAction{ProviderServer: f, ActionServer: f}
	server := protowrap.Wrap(outer, f)
	checkServes(t, server, f, optionalInterfaces...)
	if !outer.planned {
		t.Fatal("PlanAction did not go through the outer server's override")
	}
}

// TestOuterCannotAddAnInterfaceInnerLacks: a wrapper never offers Terraform
// an RPC the server it wraps cannot answer.
func TestOuterCannotAddAnInterfaceInnerLacks(t *testing.T) {
	f := &fake{}
	inner := struct{ tfprotov6.ProviderServer }{f}
	server := protowrap.Wrap(&overridesPlanAction{ProviderServer: inner, ActionServer: f}, inner)
	checkServes(t, server, f)
}
