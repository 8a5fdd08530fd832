package provider

import (
	"context"
	"errors"
	"maps"
	"time"

	"github.com/hashicorp/terraform-plugin-framework-timeouts/resource/timeouts"
	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/resource"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
	"github.com/hashicorp/terraform-plugin-framework/tfsdk"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/kpsops/terraform-provider-kps/internal/keypairops"
	"github.com/kpsops/terraform-provider-kps/internal/kps"
)

var (
	_ resource.Resource               = (*keypairAssociationResource)(nil)
	_ resource.ResourceWithConfigure  = (*keypairAssociationResource)(nil)
	_ resource.ResourceWithModifyPlan = (*keypairAssociationResource)(nil)
)

func newKeypairAssociationResource() resource.Resource { return &keypairAssociationResource{} }

// keypairAssociationResource binds a key pair to a server and waits for the
// task; changing what it binds starts a new task in place.
type keypairAssociationResource struct {
	configuredResource
}

type keypairAssociationModel struct {
	ServerID        types.String   `tfsdk:"server_id"`
	KeypairName     types.String   `tfsdk:"keypair_name"`
	ProjectID       types.String   `tfsdk:"project_id"`
	Auth            types.Object   `tfsdk:"auth"`
	DisablePassword types.Bool     `tfsdk:"disable_password"`
	Port            types.Int64    `tfsdk:"port"`
	PollInterval    types.String   `tfsdk:"poll_interval"`
	Timeouts        timeouts.Value `tfsdk:"timeouts"`
	startResultModel
}

// sameTask reports whether m and o ask for the same task: a change to
// anything else (poll_interval, timeouts) starts nothing. auth compares
// whole: key_wo is null in plan and state alike (write-only), so
// key_wo_version stands for it, and an auth not known yet is a change.
func (m *keypairAssociationModel) sameTask(o *keypairAssociationModel) bool {
	return m.KeypairName.Equal(o.KeypairName) && m.Auth.Equal(o.Auth) &&
		m.DisablePassword.Equal(o.DisablePassword) && m.Port.Equal(o.Port)
}

func (r *keypairAssociationResource) Metadata(_ context.Context, req resource.MetadataRequest, resp *resource.MetadataResponse) {
	resp.TypeName = req.ProviderTypeName + "_keypair_association"
}

// ModifyPlan marks the task's results unknown when the update will start a
// new task; otherwise they keep their values from state (UseStateForUnknown),
// so that a change of poll_interval or timeouts alone shows as what it is.
func (r *keypairAssociationResource) ModifyPlan(ctx context.Context, req resource.ModifyPlanRequest, resp *resource.ModifyPlanResponse) {
	if req.State.Raw.IsNull() || req.Plan.Raw.IsNull() {
		return
	}
	var plan, state keypairAssociationModel
	resp.Diagnostics.Append(req.Plan.Get(ctx, &plan)...)
	resp.Diagnostics.Append(req.State.Get(ctx, &state)...)
	if resp.Diagnostics.HasError() || plan.sameTask(&state) {
		return
	}
	for _, name := range []string{"task_id", "task_status", "completed_at"} {
		resp.Diagnostics.Append(resp.Plan.SetAttribute(ctx, path.Root(name), types.StringUnknown())...)
	}
}

// Read makes no API call: no KPS call shows which key pair a server has, so
// a binding undone elsewhere cannot be seen, and a finished task does not change.
func (r *keypairAssociationResource) Read(context.Context, resource.ReadRequest, *resource.ReadResponse) {
}

