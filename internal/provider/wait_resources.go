package provider

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/hashicorp/terraform-plugin-framework-timeouts/resource/timeouts"
	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/booldefault"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/stringdefault"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/kpsops/terraform-provider-kps/internal/wait"
)

// What the two wait resources share: how they are tuned (poll_interval,
// fail_on_failure, timeouts), how a wait is set up from the tuning, and how
// a wait that went wrong reads. Their Read and Update touch nothing remote:
// Read leaves the state as the framework copied it, and Update takes the
// plan, in which only the tuning can differ (all else forces replacement).

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
		Validators: []validator.String{pollIntervalArgument},
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

// newWaiter sets up a wait from a resource's poll_interval and timeouts.
func newWaiter(ctx context.Context, t waitTuningModel, observer wait.Observer) (wait.Waiter, diag.Diagnostics) {
	timeout, diags := t.Timeouts.Create(ctx, defaultCreateTimeout)
	interval, d := pollIntervalArgument.read(t.PollInterval)
	diags.Append(d...)
	return wait.Waiter{Clock: wait.RealClock{}, Schedule: wait.NewSchedule(interval), Timeout: timeout, Observer: observer}, diags
}

// describeWaitError words a wait for what, which went wrong with err, as a
// diagnostic.
func describeWaitError(what, project string, timeout time.Duration, err error) (summary, detail string) {
	var te *wait.TimeoutError
	switch {
	case errors.As(err, &te):
		return "Timed out waiting for " + what,
			fmt.Sprintf("%s in project %s: %s (timeouts.create is %s). Nothing was saved to state, so the next "+
				"apply looks again; raise timeouts.create if it needs longer.", what, project, te.Error(), timeout)
	case wait.IsInterrupted(err):
		return "Wait for " + what + " interrupted",
			fmt.Sprintf("%s in project %s: %s. Nothing was saved to state; the tasks themselves go on in the cloud.",
				what, project, err.Error())
	}
	return "Cannot read " + what, err.Error()
}
