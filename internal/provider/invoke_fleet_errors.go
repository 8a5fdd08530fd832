package provider

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"

	"github.com/kpsops/terraform-provider-kps/internal/keypairops"
	"github.com/kpsops/terraform-provider-kps/internal/kps"
	"github.com/kpsops/terraform-provider-kps/internal/wait"
)

// How a fleet's servers ended, in words: a line per server for progress,
// and one error for the servers that failed, grouped by reason.

// fleetReason is why servers of a fleet did not succeed: what the error
// says for all of them once, and what to do about it.
type fleetReason struct {
	what   string
	advice string
}

// fleetGroup is what servers that failed alike share: how they failed, and
// the code the API gave, if any. The words of the first of them stand for
// the group.
type fleetGroup struct{ kind, code string }

const raiseTimeout = "The timeout bounds the whole invocation: raise timeout if the fleet needs longer."

// reasonOf is how a server failed, and the group it falls in with the
// others that failed alike: by the failed-tasks list's code for a task that
// failed, by the API's code for a refused call, by what happened otherwise.
// Never by the servers' own words (a message that names its server would
// make a group of each).
func reasonOf(err error) (fleetGroup, fleetReason) {
	var (
		withheld *keypairops.WithheldError
		failed   *keypairops.TaskFailedError
		started  *keypairops.StartedError
		idle     *keypairops.IdleWaitError
		queued   *keypairops.LockWaitError
		start    *keypairops.StartError
		timedOut *wait.TimeoutError
	)
	switch {
	case errors.As(err, &withheld):
		return fleetGroup{kind: "withheld"}, fleetReason{what: fmt.Sprintf("never started: %d servers had failed (max_failures)", withheld.MaxFailures)}
	case errors.As(err, &failed):
		code := cmp.Or(failed.ErrorCode, failed.ErrorMsg)
		return fleetGroup{kind: "failed", code: code}, fleetReason{what: "their tasks failed: " + failed.Reason(), advice: failureAdvice(failed)}
	case errors.As(err, &started) && wait.IsInterrupted(err):
		return fleetGroup{kind: "interrupted"}, fleetReason{what: "interrupted while their tasks ran: the tasks go on in KPS",
			advice: "Invoking the action again waits for each of these tasks before starting another on its server."}
	case errors.As(err, &started) && errors.As(err, &timedOut):
		return fleetGroup{kind: "timed out"}, fleetReason{
			what:   "timed out waiting for their tasks, which go on in KPS (a timeout does not mean they failed)",
			advice: raiseTimeout,
		}
	case errors.As(err, &started):
		return fleetGroup{kind: "unreadable", code: apiCode(started.Err)},
			fleetReason{what: "their tasks were started, but reading how they stand failed for good: " + apiReason(started.Err)}
	case errors.As(err, &start) && start.Uncertain && isCancelled(start.Err):
		return fleetGroup{kind: "interrupted start"}, fleetReason{
			what:   "interrupted while their starts were on their way: KPS may have started a task on each",
			advice: "A task that did start runs on: kps_running_tasks shows it, and invoking the action again waits for it first.",
		}
	case errors.As(err, &queued) && !queued.TimedOut, errors.As(err, &idle) && wait.IsInterrupted(err),
		errors.As(err, &start) && isCancelled(start.Err):
		return fleetGroup{kind: "never started"}, fleetReason{what: "never started: interrupted"}
	case errors.As(err, &queued), errors.As(err, &idle) && errors.As(err, &timedOut):
		return fleetGroup{kind: "busy"}, fleetReason{what: "never started: timed out waiting for the server's running task to end",
			advice: raiseTimeout}
	case errors.As(err, &idle):
		return fleetGroup{kind: "idle check", code: apiCode(idle.Err)},
			fleetReason{what: "never started: checking whether the server runs a task failed: " + apiReason(idle.Err)}
	case errors.As(err, &start) && start.IsDispatchFailure():
		return fleetGroup{kind: "not dispatched", code: apiCode(err)}, fleetReason{what: "KPS did not start a task: " + apiReason(err)}
	case errors.As(err, &start) && start.Uncertain:
		return fleetGroup{kind: "uncertain", code: apiCode(err)}, fleetReason{
			what:   "cannot tell whether KPS started a task: " + apiReason(err),
			advice: "A task that did start runs on: kps_running_tasks shows it, and invoking the action again waits for it first.",
		}
	case errors.As(err, &start):
		return fleetGroup{kind: "refused", code: apiCode(err)}, fleetReason{what: "the start was refused: " + apiReason(err)}
	}
	return fleetGroup{kind: "other", code: apiCode(err)}, fleetReason{what: apiReason(err)}
}