func (r *keypairAssociationResource) Schema(ctx context.Context, _ resource.SchemaRequest, resp *resource.SchemaResponse) {
	attributes := map[string]schema.Attribute{
		"server_id": serverIDAttribute("The ECS server to bind the key pair to."),
		"keypair_name": schema.StringAttribute{
			Required:            true,
			MarkdownDescription: "The key pair to bind. " + descKeypairName + " Changing it starts a new task, in place.",
			Validators:          []validator.String{keypairNameValidator()},
		},
		"project_id": startProjectIDAttribute(),
		"auth": authAttribute("How KPS logs in to the server now. With `auth`, the key pair replaces the one "+
			"the server has (a `REPLACE` task; the server must be running); without it, the server's key is reset "+
			"(a `RESET` task; the server must be shut down). Changing it starts a new task, in place.",
			"the private key of the key pair bound now"),
		"disable_password": schema.BoolAttribute{
			Optional:            true,
			MarkdownDescription: "Whether to disable password login on the server; sent only when set. Changing it starts a new task, in place.",
		},
		"port":          portAttribute("Changing it starts a new task, in place."),
		"poll_interval": pollIntervalAttribute("the task"),
	}
	maps.Copy(attributes, startResultAttributes("SUCCESS_REPLACE"))
	resp.Schema = schema.Schema{
		MarkdownDescription: "Binds a key pair to an ECS server with KPS (`POST /v3/{project_id}/keypairs/associate`) " +
			"and waits, during apply, until the task has succeeded: resources that reference it are created only " +
			"once the new key is on the server.\n\n" + descStartSequence + "\n\n" +
			"An apply interrupted after the task started (Ctrl-C, or the timeout, which does not mean the task failed) " +
			"keeps the task's ID in state. The next apply first finds out how that task ended, waiting while it runs: " +
			"a replace that succeeded has changed the key the server accepts, so a success for the key pair now " +
			"planned is adopted and nothing is sent again; a task that failed or vanished is started anew. After an " +
			"interrupted create the resource is tainted: its replacement's destroy step reads the task (for at most " +
			"`timeouts.create`) and the create adopts a success. With `create_before_destroy` the create runs first " +
			"and cannot know, so it starts a task anew.\n\n" +
			"The timeouts bound the whole operation, from the moment the apply of the resource starts (waiting behind " +
			"another start on the same server included) through every poll, retry and `Retry-After`. No KPS call shows which key pair a server has, so " +
			"refreshes make no API call and cannot see a binding undone elsewhere; destroying the resource only " +
			"forgets it (the key pair stays bound: use `kps_keypair_disassociation` to unbind). Import is not supported.",
		Attributes: attributes,
		Blocks: map[string]schema.Block{
			"timeouts": timeouts.Block(ctx, timeouts.Opts{
				Create: true, Update: true,
				CreateDescription: "How long to wait in all (for the server, then the task) when the resource is created. Defaults to `30m`.",
				UpdateDescription: "How long to wait in all when an update starts a new task. Defaults to `30m`.",
			}),
		},
	}
}

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
	pollInterval, diags := pollIntervalArgument.read(state.PollInterval)
	resp.Diagnostics.Append(diags...)
	client, project, d := r.data.clientFor(ctx, state.ProjectID)
	resp.Diagnostics.Append(d...)
	if resp.Diagnostics.HasError() {
		return
	}
	server := state.ServerID.ValueString()
	out, ok, err := r.data.settle(ctx, client, project, server, state.TaskID.ValueString(), pollInterval, timeout)
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
	pollInterval, d := pollIntervalArgument.read(plan.PollInterval)
	diags.Append(d...)
	if diags.HasError() {
		return project, keypairops.Outcome{}, nil
	}
	server, keypair := plan.ServerID.ValueString(), plan.KeypairName.ValueString()
	if out, ok := r.data.settled.take(project+"/"+server, keypair); ok {
		return project, out, nil
	}
	if prior != nil && prior.KeypairName == keypair {
		out, ok, err := r.data.settle(ctx, client, project, server, prior.TaskID, pollInterval, timeout)
		if ok || err != nil {
			return project, out, err
		}
	}
	op := keypairops.Operation{Associate: &kps.AssociateRequest{
		ServerID: server, KeypairName: keypair, Auth: auth,
		DisablePassword: plan.DisablePassword.ValueBoolPointer(), Port: plan.Port.ValueInt64Pointer(),
	}}
	out, err := r.data.runStart(ctx, client, project, op, pollInterval, max(timeout-time.Since(began), 0), diags)
	return project, out, err
}
