package kpsfake

import (
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"
)

// publishedCodes are the codes the stand-in may answer with: KPS's own, as
// its error-code table publishes them, and the API gateway's.
var publishedCodes = map[string]bool{
	"KPS.0001": true, "KPS.0002": true, "KPS.0005": true, "KPS.0006": true, "KPS.4016": true, "KPS.6004": true,
	"KPS.6005": true, "KPS.6008": true, "KPS.6010": true, "KPS.6011": true, "KPS.9001": true, "KPS.9002": true,
	"KPS.6009": true, "KPS.9003": true, "KPS.9004": true, "KPS.9005": true, "KPS.9006": true,
}

func published(code string) bool { return publishedCodes[code] || strings.HasPrefix(code, "APIGW.") }

// answer is one request's status, error code and message.
type answer struct {
	status    int
	code, msg string
}

// ask sends one request to s with the test token and reads its answer.
func ask(t *testing.T, s *Server, method, path, body string) answer {
	t.Helper()
	status, out := keypairRequest(t, s, method, path, body)
	code, _ := out["error_code"].(string)
	msg, _ := out["error_msg"].(string)
	return answer{status, code, msg}
}

// TestRefusalsUsePublishedCodes: every way the stand-in refuses a request
// answers with KPS's published code for it, and its published message
// (with the reason after it, for KPS.0002); no answer carries a code KPS
// does not publish.
func TestRefusalsUsePublishedCodes(t *testing.T) {
	s := New("tok", WithListsDenied())
	s.AddKeypair("p", "taken", Keypair{})
	s.AddKeypair("p", "pub-only", Keypair{PublicKey: "ssh-ed25519 AAAA x"})
	s.AddServer("p", "srv", ECS{Keypair: "taken", PrivateKey: "key"})
	s.AddTask("p", "running", Task{ServerID: "other", Timeline: []Step{{Status: "RUNNING_RESET"}}})
	const parameter = "parameter error: "
	for _, c := range []struct {
		name, method, path, body string
		want                     answer
	}{
		{"a task KPS does not know", http.MethodGet, "/v3/p/tasks/nope", "", answer{400, "KPS.0001", "taskId is illegal"}},
		{"a missing key pair", http.MethodGet, "/v3/p/keypairs/nope", "", answer{404, "KPS.4016", "The key pair is not exist"}},
		{"a name taken", http.MethodPost, "/v3/p/keypairs", `{"keypair":{"name":"taken"}}`,
			answer{400, "KPS.0002", parameter + "the key pair name already exists"}},
		{"an export with no key hosted", http.MethodPost, "/v3/p/keypairs/private-key/export", `{"keypair":{"name":"pub-only"}}`,
			answer{400, "KPS.6005", "No private key managed"}},
		{"a clear with no key hosted", http.MethodDelete, "/v3/p/keypairs/pub-only/private-key", "",
			answer{400, "KPS.6005", "No private key managed"}},
		{"a bind of a key pair KPS does not hold", http.MethodPost, "/v3/p/keypairs/associate",
			`{"keypair_name":"nope","server":{"id":"srv"}}`, answer{400, "KPS.6004", "No Keypair find"}},
		{"a failed-task record not there", http.MethodDelete, "/v3/p/failed-tasks/nope", "", answer{400, "KPS.0005", "Failed task is not found"}},
		{"the record of a task that has not failed", http.MethodDelete, "/v3/p/failed-tasks/running", "",
			answer{400, "KPS.0005", "Failed task is not found"}},
		{"a task list without its permission", http.MethodGet, "/v3/p/running-tasks", "", answer{403, "KPS.9003", "no permission"}},
	} {
		if got := ask(t, s, c.method, c.path, c.body); got != c.want {
			t.Errorf("%s: %+v, want %+v", c.name, got, c.want)
		}
	}

	for _, c := range []struct{ name, method, path, body string }{
		{"a bad name", http.MethodPost, "/v3/p/keypairs", `{"keypair":{"name":"a b"}}`},
		{"a bad type", http.MethodPost, "/v3/p/keypairs", `{"keypair":{"name":"a","type":"rsa"}}`},
		{"a bad scope", http.MethodPost, "/v3/p/keypairs", `{"keypair":{"name":"a","scope":"world"}}`},
		{"a bad encryption", http.MethodPost, "/v3/p/keypairs", `{"keypair":{"name":"a","key_protection":{"encryption":{"type":"rot13"}}}}`},
		{"kms without a key", http.MethodPost, "/v3/p/keypairs", `{"keypair":{"name":"a","key_protection":{"encryption":{"type":"kms"}}}}`},
		{"a public key with nothing to host", http.MethodPost, "/v3/p/keypairs",
			`{"keypair":{"name":"a","public_key":"ssh-ed25519 AAAA x","key_protection":{"encryption":{"type":"default"}}}}`},
		{"no description", http.MethodPut, "/v3/p/keypairs/taken", `{"keypair":{}}`},
		{"a body that is not JSON", http.MethodPost, "/v3/p/keypairs", `{`},
		{"an import with no private key", http.MethodPost, "/v3/p/keypairs/private-key/import", `{"keypair":{"name":"taken"}}`},
		{"an import of a long name", http.MethodPost, "/v3/p/keypairs/private-key/import", `{"keypair":{"name":"` + strings.Repeat("a", 65) + `"}}`},
		{"a key-pair list with a bad limit", http.MethodGet, "/v3/p/keypairs?limit=x", ""},
		{"a start that is not JSON", http.MethodPost, "/v3/p/keypairs/associate", `{`},
		{"a start with no server", http.MethodPost, "/v3/p/keypairs/associate", `{"keypair_name":"taken"}`},
		{"a bind with no key pair", http.MethodPost, "/v3/p/keypairs/associate", `{"server":{"id":"srv"}}`},
		{"a start on an unknown server", http.MethodPost, "/v3/p/keypairs/disassociate", `{"server":{"id":"nope"}}`},
	} {
		got := ask(t, s, c.method, c.path, c.body)
		if got.status != http.StatusBadRequest || got.code != "KPS.0002" || !strings.HasPrefix(got.msg, parameter) || len(got.msg) == len(parameter) {
			t.Errorf("%s: %+v, want 400 KPS.0002 %q and a reason", c.name, got, parameter)
		}
	}
}

