package provider

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/hashicorp/terraform-plugin-framework-timetypes/timetypes"
	"github.com/hashicorp/terraform-plugin-framework-validators/int64validator"
	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/resource"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/planmodifier"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/stringplanmodifier"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
	"github.com/hashicorp/terraform-plugin-framework/tfsdk"
	"github.com/hashicorp/terraform-plugin-framework/types"
	"github.com/hashicorp/terraform-plugin-log/tflog"

	"github.com/kpsops/terraform-provider-kps/internal/keypairops"
	"github.com/kpsops/terraform-provider-kps/internal/kps"
	"github.com/kpsops/terraform-provider-kps/internal/wait"
)

// What the resources that start a task share (kps_keypair_association,
// kps_keypair_disassociation): their schema pieces, running the
// start-and-wait sequence (keypairops) with the client, project and auth it
// needs and its progress logged, and the results they keep. The actions run
// the same sequence (invoke_start.go).

// defaultStartTimeout bounds a resource's whole sequence: waiting for the
// server, starting the task and waiting for it.
const defaultStartTimeout = 30 * time.Minute

// descStartSequence is how every resource that starts a task does it.
const descStartSequence = "If the server is already running a key-pair task, the resource waits for it to end first " +
	"(so that no second task is started on a busy server). It then starts the task, fails at once if KPS did not " +
	"dispatch it, and waits for it as `kps_keypair_task_wait` does. A task that fails is an error with the reason " +
	"KPS gives in its failed-tasks list, and nothing is saved to state. A request whose answer is lost is never " +
	"sent again blindly: the task is looked for among the running tasks first."

func serverIDAttribute(desc string) schema.StringAttribute {
	return schema.StringAttribute{
		Required:            true,
		MarkdownDescription: desc + " " + descIDRule + " Changing it forces a new resource.",
		Validators:          []validator.String{idValidator()},
		PlanModifiers:       []planmodifier.String{stringplanmodifier.RequiresReplace()},
	}
}

func startProjectIDAttribute() schema.StringAttribute {
	return schema.StringAttribute{
		Optional:            true,
		Computed:            true,
		MarkdownDescription: "The IAM project of the server. Defaults to the provider's `project_id`. " + descIDRule + " Changing it forces a new resource.",
		Validators:          []validator.String{idValidator()},
		PlanModifiers: []planmodifier.String{
			stringplanmodifier.UseStateForUnknown(),
			stringplanmodifier.RequiresReplace(),
		},
	}
}

func portAttribute(change string) schema.Int64Attribute {
	return schema.Int64Attribute{
		Optional:            true,
		MarkdownDescription: "The server's SSH port, 1 to 65535; sent only when set. " + change,
		Validators:          []validator.Int64{int64validator.Between(1, 65535)},
	}
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

// startResultModel is what a resource that starts a task keeps of it.
type startResultModel struct {
	ID          types.String      `tfsdk:"id"`
	TaskID      types.String      `tfsdk:"task_id"`
	TaskStatus  types.String      `tfsdk:"task_status"`
	CompletedAt timetypes.RFC3339 `tfsdk:"completed_at"`
}

func (m *startResultModel) succeeded(project, server string, out keypairops.Outcome) {
	m.ID = types.StringValue(project + "/" + server)
	m.TaskID = types.StringValue(out.TaskID)
	m.TaskStatus = types.StringValue(out.Status.Raw)
	m.CompletedAt = timeValue(out.CompletedAt)
}

// interrupted records a task that was started but whose end was not seen:
// its ID, so that the next apply waits for it (the sequence's first step).
func (m *startResultModel) interrupted(project, server string, e *keypairops.StartedError) {
	m.ID = types.StringValue(project + "/" + server)
	m.TaskID = types.StringValue(e.TaskID)
	m.TaskStatus = types.StringValue(e.LastStatus)
	m.CompletedAt = timetypes.NewRFC3339Null()
}

// startResultAttributes are the results of a resource that starts a task;
// exampleStatus is a success of its task, for the docs.
func startResultAttributes(exampleStatus string) map[string]schema.Attribute {
	return map[string]schema.Attribute{
		"id":          computedResult("`{project_id}/{server_id}`."),
		"task_id":     computedResult("The ID of the last task this resource started."),
		"task_status": computedResult("The status that task ended in, e.g. `" + exampleStatus + "`."),
		"completed_at": computedTime("When the end of that task was first seen, in RFC 3339; null while a task " +
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
