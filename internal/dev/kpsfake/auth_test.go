package kpsfake

import (
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"testing"
	"time"

	"github.com/kpsops/terraform-provider-kps/internal/huaweiauth"
)

// TestGatewayRefusalsAndLockOut: each way a signed request is refused gets
// the gateway's message, and five refusals in a row lock the key for five
// minutes, even against the right secret.
func TestGatewayRefusalsAndLockOut(t *testing.T) {
	// The official signer dates requests by the real clock, so the stand-in's
	// clock starts there.
	now := time.Now()
	s := New("tok", WithClock(func() time.Time { return now }))
	s.AddAccessKey("AKPERM", "right", "")
	s.AddAccessKey("AKTEMP", "temp-secret", "sts")
	s.AddTask("p1", "t1", Task{Timeline: []Step{{Status: "SUCCESS_RESET"}}})

	send := func(creds *huaweiauth.Credentials, tweak func(*http.Request)) (int, string) {
		t.Helper()
		req := httptest.NewRequestWithContext(t.Context(), http.MethodGet, "http://kms.test/v3/p1/tasks/t1", nil)
		if creds != nil {
			if err := creds.Authorize(req); err != nil {
				t.Fatal(err)
			}
		}
		if tweak != nil {
			tweak(req)
		}
		rec := httptest.NewRecorder()
		s.ServeHTTP(rec, req)
		var body map[string]string
		_ = json.Unmarshal(rec.Body.Bytes(), &body)
		return rec.Code, body["error_msg"]
	}
	key := func(ak, sk, st string) *huaweiauth.Credentials {
		return &huaweiauth.Credentials{Method: huaweiauth.MethodAccessKey, AccessKey: ak, SecretKey: sk, SecurityToken: st}
	}
	for _, c := range []struct {
		name  string
		creds *huaweiauth.Credentials
		tweak func(*http.Request)
		code  int
		msg   string
	}{
		{"permanent key", key("AKPERM", "right", ""), nil, 200, ""},
		{"temporary key", key("AKTEMP", "temp-secret", "sts"), nil, 200, ""},
		{"temporary key without its token", key("AKTEMP", "temp-secret", ""), nil, 401, notExist("AKTEMP")},
		{"unknown key", key("AKNONE", "x", ""), nil, 401, notExist("AKNONE")},
		{"skewed date", key("AKPERM", "right", ""), func(r *http.Request) {
			r.Header.Set("X-Sdk-Date", now.Add(-16*time.Minute).UTC().Format(sdkDateLayout))
		}, 401, msgSignatureFail},
		{"no credentials", nil, nil, 401, msgNoCredentials},
		{"wrong token", nil, func(r *http.Request) { r.Header.Set("X-Auth-Token", "nope") }, 401, msgTokenInvalid},
	} {
		code, msg := send(c.creds, c.tweak)
		if code != c.code || msg != c.msg {
			t.Errorf("%s: %d %q, want %d %q", c.name, code, msg, c.code, c.msg)
		}
	}

	// A success resets the count of refusals in a row.
	if code, _ := send(key("AKPERM", "right", ""), nil); code != 200 {
		t.Fatalf("the right key got %d", code)
	}
	for i := range keyLockAfter {
		if code, msg := send(key("AKPERM", "wrong", ""), nil); code != 401 || msg != msgSignatureFail {
			t.Fatalf("failure %d: %d %q", i+1, code, msg)
		}
	}
	if code, msg := send(key("AKPERM", "right", ""), nil); code != 401 || msg != msgKeyLocked {
		t.Fatalf("after %d failures the right secret got %d %q, want the key locked", keyLockAfter, code, msg)
	}
	// Five minutes on (a signature's date is then five minutes off, within
	// the fifteen allowed) the key works again.
	now = now.Add(keyLockFor)
	if code, msg := send(key("AKPERM", "right", ""), nil); code != 200 {
		t.Fatalf("after the lock the right key got %d %q", code, msg)
	}
}
