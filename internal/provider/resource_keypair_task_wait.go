package provider

import (
	"context"

	"github.com/hashicorp/terraform-plugin-framework/resource"
	"github.com/hashicorp/terraform-plugin-framework/types"
)

var (
	_ resource.Resource                = (*keypairTaskWaitResource)(nil)
	_ resource.ResourceWithConfigure   = (*keypairTaskWaitResource)(nil)
	_ resource.ResourceWithImportState = (*keypairTaskWaitResource)(nil)
)

func newKeypairTaskWaitResource() resource.Resource { return &keypairTaskWaitResource{} }

// keypairTaskWaitResource waits, while it is created, for a task to end. It
// creates nothing in the cloud: its value is that Terraform holds back every
// resource that depends on it until the wait is over.
type keypairTaskWaitResource struct {
	data *providerData
}

type keypairTaskWaitModel struct {
	TaskID    types.String `tfsdk:"task_id"`
	ProjectID types.String `tfsdk:"project_id"`
	waitTuningModel
	ID          types.String `tfsdk:"id"`
	CompletedAt types.String `tfsdk:"completed_at"`
	taskStatusModel
}

func (r *keypairTaskWaitResource) Metadata(_ context.Context, req resource.MetadataRequest, resp *resource.MetadataResponse) {
	resp.TypeName = req.ProviderTypeName + "_keypair_task_wait"
}

func (r *keypairTaskWaitResource) Configure(_ context.Context, req resource.ConfigureRequest, resp *resource.ConfigureResponse) {
	data, diags := providerDataFrom(req.ProviderData)
	resp.Diagnostics.Append(diags...)
	if data != nil {
		r.data = data
	}
}

// Read makes no API call: a task that has ended does not change, and the cloud
// purges task records after a while, which must not disturb a finished wait.
func (r *keypairTaskWaitResource) Read(ctx context.Context, req resource.ReadRequest, resp *resource.ReadResponse) {
	readFinishedWait[keypairTaskWaitModel](ctx, req, resp)
}

// Update changes only how a future wait would behave (poll_interval,
// fail_on_failure, timeouts); everything else forces replacement, so there is
// nothing remote to touch.
func (r *keypairTaskWaitResource) Update(ctx context.Context, req resource.UpdateRequest, resp *resource.UpdateResponse) {
	updateWaitTuning[keypairTaskWaitModel](ctx, req, resp)
}

// Delete only forgets the wait: there is nothing in the cloud to remove.
func (r *keypairTaskWaitResource) Delete(context.Context, resource.DeleteRequest, *resource.DeleteResponse) {
}
