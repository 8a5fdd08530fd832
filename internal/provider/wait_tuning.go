package provider

import (
	"context"
	"time"

	"github.com/hashicorp/terraform-plugin-framework-timeouts/resource/timeouts"
	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/resource"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/booldefault"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/stringdefault"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/kpsops/terraform-provider-kps/internal/wait"
)

// What the two wait resources share: how they are tuned (poll_interval,
// fail_on_failure, timeouts), their Read and Update, and how a wait is set
// up from the tuning.

const (
	defaultPollInterval  = 10 * time.Second
	minPollInterval      = time.Second
	defaultCreateTimeout = 30 * time.Minute
)

func pollIntervalAttribute(what string) schema.StringAttribute {
	return schema.StringAttribute{
		Optional: true,
		Computed: true,
		Default:  stringdefault.StaticString(defaultPollInterval.String()),
		MarkdownDescription: "The longest pause between two reads of " + what + ", as a duration such as `\"10s\"` or " +
			"`\"1m\"`; at least `\"1s\"`. Pauses start at one second or less and grow to this, each shortened by " +
			"a random share of up to a fifth so that many waits do not poll in step. Defaults to `\"10s\"`.",
		Validators: []validator.String{durationAtLeast{min: minPollInterval}},
	}
}

func failOnFailureAttribute(what string) schema.BoolAttribute {
	return schema.BoolAttribute{
		Optional: true,
		Computed: true,
		Default:  booldefault.StaticBool(true),
		MarkdownDescription: "Whether " + what + " that ends in a `FAILED_*` status is an error. When `false`, the " +
			"wait succeeds with `succeeded = false`. Defaults to `true`.",
	}
}

func waitTimeoutsBlock(ctx context.Context, what string) schema.Block {
	return timeouts.Block(ctx, timeouts.Opts{
		Create:            true,
		CreateDescription: "How long to wait for " + what + ", in all. Defaults to `30m`.",
	})
}

// waitTuningModel is how a wait resource is tuned: the attributes that an
// update changes in place, touching nothing remote.
type waitTuningModel struct {
	PollInterval  types.String   `tfsdk:"poll_interval"`
	FailOnFailure types.Bool     `tfsdk:"fail_on_failure"`
	Timeouts      timeouts.Value `tfsdk:"timeouts"`
}

// waitState is the state model of a wait resource.
type waitState interface {
	tuning() *waitTuningModel
}

func (m *waitTuningModel) tuning() *waitTuningModel { return m }

// readFinishedWait is Read for a wait resource: it makes no API call, since
// what a finished wait saw does not change, and the cloud purges task records
// after a while, which must not disturb a finished wait.
func readFinishedWait[M any, PM interface {
	*M
	waitState
}](ctx context.Context, req resource.ReadRequest, resp *resource.ReadResponse) {
	state := PM(new(M))
	resp.Diagnostics.Append(req.State.Get(ctx, state)...)
	if resp.Diagnostics.HasError() {
		return
	}
	resp.Diagnostics.Append(resp.State.Set(ctx, state)...)
}

// updateWaitTuning is Update for a wait resource: only the tuning can change
// in place (everything else forces replacement), so it is copied from the
// plan into the state, and nothing remote is touched.
func updateWaitTuning[M any, PM interface {
	*M
	waitState
}](ctx context.Context, req resource.UpdateRequest, resp *resource.UpdateResponse) {
	plan, state := PM(new(M)), PM(new(M))
	resp.Diagnostics.Append(req.Plan.Get(ctx, plan)...)
	resp.Diagnostics.Append(req.State.Get(ctx, state)...)
	if resp.Diagnostics.HasError() {
		return
	}
	*state.tuning() = *plan.tuning()
	resp.Diagnostics.Append(resp.State.Set(ctx, state)...)
}

// newWaiter sets up a wait from a resource's poll_interval and timeouts.
func newWaiter(ctx context.Context, t waitTuningModel, observer wait.Observer) (wait.Waiter, diag.Diagnostics) {
	timeout, diags := t.Timeouts.Create(ctx, defaultCreateTimeout)
	// The schema's validator has already checked the duration.
	interval, err := time.ParseDuration(t.PollInterval.ValueString())
	if err != nil {
		diags.AddAttributeError(path.Root("poll_interval"), "Invalid poll_interval", err.Error())
	}
	return wait.Waiter{Clock: wait.RealClock{}, Schedule: wait.NewSchedule(interval), Timeout: timeout, Observer: observer}, diags
}
