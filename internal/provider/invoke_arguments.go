package provider

import (
	"time"

	"github.com/hashicorp/terraform-plugin-framework-validators/actionvalidator"
	"github.com/hashicorp/terraform-plugin-framework-validators/int64validator"
	"github.com/hashicorp/terraform-plugin-framework-validators/setvalidator"
	"github.com/hashicorp/terraform-plugin-framework/action"
	"github.com/hashicorp/terraform-plugin-framework/action/schema"
	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/kpsops/terraform-provider-kps/internal/keypairops"
	"github.com/kpsops/terraform-provider-kps/internal/kps"
)

// The arguments the actions that start a task share (kps_associate_keypair,
// kps_disassociate_keypair): auth, poll_interval, timeout, project_id, and
// the servers to act on. The sequence itself is the resources' (keypairops).

// actionAuthModel is an action's auth. Its key is write-only: the only kind
// of attribute that Terraform 1.14 lets take an ephemeral value (such as
// ephemeral.kps_keypair_private_key's), and one an action never stores. The
// framework cannot mark an action argument sensitive.
type actionAuthModel struct {
	Type types.String `tfsdk:"type"`
	Key  types.String `tfsdk:"key"`
}

func (a *actionAuthModel) sent() *kps.ServerAuth {
	if a == nil {
		return nil
	}
	return &kps.ServerAuth{Type: a.Type.ValueString(), Key: a.Key.ValueString()}
}

func actionAuthAttribute(desc string) schema.SingleNestedAttribute {
	return schema.SingleNestedAttribute{
		Optional:            true,
		MarkdownDescription: desc,
		Validators:          []validator.Object{authObjectValidator{}},
		Attributes: map[string]schema.Attribute{
			"type": schema.StringAttribute{
				Required:            true,
				MarkdownDescription: "`password` (the key is the server's password) or `keypair` (the key is the private key of the key pair bound now).",
			},
			"key": schema.StringAttribute{
				Required: true, WriteOnly: true,
				MarkdownDescription: "The password or private key, write-only: it takes an ephemeral value, such as " +
					"`ephemeral.kps_keypair_private_key.current.private_key`, or a `sensitive` variable (Terraform cannot mark " +
					"an action argument sensitive: never a literal). The provider never logs it or shows it in an error.",
			},
		},
	}
}

// startTuning is an action's poll_interval and timeout.
type startTuning struct {
	PollInterval types.String `tfsdk:"poll_interval"`
	Timeout      types.String `tfsdk:"timeout"`
}

func startTuningAttributes() map[string]schema.Attribute {
	return map[string]schema.Attribute{
		"poll_interval": schema.StringAttribute{
			Optional: true,
			MarkdownDescription: "The longest pause between two reads of the task, as a duration such as `\"10s\"`; at " +
				"least `\"1s\"`. Defaults to `\"10s\"`.",
			Validators: []validator.String{pollIntervalArgument},
		},
		"timeout": schema.StringAttribute{
			Optional:            true,
			MarkdownDescription: "How long to wait in all, for the server and then the task (with `server_ids`, for the whole fleet), as a duration. Defaults to `\"30m\"`.",
			Validators:          []validator.String{actionTimeoutArgument},
		},
	}
}

// values are the tuning with defaults for what is not set.
func (t startTuning) values() (pollInterval, timeout time.Duration, diags diag.Diagnostics) {
	pollInterval, diags = pollIntervalArgument.read(t.PollInterval)
	timeout, d := actionTimeoutArgument.read(t.Timeout)
	diags.Append(d...)
	return pollInterval, timeout, diags
}

// projectIDActionAttribute is an action's project_id.
func projectIDActionAttribute() schema.StringAttribute {
	return schema.StringAttribute{
		Optional:            true,
		MarkdownDescription: "The IAM project of the server. Defaults to the provider's `project_id`. " + descIDRule,
		Validators:          []validator.String{idValidator()},
	}
}

// The servers it acts on: one (server_id) or a fleet (server_ids, with
// max_failures).

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
