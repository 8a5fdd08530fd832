package kps_test

import (
	"context"
	"net"
	"net/http"
	"net/http/httptest"
	"testing"
	"time"

	"github.com/kpsops/terraform-provider-kps/internal/dev/kpsfake"
	"github.com/kpsops/terraform-provider-kps/internal/huaweiauth"
	"github.com/kpsops/terraform-provider-kps/internal/kps"
)

// The package's test helpers, in one place: clients pointed at the stand-in
// (with and without retries), a closed port, and a start on a server.

// newClient serves fake under prefix and returns a client pointed at it.
func newClient(t *testing.T, fake http.Handler, prefix string) *kps.Client {
	t.Helper()
	mux := http.NewServeMux()
	mux.Handle(prefix+"/", http.StripPrefix(prefix, fake))
	srv := httptest.NewServer(mux)
	t.Cleanup(srv.Close)
	return clientFor(t, srv.URL+prefix, testToken)
}

func clientFor(t *testing.T, endpoint, token string) *kps.Client {
	t.Helper()
	u, err := kps.ParseEndpoint(endpoint)
	if err != nil {
		t.Fatal(err)
	}
	c, err := kps.New(kps.Config{Endpoint: u, Auth: huaweiauth.TokenCredentials(token), UserAgent: "test-agent/1.0"})
	if err != nil {
		t.Fatal(err)
	}
	return c
}

// closedPort is the address of a loopback port nothing listens on.
func closedPort(t *testing.T) string {
	t.Helper()
	l, err := new(net.ListenConfig).Listen(t.Context(), "tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := l.Addr().String()
	_ = l.Close()
	return addr
}

// retryingClient is a client with short retry pauses, so tests stay quick.
func retryingClient(t *testing.T, endpoint string, maxRetries int) *kps.Client {
	t.Helper()
	u, err := kps.ParseEndpoint(endpoint)
	if err != nil {
		t.Fatal(err)
	}
	c, err := kps.New(kps.Config{Endpoint: u, Auth: huaweiauth.TokenCredentials(testToken), MaxRetries: maxRetries,
		RetryWaitMin: time.Millisecond, RetryWaitMax: 5 * time.Millisecond})
	if err != nil {
		t.Fatal(err)
	}
	return c
}

func associate(t *testing.T, c *kps.Client, ctx context.Context) (kps.StartedTask, error) {
	t.Helper()
	return c.Associate(ctx, testProject, kps.AssociateRequest{
		ServerID: "srv", KeypairName: "kp-new", Auth: &kps.ServerAuth{Type: "keypair", Key: testKey},
	})
}

// startServer serves a stand-in with server srv, bound to kp-old and
// accepting testKey, and key pair kp-new to bind (KPS binds only a key
// pair it holds), and returns it and a client with retries.
func startServer(t *testing.T, e kpsfake.ECS) (*kpsfake.Server, *kps.Client) {
	t.Helper()
	fake := kpsfake.New(testToken)
	e.Keypair, e.PrivateKey = "kp-old", testKey
	fake.AddServer(testProject, "srv", e)
	fake.AddKeypair(testProject, "kp-new", kpsfake.Keypair{})
	srv := httptest.NewServer(fake)
	t.Cleanup(srv.Close)
	return fake, retryingClient(t, srv.URL, 3)
}
