package kps

import (
	"cmp"
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"net/url"
	"strings"
)

// The calls that start key-pair tasks, and the clean-up of failed-task
// records. A start is sent once only (see once.go): when one fails in a way
// that may have reached the API, MayHaveActed says so, and deciding what to
// do about it (look for the task before sending again) is the caller's job.
// A delete of records is safe to send again, and is retried like a read.

// ServerAuth is how KPS logs in to a server now: Type "password" (Key is the
// password) or "keypair" (Key is the private key of the key pair bound now).
type ServerAuth struct {
	Type string
	Key  string
}

// AssociateRequest binds KeypairName to ServerID: a REPLACE task with Auth
// (the server must be running), a RESET without (it must be shut down).
type AssociateRequest struct {
	KeypairName     string
	ServerID        string
	Auth            *ServerAuth
	DisablePassword *bool  // sent only when set
	Port            *int64 // sent only when set
}

// DisassociateRequest unbinds the key pair of ServerID (an UNBIND task).
// A running server needs Auth; a shut-down one does not.
type DisassociateRequest struct {
	ServerID string
	Auth     *ServerAuth
}

// StartedTask is a task the API dispatched.
type StartedTask struct {
	ID       string
	ServerID string
}

// DispatchError is a call that started no task: the API answered with
// status FAILED, an error_code, or no task_id. Nothing runs, so there is
// nothing to wait for.
type DispatchError struct {
	Method, URL string
	RequestID   string
	ServerID    string
	Status      string
	ErrorCode   string
	ErrorMsg    string
}

func (e *DispatchError) Error() string {
	var b strings.Builder
	fmt.Fprintf(&b, "%s %s: KPS did not dispatch a task", e.Method, e.URL)
	if e.ServerID != "" {
		fmt.Fprintf(&b, " for server %s", e.ServerID)
	}
	status := e.Status
	if status == "" {
		status = "(none)"
	}
	fmt.Fprintf(&b, ": status %s", status)
	if e.ErrorCode != "" {
		fmt.Fprintf(&b, ", error_code %s", e.ErrorCode)
	}
	if e.ErrorMsg != "" {
		fmt.Fprintf(&b, ", error_msg %q", e.ErrorMsg)
	}
	if e.ErrorCode == "" && e.ErrorMsg == "" {
		b.WriteString(", and no task_id")
	}
	if e.RequestID != "" {
		fmt.Fprintf(&b, ", X-Request-Id %s", e.RequestID)
	}
	return b.String()
}

type authJ struct {
	Type string `json:"type"`
	Key  string `json:"key"`
}

type serverJ struct {
	ID              string `json:"id"`
	Auth            *authJ `json:"auth,omitempty"`
	DisablePassword *bool  `json:"disable_password,omitempty"`
	Port            *int64 `json:"port,omitempty"`
}

func (a *ServerAuth) json() *authJ {
	if a == nil {
		return nil
	}
	key := a.Key
	if a.Type == "keypair" {
		key = withFinalNewline(key)
	}
	return &authJ{Type: a.Type, Key: key}
}

// withFinalNewline ends a PEM private key with the newline it lacks, as
// `-var "k=$(cat key)"` and many secret stores give it: OpenSSH refuses key
// text without it, so the task would fail with a login error although the
// key is right. Anything that is not a whole PEM block is left as it is.
func withFinalNewline(key string) string {
	if strings.HasPrefix(strings.TrimSpace(key), "-----BEGIN ") && strings.HasSuffix(key, "-----") {
		return key + "\n"
	}
	return key
}

// dispatchJ is the answer of a call that starts a task.
type dispatchJ struct {
	TaskID    string `json:"task_id"`
	ServerID  string `json:"server_id"`
	Status    string `json:"status"`
	ErrorCode string `json:"error_code"`
	ErrorMsg  string `json:"error_msg"`
}

// startDenied is the 403 hint of associate and disassociate, by call: the
// IAM action, and the read actions of ECS and the rest that KPS's own check
// of the server needs.
var startDenied = map[string]string{
	"associate":    permissionHint("kps:SSHKeyPair:bind", serverReads),
	"disassociate": permissionHint("kps:SSHKeyPair:unbind", serverReads),
}

