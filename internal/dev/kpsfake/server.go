// Package kpsfake is a stand-in for the KPS API. It answers
// GET /v3/{project_id}/tasks/{task_id} and the task lists from a scripted
// timeline per task, starts key-pair tasks on the servers it is given
// (associate, disassociate) and deletes failed-task records, and holds key
// pairs (create, read, list, update, delete, and the private key's import,
// export and clear). It checks the token or the access-key signature and the
// project the way the real gateway does (and, when told to, limits the rate
// as it does), serves IAM's project look-up, answers with KPS's published
// error codes, and injects the failures the provider must survive. Unit
// tests, acceptance tests, the demo, the benchmarks and the release check
// all run against it, so none of them needs a cloud account; kps-fake serves
// it for trying the provider by hand.
package kpsfake

import (
	"encoding/json"
	"fmt"
	"net/http"
	"strings"
	"sync"
	"time"
)

// Step is one point of a task's timeline: from At after the task's first read,
// the task reports Status.
type Step struct {
	At     time.Duration
	Status string
}

// Task is what the stand-in knows of one task.
type Task struct {
	ServerID string
	// ServerName and KeypairName are what the task lists report.
	ServerName, KeypairName string
	// Timeline starts at the first read of the task, by its ID or in a task
	// list, so that a test's timing does not depend on how long Terraform
	// takes to start. Steps are in order of At; before the first step the
	// first status is reported.
	Timeline []Step
	// FromStart starts the timeline when the task is added instead: a task
	// someone else started, which moves on whether or not anyone reads it.
	FromStart bool
	// ErrorCode and ErrorMsg are what the failed-tasks list reports for the
	// task once it has failed.
	ErrorCode, ErrorMsg string
	// Faults answer the task's next requests, one each, in order, before the
	// timeline is consulted again.
	Faults []Fault
	// NoTaskTime lists the task with an empty task_time, as the API may.
	NoTaskTime bool
}

// Server is an http.Handler serving the KPS API and IAM's project look-up.
// The zero value is not usable: call New.
type Server struct {
	token string
	now   func() time.Time
	limit Limiter // nil: no limit
	// limitStated is whether a 429 says the limit and window, as Huawei's
	// gateway does unless configured not to.
	limitStated bool
	latency     time.Duration // added to every answer
	maxPage     int           // the most tasks a list page holds; 0: 1000

	mu             sync.Mutex
	projects       map[string]bool
	tasks          map[string]*taskState // by project_id + "/" + task_id
	servers        map[string]*ecsState  // by project_id + "/" + server_id
	deletes        []string              // failed-task records deleted: an ID, or "*"
	keys           map[string]*accessKey // by access key ID
	regions        map[string][]string   // IAM: project IDs by region name
	projectLookups int
	listRequests   map[string]int
	listsDenied    bool
	keypairStore   map[string]*Keypair // by project_id + "/" + name
	keypairs       keypairBehaviour
	signatures     []string
	requests       int
	throttled      int
	lastAgent      string
	refuseAll      *refusal // set by RefuseAll
}

type taskState struct {
	Task
	id        string
	added     time.Time
	firstRead time.Time
	requests  int
	// recordDeleted hides a failed task from the failed-tasks list.
	recordDeleted bool
}

// Option changes how New builds a Server.
type Option func(*Server)

// WithClock makes the server read time from now, for tests that move time by hand.
func WithClock(now func() time.Time) Option { return func(s *Server) { s.now = now } }

// WithRateLimit makes the server answer 429 APIGW.0308, with Retry-After, to
// requests beyond perSecond in any calendar second, as the gateway does.
func WithRateLimit(perSecond int) Option {
	return WithLimiter(FixedWindow(perSecond, time.Second), true)
}

// WithLimiter makes the server answer 429 APIGW.0308, with Retry-After, to
// the requests l does not let through; the message states the limit when
// stated is true.
func WithLimiter(l Limiter, stated bool) Option {
	return func(s *Server) { s.limit, s.limitStated = l, stated }
}

// WithMaxPage makes the task lists answer at most n tasks a page, whatever
// limit is asked for, as a gateway that caps pages does.
func WithMaxPage(n int) Option { return func(s *Server) { s.maxPage = n } }

// WithListsDenied answers every task list 403 KPS.9003 "no permission", as
// KPS does for a user allowed to read tasks (kps::getTask) but not to list
// them (kps::getRunningTask, kps::getFailedTask).
func WithListsDenied() Option { return func(s *Server) { s.listsDenied = true } }

// WithLatency delays every answer by d, as a distant region does.
func WithLatency(d time.Duration) Option { return func(s *Server) { s.latency = d } }

// New returns a server that accepts token, and the access keys added with
// AddAccessKey.
func New(token string, opts ...Option) *Server {
	s := &Server{
		token: token, now: time.Now, projects: map[string]bool{}, tasks: map[string]*taskState{}, servers: map[string]*ecsState{},
		keys: map[string]*accessKey{}, regions: map[string][]string{}, listRequests: map[string]int{},
		keypairStore: map[string]*Keypair{}, keypairs: keypairBehaviour{calls: map[string]int{}, faults: map[string][]Fault{}},
	}
	for _, o := range opts {
		o(s)
	}
	return s
}

// AddProject makes a project known, so that reads in it are allowed. Adding a
// task adds its project.
func (s *Server) AddProject(projectID string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.projects[projectID] = true
}

// AddTask scripts a task, replacing any task of the same ID in the project.
func (s *Server) AddTask(projectID, taskID string, task Task) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.projects[projectID] = true
	s.tasks[projectID+"/"+taskID] = &taskState{Task: task, id: taskID, added: s.now()}
}