// TestTaskListLimitIsAParameterError: a task list asked for a page KPS
// does not serve is refused with KPS.0002.
func TestTaskListLimitIsAParameterError(t *testing.T) {
	s := New("tok")
	s.AddProject("p")
	if got := ask(t, s, http.MethodGet, "/v3/p/failed-tasks?limit=5000", ""); got.status != 400 || got.code != "KPS.0002" {
		t.Fatalf("a limit of 5000: %+v, want 400 KPS.0002", got)
	}
}

// TestBusyServerRefusalIsPublished: a start on a server running a task is
// refused with a published code (KPS publishes none of its own for it).
func TestBusyServerRefusalIsPublished(t *testing.T) {
	s := New("tok")
	s.AddKeypair("p", "kp", Keypair{})
	s.AddServer("p", "srv", ECS{ShutDown: true, TaskDuration: time.Hour})
	body := `{"keypair_name":"kp","server":{"id":"srv"}}`
	if got := ask(t, s, http.MethodPost, "/v3/p/keypairs/associate", body); got.status != http.StatusAccepted {
		t.Fatalf("the first start: %+v", got)
	}
	got := ask(t, s, http.MethodPost, "/v3/p/keypairs/associate", body)
	if got.status != 400 || !published(got.code) || s.BusyRefusals("p", "srv") != 1 {
		t.Fatalf("a start on a busy server: %+v, %d busy refusals", got, s.BusyRefusals("p", "srv"))
	}
}

