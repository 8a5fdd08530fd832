package provider

import (
	"context"
	"strings"
	"time"

	"github.com/hashicorp/terraform-plugin-framework/attr"
	"github.com/hashicorp/terraform-plugin-framework/datasource"
	"github.com/hashicorp/terraform-plugin-framework/datasource/schema"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/kpsops/terraform-provider-kps/internal/kps"
)

var (
	_ datasource.DataSource              = (*taskListDataSource)(nil)
	_ datasource.DataSourceWithConfigure = (*taskListDataSource)(nil)
)

// taskListDataSource is kps_running_tasks or kps_failed_tasks: the two lists
// differ only in their endpoint and in the error fields of failed tasks.
type taskListDataSource struct {
	configuredDataSource
	failed bool
}

func newRunningTasksDataSource() datasource.DataSource { return &taskListDataSource{} }
func newFailedTasksDataSource() datasource.DataSource  { return &taskListDataSource{failed: true} }

func (d *taskListDataSource) name() string {
	if d.failed {
		return "failed"
	}
	return "running"
}

func (d *taskListDataSource) Metadata(_ context.Context, req datasource.MetadataRequest, resp *datasource.MetadataResponse) {
	resp.TypeName = req.ProviderTypeName + "_" + d.name() + "_tasks"
}

// listedTaskAttributes are the attributes of one task of a list, by name.
func (d *taskListDataSource) listedTaskAttributes() map[string]schema.Attribute {
	attrs := map[string]schema.Attribute{
		"task_id":      schema.StringAttribute{Computed: true, MarkdownDescription: "The task's ID."},
		"operation":    schema.StringAttribute{Computed: true, MarkdownDescription: "What the task does, as the API's `operate_type`: `RESET`, `REPLACE`, `BIND`, `UNBIND`, ..."},
		"server_id":    schema.StringAttribute{Computed: true, MarkdownDescription: descServerID},
		"server_name":  schema.StringAttribute{Computed: true, MarkdownDescription: "The name of the ECS server."},
		"keypair_name": schema.StringAttribute{Computed: true, MarkdownDescription: "The key pair the task works with."},
		"started_at": schema.StringAttribute{Computed: true,
			MarkdownDescription: "When the task started, in RFC 3339 UTC, from the API's `task_time` (epoch milliseconds); null when the API sent none."},
	}
	if d.failed {
		attrs["error_code"] = schema.StringAttribute{Computed: true, MarkdownDescription: "The API's `task_error_code`."}
		attrs["error_msg"] = schema.StringAttribute{Computed: true, MarkdownDescription: "The API's `task_error_msg`."}
	}
	return attrs
}

func (d *taskListDataSource) Schema(_ context.Context, _ datasource.SchemaRequest, resp *datasource.SchemaResponse) {
	what := "that have not ended yet (`GET /v3/{project_id}/running-tasks`)"
	if d.failed {
		what = "that failed, with their error codes (`GET /v3/{project_id}/failed-tasks`)"
	}
	resp.Schema = schema.Schema{
		MarkdownDescription: "Lists the project's KPS key-pair tasks " + what + ", optionally only those of one server " +
			"or one operation. Every page is read, whatever page size the API honours.",
		Attributes: map[string]schema.Attribute{
			"project_id": schema.StringAttribute{
				Optional: true, Computed: true,
				MarkdownDescription: "The IAM project whose tasks to list. Defaults to the provider's `project_id`. " + descIDRule,
				Validators:          []validator.String{idValidator()},
			},
			"server_id": schema.StringAttribute{
				Optional:            true,
				MarkdownDescription: "Keep only the tasks of this ECS server. " + descIDRule,
				Validators:          []validator.String{idValidator()},
			},
			"operation": schema.StringAttribute{
				Optional:            true,
				MarkdownDescription: "Keep only the tasks of this operation, e.g. `RESET` (compared without regard to case).",
			},
			"id": schema.StringAttribute{Computed: true, MarkdownDescription: "The project ID."},
			"tasks": schema.ListNestedAttribute{
				Computed:            true,
				MarkdownDescription: "The tasks, in the API's order; empty, never null, when there are none.",
				NestedObject:        schema.NestedAttributeObject{Attributes: d.listedTaskAttributes()},
			},
		},
	}
}

type taskListModel struct {
	ProjectID types.String `tfsdk:"project_id"`
	ServerID  types.String `tfsdk:"server_id"`
	Operation types.String `tfsdk:"operation"`
	ID        types.String `tfsdk:"id"`
	Tasks     types.List   `tfsdk:"tasks"`
}

func (d *taskListDataSource) Read(ctx context.Context, req datasource.ReadRequest, resp *datasource.ReadResponse) {
	var m taskListModel
	resp.Diagnostics.Append(req.Config.Get(ctx, &m)...)
	if resp.Diagnostics.HasError() {
		return
	}
	client, project, diags := d.data.clientFor(ctx, m.ProjectID)
	resp.Diagnostics.Append(diags...)
	if resp.Diagnostics.HasError() {
		return
	}
	list := client.RunningTasks
	if d.failed {
		list = client.FailedTasks
	}
	tasks, err := list(ctx, project)
	if err != nil {
		resp.Diagnostics.AddError("Cannot list the "+d.name()+" KPS tasks of project "+project, err.Error())
		return
	}

	objectType := types.ObjectType{AttrTypes: map[string]attr.Type{}}
	for name := range d.listedTaskAttributes() {
		objectType.AttrTypes[name] = types.StringType
	}
	elems := []attr.Value{}
	for _, t := range tasks {
		if !m.ServerID.IsNull() && t.ServerID != m.ServerID.ValueString() {
			continue
		}
		if !m.Operation.IsNull() && !strings.EqualFold(t.Operation, m.Operation.ValueString()) {
			continue
		}
		obj, diags := types.ObjectValue(objectType.AttrTypes, d.taskAttributes(t))
		resp.Diagnostics.Append(diags...)
		elems = append(elems, obj)
	}
	m.Tasks, diags = types.ListValue(objectType, elems)
	resp.Diagnostics.Append(diags...)
	m.ProjectID, m.ID = types.StringValue(project), types.StringValue(project)
	if resp.Diagnostics.HasError() {
		return
	}
	resp.Diagnostics.Append(resp.State.Set(ctx, &m)...)
}

func (d *taskListDataSource) taskAttributes(t kps.ListedTask) map[string]attr.Value {
	started := types.StringNull()
	if !t.StartedAt.IsZero() {
		started = types.StringValue(t.StartedAt.UTC().Format(time.RFC3339))
	}
	attrs := map[string]attr.Value{
		"task_id": types.StringValue(t.ID), "operation": types.StringValue(t.Operation),
		"server_id": types.StringValue(t.ServerID), "server_name": types.StringValue(t.ServerName),
		"keypair_name": types.StringValue(t.KeypairName), "started_at": started,
	}
	if d.failed {
		attrs["error_code"], attrs["error_msg"] = types.StringValue(t.ErrorCode), types.StringValue(t.ErrorMsg)
	}
	return attrs
}
