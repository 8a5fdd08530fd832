// Package protowrap lets a wrapper around a tfprotov6.ProviderServer override
// a few of its methods without hiding the RPCs the server serves beyond
// ProviderServer.
//
// terraform-plugin-go v0.31 keeps three groups of RPCs off ProviderServer, on
// optional interfaces: ActionServer, ListResourceServer and StateStoreServer.
// Its gRPC server (tf6server) finds them by type assertion on each call. A
// wrapper struct that embeds only ProviderServer has none of them: the
// schema would still list the actions and list resources, but every call to
// one would be answered "Not Implemented". Wrap puts them back, written once
// for every work-around that wraps the framework's server.
//
// When terraform-plugin-go adds an optional interface, add it to Wrap; the
// test that compares the framework server's RPCs with the wrapped server's
// fails until then.
package protowrap

import (
	"github.com/hashicorp/terraform-plugin-go/tfprotov6"
)

// Wrap returns outer with exactly the optional interfaces that inner
// implements: outer serves the ProviderServer RPCs, and each optional
// interface is served by outer when outer implements that whole interface
// itself (so a wrapper overrides an optional RPC by embedding its interface
// and defining the method), and by inner otherwise. An optional interface
// that inner lacks is hidden even if outer has it, so that a wrapper never
// offers Terraform an RPC the server it wraps cannot answer.
//
// outer normally embeds inner as a ProviderServer and defines the methods it
// overrides.
func Wrap(outer, inner tfprotov6.ProviderServer) tfprotov6.ProviderServer {
	actions := optional[tfprotov6.ActionServer](outer, inner)
	lists := optional[tfprotov6.ListResourceServer](outer, inner)
	stores := optional[tfprotov6.StateStoreServer](outer, inner)

	// Go cannot add methods to a value at run time, so each combination of
	// optional interfaces needs a struct type of its own.
	switch {
	case actions != nil && lists != nil && stores != nil:
		return struct {
			tfprotov6.ProviderServer
			tfprotov6.ActionServer
			tfprotov6.ListResourceServer
			tfprotov6.StateStoreServer
		}{outer, actions, lists, stores}
	case actions != nil && lists != nil:
		return struct {
			tfprotov6.ProviderServer
			tfprotov6.ActionServer
			tfprotov6.ListResourceServer
		}{outer, actions, lists}
	case actions != nil && stores != nil:
		return struct {
			tfprotov6.ProviderServer
			tfprotov6.ActionServer
			tfprotov6.StateStoreServer
		}{outer, actions, stores}
	case lists != nil && stores != nil:
		return struct {
			tfprotov6.ProviderServer
			tfprotov6.ListResourceServer
			tfprotov6.StateStoreServer
		}{outer, lists, stores}
	case actions != nil:
		return struct {
			tfprotov6.ProviderServer
			tfprotov6.ActionServer
		}{outer, actions}
	case lists != nil:
		return struct {
			tfprotov6.ProviderServer
			tfprotov6.ListResourceServer
		}{outer, lists}
	case stores != nil:
		return struct {
			tfprotov6.ProviderServer
			tfprotov6.StateStoreServer
		}{outer, stores}
	}
	return struct{ tfprotov6.ProviderServer }{outer}
}

// optional is who serves the optional interface I: outer if it implements
// I, else inner; nil when inner does not implement I.
func optional[I any](outer, inner tfprotov6.ProviderServer) I {
	var none I
	fallback, ok := inner.(I)
	if !ok {
		return none
	}
	if own, ok := outer.(I); ok {
		return own
	}
	return fallback
}
