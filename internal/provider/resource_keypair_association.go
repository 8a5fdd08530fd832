package provider

import (
	"context"
	"time"

	"github.com/hashicorp/terraform-plugin-framework-timeouts/resource/timeouts"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/resource"
	"github.com/hashicorp/terraform-plugin-framework/types"
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
	data *providerData
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

func (r *keypairAssociationResource) Configure(_ context.Context, req resource.ConfigureRequest, resp *resource.ConfigureResponse) {
	data, diags := providerDataFrom(req.ProviderData)
	resp.Diagnostics.Append(diags...)
	if data != nil {
		r.data = data
	}
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

// defaultStartTimeout bounds a resource's whole sequence: waiting for the
// server, starting the task and waiting for it.
const defaultStartTimeout = 30 * time.Minute
