package kpsfake

import (
	"cmp"
	"encoding/json"
	"io"
	"net/http"
	"strings"
	"time"
)

// The calls that change something: POST .../keypairs/associate and
// .../keypairs/disassociate start a task on a server added with AddServer;
// DELETE .../failed-tasks[/{task_id}] deletes failed-task records.

// defaultTaskDuration is how long a server's tasks run unless it says.
const defaultTaskDuration = time.Second

// writeRoute is a POST or DELETE the stand-in serves.
type writeRoute struct {
	project string
	call    string // "associate", "disassociate" or "delete-failed"
	taskID  string // the record to delete; empty for all
}

func parseWritePath(method, path string) (writeRoute, bool) {
	parts := strings.Split(strings.TrimPrefix(path, "/"), "/")
	if len(parts) < 3 || parts[0] != "v3" || parts[1] == "" {
		return writeRoute{}, false
	}
	switch {
	case method == http.MethodPost && len(parts) == 4 && parts[2] == "keypairs" &&
		(parts[3] == "associate" || parts[3] == "disassociate"):
		return writeRoute{project: parts[1], call: parts[3]}, true
	case method == http.MethodDelete && parts[2] == listFailed && len(parts) == 3:
		return writeRoute{project: parts[1], call: "delete-failed"}, true
	case method == http.MethodDelete && parts[2] == listFailed && len(parts) == 4 && parts[3] != "":
		return writeRoute{project: parts[1], call: "delete-failed", taskID: parts[3]}, true
	}
	return writeRoute{}, false
}

func (s *Server) serveWrite(w http.ResponseWriter, r *http.Request, route writeRoute, requestID string) {
	if route.call == "delete-failed" {
		s.serveDeleteFailed(w, route, requestID)
		return
	}
	s.serveStart(w, r, route, requestID)
}

// startBody is the body of associate and disassociate.
type startBody struct {
	KeypairName string `json:"keypair_name"`
	Server      *struct {
		ID   string `json:"id"`
		Auth *struct {
			Type string `json:"type"`
			Key  string `json:"key"`
		} `json:"auth"`
		DisablePassword *bool  `json:"disable_password"`
		Port            *int64 `json:"port"`
	} `json:"server"`
}

// readStartBody reads the body of a start of call, or says why KPS refuses
// it as malformed.
func readStartBody(r *http.Request, call string) (body startBody, malformed string) {
	raw, _ := io.ReadAll(io.LimitReader(r.Body, 1<<20))
	switch {
	case json.Unmarshal(raw, &body) != nil:
		return body, "the body is not JSON"
	case body.Server == nil || body.Server.ID == "":
		return body, "server.id is required"
	case call == "associate" && body.KeypairName == "":
		return body, "keypair_name is required"
	}
	return body, ""
}

func (s *Server) serveStart(w http.ResponseWriter, r *http.Request, route writeRoute, requestID string) {
	body, malformed := readStartBody(r, route.call)
	if malformed != "" {
		writeError(w, http.StatusBadRequest, codeParameterError, parameterError(malformed), requestID)
		return
	}

	s.mu.Lock()
	now := s.now()
	known := s.projects[route.project]
	e := s.servers[route.project+"/"+body.Server.ID]
	if !known || e == nil {
		s.mu.Unlock()
		if !known {
			writeError(w, http.StatusForbidden, "APIGW.0302", "The IAM user is not authorized to access the API", requestID)
		} else {
			// KPS publishes no code for a server it does not find.
			writeError(w, http.StatusBadRequest, codeParameterError, parameterError("server "+body.Server.ID+" does not exist"), requestID)
		}
		return
	}
	e.settle(now, func(kp string) string { return s.keypairKey(route.project, kp) })
	rec := StartRequest{
		Call: route.call, At: now, KeypairName: body.KeypairName,
		DisablePassword: body.Server.DisablePassword, Port: body.Server.Port,
	}
	if a := body.Server.Auth; a != nil {
		rec.AuthType, rec.AuthKey = a.Type, a.Key
	}
	answer := func(status int) { rec.Answer = status; e.starts = append(e.starts, rec) }

	if len(e.StartFaults) > 0 {
		f := e.StartFaults[0]
		e.StartFaults = e.StartFaults[1:]
		answer(cmp.Or(f.Status, http.StatusInternalServerError))
		s.mu.Unlock()
		f.write(w, r, requestID)
		return
	}
	if code, msg, refused := s.startRefusal(route, body, e, now); refused {
		answer(http.StatusBadRequest)
		s.mu.Unlock()
		writeError(w, http.StatusBadRequest, code, msg, requestID)
		return
	}
	if f := e.DispatchFailure; f != nil {
		e.DispatchFailure = nil
		answer(http.StatusAccepted)
		s.mu.Unlock()
		writeJSON(w, http.StatusAccepted, map[string]string{
			"server_id": body.Server.ID, "status": "FAILED", "error_code": f.Code, "error_msg": f.Message,
		})
		return
	}

	taskID := s.beginTask(route, body, e, now)
	rec.TaskID = taskID
	lost := e.LostAnswers > 0
	if lost {
		e.LostAnswers--
		answer(http.StatusInternalServerError)
	} else {
		answer(http.StatusAccepted)
	}
	s.mu.Unlock()

	if lost {
		writeError(w, http.StatusInternalServerError, "APIGW.0203", "Backend timeout", requestID)
		return
	}
	writeJSON(w, http.StatusAccepted, map[string]string{"task_id": taskID, "server_id": body.Server.ID, "status": "SUCCESS"})
}

