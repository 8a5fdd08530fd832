package kps_test

import (
	"context"
	"errors"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/hashicorp/terraform-plugin-log/tflogtest"

	"github.com/kpsops/terraform-provider-kps/internal/dev/kpsfake"
	"github.com/kpsops/terraform-provider-kps/internal/huaweiauth"
	"github.com/kpsops/terraform-provider-kps/internal/kps"
)

const testKey = "-----BEGIN OPENSSH PRIVATE KEY-----\nkps-client-test-key\n-----END OPENSSH PRIVATE KEY-----\n"

// TestStartIsNotRepeatedOnceItMayHaveReachedTheAPI: a reset after the
// request was written, and a 5xx, are not retried (the task may have
// started) and say so; the client retries neither, whatever max_retries.
func TestStartIsNotRepeatedOnceItMayHaveReachedTheAPI(t *testing.T) {
	for name, fault := range map[string]kpsfake.Fault{
		"reset": {Kind: kpsfake.FaultReset},
		"502":   {Kind: kpsfake.FaultHTML},
		"500":   {Status: 500, Code: "APIGW.0203", Message: "Backend timeout"},
	} {
		t.Run(name, func(t *testing.T) {
			fake, c := startServer(t, kpsfake.ECS{StartFaults: []kpsfake.Fault{fault}})
			_, err := associate(t, c, t.Context())
			if err == nil || !kps.MayHaveActed(err) {
				t.Fatalf("got %v, want an error that may have reached the API", err)
			}
			if n := len(fake.StartRequests(testProject, "srv")); n != 1 {
				t.Fatalf("%d POSTs, want 1", n)
			}
		})
	}
}

func TestStartBeforeSendingIsRetried(t *testing.T) {
	// Nothing listens: every attempt fails before the request is written.
	srv := httptest.NewServer(kpsfake.New(testToken))
	url := srv.URL
	srv.Close()
	c := retryingClient(t, url, 2)
	_, err := associate(t, c, t.Context())
	var rq *kps.RequestError
	if !errors.As(err, &rq) || rq.Attempts != 3 || kps.MayHaveActed(err) {
		t.Fatalf("got %v, want 3 attempts that never reached the API", err)
	}
}

// TestStartBodyKeyIsMasked: the request body is logged at TRACE with
// server.auth.key masked, and the key echoed in an answer is masked too.
func TestStartBodyKeyIsMasked(t *testing.T) {
	_, c := startServer(t, kpsfake.ECS{StartFaults: []kpsfake.Fault{{Status: 400, Code: "KPS.0001", Message: "bad key " + testKey}}})
	var logs strings.Builder
	ctx := tflogtest.RootLogger(context.Background(), &logs)
	_, err := associate(t, c, ctx)
	if err == nil || strings.Contains(err.Error(), testKey) || !strings.Contains(err.Error(), "bad key ***") {
		t.Fatalf("error %v: want the key masked", err)
	}
	if strings.Contains(err.Error(), "purged") {
		t.Fatalf("error %v: a 400 to a start has no hint about a task not existing", err)
	}
	if !strings.Contains(logs.String(), `KPS request body`) || !strings.Contains(logs.String(), `\"key\":\"***\"`) {
		t.Fatalf("the body was not logged with the key masked:\n%s", logs.String())
	}
	if strings.Contains(logs.String(), "kps-client-test-key") {
		t.Fatalf("the key appears in the logs:\n%s", logs.String())
	}
}

func TestDispatchAnswers(t *testing.T) {
	fake, c := startServer(t, kpsfake.ECS{DispatchFailure: &kpsfake.TaskFailure{Code: "KPS.0101", Message: "not dispatched"}})
	_, err := associate(t, c, t.Context())
	var de *kps.DispatchError
	if !errors.As(err, &de) || de.ErrorCode != "KPS.0101" || kps.MayHaveActed(err) {
		t.Fatalf("got %v, want a DispatchError", err)
	}
	task, err := associate(t, c, t.Context())
	if err != nil || task.ID == "" || task.ServerID != "srv" {
		t.Fatalf("got %+v, %v", task, err)
	}
	if got := fake.StartRequests(testProject, "srv"); len(got) != 2 || got[1].TaskID != task.ID {
		t.Fatalf("starts %+v", got)
	}
}

