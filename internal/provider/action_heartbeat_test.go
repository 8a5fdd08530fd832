package provider

import (
	"strings"
	"sync"
	"testing"
	"testing/synctest"
	"time"

	"github.com/hashicorp/terraform-plugin-framework/action"
)

// TestHeartbeat: while a task runs with no change of status, the CLI hears
// of it every 30 s, with how long it has run; once stopped, no more.
func TestHeartbeat(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		var mu sync.Mutex
		var msgs []string
		p := &progress{send: func(e action.InvokeProgressEvent) {
			mu.Lock()
			defer mu.Unlock()
			msgs = append(msgs, e.Message)
		}}
		h := newHeartbeat(t.Context(), p)
		h.start("t1")
		h.status("RUNNING_REPLACE")
		time.Sleep(95 * time.Second)
		h.stop()
		time.Sleep(time.Minute)
		synctest.Wait()
		mu.Lock()
		defer mu.Unlock()
		want := []string{
			"Task t1: still RUNNING_REPLACE after 30s",
			"Task t1: still RUNNING_REPLACE after 1m0s",
			"Task t1: still RUNNING_REPLACE after 1m30s",
		}
		if strings.Join(msgs, "\n") != strings.Join(want, "\n") {
			t.Fatalf("messages:\n%s\nwant:\n%s", strings.Join(msgs, "\n"), strings.Join(want, "\n"))
		}
	})
}
