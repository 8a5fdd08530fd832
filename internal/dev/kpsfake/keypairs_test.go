package kpsfake

import (
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"
)

// keypairRequest sends one key-pair call to s and decodes its JSON answer,
// if it has one.
func keypairRequest(t *testing.T, s *Server, method, path, body string) (int, map[string]any) {
	t.Helper()
	req := httptest.NewRequestWithContext(t.Context(), method, path, strings.NewReader(body))
	req.Header.Set("X-Auth-Token", "tok")
	rec := httptest.NewRecorder()
	s.ServeHTTP(rec, req)
	var answer map[string]any
	_ = json.Unmarshal(rec.Body.Bytes(), &answer)
	return rec.Code, answer
}

// createBody is a create of name, hosting privateKey when it is not empty.
func createBody(name, privateKey string) string {
	if privateKey == "" {
		return `{"keypair":{"name":"` + name + `"}}`
	}
	quoted, _ := json.Marshal(privateKey)
	return `{"keypair":{"name":"` + name + `","public_key":"ssh-ed25519 AAAA x","key_protection":{"private_key":` +
		string(quoted) + `,"encryption":{"type":"default"}}}}`
}

// TestFailKeypairCallsAnswersFirst: scripted faults answer the next calls
// in order, before anything else happens: a failed create makes nothing yet
// counts as a create, a failed export counts as an export, a slow fault
// delays an answer that is otherwise the usual one, and other calls are
// left alone.
func TestFailKeypairCallsAnswersFirst(t *testing.T) {
	s := New("tok")
	s.AddKeypair("p", "held", Keypair{Hosted: true, PrivateKey: "key"})
	unavailable := Fault{Kind: FaultError, Status: http.StatusServiceUnavailable, Code: "APIGW.0203", Message: "Service unavailable"}
	s.FailKeypairCalls("create", unavailable, Fault{Kind: FaultHTML, Status: http.StatusBadGateway})
	s.FailKeypairCalls("export", unavailable)

	if code, answer := keypairRequest(t, s, http.MethodPost, "/v3/p/keypairs", createBody("ops", "")); code != 503 || answer["error_code"] != "APIGW.0203" {
		t.Fatalf("first create: %d %v, want 503 APIGW.0203", code, answer)
	}
	if code, _ := keypairRequest(t, s, http.MethodGet, "/v3/p/keypairs/held", ""); code != http.StatusOK {
		t.Fatalf("a get while creates fail: %d", code)
	}
	if code, _ := keypairRequest(t, s, http.MethodPost, "/v3/p/keypairs", createBody("ops", "")); code != 502 {
		t.Fatalf("second create: %d, want the 502 page", code)
	}
	if _, ok := s.KeypairOf("p", "ops"); ok || s.CreateRequests() != 2 {
		t.Fatalf("after two failed creates: stored %v, %d creates counted; want nothing stored, 2", ok, s.CreateRequests())
	}
	if code, _ := keypairRequest(t, s, http.MethodPost, "/v3/p/keypairs", createBody("ops", "")); code != http.StatusOK {
		t.Fatalf("third create: %d, want 200 once the faults are used up", code)
	}
	if code, answer := keypairRequest(t, s, http.MethodPost, "/v3/p/keypairs/private-key/export", `{"keypair":{"name":"held"}}`); code != 503 || s.ExportRequests() != 1 {
		t.Fatalf("export: %d %v, %d exports counted; want 503, 1", code, answer, s.ExportRequests())
	}

	s.FailKeypairCalls("get", Fault{Kind: FaultSlow, Delay: 30 * time.Millisecond})
	start := time.Now()
	code, answer := keypairRequest(t, s, http.MethodGet, "/v3/p/keypairs/held", "")
	if took := time.Since(start); code != http.StatusOK || answer["keypair"] == nil || took < 30*time.Millisecond {
		t.Fatalf("slow get: %d %v after %v, want the key pair after at least 30ms", code, answer, took)
	}
}

