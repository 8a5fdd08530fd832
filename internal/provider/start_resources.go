package provider

import (
	"context"
	"errors"
	"time"

	"github.com/hashicorp/terraform-plugin-framework-timetypes/timetypes"
	"github.com/hashicorp/terraform-plugin-framework-validators/int64validator"
	"github.com/hashicorp/terraform-plugin-framework/resource"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/planmodifier"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/stringplanmodifier"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/kpsops/terraform-provider-kps/internal/keypairops"
)

// The schema pieces every resource that starts a task shares.

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
