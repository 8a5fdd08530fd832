package provider

import (
	"runtime"
	"strings"
	"sync"
	"testing"
	"testing/synctest"
	"time"

	"github.com/hashicorp/terraform-plugin-framework/action"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/kpsops/terraform-provider-kps/internal/dev/kpsfake"
	"github.com/kpsops/terraform-provider-kps/internal/keypairops"
	"github.com/kpsops/terraform-provider-kps/internal/kps"
)

// collected records the progress messages sent.
type collected struct {
	mu   sync.Mutex
	msgs []string
}

func (c *collected) send(e action.InvokeProgressEvent) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.msgs = append(c.msgs, e.Message)
}

func (c *collected) String() string {
	c.mu.Lock()
	defer c.mu.Unlock()
	return strings.Join(c.msgs, "\n")
}

// TestHeartbeat: while a task runs with no change of status, the CLI hears
// of it every 30 s, with how long it has run; once it has ended, or the
// heartbeat is stopped, no more.
func TestHeartbeat(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		var c collected
		h := startHeartbeat(t.Context(), &progress{send: c.send}, 30*time.Second)
		h.taskStarted("t1")
		h.taskStatus("RUNNING_REPLACE")
		time.Sleep(95 * time.Second)
		h.taskStatus("SUCCESS_REPLACE") // ended: nothing more to say while Invoke returns
		time.Sleep(45 * time.Second)
		h.stop()
		time.Sleep(time.Minute)
		want := strings.Join([]string{
			"Task t1: still RUNNING_REPLACE after 30s",
			"Task t1: still RUNNING_REPLACE after 1m0s",
			"Task t1: still RUNNING_REPLACE after 1m30s",
		}, "\n")
		if got := c.String(); got != want {
			t.Fatalf("messages:\n%s\nwant:\n%s", got, want)
		}
	})
}

// TestHeartbeatWhileServerBusy: the heartbeat also runs while the action
// waits for a busy server, and says nothing before any wait began.
func TestHeartbeatWhileServerBusy(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		var c collected
		h := startHeartbeat(t.Context(), &progress{send: c.send}, 30*time.Second)
		time.Sleep(45 * time.Second) // the idle check: nothing to say yet
		h.serverBusy("srv", "t0 (RESET)")
		time.Sleep(65 * time.Second)
		h.stop()
		want := strings.Join([]string{
			"Server srv: still waiting for its running task (t0 (RESET)) to end, after 15s",
			"Server srv: still waiting for its running task (t0 (RESET)) to end, after 45s",
		}, "\n")
		if got := c.String(); got != want {
			t.Fatalf("messages:\n%s\nwant:\n%s", got, want)
		}
	})
}

// TestHeartbeatEndsWithInvoke runs actions whose heartbeat ticks every
// millisecond, so that ticks race the end of Invoke, behind a progress
// channel that is read only until Invoke returns, as the framework's is.
// No heartbeat goroutine may be left afterwards: one that outlived Invoke
// would block for ever on the unread channel.
func TestHeartbeatEndsWithInvoke(t *testing.T) {
	defer func(d time.Duration) { heartbeat = d }(heartbeat)
	heartbeat = time.Millisecond
	api := newFakeAPI(t)
	api.addServer("srv", kpsfake.ECS{ShutDown: true, TaskDuration: 30 * time.Millisecond})
	data := testProviderData(t, api)
	for i := range 4 {
		events := make(chan action.InvokeProgressEvent)
		finished := make(chan struct{})
		go func() { // the framework's reader
			for {
				select {
				case <-events:
				case <-finished:
					return
				}
			}
		}()
		resp := &action.InvokeResponse{SendProgress: func(e action.InvokeProgressEvent) { events <- e }}
		data.runStartAction(t.Context(), resp, types.StringNull(), startTuning{PollInterval: types.StringValue("1s")},
			keypairops.Operation{Associate: &kps.AssociateRequest{ServerID: "srv", KeypairName: "kp-" + string(rune('a'+i))}})
		close(finished)
		if resp.Diagnostics.HasError() {
			t.Fatalf("invocation %d: %v", i, resp.Diagnostics)
		}
	}
	buf := make([]byte, 1<<20)
	if stacks := string(buf[:runtime.Stack(buf, true)]); strings.Contains(stacks, "heartbeatTicker") {
		t.Fatalf("a heartbeat goroutine outlived its invocation:\n%s", stacks)
	}
}

// TestFleetHeartbeat: while a fleet runs, the CLI hears a summary every
// 30 s of every server, from the first beat on (before any task started),
// and none once the heartbeat is stopped.
func TestFleetHeartbeat(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		var c collected
		status := &fleetStatus{began: time.Now(), tally: keypairops.FleetTally{Servers: 3}}
		h := startHeartbeat(t.Context(), &progress{send: c.send}, 30*time.Second)
		h.every(status.summary)
		time.Sleep(35 * time.Second)
		status.set(keypairops.FleetTally{Servers: 3, Succeeded: 1, Running: 1})
		time.Sleep(30 * time.Second)
		h.stop()
		time.Sleep(time.Minute)
		want := strings.Join([]string{
			"After 30s: 0 of 3 servers done, 0 failed; 0 tasks running, 3 servers waiting to start (for a busy server, or their turn)",
			"After 1m0s: 1 of 3 servers done, 0 failed; 1 tasks running, 1 servers waiting to start (for a busy server, or their turn)",
		}, "\n")
		if got := c.String(); got != want {
			t.Fatalf("messages:\n%s\nwant:\n%s", got, want)
		}
	})
}
