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

// reasonOf groups a server's error with the others that failed alike: by
// the failed-tasks list's code for a task that failed, by the API's code for
// a refused call, by what happened otherwise.
func reasonOf(err error) fleetReason {
	var (
		withheld *keypairops.WithheldError
		failed   *keypairops.TaskFailedError
		started  *keypairops.StartedError
		idle     *keypairops.IdleWaitError
		queued   *keypairops.LockWaitError
		timedOut *wait.TimeoutError
	)
	switch {
	case errors.As(err, &withheld):
		return fleetReason{what: fmt.Sprintf("never started: %d servers had failed (max_failures)", withheld.MaxFailures)}
	case errors.As(err, &failed):
		return fleetReason{what: "their tasks failed: " + failed.Reason(), advice: failureAdvice(failed)}
	case errors.As(err, &started) && wait.IsInterrupted(err):
		return fleetReason{what: "interrupted while their tasks ran: the tasks go on in KPS",
			advice: "Invoking the action again waits for each of these tasks before starting another on its server."}
	case errors.As(err, &started) && errors.As(err, &timedOut):
		return fleetReason{what: "timed out waiting for their tasks, which go on in KPS (a timeout does not mean they failed)",
			advice: "The timeout bounds the whole invocation: raise timeout if the fleet needs longer."}
	case errors.As(err, &started):
		return fleetReason{what: "their tasks were started, but reading how they stand failed for good: " + apiReason(started.Err)}
	case errors.As(err, &queued) && !queued.TimedOut, errors.As(err, &idle) && wait.IsInterrupted(err), isCancelledStart(err):
		return fleetReason{what: "never started: interrupted"}
	case errors.As(err, &queued), errors.As(err, &idle) && errors.As(err, &timedOut):
		return fleetReason{what: "never started: timed out waiting for the server's running task to end",
			advice: "The timeout bounds the whole invocation: raise timeout if the fleet needs longer."}
	case errors.As(err, &idle):
		return fleetReason{what: "never started: checking whether the server runs a task failed: " + apiReason(idle.Err)}
	}
	summary, _ := startErrorDiag(err, actionWording)
	return fleetReason{what: strings.ToLower(summary[:1]) + summary[1:] + ": " + apiReason(err)}
}

// apiReason is what the API answered, by its code when it gave one (the
// same code groups servers whatever else the answer says of each), else
// the error itself.
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

// isCancelledStart is a start that was not sent because the invocation was
// cancelled while it waited for its turn.
func isCancelledStart(err error) bool {
	var start *keypairops.StartError
	return errors.As(err, &start) && (errors.Is(start.Err, context.Canceled))
}

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
	return reasonOf(res.Err).what
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
	byReason := map[fleetReason]*group{}
	succeeded, started := 0, 0
	for _, res := range results {
		if res.StartedTaskID() != "" {
			started++
		}
		if res.Err == nil {
			succeeded++
			continue
		}
		reason := reasonOf(res.Err)
		g := byReason[reason]
		if g == nil {
			g = &group{fleetReason: reason}
			byReason[reason] = g
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
		"was asked, and a replace sent to them again with the key they accepted before would fail.")
	summary = fmt.Sprintf("%s failed on %d of %d servers", action, len(results)-succeeded, len(results))
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
