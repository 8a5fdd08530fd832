package kps_test

import (
	"context"
	"errors"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/kpsops/terraform-provider-kps/internal/dev/kpsfake"
	"github.com/kpsops/terraform-provider-kps/internal/kps"
)

const (
	testToken   = "secret-token-value"
	testProject = "0123456789abcdef0123456789abcdef"
)

func TestGetTask(t *testing.T) {
	fake := kpsfake.New(testToken)
	fake.AddTask(testProject, "task-1", kpsfake.Task{ServerID: "server-1", Timeline: []kpsfake.Step{{Status: "RUNNING_REPLACE"}}})
	for _, prefix := range []string{"", "/kps/api"} {
		c := newClient(t, fake, prefix)
		task, err := c.GetTask(context.Background(), testProject, "task-1")
		if err != nil {
			t.Fatalf("prefix %q: %v", prefix, err)
		}
		want := kps.Task{ID: "task-1", ServerID: "server-1", Status: kps.ParseStatus("RUNNING_REPLACE")}
		if task != want {
			t.Fatalf("prefix %q: got %+v, want %+v", prefix, task, want)
		}
	}
	if ua := fake.LastUserAgent(); ua != "test-agent/1.0" {
		t.Fatalf("User-Agent = %q", ua)
	}
}

// TestGetTaskErrors walks the contract's error table: each answer is an error
// that shows what was asked, what came back and a hint, and never the token.
func TestGetTaskErrors(t *testing.T) {
	cases := []struct {
		name   string
		fault  *kpsfake.Fault
		token  string
		task   string
		prefix string
		want   []string
	}{
		{name: "401", token: "expired", want: []string{"HTTP 401", "APIGW.0301", "Incorrect IAM authentication", "X-Request-Id fake-", "IAM tokens last 24 hours", "HW_AUTH_TOKEN"}},
		{name: "403", fault: &kpsfake.Fault{Status: 403, Code: "KPS.9003", Message: "no permission"}, want: []string{"HTTP 403", "KPS.9003", "no permission", "kps::getTask"}},
		{name: "400 no such task", task: "missing", want: []string{"HTTP 400", "KPS.0001", "taskId is illegal", "purged"}},
		{name: "404 task", fault: &kpsfake.Fault{Status: 404, Code: "KPS.1001", Message: "task not found"}, want: []string{"HTTP 404", "KPS.1001", "task not found", "purged"}},
		{name: "404 no such API", prefix: "/wrong", want: []string{"HTTP 404", "APIGW.0101", "check endpoint", "region"}},
		{name: "redirect", fault: &kpsfake.Fault{Kind: kpsfake.FaultRedirect, Status: 301, Location: "https://elsewhere.example/steal"}, want: []string{"HTTP 301", "never follows redirects", "https://elsewhere.example/steal"}},
		{name: "html 502", fault: &kpsfake.Fault{Kind: kpsfake.FaultHTML}, want: []string{"HTTP 502", `Content-Type "text/html"`, "502 Bad Gateway", "not a KPS error object"}},
		{name: "truncated", fault: &kpsfake.Fault{Kind: kpsfake.FaultTruncated}, want: []string{"HTTP 200", "not valid JSON", `\"task_status\":\"RUNN`}},
		{name: "empty", fault: &kpsfake.Fault{Kind: kpsfake.FaultEmpty}, want: []string{"HTTP 200", "not valid JSON", "application/json"}},
		{name: "oversized", fault: &kpsfake.Fault{Kind: kpsfake.FaultOversized}, want: []string{"HTTP 200", "larger than 1 MiB"}},
		{name: "no status", fault: &kpsfake.Fault{Kind: kpsfake.FaultBody, Body: `{"task_id":"t","server_id":"s"}`}, want: []string{"no task_status"}},
		{name: "empty status", fault: &kpsfake.Fault{Kind: kpsfake.FaultBody, Body: `{"task_status":""}`}, want: []string{"no task_status"}},
		{name: "wrong type", fault: &kpsfake.Fault{Kind: kpsfake.FaultBody, Body: `{"task_status":42}`}, want: []string{"task_status is a JSON number"}},
		{name: "array", fault: &kpsfake.Fault{Kind: kpsfake.FaultBody, Body: `[1,2]`}, want: []string{"not the task JSON expected"}},
		{name: "error echoing the token", fault: &kpsfake.Fault{Status: 400, Code: "KPS.9", Message: "bad token " + testToken}, want: []string{"bad token ***"}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			fake := kpsfake.New(testToken)
			task := kpsfake.Task{ServerID: "s", Timeline: []kpsfake.Step{{Status: "SUCCESS_RESET"}}}
			if c.fault != nil {
				task.Faults = []kpsfake.Fault{*c.fault}
			}
			fake.AddTask(testProject, "task-1", task)
			mux := http.NewServeMux()
			mux.Handle("/", fake)
			srv := httptest.NewServer(mux)
			defer srv.Close()
			token := testToken
			if c.token != "" {
				token = c.token
			}
			taskID := "task-1"
			if c.task != "" {
				taskID = c.task
			}
			client := clientFor(t, srv.URL+c.prefix, token)
			_, err := client.GetTask(context.Background(), testProject, taskID)
			if err == nil {
				t.Fatal("no error")
			}
			var re *kps.ResponseError
			if !errors.As(err, &re) {
				t.Fatalf("error %T is not a *kps.ResponseError: %v", err, err)
			}
			msg := err.Error()
			for _, w := range append(c.want, "GET "+srv.URL+c.prefix+"/v3/"+testProject+"/tasks/"+taskID) {
				if !strings.Contains(msg, w) {
					t.Errorf("error does not contain %q:\n%s", w, msg)
				}
			}
			if strings.Contains(msg, testToken) {
				t.Errorf("error shows the token:\n%s", msg)
			}
			if len(msg) > 1200 {
				t.Errorf("error is %d bytes long; a body must be shown only in part", len(msg))
			}
		})
	}
}

