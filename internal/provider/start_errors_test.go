package provider

import (
	"strings"
	"testing"
	"time"

	"github.com/kpsops/terraform-provider-kps/internal/keypairops"
	"github.com/kpsops/terraform-provider-kps/internal/kps"
	"github.com/kpsops/terraform-provider-kps/internal/wait"
)

// TestStartErrorWording: each way a start can go wrong is titled for what
// it is, and a timeout suggests the setting that bounds the operation.
func TestStartErrorWording(t *testing.T) {
	denied := &kps.ResponseError{Method: "GET", URL: "https://kms/v3/p/tasks/t1", StatusCode: 403, ErrorCode: "KPS.0403"}
	unauthorized := &kps.ResponseError{Method: "GET", URL: "https://kms/v3/p/running-tasks", StatusCode: 401, ErrorCode: "APIGW.0301"}
	for _, c := range []struct {
		name             string
		err              error
		wording          startWording
		summary          string
		detail, notInAny []string
	}{
		{"a read refused while waiting", &keypairops.StartedError{TaskID: "t1", ServerID: "srv", Err: denied}, resourceCreateWording,
			"Cannot read KPS task t1", []string{"HTTP 403", "goes on in the cloud"}, []string{"interrupted", "not seen to fail"}},
		{"the task's wait timed out", &keypairops.StartedError{TaskID: "t1", ServerID: "srv", Err: &wait.TimeoutError{Waited: time.Minute}},
			resourceUpdateWording, "Timed out waiting for KPS task t1",
			[]string{"a timeout does not mean it failed", "raise timeouts.update"}, []string{"interrupted"}},
		{"Ctrl-C while waiting", &keypairops.StartedError{TaskID: "t1", ServerID: "srv", Err: &wait.InterruptedError{}}, resourceCreateWording,
			"Wait for KPS task t1 interrupted", []string{"not seen to fail"}, []string{"raise"}},
		{"queued behind another start, timed out", &keypairops.LockWaitError{ServerID: "srv", Waited: time.Minute, TimedOut: true},
			actionWording, "Timed out waiting for server srv",
			[]string{"another operation of this run on server srv", "raise the action's timeout"}, []string{"KPS task"}},
		{"queued behind another start, interrupted", &keypairops.LockWaitError{ServerID: "srv", Waited: time.Second},
			resourceCreateWording, "Wait for server srv interrupted",
			[]string{"another operation of this run", "was interrupted"}, []string{"KPS task", "raise"}},
		{"the idle check timed out before any list succeeded", &keypairops.IdleWaitError{ServerID: "srv",
			Err: &wait.TimeoutError{Waited: time.Minute, LastErr: unauthorized}}, resourceCreateWording,
			"Timed out checking whether server srv is busy", []string{"checking whether server srv runs a key-pair task", "raise timeouts.create"},
			[]string{"finish its running"}},
		{"the server seen busy until the timeout", &keypairops.IdleWaitError{ServerID: "srv",
			Err: &wait.TimeoutError{Waited: time.Minute, LastStatus: "t0 (RESET)"}}, resourceCreateWording,
			"Timed out waiting for server srv to be idle", []string{"finish its running key-pair task", "raise timeouts.create"}, nil},
		{"the idle check refused", &keypairops.IdleWaitError{ServerID: "srv", Err: unauthorized}, resourceCreateWording,
			"Cannot check whether server srv is busy", []string{"checking whether server srv runs a key-pair task", "HTTP 401"},
			[]string{"waiting for server", "finish its running"}},
		{"a reset of a running server", &keypairops.TaskFailedError{TaskID: "t1", ServerID: "srv", Status: kps.ParseStatus("FAILED_RESET"),
			ErrorCode: "KPS.6006", ErrorMsg: "The server is running; resetting a key pair needs it shut down"}, resourceCreateWording,
			"KPS task t1 failed", []string{"needs the server shut down", "give auth"}, []string{"100.125.0.0/16", "Common causes"}},
		{"a refused login", &keypairops.TaskFailedError{TaskID: "t1", ServerID: "srv", Status: kps.ParseStatus("FAILED_REPLACE"),
			ErrorCode: "KPS.6015", ErrorMsg: "Failed to log in to the server over SSH: authentication failed"}, resourceCreateWording,
			"KPS task t1 failed", []string{"accepts now", "100.125.0.0/16"}, []string{"shut down", "Common causes"}},
		{"an unbind with nothing bound", &keypairops.TaskFailedError{TaskID: "t1", ServerID: "srv", Status: kps.ParseStatus("FAILED_UNBIND"),
			ErrorCode: "KPS.6020", ErrorMsg: "The server has no key pair bound"}, resourceCreateWording,
			"KPS task t1 failed", []string{"nothing to unbind"}, []string{"100.125.0.0/16"}},
		{"an unknown reason", &keypairops.TaskFailedError{TaskID: "t1", ServerID: "srv", Status: kps.ParseStatus("FAILED_BIND"),
			ErrorCode: "KPS.9999", ErrorMsg: "Something else"}, resourceCreateWording,
			"KPS task t1 failed", []string{"Common causes"}, nil},
	} {
		summary, detail := startErrorDiag(c.err, c.wording)
		if summary != c.summary {
			t.Errorf("%s: summary %q, want %q", c.name, summary, c.summary)
		}
		for _, want := range c.detail {
			if !strings.Contains(detail, want) {
				t.Errorf("%s: detail lacks %q:\n%s", c.name, want, detail)
			}
		}
		for _, not := range c.notInAny {
			if strings.Contains(summary+detail, not) {
				t.Errorf("%s: %q does not belong in:\n%s\n%s", c.name, not, summary, detail)
			}
		}
	}
}
