package kpsfake

import (
	"bufio"
	"bytes"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/kpsops/terraform-provider-kps/internal/huaweiauth"
)

// signOfficially signs a GET of u with Huawei's own signer (through
// huaweiauth, which calls it) and returns the request as the server receives
// it: written to the wire and parsed back, as net/http does.
func signOfficially(t *testing.T, u *url.URL, ak, sk, securityToken string) *http.Request {
	t.Helper()
	req, err := http.NewRequestWithContext(t.Context(), http.MethodGet, u.String(), nil)
	if err != nil {
		t.Skip("not a URL net/http sends:", err)
	}
	creds := &huaweiauth.Credentials{Method: huaweiauth.MethodAccessKey, AccessKey: ak, SecretKey: sk, SecurityToken: securityToken}
	if err := creds.Authorize(req); err != nil {
		t.Fatalf("official signer: %v", err)
	}
	var wire bytes.Buffer
	if err := req.Write(&wire); err != nil {
		t.Skip("not a request net/http sends:", err)
	}
	received, err := http.ReadRequest(bufio.NewReader(&wire))
	if err != nil {
		t.Skip("not a request net/http reads:", err)
	}
	return received
}

func verifies(t *testing.T, r *http.Request, sk string, now time.Time) bool {
	t.Helper()
	sr, err := parseAuthorization(r.Header.Get("Authorization"))
	if err != nil {
		t.Fatalf("Authorization %q: %v", r.Header.Get("Authorization"), err)
	}
	return verifySignature(r, nil, sr, sk, now)
}

// FuzzVerifierAcceptsOfficialSignatures: whatever the path, the query (with
// characters that need escaping, repeated names, empty values) and the keys,
// the stand-in accepts what Huawei's signer signs, and refuses it once any
// part is changed.
func FuzzVerifierAcceptsOfficialSignatures(f *testing.F) {
	f.Add("v3/0123/tasks/aee8d2fe-5484", "name", "cn-north-4", "AK1234567890", "secret", "")
	f.Add("v3/projects", "name", "a b+c&d=e/é~", "HPUAXXXX", "s3cr3t/+=", "sts-token+/=")
	f.Add("a b/c%2Fd/;,@", "", "", "AK", "\x00\xff", "t")
	f.Add("v3/p/running-tasks", "limit", "", "AK", "sk", "")
	f.Fuzz(func(t *testing.T, path, name, value, ak, sk, securityToken string) {
		if !isAlnum(ak) || sk == "" || strings.ContainsAny(securityToken, " \t\r\n") || !printable(securityToken) {
			t.Skip("access key IDs are alphanumeric; tokens are header-safe")
		}
		u := &url.URL{Scheme: "http", Host: "kms.example.test", Path: "/" + path}
		q := url.Values{}
		if name != "" {
			q.Add(name, value)
			q.Add(name, value+"2")
			q.Add("z"+name, "")
		}
		u.RawQuery = q.Encode()
		now := time.Now()
		r := signOfficially(t, u, ak, sk, securityToken)
		if !verifies(t, r, sk, now) {
			t.Fatalf("the stand-in refused the official signature of %s (Authorization %q)", u, r.Header.Get("Authorization"))
		}
		if verifies(t, r, sk+"x", now) {
			t.Fatal("accepted with another secret")
		}
		r.URL.Path += "x"
		if verifies(t, r, sk, now) {
			t.Fatal("accepted with another path")
		}
	})
}

func isAlnum(s string) bool {
	return s != "" && strings.Trim(s, "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789") == ""
}

func printable(s string) bool {
	for _, c := range s {
		if c < 0x21 || c > 0x7e {
			return false
		}
	}
	return true
}

// TestSignatureKnownAnswer pins the algorithm to one answer worked out by
// hand from the documented steps, so that the stand-in and the official
// signer cannot agree on something else.
func TestSignatureKnownAnswer(t *testing.T) {
	r, err := http.NewRequestWithContext(t.Context(), http.MethodGet, "https://iam.cn-north-4.myhuaweicloud.com/v3/projects?name=cn-north-4", nil)
	if err != nil {
		t.Fatal(err)
	}
	r.Header.Set("X-Sdk-Date", "20261128T063000Z")
	canonical := "GET\n/v3/projects/\nname=cn-north-4\nx-sdk-date:20261128T063000Z\n\nx-sdk-date\n" +
		"e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"
	if got := strings.Join([]string{r.Method, canonicalURI(r.URL.Path), canonicalQuery(r.URL.RawQuery),
		canonicalHeaders(r, []string{"x-sdk-date"}), "x-sdk-date", hexSHA256(nil)}, "\n"); got != canonical {
		t.Fatalf("canonical request\n%q\nwant\n%q", got, canonical)
	}
	creds := &huaweiauth.Credentials{Method: huaweiauth.MethodAccessKey, AccessKey: "AK", SecretKey: "SK"}
	official, err := http.NewRequestWithContext(t.Context(), http.MethodGet, r.URL.String(), nil)
	if err != nil {
		t.Fatal(err)
	}
	if err := creds.Authorize(official); err != nil {
		t.Fatal(err)
	}
	date := official.Header.Get("X-Sdk-Date")
	want := "SDK-HMAC-SHA256 Access=AK, SignedHeaders=x-sdk-date, Signature=" +
		signature(official, nil, []string{"x-sdk-date"}, date, "SK")
	if got := official.Header.Get("Authorization"); got != want {
		t.Fatalf("official Authorization %q, the stand-in computes %q", got, want)
	}
}
