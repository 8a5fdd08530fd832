package provider

import (
	"context"
	"fmt"
	"time"

	"github.com/hashicorp/terraform-plugin-framework-validators/stringvalidator"
	"github.com/hashicorp/terraform-plugin-framework/diag"
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

// durationAtLeast accepts a Go duration string ("10s", "1m30s") of at least
// min. timetypes.GoDuration would parse it too, but its refusal of a string
// that is no duration names neither the attribute's minimum nor a duration
// it takes (it suggests "300ms" and "-1.5h"), and shows a literal "\n\n".
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
	d, err := time.ParseDuration(req.ConfigValue.ValueString())
	if err != nil || d < v.min {
		resp.Diagnostics.AddAttributeError(req.Path, "Invalid duration",
			fmt.Sprintf("Attribute %s %s, got %q.", req.Path, v.Description(ctx), req.ConfigValue.ValueString()))
	}
}

// durationOr is the duration in v, or def when v is null: the one place a
// duration durationAtLeast has checked is read. A value that is unknown, or
// is no duration, is an error, never the default.
func durationOr(v types.String, def time.Duration) (time.Duration, diag.Diagnostics) {
	var diags diag.Diagnostics
	if v.IsNull() {
		return def, nil
	}
	if v.IsUnknown() {
		diags.AddError("Duration not known", "A duration is unknown where a value is needed; this is a bug in the provider.")
		return 0, diags
	}
	d, err := time.ParseDuration(v.ValueString())
	if err != nil {
		diags.AddError("Invalid duration", fmt.Sprintf("%q is not a duration: %v.", v.ValueString(), err))
	}
	return d, diags
}