// apiCode is the API's code for err (an error_code, or an HTTP status
// without one); empty when no answer came.
func apiCode(err error) string {
	var answer *kps.ResponseError
	var dispatch *kps.DispatchError
	switch {
	case errors.As(err, &dispatch):
		return dispatch.ErrorCode
	case errors.As(err, &answer) && answer.ErrorCode != "":
		return answer.ErrorCode
	case errors.As(err, &answer):
		return fmt.Sprintf("HTTP %d", answer.StatusCode)
	}
	return ""
}

// apiReason is what the API answered: its code and message when it gave
// them, else the error itself.
func apiReason(err error) string {
	var answer *kps.ResponseError
	var dispatch *kps.DispatchError
	switch {
	case errors.As(err, &dispatch) && dispatch.ErrorCode != "":
		return fmt.Sprintf("%s %q", dispatch.ErrorCode, dispatch.ErrorMsg)
	case errors.As(err, &answer) && answer.ErrorCode != "":
		return fmt.Sprintf("HTTP %d, %s %q", answer.StatusCode, answer.ErrorCode, answer.ErrorMsg)
	case errors.As(err, &answer):
		return fmt.Sprintf("HTTP %d", answer.StatusCode)
	}
	return err.Error()
}

// isCancelled is an error of a call cut short by Ctrl-C.
func isCancelled(err error) bool { return errors.Is(err, context.Canceled) }

func isWithheld(err error) bool {
	var withheld *keypairops.WithheldError
	return errors.As(err, &withheld)
}

// serverEnd is how one server ended, for its line of progress.
func serverEnd(res keypairops.ServerResult) string {
	var failed *keypairops.TaskFailedError
	switch {
	case res.Err == nil:
		return res.Outcome.Status.Raw
	case errors.As(res.Err, &failed):
		return failed.Status.Raw + ", " + failed.Reason()
	}
	_, reason := reasonOf(res.Err)
	return reason.what
}

// fleetError is the one error for the servers of a fleet that did not
// succeed, grouped by reason, the largest group first; failed is false when
// every server succeeded.
func fleetError(action string, results []keypairops.ServerResult, interrupted bool) (summary, detail string, failed bool) {
	type group struct {
		fleetReason
		servers []string
	}
	var groups []*group
	byReason := map[fleetGroup]*group{}
	succeeded, started := 0, 0
	for _, res := range results {
		if res.StartedTaskID() != "" {
			started++
		}
		if res.Err == nil {
			succeeded++
			continue
		}
		key, reason := reasonOf(res.Err)
		g := byReason[key]
		if g == nil {
			g = &group{fleetReason: reason}
			byReason[key] = g
			groups = append(groups, g)
		}
		server := res.ServerID
		if id := res.StartedTaskID(); id != "" {
			server += " (task " + id + ")"
		}
		g.servers = append(g.servers, server)
	}
	if succeeded == len(results) {
		return "", "", false
	}
	slices.SortStableFunc(groups, func(a, b *group) int { return cmp.Compare(len(b.servers), len(a.servers)) })
	var b strings.Builder
	fmt.Fprintf(&b, "%d of %d servers succeeded.", succeeded, len(results))
	for _, g := range groups {
		fmt.Fprintf(&b, "\n\n%s: %s.\n%s", servers(len(g.servers)), g.what, strings.Join(g.servers, ", "))
		if g.advice != "" {
			b.WriteString("\n" + g.advice)
		}
	}
	b.WriteString("\n\nTo try again, invoke the action on the servers listed here only: those that succeeded have what " +
		"was asked (a replace sent to them again, with the key they accepted before, would fail). A task that was " +
		"interrupted or timed out may have succeeded too: see how it ended (data source kps_keypair_task) before " +
		"trying its server again.")
	summary = fmt.Sprintf("%s did not succeed on %d of %d servers", action, len(results)-succeeded, len(results))
	if interrupted {
		summary = fmt.Sprintf("%s interrupted: %d of %d servers had started their tasks", action, started, len(results))
	}
	return summary, b.String(), true
}

// servers is "1 server" or "n servers".
func servers(n int) string {
	if n == 1 {
		return "1 server"
	}
	return fmt.Sprintf("%d servers", n)
}
