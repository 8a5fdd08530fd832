package provider

import (
	"context"
	"errors"
	"time"

	"github.com/hashicorp/terraform-plugin-framework/action"
	"github.com/hashicorp/terraform-plugin-framework/types"
	"github.com/hashicorp/terraform-plugin-log/tflog"

	"github.com/kpsops/terraform-provider-kps/internal/keypairops"
	"github.com/kpsops/terraform-provider-kps/internal/wait"
)

// How an action that starts a task runs on Invoke: on one server, the
// start-and-wait sequence with every step reported to the CLI and errors
// worded for an action; on a fleet, invoke_fleet.go.

// actionWording words the start errors of an action: nothing is kept, so
// what follows is invoking it again.
var actionWording = startWording{
	retry:       " Nothing was changed; invoke the action again to try again.",
	started:     "Invoking the action again waits for this task to end before starting another.",
	timeout:     "the action's timeout",
	adviceApart: true,
}

// actionRunner sets up the start-and-wait sequence of an action; ok is
// false when resp has an error instead.
func (d *providerData) actionRunner(ctx context.Context, resp *action.InvokeResponse, projectOverride types.String,
	tuning startTuning,
) (runner keypairops.Runner, ok bool) {
	client, project, diags := d.clientFor(ctx, projectOverride)
	resp.Diagnostics.Append(diags...)
	pollInterval, timeout, diags := tuning.values()
	resp.Diagnostics.Append(diags...)
	if resp.Diagnostics.HasError() {
		return keypairops.Runner{}, false
	}
	return d.startRunner(client, project, pollInterval, timeout), true
}

// runStartAction runs op as an action: every step of the sequence is
// reported to the CLI, and while the task runs, its status at least every
// 30 s. An error goes to resp's diagnostics.
func (d *providerData) runStartAction(ctx context.Context, resp *action.InvokeResponse, projectOverride types.String,
	tuning startTuning, op keypairops.Operation,
) {
	runner, ok := d.actionRunner(ctx, resp, projectOverride, tuning)
	if !ok {
		return
	}
	server := op.ServerID()
	ctx = tflog.SetField(ctx, "server_id", server)
	p := &progress{send: resp.SendProgress}
	// The heartbeat ends before Invoke returns: the framework reads progress
	// only until then, and a message sent later would block for ever.
	beat := startHeartbeat(ctx, p, heartbeat)
	defer beat.stop()
	runner.Progress = keypairops.Progress{
		ServerBusy: func(ctx context.Context, running string) {
			beat.serverBusy(server, running)
			p.say(ctx, "Server %s is busy (%s); waiting for it to finish before starting a task", server, running)
		},
		EarlierTaskFailed: func(ctx context.Context, t wait.ServerTask) {
			p.say(ctx, "An earlier task of server %s, %s (%s), ended %s", server, t.ID, t.Operation, t.Status)
			resp.Diagnostics.AddWarning(earlierTaskFailed(server, t))
		},
		Started: func(ctx context.Context, taskID string, adopted bool) {
			beat.taskStarted(taskID)
			if adopted {
				p.say(ctx, "Task %s is running on server %s (its start's answer was lost; found among the running tasks)", taskID, server)
			} else {
				p.say(ctx, "Started task %s on server %s", taskID, server)
			}
		},
		Task: wait.Observer{
			StatusChanged: func(ctx context.Context, status string, elapsed time.Duration) {
				id := beat.taskStatus(status)
				p.say(ctx, "Task %s: %s after %s", id, status, elapsed.Round(time.Second))
			},
			TransientError: progressLog.TransientError,
		},
	}
	out, err := runner.Run(ctx, op)
	if failed := (*keypairops.TaskFailedError)(nil); errors.As(err, &failed) {
		p.say(ctx, "Task %s failed. %s", failed.TaskID, failureAdvice(failed))
	}
	if err != nil {
		resp.Diagnostics.AddError(startErrorDiag(err, actionWording))
		return
	}
	p.say(ctx, "Task %s on server %s ended %s", out.TaskID, server, out.Status.Raw)
}

// runTargets runs op on the server or the fleet the action names.
func (d *providerData) runTargets(ctx context.Context, resp *action.InvokeResponse, name string, projectOverride types.String,
	tuning startTuning, targets actionTargets, op func(serverID string) keypairops.Operation,
) {
	if targets.isFleet() {
		d.runFleetAction(ctx, resp, name, projectOverride, tuning, int(targets.MaxFailures.ValueInt64()), targets.operations(op))
		return
	}
	d.runStartAction(ctx, resp, projectOverride, tuning, op(targets.ServerID.ValueString()))
}
