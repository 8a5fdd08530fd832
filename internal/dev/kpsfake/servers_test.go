package kpsfake

import (
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"
)

// TestSucceededTaskChangesTheKey: a replace that succeeded changes the key
// the server accepts to the new key pair's, as authorized_keys changes on
// a real server: the old key is refused after it, the new one accepted; an
// unbind leaves no key at all.
func TestSucceededTaskChangesTheKey(t *testing.T) {
	now := time.Unix(1000, 0)
	s := New("tok", WithClock(func() time.Time { return now }))
	s.AddServer("p1", "srv", ECS{Keypair: "kp-old", PrivateKey: "old-key", TaskDuration: time.Second})
	for _, name := range []string{"kp-new", "kp-newer"} {
		s.AddKeypair("p1", name, Keypair{})
	}
	start := func(call, keypair, key string) {
		t.Helper()
		quoted, _ := json.Marshal(key)
		body := `{"keypair_name":"` + keypair + `","server":{"id":"srv","auth":{"type":"keypair","key":` + string(quoted) + `}}}`
		req := httptest.NewRequestWithContext(t.Context(), http.MethodPost, "/v3/p1/keypairs/"+call, strings.NewReader(body))
		req.Header.Set("X-Auth-Token", "tok")
		rec := httptest.NewRecorder()
		s.ServeHTTP(rec, req)
		if rec.Code != http.StatusAccepted {
			t.Fatalf("%s: %d %s", call, rec.Code, rec.Body)
		}
		now = now.Add(2 * time.Second) // the task ends
	}
	bound := func() ECS {
		e, _ := s.ECS("p1", "srv")
		return e
	}

	start("associate", "kp-new", "old-key")
	if e := bound(); e.Keypair != "kp-new" || e.PrivateKey != PrivateKeyOf("kp-new") {
		t.Fatalf("after the replace: %q bound, accepting %q", e.Keypair, e.PrivateKey)
	}
	start("associate", "kp-newer", "old-key") // the old key, refused now
	if e := bound(); e.Keypair != "kp-new" {
		t.Fatalf("a replace with the old key succeeded: %q bound", e.Keypair)
	}
	start("disassociate", "", PrivateKeyOf("kp-new"))
	if e := bound(); e.Keypair != "" || e.PrivateKey != "" {
		t.Fatalf("after the unbind: %q bound, accepting %q", e.Keypair, e.PrivateKey)
	}
}
