package provider

import (
	"cmp"
	"context"
	"fmt"
	"strings"

	"github.com/kpsops/terraform-provider-kps/internal/keypairops"
	"github.com/kpsops/terraform-provider-kps/internal/kps"
	"github.com/kpsops/terraform-provider-kps/internal/wait"
)

// kps_server_tasks_wait's gate: a failure stays a failure until someone
// acts. KPS keeps a failed task's record until it is deleted, while the
// server itself is idle again by the next apply; so with fail_on_failure
// the wait reads the failed-task list first, and a record for the server
// keeps the gate shut on every apply. A pipeline that simply retries never
// gets past a failure.

// failedRecords reads the project's failed-task list as a wait reads:
// transient failures retried on w's schedule, within its timeout, until
// Ctrl-C.
func failedRecords(ctx context.Context, w wait.Waiter, client *kps.Client, project string) ([]kps.ListedTask, error) {
	w.Observer = wait.Observer{TransientError: progressLog.TransientError}
	out, err := wait.Poll(ctx, w, func(ctx context.Context) ([]kps.ListedTask, string, bool, error) {
		records, err := client.FailedTasks(ctx, project)
		return records, "read", err == nil, err
	})
	return out.Value, err
}

// recordsOf is the records of serverID's tasks.
func recordsOf(records []kps.ListedTask, serverID string) []kps.ListedTask {
	var mine []kps.ListedTask
	for _, t := range records {
		if t.ServerID == serverID {
			mine = append(mine, t)
		}
	}
	return mine
}

// gateShut words the records that keep the gate of serverID shut.
func gateShut(serverID string, records []kps.ListedTask) string {
	words := make([]string, 0, len(records))
	for _, t := range records {
		f := &keypairops.TaskFailedError{TaskID: t.ID, ServerID: t.ServerID, ErrorCode: t.ErrorCode, ErrorMsg: t.ErrorMsg,
			Status: kps.ParseStatus("FAILED_" + t.Operation)}
		words = append(words, fmt.Sprintf("task %s (%s), reason %s (%s)", t.ID, t.Operation, f.Reason(), failureAdvice(f)))
	}
	return fmt.Sprintf("KPS keeps the record of %s. Nothing was saved to state, and the gate stays shut, on every "+
		"apply, while KPS keeps it: %s", strings.Join(words, "; "), waysOn(serverID))
}

// serverFailures reads, once, the reasons of the tasks the wait saw fail,
// and finds out whether those it could not read (purged) failed too: their
// records say so. It returns the error's detail, "" when no task failed,
// and the tasks with the status of each purged one that failed.
func serverFailures(ctx context.Context, w wait.Waiter, client *kps.Client, project, serverID string, tasks []wait.ServerTask,
) (detail string, ended []wait.ServerTask) {
	ended = append([]wait.ServerTask(nil), tasks...)
	needed := false
	for _, t := range ended {
		needed = needed || t.Purged || kps.ParseStatus(t.Status).Failed()
	}
	if !needed {
		return "", ended
	}
	records, readErr := failedRecords(ctx, w, client, project)
	byID := map[string]kps.ListedTask{}
	for _, t := range records {
		byID[t.ID] = t
	}
	var words []string
	recorded := true
	for i, t := range ended {
		record, found := byID[t.ID]
		if t.Purged && found {
			ended[i].Status, ended[i].Purged = "FAILED_"+cmp.Or(t.Operation, record.Operation), false
		}
		if !kps.ParseStatus(ended[i].Status).Failed() {
			continue
		}
		f := &keypairops.TaskFailedError{TaskID: t.ID, ServerID: serverID, Status: kps.ParseStatus(ended[i].Status), ReasonErr: readErr}
		f.ErrorCode, f.ErrorMsg = record.ErrorCode, record.ErrorMsg
		recorded = recorded && found
		words = append(words, fmt.Sprintf("task %s ended %s, reason %s (%s)", t.ID, ended[i].Status, f.Reason(), failureAdvice(f)))
	}
	if len(words) == 0 {
		return "", ended
	}
	next := "Nothing was saved to state, and the gate stays shut, on every apply, while KPS keeps the failed-task " +
		"record: " + waysOn(serverID)
	if !recorded {
		next = "Nothing was saved to state. KPS keeps no failed-task record of it that could be read, so the next apply " +
			"will not stop for it: check the server before it runs."
	}
	return fmt.Sprintf("On server %s, %s. %s", serverID, strings.Join(words, "; "), next), ended
}

// waysOn says how to get past a failed gate.
func waysOn(serverID string) string {
	return "fix the cause, then delete the record (the kps_delete_failed_tasks action with server_id = \"" + serverID +
		"\", or the console), and apply again; or set fail_on_failure = false to accept failed tasks."
}
