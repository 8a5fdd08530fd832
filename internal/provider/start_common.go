package provider

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/resource"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/planmodifier"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
	"github.com/hashicorp/terraform-plugin-framework/tfsdk"
	"github.com/hashicorp/terraform-plugin-framework/types"
	"github.com/hashicorp/terraform-plugin-framework/types/basetypes"
	"github.com/hashicorp/terraform-plugin-log/tflog"

	"github.com/kpsops/terraform-provider-kps/internal/keypairops"
	"github.com/kpsops/terraform-provider-kps/internal/kps"
	"github.com/kpsops/terraform-provider-kps/internal/wait"
)

// What the resources that start a task share: the auth object, the results
// they keep, running the start-and-wait sequence, and how its errors read.

// authModel is the auth object: how KPS logs in to the server now.
type authModel struct {
	Type         types.String `tfsdk:"type"`
	Key          types.String `tfsdk:"key"`
	KeyWO        types.String `tfsdk:"key_wo"`
	KeyWOVersion types.Int64  `tfsdk:"key_wo_version"`
}

// sentAuth is the auth to send for obj, nil when it is null: key_wo is read
// from the configuration, the only place a write-only value is. At apply
// time every value of the plan is known.
func sentAuth(ctx context.Context, obj types.Object, config tfsdk.Config) (*kps.ServerAuth, diag.Diagnostics) {
	if obj.IsNull() || obj.IsUnknown() {
		return nil, nil
	}
	var a authModel
	diags := obj.As(ctx, &a, basetypes.ObjectAsOptions{})
	var keyWO types.String
	diags.Append(config.GetAttribute(ctx, path.Root("auth").AtName("key_wo"), &keyWO)...)
	key := a.Key.ValueString()
	if !keyWO.IsNull() && !keyWO.IsUnknown() {
		key = keyWO.ValueString()
	}
	return &kps.ServerAuth{Type: a.Type.ValueString(), Key: key}, diags
}

// authAttribute is the auth object. what says whose key it is.
func authAttribute(description, keyWhat string, modifiers ...planmodifier.Object) schema.SingleNestedAttribute {
	return schema.SingleNestedAttribute{
		Optional:            true,
		MarkdownDescription: description,
		PlanModifiers:       modifiers,
		Validators:          []validator.Object{authObjectValidator{withKeyWO: true}},
		Attributes: map[string]schema.Attribute{
			"type": schema.StringAttribute{
				Required:            true,
				MarkdownDescription: "`password` (the key is the server's password) or `keypair` (the key is " + keyWhat + ").",
			},
			"key": schema.StringAttribute{
				Optional: true, Sensitive: true,
				MarkdownDescription: "The password or private key, kept in state (sensitive). Set exactly one of " +
					"`key` and `key_wo`; prefer `key_wo` on Terraform 1.11 and newer.",
			},
			"key_wo": schema.StringAttribute{
				Optional: true, Sensitive: true, WriteOnly: true,
				MarkdownDescription: "The password or private key, write-only: sent to KPS, never stored in the " +
					"plan or state. Terraform cannot tell when a write-only value changes: change `key_wo_version` " +
					"to run the task again with a new one.",
			},
			"key_wo_version": schema.Int64Attribute{
				Optional:            true,
				MarkdownDescription: "Any number; changing it runs the task again with the `key_wo` given now. Only with `key_wo`.",
			},
		},
	}
}

// startResultModel is what a resource that starts a task keeps of it.
type startResultModel struct {
	ID          types.String `tfsdk:"id"`
	TaskID      types.String `tfsdk:"task_id"`
	TaskStatus  types.String `tfsdk:"task_status"`
	CompletedAt types.String `tfsdk:"completed_at"`
}

func (m *startResultModel) succeeded(project, server string, out keypairops.Outcome) {
	m.ID = types.StringValue(project + "/" + server)
	m.TaskID = types.StringValue(out.TaskID)
	m.TaskStatus = types.StringValue(out.Status.Raw)
	m.CompletedAt = types.StringValue(out.CompletedAt.UTC().Format(time.RFC3339))
}

// interrupted records a task that was started but whose end was not seen:
// its ID, so that the next apply waits for it (the sequence's first step).
func (m *startResultModel) interrupted(project, server string, e *keypairops.StartedError) {
	m.ID = types.StringValue(project + "/" + server)
	m.TaskID = types.StringValue(e.TaskID)
	m.TaskStatus = types.StringValue(e.LastStatus)
	m.CompletedAt = types.StringNull()
}

// startResultAttributes are the results of a resource that starts a task;
// exampleStatus is a success of its task, for the docs.
func startResultAttributes(exampleStatus string) map[string]schema.Attribute {
	return map[string]schema.Attribute{
		"id":          computedResult("`{project_id}/{server_id}`."),
		"task_id":     computedResult("The ID of the last task this resource started."),
		"task_status": computedResult("The status that task ended in, e.g. `" + exampleStatus + "`."),
		"completed_at": computedResult("When the end of that task was first seen, in RFC 3339; null while a task " +
			"an interrupted apply started has not been seen to end."),
	}
}

