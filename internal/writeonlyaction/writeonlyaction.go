// Package writeonlyaction works around terraform-plugin-framework v1.19:
// its action schema has WriteOnly (Terraform 1.14 accepts an ephemeral
// value only in a write-only attribute), but its ValidateActionConfig
// validates with WriteOnlyAttributesAllowed false
// (internal/fwserver/server_validateactionconfig.go), so any value in such
// an attribute fails with "WriteOnly Attribute Not Allowed". Actions exist
// only on Terraform 1.14 and newer, which all allow write-only values, so
// the check can never be right for them.
//
// Wrap drops exactly that diagnostic, only from ValidateActionConfig, and
// only for the attributes an action's schema declares write-only; every
// other diagnostic passes. Remove this package once the framework stops
// raising it (TestFrameworkStillRefusesWriteOnlyActionValues says when).
//
// Upstream: no issue found. A search of hashicorp/terraform-plugin-framework's
// issues on 2026-12-04 found none reporting this refusal. The pull request
// that gave action schemas WriteOnly
// (https://github.com/hashicorp/terraform-plugin-framework/pull/1233) left
// ValidateActionConfig's check as it was, and it was unchanged on the main
// branch in May 2026.
package writeonlyaction

import (
	"context"
	"sync"

	"github.com/hashicorp/terraform-plugin-go/tfprotov6"
	"github.com/hashicorp/terraform-plugin-go/tftypes"

	"github.com/kpsops/terraform-provider-kps/internal/protowrap"
)

// Summary is the summary of the framework's diagnostic that is dropped.
const Summary = "WriteOnly Attribute Not Allowed"

// Wrap returns server with the work-around, when server serves actions;
// otherwise server itself. Every other RPC, list resources' included, passes
// through.
func Wrap(server tfprotov6.ProviderServer) tfprotov6.ProviderServer {
	actions, ok := server.(tfprotov6.ActionServer)
	if !ok {
		return server
	}
	return protowrap.Wrap(&wrapped{ProviderServer: server, ActionServer: actions}, server)
}

// wrapped embeds the whole ActionServer, not just the method it overrides, so
// that protowrap.Wrap takes the action RPCs from it rather than from server.
type wrapped struct {
	tfprotov6.ProviderServer
	tfprotov6.ActionServer

	once      sync.Once
	writeOnly map[string][]*tftypes.AttributePath // by action type
}

func (w *wrapped) ValidateActionConfig(ctx context.Context, req *tfprotov6.ValidateActionConfigRequest) (*tfprotov6.ValidateActionConfigResponse, error) {
	resp, err := w.ActionServer.ValidateActionConfig(ctx, req)
	if err != nil || resp == nil {
		return resp, err
	}
	w.once.Do(func() { w.writeOnly = writeOnlyAttributes(ctx, w.ProviderServer) })
	kept := resp.Diagnostics[:0]
	for _, d := range resp.Diagnostics {
		if !w.dropped(req.ActionType, d) {
			kept = append(kept, d)
		}
	}
	resp.Diagnostics = kept
	return resp, nil
}

// dropped reports whether d is the framework's refusal of a value in an
// attribute that the action's schema declares write-only.
func (w *wrapped) dropped(actionType string, d *tfprotov6.Diagnostic) bool {
	if d == nil || d.Severity != tfprotov6.DiagnosticSeverityError || d.Summary != Summary || d.Attribute == nil {
		return false
	}
	for _, p := range w.writeOnly[actionType] {
		if p.Equal(d.Attribute) {
			return true
		}
	}
	return false
}

// writeOnlyAttributes lists, by action type, the paths of the attributes
// its schema declares write-only, nested attributes included.
func writeOnlyAttributes(ctx context.Context, server tfprotov6.ProviderServer) map[string][]*tftypes.AttributePath {
	out := map[string][]*tftypes.AttributePath{}
	resp, err := server.GetProviderSchema(ctx, &tfprotov6.GetProviderSchemaRequest{})
	if err != nil || resp == nil {
		return out
	}
	for name, s := range resp.ActionSchemas {
		if s == nil || s.Schema == nil || s.Schema.Block == nil {
			continue
		}
		out[name] = collect(tftypes.NewAttributePath(), s.Schema.Block.Attributes)
	}
	return out
}

func collect(parent *tftypes.AttributePath, attrs []*tfprotov6.SchemaAttribute) []*tftypes.AttributePath {
	var paths []*tftypes.AttributePath
	for _, a := range attrs {
		p := parent.WithAttributeName(a.Name)
		if a.WriteOnly {
			paths = append(paths, p)
		}
		// A single nested object's attributes: the actions' auth.
		if a.NestedType != nil && a.NestedType.Nesting == tfprotov6.SchemaObjectNestingModeSingle {
			paths = append(paths, collect(p, a.NestedType.Attributes)...)
		}
	}
	return paths
}
