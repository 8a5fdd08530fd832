package provider

import (
	"context"
	"encoding/json"
	"sync"
	"time"

	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/types"
	"github.com/hashicorp/terraform-plugin-log/tflog"

	"github.com/kpsops/terraform-provider-kps/internal/keypairops"
	"github.com/kpsops/terraform-provider-kps/internal/kps"
)

// kps_keypair_association after an interrupted apply. A task that the
// interrupted apply started may have succeeded after the interruption, and
// a replace that succeeded changed the key the server accepts: sending the
// same auth again would fail. So the next apply finds out how that task
// ended before it starts another, and adopts a success for the key pair now
// planned. A task read does not say which key pair it bound, so the
// interrupted apply records it beside the task.

// privateInterruptedTask is the private-state key of that record.
const privateInterruptedTask = "interrupted_task"

// interruptedTask is the task an interrupted Create or Update started, and
// the key pair it was asked to bind.
type interruptedTask struct {
	TaskID      string `json:"task_id"`
	KeypairName string `json:"keypair_name"`
}

// privateSetter and privateGetter are the framework's private state, as
// requests and responses carry it.
type (
	privateSetter interface {
		SetKey(ctx context.Context, key string, value []byte) diag.Diagnostics
	}
	privateGetter interface {
		GetKey(ctx context.Context, key string) ([]byte, diag.Diagnostics)
	}
)

// recordInterrupted keeps t in private state; a nil t clears the record.
func recordInterrupted(ctx context.Context, private privateSetter, t *interruptedTask) diag.Diagnostics {
	if t == nil {
		return private.SetKey(ctx, privateInterruptedTask, nil)
	}
	raw, err := json.Marshal(t)
	if err != nil { // a struct of two strings always marshals
		var diags diag.Diagnostics
		diags.AddError("Cannot record the interrupted task", err.Error())
		return diags
	}
	return private.SetKey(ctx, privateInterruptedTask, raw)
}

// recalledInterrupted is the record an interrupted apply left for taskID,
// nil when there is none (or it is of another task).
func recalledInterrupted(ctx context.Context, private privateGetter, taskID types.String) *interruptedTask {
	raw, diags := private.GetKey(ctx, privateInterruptedTask)
	var t interruptedTask
	if diags.HasError() || len(raw) == 0 || json.Unmarshal(raw, &t) != nil || t.TaskID != taskID.ValueString() {
		return nil
	}
	return &t
}

// settledTask is how an interrupted create's task ended, as its tainted
// resource's Delete found it.
type settledTask struct {
	keypairName string
	outcome     keypairops.Outcome
}

// settledTasks remembers, for the rest of the provider process (one run),
// the tasks of interrupted creates that succeeded, so that the Create that
// replaces the tainted resource adopts the success instead of starting the
// same task again. The zero value is ready to use.
type settledTasks struct {
	mu sync.Mutex
	m  map[string]settledTask // by project/server
}

func (s *settledTasks) put(key string, t settledTask) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.m == nil {
		s.m = map[string]settledTask{}
	}
	s.m[key] = t
}

// take returns and forgets the success settled for key, if it bound keypair.
func (s *settledTasks) take(key, keypair string) (keypairops.Outcome, bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	t, ok := s.m[key]
	if !ok || t.keypairName != keypair {
		return keypairops.Outcome{}, false
	}
	delete(s.m, key)
	return t.outcome, true
}

// settle finds out how the task an interrupted apply started on server has
// ended, waiting while it runs, for at most timeout: ok is true for a
// success. A failed, vanished or unreadable task is not (the caller starts
// anew, waiting first for the server to be idle); err is set only when ctx
// was cancelled meanwhile (a *keypairops.StartedError).
func (d *providerData) settle(ctx context.Context, client *kps.Client, project, server, taskID string,
	pollInterval, timeout time.Duration,
) (out keypairops.Outcome, ok bool, err error) {
	runner := d.startRunner(client, project, pollInterval, timeout)
	ctx = tflog.SetField(ctx, "task_id", taskID)
	tflog.Info(ctx, "Finding out how the task an interrupted apply started has ended, before starting another")
	res, err := runner.Settle(ctx, taskID)
	switch {
	case ctx.Err() != nil:
		return keypairops.Outcome{}, false, &keypairops.StartedError{TaskID: taskID, ServerID: server, Err: err}
	case err != nil:
		tflog.Warn(ctx, "The task an interrupted apply started could not be seen to end; starting anew", map[string]any{"error": err.Error()})
		return keypairops.Outcome{}, false, nil //nolint:nilerr // not an error: the caller starts anew, after waiting for the server

	case !res.Task.Status.Succeeded():
		tflog.Info(ctx, "The task an interrupted apply started did not succeed; starting anew", map[string]any{"status": res.Task.Status.Raw})
		return keypairops.Outcome{}, false, nil
	}
	tflog.Info(ctx, "The task an interrupted apply started has succeeded: adopted, nothing sent", map[string]any{"status": res.Task.Status.Raw})
	return keypairops.Outcome{TaskID: taskID, ServerID: server, Status: res.Task.Status, CompletedAt: res.CompletedAt, Adopted: true}, true, nil
}