// serverReads is what else a start needs: KPS checks the server with the
// caller's rights.
const serverReads = "and the ECS read actions KPS checks the server with, such as ecs:cloudServers:showServer"

// Associate starts a task that binds a key pair to a server:
// POST /v3/{project_id}/keypairs/associate.
func (c *Client) Associate(ctx context.Context, projectID string, r AssociateRequest) (StartedTask, error) {
	body := map[string]any{"keypair_name": r.KeypairName, "server": serverJ{
		ID: r.ServerID, Auth: r.Auth.json(), DisablePassword: r.DisablePassword, Port: r.Port,
	}}
	return c.startTask(ctx, projectID, r.ServerID, "associate", body)
}

// Disassociate starts a task that unbinds a server's key pair:
// POST /v3/{project_id}/keypairs/disassociate.
func (c *Client) Disassociate(ctx context.Context, projectID string, r DisassociateRequest) (StartedTask, error) {
	body := map[string]any{"server": serverJ{ID: r.ServerID, Auth: r.Auth.json()}}
	return c.startTask(ctx, projectID, r.ServerID, "disassociate", body)
}

func (c *Client) startTask(ctx context.Context, projectID, serverID, call string, body any) (StartedTask, error) {
	if err := CheckID("project_id", projectID); err != nil {
		return StartedTask{}, err
	}
	if err := CheckID("server_id", serverID); err != nil {
		return StartedTask{}, err
	}
	raw, err := json.Marshal(body)
	if err != nil {
		return StartedTask{}, fmt.Errorf("encoding the request: %w", err)
	}
	u := c.endpoint.JoinPath("v3", projectID, "keypairs", call)
	resp, err := c.send(ctx, http.MethodPost, u, raw, hints{denied: startDenied[call]})
	if err != nil {
		return StartedTask{}, err
	}
	var d dispatchJ
	if err := resp.decodeJSONOf(&d, "the JSON expected of a call that starts a task", http.StatusOK, http.StatusAccepted); err != nil {
		return StartedTask{}, err
	}
	if d.Status == "FAILED" || d.ErrorCode != "" || d.TaskID == "" {
		return StartedTask{}, &DispatchError{
			Method: resp.method, URL: resp.url, RequestID: resp.header.Get("X-Request-Id"), ServerID: serverID,
			Status: d.Status, ErrorCode: d.ErrorCode, ErrorMsg: resp.mask(d.ErrorMsg),
		}
	}
	if err := CheckID("task_id", d.TaskID); err != nil {
		// The ID is placed in the paths of the reads that follow.
		return StartedTask{}, resp.problem("the answer's " + err.Error())
	}
	return StartedTask{ID: d.TaskID, ServerID: cmp.Or(d.ServerID, serverID)}, nil
}

// DeleteFailedTask deletes one failed-task record:
// DELETE /v3/{project_id}/failed-tasks/{task_id}. The API answers 200 with
// no body, which is success, not a cut-off answer.
func (c *Client) DeleteFailedTask(ctx context.Context, projectID, taskID string) error {
	if err := CheckID("project_id", projectID); err != nil {
		return err
	}
	if err := CheckID("task_id", taskID); err != nil {
		return err
	}
	return c.delete(ctx, c.endpoint.JoinPath("v3", projectID, "failed-tasks", taskID),
		"the failed-task record is already gone, or the task did not fail")
}

// DeleteFailedTasks deletes every failed-task record of the project:
// DELETE /v3/{project_id}/failed-tasks.
func (c *Client) DeleteFailedTasks(ctx context.Context, projectID string) error {
	if err := CheckID("project_id", projectID); err != nil {
		return err
	}
	return c.delete(ctx, c.endpoint.JoinPath("v3", projectID, "failed-tasks"), "")
}

func (c *Client) delete(ctx context.Context, u *url.URL, notFound string) error {
	resp, err := c.send(ctx, http.MethodDelete, u, nil, hints{
		denied: needs("kps::deleteFailedTask"), notFound: notFound, gone: failedTaskGone, repeatable: true, noBody: true,
	})
	if err != nil {
		return err
	}
	if resp.status < 200 || resp.status > 299 {
		return resp.apiError()
	}
	return nil
}
