package kps_test

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"

	"github.com/hashicorp/terraform-plugin-log/tflogtest"

	"github.com/kpsops/terraform-provider-kps/internal/kps"
)

// flakyOnce answers the first request of each method and path 503, then
// hands it to next: a gateway's passing trouble.
func flakyOnce(next http.HandlerFunc) (http.Handler, func(key string) int) {
	var mu sync.Mutex
	seen := map[string]int{}
	h := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		key := r.Method + " " + r.URL.Path
		mu.Lock()
		seen[key]++
		n := seen[key]
		mu.Unlock()
		if n == 1 {
			w.Header().Set("Content-Type", "application/json")
			w.WriteHeader(http.StatusServiceUnavailable)
			_, _ = w.Write([]byte(`{"error_code":"APIGW.0203","error_msg":"Backend unavailable"}`))
			return
		}
		next(w, r)
	})
	return h, func(key string) int {
		mu.Lock()
		defer mu.Unlock()
		return seen[key]
	}
}

// TestRepeatableKeypairCallsAreRetried: export, the description PUT, the
// key-pair delete, the private-key clear and import are safe to send again,
// so a 503 is retried as a read's would be, and an empty 200 (their answer
// when they have no body) is success, not a cut-off answer to retry.
func TestRepeatableKeypairCallsAreRetried(t *testing.T) {
	handler, count := flakyOnce(func(w http.ResponseWriter, r *http.Request) {
		if strings.HasSuffix(r.URL.Path, "/export") {
			w.Header().Set("Content-Type", "application/json")
			_, _ = w.Write([]byte(`{"keypair":{"name":"ops","private_key":"k"}}`))
			return
		}
		w.WriteHeader(http.StatusOK) // no body
	})
	srv := httptest.NewServer(handler)
	t.Cleanup(srv.Close)
	c := retryingClient(t, srv.URL, 3)
	ctx := context.Background()
	calls := []struct {
		key string
		run func() error
	}{
		{"POST /v3/" + testProject + "/keypairs/private-key/export", func() error {
			_, err := c.ExportPrivateKey(ctx, testProject, "ops")
			return err
		}},
		{"PUT /v3/" + testProject + "/keypairs/ops", func() error { return c.UpdateKeypairDescription(ctx, testProject, "ops", "d") }},
		{"DELETE /v3/" + testProject + "/keypairs/ops", func() error { return c.DeleteKeypair(ctx, testProject, "ops") }},
		{"DELETE /v3/" + testProject + "/keypairs/ops/private-key", func() error { return c.ClearPrivateKey(ctx, testProject, "ops") }},
		{"POST /v3/" + testProject + "/keypairs/private-key/import", func() error {
			return c.ImportPrivateKey(ctx, testProject, "ops", "", kps.Hosting{PrivateKey: hostedKey})
		}},
		{"DELETE /v3/" + testProject + "/failed-tasks/t1", func() error { return c.DeleteFailedTask(ctx, testProject, "t1") }},
	}
	for _, call := range calls {
		if err := call.run(); err != nil {
			t.Errorf("%s after one 503: %v", call.key, err)
		}
		if n := count(call.key); n != 2 {
			t.Errorf("%s: %d requests, want 2 (the 503 and its retry)", call.key, n)
		}
	}
}

// TestCreateIsNotRetriedAfterA5xx: the create may have made the key pair
// when its answer is a 503, so the client sends it once only and says so.
func TestCreateIsNotRetriedAfterA5xx(t *testing.T) {
	handler, count := flakyOnce(func(w http.ResponseWriter, _ *http.Request) { w.WriteHeader(http.StatusOK) })
	srv := httptest.NewServer(handler)
	t.Cleanup(srv.Close)
	c := retryingClient(t, srv.URL, 3)
	_, err := c.CreateKeypair(context.Background(), testProject, kps.CreateKeypairRequest{Name: "ops"})
	if !kps.MayHaveActed(err) || count("POST /v3/"+testProject+"/keypairs") != 1 {
		t.Fatalf("create after a 503: %v, %d sends", err, count("POST /v3/"+testProject+"/keypairs"))
	}
}

