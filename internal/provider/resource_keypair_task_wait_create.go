package provider

import (
	"context"
	"fmt"
	"time"

	"github.com/hashicorp/terraform-plugin-framework/resource"
	"github.com/hashicorp/terraform-plugin-framework/types"
	"github.com/hashicorp/terraform-plugin-log/tflog"

	"github.com/kpsops/terraform-provider-kps/internal/kps"
	"github.com/kpsops/terraform-provider-kps/internal/wait"
)

// Create is the wait. On success, or on failure with fail_on_failure = false,
// state is saved; on every other ending nothing is, so the next apply waits
// again instead of planning a replacement.
func (r *keypairTaskWaitResource) Create(ctx context.Context, req resource.CreateRequest, resp *resource.CreateResponse) {
	var plan keypairTaskWaitModel
	resp.Diagnostics.Append(req.Plan.Get(ctx, &plan)...)
	if resp.Diagnostics.HasError() {
		return
	}
	client, project, diags := r.data.clientFor(ctx, plan.ProjectID)
	resp.Diagnostics.Append(diags...)
	waiter, diags := newWaiter(ctx, plan.waitTuningModel, progressLog)
	resp.Diagnostics.Append(diags...)
	if resp.Diagnostics.HasError() {
		return
	}

	taskID := plan.TaskID.ValueString()
	ctx = tflog.SetField(ctx, "task_id", taskID)
	read, leave := r.data.pollerFor(client, project).Task(taskID)
	res, err := waiter.Wait(ctx, read)
	leave()
	if err != nil {
		summary, detail := describeWaitError("KPS task "+taskID, project, waiter.Timeout, err)
		resp.Diagnostics.AddError(summary, detail)
		return
	}
	task := res.Task
	if task.Status.Failed() && plan.FailOnFailure.ValueBool() {
		resp.Diagnostics.AddError("KPS task "+taskID+" failed",
			fmt.Sprintf("Task %s on server %s ended with status %s. Nothing was saved to state, so the next apply "+
				"waits for this task again. Set fail_on_failure = false to accept a failed task.",
				taskID, task.ServerID, task.Status.Raw))
		return
	}

	plan.ProjectID = types.StringValue(project)
	plan.ID = types.StringValue(taskID)
	plan.CompletedAt = types.StringValue(res.CompletedAt.UTC().Format(time.RFC3339))
	plan.taskStatusModel = newTaskStatusModel(task)
	resp.Diagnostics.Append(resp.State.Set(ctx, &plan)...)
}

// progressLog reports each status change at INFO, so that TF_LOG=INFO shows
// a long wait moving.
var progressLog = wait.Observer{
	StatusChanged: func(ctx context.Context, status string, elapsed time.Duration) {
		fields := map[string]any{"task_status": status, "elapsed": elapsed.Round(time.Millisecond).String()}
		tflog.Info(ctx, "KPS task status changed", fields)
		if !kps.ParseStatus(status).Known() {
			tflog.Warn(ctx, "KPS task has a status of an unexpected phase; waiting on as if it were pending", fields)
		}
	},
	TransientError: func(ctx context.Context, err error, elapsed time.Duration) {
		tflog.Warn(ctx, "Reading from KPS failed for now; the wait goes on", map[string]any{
			"error": err.Error(), "elapsed": elapsed.Round(time.Millisecond).String(),
		})
	},
}
