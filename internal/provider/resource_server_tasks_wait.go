package provider

import (
	"context"
	"fmt"
	"time"

	"github.com/hashicorp/terraform-plugin-framework-timetypes/timetypes"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/resource"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/boolplanmodifier"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/listplanmodifier"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/planmodifier"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/stringplanmodifier"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
	"github.com/hashicorp/terraform-plugin-framework/types"
	"github.com/hashicorp/terraform-plugin-log/tflog"

	"github.com/kpsops/terraform-provider-kps/internal/kps"
	"github.com/kpsops/terraform-provider-kps/internal/wait"
)

var (
	_ resource.Resource              = (*serverTasksWaitResource)(nil)
	_ resource.ResourceWithConfigure = (*serverTasksWaitResource)(nil)
)

func newServerTasksWaitResource() resource.Resource { return &serverTasksWaitResource{} }

// serverTasksWaitResource waits, while it is created, until a server has no
// running key-pair task: for tasks started elsewhere, whose IDs nobody here
// holds. Like kps_keypair_task_wait it creates nothing in the cloud.
type serverTasksWaitResource struct {
	configuredResource
}

type serverTasksWaitModel struct {
	ServerID  types.String `tfsdk:"server_id"`
	ProjectID types.String `tfsdk:"project_id"`
	waitTuningModel
	ID          types.String      `tfsdk:"id"`
	Tasks       types.List        `tfsdk:"tasks"`
	Succeeded   types.Bool        `tfsdk:"succeeded"`
	CompletedAt timetypes.RFC3339 `tfsdk:"completed_at"`
}

// serverTaskModel is one element of tasks. The model keeps tasks as a
// types.List: it is unknown in the plan, which a slice cannot hold.
type serverTaskModel struct {
	TaskID     types.String `tfsdk:"task_id"`
	TaskStatus types.String `tfsdk:"task_status"`
	Operation  types.String `tfsdk:"operation"`
}

func (r *serverTasksWaitResource) Metadata(_ context.Context, req resource.MetadataRequest, resp *resource.MetadataResponse) {
	resp.TypeName = req.ProviderTypeName + "_server_tasks_wait"
}

// Read makes no API call: the tasks a finished wait saw end do not change.
func (r *serverTasksWaitResource) Read(context.Context, resource.ReadRequest, *resource.ReadResponse) {
}

// Update changes only how a future wait would behave; everything else forces
// replacement, so there is nothing remote to touch: the plan is the new state.
func (r *serverTasksWaitResource) Update(_ context.Context, req resource.UpdateRequest, resp *resource.UpdateResponse) {
	resp.State.Raw = req.Plan.Raw.Copy()
}

// Delete only forgets the wait.
func (r *serverTasksWaitResource) Delete(context.Context, resource.DeleteRequest, *resource.DeleteResponse) {
}

func (r *serverTasksWaitResource) Schema(ctx context.Context, _ resource.SchemaRequest, resp *resource.SchemaResponse) {
	resp.Schema = schema.Schema{
		MarkdownDescription: "Waits, during apply, until an ECS server has no running KPS key-pair task: for tasks " +
			"started outside this configuration (from the console, or by another pipeline), whose IDs nobody here " +
			"holds. Resources that reference this one, or name it in `depends_on`, are held back until then. It " +
			"creates nothing in the cloud.\n\n" +
			"The wait lists the project's running tasks on the same schedule as `kps_keypair_task_wait`; each task " +
			"of the server seen running and then no longer listed is read by its ID once, for the status it ended " +
			"in. A server with no running task ends the wait at once. A task that failed is an error (unless " +
			"`fail_on_failure = false`) that gives the reason KPS recorded, and leaves nothing in state.\n\n" +
			"A failed gate stays shut: with `fail_on_failure = true` the wait first reads the failed-task list, and a " +
			"failed task recorded for the server is the same error on every apply, until its cause is fixed and the " +
			"record cleared (the `kps_delete_failed_tasks` action, or the console), or `fail_on_failure = false` accepts " +
			"it. So a pipeline that simply retries never gets past a failure. Once the wait is over, refreshes make no " +
			"API call.",
		Attributes: map[string]schema.Attribute{
			"server_id": schema.StringAttribute{
				Required:            true,
				MarkdownDescription: "The ECS server whose tasks to wait for. " + descIDRule + " Changing it forces a new wait.",
				Validators:          []validator.String{idValidator()},
				PlanModifiers:       []planmodifier.String{stringplanmodifier.RequiresReplace()},
			},
			"project_id": schema.StringAttribute{
				Optional:            true,
				Computed:            true,
				MarkdownDescription: "The IAM project of the server's tasks. Defaults to the provider's `project_id`. " + descIDRule + " Changing it forces a new wait.",
				Validators:          []validator.String{idValidator()},
				PlanModifiers: []planmodifier.String{
					stringplanmodifier.UseStateForUnknown(),
					stringplanmodifier.RequiresReplace(),
				},
			},
			"poll_interval":   pollIntervalAttribute("the running tasks"),
			"fail_on_failure": failOnFailureAttribute("a task of the server"),
			"id":              computedResult("`{project_id}/{server_id}`."),
			"tasks": schema.ListNestedAttribute{
				Computed: true,
				MarkdownDescription: "Every task of the server seen running during the wait, in the order first seen, " +
					"with the status it ended in. Empty when the server was idle.",
				NestedObject: schema.NestedAttributeObject{Attributes: map[string]schema.Attribute{
					"task_id": schema.StringAttribute{Computed: true, MarkdownDescription: "The task's ID."},
					"task_status": schema.StringAttribute{Computed: true, MarkdownDescription: "The status the task ended in, " +
						"e.g. `SUCCESS_RESET`; empty when the cloud purged its record before it could be read."},
					"operation": schema.StringAttribute{Computed: true, MarkdownDescription: "What the task did: `RESET`, `REPLACE`, `BIND`, `UNBIND`, ..."},
				}},
				PlanModifiers: []planmodifier.List{listplanmodifier.UseStateForUnknown()},
			},
			"succeeded": schema.BoolAttribute{
				Computed: true, MarkdownDescription: "Whether no task in `tasks` failed.",
				PlanModifiers: []planmodifier.Bool{boolplanmodifier.UseStateForUnknown()},
			},
			"completed_at": computedTime("When the server was first seen with no running task, in RFC 3339."),
		},
		Blocks: map[string]schema.Block{
			"timeouts": waitTimeoutsBlock(ctx, "the server to have no running task"),
		},
	}
}

