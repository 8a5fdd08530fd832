// Package releasectx works around a memory leak in terraform-plugin-framework
// v1.19: its protocol server (internal/proto6server, registerContext) keeps a
// cancel function for the context of every call until StopProvider, which
// Terraform sends only when interrupted. Each of those contexts carries the
// loggers that terraform-plugin-go builds for every call, so a plan with a
// thousand reads kept about 23 KiB per read, 25 MiB in all, until the
// provider exited.
//
// Wrap hands each high-volume call a context that forwards to the real one
// until the call returns and is then released: the framework still keeps
// its cancel function, but that now holds a few hundred bytes instead of the
// whole context. Remove this package once the framework forgets the contexts
// of finished calls.
package releasectx

import (
	"context"
	"sync/atomic"
	"time"

	"github.com/hashicorp/terraform-plugin-go/tfprotov6"
)

// releasable forwards to a context until released; afterwards it is a
// cancelled, empty context. Logging looks up context values many times a
// call, so the forwarding is an atomic load, not a lock.
type releasable struct {
	ctx atomic.Pointer[holder] // nil once released
}

type holder struct{ ctx context.Context }

func newReleasable(ctx context.Context) *releasable {
	r := &releasable{}
	r.ctx.Store(&holder{ctx})
	return r
}

var closed = func() chan struct{} {
	c := make(chan struct{})
	close(c)
	return c
}()

func (r *releasable) live() context.Context {
	if h := r.ctx.Load(); h != nil {
		return h.ctx
	}
	return nil
}

func (r *releasable) Deadline() (time.Time, bool) {
	if ctx := r.live(); ctx != nil {
		return ctx.Deadline()
	}
	return time.Time{}, false
}

func (r *releasable) Done() <-chan struct{} {
	if ctx := r.live(); ctx != nil {
		return ctx.Done()
	}
	return closed
}

func (r *releasable) Err() error {
	if ctx := r.live(); ctx != nil {
		return ctx.Err()
	}
	return context.Canceled
}

func (r *releasable) Value(key any) any {
	if ctx := r.live(); ctx != nil {
		return ctx.Value(key)
	}
	return nil
}

func (r *releasable) release() { r.ctx.Store(nil) }

// call runs f with a context that is released when f returns.
func call[Req, Resp any](ctx context.Context, req Req, f func(context.Context, Req) (Resp, error)) (Resp, error) {
	r := newReleasable(ctx)
	defer r.release()
	return f(r, req)
}

// Wrap returns server with the calls Terraform makes once per data source or
// resource instance given releasable contexts. The other calls, made a few
// times per run, pass through unchanged.
func Wrap(server tfprotov6.ProviderServer) tfprotov6.ProviderServer {
	// Action and list RPCs sit on optional interfaces: a wrapper that only
	// embedded ProviderServer would hide them, and Terraform would be told
	// the provider has no actions and no list resources. They pass through
	// unchanged, with their own contexts: an action's progress, and a list's
	// results, stream on after the call returns.
	return passOptional(wrapped{server}, server)
}

// passOptional is w with the optional RPCs of server (actions, list
// resources) passed through to server.
func passOptional(w tfprotov6.ProviderServer, server tfprotov6.ProviderServer) tfprotov6.ProviderServer {
	actions, hasActions := server.(tfprotov6.ActionServer)
	lists, hasLists := server.(tfprotov6.ListResourceServer)
	switch {
	case hasActions && hasLists:
		return withActionsAndLists{w, actions, lists}
	case hasActions:
		return withActions{w, actions}
	case hasLists:
		return withLists{w, lists}
	}
	return w
}

type wrapped struct {
	tfprotov6.ProviderServer
}

type withActions struct {
	tfprotov6.ProviderServer
	tfprotov6.ActionServer
}

type withLists struct {
	tfprotov6.ProviderServer
	tfprotov6.ListResourceServer
}

type withActionsAndLists struct {
	tfprotov6.ProviderServer
	tfprotov6.ActionServer
	tfprotov6.ListResourceServer
}

func (w wrapped) ValidateDataResourceConfig(ctx context.Context, req *tfprotov6.ValidateDataResourceConfigRequest) (*tfprotov6.ValidateDataResourceConfigResponse, error) {
	return call(ctx, req, w.ProviderServer.ValidateDataResourceConfig)
}

func (w wrapped) ReadDataSource(ctx context.Context, req *tfprotov6.ReadDataSourceRequest) (*tfprotov6.ReadDataSourceResponse, error) {
	return call(ctx, req, w.ProviderServer.ReadDataSource)
}

func (w wrapped) ValidateResourceConfig(ctx context.Context, req *tfprotov6.ValidateResourceConfigRequest) (*tfprotov6.ValidateResourceConfigResponse, error) {
	return call(ctx, req, w.ProviderServer.ValidateResourceConfig)
}

func (w wrapped) UpgradeResourceState(ctx context.Context, req *tfprotov6.UpgradeResourceStateRequest) (*tfprotov6.UpgradeResourceStateResponse, error) {
	return call(ctx, req, w.ProviderServer.UpgradeResourceState)
}

func (w wrapped) ReadResource(ctx context.Context, req *tfprotov6.ReadResourceRequest) (*tfprotov6.ReadResourceResponse, error) {
	return call(ctx, req, w.ProviderServer.ReadResource)
}

func (w wrapped) PlanResourceChange(ctx context.Context, req *tfprotov6.PlanResourceChangeRequest) (*tfprotov6.PlanResourceChangeResponse, error) {
	return call(ctx, req, w.ProviderServer.PlanResourceChange)
}

func (w wrapped) ApplyResourceChange(ctx context.Context, req *tfprotov6.ApplyResourceChangeRequest) (*tfprotov6.ApplyResourceChangeResponse, error) {
	return call(ctx, req, w.ProviderServer.ApplyResourceChange)
}

func (w wrapped) ImportResourceState(ctx context.Context, req *tfprotov6.ImportResourceStateRequest) (*tfprotov6.ImportResourceStateResponse, error) {
	return call(ctx, req, w.ProviderServer.ImportResourceState)
}
