package main

import (
	"bytes"
	"encoding/json"
	"log"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/kpsops/terraform-provider-kps/internal/dev/kpsfake"
)

// TestTaskFlagNamesItsServer: -task ID:SERVER=TIMELINE reports SERVER;
// ID=TIMELINE leaves it to -server-id.
func TestTaskFlagNamesItsServer(t *testing.T) {
	tasks := taskFlags{}
	for _, v := range []string{"t1:web-1=READY_RESET@0s,SUCCESS_RESET@5s", "t2=RUNNING_RESET@0s"} {
		if err := tasks.Set(v); err != nil {
			t.Fatalf("%s: %v", v, err)
		}
	}
	if tasks["t1"].server != "web-1" || len(tasks["t1"].task.Timeline) != 2 || tasks["t2"].server != "" {
		t.Fatalf("parsed %+v", tasks)
	}
	if err := tasks.Set(":web-1=READY_RESET@0s"); err == nil {
		t.Fatal("a task with no ID was accepted")
	}
}

// TestRequestLog: one line per request, with method, path and status, and
// neither the token nor a key from the body.
func TestRequestLog(t *testing.T) {
	var buf bytes.Buffer
	log.SetOutput(&buf)
	defer log.SetOutput(os.Stderr)
	fake := kpsfake.New("tok-secret")
	fake.AddProject("p1")
	fake.AddServer("p1", "srv", kpsfake.ECS{Keypair: "kp", PrivateKey: "key-secret"})
	fake.AddKeypair("p1", "kp2", kpsfake.Keypair{})
	h := logRequests(fake)
	req := httptest.NewRequestWithContext(t.Context(), http.MethodPost, "/v3/p1/keypairs/associate",
		strings.NewReader(`{"keypair_name":"kp2","server":{"id":"srv","auth":{"type":"keypair","key":"key-secret"}}}`))
	req.Header.Set("X-Auth-Token", "tok-secret")
	h.ServeHTTP(httptest.NewRecorder(), req)
	unauthorized := httptest.NewRequestWithContext(t.Context(), http.MethodGet, "/v3/p1/tasks/t1", nil)
	h.ServeHTTP(httptest.NewRecorder(), unauthorized)
	got := buf.String()
	if !strings.Contains(got, `POST "/v3/p1/keypairs/associate" -> 202`) || !strings.Contains(got, `GET "/v3/p1/tasks/t1" -> 401`) ||
		strings.Count(got, "\n") != 2 {
		t.Fatalf("log:\n%s", got)
	}
	if strings.Contains(got, "secret") {
		t.Fatalf("the log shows a secret:\n%s", got)
	}
}

// TestKeypairFlag: -keypair NAME is generated and hosted; with a public
// key file, imported with nothing hosted; an unknown option is refused.
func TestKeypairFlag(t *testing.T) {
	pub := filepath.Join(t.TempDir(), "ci.pub")
	if err := os.WriteFile(pub, []byte("ssh-ed25519 AAAAC3 ci\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	k := keypairFlags{}
	for _, v := range []string{"ops", "ci,public-key=" + pub} {
		if err := k.Set(v); err != nil {
			t.Fatalf("%s: %v", v, err)
		}
	}
	if !k["ops"].Hosted || k["ci"].Hosted || k["ci"].PublicKey != "ssh-ed25519 AAAAC3 ci" {
		t.Fatalf("parsed %+v", k)
	}
	if err := k.Set("x,hosted=no"); err == nil {
		t.Fatal("an unknown option was accepted")
	}
}

// TestTaskFlagFailureReason: a FAILED_ step's :CODE:MESSAGE is the reason
// the failed-tasks list gives for the task, with the server it names as
// server_name; a reason on another step, or without its message, is
// refused, and -h explains the form.
func TestTaskFlagFailureReason(t *testing.T) {
	tasks := taskFlags{}
	if err := tasks.Set("t1:web-1=RUNNING_RESET@0s,FAILED_RESET@0s:KPS.6015:the login was refused"); err != nil {
		t.Fatal(err)
	}
	fake := kpsfake.New("tok")
	tasks.addTo(fake, "p1", "default-server")
	req := httptest.NewRequestWithContext(t.Context(), http.MethodGet, "/v3/p1/failed-tasks", nil)
	req.Header.Set("X-Auth-Token", "tok")
	rec := httptest.NewRecorder()
	fake.ServeHTTP(rec, req)
	var list struct {
		Tasks []map[string]string `json:"tasks"`
	}
	if err := json.Unmarshal(rec.Body.Bytes(), &list); err != nil || len(list.Tasks) != 1 {
		t.Fatalf("failed tasks: %d %s", rec.Code, rec.Body)
	}
	got := list.Tasks[0]
	if got["task_id"] != "t1" || got["server_id"] != "web-1" || got["server_name"] != "web-1" ||
		got["task_error_code"] != "KPS.6015" || got["task_error_msg"] != "the login was refused" {
		t.Fatalf("listed %v", got)
	}
	for _, bad := range []string{"t2=RUNNING_RESET@0s:KPS.6015:no", "t3=FAILED_RESET@1s:KPS.6015"} {
		if err := tasks.Set(bad); err == nil {
			t.Errorf("-task %s was accepted", bad)
		}
	}
	if !strings.Contains(usage, "FAILED_RESET@5s:KPS.6015:the login was refused") || !strings.Contains(usage, "no comma") {
		t.Error("-h does not explain a failure reason")
	}
}