// TestKeypairAnswersAboutAnotherKeyPair: an answer without its keypair
// object is an error, not an empty key pair; one about another key pair is
// an error, not that key pair taken for the one asked.
func TestKeypairAnswersAboutAnotherKeyPair(t *testing.T) {
	for body, want := range map[string]string{
		`{}`: "no keypair object",
		`{"keypair":{"name":"someone-elses","public_key":"ssh-ed25519 AAAA"}}`: `about key pair "someone-elses", not "ops"`,
	} {
		srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {
			w.Header().Set("Content-Type", "application/json")
			_, _ = w.Write([]byte(body))
		}))
		c := retryingClient(t, srv.URL, 0)
		if _, err := c.Keypair(context.Background(), testProject, "ops"); err == nil || !strings.Contains(err.Error(), want) {
			t.Errorf("read answered %s: %v, want an error saying %q", body, err, want)
		}
		if _, err := c.CreateKeypair(context.Background(), testProject, kps.CreateKeypairRequest{Name: "ops"}); err == nil ||
			!strings.Contains(err.Error(), want) {
			t.Errorf("create answered %s: %v, want an error saying %q", body, err, want)
		}
		srv.Close()
	}
}

// TestKeyLineQuotedInAnErrorIsMasked: KPS quotes one line of the private
// key it was sent, without the BEGIN line, in its error_msg; the line is
// masked in the error and in the TRACE log, though neither the field nor
// the PEM pattern finds it there.
func TestKeyLineQuotedInAnErrorIsMasked(t *testing.T) {
	const line = "b3BlbnNzaC1rZXktdjEAAAAABG5vbmUAAAAEbm9uZQAAAAAAAAABAAAAMwAAAAtzc2gtZW"
	key := "-----BEGIN OPENSSH PRIVATE KEY-----\n" + line + "\nQyNTUxOQAAACBquotedkeylinetestonly\n-----END OPENSSH PRIVATE KEY-----\n"
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		w.WriteHeader(http.StatusBadRequest)
		_, _ = w.Write([]byte(`{"error_code":"KPS.0002","error_msg":"invalid private key near: ` + line + `"}`))
	}))
	t.Cleanup(srv.Close)
	c := retryingClient(t, srv.URL, 0)
	var logs strings.Builder
	ctx := tflogtest.RootLogger(context.Background(), &logs)
	err := c.ImportPrivateKey(ctx, testProject, "ops", "", kps.Hosting{PrivateKey: key})
	if err == nil || !strings.Contains(err.Error(), "KPS.0002") {
		t.Fatalf("import refused: %v", err)
	}
	if strings.Contains(err.Error(), line) || strings.Contains(logs.String(), line) {
		t.Fatal("a line of the private key is in the error or the log")
	}
	if !strings.Contains(err.Error(), "invalid private key near: ***") {
		t.Fatalf("the error does not show where the line was masked: %v", err)
	}
}

// TestKeypairNames: names of up to 255 characters are read and made; the
// private-key import, which KPS limits to 64, refuses a longer one before
// anything is sent.
func TestKeypairNames(t *testing.T) {
	var requests int
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		requests++
		name := r.URL.Path[strings.LastIndex(r.URL.Path, "/")+1:]
		w.Header().Set("Content-Type", "application/json")
		_, _ = w.Write([]byte(`{"keypair":{"name":"` + name + `"}}`))
	}))
	t.Cleanup(srv.Close)
	c := retryingClient(t, srv.URL, 0)
	long := strings.Repeat("k", 255)
	if _, err := c.Keypair(context.Background(), testProject, long); err != nil {
		t.Fatalf("reading a key pair of 255 characters: %v", err)
	}
	if _, err := c.Keypair(context.Background(), testProject, long+"k"); err == nil || !strings.Contains(err.Error(), "1 to 255") {
		t.Fatalf("reading a key pair of 256 characters: %v", err)
	}
	sent := requests
	err := c.ImportPrivateKey(context.Background(), testProject, strings.Repeat("k", 65), "", kps.Hosting{PrivateKey: hostedKey})
	if err == nil || !strings.Contains(err.Error(), "at most 64") || requests != sent {
		t.Fatalf("importing a private key for a name of 65: %v (%d requests sent)", err, requests-sent)
	}
}

