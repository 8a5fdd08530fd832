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
//
// Upstream: no issue found. A search of hashicorp/terraform-plugin-framework's
// issues on 2026-12-04 found none reporting this leak (its issue 781, about
// contexts not being cancelled by StopProvider, is a different bug), and
// registerContext was unchanged on its main branch in May 2026.
package releasectx

import (
	"context"
	"sync/atomic"
	"time"

	"github.com/hashicorp/terraform-plugin-go/tfprotov6"

	"github.com/kpsops/terraform-provider-kps/internal/protowrap"
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
// times per run, pass through unchanged, and so do the RPCs on optional
// interfaces (actions, list resources, state stores), with their own
// contexts: an action's progress, and a list's results, stream on after the
// call returns.
func Wrap(server tfprotov6.ProviderServer) tfprotov6.ProviderServer {
	return protowrap.Wrap(wrapped{server}, server)
}

type wrapped struct {
	tfprotov6.ProviderServer
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
