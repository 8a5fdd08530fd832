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
// replaced at the next apply, whose Delete finds out how that task ended
// and whose Create then adopts a success rather than starting it again.
func (r *keypairAssociationResource) Create(ctx context.Context, req resource.CreateRequest, resp *resource.CreateResponse) {
	var plan keypairAssociationModel
	resp.Diagnostics.Append(req.Plan.Get(ctx, &plan)...)
	if resp.Diagnostics.HasError() {
		return
	}
	timeout, diags := plan.Timeouts.Create(ctx, defaultStartTimeout)
	resp.Diagnostics.Append(diags...)
	project, out, err := r.associate(ctx, req.Config, &plan, timeout, nil, &resp.Diagnostics)
	if resp.Diagnostics.HasError() {
		return
	}
	plan.ProjectID = types.StringValue(project)
	if started := (*keypairops.StartedError)(nil); errors.As(err, &started) {
		resp.Diagnostics.Append(recordInterrupted(ctx, resp.Private,
			&interruptedTask{TaskID: started.TaskID, KeypairName: plan.KeypairName.ValueString()})...)
	}
	finishCreate(ctx, resp, &plan, &plan.startResultModel, project, plan.ServerID.ValueString(), out, err)
}

// Update starts a new task when what is bound changed; a change of
// poll_interval or timeouts alone only updates the state. After an
// interrupted update, it first finds out how that update's task ended.
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
	var prior *interruptedTask
	if !state.TaskID.IsNull() && state.CompletedAt.IsNull() {
		prior = recalledInterrupted(ctx, req.Private, state.TaskID)
	}
	project, out, err := r.associate(ctx, req.Config, &plan, timeout, prior, &resp.Diagnostics)
	var started *keypairops.StartedError
	switch {
	case resp.Diagnostics.HasError():
	case err == nil:
		plan.ProjectID = types.StringValue(project)
		plan.succeeded(project, plan.ServerID.ValueString(), out)
		resp.Diagnostics.Append(recordInterrupted(ctx, resp.Private, nil)...)
		resp.Diagnostics.Append(resp.State.Set(ctx, &plan)...)
		return
	case errors.As(err, &started):
		// The old arguments with the new task: the next plan proposes the
		// update again, and its apply finds out how this task ended first.
		state.interrupted(state.ProjectID.ValueString(), state.ServerID.ValueString(), started)
		resp.Diagnostics.Append(recordInterrupted(ctx, resp.Private,
			&interruptedTask{TaskID: started.TaskID, KeypairName: plan.KeypairName.ValueString()})...)
		resp.Diagnostics.AddError(startErrorDiag(err, resourceUpdateWording))
	default:
		resp.Diagnostics.AddError(startErrorDiag(err, resourceUpdateWording))
	}
	// Only a task that succeeded changes the arguments in state.
	resp.Diagnostics.Append(resp.State.Set(ctx, &state)...)
}

// Delete only forgets, with a warning that the key pair stays bound
// (kps_keypair_disassociation unbinds it). A tainted resource, whose create was interrupted after its
// task started, first finds out how that task ended, waiting while it runs
// (at most timeouts.create), so that the Create replacing it adopts a
// success instead of sending the same start again. With
// create_before_destroy that Create runs first and cannot know.
func (r *keypairAssociationResource) Delete(ctx context.Context, req resource.DeleteRequest, resp *resource.DeleteResponse) {
	var state keypairAssociationModel
	resp.Diagnostics.Append(req.State.Get(ctx, &state)...)
	if resp.Diagnostics.HasError() {
		return
	}
	if state.TaskID.IsNull() || !state.CompletedAt.IsNull() {
		resp.Diagnostics.AddWarning("The key pair stays bound to server "+state.ServerID.ValueString(),
			"Destroying kps_keypair_association only forgets it: key pair "+state.KeypairName.ValueString()+
				" is still bound to server "+state.ServerID.ValueString()+", since no KPS call undoes a binding by "+
				"itself. To unbind it, use kps_keypair_disassociation or the kps_disassociate_keypair action.")
		return
	}
	timeout, diags := state.Timeouts.Create(ctx, defaultStartTimeout)
	resp.Diagnostics.Append(diags...)
	client, project, d := r.data.clientFor(ctx, state.ProjectID)
	resp.Diagnostics.Append(d...)
	if resp.Diagnostics.HasError() {
		return
	}
	server := state.ServerID.ValueString()
	out, ok, err := r.data.settle(ctx, client, project, server, state.TaskID.ValueString(), state.PollInterval, timeout)
	switch {
	case err != nil:
		resp.Diagnostics.AddError("Wait for KPS task "+state.TaskID.ValueString()+" interrupted",
			"The resource's create was interrupted after task "+state.TaskID.ValueString()+" started, and this "+
				"apply was finding out how that task ended before replacing the resource: "+err.Error()+
				". The resource stays in state, tainted; the next apply looks again.")
	case ok:
		r.data.settled.put(project+"/"+server, settledTask{keypairName: state.KeypairName.ValueString(), outcome: out})
	}
}

// associate runs the start-and-wait sequence for plan, within timeout. A
// success of an interrupted apply's task for the same key pair is adopted
// instead: prior's (an interrupted update), or one the Delete of a tainted
// resource on the same server found (an interrupted create).
func (r *keypairAssociationResource) associate(ctx context.Context, config tfsdk.Config, plan *keypairAssociationModel,
	timeout time.Duration, prior *interruptedTask, diags *diag.Diagnostics,
) (string, keypairops.Outcome, error) {
	began := time.Now()
	client, project, auth := r.data.startInputs(ctx, config, plan.ProjectID, plan.Auth, diags)
	if diags.HasError() {
		return project, keypairops.Outcome{}, nil
	}
	server, keypair := plan.ServerID.ValueString(), plan.KeypairName.ValueString()
	if out, ok := r.data.settled.take(project+"/"+server, keypair); ok {
		return project, out, nil
	}
	if prior != nil && prior.KeypairName == keypair {
		out, ok, err := r.data.settle(ctx, client, project, server, prior.TaskID, plan.PollInterval, timeout)
		if ok || err != nil {
			return project, out, err
		}
	}
	op := keypairops.Operation{Associate: &kps.AssociateRequest{
		ServerID: server, KeypairName: keypair, Auth: auth,
		DisablePassword: plan.DisablePassword.ValueBoolPointer(), Port: plan.Port.ValueInt64Pointer(),
	}}
	out, err := r.data.runStart(ctx, client, project, op, plan.PollInterval, max(timeout-time.Since(began), 0), diags)
	return project, out, err
}