// TestClearAnsweredByAProxyPage: a 404 that is a proxy's page, not KPS's
// error object, is no proof that KPS holds no key: an error, not success.
func TestClearAnsweredByAProxyPage(t *testing.T) {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {
		w.Header().Set("Content-Type", "text/html")
		w.WriteHeader(http.StatusNotFound)
		_, _ = w.Write([]byte("<html><body><h1>404 Not Found</h1><hr>nginx</body></html>"))
	}))
	t.Cleanup(srv.Close)
	if err := retryingClient(t, srv.URL, 0).ClearPrivateKey(context.Background(), testProject, "ops"); err == nil {
		t.Fatal("a proxy's 404 page was taken for a cleared key")
	}
}

// TestClearOfNoPrivateKeyIsSuccess: KPS's "No private key managed" on a
// clear means there is nothing to clear.
func TestClearOfNoPrivateKeyIsSuccess(t *testing.T) {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		w.WriteHeader(http.StatusBadRequest)
		_, _ = w.Write([]byte(`{"error_code":"KPS.6005","error_msg":"No private key managed"}`))
	}))
	t.Cleanup(srv.Close)
	if err := retryingClient(t, srv.URL, 0).ClearPrivateKey(context.Background(), testProject, "ops"); err != nil {
		t.Fatalf("clear answered KPS.6005: %v", err)
	}
}

// TestBodyLimitsBySize: a page of 1,000 key pairs with 255-character names
// and x509 keys (several MiB) is read whole; one object is still limited
// to 1 MiB, and a page to 32 MiB.
func TestBodyLimitsBySize(t *testing.T) {
	pem := "-----BEGIN PUBLIC KEY-----\n" + strings.Repeat(strings.Repeat("A", 64)+"\n", 40) + "-----END PUBLIC KEY-----\n"
	var page strings.Builder
	page.WriteString(`{"keypairs":[`)
	for i := range 1000 {
		if i > 0 {
			page.WriteString(",")
		}
		name := fmt.Sprintf("%04d%s", i, strings.Repeat("n", 251))
		item, _ := json.Marshal(map[string]any{"keypair": map[string]any{"name": name, "type": "x509", "public_key": pem}})
		page.Write(item)
	}
	page.WriteString(`],"page_info":{}}`)
	if page.Len() <= 1<<20 {
		t.Fatalf("the page is %d bytes: no test of the limit", page.Len())
	}
	huge := `{"keypair":{"name":"ops","description":"` + strings.Repeat("d", 1<<20) + `"}}`
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		if strings.HasSuffix(r.URL.Path, "/keypairs") {
			_, _ = w.Write([]byte(page.String()))
			return
		}
		_, _ = w.Write([]byte(huge))
	}))
	t.Cleanup(srv.Close)
	c := retryingClient(t, srv.URL, 0)
	if kps, err := c.Keypairs(context.Background(), testProject); err != nil || len(kps) != 1000 {
		t.Fatalf("a page of %d bytes: %d key pairs, %v", page.Len(), len(kps), err)
	}
	if _, err := c.Keypair(context.Background(), testProject, "ops"); err == nil || !strings.Contains(err.Error(), "larger than 1 MiB") {
		t.Fatalf("one key pair over 1 MiB: %v", err)
	}
}
