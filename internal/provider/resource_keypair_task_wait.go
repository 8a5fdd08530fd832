package provider

import (
	"context"
	"fmt"
	"strings"
	"time"

	"github.com/hashicorp/terraform-plugin-framework-timeouts/resource/timeouts"
	"github.com/hashicorp/terraform-plugin-framework-timetypes/timetypes"
	"github.com/hashicorp/terraform-plugin-framework/attr"
	"github.com/hashicorp/terraform-plugin-framework/resource"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/boolplanmodifier"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/planmodifier"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/stringplanmodifier"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
	"github.com/hashicorp/terraform-plugin-framework/types"
	"github.com/hashicorp/terraform-plugin-log/tflog"

	"github.com/kpsops/terraform-provider-kps/internal/keypairops"
	"github.com/kpsops/terraform-provider-kps/internal/kps"
	"github.com/kpsops/terraform-provider-kps/internal/wait"
)

var (
	_ resource.Resource                = (*keypairTaskWaitResource)(nil)
	_ resource.ResourceWithConfigure   = (*keypairTaskWaitResource)(nil)
	_ resource.ResourceWithImportState = (*keypairTaskWaitResource)(nil)
)

func newKeypairTaskWaitResource() resource.Resource { return &keypairTaskWaitResource{} }

// keypairTaskWaitResource waits, while it is created, for a task to end. It
// creates nothing in the cloud: its value is that Terraform holds back every
// resource that depends on it until the wait is over.
type keypairTaskWaitResource struct {
	configuredResource
}

type keypairTaskWaitModel struct {
	TaskID    types.String `tfsdk:"task_id"`
	ProjectID types.String `tfsdk:"project_id"`
	waitTuningModel
	ID          types.String      `tfsdk:"id"`
	CompletedAt timetypes.RFC3339 `tfsdk:"completed_at"`
	taskStatusModel
}

func (r *keypairTaskWaitResource) Metadata(_ context.Context, req resource.MetadataRequest, resp *resource.MetadataResponse) {
	resp.TypeName = req.ProviderTypeName + "_keypair_task_wait"
}

// Read makes no API call: a task that has ended does not change, and the cloud
// purges task records after a while, which must not disturb a finished wait.
// The framework has copied the prior state into the response already.
func (r *keypairTaskWaitResource) Read(context.Context, resource.ReadRequest, *resource.ReadResponse) {
}

// Update changes only how a future wait would behave (poll_interval,
// fail_on_failure, timeouts); everything else forces replacement, so there is
// nothing remote to touch: the plan is the new state.
func (r *keypairTaskWaitResource) Update(_ context.Context, req resource.UpdateRequest, resp *resource.UpdateResponse) {
	resp.State.Raw = req.Plan.Raw.Copy()
}

// Delete only forgets the wait: there is nothing in the cloud to remove.
func (r *keypairTaskWaitResource) Delete(context.Context, resource.DeleteRequest, *resource.DeleteResponse) {
}

func (r *keypairTaskWaitResource) Schema(ctx context.Context, _ resource.SchemaRequest, resp *resource.SchemaResponse) {
	resp.Schema = schema.Schema{
		MarkdownDescription: "Waits, during apply, until a KPS key-pair task ends. Resources that reference this one, " +
			"or name it in `depends_on`, are held back until then. It creates nothing in the cloud.\n\n" +
			"A task that fails is an error (unless `fail_on_failure = false`) that gives the reason KPS recorded for it " +
			"(its failed-task record) and what to do; nothing is saved to state, so the next apply reads the task again " +
			"and fails the same way, rather than planning a replacement. Once the wait is over, the task is never read " +
			"again: refreshes make no API call.",
		Attributes: map[string]schema.Attribute{
			"task_id": schema.StringAttribute{
				Required:            true,
				MarkdownDescription: descTaskID + " Changing it forces a new wait.",
				Validators:          []validator.String{idValidator()},
				PlanModifiers:       []planmodifier.String{stringplanmodifier.RequiresReplace()},
			},
			"project_id": schema.StringAttribute{
				Optional:            true,
				Computed:            true,
				MarkdownDescription: descProjectID + " Changing it forces a new wait.",
				Validators:          []validator.String{idValidator()},
				PlanModifiers: []planmodifier.String{
					stringplanmodifier.UseStateForUnknown(),
					stringplanmodifier.RequiresReplace(),
				},
			},
			"poll_interval":   pollIntervalAttribute("the task"),
			"fail_on_failure": failOnFailureAttribute("a task"),
			"id":              computedResult("The task ID."),
			"task_status":     computedResult(descTaskStatus + " At the time the wait ended."),
			"server_id":       computedResult(descServerID),
			"phase":           computedResult(descPhase),
			"operation":       computedResult(descOperation),
			"succeeded": schema.BoolAttribute{
				Computed: true, MarkdownDescription: descSucceeded,
				PlanModifiers: []planmodifier.Bool{boolplanmodifier.UseStateForUnknown()},
			},
			"completed_at": computedTime("When the ending status was first seen, in RFC 3339. For an imported " +
				"task that had ended, the time of the import; null for one imported before it ended."),
		},
		Blocks: map[string]schema.Block{
			"timeouts": waitTimeoutsBlock(ctx, "the task to end"),
		},
	}
}

