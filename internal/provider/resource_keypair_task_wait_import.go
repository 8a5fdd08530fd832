package provider

import (
	"context"
	"strings"
	"time"

	"github.com/hashicorp/terraform-plugin-framework-timeouts/resource/timeouts"
	"github.com/hashicorp/terraform-plugin-framework/attr"
	"github.com/hashicorp/terraform-plugin-framework/resource"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/kpsops/terraform-provider-kps/internal/kps"
)

// ImportState takes "<task_id>" or "<project_id>/<task_id>", reads the task
// once and records it as it stands, with the optional settings at their
// defaults so that the next plan is empty.
func (r *keypairTaskWaitResource) ImportState(ctx context.Context, req resource.ImportStateRequest, resp *resource.ImportStateResponse) {
	projectOverride, taskID := types.StringNull(), req.ID
	if before, after, found := strings.Cut(req.ID, "/"); found {
		projectOverride, taskID = types.StringValue(before), after
		if err := kps.CheckID("project_id", before); err != nil {
			resp.Diagnostics.AddError("Invalid import ID", "Use <task_id> or <project_id>/<task_id>: "+err.Error())
			return
		}
	}
	if err := kps.CheckID("task_id", taskID); err != nil {
		resp.Diagnostics.AddError("Invalid import ID", "Use <task_id> or <project_id>/<task_id>: "+err.Error())
		return
	}
	client, project, diags := r.data.clientFor(ctx, projectOverride)
	resp.Diagnostics.Append(diags...)
	if resp.Diagnostics.HasError() {
		return
	}
	task, err := client.GetTask(ctx, project, taskID)
	if err != nil {
		resp.Diagnostics.AddError("Cannot read KPS task "+taskID, err.Error())
		return
	}

	m := keypairTaskWaitModel{
		TaskID:    types.StringValue(taskID),
		ProjectID: types.StringValue(project),
		waitTuningModel: waitTuningModel{
			PollInterval:  types.StringValue(defaultPollInterval.String()),
			FailOnFailure: types.BoolValue(true),
			Timeouts:      timeouts.Value{Object: types.ObjectNull(map[string]attr.Type{"create": types.StringType})},
		},
		ID:              types.StringValue(taskID),
		CompletedAt:     types.StringNull(),
		taskStatusModel: newTaskStatusModel(task),
	}
	switch {
	case !task.Status.Terminal():
		resp.Diagnostics.AddWarning("Imported KPS task "+taskID+" has not ended",
			"Its status is "+task.Status.Raw+". It was imported as it stands, with completed_at null; "+
				"the import does not wait for it.")
	case task.Status.Failed():
		// The API does not say when a task ended: the import is the first time we saw it ended.
		m.CompletedAt = types.StringValue(time.Now().UTC().Format(time.RFC3339))
		resp.Diagnostics.AddWarning("Imported KPS task "+taskID+" has failed",
			"Its status is "+task.Status.Raw+" on server "+task.ServerID+". It was imported as it stands, "+
				"with succeeded = false.")
	default:
		m.CompletedAt = types.StringValue(time.Now().UTC().Format(time.RFC3339))
	}
	resp.Diagnostics.Append(resp.State.Set(ctx, &m)...)
}
