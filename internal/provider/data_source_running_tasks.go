package provider

import (
	"context"
	"maps"
	"strings"

	"github.com/hashicorp/terraform-plugin-framework-timetypes/timetypes"
	"github.com/hashicorp/terraform-plugin-framework/datasource"
	"github.com/hashicorp/terraform-plugin-framework/datasource/schema"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/kpsops/terraform-provider-kps/internal/kps"
)

// kps_running_tasks, and what kps_failed_tasks (data_source_failed_tasks.go)
// shares with it: the two lists differ only in their endpoint and in the
// error fields of a failed task.

var (
	_ datasource.DataSource              = (*taskListDataSource[listedTaskModel])(nil)
	_ datasource.DataSourceWithConfigure = (*taskListDataSource[listedTaskModel])(nil)
)

func newRunningTasksDataSource() datasource.DataSource {
	return &taskListDataSource[listedTaskModel]{
		name:  "running",
		about: "that have not ended yet (`GET /v3/{project_id}/running-tasks`)",
		list:  (*kps.Client).RunningTasks,
		item:  newListedTaskModel,
	}
}

// taskListDataSource is a list of tasks whose elements are T.
type taskListDataSource[T any] struct {
	configuredDataSource
	name  string // "running" or "failed"
	about string // which tasks the list holds, for the docs
	// errorAttributes are T's attributes beyond listedTaskModel's.
	errorAttributes map[string]schema.Attribute
	list            func(*kps.Client, context.Context, string) ([]kps.ListedTask, error)
	item            func(kps.ListedTask) T
}

type taskListModel[T any] struct {
	ProjectID types.String `tfsdk:"project_id"`
	ServerID  types.String `tfsdk:"server_id"`
	Operation types.String `tfsdk:"operation"`
	ID        types.String `tfsdk:"id"`
	Tasks     []T          `tfsdk:"tasks"`
}

// listedTaskModel is one task of kps_running_tasks.
type listedTaskModel struct {
	TaskID      types.String      `tfsdk:"task_id"`
	Operation   types.String      `tfsdk:"operation"`
	ServerID    types.String      `tfsdk:"server_id"`
	ServerName  types.String      `tfsdk:"server_name"`
	KeypairName types.String      `tfsdk:"keypair_name"`
	StartedAt   timetypes.RFC3339 `tfsdk:"started_at"`
}

func newListedTaskModel(t kps.ListedTask) listedTaskModel {
	started := timetypes.NewRFC3339Null()
	if !t.StartedAt.IsZero() {
		started = timeValue(t.StartedAt)
	}
	return listedTaskModel{
		TaskID: types.StringValue(t.ID), Operation: types.StringValue(t.Operation),
		ServerID: types.StringValue(t.ServerID), ServerName: types.StringValue(t.ServerName),
		KeypairName: types.StringValue(t.KeypairName), StartedAt: started,
	}
}

func (d *taskListDataSource[T]) Metadata(_ context.Context, req datasource.MetadataRequest, resp *datasource.MetadataResponse) {
	resp.TypeName = req.ProviderTypeName + "_" + d.name + "_tasks"
}

// listedTaskAttributes are the attributes of one task of the list, by name.
func (d *taskListDataSource[T]) listedTaskAttributes() map[string]schema.Attribute {
	attrs := map[string]schema.Attribute{
		"task_id":      schema.StringAttribute{Computed: true, MarkdownDescription: "The task's ID."},
		"operation":    schema.StringAttribute{Computed: true, MarkdownDescription: "What the task does, as the API's `operate_type`: `RESET`, `REPLACE`, `BIND`, `UNBIND`, ..."},
		"server_id":    schema.StringAttribute{Computed: true, MarkdownDescription: descServerID},
		"server_name":  schema.StringAttribute{Computed: true, MarkdownDescription: "The name of the ECS server."},
		"keypair_name": schema.StringAttribute{Computed: true, MarkdownDescription: "The key pair the task works with."},
		"started_at": schema.StringAttribute{Computed: true, CustomType: timetypes.RFC3339Type{},
			MarkdownDescription: "When the task started, in RFC 3339 UTC, from the API's `task_time` (epoch milliseconds); null when the API sent none."},
	}
	maps.Copy(attrs, d.errorAttributes)
	return attrs
}

func (d *taskListDataSource[T]) Schema(_ context.Context, _ datasource.SchemaRequest, resp *datasource.SchemaResponse) {
	resp.Schema = schema.Schema{
		MarkdownDescription: "Lists the project's KPS key-pair tasks " + d.about + ", optionally only those of one server " +
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

func (d *taskListDataSource[T]) Read(ctx context.Context, req datasource.ReadRequest, resp *datasource.ReadResponse) {
	var m taskListModel[T]
	resp.Diagnostics.Append(req.Config.Get(ctx, &m)...)
	if resp.Diagnostics.HasError() {
		return
	}
	client, project, diags := d.data.clientFor(ctx, m.ProjectID)
	resp.Diagnostics.Append(diags...)
	if resp.Diagnostics.HasError() {
		return
	}
	tasks, err := d.list(client, ctx, project)
	if err != nil {
		resp.Diagnostics.AddError("Cannot list the "+d.name+" KPS tasks of project "+project, err.Error())
		return
	}

	m.Tasks = []T{} // an empty list, not null, when no task is kept
	for _, t := range tasks {
		if !m.ServerID.IsNull() && t.ServerID != m.ServerID.ValueString() {
			continue
		}
		if !m.Operation.IsNull() && !strings.EqualFold(t.Operation, m.Operation.ValueString()) {
			continue
		}
		m.Tasks = append(m.Tasks, d.item(t))
	}
	m.ProjectID, m.ID = types.StringValue(project), types.StringValue(project)
	resp.Diagnostics.Append(resp.State.Set(ctx, &m)...)
}