// Requests counts the requests that reached the task endpoint of taskID, in any
// project, faults included.
func (s *Server) Requests(taskID string) int {
	s.mu.Lock()
	defer s.mu.Unlock()
	n := 0
	for key, t := range s.tasks {
		if strings.HasSuffix(key, "/"+taskID) {
			n += t.requests
		}
	}
	return n
}

// TotalRequests counts every request the server has answered.
func (s *Server) TotalRequests() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.requests
}

// ThrottledRequests counts the requests answered 429 by the rate limit.
func (s *Server) ThrottledRequests() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.throttled
}

// LastUserAgent is the User-Agent of the latest request.
func (s *Server) LastUserAgent() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.lastAgent
}

func (s *Server) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	if s.latency > 0 {
		select {
		case <-time.After(s.latency):
		case <-r.Context().Done():
			return
		}
	}
	s.mu.Lock()
	s.requests++
	s.lastAgent = r.UserAgent()
	requestID := fmt.Sprintf("fake-%06d", s.requests)
	throttled := s.limit != nil && !s.limit.Allow(s.now())
	if throttled {
		s.throttled++
	}
	s.mu.Unlock()
	w.Header().Set("X-Request-Id", requestID)
	if throttled {
		w.Header().Set("Retry-After", "1")
		writeError(w, http.StatusTooManyRequests, "APIGW.0308", ThrottleMessage(s.limit, s.limitStated), requestID)
		return
	}

	projectID, taskID, ok := parseTaskPath(r.URL.Path)
	isProjects := r.URL.Path == "/v3/projects"
	listProject, list, isList := parseListPath(r.URL.Path)
	write, isWrite := parseWritePath(r.Method, r.URL.Path)
	keypair, isKeypair := parseKeypairPath(r.Method, r.URL.Path)
	isKeypair = isKeypair && !isWrite
	if !isWrite && !isKeypair && ((!ok && !isProjects && !isList) || r.Method != http.MethodGet) {
		writeError(w, http.StatusNotFound, "APIGW.0101", "The API does not exist or has not been published in the environment", requestID)
		return
	}
	if msg := s.authenticate(r); msg != "" {
		writeError(w, http.StatusUnauthorized, "APIGW.0301", msg, requestID)
		return
	}
	if s.refused(w, requestID) {
		return
	}
	if isProjects {
		s.serveProjects(w, r)
		return
	}
	if isWrite {
		s.serveWrite(w, r, write, requestID)
		return
	}
	if isKeypair {
		s.serveKeypair(w, r, keypair, requestID)
		return
	}
	if isList {
		s.serveList(w, r, listProject, list, requestID)
		return
	}

	s.mu.Lock()
	known := s.projects[projectID]
	task := s.tasks[projectID+"/"+taskID]
	var fault *Fault
	var status, serverID string
	if task != nil {
		task.requests++
		if len(task.Faults) > 0 {
			f := task.Faults[0]
			task.Faults = task.Faults[1:]
			fault = &f
		} else {
			status, serverID = task.statusAt(s.now()), task.ServerID
		}
	}
	s.mu.Unlock()

	switch {
	case !known:
		writeError(w, http.StatusForbidden, "APIGW.0302", "The IAM user is not authorized to access the API", requestID)
	case task == nil:
		// KPS documents no answer for a task it does not know; its code for
		// a task ID it does not take is the nearest it publishes.
		writeError(w, http.StatusBadRequest, codeTaskIDIllegal, msgTaskIDIllegal, requestID)
	case fault != nil && fault.Kind == FaultSlow:
		select {
		case <-time.After(fault.Delay):
		case <-r.Context().Done():
			return
		}
		s.mu.Lock()
		status, serverID = task.statusAt(s.now()), task.ServerID
		s.mu.Unlock()
		writeJSON(w, http.StatusOK, map[string]string{"task_id": taskID, "task_status": status, "server_id": serverID})
	case fault != nil:
		fault.write(w, r, requestID)
	default:
		writeJSON(w, http.StatusOK, map[string]string{"task_id": taskID, "task_status": status, "server_id": serverID})
	}
}

// statusAt starts the timeline's clock on the first read.
func (t *taskState) statusAt(now time.Time) string {
	if t.firstRead.IsZero() {
		t.firstRead = now
	}
	return t.peek(now)
}

// peek is the status at now, without starting the timeline.
func (t *taskState) peek(now time.Time) string {
	if len(t.Timeline) == 0 {
		return ""
	}
	start := t.firstRead
	if t.FromStart {
		start = t.added
	}
	if start.IsZero() {
		return t.Timeline[0].Status
	}
	elapsed := now.Sub(start)
	status := t.Timeline[0].Status
	for _, step := range t.Timeline {
		if step.At <= elapsed {
			status = step.Status
		}
	}
	return status
}

// parseTaskPath matches /v3/{project_id}/tasks/{task_id}.
func parseTaskPath(path string) (projectID, taskID string, ok bool) {
	parts := strings.Split(strings.TrimPrefix(path, "/"), "/")
	if len(parts) != 4 || parts[0] != "v3" || parts[2] != "tasks" || parts[1] == "" || parts[3] == "" {
		return "", "", false
	}
	return parts[1], parts[3], true
}

func writeError(w http.ResponseWriter, status int, code, msg, requestID string) {
	writeJSON(w, status, map[string]string{"error_code": code, "error_msg": msg, "request_id": requestID})
}

func writeJSON(w http.ResponseWriter, status int, v any) {
	w.Header().Set("Content-Type", "application/json;charset=UTF-8")
	w.WriteHeader(status)
	_ = json.NewEncoder(w).Encode(v)
}
