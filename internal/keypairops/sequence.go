package keypairops

import (
	"context"
	"errors"
	"slices"
	"time"

	"github.com/kpsops/terraform-provider-kps/internal/kps"
	"github.com/kpsops/terraform-provider-kps/internal/wait"
)

// MaxSends is how many times one start is sent at most: the first, and
// again after an answer was lost and no task it started could be found.
const MaxSends = 3

// adoptWindow is how long before a lost request a running task may have
// started and still be taken for the one it started: clocks differ, and the
// server was idle before the request, so no older task of its can be there.
const adoptWindow = time.Minute

// Progress hears how a sequence goes, for logs and an action's progress
// messages. Any field may be nil.
type Progress struct {
	// ServerBusy is called when the server runs tasks to wait for first,
	// and as they change: running describes them.
	ServerBusy func(ctx context.Context, running string)
	// EarlierTaskFailed is called for each earlier task of the server that
	// ended FAILED_* while the sequence waited for it: not this sequence's
	// business, but worth a warning.
	EarlierTaskFailed func(ctx context.Context, task wait.ServerTask)
	// Started is called once the task runs; adopted is true when its start's
	// answer was lost and it was found in the running list.
	Started func(ctx context.Context, taskID string, adopted bool)
	// Task hears the wait for the started task.
	Task wait.Observer
}

// Runner runs operations in one project.
type Runner struct {
	Client  Client
	Project string
	// Waiter's schedule and clock serve both waits; its Timeout bounds the
	// whole sequence.
	Waiter   wait.Waiter
	Progress Progress
	// Locks, when set, keeps to one sequence at a time per server.
	Locks *ServerLocks
	// Poller, when set, shares the waits' polling with the other waits of
	// the process (see wait.Poller); without it they read for themselves.
	Poller *wait.Poller
	// gate, when set, may withhold the start: a fleet's, once its failures
	// reached max_failures.
	gate *startGate
}

// Outcome is a task that succeeded.
type Outcome struct {
	TaskID      string
	ServerID    string
	Status      kps.Status
	CompletedAt time.Time
	// Adopted is set when the start's answer was lost and the task was found
	// in the running list.
	Adopted bool
}

// Run waits until the server is idle, starts op, and waits for its task to
// end. A task that fails is a *TaskFailedError; one whose end was not seen a
// *StartedError; a start that failed a *StartError; a server that did not
// become idle an *IdleWaitError.
func (r Runner) Run(ctx context.Context, op Operation) (Outcome, error) {
	server := op.ServerID()
	// The deadline is the operation's, set before anything else: queueing
	// behind another start on the server counts, and so does every poll,
	// retry, backoff and Retry-After after it.
	deadline := r.Waiter.Clock.Now().Add(r.Waiter.Timeout)
	ctx, cancel := wait.WithTimeout(ctx, r.Waiter.Timeout)
	defer cancel()
	if r.Locks != nil {
		began := r.Waiter.Clock.Now()
		unlock, err := r.Locks.Lock(ctx, r.Project+"/"+server)
		if err != nil {
			return Outcome{}, &LockWaitError{ServerID: server, Waited: r.Waiter.Clock.Now().Sub(began), TimedOut: wait.TimedOut(ctx)}
		}
		defer unlock()
	}

	if err := r.gate.check(server); err != nil {
		return Outcome{}, err
	}
	// The gate shutting ends the wait for a busy server: nothing will be
	// started after it.
	idleCtx, stop := r.gate.bind(ctx)
	err := r.untilIdle(idleCtx, server, deadline)
	stop()
	if withheld := r.gate.check(server); withheld != nil {
		return Outcome{}, withheld
	}
	if err != nil {
		return Outcome{}, err
	}
	started, adopted, err := r.start(ctx, op)
	// Withheld before anything was sent: a start sent before (whose answer
	// was lost) keeps its StartError, which says a task may have started.
	if start, withheld := (*StartError)(nil), (*WithheldError)(nil); errors.As(err, &start) && !start.Uncertain && errors.As(err, &withheld) {
		return Outcome{}, withheld
	}
	if err != nil {
		return Outcome{}, err
	}
	if r.Progress.Started != nil {
		r.Progress.Started(ctx, started.ID, adopted)
	}

	w := r.Waiter
	w.Timeout = max(deadline.Sub(w.Clock.Now()), 0)
	w.Observer = r.Progress.Task
	lastStatus := ""
	observer := w.Observer.StatusChanged
	w.Observer.StatusChanged = func(ctx context.Context, status string, elapsed time.Duration) {
		lastStatus = status
		if observer != nil {
			observer(ctx, status, elapsed)
		}
	}
	read, wake, leave := r.taskReader(started.ID, true)
	// The task was just dispatched: a read at once would find it starting.
	w.Wake, w.PauseFirst = wake, true
	res, err := w.Wait(ctx, read)
	leave()
	if err != nil {
		return Outcome{}, &StartedError{TaskID: started.ID, ServerID: server, LastStatus: lastStatus, Err: err}
	}
	if res.Task.Status.Failed() {
		return Outcome{}, r.failure(ctx, started.ID, server, res)
	}
	return Outcome{TaskID: started.ID, ServerID: server, Status: res.Task.Status, CompletedAt: res.CompletedAt, Adopted: adopted}, nil
}

