package kps_test

import (
	"context"
	"fmt"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/hashicorp/terraform-plugin-log/tflogtest"

	"github.com/kpsops/terraform-provider-kps/internal/dev/kpsfake"
	"github.com/kpsops/terraform-provider-kps/internal/kps"
)

// hostedKey is a private key the tests have KPS host.
const hostedKey = "-----BEGIN OPENSSH PRIVATE KEY-----\nkps-keypair-test-hosted-key\n-----END OPENSSH PRIVATE KEY-----\n"

// keypairStandIn serves a stand-in with the test project and returns it
// and a client with retries pointed at it.
func keypairStandIn(t *testing.T, opts ...kpsfake.Option) (*kpsfake.Server, *kps.Client) {
	t.Helper()
	fake := kpsfake.New(testToken, opts...)
	fake.AddProject(testProject)
	srv := httptest.NewServer(fake)
	t.Cleanup(srv.Close)
	return fake, retryingClient(t, srv.URL, 3)
}

// TestKeypairLifecycle: a generated, hosted key pair is created (KPS's
// answer carries its private key, which the client drops), read, described,
// its key cleared, imported and exported, and deleted; a read after is gone.
// Nothing of the private key is in the TRACE log.
func TestKeypairLifecycle(t *testing.T) {
	fake, c := keypairStandIn(t)
	var logs strings.Builder
	ctx := tflogtest.RootLogger(context.Background(), &logs)

	created, err := c.CreateKeypair(ctx, testProject, kps.CreateKeypairRequest{Name: "ops", Hosting: &kps.Hosting{Encryption: "default"}})
	if err != nil || created.Name != "ops" || created.PublicKey == "" || created.Fingerprint == "" {
		t.Fatalf("create: %+v, %v", created, err)
	}
	if kp, _ := fake.KeypairOf(testProject, "ops"); !kp.Hosted {
		t.Fatalf("the stand-in does not host the generated key: %+v", kp)
	}
	if err := c.UpdateKeypairDescription(ctx, testProject, "ops", "rotated yearly"); err != nil {
		t.Fatal(err)
	}
	got, err := c.Keypair(ctx, testProject, "ops")
	if err != nil || !got.PrivateKeyHosted || got.Description != "rotated yearly" || got.Scope != "user" || got.CreatedAt.IsZero() ||
		got.PublicKey != created.PublicKey {
		t.Fatalf("read: %+v, %v", got, err)
	}
	if err := c.ClearPrivateKey(ctx, testProject, "ops"); err != nil {
		t.Fatal(err)
	}
	if _, err := c.ExportPrivateKey(ctx, testProject, "ops"); err == nil || !strings.Contains(err.Error(), "KPS.6005") {
		t.Fatalf("exporting a key no longer hosted: %v", err)
	}
	if err := c.ImportPrivateKey(ctx, testProject, "ops", "", kps.Hosting{PrivateKey: hostedKey, Encryption: "default"}); err != nil {
		t.Fatal(err)
	}
	if key, err := c.ExportPrivateKey(ctx, testProject, "ops"); err != nil || key != hostedKey {
		t.Fatalf("export: %v", err)
	}
	if err := c.DeleteKeypair(ctx, testProject, "ops"); err != nil {
		t.Fatal(err)
	}
	if _, err := c.Keypair(ctx, testProject, "ops"); !kps.IsGone(err) {
		t.Fatalf("a read after the delete: %v, want gone", err)
	}
	if err := c.DeleteKeypair(ctx, testProject, "ops"); !kps.IsGone(err) {
		t.Fatalf("a second delete: %v, want gone", err)
	}
	if err := c.ClearPrivateKey(ctx, testProject, "missing"); err != nil {
		t.Fatalf("clearing a key pair's key where KPS answers 404: %v", err)
	}
	// The create's answer, the import's body and its echo, the export's
	// answer: each logged, its private key masked by field.
	if n := strings.Count(logs.String(), `\"private_key\":\"***\"`); n < 4 {
		t.Fatalf("%d bodies logged with a masked private_key, want at least 4:\n%s", n, logs.String())
	}
	for _, secret := range []string{"kps-keypair-test-hosted-key", kpsfake.LongestLine(kpsfake.PrivateKeyOf("ops"))} {
		if strings.Contains(logs.String(), secret) {
			t.Fatalf("a private key (%s) appears in the TRACE log", secret)
		}
	}
}

