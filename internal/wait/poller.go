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
type Poller struct {
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
}

// NewPoller returns a poller that lists with list and reads by ID with read.
func NewPoller(list ListFunc, read ReadByIDFunc) *Poller {
	return &Poller{list: list, read: read, members: map[*member]bool{}, ended: map[string]kps.Task{}}
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
		return r.task(taskID)
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
		case r != nil && r != m.seen && r.serves[m]:
			// A round m has not taken, whose list was sent after m joined.
		case r != nil && !r.finished():
			// In flight but no use to m: wait for it, then start the next.
			p.mu.Unlock()
			if err := r.wait(ctx); err != nil {
				return nil, false, err
			}
			continue
		default:
			r = p.start(ctx)
		}
		m.seen = r
		p.mu.Unlock()
		return r, false, r.wait(ctx)
	}
}

// start begins a round for every member that joined by now. It runs apart
// from the wait that started it, so that one wait's Ctrl-C does not cut the
// round short for the others. The caller holds p.mu.
func (p *Poller) start(ctx context.Context) *round {
	r := &round{serves: make(map[*member]bool, len(p.members)), done: make(chan struct{})}
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
		r.run(context.WithoutCancel(ctx), p.list, p.read, tasks, byID)
		p.mu.Lock()
		defer p.mu.Unlock()
		if !byID && r.err == nil {
			p.listPages = max(1, (len(r.listed)+kps.ListPageSize-1)/kps.ListPageSize)
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
// list: when no server wait needs the list, and the list last took as many
// pages as there are tasks to read (a project with thousands of running
// tasks), reading each task costs no more. The list is read again once the
// waits outnumber its pages. The caller holds p.mu.
func (p *Poller) byID(tasks int) bool {
	if p.listPages == 0 || tasks > p.listPages {
		return false
	}
	for m := range p.members {
		if m.taskID == "" {
			return false
		}
	}
	return true
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
// reads every one of them by ID without listing. The caller closes r.done.
func (r *round) run(ctx context.Context, list ListFunc, read ReadByIDFunc, tasks []string, byID bool) {
	if !byID {
		r.listed, r.err = list(ctx)
	}
	if r.err != nil {
		return
	}
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

func (r *round) wait(ctx context.Context) error {
	select {
	case <-r.done:
		return nil
	case <-ctx.Done():
		return ctx.Err()
	}
}

// task is what the round learned of taskID: running while listed (the list
// says no more), else what its read by ID found.
func (r *round) task(taskID string) (kps.Task, error) {
	if r.err != nil {
		return kps.Task{}, r.err
	}
	if t, ok := r.running[taskID]; ok {
		status := "RUNNING"
		if t.Operation != "" {
			status += "_" + t.Operation
		}
		return kps.Task{ID: taskID, ServerID: t.ServerID, Status: kps.ParseStatus(status)}, nil
	}
	res := r.reads[taskID]
	return res.task, res.err
}