// TestFailKeypairCallsRefusesUnknownCalls: a misspelt call panics rather
// than scripting faults that never answer.
func TestFailKeypairCallsRefusesUnknownCalls(t *testing.T) {
	defer func() {
		if recover() == nil {
			t.Fatal("FailKeypairCalls(\"creat\") did not panic")
		}
	}()
	New("tok").FailKeypairCalls("creat", Fault{})
}

// TestLandCreatesLate: a create answered 504 makes nothing at once; its key
// pair, as the create would have made it, lands when the next create
// arrives, so a retry is refused as a duplicate.
func TestLandCreatesLate(t *testing.T) {
	arrived := time.Unix(1_700_000_000, 0)
	now := arrived
	s := New("tok", WithClock(func() time.Time { return now }))
	s.AddProject("p")
	s.LandCreatesLate(1)
	body := `{"keypair":{"name":"late","key_protection":{"encryption":{"type":"default"}}}}`

	if code, answer := keypairRequest(t, s, http.MethodPost, "/v3/p/keypairs", body); code != http.StatusGatewayTimeout ||
		answer["error_code"] != "APIGW.0204" || answer["error_msg"] != "Backend timeout" {
		t.Fatalf("first create: %d %v, want 504 APIGW.0204 Backend timeout", code, answer)
	}
	if code, _ := keypairRequest(t, s, http.MethodGet, "/v3/p/keypairs/late", ""); code != http.StatusNotFound {
		t.Fatalf("get after the 504: %d, want 404", code)
	}
	now = now.Add(time.Minute)
	code, answer := keypairRequest(t, s, http.MethodPost, "/v3/p/keypairs", body)
	if code != http.StatusBadRequest || answer["error_code"] != "KPS.0002" || answer["error_msg"] != "parameter error: the key pair name already exists" {
		t.Fatalf("retried create: %d %v, want 400 KPS.0002 the name already exists", code, answer)
	}
	kp, ok := s.KeypairOf("p", "late")
	if !ok || !kp.CreatedAt.Equal(arrived) || !kp.Hosted || kp.PrivateKey != PrivateKeyOf("late") || kp.PublicKey == "" {
		t.Fatalf("landed key pair: %v %+v; want the generated, hosted pair made at %v", ok, kp, arrived)
	}
	if s.CreateRequests() != 2 {
		t.Fatalf("CreateRequests = %d, want 2", s.CreateRequests())
	}
}

// TestNoCreateTime: a key pair marked NoCreateTime has no create_time in
// its detail; others keep it.
func TestNoCreateTime(t *testing.T) {
	s := New("tok")
	s.AddKeypair("p", "timeless", Keypair{NoCreateTime: true})
	s.AddKeypair("p", "dated", Keypair{})
	for name, want := range map[string]bool{"timeless": false, "dated": true} {
		code, answer := keypairRequest(t, s, http.MethodGet, "/v3/p/keypairs/"+name, "")
		detail, _ := answer["keypair"].(map[string]any)
		if _, has := detail["create_time"]; code != http.StatusOK || has != want {
			t.Errorf("%s: %d, create_time present %v, want %v", name, code, has, want)
		}
	}
}

// TestKeypairNameLimits: a create takes names of up to 255 characters, a
// private-key import only up to 64.
func TestKeypairNameLimits(t *testing.T) {
	s := New("tok")
	s.AddProject("p")
	for _, c := range []struct {
		name string
		want int
	}{{strings.Repeat("a", 65), 200}, {strings.Repeat("b", 255), 200}, {strings.Repeat("c", 256), 400}, {"a_b-C9", 200}} {
		if code, answer := keypairRequest(t, s, http.MethodPost, "/v3/p/keypairs", createBody(c.name, "")); code != c.want {
			t.Errorf("create of %d characters: %d %v, want %d", len(c.name), code, answer, c.want)
		}
	}

	s.AddKeypair("p", strings.Repeat("d", 64), Keypair{})
	for _, c := range []struct {
		name string
		want int
	}{{strings.Repeat("a", 65), 400}, {strings.Repeat("d", 64), 200}} {
		body := `{"keypair":{"name":"` + c.name + `","key_protection":{"private_key":"k","encryption":{"type":"default"}}}}`
		code, answer := keypairRequest(t, s, http.MethodPost, "/v3/p/keypairs/private-key/import", body)
		if code != c.want || (code == 400 && (answer["error_code"] != "KPS.0002" || !strings.HasPrefix(answer["error_msg"].(string), "parameter error: "))) {
			t.Errorf("import of %d characters: %d %v, want %d", len(c.name), code, answer, c.want)
		}
	}
	if kp, _ := s.KeypairOf("p", strings.Repeat("a", 65)); kp.Hosted {
		t.Error("the refused import hosted its key")
	}
}

