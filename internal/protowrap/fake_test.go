package protowrap_test

import (
	"context"
	"reflect"
	"slices"
	"testing"

	"github.com/hashicorp/terraform-plugin-go/tfprotov6"
)

// fake stands for the framework's server: it serves every optional RPC and
// records which were called. Its ProviderServer is nil but for
// GetProviderSchema, which package writeonlyaction asks for.
type fake struct {
	tfprotov6.ProviderServer
	calls []string
}

func (f *fake) hit(name string) { f.calls = append(f.calls, name) }

func (f *fake) GetProviderSchema(context.Context, *tfprotov6.GetProviderSchemaRequest) (*tfprotov6.GetProviderSchemaResponse, error) {
	return &tfprotov6.GetProviderSchemaResponse{}, nil
}

func (f *fake) ValidateActionConfig(context.Context, *tfprotov6.ValidateActionConfigRequest) (*tfprotov6.ValidateActionConfigResponse, error) {
	f.hit("ValidateActionConfig")
	return &tfprotov6.ValidateActionConfigResponse{}, nil
}

func (f *fake) PlanAction(context.Context, *tfprotov6.PlanActionRequest) (*tfprotov6.PlanActionResponse, error) {
	f.hit("PlanAction")
	return &tfprotov6.PlanActionResponse{}, nil
}

func (f *fake) InvokeAction(context.Context, *tfprotov6.InvokeActionRequest) (*tfprotov6.InvokeActionServerStream, error) {
	f.hit("InvokeAction")
	return &tfprotov6.InvokeActionServerStream{}, nil
}

func (f *fake) ValidateListResourceConfig(context.Context, *tfprotov6.ValidateListResourceConfigRequest) (*tfprotov6.ValidateListResourceConfigResponse, error) {
	f.hit("ValidateListResourceConfig")
	return &tfprotov6.ValidateListResourceConfigResponse{}, nil
}

func (f *fake) ListResource(context.Context, *tfprotov6.ListResourceRequest) (*tfprotov6.ListResourceServerStream, error) {
	f.hit("ListResource")
	return &tfprotov6.ListResourceServerStream{}, nil
}

func (f *fake) ValidateStateStoreConfig(context.Context, *tfprotov6.ValidateStateStoreConfigRequest) (*tfprotov6.ValidateStateStoreConfigResponse, error) {
	f.hit("ValidateStateStoreConfig")
	return &tfprotov6.ValidateStateStoreConfigResponse{}, nil
}

func (f *fake) ConfigureStateStore(context.Context, *tfprotov6.ConfigureStateStoreRequest) (*tfprotov6.ConfigureStateStoreResponse, error) {
	f.hit("ConfigureStateStore")
	return &tfprotov6.ConfigureStateStoreResponse{}, nil
}

func (f *fake) ReadStateBytes(context.Context, *tfprotov6.ReadStateBytesRequest) (*tfprotov6.ReadStateBytesStream, error) {
	f.hit("ReadStateBytes")
	return &tfprotov6.ReadStateBytesStream{}, nil
}

func (f *fake) WriteStateBytes(context.Context, *tfprotov6.WriteStateBytesStream) (*tfprotov6.WriteStateBytesResponse, error) {
	f.hit("WriteStateBytes")
	return &tfprotov6.WriteStateBytesResponse{}, nil
}

func (f *fake) GetStates(context.Context, *tfprotov6.GetStatesRequest) (*tfprotov6.GetStatesResponse, error) {
	f.hit("GetStates")
	return &tfprotov6.GetStatesResponse{}, nil
}

func (f *fake) DeleteState(context.Context, *tfprotov6.DeleteStateRequest) (*tfprotov6.DeleteStateResponse, error) {
	f.hit("DeleteState")
	return &tfprotov6.DeleteStateResponse{}, nil
}

func (f *fake) LockState(context.Context, *tfprotov6.LockStateRequest) (*tfprotov6.LockStateResponse, error) {
	f.hit("LockState")
	return &tfprotov6.LockStateResponse{}, nil
}

func (f *fake) UnlockState(context.Context, *tfprotov6.UnlockStateRequest) (*tfprotov6.UnlockStateResponse, error) {
	f.hit("UnlockState")
	return &tfprotov6.UnlockStateResponse{}, nil
}

// optionalInterfaces are the optional interfaces of terraform-plugin-go
// v0.31 that package protowrap passes through.
var optionalInterfaces = []reflect.Type{
	reflect.TypeFor[tfprotov6.ActionServer](),
	reflect.TypeFor[tfprotov6.ListResourceServer](),
	reflect.TypeFor[tfprotov6.StateStoreServer](),
}

// checkServes fails t unless server implements exactly the optional
// interfaces in want, and every method of those, called through server,
// reaches f.
func checkServes(t *testing.T, server tfprotov6.ProviderServer, f *fake, want ...reflect.Type) {
	t.Helper()
	for _, iface := range optionalInterfaces {
		has := reflect.TypeOf(server).Implements(iface)
		if wanted := slices.Contains(want, iface); has != wanted {
			t.Errorf("implements %v: %v, want %v", iface, has, wanted)
			continue
		}
		if !has {
			continue
		}
		for m := range iface.Methods() {
			f.calls = nil
			method := reflect.ValueOf(server).MethodByName(m.Name)
			method.Call([]reflect.Value{reflect.ValueOf(t.Context()), reflect.New(m.Type.In(1).Elem())})
			if !slices.Contains(f.calls, m.Name) {
				t.Errorf("%s did not reach the inner server (it saw %v)", m.Name, f.calls)
			}
		}
	}
}