// TestMissingKeypairAnswers: a key pair that does not exist is 404
// KPS.4016 by default, or a 400 with either code KPS publishes for it and
// that code's message; any other code is refused at once.
func TestMissingKeypairAnswers(t *testing.T) {
	for _, c := range []struct {
		name string
		opts []Option
		want answer
	}{
		{"default", nil, answer{404, "KPS.4016", "The key pair is not exist"}},
		{"as 400", []Option{WithMissingKeypairsAs400()}, answer{400, "KPS.6004", "No Keypair find"}},
		{"KPS.4016", []Option{WithMissingKeypairCode("KPS.4016")}, answer{400, "KPS.4016", "The key pair is not exist"}},
		{"KPS.6004", []Option{WithMissingKeypairCode("KPS.6004")}, answer{400, "KPS.6004", "No Keypair find"}},
	} {
		s := New("tok", c.opts...)
		s.AddProject("p")
		for _, req := range []struct{ method, path, body string }{
			{http.MethodGet, "/v3/p/keypairs/nope", ""},
			{http.MethodDelete, "/v3/p/keypairs/nope", ""},
			{http.MethodDelete, "/v3/p/keypairs/nope/private-key", ""},
			{http.MethodPost, "/v3/p/keypairs/private-key/export", `{"keypair":{"name":"nope"}}`},
		} {
			if got := ask(t, s, req.method, req.path, req.body); got != c.want {
				t.Errorf("%s, %s %s: %+v, want %+v", c.name, req.method, req.path, got, c.want)
			}
		}
	}
	defer func() {
		if recover() == nil {
			t.Error("WithMissingKeypairCode(\"KPS.0404\") did not panic")
		}
	}()
	WithMissingKeypairCode("KPS.0404")
}

// TestClearNeedsAHostedKey: a clear of a hosted key succeeds with no body
// and leaves nothing hosted; a second clear, with nothing to clear, is
// refused 400 KPS.6005, as is an export after it.
func TestClearNeedsAHostedKey(t *testing.T) {
	s := New("tok")
	s.AddKeypair("p", "ops", Keypair{Hosted: true})
	if got := ask(t, s, http.MethodDelete, "/v3/p/keypairs/ops/private-key", ""); got.status != http.StatusOK || got.code != "" {
		t.Fatalf("the first clear: %+v, want 200", got)
	}
	if kp, _ := s.KeypairOf("p", "ops"); kp.Hosted || kp.PrivateKey != "" {
		t.Fatalf("after the clear the stand-in holds %+v", kp)
	}
	want := answer{400, "KPS.6005", "No private key managed"}
	if got := ask(t, s, http.MethodDelete, "/v3/p/keypairs/ops/private-key", ""); got != want {
		t.Fatalf("the second clear: %+v, want %+v", got, want)
	}
	if got := ask(t, s, http.MethodPost, "/v3/p/keypairs/private-key/export", `{"keypair":{"name":"ops"}}`); got != want {
		t.Fatalf("an export after the clear: %+v, want %+v", got, want)
	}
}