// TestMissingKeypairEitherWay: a key pair that does not exist is gone,
// whether KPS answers 404 or a 400 that says so.
func TestMissingKeypairEitherWay(t *testing.T) {
	for _, opts := range [][]kpsfake.Option{nil, {kpsfake.WithMissingKeypairsAs400()}} {
		_, c := keypairStandIn(t, opts...)
		_, err := c.Keypair(t.Context(), testProject, "nope")
		if !kps.IsGone(err) || !strings.Contains(err.Error(), "may not exist") {
			t.Fatalf("%d options: %v, want gone, with the hint", len(opts), err)
		}
	}
}

// TestKeypairTimesAndFrozenState: create_time in seconds or milliseconds
// reads as the same time; frozen_state as a number (detail) or a string
// (list) reads as the same number.
func TestKeypairTimesAndFrozenState(t *testing.T) {
	at := time.Date(2026, 3, 1, 12, 0, 0, 0, time.UTC)
	for _, opts := range [][]kpsfake.Option{nil, {kpsfake.WithKeypairTimesInMillis()}} {
		fake, c := keypairStandIn(t, opts...)
		fake.AddKeypair(testProject, "frozen", kpsfake.Keypair{FrozenState: 3, CreatedAt: at})
		kp, err := c.Keypair(t.Context(), testProject, "frozen")
		if err != nil || !kp.CreatedAt.Equal(at) || kp.FrozenState != 3 {
			t.Fatalf("%d options: %+v, %v", len(opts), kp, err)
		}
		listed, err := c.Keypairs(t.Context(), testProject)
		if err != nil || len(listed) != 1 || listed[0].FrozenState != 3 {
			t.Fatalf("list: %+v, %v", listed, err)
		}
	}
}

// TestKeypairsEveryPage: the list follows next_marker over pages of
// whatever size the API honours, in one request a page.
func TestKeypairsEveryPage(t *testing.T) {
	fake, c := keypairStandIn(t, kpsfake.WithKeypairPage(7))
	for i := range 30 {
		fake.AddKeypair(testProject, fmt.Sprintf("kp-%02d", i), kpsfake.Keypair{})
	}
	before := fake.TotalRequests()
	listed, err := c.Keypairs(t.Context(), testProject)
	if err != nil || len(listed) != 30 || listed[0].Name != "kp-00" || listed[29].Name != "kp-29" {
		t.Fatalf("%d key pairs, %v", len(listed), err)
	}
	if n := fake.TotalRequests() - before; n != 5 {
		t.Fatalf("%d requests for 30 key pairs in pages of 7, want 5", n)
	}
}

// TestCreateIsSentOnce: a create whose answer is lost (the key pair made,
// the answer a 500) is not sent again by the client: the error says it may
// have acted, and the caller reads the key pair by name.
func TestCreateIsSentOnce(t *testing.T) {
	fake, c := keypairStandIn(t)
	fake.LoseCreateAnswers(1)
	_, err := c.CreateKeypair(t.Context(), testProject, kps.CreateKeypairRequest{Name: "lost", Hosting: &kps.Hosting{}})
	if err == nil || !kps.MayHaveActed(err) || fake.CreateRequests() != 1 {
		t.Fatalf("got %v after %d creates: want one, that may have acted", err, fake.CreateRequests())
	}
	if _, err := c.Keypair(t.Context(), testProject, "lost"); err != nil {
		t.Fatalf("the key pair the lost create made: %v", err)
	}
}

// TestCreateRefusals: what KPS refuses comes back as its 400, with the code.
func TestCreateRefusals(t *testing.T) {
	fake, c := keypairStandIn(t)
	fake.AddKeypair(testProject, "taken", kpsfake.Keypair{})
	for _, r := range []struct {
		req       kps.CreateKeypairRequest
		code, msg string
	}{
		{kps.CreateKeypairRequest{Name: "taken"}, "KPS.0002", "the key pair name already exists"},
		{kps.CreateKeypairRequest{Name: "pub", PublicKey: "ssh-ed25519 AAAA x", Hosting: &kps.Hosting{}}, "KPS.0002", "key_protection.private_key is required"},
		{kps.CreateKeypairRequest{Name: "kms", Hosting: &kps.Hosting{Encryption: "kms"}}, "KPS.0002", "kms_key_id or kms_key_name is required"},
	} {
		if _, err := c.CreateKeypair(t.Context(), testProject, r.req); err == nil || !strings.Contains(err.Error(), r.code) ||
			!strings.Contains(err.Error(), r.msg) {
			t.Errorf("%+v: %v, want %s %q", r.req, err, r.code, r.msg)
		}
	}
}
