package keypairops

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"time"

	"github.com/kpsops/terraform-provider-kps/internal/kps"
	"github.com/kpsops/terraform-provider-kps/internal/wait"
)

// A fleet: one operation on many servers in one call, every server through
// the one sequence of Run, all of them at once. Nothing bounds how many run
// together but the client's request budget: starts go out as fast as the
// API's limit allows, and the servers' idle checks and waits share the
// poller's rounds, so that the requests grow with the rounds, not with the
// servers.

// WithheldError is a server whose task was never started because the
// fleet's failures reached its max_failures first. Nothing was sent for it.
type WithheldError struct {
	ServerID    string
	MaxFailures int
}

func (e *WithheldError) Error() string {
	return fmt.Sprintf("no task was started on server %s: %d servers had failed (max_failures)", e.ServerID, e.MaxFailures)
}

// ServerResult is how one server of a fleet ended: Outcome when Err is nil.
type ServerResult struct {
	ServerID string
	Outcome  Outcome
	Err      error
}

// StartedTaskID is the task started on the server, if one was: the
// outcome's, or the one whose end was not seen or that failed.
func (r ServerResult) StartedTaskID() string {
	var started *StartedError
	var failed *TaskFailedError
	switch {
	case r.Err == nil:
		return r.Outcome.TaskID
	case errors.As(r.Err, &started):
		return started.TaskID
	case errors.As(r.Err, &failed):
		return failed.TaskID
	}
	return ""
}

// FleetTally counts a fleet's servers as they stand.
type FleetTally struct {
	Servers   int
	Succeeded int
	Failed    int
	// Withheld are the servers never started because of max_failures.
	Withheld int
	// Running are the servers whose task was started and has not ended;
	// the other unfinished ones wait to start one (for a busy server, or
	// for their turn in the request budget).
	Running int
}

// Unfinished is how many servers have not ended yet.
func (t FleetTally) Unfinished() int { return t.Servers - t.Succeeded - t.Failed - t.Withheld }

// FleetProgress hears how a fleet goes. Any field may be nil; each is
// called from the servers' goroutines, one call at a time.
type FleetProgress struct {
	// Started is called when a server's task starts.
	Started func(ctx context.Context, serverID, taskID string, adopted bool, tally FleetTally)
	// Ended is called when a server's sequence ends, either way.
	Ended func(ctx context.Context, result ServerResult, tally FleetTally)
	// EarlierTaskFailed is Progress.EarlierTaskFailed, for each server.
	EarlierTaskFailed func(ctx context.Context, serverID string, task wait.ServerTask)
}

// RunFleet runs ops, one per server, at once, within r's timeout in all,
// and returns how each server ended, in the order of ops. A server listed
// twice is run once. Once maxFailures servers (0: no limit) have failed,
// no further task is started: the servers not started yet end with a
// *WithheldError. When ctx ends (Ctrl-C), no further task is started and
// those started are waited for no longer: their results are
// *StartedError, which names their tasks.
func (r Runner) RunFleet(ctx context.Context, ops []Operation, maxFailures int, progress FleetProgress) []ServerResult {
	ops = uniqueServers(ops)
	deadline := r.Waiter.Clock.Now().Add(r.Waiter.Timeout)
	f := &fleet{tally: FleetTally{Servers: len(ops)}, gate: startGate{maxFailures: maxFailures, shut: make(chan struct{})},
		progress: progress}
	results := make([]ServerResult, len(ops))
	var wg sync.WaitGroup
	for i, op := range ops {
		wg.Go(func() {
			results[i] = f.run(ctx, r.Until(deadline), op)
		})
	}
	wg.Wait()
	return results
}

// Until is r with what is left, from now, of an operation whose deadline
// is deadline as its timeout.
func (r Runner) Until(deadline time.Time) Runner {
	r.Waiter = r.Waiter.Until(deadline)
	return r
}

// fleet keeps the tally, and the gate that max_failures shuts.
type fleet struct {
	progress FleetProgress
	gate     startGate

	mu    sync.Mutex
	tally FleetTally
}

func (f *fleet) run(ctx context.Context, r Runner, op Operation) ServerResult {
	server := op.ServerID()
	r.Progress = Progress{
		Started: func(ctx context.Context, taskID string, adopted bool) {
			f.update(func(t *FleetTally) { t.Running++ }, func(tally FleetTally) {
				if f.progress.Started != nil {
					f.progress.Started(ctx, server, taskID, adopted, tally)
				}
			})
		},
		EarlierTaskFailed: func(ctx context.Context, t wait.ServerTask) {
			if f.progress.EarlierTaskFailed != nil {
				f.update(func(*FleetTally) {}, func(FleetTally) { f.progress.EarlierTaskFailed(ctx, server, t) })
			}
		},
	}
	r.gate = &f.gate
	res := ServerResult{ServerID: server}
	res.Outcome, res.Err = r.Run(ctx, op)
	f.update(func(t *FleetTally) {
		if res.StartedTaskID() != "" {
			t.Running--
		}
		var withheld *WithheldError
		switch {
		case res.Err == nil:
			t.Succeeded++
		case errors.As(res.Err, &withheld):
			t.Withheld++
		default:
			t.Failed++
			f.gate.failed(t.Failed)
		}
	}, func(tally FleetTally) {
		if f.progress.Ended != nil {
			f.progress.Ended(ctx, res, tally)
		}
	})
	return res
}

// update changes the tally, then reports it, under one lock: the progress
// calls come one at a time, their tallies in order.
func (f *fleet) update(change func(*FleetTally), report func(FleetTally)) {
	f.mu.Lock()
	defer f.mu.Unlock()
	change(&f.tally)
	report(f.tally)
}

// startGate withholds every start once maxFailures servers have failed
// (never when maxFailures is 0). A nil gate never shuts.
type startGate struct {
	maxFailures int
	once        sync.Once
	shut        chan struct{}
}

// failed counts failures, and shuts the gate at maxFailures.
func (g *startGate) failed(failures int) {
	if g.maxFailures > 0 && failures >= g.maxFailures {
		g.once.Do(func() { close(g.shut) })
	}
}

// check is a *WithheldError once the gate is shut.
func (g *startGate) check(server string) error {
	if g == nil {
		return nil
	}
	select {
	case <-g.shut:
		return &WithheldError{ServerID: server, MaxFailures: g.maxFailures}
	default:
		return nil
	}
}

// atSend is ctx with the gate asked again when the start's turn in the
// request budget comes (see kps.WithSendGate): a start that queued for its
// turn before the gate shut is not sent after.
func (g *startGate) atSend(ctx context.Context, server string) context.Context {
	if g == nil {
		return ctx
	}
	return kps.WithSendGate(ctx, func() error { return g.check(server) })
}

// bind is ctx, also cancelled when the gate shuts; stop releases it.
func (g *startGate) bind(ctx context.Context) (bound context.Context, stop func()) {
	if g == nil {
		return ctx, func() {}
	}
	bound, cancel := context.WithCancel(ctx)
	go func() {
		select {
		case <-g.shut:
			cancel()
		case <-bound.Done():
		}
	}()
	return bound, cancel
}

// uniqueServers drops every operation on a server listed before.
func uniqueServers(ops []Operation) []Operation {
	seen := make(map[string]bool, len(ops))
	out := make([]Operation, 0, len(ops))
	for _, op := range ops {
		if !seen[op.ServerID()] {
			seen[op.ServerID()] = true
			out = append(out, op)
		}
	}
	return out
}
