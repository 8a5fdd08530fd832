package provider

import (
	"context"
	"fmt"
	"time"

	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/tfsdk"
	"github.com/hashicorp/terraform-plugin-framework/types"
	"github.com/hashicorp/terraform-plugin-log/tflog"

	"github.com/kpsops/terraform-provider-kps/internal/keypairops"
	"github.com/kpsops/terraform-provider-kps/internal/kps"
	"github.com/kpsops/terraform-provider-kps/internal/wait"
)

// Running the start-and-wait sequence (keypairops) for a resource: the
// client, project and auth it needs, the runner, and its progress logged.

// startInputs are what every start needs first: the client and project,
// and the auth to send, with key_wo read from the configuration.
func (d *providerData) startInputs(ctx context.Context, config tfsdk.Config, projectOverride types.String, auth types.Object,
	diags *diag.Diagnostics,
) (*kps.Client, string, *kps.ServerAuth) {
	client, project, d1 := d.clientFor(ctx, projectOverride)
	diags.Append(d1...)
	sent, d2 := sentAuth(ctx, auth, config)
	diags.Append(d2...)
	return client, project, sent
}

// startRunner sets up the start-and-wait sequence in project, waiting up
// to timeout in all; the caller says how progress is reported.
func (d *providerData) startRunner(client *kps.Client, project string, pollInterval, timeout time.Duration) keypairops.Runner {
	return keypairops.Runner{
		Client: client, Project: project, Locks: d.serverLocks, Poller: d.pollerFor(client, project),
		Waiter: wait.Waiter{Clock: wait.RealClock{}, Schedule: wait.NewSchedule(pollInterval), Timeout: timeout},
	}
}

// runStart runs op for a resource: progress is logged, and earlier failures
// on the server are added as warnings to diags.
func (d *providerData) runStart(ctx context.Context, client *kps.Client, project string, op keypairops.Operation,
	pollInterval, timeout time.Duration, diags *diag.Diagnostics,
) (keypairops.Outcome, error) {
	runner := d.startRunner(client, project, pollInterval, timeout)
	server := op.ServerID()
	ctx = tflog.SetField(ctx, "server_id", server)
	runner.Progress = keypairops.Progress{
		ServerBusy: func(ctx context.Context, running string) {
			tflog.Info(ctx, "KPS server is busy; waiting for its task to end before starting another", map[string]any{"tasks": running})
		},
		EarlierTaskFailed: func(_ context.Context, t wait.ServerTask) { diags.AddWarning(earlierTaskFailed(server, t)) },
		Started: func(ctx context.Context, taskID string, adopted bool) {
			tflog.Info(ctx, "KPS task started", map[string]any{"task_id": taskID, "found_after_lost_answer": adopted})
		},
		Task: progressLog,
	}
	return runner.Run(ctx, op)
}

// earlierTaskFailed is the warning for a task of the server that was
// running before the sequence's own and failed.
func earlierTaskFailed(server string, t wait.ServerTask) (summary, detail string) {
	return "An earlier KPS task of server " + server + " failed",
		fmt.Sprintf("Task %s (%s), which was running on server %s, ended with status %s. It was waited for before "+
			"starting this one; kps_failed_tasks shows why it failed.", t.ID, t.Operation, server, t.Status)
}
