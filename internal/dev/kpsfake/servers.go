package kpsfake

import (
	"cmp"
	"crypto/rand"
	"fmt"
	"time"
)

// ECS is a server the stand-in starts key-pair tasks on.
type ECS struct {
	// Name is what the task lists report as server_name (the ID when empty).
	Name string
	// ShutDown is the server's state: a RESET (associate without auth) needs
	// it shut down, a REPLACE (with auth) needs it running, and unbinding a
	// running server needs auth.
	ShutDown bool
	// Keypair is the key pair bound now; a successful task changes it.
	Keypair string
	// Password and PrivateKey are what KPS can log in with now: auth.key
	// must equal the one its auth.type names. A task that binds a key pair
	// changes PrivateKey to that key pair's (PrivateKeyOf), as a real
	// server's authorized_keys changes, so the old key is refused after it.
	Password, PrivateKey string
	// TaskDuration is how long the server's tasks run (default one second):
	// READY, then RUNNING from a tenth of it, then the end.
	TaskDuration time.Duration
	// Failure, when set, makes every task of the server fail with it, as an
	// unsupported image or a closed SSH port does: it is the reason the
	// failed-tasks list gives, whatever else would have failed the task.
	Failure *TaskFailure
	// DispatchFailure, when set, answers the next start 202 with
	// status FAILED and no task, once.
	DispatchFailure *TaskFailure
	// LostAnswers is how many of the next starts begin a task but answer 500,
	// as a gateway that lost the backend's answer does.
	LostAnswers int
	// StartFaults answer the next starts, one each, before anything is done.
	StartFaults []Fault
}

// TaskFailure is the reason the failed-tasks list gives for a task.
type TaskFailure struct{ Code, Message string }

// StartRequest is one call that reached a server's start endpoint, as
// received: what a test checks to see what the provider sent.
type StartRequest struct {
	Call        string // "associate" or "disassociate"
	At          time.Time
	KeypairName string
	// AuthType and AuthKey are server.auth; empty without it.
	AuthType, AuthKey string
	DisablePassword   *bool
	Port              *int64
	// TaskID is the task started; empty when none was.
	TaskID string
	// Answer is the HTTP status answered.
	Answer int
}

type ecsState struct {
	ECS
	project  string
	starts   []StartRequest
	busyRefs int
	// pending is the last task started on the server and the key pair it
	// leaves bound when it succeeds.
	pending        *taskState
	pendingKeypair string
}

// Failure reasons the stand-in gives a task, as the failed-tasks list's
// task_error_code and task_error_msg. KPS documents no codes for why a task
// failed (its error-code table is for the answers of its calls), so these
// are in the shape of its codes; the provider must show whatever comes.
var (
	failWrongKey   = TaskFailure{"KPS.6015", "Failed to log in to the server over SSH: authentication failed; check the password or private key"}
	failNotRunning = TaskFailure{"KPS.6016", "The server is not running; replacing or unbinding a key pair with auth needs it running"}
	failNotStopped = TaskFailure{"KPS.6006", "The server is running; resetting a key pair needs it shut down"}
	failNoKeypair  = TaskFailure{"KPS.6020", "The server has no key pair bound"}
)

// AddServer makes an ECS server known in project.
func (s *Server) AddServer(projectID, serverID string, e ECS) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.projects[projectID] = true
	e.Name = cmp.Or(e.Name, serverID)
	s.servers[projectID+"/"+serverID] = &ecsState{ECS: e, project: projectID}
}

// ECS returns what the stand-in knows of a server now: its bound key
// pair as the tasks that ended so far left it.
func (s *Server) ECS(projectID, serverID string) (ECS, bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	e := s.servers[projectID+"/"+serverID]
	if e == nil {
		return ECS{}, false
	}
	e.settle(s.now(), func(kp string) string { return s.keypairKey(projectID, kp) })
	return e.ECS, true
}

// StartRequests lists the calls that reached a server's start endpoints, in
// order.
func (s *Server) StartRequests(projectID, serverID string) []StartRequest {
	s.mu.Lock()
	defer s.mu.Unlock()
	if e := s.servers[projectID+"/"+serverID]; e != nil {
		return append([]StartRequest(nil), e.starts...)
	}
	return nil
}

// BusyRefusals counts the starts refused with 400 because the server was
// running a task.
func (s *Server) BusyRefusals(projectID, serverID string) int {
	s.mu.Lock()
	defer s.mu.Unlock()
	if e := s.servers[projectID+"/"+serverID]; e != nil {
		return e.busyRefs
	}
	return 0
}

// settle applies the last task's effect once it has succeeded: the key pair
// it bound, and the key that logs in from then on (keyOf's for that key
// pair; none after an unbind).
func (e *ecsState) settle(now time.Time, keyOf func(keypair string) string) {
	if e.pending == nil {
		return
	}
	phase := phaseOf(e.pending.peek(now))
	if phase == "SUCCESS" {
		e.Keypair, e.PrivateKey = e.pendingKeypair, ""
		if e.Keypair != "" {
			e.PrivateKey = keyOf(e.Keypair)
		}
	}
	if phase == "SUCCESS" || phase == "FAILED" {
		e.pending = nil
	}
}

// newTaskID is a random UUID, as KPS's task IDs are.
func newTaskID() string {
	var b [16]byte
	_, _ = rand.Read(b[:])
	b[6] = b[6]&0x0f | 0x40
	b[8] = b[8]&0x3f | 0x80
	return fmt.Sprintf("%x-%x-%x-%x-%x", b[0:4], b[4:6], b[6:8], b[8:10], b[10:16])
}
