package provider

import (
	"errors"
	"fmt"
	"strings"

	"github.com/kpsops/terraform-provider-kps/internal/keypairops"
	"github.com/kpsops/terraform-provider-kps/internal/wait"
)

// How the start-and-wait sequence's errors read, for resources and actions
// alike, and what to do after a task that failed.

// startWording is what an error says happens next: for a resource, about
// state; for an action, about invoking it again.
type startWording struct {
	// retry follows an error after which nothing runs in the cloud.
	retry string
	// started follows an error after which the started task runs on.
	started string
	// timeout names the setting that bounds the operation, for the advice
	// after a timeout.
	timeout string
	// adviceApart is set where what to do about a failed task is said apart
	// from the error (an action's progress): Terraform prints an action's
	// error twice, and the advice is the longest part of it.
	adviceApart bool
}

// resourceCreateWording and resourceUpdateWording word the errors of the
// resources that start tasks.
var (
	resourceCreateWording = startWording{
		retry: " Nothing was saved to state, so the next apply tries again.",
		started: "Its ID is kept in state (task_id) and the resource is marked tainted: the next apply replaces it, " +
			"first finding out how this task ended (a success is kept, not started again).",
		timeout: "timeouts.create",
	}
	resourceUpdateWording = startWording{
		retry: resourceCreateWording.retry,
		started: "Its ID is kept in state (task_id) with the arguments as they were: the next plan proposes this " +
			"update again, and its apply first finds out how this task ended (a success is kept, not started again).",
		timeout: "timeouts.update",
	}
)

// startErrorDiag words how the sequence failed, and what happens next as w
// says.
func startErrorDiag(err error, w startWording) (summary, detail string) {
	var (
		queued   *keypairops.LockWaitError
		idle     *keypairops.IdleWaitError
		start    *keypairops.StartError
		running  *keypairops.StartedError
		failed   *keypairops.TaskFailedError
		timedOut *wait.TimeoutError
	)
	nothingSaved := w.retry
	raise := fmt.Sprintf(" The timeout counts from the start of the operation, the wait for the server included: "+
		"raise %s if it needs longer.", w.timeout)
	switch {
	case errors.As(err, &failed):
		advice := " " + failureAdvice(failed)
		if w.adviceApart {
			advice = ""
		}
		return "KPS task " + failed.TaskID + " failed",
			fmt.Sprintf("Task %s on server %s ended with status %s. Reason: %s.%s%s", failed.TaskID, failed.ServerID,
				failed.Status.Raw, failed.Reason(), nothingSaved, advice)
	case errors.As(err, &running) && errors.As(err, &timedOut):
		return "Timed out waiting for KPS task " + running.TaskID,
			fmt.Sprintf("%s. The task goes on in the cloud; a timeout does not mean it failed. %s%s", running.Error(), w.started, raise)
	case errors.As(err, &running) && wait.IsInterrupted(err):
		return "Wait for KPS task " + running.TaskID + " interrupted",
			fmt.Sprintf("%s. The task goes on in the cloud; it was not seen to fail. %s", running.Error(), w.started)
	case errors.As(err, &running):
		return "Cannot read KPS task " + running.TaskID,
			fmt.Sprintf("%s. The task was started and goes on in the cloud, but reading how it stands failed for good. %s",
				running.Error(), w.started)
	case errors.As(err, &queued) && queued.TimedOut:
		return "Timed out waiting for server " + queued.ServerID, err.Error() + "." + nothingSaved + raise
	case errors.As(err, &queued):
		return "Wait for server " + queued.ServerID + " interrupted", err.Error() + "." + nothingSaved
	case errors.As(err, &start) && start.IsDispatchFailure():
		return "KPS did not start a task on server " + start.ServerID, err.Error() + "." + nothingSaved
	case errors.As(err, &start) && start.Uncertain:
		return "Cannot tell whether KPS started a task on server " + start.ServerID,
			err.Error() + ". If a task did start, the next apply waits for it before starting another: it finds it in the " +
				"server's running tasks." + nothingSaved
	case errors.As(err, &start):
		return "Cannot start a KPS task on server " + start.ServerID, err.Error() + "." + nothingSaved
	case errors.As(err, &idle) && errors.As(err, &timedOut) && idle.SawBusy():
		return "Timed out waiting for server " + idle.ServerID + " to be idle", err.Error() + ". No task was started." + nothingSaved + raise
	case errors.As(err, &idle) && errors.As(err, &timedOut):
		return "Timed out checking whether server " + idle.ServerID + " is busy", err.Error() + ". No task was started." + nothingSaved + raise
	case errors.As(err, &idle) && wait.IsInterrupted(err):
		return "Wait for server " + idle.ServerID + " to be idle interrupted", err.Error() + ". No task was started." + nothingSaved
	case errors.As(err, &idle):
		return "Cannot check whether server " + idle.ServerID + " is busy", err.Error() + ". No task was started." + nothingSaved
	}
	return "Cannot start a KPS task", err.Error()
}

// failureAdvice is what to do about a task that failed, fitted to its
// reason and operation where they say enough: a reset of a running server
// wants it stopped, a refused login the key the server accepts now, an
// unbind of a server with no key pair nothing at all. KPS publishes no
// codes for why a task fails (its table is for the answers of its calls, and
// gives KPS.6005 another meaning), so the reason's words are read as well
// as the codes seen in the field. This chooses advice only: nothing is
// decided by it.
func failureAdvice(f *keypairops.TaskFailedError) string {
	reason := strings.ToLower(f.ErrorCode + " " + f.ErrorMsg)
	switch {
	case f.Status.Operation == "RESET" && (strings.Contains(reason, "running") || f.ErrorCode == "KPS.6006"):
		return "A reset (a key pair bound without auth) needs the server shut down: stop it first, or give auth to " +
			"replace the key pair on the running server instead."
	case strings.Contains(reason, "not running"):
		return "A replace, or an unbind with auth, needs the server running: start it first."
	case strings.Contains(reason, "no key pair") || f.ErrorCode == "KPS.6020":
		return "The server has no key pair bound, so there is nothing to unbind."
	case strings.Contains(reason, "authentication") || strings.Contains(reason, "log in") || f.ErrorCode == "KPS.6015":
		return "KPS could not log in to the server: check that auth holds the password or private key the server " +
			"accepts now (after a rotation, the private key of the key pair bound since), and that the SSH port is " +
			"open to 100.125.0.0/16, where KPS connects from."
	}
	return "Common causes: a wrong private key or password, the SSH port closed to 100.125.0.0/16 (where KPS " +
		"connects from), a changed sshd configuration or authorized_keys, the server stopped or started during the " +
		"task, or an image KPS does not support."
}