// Create is the wait. On success, or with failures accepted by
// fail_on_failure = false, state is saved; on every other ending nothing is,
// so the next apply looks again.
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
	failOnFailure := plan.FailOnFailure.ValueBool()
	// timeouts.create bounds the whole operation: the check of the
	// failed-task records, the wait, and the read of the failures' reasons.
	deadline := waiter.Clock.Now().Add(waiter.Timeout)
	if failOnFailure {
		records, err := failedRecords(ctx, waiter, client, project)
		if err != nil {
			resp.Diagnostics.AddError("Cannot check server "+serverID+" for failed KPS tasks",
				"With fail_on_failure = true the wait first reads the failed-task list, so that a failure recorded for "+
					"the server keeps the gate shut: "+err.Error()+". Nothing was saved to state. The check needs the IAM "+
					"permission kps::getFailedTask; fail_on_failure = false waits without it.")
			return
		}
		if mine := recordsOf(records, serverID); len(mine) > 0 {
			resp.Diagnostics.AddError("Server "+serverID+" has a failed KPS task on record", gateShut(serverID, mine))
			return
		}
	}
	list, read, leave := r.data.pollerFor(client, project).Server()
	out, err := wait.Poll(ctx, waiter.Until(deadline), wait.ForServerTasks(serverID, list, read))
	leave()
	what := "the KPS tasks of server " + serverID
	if err != nil {
		summary, detail := describeWaitError(what, project, waiter.Timeout, err)
		resp.Diagnostics.AddError(summary, detail)
		return
	}

	tasks := out.Value
	if failOnFailure {
		failure, ended := serverFailures(ctx, waiter.Until(deadline), client, project, serverID, tasks)
		if failure != "" {
			resp.Diagnostics.AddError("A KPS task of server "+serverID+" failed", failure)
			return
		}
		tasks = ended
	}
	var failed int
	ended := make([]serverTaskModel, 0, len(tasks))
	for _, t := range tasks {
		if t.Purged {
			resp.Diagnostics.AddWarning("KPS task "+t.ID+" ended unseen",
				fmt.Sprintf("Task %s (%s) of server %s left the running list, but its record was purged before it "+
					"could be read, so how it ended is not known. It is recorded with an empty task_status.", t.ID, t.Operation, serverID))
		}
		if kps.ParseStatus(t.Status).Failed() {
			failed++
		}
		ended = append(ended, serverTaskModel{
			TaskID: types.StringValue(t.ID), TaskStatus: types.StringValue(t.Status), Operation: types.StringValue(t.Operation),
		})
	}

	plan.ProjectID = types.StringValue(project)
	plan.ID = types.StringValue(project + "/" + serverID)
	plan.Succeeded = types.BoolValue(failed == 0)
	plan.CompletedAt = timeValue(out.CompletedAt)
	if resp.Diagnostics.HasError() {
		return
	}
	// The list's element type is the schema's: SetAttribute converts the
	// typed elements to it.
	resp.Diagnostics.Append(resp.State.Set(ctx, &plan)...)
	resp.Diagnostics.Append(resp.State.SetAttribute(ctx, path.Root("tasks"), ended)...)
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
