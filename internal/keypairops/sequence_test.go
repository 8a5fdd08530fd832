package keypairops_test

import (
	"context"
	"errors"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"testing/synctest"
	"time"

	"github.com/kpsops/terraform-provider-kps/internal/dev/kpsfake"
	"github.com/kpsops/terraform-provider-kps/internal/huaweiauth"
	"github.com/kpsops/terraform-provider-kps/internal/keypairops"
	"github.com/kpsops/terraform-provider-kps/internal/kps"
	"github.com/kpsops/terraform-provider-kps/internal/wait"
)

const (
	token   = "ops-test-token"
	project = "0123456789abcdef0123456789abcdef"
	key     = "-----BEGIN OPENSSH PRIVATE KEY-----\nops-test-key\n-----END OPENSSH PRIVATE KEY-----\n"
)

// boundKeypairs are the key pairs the tests bind. KPS binds only a key pair
// it holds, so setUp adds them; kp-x is left out, for a bind KPS refuses.
var boundKeypairs = []string{"kp-old", "kp-new", "kp-a", "kp-b"}

// setUp serves a stand-in with one running server, srv, bound to kp-old
// and accepting key, and the key pairs the tests bind, and returns a runner
// on it whose waits poll every 20 ms.
func setUp(t *testing.T, e kpsfake.ECS) (*kpsfake.Server, keypairops.Runner) {
	t.Helper()
	fake := kpsfake.New(token)
	for _, name := range boundKeypairs {
		fake.AddKeypair(project, name, kpsfake.Keypair{})
	}
	if e.Keypair == "" {
		e.Keypair = "kp-old"
	}
	e.PrivateKey = key
	if e.TaskDuration == 0 {
		e.TaskDuration = 200 * time.Millisecond
	}
	fake.AddServer(project, "srv", e)
	client := serve(t, fake)
	return fake, keypairops.Runner{
		Client: client, Project: project, Locks: &keypairops.ServerLocks{},
		Waiter: wait.Waiter{Clock: wait.RealClock{}, Timeout: 10 * time.Second,
			Schedule: wait.Schedule{First: 20 * time.Millisecond, Max: 20 * time.Millisecond, Factor: 1}},
	}
}

// serve serves fake on loopback for the test, and returns a client of it
// that retries quickly.
func serve(t *testing.T, fake *kpsfake.Server) *kps.Client {
	t.Helper()
	srv := httptest.NewServer(fake)
	t.Cleanup(srv.Close)
	u, err := kps.ParseEndpoint(srv.URL)
	if err != nil {
		t.Fatal(err)
	}
	client, err := kps.New(kps.Config{Endpoint: u, Auth: huaweiauth.TokenCredentials(token), MaxRetries: 2,
		RetryWaitMin: 10 * time.Millisecond, RetryWaitMax: 20 * time.Millisecond})
	if err != nil {
		t.Fatal(err)
	}
	return client
}

func replace(keypair string) keypairops.Operation {
	return keypairops.Operation{Associate: &kps.AssociateRequest{
		ServerID: "srv", KeypairName: keypair, Auth: &kps.ServerAuth{Type: "keypair", Key: key},
	}}
}

func TestReplaceSucceeds(t *testing.T) {
	fake, runner := setUp(t, kpsfake.ECS{})
	var started string
	runner.Progress.Started = func(_ context.Context, id string, _ bool) { started = id }
	out, err := runner.Run(t.Context(), replace("kp-new"))
	if err != nil {
		t.Fatal(err)
	}
	if out.Status.Raw != "SUCCESS_REPLACE" || out.TaskID == "" || out.TaskID != started || out.Adopted {
		t.Fatalf("outcome %+v, started %q", out, started)
	}
	if e, _ := fake.ECS(project, "srv"); e.Keypair != "kp-new" {
		t.Fatalf("the server has %q bound, want kp-new", e.Keypair)
	}
	starts := fake.StartRequests(project, "srv")
	if len(starts) != 1 || starts[0].AuthKey != key || starts[0].AuthType != "keypair" {
		t.Fatalf("starts %+v: want one, carrying the key", starts)
	}
}

// TestLostAnswerIsAdopted: a POST that starts a task but answers 500 is not
// sent again: the task is found in the running list and waited for.
func TestLostAnswerIsAdopted(t *testing.T) {
	fake, runner := setUp(t, kpsfake.ECS{LostAnswers: 1})
	out, err := runner.Run(t.Context(), replace("kp-new"))
	if err != nil {
		t.Fatal(err)
	}
	starts := fake.StartRequests(project, "srv")
	if len(starts) != 1 || starts[0].TaskID != out.TaskID || !out.Adopted {
		t.Fatalf("starts %+v, outcome %+v: want exactly one POST, its task adopted", starts, out)
	}
}

