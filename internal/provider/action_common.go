package provider

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"time"

	"github.com/hashicorp/terraform-plugin-framework/action"
	"github.com/hashicorp/terraform-plugin-framework/action/schema"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
	"github.com/hashicorp/terraform-plugin-framework/types"
	"github.com/hashicorp/terraform-plugin-log/tflog"

	"github.com/kpsops/terraform-provider-kps/internal/keypairops"
	"github.com/kpsops/terraform-provider-kps/internal/kps"
	"github.com/kpsops/terraform-provider-kps/internal/wait"
)

// What the actions that start a task share with each other: their auth,
// poll_interval and timeout arguments, progress sent to the CLI, and errors
// worded for an action. The sequence itself is the resources' (keypairops).

// actionWording words the start errors of an action: nothing is kept, so
// what follows is invoking it again.
var actionWording = startWording{
	retry:       " Nothing was changed; invoke the action again to try again.",
	started:     "Invoking the action again waits for this task to end before starting another.",
	timeout:     "the action's timeout",
	adviceApart: true,
}

// actionAuthModel is an action's auth: the framework cannot mark an action
// argument sensitive or write-only, so there is one key, to pass from a
// sensitive variable (Terraform 1.14 refuses ephemeral values there).
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
				Required: true,
				MarkdownDescription: "The password or private key. Actions keep nothing in state, but Terraform cannot mark an " +
					"action argument sensitive: pass it from a `sensitive` variable, never as a literal (Terraform 1.14 refuses " +
					"ephemeral values in an action's configuration). " +
					"The provider never logs it or shows it in an error.",
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
			MarkdownDescription: "How long to wait in all, for the server and then the task, as a duration. Defaults to `\"30m\"`.",
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

// configuredAction is what every action embeds: the provider's data, set
// by Configure.
type configuredAction struct {
	data *providerData
}

func (a *configuredAction) Configure(_ context.Context, req action.ConfigureRequest, resp *action.ConfigureResponse) {
	data, diags := providerDataFrom(req.ProviderData)
	resp.Diagnostics.Append(diags...)
	a.data = data
}

// progress sends an action's progress to the CLI as it happens, and logs
// it. SendProgress is called from the heartbeat's goroutine too: a lock
// keeps the messages in order.
type progress struct {
	mu   sync.Mutex
	send func(action.InvokeProgressEvent)
}

func (p *progress) say(ctx context.Context, format string, args ...any) {
	msg := fmt.Sprintf(format, args...)
	tflog.Info(ctx, msg)
	p.mu.Lock()
	defer p.mu.Unlock()
	p.send(action.InvokeProgressEvent{Message: msg})
}

// runStartAction runs op as an action: every step of the sequence is
// reported to the CLI, and while the task runs, its status at least every
// 30 s. An error goes to resp's diagnostics.
func (d *providerData) runStartAction(ctx context.Context, resp *action.InvokeResponse, projectOverride types.String,
	tuning startTuning, op keypairops.Operation,
) {
	client, project, diags := d.clientFor(ctx, projectOverride)
	resp.Diagnostics.Append(diags...)
	if resp.Diagnostics.HasError() {
		return
	}
	pollInterval, timeout := tuning.values()
	runner, err := d.startRunner(client, project, pollInterval, timeout)
	if err != nil {
		resp.Diagnostics.AddError("Invalid poll_interval", err.Error())
		return
	}
	server := op.ServerID()
	ctx = tflog.SetField(ctx, "server_id", server)
	p := &progress{send: resp.SendProgress}
	// The heartbeat ends before Invoke returns: the framework reads progress
	// only until then, and a message sent later would block for ever.
	beat := startHeartbeat(ctx, p, heartbeat)
	defer beat.stop()
	runner.Progress = keypairops.Progress{
		ServerBusy: func(ctx context.Context, running string) {
			beat.serverBusy(server, running)
			p.say(ctx, "Server %s is busy (%s); waiting for it to finish before starting a task", server, running)
		},
		EarlierTaskFailed: func(ctx context.Context, t wait.ServerTask) {
			p.say(ctx, "An earlier task of server %s, %s (%s), ended %s", server, t.ID, t.Operation, t.Status)
			resp.Diagnostics.AddWarning(earlierTaskFailed(server, t))
		},
		Started: func(ctx context.Context, taskID string, adopted bool) {
			beat.taskStarted(taskID)
			if adopted {
				p.say(ctx, "Task %s is running on server %s (its start's answer was lost; found among the running tasks)", taskID, server)
			} else {
				p.say(ctx, "Started task %s on server %s", taskID, server)
			}
		},
		Task: wait.Observer{
			StatusChanged: func(ctx context.Context, status string, elapsed time.Duration) {
				id := beat.taskStatus(status)
				p.say(ctx, "Task %s: %s after %s", id, status, elapsed.Round(time.Second))
			},
			TransientError: progressLog.TransientError,
		},
	}
	out, err := runner.Run(ctx, op)
	if failed := (*keypairops.TaskFailedError)(nil); errors.As(err, &failed) {
		p.say(ctx, "Task %s failed. %s", failed.TaskID, failureAdvice(failed))
	}
	if err != nil {
		resp.Diagnostics.AddError(startErrorDiag(err, actionWording))
		return
	}
	p.say(ctx, "Task %s on server %s ended %s", out.TaskID, server, out.Status.Raw)
}

// projectIDActionAttribute is an action's project_id.
func projectIDActionAttribute() schema.StringAttribute {
	return schema.StringAttribute{
		Optional:            true,
		MarkdownDescription: "The IAM project of the server. Defaults to the provider's `project_id`. " + descIDRule,
		Validators:          []validator.String{idValidator()},
	}
}
