package kps

import (
	"errors"
	"net/http"
	"strings"
	"testing"
	"time"
	"unicode/utf8"
)

// FuzzDecodeTask feeds arbitrary answers to the decoder: it must never panic,
// and must return either a task with a status or a ResponseError whose text is
// short, valid UTF-8 and free of the token. The seed corpus is in
// testdata/fuzz/FuzzDecodeTask; `make fuzz-ci` runs it briefly.
func FuzzDecodeTask(f *testing.F) {
	for _, seed := range []struct {
		status int
		ctype  string
		body   string
	}{
		{200, "application/json", `{"task_id":"t","task_status":"RUNNING_RESET","server_id":"s"}`},
		{200, "application/json", `{"task_status":null}`},
		{200, "application/json", `{"task_status":["a"]}`},
		{200, "text/html", "<html>502</html>"},
		{400, "application/json", `{"error_code":"KPS.1","error_msg":"no"}`},
		{401, "application/json", `{"error_code":"APIGW.0301","error_msg":"tok3n"}`},
		{429, "application/json", `{"error_code":"APIGW.0308"}`},
		{302, "", ""},
		{200, "application/json", "\xff\xfe{"},
	} {
		f.Add(seed.status, seed.ctype, []byte(seed.body))
	}
	const token = "tok3n"
	f.Fuzz(func(t *testing.T, status int, ctype string, body []byte) {
		if len(body) > MaxBodyBytes {
			body = body[:MaxBodyBytes]
		}
		resp := &response{
			method: http.MethodGet, url: "https://kms.example/v3/p/tasks/t", status: status,
			header: http.Header{"Content-Type": []string{ctype}, "Retry-After": []string{string(body[:min(len(body), 8)])}},
			body:   body, secrets: masker{token},
		}
		task, err := decodeTask(resp, "t")
		if err == nil {
			if task.Status.Raw == "" || status != http.StatusOK {
				t.Fatalf("accepted status %d with task %+v", status, task)
			}
			return
		}
		var re *ResponseError
		if !errors.As(err, &re) {
			t.Fatalf("error %T is not a ResponseError", err)
		}
		msg := err.Error()
		if strings.Contains(re.Snippet, token) || strings.Contains(re.ErrorMsg, token) {
			t.Fatalf("the token leaked into %q", msg)
		}
		if len(re.Snippet) > 3*snippetBytes || !utf8.ValidString(re.Snippet) {
			t.Fatalf("snippet of %d bytes, valid UTF-8 %v", len(re.Snippet), utf8.ValidString(re.Snippet))
		}
	})
}

// FuzzParseStatus: any status splits back into itself, and the predicates agree.
func FuzzParseStatus(f *testing.F) {
	for _, s := range []string{"RUNNING_RESET", "SUCCESS_BIND", "FAILED", "", "_", "A_B_C", "ÉTAT_ÉTÉ"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, raw string) {
		s := ParseStatus(raw)
		rebuilt := string(s.Phase)
		if strings.Contains(raw, "_") {
			rebuilt += "_" + s.Operation
		}
		if rebuilt != raw {
			t.Fatalf("%q split into %q and %q", raw, s.Phase, s.Operation)
		}
		if s.Terminal() != (s.Succeeded() || s.Failed()) || (s.Succeeded() && s.Failed()) {
			t.Fatalf("%q: inconsistent predicates", raw)
		}
	})
}

// FuzzDecodeTaskList: whatever a list page holds, decoding it never panics,
// and a task it accepts has a task_time that was a number of milliseconds
// (or none).
func FuzzDecodeTaskList(f *testing.F) {
	f.Add([]byte(`{"total":2,"tasks":[{"task_id":"a","operate_type":"RESET","task_time":"1764311400000","server_id":"s"}]}`))
	f.Add([]byte(`{"total":1,"tasks":[{"task_id":"a","task_time":"soon"}]}`))
	f.Add([]byte(`{"total":-1,"tasks":null}`))
	f.Add([]byte(`{"tasks":[{"task_time":99999999999999999999}]}`))
	f.Fuzz(func(t *testing.T, body []byte) {
		resp := &response{method: http.MethodGet, url: "https://kms.example/v3/p/running-tasks", status: http.StatusOK,
			header: http.Header{}, body: body}
		var page taskPage
		if resp.decodeJSON(&page, "the task list JSON expected") != nil {
			return
		}
		for _, raw := range page.Tasks {
			task, err := raw.decode()
			if err == nil && !task.StartedAt.IsZero() && task.StartedAt.Location() != time.UTC {
				t.Fatalf("started_at %v is not in UTC", task.StartedAt)
			}
		}
	})
}
