package kpsfake

import (
	"net/http"
	"sort"
	"strconv"
	"strings"
)

// The task lists: GET /v3/{project_id}/running-tasks and .../failed-tasks,
// served from the same timelines as the task endpoint.
const (
	listRunning = "running-tasks"
	listFailed  = "failed-tasks"
	// defaultPage is the API's default and largest limit.
	defaultPage = 1000
)

func parseListPath(path string) (projectID, list string, ok bool) {
	parts := strings.Split(strings.TrimPrefix(path, "/"), "/")
	if len(parts) != 3 || parts[0] != "v3" || parts[1] == "" || (parts[2] != listRunning && parts[2] != listFailed) {
		return "", "", false
	}
	return parts[1], parts[2], true
}

// listedTask is one task in a list answer, as the API spells it.
type listedTask struct {
	TaskID        string `json:"task_id"`
	OperateType   string `json:"operate_type"`
	TaskTime      string `json:"task_time"`
	ServerName    string `json:"server_name"`
	ServerID      string `json:"server_id"`
	KeypairName   string `json:"keypair_name"`
	TaskErrorCode string `json:"task_error_code,omitempty"`
	TaskErrorMsg  string `json:"task_error_msg,omitempty"`
}

func (s *Server) serveList(w http.ResponseWriter, r *http.Request, projectID, list, requestID string) {
	limit, offset, ok := pageOf(r)
	if !ok {
		writeError(w, http.StatusBadRequest, codeParameterError, parameterError("limit must be 1 to 1000 and offset 0 or more"), requestID)
		return
	}
	s.mu.Lock()
	if !s.projects[projectID] {
		s.mu.Unlock()
		writeError(w, http.StatusForbidden, "APIGW.0302", "The IAM user is not authorized to access the API", requestID)
		return
	}
	s.listRequests[list]++
	if s.listsDenied {
		s.mu.Unlock()
		writeError(w, http.StatusForbidden, codeNoPermission, "no permission", requestID)
		return
	}
	now := s.now()
	var states []*taskState
	for key, t := range s.tasks {
		if strings.HasPrefix(key, projectID+"/") {
			states = append(states, t)
		}
	}
	// The API's order: the oldest task first.
	sort.Slice(states, func(i, j int) bool {
		if !states[i].added.Equal(states[j].added) {
			return states[i].added.Before(states[j].added)
		}
		return states[i].id < states[j].id
	})
	var matched []listedTask
	for _, t := range states {
		// A list starts the timeline of a task it reports on, as a read by
		// its ID does: a task nobody reads by ID still moves.
		phase, operation, _ := strings.Cut(t.statusAt(now), "_")
		running := phase == "READY" || phase == "RUNNING"
		if (list == listRunning) != running || (list == listFailed && (phase != "FAILED" || t.recordDeleted)) {
			continue
		}
		lt := listedTask{
			TaskID: t.id, OperateType: operation, TaskTime: strconv.FormatInt(t.added.UnixMilli(), 10),
			ServerName: s.serverNameOf(projectID, t.Task), ServerID: t.ServerID, KeypairName: t.KeypairName,
		}
		if t.NoTaskTime {
			lt.TaskTime = ""
		}
		if list == listFailed {
			lt.TaskErrorCode, lt.TaskErrorMsg = t.ErrorCode, t.ErrorMsg
		}
		matched = append(matched, lt)
	}
	maxPage := s.maxPage
	s.mu.Unlock()

	if maxPage > 0 {
		limit = min(limit, maxPage)
	}
	page := []listedTask{}
	if offset < len(matched) {
		page = matched[offset:min(len(matched), offset+limit)]
	}
	writeJSON(w, http.StatusOK, map[string]any{"total": len(matched), "tasks": page})
}

// serverNameOf is the server_name a list gives for a task: the name the
// task was scripted with, else the name of the server it runs on, else the
// server's ID, as KPS never leaves it empty. The caller holds s.mu.
func (s *Server) serverNameOf(projectID string, t Task) string {
	if t.ServerName != "" {
		return t.ServerName
	}
	if e := s.servers[projectID+"/"+t.ServerID]; e != nil && e.Name != "" {
		return e.Name
	}
	return t.ServerID
}

// pageOf reads limit (default and at most 1000) and offset.
func pageOf(r *http.Request) (limit, offset int, ok bool) {
	limit, offset = defaultPage, 0
	q := r.URL.Query()
	if v := q.Get("limit"); v != "" {
		n, err := strconv.Atoi(v)
		if err != nil || n < 1 || n > defaultPage {
			return 0, 0, false
		}
		limit = n
	}
	if v := q.Get("offset"); v != "" {
		n, err := strconv.Atoi(v)
		if err != nil || n < 0 {
			return 0, 0, false
		}
		offset = n
	}
	return limit, offset, true
}

// ListRequests counts the requests that reached a task list: "running-tasks"
// or "failed-tasks".
func (s *Server) ListRequests(list string) int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.listRequests[list]
}
