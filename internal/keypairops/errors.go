package keypairops

import (
	"errors"
	"fmt"
	"time"

	"github.com/kpsops/terraform-provider-kps/internal/kps"
	"github.com/kpsops/terraform-provider-kps/internal/wait"
)

// IdleWaitError is a wait for the server's earlier tasks that did not end
// (timeout, interruption, or a read that failed for good). Nothing was started.
type IdleWaitError struct {
	ServerID string
	Err      error
}

func (e *IdleWaitError) Error() string {
	if e.SawBusy() {
		return fmt.Sprintf("waiting for server %s to finish its running key-pair task before starting another: %v", e.ServerID, e.Err)
	}
	// Until a list succeeded, nothing says the server is busy: what failed
	// was the check whether it is.
	return fmt.Sprintf("checking whether server %s runs a key-pair task, before starting one: %v", e.ServerID, e.Err)
}

// SawBusy reports whether the server was seen running a task: the wait
// timed out or was interrupted after a list had succeeded.
func (e *IdleWaitError) SawBusy() bool {
	var timedOut *wait.TimeoutError
	var interrupted *wait.InterruptedError
	switch {
	case errors.As(e.Err, &timedOut):
		return timedOut.LastStatus != ""
	case errors.As(e.Err, &interrupted):
		return interrupted.LastStatus != ""
	}
	return false
}

func (e *IdleWaitError) Unwrap() error { return e.Err }

// LockWaitError is a sequence that gave up while another sequence of this
// provider process held the server (two resources or actions of one run on
// the same server take turns): it timed out, or was interrupted. Nothing was
// asked of KPS for it.
type LockWaitError struct {
	ServerID string
	Waited   time.Duration
	TimedOut bool
}

func (e *LockWaitError) Error() string {
	how := "was interrupted"
	if e.TimedOut {
		how = "timed out"
	}
	return fmt.Sprintf("waiting for another operation of this run on server %s to finish %s after %s; "+
		"nothing was sent for this one", e.ServerID, how, e.Waited.Round(time.Millisecond))
}

// StartError is a call that started no task, or of which it is not known
// whether it did: Err is the last answer (a 400, a kps.DispatchError, or a
// failure that may have reached the API), after Sends sends.
type StartError struct {
	ServerID string
	Sends    int
	// Uncertain is set when the last send may have reached the API and the
	// task could not be found: it may be running unseen.
	Uncertain bool
	// LookupErr is why the running list could not be read, when it could not.
	LookupErr error
	Err       error
}

func (e *StartError) Error() string {
	msg := fmt.Sprintf("starting a key-pair task on server %s: %v", e.ServerID, e.Err)
	if e.Sends > 1 {
		msg += fmt.Sprintf(" (%d sends)", e.Sends)
	}
	switch {
	case e.LookupErr != nil:
		msg += fmt.Sprintf("; the request may have reached KPS, and the running-tasks list, which would show "+
			"whether it started a task, could not be read: %v", e.LookupErr)
	case e.Uncertain:
		msg += "; the request may have reached KPS, but no task it started is in the running-tasks list"
	}
	return msg
}

func (e *StartError) Unwrap() error { return e.Err }

// IsDispatchFailure reports whether KPS answered that it dispatched no task.
func (e *StartError) IsDispatchFailure() bool {
	var de *kps.DispatchError
	return errors.As(e.Err, &de)
}

// StartedError is a task that was started (or found running after a lost
// answer) whose end was not seen: the wait timed out, was interrupted, or a
// read failed for good. The task goes on in the cloud.
type StartedError struct {
	TaskID, ServerID string
	LastStatus       string // empty when no read succeeded
	Err              error
}

func (e *StartedError) Error() string {
	return fmt.Sprintf("task %s on server %s was started, but its end was not seen: %v", e.TaskID, e.ServerID, e.Err)
}

func (e *StartedError) Unwrap() error { return e.Err }

// TaskFailedError is a task that ended FAILED_*, with the reason the
// failed-tasks list gives.
type TaskFailedError struct {
	TaskID, ServerID string
	Status           kps.Status
	CompletedAt      time.Time
	// ErrorCode and ErrorMsg are the failed-tasks list's reason; both empty
	// when it is unavailable (ReasonErr says why, if a read failed).
	ErrorCode, ErrorMsg string
	ReasonErr           error
}

func (e *TaskFailedError) Error() string {
	return fmt.Sprintf("task %s on server %s ended with status %s: %s", e.TaskID, e.ServerID, e.Status.Raw, e.Reason())
}

// Reason says why the task failed, as the failed-tasks list gives it.
func (e *TaskFailedError) Reason() string {
	switch {
	case e.ErrorCode != "" || e.ErrorMsg != "":
		return fmt.Sprintf("%s %q", e.ErrorCode, e.ErrorMsg)
	case e.ReasonErr != nil:
		return "the reason is unavailable: reading the failed-tasks list failed: " + e.ReasonErr.Error()
	}
	return "the reason is unavailable: the failed-tasks list no longer holds the task"
}
