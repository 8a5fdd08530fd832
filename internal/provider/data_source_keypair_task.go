package provider

import (
	"context"

	"github.com/hashicorp/terraform-plugin-framework/datasource"
	"github.com/hashicorp/terraform-plugin-framework/datasource/schema"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
	"github.com/hashicorp/terraform-plugin-framework/types"
)

var (
	_ datasource.DataSource              = (*keypairTaskDataSource)(nil)
	_ datasource.DataSourceWithConfigure = (*keypairTaskDataSource)(nil)
)

func newKeypairTaskDataSource() datasource.DataSource { return &keypairTaskDataSource{} }

// keypairTaskDataSource reads one task once. It reports any status, failed
// included: judging the outcome is the wait resource's job.
type keypairTaskDataSource struct {
	configuredDataSource
}

func (d *keypairTaskDataSource) Metadata(_ context.Context, req datasource.MetadataRequest, resp *datasource.MetadataResponse) {
	resp.TypeName = req.ProviderTypeName + "_keypair_task"
}

func (d *keypairTaskDataSource) Schema(_ context.Context, _ datasource.SchemaRequest, resp *datasource.SchemaResponse) {
	resp.Schema = schema.Schema{
		MarkdownDescription: "Reads one KPS key-pair task: its status, the server it acts on, and whether it has ended. " +
			"The task is read once, while planning when `task_id` is known then, otherwise during apply.",
		Attributes: map[string]schema.Attribute{
			"task_id": schema.StringAttribute{
				Required:            true,
				MarkdownDescription: descTaskID,
				Validators:          []validator.String{idValidator()},
			},
			"project_id": schema.StringAttribute{
				Optional:            true,
				Computed:            true,
				MarkdownDescription: descProjectID,
				Validators:          []validator.String{idValidator()},
			},
			"id":          schema.StringAttribute{Computed: true, MarkdownDescription: "The task ID."},
			"task_status": schema.StringAttribute{Computed: true, MarkdownDescription: descTaskStatus},
			"server_id":   schema.StringAttribute{Computed: true, MarkdownDescription: descServerID},
			"phase":       schema.StringAttribute{Computed: true, MarkdownDescription: descPhase},
			"operation":   schema.StringAttribute{Computed: true, MarkdownDescription: descOperation},
			"terminal": schema.BoolAttribute{
				Computed:            true,
				MarkdownDescription: "Whether the task has ended: `phase` is `SUCCESS` or `FAILED`.",
			},
			"succeeded": schema.BoolAttribute{Computed: true, MarkdownDescription: descSucceeded},
		},
	}
}

// Read fetches the task. It reads and writes attributes one by one rather than
// through a tagged struct: the framework's struct reflection compiles a regular
// expression for every field of every call, which made it a third of the
// allocations of a read (see BenchmarkReadDataSource), and a plan can hold
// thousands of these reads.
func (d *keypairTaskDataSource) Read(ctx context.Context, req datasource.ReadRequest, resp *datasource.ReadResponse) {
	var taskID, projectOverride types.String
	resp.Diagnostics.Append(req.Config.GetAttribute(ctx, path.Root("task_id"), &taskID)...)
	resp.Diagnostics.Append(req.Config.GetAttribute(ctx, path.Root("project_id"), &projectOverride)...)
	if resp.Diagnostics.HasError() {
		return
	}
	client, project, diags := d.data.clientFor(ctx, projectOverride)
	resp.Diagnostics.Append(diags...)
	if resp.Diagnostics.HasError() {
		return
	}

	task, err := client.GetTask(ctx, project, taskID.ValueString())
	if err != nil {
		resp.Diagnostics.AddError("Cannot read KPS task "+taskID.ValueString(), err.Error())
		return
	}

	attrs := newTaskStatusModel(task).attributes()
	attrs["task_id"] = taskID
	attrs["project_id"] = types.StringValue(project)
	attrs["id"] = types.StringValue(task.ID)
	attrs["terminal"] = types.BoolValue(task.Status.Terminal())
	objectType, ok := resp.State.Schema.Type().(types.ObjectType)
	if !ok {
		resp.Diagnostics.AddError("Unexpected schema type", "This is a bug in the provider; please report it.")
		return
	}
	state, diags := types.ObjectValue(objectType.AttrTypes, attrs)
	resp.Diagnostics.Append(diags...)
	if resp.Diagnostics.HasError() {
		return
	}
	resp.Diagnostics.Append(resp.State.Set(ctx, state)...)
}
