package kps

import "testing"

func TestParseStatus(t *testing.T) {
	cases := []struct {
		raw                 string
		phase               Phase
		operation           string
		terminal, succeeded bool
		failed, known       bool
	}{
		{"READY_RESET", PhaseReady, "RESET", false, false, false, true},
		{"RUNNING_RESET", PhaseRunning, "RESET", false, false, false, true},
		{"SUCCESS_RESET", PhaseSuccess, "RESET", true, true, false, true},
		{"FAILED_RESET", PhaseFailed, "RESET", true, false, true, true},
		{"SUCCESS_REPLACE", PhaseSuccess, "REPLACE", true, true, false, true},
		{"FAILED_REPLACE", PhaseFailed, "REPLACE", true, false, true, true},
		{"RUNNING_UNBIND", PhaseRunning, "UNBIND", false, false, false, true},
		{"SUCCESS_BIND", PhaseSuccess, "BIND", true, true, false, true},
		{"FAILED_BIND", PhaseFailed, "BIND", true, false, true, true},
		// An operation nobody has heard of is still classified by its phase.
		{"SUCCESS_ROTATE_KEY", PhaseSuccess, "ROTATE_KEY", true, true, false, true},
		// A phase nobody has heard of is exposed as it is and counts as pending.
		{"PAUSED_RESET", Phase("PAUSED"), "RESET", false, false, false, false},
		{"SUCCESS", PhaseSuccess, "", true, true, false, true},
		{"QUEUED", Phase("QUEUED"), "", false, false, false, false},
		{"", Phase(""), "", false, false, false, false},
		{"_RESET", Phase(""), "RESET", false, false, false, false},
		{"SUCCESS_", PhaseSuccess, "", true, true, false, true},
		// Case matters: the API sends upper case, and "success" is not a documented phase.
		{"success_reset", Phase("success"), "reset", false, false, false, false},
	}
	for _, c := range cases {
		t.Run(c.raw, func(t *testing.T) {
			s := ParseStatus(c.raw)
			if s.Raw != c.raw || s.Phase != c.phase || s.Operation != c.operation {
				t.Fatalf("ParseStatus(%q) = %+v, want phase %q operation %q", c.raw, s, c.phase, c.operation)
			}
			if s.Terminal() != c.terminal || s.Succeeded() != c.succeeded || s.Failed() != c.failed || s.Known() != c.known {
				t.Fatalf("ParseStatus(%q): terminal=%v succeeded=%v failed=%v known=%v, want %v %v %v %v",
					c.raw, s.Terminal(), s.Succeeded(), s.Failed(), s.Known(), c.terminal, c.succeeded, c.failed, c.known)
			}
		})
	}
}
