package kps_test

import (
	"context"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync/atomic"
	"testing"

	"github.com/kpsops/terraform-provider-kps/internal/kps"
)

// publishedMessages are the error_msg of each code in Huawei's table, so
// that nothing can pass by reading the words: "User not found" is no
// missing key pair.
var publishedMessages = map[string]string{
	"KPS.0001": "taskId is illegal", "KPS.0002": "parameter error", "KPS.0005": "Failed task is not found",
	"KPS.0006": "User not found", "KPS.4016": "The key pair is not exist", "KPS.6004": "No Keypair find",
	"KPS.6005": "No private key managed", "KPS.6008": "KMS encrypt failed", "KPS.6010": "KMS save failed",
	"KPS.6011": "private key doesn't match public key", "KPS.9001": "token", "KPS.9002": "public-test account denied",
	"KPS.6009": "keypair verify failed", "KPS.9003": "no permission", "KPS.9004": "account frozen",
	"KPS.9005": "account restricted", "KPS.9006": "unknown user type",
}

// answering serves every request with status and the flat error object of
// code, with its published message, and counts the requests.
func answering(t *testing.T, status int, code string) (*kps.Client, *atomic.Int32) {
	t.Helper()
	var n atomic.Int32
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {
		n.Add(1)
		w.Header().Set("Content-Type", "application/json")
		w.WriteHeader(status)
		msg := publishedMessages[code]
		if msg == "" {
			msg = "as published"
		}
		body, _ := json.Marshal(map[string]string{"error_code": code, "error_msg": msg})
		_, _ = w.Write(body)
	}))
	t.Cleanup(srv.Close)
	return retryingClient(t, srv.URL, 2), &n
}

// The calls a code is tried on, by what each asks for.
var (
	readKeypair = func(c *kps.Client) error { _, err := c.Keypair(context.Background(), testProject, "ops"); return err }
	readTask    = func(c *kps.Client) error { _, err := c.GetTask(context.Background(), testProject, "t1"); return err }
	deleteTask  = func(c *kps.Client) error { return c.DeleteFailedTask(context.Background(), testProject, "t1") }
	clearKey    = func(c *kps.Client) error { return c.ClearPrivateKey(context.Background(), testProject, "ops") }
	exportKey   = func(c *kps.Client) error {
		_, err := c.ExportPrivateKey(context.Background(), testProject, "ops")
		return err
	}
	createKeypair = func(c *kps.Client) error {
		_, err := c.CreateKeypair(context.Background(), testProject, kps.CreateKeypairRequest{Name: "ops"})
		return err
	}
)

// TestPublishedCodes: every code in the API notes' table of KPS's error
// codes gets the treatment the table gives it, decided by the code alone:
// which mean a missing object (and of which kind), which are success,
// which are retried, and which hint goes with each.
func TestPublishedCodes(t *testing.T) {
	type outcome struct {
		gone, ok bool
		// hint is a part of the error's hint; noHint parts must be absent.
		hint, noHint string
		// requests is how many were sent (more than one: retried).
		requests int32
	}
	for _, tc := range []struct {
		status int
		code   string
		call   func(*kps.Client) error
		want   outcome
	}{
		{400, "KPS.0001", readTask, outcome{gone: true, hint: "the task may not exist", requests: 1}},
		{400, "KPS.0002", readKeypair, outcome{noHint: "may not exist", requests: 1}},
		{400, "KPS.0002", readTask, outcome{noHint: "may not exist", requests: 1}},
		{400, "APIGW.0201", readTask, outcome{noHint: "may not exist", requests: 1}},
		{400, "KPS.0005", deleteTask, outcome{gone: true, hint: "already gone", requests: 1}},
		{400, "KPS.0005", readKeypair, outcome{noHint: "may not exist", requests: 1}},
		{400, "KPS.0006", readKeypair, outcome{noHint: "may not exist", requests: 1}},
		{400, "KPS.4016", readKeypair, outcome{gone: true, hint: "the key pair may not exist", requests: 1}},
		{400, "KPS.6004", readKeypair, outcome{gone: true, hint: "the key pair may not exist", requests: 1}},
		{400, "KPS.4016", deleteTask, outcome{noHint: "already gone", requests: 1}},
		{400, "KPS.6005", clearKey, outcome{ok: true, requests: 1}},
		{400, "KPS.6005", exportKey, outcome{noHint: "may not exist", requests: 1}},
		{400, "KPS.6008", createKeypair, outcome{hint: "kms:cmk:createDataKey", requests: 1}},
		{400, "KPS.6010", createKeypair, outcome{hint: "kms:cmk:createDataKey", requests: 1}},
		{400, "KPS.6008", exportKey, outcome{hint: "kms:cmk:decryptDataKey", requests: 1}},
		{400, "KPS.6011", readKeypair, outcome{noHint: "may not exist", requests: 1}},
		{401, "KPS.9001", readKeypair, outcome{hint: "token", requests: 1}},
		{401, "KPS.9002", readKeypair, outcome{hint: "public-test accounts", noHint: "token", requests: 1}},
		{403, "KPS.6009", readKeypair, outcome{noHint: "permission", requests: 1}},
		{403, "KPS.9003", readKeypair, outcome{hint: "kps:SSHKeyPair:get", requests: 1}},
		{403, "KPS.9003", readKeypair, outcome{hint: "check project_id (HW_PROJECT_ID)", requests: 1}},
		{403, "KPS.9004", readKeypair, outcome{hint: "the account is frozen", noHint: "permission kps", requests: 1}},
		{403, "KPS.9005", readKeypair, outcome{hint: "the account is restricted", noHint: "permission kps", requests: 1}},
		{403, "KPS.9006", readKeypair, outcome{hint: "does not know this user's type", noHint: "permission kps", requests: 1}},
		{500, "KPS.0003", readKeypair, outcome{requests: 3}},
		{500, "KPS.0004", readKeypair, outcome{requests: 3}},
		{500, "KPS.5001", readKeypair, outcome{requests: 3}},
		{500, "KPS.5004", readKeypair, outcome{requests: 3}},
		{500, "KPS.6007", readKeypair, outcome{requests: 3}},
		{404, "", readKeypair, outcome{gone: true, hint: "the key pair may not exist", requests: 1}},
		{404, "APIGW.0101", readKeypair, outcome{hint: "check endpoint", noHint: "may not exist", requests: 1}},
	} {
		c, requests := answering(t, tc.status, tc.code)
		err := tc.call(c)
		name := tc.code + " " + http.StatusText(tc.status)
		switch {
		case tc.want.ok && err != nil:
			t.Errorf("%s: %v, want success", name, err)
		case tc.want.ok:
		case err == nil:
			t.Errorf("%s: success, want an error", name)
		case kps.IsGone(err) != tc.want.gone:
			t.Errorf("%s: IsGone = %v, want %v (%v)", name, !tc.want.gone, tc.want.gone, err)
		case !strings.Contains(err.Error(), tc.code):
			t.Errorf("%s: the code and message are not shown as they came: %v", name, err)
		case tc.want.hint != "" && !strings.Contains(err.Error(), "Hint: ") || !strings.Contains(err.Error(), tc.want.hint):
			t.Errorf("%s: %v; want a hint with %q", name, err, tc.want.hint)
		case tc.want.noHint != "" && strings.Contains(err.Error(), tc.want.noHint):
			t.Errorf("%s: %v; want no hint with %q", name, err, tc.want.noHint)
		}
		if n := requests.Load(); n != tc.want.requests {
			t.Errorf("%s: %d requests, want %d", name, n, tc.want.requests)
		}
	}
}

