package provider

import (
	"context"
	"errors"
	"time"

	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/resource"
	"github.com/hashicorp/terraform-plugin-framework/tfsdk"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/kpsops/terraform-provider-kps/internal/keypairops"
	"github.com/kpsops/terraform-provider-kps/internal/kps"
)

// Create binds the key pair. Only a task that succeeded saves state; one
// interrupted after it started saves its ID, so that the resource is
// replaced at the next apply, which waits for that task first.
func (r *keypairAssociationResource) Create(ctx context.Context, req resource.CreateRequest, resp *resource.CreateResponse) {
	var plan keypairAssociationModel
	resp.Diagnostics.Append(req.Plan.Get(ctx, &plan)...)
	if resp.Diagnostics.HasError() {
		return
	}
	timeout, diags := plan.Timeouts.Create(ctx, defaultStartTimeout)
	resp.Diagnostics.Append(diags...)
	project, out, err := r.associate(ctx, req.Config, &plan, timeout, &resp.Diagnostics)
	if resp.Diagnostics.HasError() {
		return
	}
	plan.ProjectID = types.StringValue(project)
	finishCreate(ctx, resp, &plan, &plan.startResultModel, project, plan.ServerID.ValueString(), out, err)
}

// Update starts a new task when what is bound changed; a change of
// poll_interval or timeouts alone only updates the state.
func (r *keypairAssociationResource) Update(ctx context.Context, req resource.UpdateRequest, resp *resource.UpdateResponse) {
	var plan, state keypairAssociationModel
	resp.Diagnostics.Append(req.Plan.Get(ctx, &plan)...)
	resp.Diagnostics.Append(req.State.Get(ctx, &state)...)
	if resp.Diagnostics.HasError() {
		return
	}
	if plan.sameTask(&state) {
		plan.startResultModel = state.startResultModel
		resp.Diagnostics.Append(resp.State.Set(ctx, &plan)...)
		return
	}
	timeout, diags := plan.Timeouts.Update(ctx, defaultStartTimeout)
	resp.Diagnostics.Append(diags...)
	project, out, err := r.associate(ctx, req.Config, &plan, timeout, &resp.Diagnostics)
	var started *keypairops.StartedError
	switch {
	case resp.Diagnostics.HasError():
	case err == nil:
		plan.ProjectID = types.StringValue(project)
		plan.succeeded(project, plan.ServerID.ValueString(), out)
		resp.Diagnostics.Append(resp.State.Set(ctx, &plan)...)
		return
	case errors.As(err, &started):
		// The old arguments with the new task: the next plan proposes the
		// update again, and its apply waits for this task first.
		state.interrupted(state.ProjectID.ValueString(), state.ServerID.ValueString(), started)
		resp.Diagnostics.AddError(startErrorDiag(err, resourceUpdateWording))
	default:
		resp.Diagnostics.AddError(startErrorDiag(err, resourceUpdateWording))
	}
	// Only a task that succeeded changes the arguments in state.
	resp.Diagnostics.Append(resp.State.Set(ctx, &state)...)
}

// associate runs the start-and-wait sequence for plan.
func (r *keypairAssociationResource) associate(ctx context.Context, config tfsdk.Config, plan *keypairAssociationModel,
	timeout time.Duration, diags *diag.Diagnostics,
) (string, keypairops.Outcome, error) {
	client, project, auth := r.data.startInputs(ctx, config, plan.ProjectID, plan.Auth, diags)
	if diags.HasError() {
		return project, keypairops.Outcome{}, nil
	}
	op := keypairops.Operation{Associate: &kps.AssociateRequest{
		ServerID: plan.ServerID.ValueString(), KeypairName: plan.KeypairName.ValueString(), Auth: auth,
		DisablePassword: plan.DisablePassword.ValueBoolPointer(), Port: plan.Port.ValueInt64Pointer(),
	}}
	out, err := r.data.runStart(ctx, client, project, op, plan.PollInterval, timeout, diags)
	return project, out, err
}