// untilIdle waits, as kps_server_tasks_wait does, until the server runs no
// key-pair task.
func (r Runner) untilIdle(ctx context.Context, server string, deadline time.Time) error {
	w := r.Waiter
	w.Timeout = max(deadline.Sub(w.Clock.Now()), 0)
	w.Observer = wait.Observer{
		StatusChanged: func(ctx context.Context, status string, _ time.Duration) {
			if status != "idle" && r.Progress.ServerBusy != nil {
				r.Progress.ServerBusy(ctx, status)
			}
		},
		TransientError: r.Progress.Task.TransientError,
	}
	list, read, leave := r.serverReaders()
	out, err := wait.Poll(ctx, w, wait.ForServerTasks(server, list, read))
	leave()
	if err != nil {
		return &IdleWaitError{ServerID: server, Err: err}
	}
	for _, t := range out.Value {
		if kps.ParseStatus(t.Status).Failed() && r.Progress.EarlierTaskFailed != nil {
			r.Progress.EarlierTaskFailed(ctx, t)
		}
	}
	return nil
}

// taskReader reads a task for a wait: through the poller when there is
// one, whose rounds may wake the wait when they see the task end; with
// fromLists, they may tell its end from the lists (see wait.Poller).
func (r Runner) taskReader(taskID string, fromLists bool) (wait.ReadFunc, <-chan struct{}, func()) {
	if r.Poller != nil {
		return r.Poller.TaskWait(taskID, fromLists)
	}
	return func(ctx context.Context) (kps.Task, error) { return r.Client.GetTask(ctx, r.Project, taskID) }, nil, func() {}
}

// serverReaders list the running tasks and read one by ID for a server
// wait: through the poller when there is one.
func (r Runner) serverReaders() (wait.ListFunc, wait.ReadByIDFunc, func()) {
	if r.Poller != nil {
		return r.Poller.Server()
	}
	return func(ctx context.Context) ([]kps.ListedTask, error) { return r.Client.RunningTasks(ctx, r.Project) },
		func(ctx context.Context, id string) (kps.Task, error) { return r.Client.GetTask(ctx, r.Project, id) },
		func() {}
}

