package wait

import (
	"context"
	"sync"

	"github.com/kpsops/terraform-provider-kps/internal/kps"
)

// Poller shares the polling of the waits of one client and project. While
// two or more waits run, a round lists the running tasks once for all of
// them: a task in the list is still running, and one that is not is read by
// its ID once, in the round. A wait alone reads its task by ID, as without a
// poller.
//
// A wait does not know it is shared: it is handed an ordinary ReadFunc or
// ListFunc and polls on its own schedule with Poll. When a wait is due, it
// takes the latest round it has not seen yet, if that round's list was sent
// after the wait joined; otherwise it starts one (or waits for the one in
// flight, then does). So rounds run when the earliest wait is due, whatever
// a round's length, and every wait due before the next round is served by
// this one. A wait sees its task end at most one round later than it would
// alone. Errors of a round (a list that failed, a read that failed) go to
// the waits that relied on it, and each handles them as it would alone.
//
// Sharing never needs a permission a wait alone does not: a list that fails
// for good (a 401 or 403 for listing, say) is an error only for the waits
// that need the list (server waits); a round reads the task waits' tasks by
// ID instead, as they would read alone, and later rounds with no server
// wait to serve do not list again.
//
// Rounds run on the poller's own context, made from the provider's, not on
// that of whichever wait started them: a round's requests are logged as the
// provider's, with no wait's fields, and one wait's Ctrl-C does not cut a
// round short for the others. A round stops as soon as no wait waits for
// it, so that none outlives the calls it serves.
type Poller struct {
	base context.Context
	list ListFunc
	read ReadByIDFunc

	mu      sync.Mutex
	members map[*member]bool
	latest  *round // in flight, or the last one done
	// ended holds the tasks a round read by ID and found ended, until
	// their waits take it: no later round reads them again.
	ended map[string]kps.Task
	// listPages is how many pages the last list took, at the API's page
	// size (see byID).
	listPages int
	// listRefused is set once a list failed for good: rounds that serve no
	// server wait read by ID from then on.
	listRefused bool
}

// NewPoller returns a poller that lists with list and reads by ID with read,
// its rounds running on base (the provider's context: see Poller).
func NewPoller(base context.Context, list ListFunc, read ReadByIDFunc) *Poller {
	return &Poller{base: base, list: list, read: read, members: map[*member]bool{}, ended: map[string]kps.Task{}}
}

type member struct {
	taskID string // empty for a wait on the list itself (a server wait)
	seen   *round // the last round it took
}

// round is one listing, with the reads by ID of the listed waits' tasks that
// were not in it.
type round struct {
	serves  map[*member]bool // the members when it started: its list was sent after they joined
	done    chan struct{}
	listed  []kps.ListedTask
	running map[string]kps.ListedTask
	reads   map[string]readResult
	err     error // the list's
	// listFailed is set when the list failed for good: the task waits'
	// tasks were read by ID instead, and err is only the server waits'.
	listFailed bool

	// waiting counts the waits waiting for the round; when the last gives
	// up before it is done, it is aborted (cancel) and never handed out.
	// Both are guarded by the poller's mu.
	waiting int
	aborted bool
	cancel  context.CancelFunc
}

type readResult struct {
	task kps.Task
	err  error
}

// Task returns the read function of a wait for taskID, and the function
// that ends the wait's membership, to call when the wait is over.
func (p *Poller) Task(taskID string) (ReadFunc, func()) {
	m := p.join(taskID)
	return func(ctx context.Context) (kps.Task, error) {
		p.mu.Lock()
		task, ended := p.ended[taskID]
		p.mu.Unlock()
		if ended {
			return task, nil
		}
		r, alone, err := p.roundFor(ctx, m)
		if err != nil {
			return kps.Task{}, err
		}
		if alone {
			return p.read(ctx, taskID)
		}
		if task, read, err := r.task(taskID); read {
			return task, err
		}
		// The round did not read the task: it had ended in an earlier round
		// by the time this one began (another wait on the same task).
		p.mu.Lock()
		task, ended = p.ended[taskID]
		p.mu.Unlock()
		if ended {
			return task, nil
		}
		return p.read(ctx, taskID)
	}, func() { p.leave(m) }
}

// Server returns the list and read functions of a wait on the running
// tasks themselves (a server wait), and the function that ends its
// membership. A task the wait reads by ID after it left the list is taken
// from the round that listed it, when the round read it already for a task
// wait and found it ended.
func (p *Poller) Server() (ListFunc, ReadByIDFunc, func()) {
	m := p.join("")
	list := func(ctx context.Context) ([]kps.ListedTask, error) {
		r, alone, err := p.roundFor(ctx, m)
		if err != nil {
			return nil, err
		}
		if alone {
			return p.list(ctx)
		}
		return r.listed, r.err
	}
	read := func(ctx context.Context, taskID string) (kps.Task, error) {
		p.mu.Lock()
		r := m.seen
		p.mu.Unlock()
		// Only an end is taken from the round: a task it found still
		// pending is read afresh, as the wait reads it again until it ends.
		if r != nil {
			if res, ok := r.reads[taskID]; ok && res.err == nil && res.task.Status.Terminal() {
				return res.task, nil
			}
		}
		return p.read(ctx, taskID)
	}
	return list, read, func() { p.leave(m) }
}

func (p *Poller) join(taskID string) *member {
	p.mu.Lock()
	defer p.mu.Unlock()
	m := &member{taskID: taskID}
	p.members[m] = true
	return m
}

