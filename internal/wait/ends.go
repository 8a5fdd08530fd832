package wait

import (
	"context"

	"github.com/kpsops/terraform-provider-kps/internal/kps"
)

// endsFromLists tells a round how the waits' tasks that left the running
// list ended, from the failed-tasks list rather than a read of each by ID.
// A task that an earlier round listed running and this round's list leaves
// out has ended. In the failed-tasks list, read after the running list, it
// failed, and its record says why. Not in it, it succeeded, KPS keeping a
// failed task's record until someone deletes it; but a success is taken
// only from a second round that finds the task in neither list again: a
// failure whose record KPS writes a moment after the task leaves the
// running list, or a running task one list happened to leave out, is not
// taken for a success. Its status is then the phase with the operation the
// running list gave (SUCCESS_REPLACE), not a status read: only the waits
// of tasks a sequence started learn ends this way (Poller.TaskWait), never
// kps_keypair_task_wait, whose task_status is the API's own.
//
// The round reads by ID instead wherever that could be wrong, or costs
// less:
//   - the poller has no failed-tasks list, or it was refused for good;
//   - this round's running list took more than one page: the API pages by
//     offset, so a task that ends while a later page is read pushes
//     another out of sight;
//   - the task was never listed (not yet, or it ended before the first
//     round), or was listed with no operation, which its status needs;
//   - the failed-tasks list took more pages, last time, than there are
//     tasks to tell about;
//   - the failed-tasks list fails, or has lost records since the poller
//     last read it: someone deletes records, and a task whose record was
//     deleted would pass for a success (a record deleted before any round
//     read it cannot be seen to go: that much is trusted to KPS).
type endsFromLists struct {
	listFailed ListFunc
	// listed are the round's tasks as earlier rounds listed them running.
	listed map[string]kps.ListedTask
	// failedBefore is what the last failed-tasks list held (nil before the
	// first), and failedPages how many pages it took.
	failedBefore map[string]bool
	failedPages  int
	// missing are the tasks an earlier round found in neither list.
	missing map[string]bool
}

// endsFromLists is what a round that serves tasks needs to tell their ends
// from the lists: of those whose waits all take ends so (fromLists). The
// caller holds p.mu.
func (p *Poller) endsFromLists(tasks []string, fromLists map[string]bool) endsFromLists {
	if p.listFailed == nil || p.failedRefused {
		return endsFromLists{}
	}
	e := endsFromLists{listFailed: p.listFailed, listed: map[string]kps.ListedTask{}, failedBefore: p.failed,
		failedPages: p.failedPages, missing: map[string]bool{}}
	for _, id := range tasks {
		if t, ok := p.listed[id]; ok && fromLists[id] {
			e.listed[id] = t
			e.missing[id] = p.missing[id]
		}
	}
	return e
}

// leftTheList reports whether the task, not in r's running list, was in an
// earlier one, and how it was listed then: a task whose end the failed-tasks
// list can tell.
func (e endsFromLists) leftTheList(taskID string, r *round) (kps.ListedTask, bool) {
	if e.listFailed == nil || r.err != nil || r.listPages != 1 {
		return kps.ListedTask{}, false
	}
	was, ok := e.listed[taskID]
	return was, ok && was.Operation != ""
}

// tell reads the failed-tasks list once for the tasks that left the running
// list, and returns how each ended, or, for one found missing for the first
// time, that it is still taken to run (pending, its status as listed); ok
// is false when the list cannot tell (see endsFromLists), and the round
// reads them by ID.
func (e endsFromLists) tell(ctx context.Context, r *round, left []kps.ListedTask) (ended map[string]kps.Task, pending []string, ok bool) {
	if e.failedBefore != nil && len(left) < e.failedPages {
		return nil, nil, false
	}
	r.failed, r.failedErr = e.listFailed(ctx)
	if r.failedErr != nil {
		r.failed = nil
		return nil, nil, false
	}
	records := make(map[string]kps.ListedTask, len(r.failed))
	for _, t := range r.failed {
		records[t.ID] = t
	}
	for id := range e.failedBefore {
		if _, kept := records[id]; !kept {
			return nil, nil, false
		}
	}
	ended = make(map[string]kps.Task, len(left))
	for _, was := range left {
		task := kps.Task{ID: was.ID, ServerID: was.ServerID, Status: kps.ParseStatus("SUCCESS_" + was.Operation)}
		record, failed := records[was.ID]
		switch {
		case failed:
			task.Status = kps.ParseStatus("FAILED_" + was.Operation)
			task.FailedRecord = &record
		case !e.missing[was.ID]:
			task.Status = kps.ParseStatus("RUNNING_" + was.Operation)
			pending = append(pending, was.ID)
		}
		ended[was.ID] = task
	}
	return ended, pending, true
}
