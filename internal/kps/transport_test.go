package kps_test

import (
	"context"
	"crypto/tls"
	"encoding/pem"
	"errors"
	"fmt"
	"io"
	"log"
	"net/http"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/kpsops/terraform-provider-kps/internal/dev/kpsfake"
	"github.com/kpsops/terraform-provider-kps/internal/huaweiauth"
	"github.com/kpsops/terraform-provider-kps/internal/kps"
)

// Go reads HTTPS_PROXY, NO_PROXY and SSL_CERT_FILE once per process, so these
// tests run the client in a child process: the test binary itself, which
// TestMain turns into the child when KPS_TEST_CHILD=1.
const childEnv = "KPS_TEST_CHILD"

func TestMain(m *testing.M) {
	if os.Getenv(childEnv) == "1" {
		childGetTask()
		return
	}
	os.Exit(m.Run())
}

// childGetTask reads one task at KPS_TEST_ENDPOINT and prints the outcome.
func childGetTask() {
	u, err := kps.ParseEndpoint(os.Getenv("KPS_TEST_ENDPOINT"))
	if err != nil {
		fmt.Println("RESULT error:", err)
		return
	}
	c, _ := kps.New(kps.Config{Endpoint: u, Auth: huaweiauth.TokenCredentials(testToken), RequestTimeout: 5 * time.Second})
	task, err := c.GetTask(context.Background(), testProject, "t")
	if err != nil {
		fmt.Println("RESULT error:", err)
		return
	}
	fmt.Println("RESULT ok:", task.Status.Raw)
}

// runChild runs the child with env added and returns its RESULT line.
func runChild(t *testing.T, endpoint string, env ...string) string {
	t.Helper()
	cmd := exec.CommandContext(t.Context(), os.Args[0])
	cmd.Env = append(os.Environ(), append(env, childEnv+"=1", "KPS_TEST_ENDPOINT="+endpoint)...)
	out, err := cmd.CombinedOutput()
	if err != nil {
		t.Fatalf("child failed: %v\n%s", err, out)
	}
	for _, line := range strings.Split(string(out), "\n") {
		if strings.HasPrefix(line, "RESULT ") {
			return line
		}
	}
	t.Fatalf("child printed no result:\n%s", out)
	return ""
}

// connectRecorder is a proxy stand-in on loopback: it records each CONNECT
// target and refuses it, so nothing leaves the machine.
type connectRecorder struct {
	mu      sync.Mutex
	targets []string
}

func (p *connectRecorder) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	p.mu.Lock()
	p.targets = append(p.targets, r.Method+" "+r.Host)
	p.mu.Unlock()
	http.Error(w, "the proxy stand-in forwards nothing", http.StatusForbidden)
}

func (p *connectRecorder) seen() []string {
	p.mu.Lock()
	defer p.mu.Unlock()
	return append([]string(nil), p.targets...)
}

// TestProxyCarriesTheDefaultEndpoint: with only a region, requests go to
// kms.<region>.myhuaweicloud.com:443 (.eu for eu-west-101), through
// HTTPS_PROXY, and not through it for hosts in NO_PROXY.
func TestProxyCarriesTheDefaultEndpoint(t *testing.T) {
	for _, c := range []struct{ region, want string }{
		{"cn-north-4", "CONNECT kms.cn-north-4.myhuaweicloud.com:443"},
		{"eu-west-101", "CONNECT kms.eu-west-101.myhuaweicloud.eu:443"},
	} {
		proxy := &connectRecorder{}
		srv := httptest.NewServer(proxy)
		result := runChild(t, kps.DefaultEndpoint(c.region, ""), "HTTPS_PROXY="+srv.URL, "NO_PROXY=")
		srv.Close()
		if got := proxy.seen(); len(got) != 1 || got[0] != c.want {
			t.Errorf("region %s: the proxy saw %v, want [%s]", c.region, got, c.want)
		}
		if !strings.Contains(result, "error") {
			t.Errorf("region %s: %s", c.region, result)
		}
	}

	proxy := &connectRecorder{}
	srv := httptest.NewServer(proxy)
	defer srv.Close()
	runChild(t, kps.DefaultEndpoint("cn-north-4", ""), "HTTPS_PROXY="+srv.URL, "NO_PROXY=.myhuaweicloud.com")
	if got := proxy.seen(); len(got) != 0 {
		t.Errorf("NO_PROXY: the proxy saw %v", got)
	}
}

