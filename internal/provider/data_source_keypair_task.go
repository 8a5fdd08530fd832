package provider

import (
	"context"

	"github.com/hashicorp/terraform-plugin-framework/datasource"
	"github.com/hashicorp/terraform-plugin-framework/datasource/schema"
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
	data *providerData
}

type keypairTaskDataSourceModel struct {
	TaskID    types.String `tfsdk:"task_id"`
	ProjectID types.String `tfsdk:"project_id"`
	ID        types.String `tfsdk:"id"`
	Terminal  types.Bool   `tfsdk:"terminal"`
	taskStatusModel
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

func (d *keypairTaskDataSource) Configure(_ context.Context, req datasource.ConfigureRequest, resp *datasource.ConfigureResponse) {
	data, diags := providerDataFrom(req.ProviderData)
	resp.Diagnostics.Append(diags...)
	if data != nil {
		d.data = data
	}
}

func (d *keypairTaskDataSource) Read(ctx context.Context, req datasource.ReadRequest, resp *datasource.ReadResponse) {
	var m keypairTaskDataSourceModel
	resp.Diagnostics.Append(req.Config.Get(ctx, &m)...)
	if resp.Diagnostics.HasError() {
		return
	}
	client, project, diags := d.data.clientFor(m.ProjectID)
	resp.Diagnostics.Append(diags...)
	if resp.Diagnostics.HasError() {
		return
	}

	task, err := client.GetTask(ctx, project, m.TaskID.ValueString())
	if err != nil {
		resp.Diagnostics.AddError("Cannot read KPS task "+m.TaskID.ValueString(), err.Error())
		return
	}

	m.ProjectID = types.StringValue(project)
	m.ID = types.StringValue(task.ID)
	m.Terminal = types.BoolValue(task.Status.Terminal())
	m.taskStatusModel = newTaskStatusModel(task)
	resp.Diagnostics.Append(resp.State.Set(ctx, &m)...)
}
