package provider

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/hashicorp/terraform-plugin-framework/path"
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
	timeout, diags := plan.Timeouts.Create(ctx, defaultCreateTimeout)
	resp.Diagnostics.Append(diags...)
	if resp.Diagnostics.HasError() {
		return
	}
	// The schema's validator has already checked the duration.
	interval, err := time.ParseDuration(plan.PollInterval.ValueString())
	if err != nil {
		resp.Diagnostics.AddAttributeError(path.Root("poll_interval"), "Invalid poll_interval", err.Error())
		return
	}

	taskID := plan.TaskID.ValueString()
	ctx = tflog.SetField(ctx, "task_id", taskID)
	waiter := wait.Waiter{
		Clock:    wait.RealClock{},
		Schedule: wait.NewSchedule(interval),
		Timeout:  timeout,
		Observer: progressLog,
	}
	res, err := waiter.Wait(ctx, func(ctx context.Context) (kps.Task, error) {
		return client.GetTask(ctx, project, taskID)
	})
	if err != nil {
		summary, detail := describeWaitError(taskID, project, timeout, err)
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
		tflog.Warn(ctx, "Reading the KPS task failed for now; the wait goes on", map[string]any{
			"error": err.Error(), "elapsed": elapsed.Round(time.Millisecond).String(),
		})
	},
}

// describeWaitError turns how a wait went wrong into a diagnostic.
func describeWaitError(taskID, project string, timeout time.Duration, err error) (summary, detail string) {
	var te *wait.TimeoutError
	switch {
	case errors.As(err, &te):
		return "Timed out waiting for KPS task " + taskID,
			fmt.Sprintf("Task %s in project %s: %s (timeouts.create is %s). Nothing was saved to state, so the next "+
				"apply waits again; raise timeouts.create if the task needs longer.", taskID, project, te.Error(), timeout)
	case wait.IsInterrupted(err):
		return "Wait for KPS task " + taskID + " interrupted",
			fmt.Sprintf("Task %s in project %s: %s. Nothing was saved to state; the task itself goes on in the cloud.",
				taskID, project, err.Error())
	}
	return "Cannot read KPS task " + taskID, err.Error()
}
