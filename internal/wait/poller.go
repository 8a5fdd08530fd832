package wait

import (
	"context"
	"sync"
	"time"

	"golang.org/x/sync/errgroup"

	"github.com/kpsops/terraform-provider-kps/internal/kps"
)

// Poller shares the polling of the waits of one client and project. While
// two or more waits run, a round lists the running tasks once for all of
// them: a task in the list is still running, and one that is not is read by
// its ID once, in the round, unless the lists can tell how it ended (below).
// A wait alone reads its task by ID, as without a poller.
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
// A task that a round's list left out after an earlier round listed it has
// ended; with the failed-tasks list (WithFailedList), the round learns how
// from that list, read once for every such task: there, it failed (and the
// record says why); not there, it succeeded. So a task costs no read of its
// own, and a round costs a list or two, however many waits it serves. See
// endsFromLists for when the round reads by ID instead.
//
// Sharing never needs a permission a wait alone does not: a list that fails
// for good (a 401 or 403 for listing, say) is an error only for the waits
// that need the list (server waits); a round reads the task waits' tasks by
// ID instead, as they would read alone, and later rounds with no server
// wait to serve do not list again. A failed-tasks list that fails, for good
// or for now, makes the round read by ID the tasks it was to tell about.
//
// Rounds run on the poller's own context, made from the provider's, not on
// that of whichever wait started them: a round's requests are logged as the
// provider's, with no wait's fields, and one wait's Ctrl-C does not cut a
// round short for the others. A round stops as soon as no wait waits for
// it, so that none outlives the calls it serves.
type Poller struct {
	base       context.Context
	list       PagedListFunc
	read       ReadByIDFunc
	listFailed ListFunc // nil: ends are read by ID

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
	// listed holds the waits' tasks as a round last listed them running:
	// one that a later round's list leaves out has ended.
	listed map[string]kps.ListedTask
	// failed is what the last failed-tasks list held, by ID, and the pages
	// it took; nil before one was read. failedRefused is set once it
	// failed for good.
	failed        map[string]bool
	failedPages   int
	failedRefused bool
	// missing are the waits' tasks a round found in neither list, whose
	// success the next round confirms (see endsFromLists).
	missing map[string]bool
}

// PollerOption sets how a poller reads.
type PollerOption func(*Poller)

// WithFailedList lets rounds learn how the tasks that left the running
// list ended from the failed-tasks list, listed with listFailed, rather
// than by reading each by ID (see Poller).
func WithFailedList(listFailed ListFunc) PollerOption {
	return func(p *Poller) { p.listFailed = listFailed }
}

// PagedListFunc lists the project's running tasks, and says how many pages
// that took (see kps.Client.RunningTaskPages).
type PagedListFunc func(ctx context.Context) (tasks []kps.ListedTask, pages int, err error)

// NewPoller returns a poller that lists with list and reads by ID with read,
// its rounds running on base (the provider's context: see Poller).
func NewPoller(base context.Context, list PagedListFunc, read ReadByIDFunc, opts ...PollerOption) *Poller {
	p := &Poller{base: base, list: list, read: read, members: map[*member]bool{}, ended: map[string]kps.Task{},
		listed: map[string]kps.ListedTask{}, missing: map[string]bool{}}
	for _, o := range opts {
		o(p)
	}
	return p
}

type member struct {
	taskID string // empty for a wait on the list itself (a server wait)
	seen   *round // the last round it took
	// lastPoll is when it last asked for a round (when it joined, before
	// its first poll): how often it polls, for how fresh a round must be.
	lastPoll time.Time
	// wake is signalled when a round it did not take found its task ended.
	wake chan struct{}
	// fromLists: the wait takes its task's end from the lists (TaskWait).
	fromLists bool
	// recheck wakes it for the round that confirms its task's end.
	recheck *time.Timer
}

