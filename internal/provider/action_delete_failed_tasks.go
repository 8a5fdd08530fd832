package provider

import (
	"context"

	"github.com/hashicorp/terraform-plugin-framework-validators/listvalidator"
	"github.com/hashicorp/terraform-plugin-framework/action"
	"github.com/hashicorp/terraform-plugin-framework/action/schema"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/kpsops/terraform-provider-kps/internal/kps"
)

var _ action.ActionWithConfigure = (*deleteFailedTasksAction)(nil)

func newDeleteFailedTasksAction() action.Action { return &deleteFailedTasksAction{} }

// deleteFailedTasksAction deletes failed-task records: some by ID, a
// server's, or all of the project's.
type deleteFailedTasksAction struct {
	configuredAction
}

type deleteFailedTasksModel struct {
	TaskIDs   []types.String `tfsdk:"task_ids"`
	ServerID  types.String   `tfsdk:"server_id"`
	ProjectID types.String   `tfsdk:"project_id"`
}

func (a *deleteFailedTasksAction) Metadata(_ context.Context, req action.MetadataRequest, resp *action.MetadataResponse) {
	resp.TypeName = req.ProviderTypeName + "_delete_failed_tasks"
}

func (a *deleteFailedTasksAction) Schema(_ context.Context, _ action.SchemaRequest, resp *action.SchemaResponse) {
	resp.Schema = schema.Schema{
		MarkdownDescription: "Deletes failed-task records of KPS (`DELETE /v3/{project_id}/failed-tasks/{task_id}`): " +
			"those of `task_ids`, or every one of `server_id`, or, with neither, all of the project's " +
			"(`DELETE /v3/{project_id}/failed-tasks`). A record already gone is a warning, not an error. Each " +
			"deletion is reported as it happens. Terraform 1.14 and newer.",
		Attributes: map[string]schema.Attribute{
			"task_ids": schema.ListAttribute{
				ElementType: types.StringType, Optional: true,
				MarkdownDescription: "The failed tasks whose records to delete; at least one when set. " + descIDRule,
				Validators: []validator.List{
					listvalidator.SizeAtLeast(1),
					listvalidator.ValueStringsAre(idValidator()),
					listvalidator.ConflictsWith(path.MatchRoot("server_id")),
				},
			},
			"server_id": schema.StringAttribute{
				Optional: true, MarkdownDescription: "Delete every failed-task record of this server. Not with `task_ids`. " + descIDRule,
				Validators: []validator.String{idValidator()},
			},
			"project_id": projectIDActionAttribute(),
		},
	}
}

func (a *deleteFailedTasksAction) Invoke(ctx context.Context, req action.InvokeRequest, resp *action.InvokeResponse) {
	var m deleteFailedTasksModel
	resp.Diagnostics.Append(req.Config.Get(ctx, &m)...)
	client, project, diags := a.data.clientFor(ctx, m.ProjectID)
	resp.Diagnostics.Append(diags...)
	if resp.Diagnostics.HasError() {
		return
	}
	p := &progress{send: resp.SendProgress}
	ids := make([]string, 0, len(m.TaskIDs))
	for _, id := range m.TaskIDs {
		ids = append(ids, id.ValueString())
	}
	switch {
	case len(ids) == 0 && m.ServerID.IsNull():
		// KPS's "Failed task is not found" here means there was none to
		// delete: the goal holds.
		if err := client.DeleteFailedTasks(ctx, project); err != nil && !kps.IsGone(err) {
			resp.Diagnostics.AddError("Cannot delete the failed-task records of project "+project, err.Error())
			return
		}
		p.say(ctx, "Deleted every failed-task record of project %s", project)
		return
	case len(ids) == 0:
		server := m.ServerID.ValueString()
		failed, err := client.FailedTasks(ctx, project)
		if err != nil {
			resp.Diagnostics.AddError("Cannot list the failed tasks of server "+server, err.Error())
			return
		}
		for _, t := range failed {
			if t.ServerID == server {
				ids = append(ids, t.ID)
			}
		}
		if len(ids) == 0 {
			p.say(ctx, "Server %s has no failed-task record", server)
			return
		}
	}
	for _, id := range ids {
		err := client.DeleteFailedTask(ctx, project, id)
		switch {
		case kps.IsGone(err):
			resp.Diagnostics.AddWarning("Failed-task record "+id+" already gone",
				"The record of task "+id+" was not there to delete: "+err.Error()+". Nothing is left to clean up for it.")
			p.say(ctx, "Failed-task record %s was already gone", id)
		case err != nil:
			resp.Diagnostics.AddError("Cannot delete the failed-task record of task "+id, err.Error())
			return
		default:
			p.say(ctx, "Deleted the failed-task record of task %s", id)
		}
	}
}
