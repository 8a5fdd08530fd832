package provider

import (
	"context"
	"fmt"
	"sync"
	"time"

	"github.com/hashicorp/terraform-plugin-framework/action"
	"github.com/hashicorp/terraform-plugin-log/tflog"

	"github.com/kpsops/terraform-provider-kps/internal/kps"
)

// How an action reports its progress to the CLI: each message as it
// happens, and a heartbeat while nothing changes.

// progress sends an action's progress to the CLI as it happens, and logs
// it. SendProgress is called from the heartbeat's goroutine too: a lock
// keeps the messages in order.
type progress struct {
	mu   sync.Mutex
	send func(action.InvokeProgressEvent)
}

func (p *progress) say(ctx context.Context, format string, args ...any) {
	msg := fmt.Sprintf(format, args...)
	tflog.Info(ctx, msg)
	p.mu.Lock()
	defer p.mu.Unlock()
	p.send(action.InvokeProgressEvent{Message: msg})
}

// heartbeat is the longest the CLI goes without word of an action that is
// waiting, for a busy server or for its task.
var heartbeat = 30 * time.Second

// heartbeatTicker tells the CLI, every interval while nothing changes, what
// an action is waiting for and for how long: a busy server, then its task.
// Nothing is said before either wait begins.
type heartbeatTicker struct {
	p *progress

	mu sync.Mutex
	// what is the message for the wait under way, given how long it has
	// lasted; nil before one begins.
	what  func(elapsed time.Duration) string
	began time.Time
	id    string // the task's, once started

	done   chan struct{}
	exited chan struct{}
	once   sync.Once
}

// startHeartbeat starts the ticker's goroutine; stop ends it.
func startHeartbeat(ctx context.Context, p *progress, interval time.Duration) *heartbeatTicker {
	h := &heartbeatTicker{p: p, done: make(chan struct{}), exited: make(chan struct{})}
	go h.run(ctx, interval)
	return h
}

func (h *heartbeatTicker) run(ctx context.Context, interval time.Duration) {
	defer close(h.exited)
	t := time.NewTicker(interval)
	defer t.Stop()
	for {
		select {
		case <-h.done:
			return
		case <-t.C:
		}
		h.mu.Lock()
		what, began := h.what, h.began
		h.mu.Unlock()
		if what != nil {
			h.p.say(ctx, "%s", what(time.Since(began).Round(time.Second)))
		}
	}
}

// serverBusy says the action waits for the server's running tasks.
func (h *heartbeatTicker) serverBusy(server, running string) {
	h.mu.Lock()
	defer h.mu.Unlock()
	if h.id != "" {
		return
	}
	if h.what == nil {
		h.began = time.Now()
	}
	h.what = func(elapsed time.Duration) string {
		return "Server " + server + ": still waiting for its running task (" + running + ") to end, after " + elapsed.String()
	}
}

// taskStarted says the action waits for its own task from now on.
func (h *heartbeatTicker) taskStarted(taskID string) {
	h.mu.Lock()
	defer h.mu.Unlock()
	h.id, h.began = taskID, time.Now()
	h.what = nil
}

// taskStatus records the task's status, for the next beats, and returns
// the task's ID. Once the task has ended there is nothing to wait for, so
// no beat says it is "still" in its end.
func (h *heartbeatTicker) taskStatus(status string) string {
	h.mu.Lock()
	defer h.mu.Unlock()
	id := h.id
	h.what = func(elapsed time.Duration) string {
		return "Task " + id + ": still " + status + " after " + elapsed.String()
	}
	if kps.ParseStatus(status).Terminal() {
		h.what = nil
	}
	return id
}

// every says the same, worked out anew, at each beat from now on: a fleet's
// summary.
func (h *heartbeatTicker) every(what func(elapsed time.Duration) string) {
	h.mu.Lock()
	defer h.mu.Unlock()
	h.what, h.began = what, time.Now()
}

// stop ends the goroutine and waits for it: a beat being sent when stop is
// called is delivered first (the CLI still reads until Invoke returns),
// and none is sent after.
func (h *heartbeatTicker) stop() {
	h.once.Do(func() { close(h.done) })
	<-h.exited
}