// TestDeleteFailedTaskRecords: a failed task's record is deleted with 200
// and no body; once deleted, or for a task unknown or not failed, a delete
// is 400 KPS.0005; a delete of all is 200 whatever there is.
func TestDeleteFailedTaskRecords(t *testing.T) {
	s := New("tok")
	s.AddTask("p", "f1", Task{ServerID: "srv", Timeline: []Step{{Status: "FAILED_RESET"}}})
	s.AddTask("p", "r1", Task{ServerID: "srv", Timeline: []Step{{Status: "RUNNING_RESET"}}})
	del := func(path string) *httptest.ResponseRecorder {
		req := httptest.NewRequestWithContext(t.Context(), http.MethodDelete, path, nil)
		req.Header.Set("X-Auth-Token", "tok")
		rec := httptest.NewRecorder()
		s.ServeHTTP(rec, req)
		return rec
	}
	if rec := del("/v3/p/failed-tasks/f1"); rec.Code != http.StatusOK || rec.Body.Len() != 0 {
		t.Fatalf("deleting f1: %d %q, want 200 and no body", rec.Code, rec.Body)
	}
	gone := answer{400, "KPS.0005", "Failed task is not found"}
	for _, id := range []string{"f1", "r1", "unknown"} {
		if got := ask(t, s, http.MethodDelete, "/v3/p/failed-tasks/"+id, ""); got != gone {
			t.Errorf("deleting %s: %+v, want %+v", id, got, gone)
		}
	}
	if rec := del("/v3/p/failed-tasks"); rec.Code != http.StatusOK || rec.Body.Len() != 0 {
		t.Fatalf("deleting all: %d %q, want 200 and no body", rec.Code, rec.Body)
	}
	if got := strings.Join(s.FailedTaskDeletes(), ","); got != "f1,f1,r1,unknown,*" {
		t.Fatalf("deletes recorded: %s", got)
	}
}

// TestRefuseAll: with RefuseAll set, every authenticated request, of any
// call, is answered with its status, code and message, as KPS refuses an
// account; the gateway's 401 still comes first; status 0 stops it.
func TestRefuseAll(t *testing.T) {
	s := New("tok")
	s.AddKeypair("p", "kp", Keypair{})
	s.AddServer("p", "srv", ECS{ShutDown: true})
	s.AddTask("p", "t1", Task{ServerID: "srv", Timeline: []Step{{Status: "SUCCESS_RESET"}}})
	requests := []struct{ method, path, body string }{
		{http.MethodGet, "/v3/p/tasks/t1", ""},
		{http.MethodGet, "/v3/p/running-tasks", ""},
		{http.MethodGet, "/v3/p/keypairs/kp", ""},
		{http.MethodPost, "/v3/p/keypairs", `{"keypair":{"name":"new"}}`},
		{http.MethodPost, "/v3/p/keypairs/associate", `{"keypair_name":"kp","server":{"id":"srv"}}`},
		{http.MethodDelete, "/v3/p/failed-tasks", ""},
		{http.MethodGet, "/v3/projects?name=cn-north-4", ""},
	}
	for _, refusal := range []answer{
		{401, "KPS.9002", "public-test account denied"},
		{403, "KPS.9003", "no permission"},
		{403, "KPS.9004", "account frozen"},
		{403, "KPS.9005", "account restricted"},
		{403, "KPS.9006", "unknown user type"},
	} {
		s.RefuseAll(refusal.status, refusal.code, refusal.msg)
		for _, r := range requests {
			if got := ask(t, s, r.method, r.path, r.body); got != refusal {
				t.Errorf("%s %s under %s: %+v", r.method, r.path, refusal.code, got)
			}
		}
	}
	req := httptest.NewRequestWithContext(t.Context(), http.MethodGet, "/v3/p/tasks/t1", nil)
	rec := httptest.NewRecorder()
	s.ServeHTTP(rec, req)
	if rec.Code != http.StatusUnauthorized || !strings.Contains(rec.Body.String(), "APIGW.0301") {
		t.Fatalf("no token while refusing all: %d %s, want the gateway's 401", rec.Code, rec.Body)
	}
	if _, ok := s.KeypairOf("p", "new"); ok {
		t.Fatal("a refused create made its key pair")
	}
	if starts := s.StartRequests("p", "srv"); len(starts) != 0 {
		t.Fatalf("a refused start reached the server: %+v", starts)
	}

	s.RefuseAll(0, "", "")
	if got := ask(t, s, http.MethodGet, "/v3/p/tasks/t1", ""); got.status != http.StatusOK {
		t.Fatalf("after RefuseAll(0, ...): %+v, want 200", got)
	}
}
