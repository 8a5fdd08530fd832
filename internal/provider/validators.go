package provider

import (
	"context"
	"fmt"
	"time"

	"github.com/hashicorp/terraform-plugin-framework-timetypes/timetypes"
	"github.com/hashicorp/terraform-plugin-framework-validators/stringvalidator"
	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"

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

// durationAtLeast refuses a duration shorter than min. It sits on a
// timetypes.GoDuration attribute, whose type refuses, before any validator
// runs, a string that is not a duration ("10s", "1m30s").
type durationAtLeast struct{ min time.Duration }

var _ validator.String = durationAtLeast{}

func (v durationAtLeast) Description(context.Context) string {
	return fmt.Sprintf("must be a duration such as \"10s\" or \"1m\", at least %s", v.min)
}

func (v durationAtLeast) MarkdownDescription(ctx context.Context) string { return v.Description(ctx) }

func (v durationAtLeast) ValidateString(ctx context.Context, req validator.StringRequest, resp *validator.StringResponse) {
	if req.ConfigValue.IsNull() || req.ConfigValue.IsUnknown() {
		return
	}
	d, diags := timetypes.GoDuration{StringValue: req.ConfigValue}.ValueGoDuration()
	if !diags.HasError() && d < v.min {
		resp.Diagnostics.AddAttributeError(req.Path, "Invalid duration",
			fmt.Sprintf("Attribute %s %s, got %q.", req.Path, v.Description(ctx), req.ConfigValue.ValueString()))
	}
}

// durationOr is v's duration, or def when v is null. v's type has refused,
// at validation, a value that is not a duration: an error here is a bug.
func durationOr(v timetypes.GoDuration, def time.Duration) (time.Duration, diag.Diagnostics) {
	if v.IsNull() {
		return def, nil
	}
	return v.ValueGoDuration()
}
