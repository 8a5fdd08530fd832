package provider

import (
	"time"

	"github.com/hashicorp/terraform-plugin-framework-timetypes/timetypes"
	"github.com/hashicorp/terraform-plugin-framework/attr"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/planmodifier"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/stringplanmodifier"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/kpsops/terraform-provider-kps/internal/kps"
)

// The attributes and values several types share: a task's status, the
// results a resource keeps, times, and the descriptions that keep their
// documents in the same words.

// taskStatusModel holds the attributes that the data source and the wait
// resource both derive from a task's status.
type taskStatusModel struct {
	TaskStatus types.String `tfsdk:"task_status"`
	ServerID   types.String `tfsdk:"server_id"`
	Phase      types.String `tfsdk:"phase"`
	Operation  types.String `tfsdk:"operation"`
	Succeeded  types.Bool   `tfsdk:"succeeded"`
}

func newTaskStatusModel(task kps.Task) taskStatusModel {
	return taskStatusModel{
		TaskStatus: types.StringValue(task.Status.Raw),
		ServerID:   types.StringValue(task.ServerID),
		Phase:      types.StringValue(string(task.Status.Phase)),
		Operation:  types.StringValue(task.Status.Operation),
		Succeeded:  types.BoolValue(task.Status.Succeeded()),
	}
}

// attributes returns the model as attribute values by name.
func (m taskStatusModel) attributes() map[string]attr.Value {
	return map[string]attr.Value{
		"task_status": m.TaskStatus, "server_id": m.ServerID, "phase": m.Phase,
		"operation": m.Operation, "succeeded": m.Succeeded,
	}
}

// Descriptions shared by several types' schemas, so that their documents say
// the same thing in the same words.
const (
	descTaskID     = "The ID of the task, as returned by the call that started it. " + descIDRule
	descProjectID  = "The IAM project the task belongs to. Defaults to the provider's `project_id`. " + descIDRule
	descIDRule     = "1 to 64 characters of letters, digits, `-` and `_`."
	descTaskStatus = "The task's status exactly as the API returned it, e.g. `RUNNING_RESET`."
	descServerID   = "The ID of the ECS server the task acts on."
	descPhase      = "The part of `task_status` before its first `_`: `READY`, `RUNNING`, `SUCCESS`, `FAILED`, " +
		"or whatever new phase the API returns (the whole status when it has no `_`)."
	descOperation = "The part of `task_status` after its first `_`: `RESET`, `REPLACE`, `BIND`, `UNBIND`, ... " +
		"(empty when the status has no `_`)."
	descSucceeded = "Whether the task ended successfully (`phase` is `SUCCESS`)."
)

// computedResult is a computed result a resource keeps through an update
// that changes only its tuning: a finished wait's results never change, and
// a start resource's change only when its ModifyPlan plans a new task.
func computedResult(desc string) schema.StringAttribute {
	return schema.StringAttribute{
		Computed: true, MarkdownDescription: desc,
		PlanModifiers: []planmodifier.String{stringplanmodifier.UseStateForUnknown()},
	}
}

// computedTime is computedResult for a time, in RFC 3339.
func computedTime(desc string) schema.StringAttribute {
	a := computedResult(desc)
	a.CustomType = timetypes.RFC3339Type{}
	return a
}

// timeValue is t in RFC 3339 UTC, as every time attribute holds it.
func timeValue(t time.Time) timetypes.RFC3339 { return timetypes.NewRFC3339TimeValue(t.UTC()) }
