package provider

import (
	"strings"
	"testing"
	"time"

	"github.com/hashicorp/terraform-plugin-framework/types"
)

// TestDurationArgumentRead: a duration argument's value is read only as
// validation would take it; what validation could not see (a value unknown
// then) is an error naming the argument, never the default or zero.
func TestDurationArgumentRead(t *testing.T) {
	for _, tc := range []struct {
		value   types.String
		want    time.Duration
		wantErr string
	}{
		{types.StringNull(), defaultPollInterval, ""},
		{types.StringValue("2s"), 2 * time.Second, ""},
		{types.StringValue("1m30s"), 90 * time.Second, ""},
		{types.StringUnknown(), 0, "poll_interval is unknown"},
		{types.StringValue("ten seconds"), 0, "poll_interval must be a duration"},
		{types.StringValue("0s"), 0, "at least 1s"},
		{types.StringValue("500ms"), 0, "at least 1s"},
	} {
		got, diags := pollIntervalArgument.read(tc.value)
		if tc.wantErr == "" {
			if diags.HasError() || got != tc.want {
				t.Errorf("%s: got %s, %v; want %s", tc.value, got, diags, tc.want)
			}
			continue
		}
		if !diags.HasError() || !strings.Contains(diags[0].Detail(), tc.wantErr) {
			t.Errorf("%s: got %s, %v; want an error saying %q", tc.value, got, diags, tc.wantErr)
		}
	}
	if got, diags := actionTimeoutArgument.read(types.StringNull()); diags.HasError() || got != defaultStartTimeout {
		t.Errorf("an unset timeout: got %s, %v; want %s", got, diags, defaultStartTimeout)
	}
}
