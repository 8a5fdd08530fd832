package wait

import (
	"context"
	"errors"
	"net/http"
	"testing"
	"time"

	"github.com/kpsops/terraform-provider-kps/internal/kps"
)

// scriptedTask is a task of the fake API below: listed as running from
// start to end (after the wait's start, by the fake clock), then reading
// final, or purged when final is empty.
type scriptedTask struct {
	id, server, operation string
	start, end            time.Duration
	final                 string
}

// scriptedAPI serves the running list and task reads from scripted tasks,
// by the fake clock, and counts the calls.
type scriptedAPI struct {
	clock *fakeClock
	begin time.Time
	tasks []scriptedTask
	lists int
	reads map[string]int
}

func (a *scriptedAPI) list(context.Context) ([]kps.ListedTask, error) {
	a.lists++
	at := a.clock.Now().Sub(a.begin)
	var out []kps.ListedTask
	for _, t := range a.tasks {
		if at >= t.start && at < t.end {
			out = append(out, kps.ListedTask{ID: t.id, ServerID: t.server, Operation: t.operation})
		}
	}
	return out, nil
}

func (a *scriptedAPI) read(_ context.Context, id string) (kps.Task, error) {
	a.reads[id]++
	for _, t := range a.tasks {
		if t.id != id {
			continue
		}
		if t.final == "" {
			// KPS's answer to a task it does not know, as the client reads it.
			return kps.Task{}, &kps.ResponseError{StatusCode: http.StatusBadRequest, ErrorCode: "KPS.0001", ErrorMsg: "taskId is illegal", Gone: true}
		}
		status := t.final
		if a.clock.Now().Sub(a.begin) < t.end {
			status = "RUNNING_" + t.operation
		}
		return kps.Task{ID: id, ServerID: t.server, Status: kps.ParseStatus(status)}, nil
	}
	return kps.Task{}, errors.New("no such scripted task")
}

func waitForServer(t *testing.T, api *scriptedAPI) (Outcome[[]ServerTask], []string) {
	t.Helper()
	w := newWaiter(api.clock, time.Hour)
	var statuses []string
	w.Observer.StatusChanged = func(_ context.Context, status string, _ time.Duration) { statuses = append(statuses, status) }
	out, err := Poll(context.Background(), w, ForServerTasks("srv", api.list, api.read))
	if err != nil {
		t.Fatal(err)
	}
	return out, statuses
}

func newScriptedAPI(tasks ...scriptedTask) *scriptedAPI {
	clock := newFakeClock()
	return &scriptedAPI{clock: clock, begin: clock.Now(), tasks: tasks, reads: map[string]int{}}
}

func TestServerWaitEndsAtOnceForAnIdleServer(t *testing.T) {
	api := newScriptedAPI(scriptedTask{id: "other", server: "srv-2", operation: "RESET", end: time.Hour, final: "SUCCESS_RESET"})
	out, statuses := waitForServer(t, api)
	if out.Polls != 1 || len(out.Value) != 0 || api.lists != 1 || len(api.reads) != 0 {
		t.Fatalf("an idle server took %d polls, %d lists, reads %v, tasks %+v", out.Polls, api.lists, api.reads, out.Value)
	}
	if len(statuses) != 1 || statuses[0] != "idle" {
		t.Fatalf("statuses %v", statuses)
	}
}

// TestServerWaitFollowsEachTask: t1 runs from the start and ends between two
// polls; t2 appears after the wait started, while t1 runs, and ends later; a
// task of another server runs on throughout and is ignored. Each is read by
// its ID once, the order is the order first seen, and the wait ends at the
// first poll that lists none of the server's.
func TestServerWaitFollowsEachTask(t *testing.T) {
	api := newScriptedAPI(
		scriptedTask{id: "t1", server: "srv", operation: "RESET", end: 2 * time.Second, final: "SUCCESS_RESET"},
		scriptedTask{id: "t2", server: "srv", operation: "BIND", start: 1500 * time.Millisecond, end: 12 * time.Second, final: "FAILED_BIND"},
		scriptedTask{id: "other", server: "srv-2", operation: "UNBIND", end: time.Hour, final: "SUCCESS_UNBIND"},
	)
	out, statuses := waitForServer(t, api)
	// Polls (no jitter) at 0, 1, 2.5, 4.75, 8.125, 13.19 s: t1 is seen at 0 and 1 and gone at
	// 2.5, where t2 appears; t2 is gone at 13.19, where the wait ends.
	if got := out.CompletedAt.Sub(api.begin); got != 13187500*time.Microsecond {
		t.Errorf("ended at +%v, want +13.1875s", got)
	}
	want := []ServerTask{{ID: "t1", Operation: "RESET", Status: "SUCCESS_RESET"}, {ID: "t2", Operation: "BIND", Status: "FAILED_BIND"}}
	if len(out.Value) != 2 || out.Value[0] != want[0] || out.Value[1] != want[1] {
		t.Fatalf("tasks %+v, want %+v", out.Value, want)
	}
	if api.reads["t1"] != 1 || api.reads["t2"] != 1 || api.reads["other"] != 0 {
		t.Fatalf("reads by ID %v: want t1 and t2 once each, the other server's never", api.reads)
	}
	if api.lists != out.Polls || out.Polls != 6 {
		t.Fatalf("%d lists for %d polls, want one list a poll and 6 polls", api.lists, out.Polls)
	}
	wantStatuses := []string{"running: t1 (RESET)", "running: t2 (BIND)", "idle"}
	if len(statuses) != len(wantStatuses) {
		t.Fatalf("statuses %q, want %q", statuses, wantStatuses)
	}
	for i := range wantStatuses {
		if statuses[i] != wantStatuses[i] {
			t.Fatalf("statuses %q, want %q", statuses, wantStatuses)
		}
	}
}

// TestServerWaitRecordsAPurgedTask: a task whose record was purged before it
// could be read is recorded with no status, not taken for a failure.
func TestServerWaitRecordsAPurgedTask(t *testing.T) {
	api := newScriptedAPI(scriptedTask{id: "gone", server: "srv", operation: "REPLACE", end: 500 * time.Millisecond})
	out, _ := waitForServer(t, api)
	if len(out.Value) != 1 || !out.Value[0].Purged || out.Value[0].Status != "" || out.Value[0].ID != "gone" {
		t.Fatalf("tasks %+v, want the purged task with no status", out.Value)
	}
}

// TestServerWaitRereadsATaskTheListRanAheadOf: a task gone from the list but
// still running when read is read again at the next look.
func TestServerWaitRereadsATaskTheListRanAheadOf(t *testing.T) {
	api := newScriptedAPI(scriptedTask{id: "t", server: "srv", operation: "RESET", end: 5 * time.Second, final: "SUCCESS_RESET"})
	list := api.list
	lagging := func(ctx context.Context) ([]kps.ListedTask, error) {
		tasks, err := list(ctx)
		if api.clock.Now().Sub(api.begin) >= 2*time.Second {
			tasks = nil // the list drops the task before it ends
		}
		return tasks, err
	}
	out, err := Poll(context.Background(), newWaiter(api.clock, time.Hour), ForServerTasks("srv", lagging, api.read))
	if err != nil {
		t.Fatal(err)
	}
	if out.Value[0].Status != "SUCCESS_RESET" || api.reads["t"] != 3 {
		t.Fatalf("tasks %+v after %d reads; want SUCCESS_RESET, read at 2.5 and 4.75 s while running and at 8.125 s", out.Value, api.reads["t"])
	}
}
