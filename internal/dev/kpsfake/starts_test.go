package kpsfake

import (
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"testing"
	"time"
)

// listed reads a whole task list of project p.
func listed(t *testing.T, s *Server, list string) []listedTask {
	t.Helper()
	req := httptest.NewRequestWithContext(t.Context(), http.MethodGet, "/v3/p/"+list, nil)
	req.Header.Set("X-Auth-Token", "tok")
	rec := httptest.NewRecorder()
	s.ServeHTTP(rec, req)
	var body struct {
		Tasks []listedTask `json:"tasks"`
	}
	if err := json.Unmarshal(rec.Body.Bytes(), &body); err != nil || rec.Code != http.StatusOK {
		t.Fatalf("%s: %d %s", list, rec.Code, rec.Body)
	}
	return body.Tasks
}

// start sends a start to s and returns the task ID it answers ("" when
// none).
func start(t *testing.T, s *Server, call, body string) (int, string) {
	t.Helper()
	code, answer := keypairRequest(t, s, http.MethodPost, "/v3/p/keypairs/"+call, body)
	id, _ := answer["task_id"].(string)
	return code, id
}

// TestAssociateRefusesUnknownKeypairs: a bind of a key pair the stand-in
// does not hold in the project is refused 400 KPS.6004 and starts nothing,
// even when another project holds it; once it is added, the bind starts.
func TestAssociateRefusesUnknownKeypairs(t *testing.T) {
	s := New("tok")
	s.AddServer("p", "srv", ECS{ShutDown: true})
	s.AddKeypair("elsewhere", "kp", Keypair{})
	body := `{"keypair_name":"kp","server":{"id":"srv"}}`
	if got := ask(t, s, http.MethodPost, "/v3/p/keypairs/associate", body); got != (answer{400, "KPS.6004", "No Keypair find"}) {
		t.Fatalf("a bind of a key pair p does not hold: %+v", got)
	}
	starts := s.StartRequests("p", "srv")
	if len(starts) != 1 || starts[0].TaskID != "" || starts[0].Answer != http.StatusBadRequest || len(listed(t, s, listRunning)) != 0 {
		t.Fatalf("the refused bind: starts %+v, running %v; want it recorded, and no task", starts, listed(t, s, listRunning))
	}
	s.AddKeypair("p", "kp", Keypair{})
	if code, id := start(t, s, "associate", body); code != http.StatusAccepted || id == "" {
		t.Fatalf("the bind of a key pair p holds: %d, task %q", code, id)
	}
}

// TestStartedTasksAreListed: each task a start begins is in the running
// list, then (if it fails) in the failed list, with the key pair it binds
// (none for an unbind, whatever the body said, which StartRequests keeps), the server's name (its ID
// when it has none), and the reason it failed: the server's scripted
// failure before any other.
func TestStartedTasksAreListed(t *testing.T) {
	now := time.Unix(1_800_000_000, 0)
	s := New("tok", WithClock(func() time.Time { return now }))
	s.AddKeypair("p", "kp-new", Keypair{})
	s.AddServer("p", "named", ECS{Name: "web-1", ShutDown: true, Keypair: "kp-old"})
	s.AddServer("p", "unnamed", ECS{ShutDown: true, Keypair: "kp-old"})
	closedPort := &TaskFailure{Code: "KPS.6101", Message: "port 22 closed"}
	s.AddServer("p", "broken", ECS{Name: "web-3", Keypair: "kp-old", PrivateKey: "right", Failure: closedPort})

	_, bind := start(t, s, "associate", `{"keypair_name":"kp-new","server":{"id":"named"}}`)
	_, unbind := start(t, s, "disassociate", `{"keypair_name":"kp-new","server":{"id":"unnamed"}}`)
	// A wrong key too: the scripted failure is still the reason given.
	_, failing := start(t, s, "associate", `{"keypair_name":"kp-new","server":{"id":"broken","auth":{"type":"keypair","key":"wrong"}}}`)
	want := map[string]listedTask{
		bind:    {ServerName: "web-1", ServerID: "named", KeypairName: "kp-new", OperateType: "RESET"},
		unbind:  {ServerName: "unnamed", ServerID: "unnamed", KeypairName: "", OperateType: "UNBIND"},
		failing: {ServerName: "web-3", ServerID: "broken", KeypairName: "kp-new", OperateType: "REPLACE"},
	}
	if got := s.StartRequests("p", "unnamed"); len(got) != 1 || got[0].KeypairName != "kp-new" {
		t.Fatalf("the unbind as received: %+v, want the keypair_name it sent", got)
	}
	running := listed(t, s, listRunning)
	if len(running) != 3 {
		t.Fatalf("running: %+v, want the three tasks", running)
	}
	for _, lt := range running {
		w := want[lt.TaskID]
		if lt.ServerName != w.ServerName || lt.ServerID != w.ServerID || lt.KeypairName != w.KeypairName ||
			lt.OperateType != w.OperateType || lt.TaskTime == "" || lt.TaskErrorCode != "" {
			t.Errorf("running task %+v, want %+v", lt, w)
		}
	}
	now = now.Add(time.Minute)
	failed := listed(t, s, listFailed)
	if len(failed) != 1 || failed[0].TaskID != failing || failed[0].ServerName != "web-3" || failed[0].KeypairName != "kp-new" ||
		failed[0].TaskErrorCode != closedPort.Code || failed[0].TaskErrorMsg != closedPort.Message {
		t.Fatalf("failed: %+v, want %s with the scripted reason", failed, failing)
	}
}

// TestScriptedTasksAreListedAsScripted: a task added with AddTask is listed
// with the server name, key pair and reason it was scripted with; without a
// server name, with that of the server it names, else the server's ID.
func TestScriptedTasksAreListedAsScripted(t *testing.T) {
	s := New("tok")
	s.AddServer("p", "srv-known", ECS{Name: "web-9"})
	failedAt := []Step{{Status: "FAILED_BIND"}}
	s.AddTask("p", "scripted", Task{ServerID: "srv-1", ServerName: "web-1", KeypairName: "kp-1", Timeline: failedAt,
		ErrorCode: "KPS.6015", ErrorMsg: "login refused"})
	s.AddTask("p", "known", Task{ServerID: "srv-known", Timeline: failedAt})
	s.AddTask("p", "bare", Task{ServerID: "srv-2", Timeline: failedAt})
	got := map[string]listedTask{}
	for _, lt := range listed(t, s, listFailed) {
		got[lt.TaskID] = lt
	}
	if lt := got["scripted"]; lt.ServerName != "web-1" || lt.KeypairName != "kp-1" || lt.TaskErrorCode != "KPS.6015" || lt.TaskErrorMsg != "login refused" {
		t.Errorf("scripted: %+v", lt)
	}
	if lt := got["known"]; lt.ServerName != "web-9" {
		t.Errorf("a task on a known server: server_name %q, want its name web-9", lt.ServerName)
	}
	if lt := got["bare"]; lt.ServerName != "srv-2" {
		t.Errorf("a task on an unknown server: server_name %q, want its ID srv-2", lt.ServerName)
	}
}
