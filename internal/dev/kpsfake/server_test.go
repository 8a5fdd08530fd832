package kpsfake

import (
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"testing"
	"time"
)

func TestTimelineStartsAtFirstRead(t *testing.T) {
	now := time.Unix(1000, 0)
	s := New("tok", WithClock(func() time.Time { return now }))
	steps, err := ParseTimeline("READY_RESET@0s,RUNNING_RESET@2s,SUCCESS_RESET@5s")
	if err != nil {
		t.Fatal(err)
	}
	s.AddTask("p1", "t1", Task{ServerID: "srv", Timeline: steps})

	get := func() (int, map[string]string) {
		req := httptest.NewRequestWithContext(t.Context(), http.MethodGet, "/v3/p1/tasks/t1", nil)
		req.Header.Set("X-Auth-Token", "tok")
		rec := httptest.NewRecorder()
		s.ServeHTTP(rec, req)
		var body map[string]string
		_ = json.Unmarshal(rec.Body.Bytes(), &body)
		return rec.Code, body
	}
	now = now.Add(time.Hour) // time before the first read does not count
	for _, want := range []struct {
		advance time.Duration
		status  string
	}{{0, "READY_RESET"}, {1999 * time.Millisecond, "READY_RESET"}, {time.Millisecond, "RUNNING_RESET"}, {3 * time.Second, "SUCCESS_RESET"}, {time.Hour, "SUCCESS_RESET"}} {
		now = now.Add(want.advance)
		code, body := get()
		if code != http.StatusOK || body["task_status"] != want.status || body["server_id"] != "srv" || body["task_id"] != "t1" {
			t.Fatalf("after +%v: %d %v, want %s", want.advance, code, body, want.status)
		}
	}
	if n := s.Requests("t1"); n != 5 {
		t.Fatalf("Requests = %d, want 5", n)
	}
}

func TestGatewayAnswers(t *testing.T) {
	s := New("tok")
	s.AddTask("p1", "t1", Task{Timeline: []Step{{Status: "SUCCESS_RESET"}}})
	cases := []struct {
		name, path, token string
		status            int
		code              string
	}{
		{"no token", "/v3/p1/tasks/t1", "", 401, "APIGW.0301"},
		{"wrong token", "/v3/p1/tasks/t1", "nope", 401, "APIGW.0301"},
		{"unknown project", "/v3/p2/tasks/t1", "tok", 403, "APIGW.0302"},
		{"unknown task", "/v3/p1/tasks/t2", "tok", 400, "KPS.0001"},
		{"unknown API", "/v2/p1/tasks/t1", "tok", 404, "APIGW.0101"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			req := httptest.NewRequestWithContext(t.Context(), http.MethodGet, c.path, nil)
			if c.token != "" {
				req.Header.Set("X-Auth-Token", c.token)
			}
			rec := httptest.NewRecorder()
			s.ServeHTTP(rec, req)
			var body map[string]string
			_ = json.Unmarshal(rec.Body.Bytes(), &body)
			if rec.Code != c.status || body["error_code"] != c.code || rec.Header().Get("X-Request-Id") == "" {
				t.Fatalf("got %d %v, want %d %s", rec.Code, body, c.status, c.code)
			}
		})
	}
}

func TestParseTimelineRejectsBadSteps(t *testing.T) {
	for _, spec := range []string{"", "READY", "READY@soon", "RUNNING@2s,READY@1s", "@1s"} {
		if _, err := ParseTimeline(spec); err == nil {
			t.Errorf("ParseTimeline(%q) succeeded, want an error", spec)
		}
	}
}

func TestRateLimit(t *testing.T) {
	now := time.Unix(5000, 0)
	s := New("tok", WithClock(func() time.Time { return now }), WithRateLimit(3))
	s.AddTask("p", "t", Task{Timeline: []Step{{Status: "RUNNING_RESET"}}})
	codes := func(n int) []int {
		var out []int
		for range n {
			req := httptest.NewRequestWithContext(t.Context(), http.MethodGet, "/v3/p/tasks/t", nil)
			req.Header.Set("X-Auth-Token", "tok")
			rec := httptest.NewRecorder()
			s.ServeHTTP(rec, req)
			out = append(out, rec.Code)
			if rec.Code == 429 && rec.Header().Get("Retry-After") == "" {
				t.Fatal("a 429 without Retry-After")
			}
		}
		return out
	}
	if got := codes(5); fmt.Sprint(got) != "[200 200 200 429 429]" {
		t.Fatalf("first second: %v", got)
	}
	now = now.Add(time.Second)
	if got := codes(4); fmt.Sprint(got) != "[200 200 200 429]" {
		t.Fatalf("next second: %v", got)
	}
	if s.ThrottledRequests() != 3 {
		t.Fatalf("ThrottledRequests = %d", s.ThrottledRequests())
	}
}

func TestLatency(t *testing.T) {
	s := New("tok", WithLatency(30*time.Millisecond))
	s.AddTask("p", "t", Task{Timeline: []Step{{Status: "RUNNING_RESET"}}})
	req := httptest.NewRequestWithContext(t.Context(), http.MethodGet, "/v3/p/tasks/t", nil)
	req.Header.Set("X-Auth-Token", "tok")
	start := time.Now()
	rec := httptest.NewRecorder()
	s.ServeHTTP(rec, req)
	if took := time.Since(start); rec.Code != http.StatusOK || took < 30*time.Millisecond {
		t.Fatalf("answered %d after %v, want 200 after at least 30ms", rec.Code, took)
	}
}
