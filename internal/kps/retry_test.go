package kps_test

import (
	"bytes"
	"context"
	"errors"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/hashicorp/terraform-plugin-log/tflogtest"

	"github.com/kpsops/terraform-provider-kps/internal/dev/kpsfake"
	"github.com/kpsops/terraform-provider-kps/internal/huaweiauth"
	"github.com/kpsops/terraform-provider-kps/internal/kps"
)

func serveTask(t *testing.T, faults ...kpsfake.Fault) (*kpsfake.Server, string) {
	t.Helper()
	fake := kpsfake.New(testToken)
	fake.AddTask(testProject, "t", kpsfake.Task{ServerID: "s", Timeline: []kpsfake.Step{{Status: "SUCCESS_RESET"}}, Faults: faults})
	srv := httptest.NewServer(fake)
	t.Cleanup(srv.Close)
	return fake, srv.URL
}

func TestTransientAnswersAreRetried(t *testing.T) {
	for _, f := range []kpsfake.Fault{
		{Status: 429, Code: "APIGW.0308", Message: "throttled"},
		{Status: 500}, {Kind: kpsfake.FaultHTML, Status: 502}, {Status: 503}, {Kind: kpsfake.FaultHTML, Status: 504},
	} {
		fake, url := serveTask(t, f, f)
		task, err := retryingClient(t, url, 5).GetTask(context.Background(), testProject, "t")
		if err != nil || task.Status.Raw != "SUCCESS_RESET" {
			t.Errorf("HTTP %d twice then success: %+v, %v", f.Status, task, err)
		}
		if n := fake.Requests("t"); n != 3 {
			t.Errorf("HTTP %d: %d requests, want 3", f.Status, n)
		}
	}
}

func TestRetriesStopAtMaxRetries(t *testing.T) {
	f := kpsfake.Fault{Status: 503, Code: "APIGW.0203", Message: "busy"}
	fake, url := serveTask(t, f, f, f, f)
	_, err := retryingClient(t, url, 2).GetTask(context.Background(), testProject, "t")
	var re *kps.ResponseError
	if !errors.As(err, &re) || re.StatusCode != 503 || re.Attempts != 3 || !strings.Contains(err.Error(), "after 3 attempts") {
		t.Fatalf("got %v, want the last 503 after 3 attempts", err)
	}
	if n := fake.Requests("t"); n != 3 {
		t.Fatalf("%d requests, want 3", n)
	}
	if !kps.IsTransient(err) {
		t.Fatal("the final 503 is not reported as transient, so a wait would give up on it")
	}
}

// TestUnusable200sAreRetried: a 200 whose body was cut off, is empty, or is a
// proxy's HTML page is passing trouble: retried, and once retries run out an
// error that names the status and content type, shows the first bytes, and
// is transient, so that a wait polls on.
func TestUnusable200sAreRetried(t *testing.T) {
	for _, c := range []struct {
		fault   kpsfake.Fault
		snippet string
	}{
		{kpsfake.Fault{Kind: kpsfake.FaultTruncated}, `{"task_id":"x","task_status":"RUNN`},
		{kpsfake.Fault{Kind: kpsfake.FaultEmpty}, ""},
		{kpsfake.Fault{Kind: kpsfake.FaultHTML, Status: 200}, "<html><head><title>502 Bad Gateway"},
	} {
		f := c.fault
		fake, url := serveTask(t, f, f)
		task, err := retryingClient(t, url, 5).GetTask(context.Background(), testProject, "t")
		if err != nil || task.Status.Raw != "SUCCESS_RESET" || fake.Requests("t") != 3 {
			t.Errorf("%+v twice, then the task: %+v, %v after %d requests", f, task, err, fake.Requests("t"))
		}

		_, url = serveTask(t, f, f, f)
		_, err = retryingClient(t, url, 2).GetTask(context.Background(), testProject, "t")
		var re *kps.ResponseError
		if !errors.As(err, &re) || re.StatusCode != 200 || re.Attempts != 3 || !kps.IsTransient(err) ||
			!strings.Contains(err.Error(), "Content-Type") || !strings.Contains(re.Snippet, c.snippet) {
			t.Errorf("%+v beyond max_retries: %v, want a transient error after 3 attempts showing %q", f, err, c.snippet)
		}
	}
}

func TestFinalAnswersAreNotRetried(t *testing.T) {
	for _, f := range []kpsfake.Fault{
		{Status: 400, Code: "KPS.1"}, {Status: 401, Code: "APIGW.0301"}, {Status: 403, Code: "KPS.3"},
		{Status: 404, Code: "KPS.4"}, {Status: 501}, {Kind: kpsfake.FaultRedirect, Location: "https://x.example/"},
		{Kind: kpsfake.FaultOversized}, {Kind: kpsfake.FaultBody, Body: `{"task_status": 7}`},
	} {
		fake, url := serveTask(t, f, f)
		if _, err := retryingClient(t, url, 5).GetTask(context.Background(), testProject, "t"); err == nil {
			t.Errorf("fault %+v: no error", f)
		}
		if n := fake.Requests("t"); n != 1 {
			t.Errorf("fault %+v: %d requests, want 1", f, n)
		}
	}
}

