package wait

import (
	"context"
	"fmt"
	"strings"

	"github.com/kpsops/terraform-provider-kps/internal/kps"
)

// ServerTask is a task of the server seen running during a wait.
type ServerTask struct {
	ID        string
	Operation string
	// Status is the status the task ended in, read by its ID once it left
	// the running list; empty when it was purged before it could be read.
	Status string
	Purged bool
}

// ListFunc lists the project's running tasks.
type ListFunc func(ctx context.Context) ([]kps.ListedTask, error)

// ReadByIDFunc reads one task by its ID.
type ReadByIDFunc func(ctx context.Context, taskID string) (kps.Task, error)

// ForServerTasks returns a refresh for a wait until serverID has no running
// task. Each look lists the running tasks and keeps the server's; a task
// seen running and then no longer listed is read by its ID, for the status
// it ended in (again at the next look, should that read fail for now or find
// it still running). The value is every task of the server seen running, in
// the order first seen; the wait is done at the first look that lists none
// and has no task left to read. Judging the tasks is the caller's job.
func ForServerTasks(serverID string, list ListFunc, read ReadByIDFunc) RefreshFunc[[]ServerTask] {
	t := &serverTracker{serverID: serverID, byID: map[string]int{}, unread: map[string]bool{}}
	return t.refresh(list, read)
}

type serverTracker struct {
	serverID string
	seen     []ServerTask
	byID     map[string]int  // index in seen
	unread   map[string]bool // left the running list, its end not read yet
}

func (t *serverTracker) refresh(list ListFunc, read ReadByIDFunc) RefreshFunc[[]ServerTask] {
	return func(ctx context.Context) ([]ServerTask, string, bool, error) {
		listed, err := list(ctx)
		if err != nil {
			return nil, "", false, err
		}
		running := map[string]bool{}
		var summary []string
		for _, lt := range listed {
			if lt.ServerID != t.serverID || running[lt.ID] {
				continue
			}
			running[lt.ID] = true
			summary = append(summary, fmt.Sprintf("%s (%s)", lt.ID, lt.Operation))
			if _, ok := t.byID[lt.ID]; !ok {
				t.byID[lt.ID] = len(t.seen)
				t.seen = append(t.seen, ServerTask{ID: lt.ID, Operation: lt.Operation})
			}
		}
		for _, task := range t.seen {
			if !running[task.ID] && task.Status == "" && !task.Purged {
				t.unread[task.ID] = true
			}
		}
		for _, task := range t.seen {
			if !t.unread[task.ID] || running[task.ID] {
				continue
			}
			if err := t.readEnd(ctx, read, task.ID); err != nil {
				return nil, "", false, err
			}
		}
		status := "idle"
		if len(summary) > 0 {
			status = "running: " + strings.Join(summary, ", ")
		} else if len(t.unread) > 0 {
			status = "reading how its tasks ended"
		}
		return append([]ServerTask(nil), t.seen...), status, len(running) == 0 && len(t.unread) == 0, nil
	}
}

// readEnd reads a task that left the running list. A task the API no longer
// knows was purged: recorded with no status. One still pending (the list ran
// ahead of it) is read again at the next look.
func (t *serverTracker) readEnd(ctx context.Context, read ReadByIDFunc, id string) error {
	task, err := read(ctx, id)
	entry := &t.seen[t.byID[id]]
	switch {
	case kps.IsGone(err):
		entry.Purged = true
	case err != nil:
		return err
	case !task.Status.Terminal():
		return nil
	default:
		entry.Status = task.Status.Raw
		if task.Status.Operation != "" && entry.Operation == "" {
			entry.Operation = task.Status.Operation
		}
	}
	delete(t.unread, id)
	return nil
}