// Create is the wait. On success, or on failure with fail_on_failure = false,
// state is saved; on every other ending nothing is, so the next apply waits
// again instead of planning a replacement (and, for a task that failed,
// fails again with the reason KPS recorded).
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
	// task_status is the API's own: the end is read, not told by the lists.
	read, wake, leave := r.data.pollerFor(client, project).TaskWait(taskID, false)
	waiter.Wake = wake
	deadline := waiter.Clock.Now().Add(waiter.Timeout)
	res, err := waiter.Wait(ctx, read)
	leave()
	if err != nil {
		summary, detail := describeWaitError("KPS task "+taskID, project, waiter.Timeout, err)
		resp.Diagnostics.AddError(summary, detail)
		return
	}
	task := res.Task
	if task.Status.Failed() && plan.FailOnFailure.ValueBool() {
		// The reason's read is part of the wait: timeouts.create bounds it.
		reasonCtx, cancel := wait.WithTimeout(ctx, waiter.Until(deadline).Timeout)
		failed := keypairops.Failure(reasonCtx, client, project, kps.Task{ID: taskID, ServerID: task.ServerID, Status: task.Status, FailedRecord: task.FailedRecord},
			res.CompletedAt)
		cancel()
		resp.Diagnostics.AddError("KPS task "+taskID+" failed",
			fmt.Sprintf("Task %s on server %s ended with status %s. Reason: %s. %s Nothing was saved to state: the "+
				"next apply reads the task again, and fails the same way, since a task that ended does not change. Set "+
				"fail_on_failure = false to accept a failed task.",
				taskID, task.ServerID, task.Status.Raw, failed.Reason(), failureAdvice(failed)))
		return
	}

	plan.ProjectID = types.StringValue(project)
	plan.ID = types.StringValue(taskID)
	plan.CompletedAt = timeValue(res.CompletedAt)
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

// ImportState takes "<task_id>" or "<project_id>/<task_id>", reads the task
// once and records it as it stands, with the optional settings at their
// defaults so that the next plan is empty.
func (r *keypairTaskWaitResource) ImportState(ctx context.Context, req resource.ImportStateRequest, resp *resource.ImportStateResponse) {
	projectOverride, taskID := types.StringNull(), req.ID
	if before, after, found := strings.Cut(req.ID, "/"); found {
		projectOverride, taskID = types.StringValue(before), after
		if err := kps.CheckID("project_id", before); err != nil {
			resp.Diagnostics.AddError("Invalid import ID", "Use <task_id> or <project_id>/<task_id>: "+err.Error())
			return
		}
	}
	if err := kps.CheckID("task_id", taskID); err != nil {
		resp.Diagnostics.AddError("Invalid import ID", "Use <task_id> or <project_id>/<task_id>: "+err.Error())
		return
	}
	client, project, diags := r.data.clientFor(ctx, projectOverride)
	resp.Diagnostics.Append(diags...)
	if resp.Diagnostics.HasError() {
		return
	}
	task, err := client.GetTask(ctx, project, taskID)
	if err != nil {
		resp.Diagnostics.AddError("Cannot read KPS task "+taskID, err.Error())
		return
	}

	m := keypairTaskWaitModel{
		TaskID:    types.StringValue(taskID),
		ProjectID: types.StringValue(project),
		waitTuningModel: waitTuningModel{
			PollInterval:  types.StringValue(defaultPollInterval.String()),
			FailOnFailure: types.BoolValue(true),
			Timeouts:      timeouts.Value{Object: types.ObjectNull(map[string]attr.Type{"create": types.StringType})},
		},
		ID:              types.StringValue(taskID),
		CompletedAt:     timetypes.NewRFC3339Null(),
		taskStatusModel: newTaskStatusModel(task),
	}
	switch {
	case !task.Status.Terminal():
		resp.Diagnostics.AddWarning("Imported KPS task "+taskID+" has not ended",
			"Its status is "+task.Status.Raw+". It was imported as it stands, with completed_at null; "+
				"the import does not wait for it.")
	case task.Status.Failed():
		// The API does not say when a task ended: the import is the first time we saw it ended.
		m.CompletedAt = timeValue(time.Now())
		resp.Diagnostics.AddWarning("Imported KPS task "+taskID+" has failed",
			"Its status is "+task.Status.Raw+" on server "+task.ServerID+". It was imported as it stands, "+
				"with succeeded = false.")
	default:
		m.CompletedAt = timeValue(time.Now())
	}
	resp.Diagnostics.Append(resp.State.Set(ctx, &m)...)
}