func TestNotFoundClassification(t *testing.T) {
	fake := kpsfake.New(testToken)
	fake.AddProject(testProject)
	c := newClient(t, fake, "")
	_, err := c.GetTask(context.Background(), testProject, "gone")
	if !kps.IsGone(err) {
		t.Fatalf("IsGone(%v) = false", err)
	}
	srv := httptest.NewServer(fake)
	defer srv.Close()
	_, err = clientFor(t, srv.URL+"/wrong", testToken).GetTask(context.Background(), testProject, "gone")
	if kps.IsGone(err) {
		t.Fatalf("a wrong endpoint was taken for a missing task: %v", err)
	}
}

func TestRedirectIsNotFollowed(t *testing.T) {
	var stolen http.Header
	thief := httptest.NewServer(http.HandlerFunc(func(_ http.ResponseWriter, r *http.Request) { stolen = r.Header.Clone() }))
	defer thief.Close()
	fake := kpsfake.New(testToken)
	fake.AddTask(testProject, "t", kpsfake.Task{Faults: []kpsfake.Fault{{Kind: kpsfake.FaultRedirect, Status: 307, Location: thief.URL}}})
	c := newClient(t, fake, "")
	if _, err := c.GetTask(context.Background(), testProject, "t"); err == nil {
		t.Fatal("a redirect was not an error")
	}
	if stolen != nil {
		t.Fatalf("the redirect was followed, sending %v", stolen)
	}
}

func TestInvalidIDsSendNothing(t *testing.T) {
	fake := kpsfake.New(testToken)
	c := newClient(t, fake, "")
	for _, id := range []string{"", "a/b", "..", "a?b", "a%2fb", "a b", strings.Repeat("a", 65)} {
		if _, err := c.GetTask(context.Background(), testProject, id); err == nil || !strings.Contains(err.Error(), "task_id") {
			t.Errorf("task_id %q: error %v, want one naming task_id", id, err)
		}
		if _, err := c.GetTask(context.Background(), id, "t"); err == nil || !strings.Contains(err.Error(), "project_id") {
			t.Errorf("project_id %q: error %v, want one naming project_id", id, err)
		}
	}
	if n := fake.TotalRequests(); n != 0 {
		t.Fatalf("%d requests were sent", n)
	}
}

func TestConnectionRefused(t *testing.T) {
	srv := httptest.NewServer(http.NotFoundHandler())
	url := srv.URL
	srv.Close()
	_, err := clientFor(t, url, testToken).GetTask(context.Background(), testProject, "t")
	var re *kps.RequestError
	if !errors.As(err, &re) || !strings.Contains(err.Error(), "GET "+url+"/v3/") {
		t.Fatalf("got %v, want a RequestError naming the request", err)
	}
}

// TestCannotConnect: a refused connection is a request that could not
// connect; an answer, even a failing one, is not.
func TestCannotConnect(t *testing.T) {
	c := clientFor(t, "http://"+closedPort(t), testToken)
	_, err := c.GetTask(t.Context(), testProject, "t1")
	if !kps.CannotConnect(err) || !strings.Contains(err.Error(), "connection refused") {
		t.Fatalf("a closed port: %v, CannotConnect %v", err, kps.CannotConnect(err))
	}
	fake := kpsfake.New(testToken)
	fake.AddProject(testProject)
	fake.AddTask(testProject, "t1", kpsfake.Task{Faults: []kpsfake.Fault{{Kind: kpsfake.FaultReset}}, Timeline: []kpsfake.Step{{Status: "RUNNING_RESET"}}})
	_, err = newClient(t, fake, "").GetTask(t.Context(), testProject, "t1")
	if err != nil && kps.CannotConnect(err) {
		t.Fatalf("an answer after a reset counts as could not connect: %v", err)
	}
}
