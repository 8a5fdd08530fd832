package kpsfake

import "net/http"

// The stand-in answers with KPS's published error codes only (Huawei's
// error-code table for SSH key pairs; see shared/kps-api.md), so that the
// provider is never tested against a code KPS does not give. Where KPS
// publishes no code for a refusal (a name already taken, a server busy), it
// answers KPS.0002, KPS's code for every request it refuses as asked.
const (
	// codeTaskIDIllegal is KPS's answer to a task ID it does not take; the
	// stand-in gives it for every task it does not know.
	codeTaskIDIllegal = "KPS.0001"
	msgTaskIDIllegal  = "taskId is illegal"
	// codeParameterError is a request KPS refuses as malformed; the
	// stand-in adds the reason to the published message.
	codeParameterError = "KPS.0002"
	// codeFailedTaskNotFound is a failed-task record that is not there.
	codeFailedTaskNotFound = "KPS.0005"
	msgFailedTaskNotFound  = "Failed task is not found"
	// codeNoPermission is KPS refusing a caller that lacks the IAM action.
	codeNoPermission = "KPS.9003"
)

// parameterError is KPS.0002's published message with the reason the
// stand-in refused the request for.
func parameterError(reason string) string { return "parameter error: " + reason }

// refusal is what RefuseAll answers every authenticated request with.
type refusal struct {
	status    int
	code, msg string
}

// RefuseAll answers every authenticated request from now on with status
// and the flat error object {code, msg}, as KPS does for an account or user
// it refuses whatever is asked: its IAM project look-up too, as a frozen
// account's would be. A status of 0 stops it. The gateway's own answers
// still come first: a throttled request is answered 429, an unknown path
// 404 and missing or wrong credentials 401. The refusals KPS publishes:
//
//   - 401 KPS.9002 "public-test account denied": the account may not call
//     KPS at all;
//   - 403 KPS.9003 "no permission": the user lacks the IAM action;
//   - 403 KPS.9004 "account frozen": the account is frozen (in arrears, or
//     by an administrator);
//   - 403 KPS.9005 "account restricted";
//   - 403 KPS.9006 "unknown user type": KPS does not serve this kind of
//     user.
//
// The code and message are sent as given, so that a test can send others.
func (s *Server) RefuseAll(status int, code, msg string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if status == 0 {
		s.refuseAll = nil
		return
	}
	s.refuseAll = &refusal{status: status, code: code, msg: msg}
}

// refused answers r with the refusal RefuseAll set, and reports whether
// there was one.
func (s *Server) refused(w http.ResponseWriter, requestID string) bool {
	s.mu.Lock()
	r := s.refuseAll
	s.mu.Unlock()
	if r == nil {
		return false
	}
	writeError(w, r.status, r.code, r.msg, requestID)
	return true
}