// TestQuoteKeyLineInErrors: the next create or import that sends a private
// key is refused quoting the key's longest line, stores nothing, and only
// that one request is.
func TestQuoteKeyLineInErrors(t *testing.T) {
	s := New("tok")
	s.AddProject("p")
	key := "-----BEGIN OPENSSH PRIVATE KEY-----\r\nb3BlbnNzaC1rZXktdjEAAAAABG5vbmUAAAAEbm9uZQAAAAAAAAABAAAAMwAAAAtzc2gtZW\r\nshort\r\n-----END OPENSSH PRIVATE KEY-----\r\n"
	longest := "b3BlbnNzaC1rZXktdjEAAAAABG5vbmUAAAAEbm9uZQAAAAAAAAABAAAAMwAAAAtzc2gtZW"

	s.QuoteKeyLineInErrors()
	if code, _ := keypairRequest(t, s, http.MethodPost, "/v3/p/keypairs", createBody("plain", "")); code != http.StatusOK {
		t.Fatalf("a create without a private key: %d, want 200", code)
	}
	code, answer := keypairRequest(t, s, http.MethodPost, "/v3/p/keypairs", createBody("hosted", key))
	if code != http.StatusBadRequest || answer["error_code"] != "KPS.0002" || answer["error_msg"] != "parameter error: invalid private key near: "+longest {
		t.Fatalf("create with a private key: %d %v, want 400 KPS.0002 quoting %q", code, answer, longest)
	}
	if _, ok := s.KeypairOf("p", "hosted"); ok {
		t.Fatal("the refused create stored its key pair")
	}
	if code, _ := keypairRequest(t, s, http.MethodPost, "/v3/p/keypairs", createBody("hosted", key)); code != http.StatusOK {
		t.Fatalf("the same create again: %d, want 200", code)
	}

	s.QuoteKeyLineInErrors()
	quoted, _ := json.Marshal(key)
	importBody := `{"keypair":{"name":"plain","key_protection":{"private_key":` + string(quoted) + `,"encryption":{"type":"default"}}}}`
	code, answer = keypairRequest(t, s, http.MethodPost, "/v3/p/keypairs/private-key/import", importBody)
	if code != http.StatusBadRequest || answer["error_msg"] != "parameter error: invalid private key near: "+longest {
		t.Fatalf("import: %d %v, want 400 quoting %q", code, answer, longest)
	}
	if kp, _ := s.KeypairOf("p", "plain"); kp.Hosted {
		t.Fatal("the refused import hosted its key")
	}
}

// TestKeypairCallCount: every request of a call is counted, faults and
// refusals included, separately from the other calls.
func TestKeypairCallCount(t *testing.T) {
	s := New("tok")
	s.AddKeypair("p", "kp", Keypair{})
	s.FailKeypairCalls("get", Fault{Kind: FaultError, Status: http.StatusServiceUnavailable, Code: "APIGW.0203"})
	keypairRequest(t, s, http.MethodGet, "/v3/p/keypairs/kp", "")      // the fault
	keypairRequest(t, s, http.MethodGet, "/v3/p/keypairs/kp", "")      // found
	keypairRequest(t, s, http.MethodGet, "/v3/p/keypairs/missing", "") // 404
	keypairRequest(t, s, http.MethodGet, "/v3/p/keypairs", "")
	keypairRequest(t, s, http.MethodPost, "/v3/p/keypairs", "not JSON")
	for call, want := range map[string]int{"get": 3, "list": 1, "create": 1, "delete": 0} {
		if n := s.KeypairCallCount(call); n != want {
			t.Errorf("KeypairCallCount(%q) = %d, want %d", call, n, want)
		}
	}
}