func TestNoAnswerIsRetried(t *testing.T) {
	srv := httptest.NewServer(http.NotFoundHandler())
	url := srv.URL
	srv.Close()
	_, err := retryingClient(t, url, 3).GetTask(context.Background(), testProject, "t")
	var rq *kps.RequestError
	if !errors.As(err, &rq) || rq.Attempts != 4 || !kps.IsTransient(err) {
		t.Fatalf("got %v, want a transient RequestError after 4 attempts", err)
	}
}

// TestCancelEndsABackoffPause: a Retry-After of a minute does not hold a
// cancelled request.
func TestCancelEndsABackoffPause(t *testing.T) {
	_, url := serveTask(t, kpsfake.Fault{Status: 429, RetryAfter: "60"})
	ctx, cancel := context.WithCancel(context.Background())
	time.AfterFunc(20*time.Millisecond, cancel)
	done := make(chan error, 1)
	go func() {
		_, err := retryingClient(t, url, 5).GetTask(ctx, testProject, "t")
		done <- err
	}()
	select {
	case err := <-done:
		if !errors.Is(err, context.Canceled) || kps.IsTransient(err) {
			t.Fatalf("got %v, want a cancelled, final error", err)
		}
	case <-time.After(10 * time.Second):
		t.Fatal("cancelling did not end the Retry-After pause")
	}
}

// TestRequestsAreLoggedWithTheTokenMasked: each attempt at DEBUG with its
// number and status, the body at TRACE, and the token nowhere.
func TestRequestsAreLoggedWithTheTokenMasked(t *testing.T) {
	f := kpsfake.Fault{Status: 400, Code: "KPS.9", Message: "token " + testToken + " refused"}
	_, url := serveTask(t, kpsfake.Fault{Status: 503}, f)
	var out bytes.Buffer
	ctx := tflogtest.RootLogger(context.Background(), &out)
	_, err := retryingClient(t, url, 5).GetTask(ctx, testProject, "t")
	if err == nil {
		t.Fatal("no error")
	}
	logs := out.String()
	if strings.Contains(logs, testToken) {
		t.Fatalf("the token is in the logs:\n%s", logs)
	}
	entries, err := tflogtest.MultilineJSONDecode(&out)
	if err != nil {
		t.Fatal(err)
	}
	var requests, bodies int
	for _, e := range entries {
		switch e["@message"] {
		case "KPS request":
			requests++
			if e["@module"] != "provider.kps" || e["@level"] != "debug" || e["attempt"] != float64(requests) {
				t.Errorf("request log entry %v", e)
			}
		case "KPS response body":
			bodies++
			if e["@level"] != "trace" || !strings.Contains(e["body"].(string), "***") {
				t.Errorf("body log entry %v", e)
			}
		}
	}
	if requests != 2 || bodies != 1 {
		t.Fatalf("%d request and %d body entries, want 2 and 1:\n%s", requests, bodies, logs)
	}
}

// TestNoAnswerClassification: what a wait does after the client gives up
// depends on IsTransient. An attempt that timed out may be answered next
// time; a request the caller cancelled, or one to a server whose certificate
// is not trusted, will not.
func TestNoAnswerClassification(t *testing.T) {
	slow := httptest.NewServer(http.HandlerFunc(func(_ http.ResponseWriter, r *http.Request) {
		select {
		case <-time.After(2 * time.Second):
		case <-r.Context().Done():
		}
	}))
	defer slow.Close()
	u, _ := kps.ParseEndpoint(slow.URL)
	client, err := kps.New(kps.Config{Endpoint: u, Auth: huaweiauth.TokenCredentials(testToken), RequestTimeout: 50 * time.Millisecond})
	if err != nil {
		t.Fatal(err)
	}
	_, err = client.GetTask(context.Background(), testProject, "t")
	if !kps.IsTransient(err) || !strings.Contains(err.Error(), "no answer within 50ms") {
		t.Errorf("an attempt that timed out: %v (transient %v), want a transient error naming the limit", err, kps.IsTransient(err))
	}

	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Millisecond)
	defer cancel()
	client, _ = kps.New(kps.Config{Endpoint: u, Auth: huaweiauth.TokenCredentials(testToken)})
	if _, err := client.GetTask(ctx, testProject, "t"); kps.IsTransient(err) {
		t.Errorf("a request whose caller gave up: %v is transient", err)
	}

	tlsServer := httptest.NewTLSServer(http.NotFoundHandler())
	defer tlsServer.Close()
	u, _ = kps.ParseEndpoint(tlsServer.URL)
	client, _ = kps.New(kps.Config{Endpoint: u, Auth: huaweiauth.TokenCredentials(testToken), MaxRetries: 3,
		RetryWaitMin: time.Millisecond, RetryWaitMax: time.Millisecond})
	_, err = client.GetTask(context.Background(), testProject, "t")
	var rq *kps.RequestError
	if !errors.As(err, &rq) || kps.IsTransient(err) || rq.Attempts != 1 || !strings.Contains(err.Error(), "certificate") {
		t.Errorf("an untrusted certificate: %v, want one final attempt", err)
	}
}
