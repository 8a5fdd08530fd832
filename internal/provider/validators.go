package provider

import (
	"context"
	"fmt"
	"time"

	"github.com/hashicorp/terraform-plugin-framework-validators/stringvalidator"
	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/kpsops/terraform-provider-kps/internal/kps"
)

// idValidator checks task and project IDs at plan time, so that an ID that
// would change the request path (a "/", "..", "?", "%") is refused before any
// request is sent. The client checks again as a last line of defence.
func idValidator() validator.String {
	return stringvalidator.RegexMatches(kps.IDPattern, "must be "+kps.IDRule)
}

// keypairNameValidator checks key-pair names at plan time: the characters
// of an ID, up to the 255 KPS takes.
func keypairNameValidator() validator.String {
	return stringvalidator.RegexMatches(kps.KeypairNamePattern, "must be "+kps.KeypairNameRule)
}

// durationArgument is an argument that takes a Go duration string ("10s",
// "1m30s"): its name, its default when unset, and the least it takes. It is
// the argument's validator, and read is the one place its value is read.
// timetypes.GoDuration would parse it too, but its refusal of a string that
// is no duration names neither the argument's minimum nor a duration it
// takes (it suggests "300ms" and "-1.5h"), and shows a literal "\n\n".
type durationArgument struct {
	name     string
	def, min time.Duration
}

var (
	pollIntervalArgument  = durationArgument{name: "poll_interval", def: defaultPollInterval, min: minPollInterval}
	actionTimeoutArgument = durationArgument{name: "timeout", def: defaultStartTimeout, min: time.Second}
)

var _ validator.String = durationArgument{}

func (a durationArgument) Description(context.Context) string {
	return fmt.Sprintf("must be a duration such as \"10s\" or \"1m\", at least %s", a.min)
}

func (a durationArgument) MarkdownDescription(ctx context.Context) string { return a.Description(ctx) }

// parse is the duration in s, and what is wrong with s as the argument's
// value ("" when nothing).
func (a durationArgument) parse(s string) (time.Duration, string) {
	if d, err := time.ParseDuration(s); err == nil && d >= a.min {
		return d, ""
	}
	return 0, fmt.Sprintf("Attribute %s %s, got %q.", a.name, a.Description(context.Background()), s)
}

func (a durationArgument) ValidateString(_ context.Context, req validator.StringRequest, resp *validator.StringResponse) {
	if req.ConfigValue.IsNull() || req.ConfigValue.IsUnknown() {
		return
	}
	if _, problem := a.parse(req.ConfigValue.ValueString()); problem != "" {
		resp.Diagnostics.AddAttributeError(req.Path, "Invalid duration", problem)
	}
}

// read is the duration in v, or the default when v is null. A value unknown,
// not a duration, or below the least is an error, never the default: the
// validator checked it, but a value unknown then (from another resource) is
// first seen here.
func (a durationArgument) read(v types.String) (time.Duration, diag.Diagnostics) {
	var diags diag.Diagnostics
	switch {
	case v.IsNull():
		return a.def, nil
	case v.IsUnknown():
		diags.AddAttributeError(path.Root(a.name), "Duration not known", "Attribute "+a.name+" is unknown where its value is needed.")
		return 0, diags
	}
	d, problem := a.parse(v.ValueString())
	if problem != "" {
		diags.AddAttributeError(path.Root(a.name), "Invalid duration", problem)
	}
	return d, diags
}
