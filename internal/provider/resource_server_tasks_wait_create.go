package provider

import (
	"context"
	"fmt"
	"strings"
	"time"

	"github.com/hashicorp/terraform-plugin-framework/attr"
	"github.com/hashicorp/terraform-plugin-framework/resource"
	"github.com/hashicorp/terraform-plugin-framework/types"
	"github.com/hashicorp/terraform-plugin-log/tflog"

	"github.com/kpsops/terraform-provider-kps/internal/kps"
	"github.com/kpsops/terraform-provider-kps/internal/wait"
)

// Create is the wait. On success, or with failures accepted by
// fail_on_failure = false, state is saved; on every other ending nothing is,
// so the next apply waits again.
func (r *serverTasksWaitResource) Create(ctx context.Context, req resource.CreateRequest, resp *resource.CreateResponse) {
	var plan serverTasksWaitModel
	resp.Diagnostics.Append(req.Plan.Get(ctx, &plan)...)
	if resp.Diagnostics.HasError() {
		return
	}
	client, project, diags := r.data.clientFor(ctx, plan.ProjectID)
	resp.Diagnostics.Append(diags...)
	waiter, diags := newWaiter(ctx, plan.waitTuningModel, serverProgressLog)
	resp.Diagnostics.Append(diags...)
	if resp.Diagnostics.HasError() {
		return
	}

	serverID := plan.ServerID.ValueString()
	ctx = tflog.SetField(ctx, "server_id", serverID)
	list, read, leave := r.data.pollerFor(client, project).Server()
	out, err := wait.Poll(ctx, waiter, wait.ForServerTasks(serverID, list, read))
	leave()
	what := "the KPS tasks of server " + serverID
	if err != nil {
		summary, detail := describeWaitError(what, project, waiter.Timeout, err)
		resp.Diagnostics.AddError(summary, detail)
		return
	}

	var failed []string
	elems := make([]attr.Value, 0, len(out.Value))
	for _, t := range out.Value {
		if t.Purged {
			resp.Diagnostics.AddWarning("KPS task "+t.ID+" ended unseen",
				fmt.Sprintf("Task %s (%s) of server %s left the running list, but its record was purged before it "+
					"could be read, so how it ended is not known. It is recorded with an empty task_status.", t.ID, t.Operation, serverID))
		}
		if kps.ParseStatus(t.Status).Failed() {
			failed = append(failed, t.ID+" ("+t.Status+")")
		}
		obj, diags := types.ObjectValue(serverTaskType.AttrTypes, map[string]attr.Value{
			"task_id": types.StringValue(t.ID), "task_status": types.StringValue(t.Status), "operation": types.StringValue(t.Operation),
		})
		resp.Diagnostics.Append(diags...)
		elems = append(elems, obj)
	}
	if len(failed) > 0 && plan.FailOnFailure.ValueBool() {
		resp.Diagnostics.AddError("A KPS task of server "+serverID+" failed",
			fmt.Sprintf("On server %s, %s ended in failure. Nothing was saved to state, so the next apply waits "+
				"again. Set fail_on_failure = false to accept failed tasks.", serverID, strings.Join(failed, ", ")))
		return
	}

	plan.ProjectID = types.StringValue(project)
	plan.ID = types.StringValue(project + "/" + serverID)
	plan.Tasks, diags = types.ListValue(serverTaskType, elems)
	resp.Diagnostics.Append(diags...)
	plan.Succeeded = types.BoolValue(len(failed) == 0)
	plan.CompletedAt = types.StringValue(out.CompletedAt.UTC().Format(time.RFC3339))
	if resp.Diagnostics.HasError() {
		return
	}
	resp.Diagnostics.Append(resp.State.Set(ctx, &plan)...)
}

// serverProgressLog reports at INFO each change in the server's running
// tasks, so that TF_LOG=INFO shows a long wait moving.
var serverProgressLog = wait.Observer{
	StatusChanged: func(ctx context.Context, status string, elapsed time.Duration) {
		tflog.Info(ctx, "KPS server's running tasks changed", map[string]any{
			"tasks": status, "elapsed": elapsed.Round(time.Millisecond).String(),
		})
	},
	TransientError: progressLog.TransientError,
}