// round is one listing, with the reads by ID of the listed waits' tasks that
// were not in it.
type round struct {
	began time.Time
	// ends is how the round tells how the tasks that left the list ended;
	// the failed-tasks list it read, if it read one, is in failed.
	ends   endsFromLists
	failed []kps.ListedTask
	// failedErr is the failed-tasks list's error, when it failed.
	failedErr error
	// pending are the tasks it found in neither list, for the first time.
	pending []string

	serves    map[*member]bool // the members when it started: its list was sent after they joined
	done      chan struct{}
	listed    []kps.ListedTask
	listPages int
	running   map[string]kps.ListedTask
	reads     map[string]readResult
	err       error // the list's
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
// that ends the wait's membership, to call when the wait is over. The task's
// end is read by its ID: its status is the API's own.
func (p *Poller) Task(taskID string) (ReadFunc, func()) {
	read, _, leave := p.TaskWait(taskID, false)
	return read, leave
}

// TaskWait is Task, with a channel that is signalled when a round that the
// wait did not take finds its task ended: a wait that sleeps on it as well
// (Waiter.Wake) sees the end at once, rather than at its next poll. With
// fromLists, for a task a sequence started, the end may be taken from the
// lists (see endsFromLists), its status named from the operation listed.
func (p *Poller) TaskWait(taskID string, fromLists bool) (ReadFunc, <-chan struct{}, func()) {
	m := p.join(taskID)
	p.mu.Lock()
	m.fromLists = fromLists
	p.mu.Unlock()
	return p.taskRead(m), m.wake, func() { p.leave(m) }
}

// taskRead is the read function of member m's wait.
func (p *Poller) taskRead(m *member) ReadFunc {
	taskID := m.taskID
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
	}
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
			tasks, _, err := p.list(ctx)
			return tasks, err
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
	m := &member{taskID: taskID, lastPoll: time.Now(), wake: make(chan struct{}, 1)}
	p.members[m] = true
	return m
}

func (p *Poller) leave(m *member) {
	p.mu.Lock()
	defer p.mu.Unlock()
	delete(p.members, m)
	if m.recheck != nil {
		m.recheck.Stop()
	}
	for other := range p.members {
		if other.taskID == m.taskID {
			return
		}
	}
	delete(p.ended, m.taskID)
	delete(p.listed, m.taskID)
	delete(p.missing, m.taskID)
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
		now := time.Now()
		switch {
		case r != nil && r != m.seen && r.serves[m] && !r.aborted && (!r.finished() || m.fresh(r, now)):
			// A round m has not taken, whose list was sent after m joined:
			// in flight, or done lately enough for how often m polls.
		case r != nil && !r.finished() && !r.aborted:
			// In flight but no use to m: wait for it, then start the next.
			p.mu.Unlock()
			if err := r.doneOrCancelled(ctx); err != nil {
				return nil, false, err
			}
			continue
		case r != nil && now.Sub(r.began) < minRoundGap:
			// Waits that joined since the last round began need a new one;
			// while a fleet's tasks start, one joins every few requests.
			// They share the next, which waits its turn.
			p.mu.Unlock()
			if err := (RealClock{}).Sleep(ctx, r.began.Add(minRoundGap).Sub(now)); err != nil {
				return nil, false, err
			}
			continue
		default:
			r = p.start()
		}
		m.seen, m.lastPoll = r, now
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
	r := &round{serves: make(map[*member]bool, len(p.members)), done: make(chan struct{}), cancel: cancel, began: time.Now()}
	var tasks []string
	fromLists := map[string]bool{}
	for m := range p.members {
		r.serves[m] = true
		if m.taskID == "" {
			continue
		}
		// A task's end is taken from the lists only if every wait on it
		// takes it so.
		if so, seen := fromLists[m.taskID]; seen {
			fromLists[m.taskID] = so && m.fromLists
			continue
		}
		fromLists[m.taskID] = m.fromLists
		if _, ended := p.ended[m.taskID]; !ended {
			tasks = append(tasks, m.taskID)
		}
	}
	p.latest = r
	byID := p.byID(len(tasks))
	r.ends = p.endsFromLists(tasks, fromLists)
	go func() {
		defer cancel()
		r.run(ctx, p.list, p.read, tasks, byID)
		p.mu.Lock()
		defer p.mu.Unlock()
		p.learn(r, byID)
		close(r.done)
	}()
	return r
}

// learn keeps what round r found out for the rounds after it. The caller
// holds p.mu.
func (p *Poller) learn(r *round, byID bool) {
	if !byID && r.err == nil {
		p.listPages = max(1, r.listPages)
		for _, t := range r.listed {
			if p.hasTask(t.ID) {
				p.listed[t.ID] = t
				delete(p.missing, t.ID) // listed again: it runs
			}
		}
	}
	for _, id := range r.pending {
		if p.hasTask(id) {
			p.missing[id] = true
		}
	}
	p.recheckSoon(r)
	if r.listFailed && !r.aborted {
		p.listRefused = true
	}
	if r.failed != nil {
		p.failed = make(map[string]bool, len(r.failed))
		for _, t := range r.failed {
			p.failed[t.ID] = true
		}
		p.failedPages = max(1, (len(r.failed)+kps.ListPageSize-1)/kps.ListPageSize)
	}
	if r.failedErr != nil && !kps.IsTransient(r.failedErr) && !r.aborted {
		p.failedRefused = true
	}
	for id, res := range r.reads {
		if res.err == nil && res.task.Status.Terminal() && p.hasTask(id) {
			p.ended[id] = res.task
		}
	}
	for m := range p.members {
		if _, ended := p.ended[m.taskID]; ended && m.seen != r {
			select {
			case m.wake <- struct{}{}:
			default: // woken already
			}
		}
	}
}

