package provider

import (
	"time"

	"github.com/hashicorp/terraform-plugin-framework/action/schema"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/kpsops/terraform-provider-kps/internal/kps"
)

// The arguments the actions that start a task share: auth, poll_interval,
// timeout and project_id. The sequence itself is the resources' (keypairops).

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
			Validators: []validator.String{durationAtLeast{min: minPollInterval}},
		},
		"timeout": schema.StringAttribute{
			Optional:            true,
			MarkdownDescription: "How long to wait in all, for the server and then the task (with `server_ids`, for the whole fleet), as a duration. Defaults to `\"30m\"`.",
			Validators:          []validator.String{durationAtLeast{min: time.Second}},
		},
	}
}

// values are the tuning with defaults for what is not set.
func (t startTuning) values() (pollInterval string, timeout time.Duration) {
	pollInterval = defaultPollInterval.String()
	if !t.PollInterval.IsNull() {
		pollInterval = t.PollInterval.ValueString()
	}
	timeout = defaultStartTimeout
	if d, err := time.ParseDuration(t.Timeout.ValueString()); err == nil && !t.Timeout.IsNull() {
		timeout = d
	}
	return pollInterval, timeout
}

// projectIDActionAttribute is an action's project_id.
func projectIDActionAttribute() schema.StringAttribute {
	return schema.StringAttribute{
		Optional:            true,
		MarkdownDescription: "The IAM project of the server. Defaults to the provider's `project_id`. " + descIDRule,
		Validators:          []validator.String{idValidator()},
	}
}
