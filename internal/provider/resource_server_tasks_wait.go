package provider

import (
	"context"

	"github.com/hashicorp/terraform-plugin-framework/attr"
	"github.com/hashicorp/terraform-plugin-framework/resource"
	"github.com/hashicorp/terraform-plugin-framework/types"
)

var (
	_ resource.Resource              = (*serverTasksWaitResource)(nil)
	_ resource.ResourceWithConfigure = (*serverTasksWaitResource)(nil)
)

func newServerTasksWaitResource() resource.Resource { return &serverTasksWaitResource{} }

// serverTasksWaitResource waits, while it is created, until a server has no
// running key-pair task: for tasks started elsewhere, whose IDs nobody here
// holds. Like kps_keypair_task_wait it creates nothing in the cloud.
type serverTasksWaitResource struct {
	data *providerData
}

type serverTasksWaitModel struct {
	ServerID  types.String `tfsdk:"server_id"`
	ProjectID types.String `tfsdk:"project_id"`
	waitTuningModel
	ID          types.String `tfsdk:"id"`
	Tasks       types.List   `tfsdk:"tasks"`
	Succeeded   types.Bool   `tfsdk:"succeeded"`
	CompletedAt types.String `tfsdk:"completed_at"`
}

// serverTaskType is one element of tasks.
var serverTaskType = types.ObjectType{AttrTypes: map[string]attr.Type{
	"task_id": types.StringType, "task_status": types.StringType, "operation": types.StringType,
}}

func (r *serverTasksWaitResource) Metadata(_ context.Context, req resource.MetadataRequest, resp *resource.MetadataResponse) {
	resp.TypeName = req.ProviderTypeName + "_server_tasks_wait"
}

func (r *serverTasksWaitResource) Configure(_ context.Context, req resource.ConfigureRequest, resp *resource.ConfigureResponse) {
	data, diags := providerDataFrom(req.ProviderData)
	resp.Diagnostics.Append(diags...)
	if data != nil {
		r.data = data
	}
}

// Read makes no API call: the tasks a finished wait saw end do not change.
func (r *serverTasksWaitResource) Read(ctx context.Context, req resource.ReadRequest, resp *resource.ReadResponse) {
	readFinishedWait[serverTasksWaitModel](ctx, req, resp)
}

// Update changes only how a future wait would behave; everything else forces
// replacement, so there is nothing remote to touch.
func (r *serverTasksWaitResource) Update(ctx context.Context, req resource.UpdateRequest, resp *resource.UpdateResponse) {
	updateWaitTuning[serverTasksWaitModel](ctx, req, resp)
}

// Delete only forgets the wait.
func (r *serverTasksWaitResource) Delete(context.Context, resource.DeleteRequest, *resource.DeleteResponse) {
}