// TestUnstartedFailuresAreSentAtMostThreeTimes: 5xx answers that started
// nothing are sent again after a look in the running list, three sends in
// all; 429s before them are retried as reads are and do not count.
func TestUnstartedFailuresAreSentAtMostThreeTimes(t *testing.T) {
	faults := append([]kpsfake.Fault{{Status: 429, Code: "APIGW.0308", Message: "throttled"}},
		kpsfake.Repeat(kpsfake.Fault{Status: 503, Code: "APIGW.0203", Message: "Backend unavailable"}, 3)...)
	fake, runner := setUp(t, kpsfake.ECS{StartFaults: faults})
	_, err := runner.Run(t.Context(), replace("kp-new"))
	var se *keypairops.StartError
	if !errors.As(err, &se) || se.Sends != 3 || !se.Uncertain || !strings.Contains(err.Error(), "HTTP 503") {
		t.Fatalf("got %v, want a StartError after 3 sends", err)
	}
	if n := len(fake.StartRequests(project, "srv")); n != 4 {
		t.Fatalf("%d POSTs reached the stand-in, want 4 (one 429, three 503s)", n)
	}
}

// TestAFinal400IsNotSentAgain: KPS refuses to bind kp-x, which it does not
// hold (400 KPS.6004): the refusal is final, sent once and shown as it came.
func TestAFinal400IsNotSentAgain(t *testing.T) {
	fake, runner := setUp(t, kpsfake.ECS{})
	_, err := runner.Run(t.Context(), replace("kp-x"))
	var re *kps.ResponseError
	if !errors.As(err, &re) || re.StatusCode != 400 || re.ErrorCode != "KPS.6004" || strings.Contains(err.Error(), "purged") {
		t.Fatalf("got %v, want the 400 as it came, with no hint about a task", err)
	}
	if n := len(fake.StartRequests(project, "srv")); n != 1 {
		t.Fatalf("%d POSTs, want 1", n)
	}
}

func TestDispatchFailureIsNotPolled(t *testing.T) {
	fake, runner := setUp(t, kpsfake.ECS{DispatchFailure: &kpsfake.TaskFailure{Code: "KPS.0101", Message: "The server does not support key pairs"}})
	_, err := runner.Run(t.Context(), replace("kp-new"))
	var se *keypairops.StartError
	if !errors.As(err, &se) || !se.IsDispatchFailure() || !strings.Contains(err.Error(), `KPS.0101, error_msg "The server does not support key pairs"`) {
		t.Fatalf("got %v, want a dispatch failure with its code and message", err)
	}
	if n := fake.TotalRequests(); n != 2 {
		t.Fatalf("%d requests, want 2 (the idle check and the POST); nothing is polled", n)
	}
}

// TestFailureCarriesTheReason: a wrong key fails the task; the error gives
// the reason from the failed-tasks list, and the key appears nowhere in it.
func TestFailureCarriesTheReason(t *testing.T) {
	_, runner := setUp(t, kpsfake.ECS{})
	op := replace("kp-new")
	op.Associate.Auth.Key = "wrong-key-material"
	_, err := runner.Run(t.Context(), op)
	var fe *keypairops.TaskFailedError
	if !errors.As(err, &fe) || fe.Status.Raw != "FAILED_REPLACE" || fe.ErrorCode != "KPS.6015" {
		t.Fatalf("got %v, want FAILED_REPLACE with reason KPS.6015", err)
	}
	if !strings.Contains(err.Error(), fe.TaskID) || !strings.Contains(err.Error(), "authentication failed") ||
		strings.Contains(err.Error(), "wrong-key-material") {
		t.Fatalf("error %q: want the task, the reason, and not the key", err)
	}
}

func TestReasonUnavailable(t *testing.T) {
	fake, runner := setUp(t, kpsfake.ECS{Failure: &kpsfake.TaskFailure{Code: "KPS.6030", Message: "Unsupported image"}})
	runner.Progress.Task.StatusChanged = func(ctx context.Context, status string, _ time.Duration) {
		if strings.HasPrefix(status, "FAILED") {
			// Someone cleans up the record before the reason is read.
			req, _ := http.NewRequestWithContext(ctx, http.MethodDelete, "/v3/"+project+"/failed-tasks", nil)
			req.Header.Set("X-Auth-Token", token)
			fake.ServeHTTP(httptest.NewRecorder(), req)
		}
	}
	_, err := runner.Run(t.Context(), replace("kp-new"))
	if err == nil || !strings.Contains(err.Error(), "the reason is unavailable") {
		t.Fatalf("got %v, want the reason unavailable", err)
	}
}