// TestSSLCertFileIsHonoured: a server whose certificate is signed by a CA that
// only SSL_CERT_FILE names is trusted with it and refused without it.
func TestSSLCertFileIsHonoured(t *testing.T) {
	fake := kpsfake.New(testToken)
	fake.AddTask(testProject, "t", kpsfake.Task{Timeline: []kpsfake.Step{{Status: "SUCCESS_RESET"}}})
	srv := httptest.NewTLSServer(fake)
	defer srv.Close()
	caFile := filepath.Join(t.TempDir(), "ca.pem")
	pemBytes := pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: srv.Certificate().Raw})
	if err := os.WriteFile(caFile, pemBytes, 0o600); err != nil {
		t.Fatal(err)
	}
	if got := runChild(t, srv.URL, "SSL_CERT_FILE="+caFile); got != "RESULT ok: SUCCESS_RESET" {
		t.Errorf("with SSL_CERT_FILE: %s", got)
	}
	if got := runChild(t, srv.URL, "SSL_CERT_FILE="+filepath.Join(t.TempDir(), "none.pem"), "SSL_CERT_DIR=/nonexistent"); !strings.Contains(got, "certificate") {
		t.Errorf("without the CA: %s, want a certificate error", got)
	}
}

// TestUnreachableEndpointsFailAtOnce: an https:// endpoint served in plain
// HTTP, and one whose certificate is not trusted, can never answer as
// configured: one attempt, and an error naming the endpoint, the cause and
// what to check. A refused connection is retried, then says so too.
func TestUnreachableEndpointsFailAtOnce(t *testing.T) {
	var attempts atomic.Int32
	count := http.HandlerFunc(func(http.ResponseWriter, *http.Request) { attempts.Add(1) })
	plain := httptest.NewServer(count)
	t.Cleanup(plain.Close)
	tlsSrv := httptest.NewTLSServer(count)
	t.Cleanup(tlsSrv.Close)
	for name, tc := range map[string]struct{ endpoint, want string }{
		"https to plain HTTP": {"https://" + plain.Listener.Addr().String(), "answers in plain HTTP"},
		"untrusted":           {tlsSrv.URL, "TLS certificate is not trusted"},
		"refused":             {"http://" + closedPort(t), "nothing accepted a connection there"},
	} {
		_, err := retryingClient(t, tc.endpoint, 2).GetTask(t.Context(), testProject, "t1")
		var re *kps.RequestError
		if !errors.As(err, &re) || !strings.Contains(err.Error(), tc.want) || !strings.Contains(err.Error(), "check endpoint (HW_KPS_ENDPOINT)") ||
			!strings.Contains(err.Error(), tc.endpoint) {
			t.Errorf("%s: %v", name, err)
		}
		if name != "refused" && re != nil && re.Attempts != 1 {
			t.Errorf("%s: %d attempts, want 1", name, re.Attempts)
		}
	}
	if n := attempts.Load(); n != 0 {
		t.Fatalf("%d requests were served: none could be", n)
	}
}

// TestRefusedTLSHandshakeFailsAtOnce: a server that refuses the TLS
// handshake (here, for want of a client certificate) answers the same way
// every time: one attempt, and an error that says what to check.
func TestRefusedTLSHandshakeFailsAtOnce(t *testing.T) {
	srv := httptest.NewUnstartedServer(http.HandlerFunc(func(http.ResponseWriter, *http.Request) {}))
	srv.TLS = &tls.Config{ClientAuth: tls.RequireAnyClientCert, MinVersion: tls.VersionTLS12}
	srv.Config.ErrorLog = log.New(io.Discard, "", 0)
	srv.StartTLS()
	t.Cleanup(srv.Close)
	u, err := kps.ParseEndpoint(srv.URL)
	if err != nil {
		t.Fatal(err)
	}
	c, err := kps.New(kps.Config{Endpoint: u, Auth: huaweiauth.TokenCredentials(testToken), Insecure: true, MaxRetries: 3,
		RetryWaitMin: time.Millisecond, RetryWaitMax: 5 * time.Millisecond})
	if err != nil {
		t.Fatal(err)
	}
	_, err = c.GetTask(t.Context(), testProject, "t1")
	var re *kps.RequestError
	if !errors.As(err, &re) || re.Attempts != 1 || !strings.Contains(err.Error(), "TLS handshake with the endpoint failed") {
		t.Fatalf("got %v", err)
	}
}
