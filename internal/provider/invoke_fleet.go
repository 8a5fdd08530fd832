package provider

import (
	"context"
	"fmt"
	"sync"
	"time"

	"github.com/hashicorp/terraform-plugin-framework/action"
	"github.com/hashicorp/terraform-plugin-framework/types"
	"github.com/hashicorp/terraform-plugin-log/tflog"

	"github.com/kpsops/terraform-provider-kps/internal/keypairops"
	"github.com/kpsops/terraform-provider-kps/internal/wait"
)

// Running an action's sequence on a fleet (server_ids): every server at
// once, a line of progress per server as it ends, a summary every 30 s, and
// one error at the end for every server that failed.

// runFleetAction runs ops, one per server, as the action name. An error
// goes to resp's diagnostics.
func (d *providerData) runFleetAction(ctx context.Context, resp *action.InvokeResponse, name string, projectOverride types.String,
	tuning startTuning, maxFailures int, ops []keypairops.Operation,
) {
	runner, ok := d.actionRunner(ctx, resp, projectOverride, tuning)
	if !ok {
		return
	}
	p := &progress{send: resp.SendProgress}
	status := &fleetStatus{began: time.Now(), tally: keypairops.FleetTally{Servers: len(ops)}}
	// The heartbeat ends before Invoke returns: the framework reads progress
	// only until then, and a message sent later would block for ever.
	beat := startHeartbeat(ctx, p, heartbeat)
	defer beat.stop()
	beat.every(status.summary)
	p.say(ctx, "Starting on %d servers", len(ops))

	var warningsMu sync.Mutex
	results := runner.RunFleet(ctx, ops, maxFailures, keypairops.FleetProgress{
		// Each start is said as it happens, with its task: Terraform 1.14
		// may drop an action's final error when Ctrl-C stops the run, and
		// the task IDs must not be lost with it.
		Started: func(ctx context.Context, server, taskID string, adopted bool, tally keypairops.FleetTally) {
			status.set(tally)
			tflog.Info(ctx, "KPS task started", map[string]any{"server_id": server, "task_id": taskID, "found_after_lost_answer": adopted})
			p.say(ctx, "%s: started task %s (%d running)", server, taskID, tally.Running)
		},
		Ended: func(ctx context.Context, res keypairops.ServerResult, tally keypairops.FleetTally) {
			status.set(tally)
			// Servers that were never started (max_failures) or cut short
			// by Ctrl-C are listed once, in the error at the end.
			if ctx.Err() == nil && !isWithheld(res.Err) {
				p.say(ctx, "%s: %s (%s)", res.ServerID, serverEnd(res), tallyLine(tally))
			}
		},
		EarlierTaskFailed: func(_ context.Context, server string, t wait.ServerTask) {
			warningsMu.Lock()
			defer warningsMu.Unlock()
			resp.Diagnostics.AddWarning(earlierTaskFailed(server, t))
		},
	})
	if summary, detail, failed := fleetError(name, results, ctx.Err() != nil); failed {
		// Logged as well: see Started.
		tflog.Warn(ctx, summary, map[string]any{"detail": detail})
		resp.Diagnostics.AddError(summary, detail)
		return
	}
	p.say(ctx, "All %d servers succeeded", len(results))
}

// fleetStatus is the fleet's latest tally, for the heartbeat.
type fleetStatus struct {
	began time.Time
	mu    sync.Mutex
	tally keypairops.FleetTally
}

func (s *fleetStatus) set(t keypairops.FleetTally) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.tally = t
}

// summary is the heartbeat's message.
func (s *fleetStatus) summary(elapsed time.Duration) string {
	s.mu.Lock()
	t := s.tally
	s.mu.Unlock()
	msg := fmt.Sprintf("After %s: %d of %d servers done, %d failed", elapsed, t.Succeeded, t.Servers, t.Failed)
	if t.Withheld > 0 {
		msg += fmt.Sprintf(", %d never started (max_failures)", t.Withheld)
	}
	return msg + fmt.Sprintf("; %d tasks running, %d servers waiting to start (for a busy server, or their turn)",
		t.Running, t.Unfinished()-t.Running)
}

// tallyLine is how a fleet stands, as each server's line ends with it.
func tallyLine(t keypairops.FleetTally) string {
	return fmt.Sprintf("%d of %d done, %d failed, %d running", t.Succeeded, t.Servers, t.Failed, t.Unfinished())
}