// finishCreate ends a Create that ran the sequence: state is saved for a
// task that succeeded, and for one started but not seen to end (with its ID,
// so that the resource is tainted and the next apply waits for that task);
// for every other ending nothing is.
func finishCreate(ctx context.Context, resp *resource.CreateResponse, model any, result *startResultModel,
	project, server string, out keypairops.Outcome, err error,
) {
	var started *keypairops.StartedError
	switch {
	case err == nil:
		result.succeeded(project, server, out)
	case errors.As(err, &started):
		result.interrupted(project, server, started)
		resp.Diagnostics.AddError(startErrorDiag(err, resourceCreateWording))
	default:
		resp.Diagnostics.AddError(startErrorDiag(err, resourceCreateWording))
		return
	}
	resp.Diagnostics.Append(resp.State.Set(ctx, model)...)
}

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
func (d *providerData) startRunner(client *kps.Client, project string, pollInterval string, timeout time.Duration) (keypairops.Runner, error) {
	interval, err := time.ParseDuration(pollInterval)
	if err != nil { // the schema's validator has already checked it
		return keypairops.Runner{}, err
	}
	return keypairops.Runner{
		Client: client, Project: project, Locks: d.serverLocks, Poller: d.pollerFor(client, project),
		Waiter: wait.Waiter{Clock: wait.RealClock{}, Schedule: wait.NewSchedule(interval), Timeout: timeout},
	}, nil
}

// runStart runs op for a resource: progress is logged, and earlier failures
// on the server are added as warnings to diags.
func (d *providerData) runStart(ctx context.Context, client *kps.Client, project string, op keypairops.Operation,
	pollInterval types.String, timeout time.Duration, diags *diag.Diagnostics,
) (keypairops.Outcome, error) {
	runner, err := d.startRunner(client, project, pollInterval.ValueString(), timeout)
	if err != nil {
		return keypairops.Outcome{}, err
	}
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

// startWording is what an error says happens next: for a resource, about
// state; for an action, about invoking it again.
type startWording struct {
	// retry follows an error after which nothing runs in the cloud.
	retry string
	// started follows an error after which the started task runs on.
	started string
	// timeout names the setting that bounds the operation, for the advice
	// after a timeout.
	timeout string
	// adviceApart is set where what to do about a failed task is said apart
	// from the error (an action's progress): Terraform prints an action's
	// error twice, and the advice is the longest part of it.
	adviceApart bool
}

// resourceCreateWording and resourceUpdateWording word the errors of the
// resources that start tasks.
var (
	resourceCreateWording = startWording{
		retry: " Nothing was saved to state, so the next apply tries again.",
		started: "Its ID is kept in state (task_id) and the resource is marked tainted: the next apply replaces it, " +
			"first finding out how this task ended (a success is kept, not started again).",
		timeout: "timeouts.create",
	}
	resourceUpdateWording = startWording{
		retry: resourceCreateWording.retry,
		started: "Its ID is kept in state (task_id) with the arguments as they were: the next plan proposes this " +
			"update again, and its apply first finds out how this task ended (a success is kept, not started again).",
		timeout: "timeouts.update",
	}
)

// startErrorDiag words how the sequence failed, and what happens next as w
// says.
func startErrorDiag(err error, w startWording) (summary, detail string) {
	var (
		queued   *keypairops.LockWaitError
		idle     *keypairops.IdleWaitError
		start    *keypairops.StartError
		running  *keypairops.StartedError
		failed   *keypairops.TaskFailedError
		timedOut *wait.TimeoutError
	)
	nothingSaved := w.retry
	raise := fmt.Sprintf(" The timeout counts from the start of the operation, the wait for the server included: "+
		"raise %s if it needs longer.", w.timeout)
	switch {
	case errors.As(err, &failed):
		advice := " " + failureAdvice(failed)
		if w.adviceApart {
			advice = ""
		}
		return "KPS task " + failed.TaskID + " failed",
			fmt.Sprintf("Task %s on server %s ended with status %s. Reason: %s.%s%s", failed.TaskID, failed.ServerID,
				failed.Status.Raw, failed.Reason(), nothingSaved, advice)
	case errors.As(err, &running) && errors.As(err, &timedOut):
		return "Timed out waiting for KPS task " + running.TaskID,
			fmt.Sprintf("%s. The task goes on in the cloud; a timeout does not mean it failed. %s%s", running.Error(), w.started, raise)
	case errors.As(err, &running) && wait.IsInterrupted(err):
		return "Wait for KPS task " + running.TaskID + " interrupted",
			fmt.Sprintf("%s. The task goes on in the cloud; it was not seen to fail. %s", running.Error(), w.started)
	case errors.As(err, &running):
		return "Cannot read KPS task " + running.TaskID,
			fmt.Sprintf("%s. The task was started and goes on in the cloud, but reading how it stands failed for good. %s",
				running.Error(), w.started)
	case errors.As(err, &queued) && queued.TimedOut:
		return "Timed out waiting for server " + queued.ServerID, err.Error() + "." + nothingSaved + raise
	case errors.As(err, &queued):
		return "Wait for server " + queued.ServerID + " interrupted", err.Error() + "." + nothingSaved
	case errors.As(err, &start) && start.IsDispatchFailure():
		return "KPS did not start a task on server " + start.ServerID, err.Error() + "." + nothingSaved
	case errors.As(err, &start) && start.Uncertain:
		return "Cannot tell whether KPS started a task on server " + start.ServerID,
			err.Error() + ". If a task did start, the next apply waits for it before starting another: it finds it in the " +
				"server's running tasks." + nothingSaved
	case errors.As(err, &start):
		return "Cannot start a KPS task on server " + start.ServerID, err.Error() + "." + nothingSaved
	case errors.As(err, &idle) && errors.As(err, &timedOut):
		return "Timed out waiting for server " + idle.ServerID + " to be idle", err.Error() + ". No task was started." + nothingSaved + raise
	case errors.As(err, &idle) && wait.IsInterrupted(err):
		return "Wait for server " + idle.ServerID + " to be idle interrupted", err.Error() + ". No task was started." + nothingSaved
	case errors.As(err, &idle):
		return "Cannot check whether server " + idle.ServerID + " is busy", err.Error() + ". No task was started." + nothingSaved
	}
	return "Cannot start a KPS task", err.Error()
}
