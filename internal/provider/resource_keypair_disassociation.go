package provider

import (
	"context"
	"maps"

	"github.com/hashicorp/terraform-plugin-framework-timeouts/resource/timeouts"
	"github.com/hashicorp/terraform-plugin-framework/resource"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/objectplanmodifier"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/kpsops/terraform-provider-kps/internal/keypairops"
	"github.com/kpsops/terraform-provider-kps/internal/kps"
)

var (
	_ resource.Resource              = (*keypairDisassociationResource)(nil)
	_ resource.ResourceWithConfigure = (*keypairDisassociationResource)(nil)
)

func newKeypairDisassociationResource() resource.Resource { return &keypairDisassociationResource{} }

// keypairDisassociationResource unbinds a server's key pair once, when it
// is created, and waits for the task.
type keypairDisassociationResource struct {
	configuredResource
}

type keypairDisassociationModel struct {
	ServerID     types.String   `tfsdk:"server_id"`
	ProjectID    types.String   `tfsdk:"project_id"`
	Auth         types.Object   `tfsdk:"auth"`
	PollInterval types.String   `tfsdk:"poll_interval"`
	Timeouts     timeouts.Value `tfsdk:"timeouts"`
	startResultModel
}

func (r *keypairDisassociationResource) Metadata(_ context.Context, req resource.MetadataRequest, resp *resource.MetadataResponse) {
	resp.TypeName = req.ProviderTypeName + "_keypair_disassociation"
}

func (r *keypairDisassociationResource) Schema(ctx context.Context, _ resource.SchemaRequest, resp *resource.SchemaResponse) {
	attributes := map[string]schema.Attribute{
		"server_id":  serverIDAttribute("The ECS server whose key pair to unbind."),
		"project_id": startProjectIDAttribute(),
		"auth": authAttribute("How KPS logs in to the server now: needed when the server is running (the private key "+
			"of the key pair bound now), not when it is shut down. Changing it forces a new resource, which unbinds again.",
			"the private key of the key pair bound now", objectplanmodifier.RequiresReplace()),
		"poll_interval": pollIntervalAttribute("the task"),
	}
	maps.Copy(attributes, startResultAttributes("SUCCESS_UNBIND"))
	resp.Schema = schema.Schema{
		MarkdownDescription: "Unbinds the key pair from an ECS server with KPS (`POST /v3/{project_id}/keypairs/disassociate`, " +
			"an `UNBIND` task that restores password login) and waits, during apply, until the task has succeeded. " +
			"The disassociate call takes no SSH port (KPS's API and Huawei's SDK have none), so neither does this resource.\n\n" +
			descStartSequence + "\n\n" +
			"The task runs once, when the resource is created; a change to anything but `poll_interval` and `timeouts` " +
			"replaces the resource, which unbinds again. Refreshes make no API call, destroying only forgets, and " +
			"import is not supported.",
		Attributes: attributes,
		Blocks: map[string]schema.Block{
			"timeouts": timeouts.Block(ctx, timeouts.Opts{
				Create:            true,
				CreateDescription: "How long to wait in all (for the server, then the task). Defaults to `30m`.",
			}),
		},
	}
}

// Create unbinds. Only a task that succeeded saves state; one interrupted
// after it started saves its ID (the resource is then tainted, and the next
// apply waits for that task before starting another).
func (r *keypairDisassociationResource) Create(ctx context.Context, req resource.CreateRequest, resp *resource.CreateResponse) {
	var plan keypairDisassociationModel
	resp.Diagnostics.Append(req.Plan.Get(ctx, &plan)...)
	if resp.Diagnostics.HasError() {
		return
	}
	timeout, diags := plan.Timeouts.Create(ctx, defaultStartTimeout)
	resp.Diagnostics.Append(diags...)
	pollInterval, diags := pollIntervalArgument.read(plan.PollInterval)
	resp.Diagnostics.Append(diags...)
	client, project, auth := r.data.startInputs(ctx, req.Config, plan.ProjectID, plan.Auth, &resp.Diagnostics)
	if resp.Diagnostics.HasError() {
		return
	}
	server := plan.ServerID.ValueString()
	op := keypairops.Operation{Disassociate: &kps.DisassociateRequest{ServerID: server, Auth: auth}}
	out, err := r.data.runStart(ctx, client, project, op, pollInterval, timeout, &resp.Diagnostics)
	plan.ProjectID = types.StringValue(project)
	finishCreate(ctx, resp, &plan, &plan.startResultModel, project, server, out, err)
}

// Read makes no API call: a finished task does not change.
func (r *keypairDisassociationResource) Read(context.Context, resource.ReadRequest, *resource.ReadResponse) {
}

// Update changes only poll_interval and timeouts (everything else forces
// replacement): nothing remote to touch.
func (r *keypairDisassociationResource) Update(ctx context.Context, req resource.UpdateRequest, resp *resource.UpdateResponse) {
	var plan, state keypairDisassociationModel
	resp.Diagnostics.Append(req.Plan.Get(ctx, &plan)...)
	resp.Diagnostics.Append(req.State.Get(ctx, &state)...)
	if resp.Diagnostics.HasError() {
		return
	}
	plan.startResultModel = state.startResultModel
	resp.Diagnostics.Append(resp.State.Set(ctx, &plan)...)
}

// Delete only forgets: the key pair stays unbound.
func (r *keypairDisassociationResource) Delete(context.Context, resource.DeleteRequest, *resource.DeleteResponse) {
}
