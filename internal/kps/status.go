package kps

import "strings"

// Phase is the part of a task status before its first underscore. KPS adds new
// operations without notice, so the provider classifies tasks by phase alone and
// never by a closed list of statuses.
type Phase string

// The phases the API documents. Any other phase is passed through unchanged.
const (
	PhaseReady   Phase = "READY"
	PhaseRunning Phase = "RUNNING"
	PhaseSuccess Phase = "SUCCESS"
	PhaseFailed  Phase = "FAILED"
)

// Status is a task_status split into its phase and operation, e.g.
// "RUNNING_RESET" is phase RUNNING, operation RESET.
type Status struct {
	Raw       string
	Phase     Phase
	Operation string
}

// ParseStatus splits a task_status at its first underscore. A status without an
// underscore is all phase and no operation. It never fails: an unexpected status
// is exposed as it came, so a new API value cannot break a Terraform run.
func ParseStatus(raw string) Status {
	phase, operation, _ := strings.Cut(raw, "_")
	return Status{Raw: raw, Phase: Phase(phase), Operation: operation}
}

// Terminal reports whether the task has ended, successfully or not.
func (s Status) Terminal() bool { return s.Succeeded() || s.Failed() }

// Succeeded reports whether the task ended successfully.
func (s Status) Succeeded() bool { return s.Phase == PhaseSuccess }

// Failed reports whether the task ended in failure.
func (s Status) Failed() bool { return s.Phase == PhaseFailed }

// Known reports whether the phase is one the API documents. A waiter treats an
// unknown phase as pending, but says so in its logs.
func (s Status) Known() bool {
	switch s.Phase {
	case PhaseReady, PhaseRunning, PhaseSuccess, PhaseFailed:
		return true
	}
	return false
}