// start sends op, at most MaxSends times. A send that fails in a way that
// may have reached KPS is followed by a look in the running list: a task
// found there is adopted rather than started again.
func (r Runner) start(ctx context.Context, op Operation) (task kps.StartedTask, adopted bool, err error) {
	server := op.ServerID()
	// The fleet's gate is asked when each send's turn comes, and only for
	// the start itself: the look for a task a lost send started is not
	// withheld.
	sendCtx := r.gate.atSend(ctx, server)
	for sends := 1; ; sends++ {
		sentAt := r.Waiter.Clock.Now()
		task, err := op.start(sendCtx, r.Client, r.Project)
		if err == nil {
			return task, false, nil
		}
		if ctx.Err() != nil || !kps.MayHaveActed(err) {
			// Cut short (Ctrl-C, the timeout) once the request was on its
			// way, the call may have started a task all the same.
			// So may an earlier send, whose task the running list did not
			// show.
			return kps.StartedTask{}, false, &StartError{ServerID: server, Sends: sends, Uncertain: sends > 1 || kps.MayHaveActed(err), Err: err}
		}
		found, lookupErr := r.findStarted(ctx, op, sentAt)
		switch {
		case lookupErr != nil:
			return kps.StartedTask{}, false, &StartError{ServerID: server, Sends: sends, Uncertain: true, LookupErr: lookupErr, Err: err}
		case found != nil:
			return kps.StartedTask{ID: found.ID, ServerID: server}, true, nil
		case sends == MaxSends:
			return kps.StartedTask{}, false, &StartError{ServerID: server, Sends: sends, Uncertain: true, Err: err}
		}
	}
}

// findStarted looks in the running list for the task a lost request may have
// started: on the server (with the key pair, for an associate), started no
// earlier than adoptWindow before the request. The newest such task wins.
func (r Runner) findStarted(ctx context.Context, op Operation, sentAt time.Time) (*kps.ListedTask, error) {
	running, err := r.Client.RunningTasks(ctx, r.Project)
	if err != nil {
		return nil, err
	}
	candidates := slices.DeleteFunc(running, func(t kps.ListedTask) bool {
		return !op.matches(t) || (!t.StartedAt.IsZero() && t.StartedAt.Before(sentAt.Add(-adoptWindow)))
	})
	if len(candidates) == 0 {
		return nil, nil
	}
	newest := slices.MaxFunc(candidates, func(a, b kps.ListedTask) int { return a.StartedAt.Compare(b.StartedAt) })
	return &newest, nil
}

// failure reads why a task failed from the failed-tasks list.
func (r Runner) failure(ctx context.Context, taskID, server string, res wait.Result) *TaskFailedError {
	return Failure(ctx, r.Client, r.Project, kps.Task{ID: taskID, ServerID: server, Status: res.Task.Status, FailedRecord: res.Task.FailedRecord},
		res.CompletedAt)
}

// FailedTaskReader reads one failed task's record.
type FailedTaskReader interface {
	FailedTask(ctx context.Context, projectID, taskID string) (kps.ListedTask, bool, error)
}

// Failure is task, which ended FAILED_* at completedAt, with the reason the
// failed-tasks list gives for it: its record, when the wait learned the end
// from that list, else one read of the list. For every wait that sees a
// task fail, a start's or not.
func Failure(ctx context.Context, c FailedTaskReader, project string, task kps.Task, completedAt time.Time) *TaskFailedError {
	e := &TaskFailedError{TaskID: task.ID, ServerID: task.ServerID, Status: task.Status, CompletedAt: completedAt}
	if task.FailedRecord != nil {
		e.ErrorCode, e.ErrorMsg = task.FailedRecord.ErrorCode, task.FailedRecord.ErrorMsg
		return e
	}
	listed, found, err := c.FailedTask(ctx, project, task.ID)
	switch {
	case err != nil:
		e.ReasonErr = err
	case found:
		e.ErrorCode, e.ErrorMsg = listed.ErrorCode, listed.ErrorMsg
	}
	return e
}

// Settle finds out how a task an interrupted run started has ended: it
// reads the task, waiting while it runs, within the runner's timeout (the
// wait's deadline bounds every read). The run that started it was cut
// short (Ctrl-C, a timeout), and a replace that succeeded since changed
// the key the server accepts: its caller adopts a success rather than
// sending the same start again. An error is a task that could not be seen
// to end: vanished, unreadable, timed out or interrupted.
func (r Runner) Settle(ctx context.Context, taskID string) (wait.Result, error) {
	// Its end decides whether a success is adopted: read as the API gives it.
	read, wake, leave := r.taskReader(taskID, false)
	defer leave()
	w := r.Waiter
	w.Wake = wake
	return w.Wait(ctx, read)
}