func TestDeleteFailedTasks(t *testing.T) {
	fake := kpsfake.New(testToken)
	for _, id := range []string{"f1", "f2"} {
		fake.AddTask(testProject, id, kpsfake.Task{ServerID: "srv", Timeline: []kpsfake.Step{{Status: "FAILED_RESET"}}})
	}
	srv := httptest.NewServer(fake)
	t.Cleanup(srv.Close)
	c := retryingClient(t, srv.URL, 3)
	if err := c.DeleteFailedTask(t.Context(), testProject, "f1"); err != nil {
		t.Fatalf("an empty 200 is success: %v", err)
	}
	if err := c.DeleteFailedTask(t.Context(), testProject, "f1"); !kps.IsGone(err) || !strings.Contains(err.Error(), "already gone") {
		t.Fatalf("deleting f1 again: %v", err)
	}
	if _, found, err := c.FailedTask(t.Context(), testProject, "f2"); err != nil || !found {
		t.Fatalf("f2 found %v, %v", found, err)
	}
	if err := c.DeleteFailedTasks(t.Context(), testProject); err != nil {
		t.Fatal(err)
	}
	if left, err := c.FailedTasks(t.Context(), testProject); err != nil || len(left) != 0 {
		t.Fatalf("left %v, %v", left, err)
	}
	if got := strings.Join(fake.FailedTaskDeletes(), ","); got != "f1,f1,*" {
		t.Fatalf("deletes %s", got)
	}
}

// TestSignedStartCoversTheBody: with an access key, a start's body is
// signed with the rest: the stand-in checks the body's hash in the
// signature, and would refuse the request without it.
func TestSignedStartCoversTheBody(t *testing.T) {
	fake := kpsfake.New(testToken)
	fake.AddAccessKey("AKSTART", "sk-start", "")
	fake.AddServer(testProject, "srv", kpsfake.ECS{Keypair: "kp-old", PrivateKey: testKey})
	fake.AddKeypair(testProject, "kp-new", kpsfake.Keypair{})
	srv := httptest.NewServer(fake)
	t.Cleanup(srv.Close)
	u, err := kps.ParseEndpoint(srv.URL)
	if err != nil {
		t.Fatal(err)
	}
	creds := &huaweiauth.Credentials{Method: huaweiauth.MethodAccessKey, AccessKey: "AKSTART", SecretKey: "sk-start"}
	c, err := kps.New(kps.Config{Endpoint: u, Auth: creds})
	if err != nil {
		t.Fatal(err)
	}
	if task, err := associate(t, c, t.Context()); err != nil || task.ID == "" {
		t.Fatalf("a signed start: %+v, %v", task, err)
	}
	if n := len(fake.Signatures()); n != 1 {
		t.Fatalf("%d signatures checked, want 1", n)
	}
}

// TestPEMKeyGetsItsFinalNewline: a private key whose final newline was
// lost (as -var "k=$(cat key)" loses it) is sent with one, and the task
// logs in; a password, and a key that has its newline, go as they are.
func TestPEMKeyGetsItsFinalNewline(t *testing.T) {
	for _, c := range []struct {
		name, authType, given, sent string
	}{
		{"a key without its final newline", "keypair", strings.TrimSuffix(testKey, "\n"), testKey},
		{"a key with it", "keypair", testKey, testKey},
		{"a password ending like a PEM block", "password", "pw-----", "pw-----"},
	} {
		fake, client := startServer(t, kpsfake.ECS{})
		_, err := client.Associate(t.Context(), testProject, kps.AssociateRequest{
			ServerID: "srv", KeypairName: "kp-new", Auth: &kps.ServerAuth{Type: c.authType, Key: c.given},
		})
		if err != nil {
			t.Fatalf("%s: %v", c.name, err)
		}
		if starts := fake.StartRequests(testProject, "srv"); len(starts) != 1 || starts[0].AuthKey != c.sent {
			t.Fatalf("%s: sent %q, want %q", c.name, starts[0].AuthKey, c.sent)
		}
	}
}