func (p *Poller) leave(m *member) {
	p.mu.Lock()
	defer p.mu.Unlock()
	delete(p.members, m)
	for other := range p.members {
		if other.taskID == m.taskID {
			return
		}
	}
	delete(p.ended, m.taskID)
}

// roundFor finds the round that serves m now, starting one if need be, and
// waits for it. alone is set when m is the only wait: it reads for itself.
func (p *Poller) roundFor(ctx context.Context, m *member) (r *round, alone bool, err error) {
	for {
		p.mu.Lock()
		if len(p.members) < 2 {
			p.mu.Unlock()
			return nil, true, nil
		}
		r = p.latest
		switch {
		case r != nil && r != m.seen && r.serves[m] && !r.aborted:
			// A round m has not taken, whose list was sent after m joined.
		case r != nil && !r.finished() && !r.aborted:
			// In flight but no use to m: wait for it, then start the next.
			p.mu.Unlock()
			if err := r.doneOrCancelled(ctx); err != nil {
				return nil, false, err
			}
			continue
		default:
			r = p.start()
		}
		m.seen = r
		r.waiting++
		p.mu.Unlock()
		return r, false, p.await(ctx, r)
	}
}

// await waits for r to be done, or for ctx to end; a round that the last of
// its waits gave up on is aborted.
func (p *Poller) await(ctx context.Context, r *round) error {
	err := r.doneOrCancelled(ctx)
	p.mu.Lock()
	defer p.mu.Unlock()
	r.waiting--
	if r.waiting == 0 && !r.finished() {
		r.aborted = true
		r.cancel()
	}
	return err
}

// start begins a round for every member that joined by now, on the
// poller's context. The caller holds p.mu.
func (p *Poller) start() *round {
	ctx, cancel := context.WithCancel(p.base)
	r := &round{serves: make(map[*member]bool, len(p.members)), done: make(chan struct{}), cancel: cancel}
	var tasks []string
	for m := range p.members {
		r.serves[m] = true
		if _, ended := p.ended[m.taskID]; m.taskID != "" && !ended {
			tasks = append(tasks, m.taskID)
		}
	}
	p.latest = r
	byID := p.byID(len(tasks))
	go func() {
		defer cancel()
		r.run(ctx, p.list, p.read, tasks, byID)
		p.mu.Lock()
		defer p.mu.Unlock()
		if !byID && r.err == nil {
			p.listPages = max(1, (len(r.listed)+kps.ListPageSize-1)/kps.ListPageSize)
		}
		if r.listFailed && !r.aborted {
			p.listRefused = true
		}
		for id, res := range r.reads {
			if res.err == nil && res.task.Status.Terminal() && p.hasTask(id) {
				p.ended[id] = res.task
			}
		}
		close(r.done)
	}()
	return r
}

// byID reports whether a round should read its tasks by ID rather than
// list, when no server wait needs the list: after a list failed for good
// (the waits read as they would alone), or when the list last took as many
// pages as there are tasks to read (a project with thousands of running
// tasks), so that reading each task costs no more. The list is read again
// once the waits outnumber its pages. The caller holds p.mu.
func (p *Poller) byID(tasks int) bool {
	for m := range p.members {
		if m.taskID == "" {
			return false
		}
	}
	return p.listRefused || (p.listPages > 0 && tasks <= p.listPages)
}

// hasTask reports whether a member waits for taskID. The caller holds p.mu.
func (p *Poller) hasTask(taskID string) bool {
	for m := range p.members {
		if m.taskID == taskID {
			return true
		}
	}
	return false
}

// run lists, then reads by ID each of tasks that is not listed; or, byID,
// reads every one of them by ID without listing. A list that fails for good
// is the server waits' error alone: the tasks are then read by ID. A list
// that fails in a way that may pass fails the round for everyone, who try
// again on their schedules. The caller closes r.done.
func (r *round) run(ctx context.Context, list ListFunc, read ReadByIDFunc, tasks []string, byID bool) {
	if !byID {
		r.listed, r.err = list(ctx)
	}
	if r.err != nil && (kps.IsTransient(r.err) || ctx.Err() != nil) {
		return
	}
	r.listFailed = r.err != nil
	r.running = make(map[string]kps.ListedTask, len(r.listed))
	for _, t := range r.listed {
		r.running[t.ID] = t
	}
	r.reads = map[string]readResult{}
	for _, id := range tasks {
		if _, ok := r.running[id]; ok {
			continue
		}
		if _, done := r.reads[id]; !done {
			task, err := read(ctx, id)
			r.reads[id] = readResult{task, err}
		}
	}
}

func (r *round) finished() bool {
	select {
	case <-r.done:
		return true
	default:
		return false
	}
}

func (r *round) doneOrCancelled(ctx context.Context) error {
	select {
	case <-r.done:
		return nil
	case <-ctx.Done():
		return ctx.Err()
	}
}

// task is what the round learned of taskID: running while listed (the list
// says no more), else what its read by ID found. read is false when the
// round learned nothing of it.
func (r *round) task(taskID string) (task kps.Task, read bool, err error) {
	if r.err != nil && !r.listFailed {
		return kps.Task{}, true, r.err
	}
	if t, listed := r.running[taskID]; listed {
		status := "RUNNING"
		if t.Operation != "" {
			status += "_" + t.Operation
		}
		return kps.Task{ID: taskID, ServerID: t.ServerID, Status: kps.ParseStatus(status)}, true, nil
	}
	res, read := r.reads[taskID]
	return res.task, read, res.err
}