// TestBusyServerIsWaitedFor: a task someone else started runs on the
// server; the start goes out only after it ended, and is never refused.
func TestBusyServerIsWaitedFor(t *testing.T) {
	fake, runner := setUp(t, kpsfake.ECS{})
	fake.AddTask(project, "theirs", kpsfake.Task{ServerID: "srv", FromStart: true, Timeline: []kpsfake.Step{
		{Status: "RUNNING_RESET"}, {At: 300 * time.Millisecond, Status: "FAILED_RESET"},
	}})
	added := time.Now()
	var busy, warned bool
	runner.Progress.ServerBusy = func(context.Context, string) { busy = true }
	runner.Progress.EarlierTaskFailed = func(_ context.Context, task wait.ServerTask) { warned = task.ID == "theirs" }
	if _, err := runner.Run(t.Context(), replace("kp-new")); err != nil {
		t.Fatal(err)
	}
	starts := fake.StartRequests(project, "srv")
	if len(starts) != 1 || starts[0].At.Sub(added) < 300*time.Millisecond || fake.BusyRefusals(project, "srv") != 0 {
		t.Fatalf("starts %+v, busy refusals %d: want one start after the other task ended", starts, fake.BusyRefusals(project, "srv"))
	}
	if !busy || !warned {
		t.Fatalf("progress: busy %v, earlier failure reported %v", busy, warned)
	}
}

// TestOneTaskAtATimePerServer: two sequences on one server in one process
// run one after the other, and KPS never refuses either as busy.
func TestOneTaskAtATimePerServer(t *testing.T) {
	// Resets of a shut-down server: each needs no key, so either may go first.
	fake, runner := setUp(t, kpsfake.ECS{ShutDown: true})
	errs := make(chan error, 2)
	for _, kp := range []string{"kp-a", "kp-b"} {
		op := keypairops.Operation{Associate: &kps.AssociateRequest{ServerID: "srv", KeypairName: kp}}
		go func() { _, err := runner.Run(t.Context(), op); errs <- err }()
	}
	for range 2 {
		if err := <-errs; err != nil {
			t.Fatal(err)
		}
	}
	if n := len(fake.StartRequests(project, "srv")); n != 2 || fake.BusyRefusals(project, "srv") != 0 {
		t.Fatalf("%d starts, %d busy refusals; want 2 and 0", n, fake.BusyRefusals(project, "srv"))
	}
}

func TestInterruptedWaitKeepsTheTaskID(t *testing.T) {
	_, runner := setUp(t, kpsfake.ECS{TaskDuration: time.Hour})
	ctx, cancel := context.WithCancel(t.Context())
	runner.Progress.Started = func(context.Context, string, bool) { time.AfterFunc(50*time.Millisecond, cancel) }
	_, err := runner.Run(ctx, replace("kp-new"))
	var se *keypairops.StartedError
	if !errors.As(err, &se) || se.TaskID == "" || !wait.IsInterrupted(err) || !strings.HasPrefix(se.LastStatus, "RUNNING_") && !strings.HasPrefix(se.LastStatus, "READY_") {
		t.Fatalf("got %v, want an interrupted StartedError with the task ID and last status", err)
	}
}

// TestTimeoutCountsTheQueue: a sequence queued behind another on the same
// server gives up when its own timeout passes (it began when the sequence
// did, not when its turn came), as a LockWaitError that says so and sends
// nothing.
func TestTimeoutCountsTheQueue(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		runner := keypairops.Runner{Project: project, Locks: &keypairops.ServerLocks{},
			Waiter: wait.Waiter{Clock: wait.RealClock{}, Timeout: 2 * time.Minute, Schedule: wait.NewSchedule(time.Second)}}
		unlock, err := runner.Locks.Lock(t.Context(), project+"/srv")
		if err != nil {
			t.Fatal(err)
		}
		defer unlock()
		began := time.Now()
		_, err = runner.Run(t.Context(), replace("kp-new"))
		var le *keypairops.LockWaitError
		if !errors.As(err, &le) || !le.TimedOut || !strings.Contains(err.Error(), "another operation of this run on server srv") {
			t.Fatalf("got %v, want a LockWaitError that timed out", err)
		}
		if took := time.Since(began); took < 2*time.Minute || took > 2*time.Minute+2*time.Second {
			t.Fatalf("gave up after %v, want within two seconds of the 2m timeout", took)
		}
	})
}

// TestInterruptedInTheQueue: Ctrl-C while queued behind another sequence
// on the server is a LockWaitError that does not claim a timeout.
func TestInterruptedInTheQueue(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		runner := keypairops.Runner{Project: project, Locks: &keypairops.ServerLocks{},
			Waiter: wait.Waiter{Clock: wait.RealClock{}, Timeout: time.Hour, Schedule: wait.NewSchedule(time.Second)}}
		unlock, _ := runner.Locks.Lock(t.Context(), project+"/srv")
		defer unlock()
		ctx, cancel := context.WithCancel(t.Context())
		time.AfterFunc(time.Second, cancel)
		_, err := runner.Run(ctx, replace("kp-new"))
		var le *keypairops.LockWaitError
		if !errors.As(err, &le) || le.TimedOut || !strings.Contains(err.Error(), "was interrupted after 1s") {
			t.Fatalf("got %v, want an interrupted LockWaitError", err)
		}
	})
}
