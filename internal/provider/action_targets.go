package provider

import (
	"context"

	"github.com/hashicorp/terraform-plugin-framework-validators/actionvalidator"
	"github.com/hashicorp/terraform-plugin-framework-validators/int64validator"
	"github.com/hashicorp/terraform-plugin-framework-validators/setvalidator"
	"github.com/hashicorp/terraform-plugin-framework/action"
	"github.com/hashicorp/terraform-plugin-framework/action/schema"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/kpsops/terraform-provider-kps/internal/keypairops"
)

// The servers an action that starts tasks acts on: one (server_id) or a
// fleet (server_ids, with max_failures).

// maxFleet is the most servers one invocation takes.
const maxFleet = 1000

// actionTargets is an action's server_id, server_ids and max_failures.
type actionTargets struct {
	ServerID    types.String   `tfsdk:"server_id"`
	ServerIDs   []types.String `tfsdk:"server_ids"`
	MaxFailures types.Int64    `tfsdk:"max_failures"`
}

// isFleet reports whether the action runs on server_ids.
func (t actionTargets) isFleet() bool { return t.ServerIDs != nil }

// operations is op for each server of the fleet.
func (t actionTargets) operations(op func(serverID string) keypairops.Operation) []keypairops.Operation {
	ops := make([]keypairops.Operation, 0, len(t.ServerIDs))
	for _, id := range t.ServerIDs {
		ops = append(ops, op(id.ValueString()))
	}
	return ops
}

// actionTargetAttributes are the attributes of actionTargets; what says what
// the action does to a server ("bind the key pair to").
func actionTargetAttributes(what string) map[string]schema.Attribute {
	return map[string]schema.Attribute{
		"server_id": schema.StringAttribute{
			Optional: true, MarkdownDescription: "The ECS server to " + what + ". Exactly one of `server_id` and " +
				"`server_ids`. " + descIDRule,
			Validators: []validator.String{idValidator()},
		},
		"server_ids": schema.SetAttribute{
			ElementType: types.StringType, Optional: true,
			MarkdownDescription: "A fleet: the ECS servers to " + what + ", 1 to 1,000, each as `server_id`, all in one " +
				"invocation with the same arguments. Every server goes through the same sequence at once, as fast as " +
				"the API's request limit allows; `timeout` bounds the whole invocation. Progress: a line per server as " +
				"its task starts and as it ends, and a summary every 30 s; the invocation fails if any server failed, " +
				"with one error listing the failed servers grouped by reason.",
			Validators: []validator.Set{
				setvalidator.SizeBetween(1, maxFleet),
				setvalidator.ValueStringsAre(idValidator()),
			},
		},
		"max_failures": schema.Int64Attribute{
			Optional: true,
			MarkdownDescription: "With `server_ids`: once this many servers have failed, no further task is started " +
				"(those already started are waited for), and the error lists the servers never started. At least 1; " +
				"no limit when unset.",
			Validators: []validator.Int64{
				int64validator.AtLeast(1),
				int64validator.AlsoRequires(path.MatchRoot("server_ids")),
			},
		},
	}
}

// targetsValidators say that an action acts on one server or on a fleet.
func targetsValidators() []action.ConfigValidator {
	return []action.ConfigValidator{
		actionvalidator.ExactlyOneOf(path.MatchRoot("server_id"), path.MatchRoot("server_ids")),
	}
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