// startRefusal is why KPS refuses to start a task as asked, if it does: a
// key pair it does not hold in the project, or a server busy with another
// task. The caller holds s.mu.
func (s *Server) startRefusal(route writeRoute, body startBody, e *ecsState, now time.Time) (code, msg string, refused bool) {
	switch {
	case route.call == "associate" && s.keypairStore[route.project+"/"+body.KeypairName] == nil:
		return codeNoKeypairFound, missingKeypairMessages[codeNoKeypairFound], true
	case s.serverBusy(route.project, body.Server.ID, now):
		e.busyRefs++
		// KPS publishes no code for a server busy with another task.
		return codeParameterError, parameterError("the server has a key pair task running"), true
	}
	return "", "", false
}

// beginTask starts the task a start asks for on server e, as the task lists
// and GET /tasks/{id} then report it, and returns its ID. The caller holds
// s.mu.
func (s *Server) beginTask(route writeRoute, body startBody, e *ecsState, now time.Time) string {
	operation, failure, keypair := e.judge(route.call, body)
	listedKeypair := body.KeypairName
	if route.call == "disassociate" {
		// An unbind names no key pair: whatever a client sent is not one.
		listedKeypair = ""
	}
	task := &taskState{id: newTaskID(), added: now, Task: Task{
		ServerID: body.Server.ID, ServerName: cmp.Or(e.Name, body.Server.ID), KeypairName: listedKeypair, FromStart: true,
		Timeline: e.timeline(operation, failure != nil),
	}}
	if failure != nil {
		// The failed-tasks list says why, once the task has failed.
		task.ErrorCode, task.ErrorMsg = failure.Code, failure.Message
	}
	s.tasks[route.project+"/"+task.id] = task
	e.pending, e.pendingKeypair = task, keypair
	return task.id
}

// judge decides what a start does on the server: the task's operation, the
// failure it ends in (nil for success), and the key pair bound after it.
func (e *ecsState) judge(call string, body startBody) (operation string, failure *TaskFailure, keypair string) {
	auth := body.Server.Auth
	keyAccepted := auth != nil && ((auth.Type == "password" && e.Password != "" && auth.Key == e.Password) ||
		(auth.Type == "keypair" && e.PrivateKey != "" && auth.Key == e.PrivateKey))
	switch {
	case call == "disassociate":
		operation = "UNBIND"
		switch {
		case e.Keypair == "":
			failure = &failNoKeypair
		case !e.ShutDown && !keyAccepted:
			failure = &failWrongKey
		}
	case auth != nil:
		operation, keypair = "REPLACE", body.KeypairName
		if e.Keypair == "" {
			operation = "BIND"
		}
		switch {
		case e.ShutDown:
			failure = &failNotRunning
		case !keyAccepted:
			failure = &failWrongKey
		}
	default:
		operation, keypair = "RESET", body.KeypairName
		if !e.ShutDown {
			failure = &failNotStopped
		}
	}
	if e.Failure != nil {
		// A failure scripted for the server (an unsupported image, a closed
		// SSH port) is what stops its tasks, whatever else is wrong.
		failure = e.Failure
	}
	return operation, failure, keypair
}

func (e *ecsState) timeline(operation string, fails bool) []Step {
	d := e.TaskDuration
	if d <= 0 {
		d = defaultTaskDuration
	}
	end := "SUCCESS_" + operation
	if fails {
		end = "FAILED_" + operation
	}
	return []Step{{Status: "READY_" + operation}, {At: d / 10, Status: "RUNNING_" + operation}, {At: d, Status: end}}
}

// serverBusy reports whether a task of the server is pending. Like a list,
// it starts the timeline of a task nobody read yet.
func (s *Server) serverBusy(project, serverID string, now time.Time) bool {
	for key, t := range s.tasks {
		if strings.HasPrefix(key, project+"/") && t.ServerID == serverID {
			if p := phaseOf(t.statusAt(now)); p == "READY" || p == "RUNNING" {
				return true
			}
		}
	}
	return false
}

// serveDeleteFailed deletes one failed-task record, or all of the project's,
// answering 200 with no body, as the API does; a record that is not there
// is 400 KPS.0005 "Failed task is not found".
func (s *Server) serveDeleteFailed(w http.ResponseWriter, route writeRoute, requestID string) {
	s.mu.Lock()
	if !s.projects[route.project] {
		s.mu.Unlock()
		writeError(w, http.StatusForbidden, "APIGW.0302", "The IAM user is not authorized to access the API", requestID)
		return
	}
	found := s.deleteFailedRecords(route.project, route.taskID, s.now())
	s.deletes = append(s.deletes, cmp.Or(route.taskID, "*"))
	s.mu.Unlock()
	if route.taskID != "" && !found {
		// No record: the task is unknown, its record was deleted, or it has
		// not failed (only a failed task has one).
		writeError(w, http.StatusBadRequest, codeFailedTaskNotFound, msgFailedTaskNotFound, requestID)
		return
	}
	w.Header().Set("Content-Length", "0")
	w.WriteHeader(http.StatusOK)
}

// deleteFailedRecords deletes the failed-task record of taskID in project,
// or every one of the project's when taskID is empty, and reports whether
// it deleted any. The caller holds s.mu.
func (s *Server) deleteFailedRecords(project, taskID string, now time.Time) bool {
	found := false
	for key, t := range s.tasks {
		if !strings.HasPrefix(key, project+"/") || (taskID != "" && t.id != taskID) {
			continue
		}
		if phaseOf(t.peek(now)) == "FAILED" && !t.recordDeleted {
			t.recordDeleted, found = true, true
		}
	}
	return found
}

// FailedTaskDeletes lists the DELETEs of failed-task records received, in
// order: a task ID, or "*" for all.
func (s *Server) FailedTaskDeletes() []string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]string(nil), s.deletes...)
}

func phaseOf(status string) string {
	phase, _, _ := strings.Cut(status, "_")
	return phase
}