// recheckSoon wakes, after minRoundGap, the waits whose tasks round r found
// missing for the first time, for the round that confirms their ends: their
// own pauses may be long. The caller holds p.mu.
func (p *Poller) recheckSoon(r *round) {
	if len(r.pending) == 0 {
		return
	}
	pending := make(map[string]bool, len(r.pending))
	for _, id := range r.pending {
		pending[id] = true
	}
	for m := range p.members {
		if !pending[m.taskID] {
			continue
		}
		if m.recheck != nil {
			m.recheck.Stop()
		}
		// r has nothing more to tell it: the wait woken takes the next.
		m.seen = r
		wake := m.wake
		m.recheck = time.AfterFunc(minRoundGap, func() {
			select {
			case wake <- struct{}{}:
			default:
			}
		})
	}
}

// A round that is done serves a wait that comes due while it is fresh: up
// to a freshShare of how long the wait slept since its last poll, and at
// least freshFloor. A wait that polls every 10 s takes a round up to 2.5 s
// old; one that polls every second, up to a second. An older round is no
// use: the wait would sleep its whole pause again on old news. (A round
// that finds a task ended wakes its wait, so news older than that costs
// nothing while rounds run for others.)
const (
	freshShare = 4
	freshFloor = time.Second
)

// minRoundGap is the least time between the beginnings of two rounds: what
// a wait may wait, at most, beyond its due time, for the round that serves
// it.
const minRoundGap = 500 * time.Millisecond

// fresh reports whether round r, done, is recent enough to serve m now.
func (m *member) fresh(r *round, now time.Time) bool {
	return now.Sub(r.began) <= max(now.Sub(m.lastPoll)/freshShare, freshFloor)
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

// run lists, then learns how each of tasks that is not listed stands: from
// the failed-tasks list when r.ends can tell (see endsFromLists), else by
// reading it by ID. byID, it reads every one of them by ID without listing.
// A list that fails for good is the server waits' error alone: the tasks
// are then read by ID. A list that fails in a way that may pass fails the
// round for everyone, who try again on their schedules. The caller closes
// r.done.
func (r *round) run(ctx context.Context, list PagedListFunc, read ReadByIDFunc, tasks []string, byID bool) {
	if !byID {
		r.listed, r.listPages, r.err = list(ctx)
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
	var left []kps.ListedTask
	var byIDs []string
	for _, id := range tasks {
		if _, ok := r.running[id]; ok {
			continue
		}
		if was, ok := r.ends.leftTheList(id, r); ok {
			left = append(left, was)
			continue
		}
		byIDs = append(byIDs, id)
	}
	if len(left) > 0 {
		ended, pending, ok := r.ends.tell(ctx, r, left)
		r.pending = pending
		for _, t := range left {
			if task, told := ended[t.ID]; ok && told {
				r.reads[t.ID] = readResult{task: task}
				continue
			}
			byIDs = append(byIDs, t.ID)
		}
	}
	r.readByIDs(ctx, read, byIDs)
}

// roundReads is how many reads by ID a round has on their way at once: a
// round that must read many (a long list, a failed-tasks list refused)
// would otherwise hold every wait for a round trip per task.
const roundReads = 8

// readByIDs reads each of ids once, a few at a time.
func (r *round) readByIDs(ctx context.Context, read ReadByIDFunc, ids []string) {
	var mu sync.Mutex
	var g errgroup.Group
	g.SetLimit(roundReads)
	for _, id := range ids {
		mu.Lock()
		_, done := r.reads[id]
		if !done {
			r.reads[id] = readResult{} // claimed: a task listed twice is read once
		}
		mu.Unlock()
		if done {
			continue
		}
		g.Go(func() error {
			task, err := read(ctx, id)
			mu.Lock()
			r.reads[id] = readResult{task, err}
			mu.Unlock()
			return nil
		})
	}
	_ = g.Wait() // the reads' errors are theirs, kept in r.reads
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