// TestForbiddenHintsNameThePermission: every call answered 403 says, in
// the same words, which IAM action it needs, and that a project_id without
// a role is refused the same way.
func TestForbiddenHintsNameThePermission(t *testing.T) {
	c, _ := answering(t, http.StatusForbidden, "APIGW.0302")
	ctx := t.Context()
	for _, call := range []struct {
		name, action string
		do           func() error
	}{
		{"read a task", "kps::getTask", func() error { _, err := c.GetTask(ctx, testProject, "t1"); return err }},
		{"list running tasks", "kps::getRunningTask", func() error { _, err := c.RunningTasks(ctx, testProject); return err }},
		{"list failed tasks", "kps::getFailedTask", func() error { _, err := c.FailedTasks(ctx, testProject); return err }},
		{"associate", "kps:SSHKeyPair:bind", func() error {
			_, err := c.Associate(ctx, testProject, kps.AssociateRequest{ServerID: "srv", KeypairName: "kp"})
			return err
		}},
		{"disassociate", "kps:SSHKeyPair:unbind", func() error {
			_, err := c.Disassociate(ctx, testProject, kps.DisassociateRequest{ServerID: "srv"})
			return err
		}},
		{"delete a failed-task record", "kps::deleteFailedTask", func() error { return c.DeleteFailedTask(ctx, testProject, "t1") }},
		{"delete every failed-task record", "kps::deleteFailedTask", func() error { return c.DeleteFailedTasks(ctx, testProject) }},
		{"create a key pair", "kps:SSHKeyPair:create", func() error { return createKeypair(c) }},
		{"read a key pair", "kps:SSHKeyPair:get", func() error { return readKeypair(c) }},
		{"list key pairs", "kps:SSHKeyPair:list", func() error { _, err := c.Keypairs(ctx, testProject); return err }},
		{"describe a key pair", "kps:SSHKeyPair:update", func() error { return c.UpdateKeypairDescription(ctx, testProject, "ops", "d") }},
		{"delete a key pair", "kps:SSHKeyPair:delete", func() error { return c.DeleteKeypair(ctx, testProject, "ops") }},
		{"import a private key", "kps:SSHKeyPair:importPrivateKey", func() error {
			return c.ImportPrivateKey(ctx, testProject, "ops", "", kps.Hosting{PrivateKey: hostedKey})
		}},
		{"export a private key", "kps:SSHKeyPair:exportPrivateKey", func() error { return exportKey(c) }},
		{"clear a private key", "kps:SSHKeyPair:clearPrivateKey", func() error { return clearKey(c) }},
	} {
		err := call.do()
		want := "the user needs the IAM permission " + call.action + " in this project"
		if err == nil || !strings.Contains(err.Error(), want) || !strings.Contains(err.Error(), "A project_id in which the user has no role") {
			t.Errorf("%s: %v; want the hint %q and the project's", call.name, err, want)
		}
	}
}
