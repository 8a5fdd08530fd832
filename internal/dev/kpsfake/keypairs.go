package kpsfake

import (
	"cmp"
	"encoding/json"
	"io"
	"net/http"
	"slices"
	"strconv"
	"strings"
	"time"
)

// The key pairs themselves: POST/GET .../keypairs, GET/PUT/DELETE
// .../keypairs/{name}, POST .../keypairs/private-key/import and /export,
// DELETE .../keypairs/{name}/private-key, with the refusals KPS documents
// and the loose ends it leaves open (a missing key pair as 404 or 400, times
// in seconds or milliseconds, frozen_state as a string in the list).

// Keypair is a key pair the stand-in holds.
type Keypair struct {
	Type, Scope, UserID, PublicKey, Description string
	// PrivateKey is what KPS hosts; empty when it hosts none. Hosted says
	// whether it does.
	PrivateKey string
	Hosted     bool
	// Encryption is key_protection.encryption.type ("default" or "kms").
	Encryption  string
	FrozenState int
	CreatedAt   time.Time
	// NoCreateTime leaves create_time out of the detail, as some KPS
	// answers do.
	NoCreateTime bool
}

// keypairBehaviour is how the stand-in answers the key-pair calls.
type keypairBehaviour struct {
	// missingCode is the code of a 400 answering a key pair that does not
	// exist; empty for the default 404.
	missingCode    string
	timesInMillis  bool
	lostCreates    int
	failedUpdates  int
	deleteRefusal  *TaskFailure
	maxPage        int
	createRequests int
	exportRequests int
	// calls counts the requests of each key-pair call (keypairCalls), and
	// faults holds the faults scripted for each; see keypairfaults.go.
	calls  map[string]int
	faults map[string][]Fault
	// lateCreates is how many of the next creates answer 504 and leave
	// their key pair in landing, to be stored at the next create.
	lateCreates int
	landing     []landingKeypair
	// quoteKeyLine refuses the next private key with its longest line.
	quoteKeyLine bool
}

// KPS's two published codes for a key pair that does not exist, with
// their messages as published (the grammar is KPS's own).
const (
	codeKeypairNotExist = "KPS.4016"
	codeNoKeypairFound  = "KPS.6004"
)

var missingKeypairMessages = map[string]string{
	codeKeypairNotExist: "The key pair is not exist",
	codeNoKeypairFound:  "No Keypair find",
}

// WithMissingKeypairsAs400 answers a key pair that does not exist 400
// KPS.6004 "No Keypair find" instead of the default 404 (which carries
// KPS.4016): KPS's pages document both.
func WithMissingKeypairsAs400() Option { return WithMissingKeypairCode(codeNoKeypairFound) }

// WithMissingKeypairCode answers a key pair that does not exist 400 with
// code, which must be one of KPS's two published codes for it: "KPS.4016"
// ("The key pair is not exist") or "KPS.6004" ("No Keypair find"). Any
// other code panics, since a test scripting it would test an answer KPS
// does not give.
func WithMissingKeypairCode(code string) Option {
	if _, ok := missingKeypairMessages[code]; !ok {
		panic("kpsfake: " + code + " is not a published code for a missing key pair; want KPS.4016 or KPS.6004")
	}
	return func(s *Server) { s.keypairs.missingCode = code }
}

// missingKeypair answers a key pair that does not exist: 404 with KPS.4016
// by default, or 400 with the code WithMissingKeypairCode chose.
func (s *Server) missingKeypair(w http.ResponseWriter, requestID string) {
	s.mu.Lock()
	code := s.keypairs.missingCode
	s.mu.Unlock()
	if code == "" {
		writeError(w, http.StatusNotFound, codeKeypairNotExist, missingKeypairMessages[codeKeypairNotExist], requestID)
		return
	}
	writeError(w, http.StatusBadRequest, code, missingKeypairMessages[code], requestID)
}

// WithKeypairTimesInMillis sends create_time in milliseconds, as Huawei's
// own provider reads it, instead of the seconds the reference documents.
func WithKeypairTimesInMillis() Option {
	return func(s *Server) { s.keypairs.timesInMillis = true }
}

// WithKeypairPage answers at most n key pairs a page, whatever limit asks.
func WithKeypairPage(n int) Option { return func(s *Server) { s.keypairs.maxPage = n } }

// LoseCreateAnswers makes the next n creates make their key pair and answer
// 500, as a gateway that lost the backend's answer does.
func (s *Server) LoseCreateAnswers(n int) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.keypairs.lostCreates = n
}

// FailUpdates makes the next n description updates answer 500 and change
// nothing.
func (s *Server) FailUpdates(n int) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.keypairs.failedUpdates = n
}

// ExportRequests counts the private-key exports that reached the stand-in.
func (s *Server) ExportRequests() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.keypairs.exportRequests
}

// RefuseDeletes makes every delete of a key pair answer 400 with f's code
// and message, as KPS may for a key pair still bound; nil allows them again.
func (s *Server) RefuseDeletes(f *TaskFailure) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.keypairs.deleteRefusal = f
}

// CreateRequests counts the creates that reached the stand-in.
func (s *Server) CreateRequests() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.keypairs.createRequests
}

// AddKeypair makes a key pair known in project, as one made elsewhere.
// Without a PublicKey, KPS generated the pair: its public key is that of
// kp.PrivateKey when that is a private key that parses, else that of the
// ed25519 pair the stand-in derives from the name (PrivateKeyOf), which it
// hosts when kp.Hosted and no PrivateKey is given.
func (s *Server) AddKeypair(projectID, name string, kp Keypair) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.projects[projectID] = true
	kp.Type = cmp.Or(kp.Type, "ssh")
	kp.Scope = cmp.Or(kp.Scope, "user")
	if kp.CreatedAt.IsZero() {
		kp.CreatedAt = s.now()
	}
	if kp.PublicKey == "" {
		// A key pair KPS generated: it hosts the private key of the public
		// key it shows, when it hosts one at all.
		if kp.Hosted && kp.PrivateKey == "" {
			kp.PrivateKey = PrivateKeyOf(name)
		}
		kp.PublicKey = publicKeyFor(name, kp.PrivateKey)
	}
	s.keypairStore[projectID+"/"+name] = &kp
}

// KeypairOf returns what the stand-in holds of a key pair.
func (s *Server) KeypairOf(projectID, name string) (Keypair, bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	kp, ok := s.keypairStore[projectID+"/"+name]
	if !ok {
		return Keypair{}, false
	}
	return *kp, true
}

// keypairKey is the private key a server accepts once key pair name is
// bound: the one KPS hosts for it, else the stand-in's own (PrivateKeyOf).
// The caller holds s.mu.
func (s *Server) keypairKey(projectID, name string) string {
	if kp, ok := s.keypairStore[projectID+"/"+name]; ok && kp.PrivateKey != "" {
		return kp.PrivateKey
	}
	return PrivateKeyOf(name)
}

// keypairRoute is a key-pair call; a list's page is asked for with limit
// (0 when not sent) and marker.
type keypairRoute struct {
	project, name, call string
	limit               int
	marker              string
}

func parseKeypairPath(method, path string) (keypairRoute, bool) {
	parts := strings.Split(strings.TrimPrefix(path, "/"), "/")
	if len(parts) < 3 || parts[0] != "v3" || parts[1] == "" || parts[2] != "keypairs" {
		return keypairRoute{}, false
	}
	r := keypairRoute{project: parts[1]}
	switch {
	case len(parts) == 3 && method == http.MethodPost:
		r.call = "create"
	case len(parts) == 3 && method == http.MethodGet:
		r.call = "list"
	case len(parts) == 5 && parts[3] == "private-key" && method == http.MethodPost && (parts[4] == "import" || parts[4] == "export"):
		r.call = parts[4]
	case len(parts) == 4 && parts[3] != "" && slices.Contains([]string{http.MethodGet, http.MethodPut, http.MethodDelete}, method) &&
		parts[3] != "associate" && parts[3] != "disassociate" && parts[3] != "batch-associate":
		r.name, r.call = parts[3], strings.ToLower(method)
	case len(parts) == 5 && parts[4] == "private-key" && method == http.MethodDelete:
		r.name, r.call = parts[3], "clear"
	default:
		return keypairRoute{}, false
	}
	return r, true
}

// keypairBody is the body of create and import, and of update and export.
type keypairBody struct {
	Keypair *keypairInput `json:"keypair"`
}

type keypairInput struct {
	Name          string         `json:"name"`
	Type          string         `json:"type"`
	PublicKey     string         `json:"public_key"`
	Scope         string         `json:"scope"`
	UserID        string         `json:"user_id"`
	Description   *string        `json:"description"`
	KeyProtection *keyProtection `json:"key_protection"`
}

type keyProtection struct {
	PrivateKey string `json:"private_key,omitempty"`
	Encryption *struct {
		Type       string `json:"type"`
		KMSKeyName string `json:"kms_key_name,omitempty"`
		KMSKeyID   string `json:"kms_key_id,omitempty"`
	} `json:"encryption"`
}

func (s *Server) serveKeypair(w http.ResponseWriter, r *http.Request, route keypairRoute, requestID string) {
	if !s.arriveKeypairCall(w, r, route.call, requestID) {
		return
	}
	if route.call == "list" {
		q := r.URL.Query()
		limit, err := strconv.Atoi(cmp.Or(q.Get("limit"), "0"))
		if err != nil || limit < 0 {
			writeError(w, http.StatusBadRequest, codeParameterError, parameterError("limit must be a whole number"), requestID)
			return
		}
		route.limit, route.marker = limit, q.Get("marker")
	}
	var body keypairBody
	if r.Method == http.MethodPost || r.Method == http.MethodPut {
		raw, _ := io.ReadAll(io.LimitReader(r.Body, 1<<20))
		if json.Unmarshal(raw, &body) != nil || body.Keypair == nil {
			writeError(w, http.StatusBadRequest, codeParameterError, parameterError("the body is not JSON with a keypair object"), requestID)
			return
		}
	}
	s.mu.Lock()
	if !s.projects[route.project] {
		s.mu.Unlock()
		writeError(w, http.StatusForbidden, "APIGW.0302", "The IAM user is not authorized to access the API", requestID)
		return
	}
	if body.Keypair != nil && route.name == "" && route.call != "create" {
		route.name = body.Keypair.Name
	}
	if route.call == "import" && len(route.name) > maxImportName {
		s.mu.Unlock()
		writeError(w, http.StatusBadRequest, codeParameterError, parameterError("the name is longer than 64 characters"), requestID)
		return
	}
	kp := s.keypairStore[route.project+"/"+route.name]
	if kp == nil && route.call != "create" && route.call != "list" {
		s.mu.Unlock()
		s.missingKeypair(w, requestID)
		return
	}
	answer := s.keypairCall(route, body, kp)
	s.mu.Unlock()
	if answer.code != "" {
		writeError(w, answer.status, answer.code, answer.msg, requestID)
		return
	}
	if answer.body == nil {
		w.Header().Set("Content-Length", "0")
		w.WriteHeader(answer.status)
		return
	}
	writeJSON(w, answer.status, answer.body)
}

// keypairAnswer is what a key-pair call answers: an error (code), a body,
// or a status alone.
type keypairAnswer struct {
	status    int
	code, msg string
	body      any
}

func refuse(code, msg string) keypairAnswer {
	return keypairAnswer{status: http.StatusBadRequest, code: code, msg: msg}
}

// refuseParameter refuses a malformed request as KPS does, with KPS.0002
// "parameter error", followed by the reason.
func refuseParameter(reason string) keypairAnswer {
	return refuse(codeParameterError, parameterError(reason))
}

// noPrivateKey refuses an export or a clear of a key pair KPS hosts no
// private key for, with KPS's published code and message.
var noPrivateKey = refuse("KPS.6005", "No private key managed")

// keypairCall carries out a key-pair call. The caller holds s.mu; kp is the
// key pair named, nil for a create or a list.
func (s *Server) keypairCall(route keypairRoute, body keypairBody, kp *Keypair) keypairAnswer {
	switch route.call {
	case "create":
		return s.createKeypair(route.project, body)
	case "list":
		return s.listKeypairs(route)
	case "get":
		return keypairAnswer{status: http.StatusOK, body: map[string]any{"keypair": s.keypairDetail(route.name, kp)}}
	case "put":
		if s.keypairs.failedUpdates > 0 {
			s.keypairs.failedUpdates--
			return keypairAnswer{status: http.StatusInternalServerError, code: "APIGW.0203", msg: "Backend timeout"}
		}
		if body.Keypair.Description == nil {
			return refuseParameter("keypair.description is required")
		}
		kp.Description = *body.Keypair.Description
		return keypairAnswer{status: http.StatusOK}
	case "delete":
		if f := s.keypairs.deleteRefusal; f != nil {
			return refuse(f.Code, f.Message)
		}
		delete(s.keypairStore, route.project+"/"+route.name)
		return keypairAnswer{status: http.StatusNoContent}
	case "import":
		kprot := body.Keypair.KeyProtection
		if refusal, quoted := s.quotedKeyRefusal(kprot); quoted {
			return refusal
		}
		if kprot == nil || kprot.PrivateKey == "" {
			return refuseParameter("key_protection.private_key is required")
		}
		if refusal, bad := encryptionRefusal(kprot); bad {
			return refusal
		}
		kp.PrivateKey, kp.Hosted, kp.Encryption = kprot.PrivateKey, true, kprot.Encryption.Type
		return keypairAnswer{status: http.StatusOK, body: map[string]any{"keypair": map[string]any{
			"name": route.name, "user_id": kp.UserID, "key_protection": kprot,
		}}}
	case "export":
		s.keypairs.exportRequests++
		if !kp.Hosted {
			return noPrivateKey
		}
		return keypairAnswer{status: http.StatusOK, body: map[string]any{"keypair": map[string]string{
			"name": route.name, "private_key": kp.PrivateKey,
		}}}
	case "clear":
		if !kp.Hosted {
			return noPrivateKey
		}
		kp.PrivateKey, kp.Hosted, kp.Encryption = "", false, ""
		return keypairAnswer{status: http.StatusOK}
	}
	return refuseParameter("unknown call " + route.call)
}

// encryptionRefusal refuses an encryption KPS would: kms without a key.
func encryptionRefusal(kprot *keyProtection) (keypairAnswer, bool) {
	switch {
	case kprot.Encryption == nil || (kprot.Encryption.Type != "default" && kprot.Encryption.Type != "kms"):
		return refuseParameter("key_protection.encryption.type must be default or kms"), true
	case kprot.Encryption.Type == "kms" && kprot.Encryption.KMSKeyID == "" && kprot.Encryption.KMSKeyName == "":
		return refuseParameter("kms_key_id or kms_key_name is required with encryption kms"), true
	}
	return keypairAnswer{}, false
}

// createKeypair carries out a create: refused, held back by LandCreatesLate,
// or stored and answered with the key pair.
func (s *Server) createKeypair(project string, body keypairBody) keypairAnswer {
	s.keypairs.createRequests++
	in := body.Keypair
	if refusal, quoted := s.quotedKeyRefusal(in.KeyProtection); quoted {
		return refusal
	}
	if refusal, bad := s.createRefusal(project, in); bad {
		return refusal
	}
	kp, generated := s.newKeypair(in)
	if s.keypairs.lateCreates > 0 {
		s.keypairs.lateCreates--
		s.keypairs.landing = append(s.keypairs.landing, landingKeypair{key: project + "/" + in.Name, kp: kp})
		return keypairAnswer{status: http.StatusGatewayTimeout, code: "APIGW.0204", msg: "Backend timeout"}
	}
	s.keypairStore[project+"/"+in.Name] = kp
	if s.keypairs.lostCreates > 0 {
		s.keypairs.lostCreates--
		return keypairAnswer{status: http.StatusInternalServerError, code: "APIGW.0203", msg: "Backend timeout"}
	}
	out := map[string]any{"name": in.Name, "type": kp.Type, "public_key": kp.PublicKey, "fingerprint": fingerprintOf(kp.PublicKey),
		"user_id": kp.UserID}
	if generated {
		// KPS answers a pair it generated with its private key.
		out["private_key"] = PrivateKeyOf(in.Name)
	}
	return keypairAnswer{status: http.StatusOK, body: map[string]any{"keypair": out}}
}

// maxCreateName and maxImportName are the longest key-pair names the create
// and the private-key import accept: KPS's create allows 255 characters,
// its import only the 64 of the older limit.
const (
	maxCreateName = 255
	maxImportName = 64
)

// createRefusal is the refusal KPS gives a create, if any. The caller holds
// s.mu.
func (s *Server) createRefusal(project string, in *keypairInput) (keypairAnswer, bool) {
	switch {
	case in.Name == "" || len(in.Name) > maxCreateName || strings.Trim(in.Name, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_-") != "":
		return refuseParameter("the name must be 1 to 255 letters, digits, _ or -"), true
	case s.keypairStore[project+"/"+in.Name] != nil:
		// KPS publishes no code for a name already taken; KPS.0002 is its
		// code for every request it refuses as asked.
		return refuseParameter("the key pair name already exists"), true
	case in.KeyProtection != nil && in.PublicKey != "" && in.KeyProtection.PrivateKey == "":
		// A public key imported with nothing to host (Huawei's provider issue 7049).
		return refuseParameter("key_protection.private_key is required when a public key is imported with key protection"), true
	case in.Type != "" && in.Type != "ssh" && in.Type != "x509":
		return refuseParameter("type must be ssh or x509"), true
	case in.Scope != "" && in.Scope != "user" && in.Scope != "domain":
		return refuseParameter("scope must be user or domain"), true
	}
	if in.KeyProtection != nil {
		return encryptionRefusal(in.KeyProtection)
	}
	return keypairAnswer{}, false
}

// newKeypair is the key pair a create makes, and whether KPS generated it
// (no public key was sent). The caller holds s.mu.
func (s *Server) newKeypair(in *keypairInput) (kp *Keypair, generated bool) {
	kp = &Keypair{Type: cmp.Or(in.Type, "ssh"), Scope: cmp.Or(in.Scope, "user"), UserID: cmp.Or(in.UserID, "fake-user"),
		PublicKey: in.PublicKey, CreatedAt: s.now()}
	generated = kp.PublicKey == ""
	if generated {
		kp.PublicKey = generatedPublicKey(in.Name)
	}
	if kprot := in.KeyProtection; kprot != nil {
		kp.Hosted, kp.Encryption, kp.PrivateKey = true, kprot.Encryption.Type, kprot.PrivateKey
		if generated {
			kp.PrivateKey = PrivateKeyOf(in.Name)
		}
	}
	return kp, generated
}

// keypairDetail is a key pair as GET .../keypairs/{name} answers it.
func (s *Server) keypairDetail(name string, kp *Keypair) map[string]any {
	created := kp.CreatedAt.Unix()
	if s.keypairs.timesInMillis {
		created = kp.CreatedAt.UnixMilli()
	}
	detail := map[string]any{
		"name": name, "id": 1, "type": kp.Type, "scope": kp.Scope, "public_key": kp.PublicKey,
		"fingerprint": fingerprintOf(kp.PublicKey), "is_key_protection": kp.Hosted, "deleted": false,
		"description": kp.Description, "user_id": kp.UserID, "create_time": created, "frozen_state": kp.FrozenState,
	}
	if kp.NoCreateTime {
		delete(detail, "create_time")
	}
	return detail
}

// listKeypairs answers one page, in name order, after the marker (the name
// of the last key pair of the page before). A marker is honoured only with
// a limit, which defaults to 50, as KPS's older pages say; the list model
// sends frozen_state as a string.
func (s *Server) listKeypairs(route keypairRoute) keypairAnswer {
	limit, marker := route.limit, route.marker
	if limit == 0 {
		limit, marker = 50, ""
	}
	return keypairAnswer{status: http.StatusOK, body: s.keypairPage(route.project, marker, limit)}
}

// KeypairListPage is the most key pairs the stand-in answers a page, unless
// WithKeypairPage says otherwise.
const KeypairListPage = 1000

func (s *Server) keypairPage(project, marker string, limit int) map[string]any {
	var names []string
	for key := range s.keypairStore {
		if name, ok := strings.CutPrefix(key, project+"/"); ok && name > marker {
			names = append(names, name)
		}
	}
	slices.Sort(names)
	limit = min(limit, cmp.Or(s.keypairs.maxPage, KeypairListPage))
	next := ""
	if len(names) > limit {
		names = names[:limit]
		next = names[limit-1]
	}
	items := make([]map[string]any, 0, len(names))
	for _, name := range names {
		kp := s.keypairStore[project+"/"+name]
		items = append(items, map[string]any{"keypair": map[string]any{
			"name": name, "type": kp.Type, "scope": kp.Scope, "public_key": kp.PublicKey,
			"fingerprint": fingerprintOf(kp.PublicKey), "is_key_protection": kp.Hosted,
			"frozen_state": strconv.Itoa(kp.FrozenState),
		}})
	}
	pageInfo := map[string]any{"current_count": len(items)}
	if next != "" {
		pageInfo["next_marker"] = next
	}
	return map[string]any{"keypairs": items, "page_info": pageInfo}
}

// DeleteKeypairOf deletes a key pair, as someone outside Terraform does.
func (s *Server) DeleteKeypairOf(projectID, name string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	delete(s.keypairStore, projectID+"/"+name)
}

// SetKeypairPublicKey changes the public key KPS reports for a key pair, as
// KPS giving an imported key back in another form does.
func (s *Server) SetKeypairPublicKey(projectID, name, publicKey string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if kp := s.keypairStore[projectID+"/"+name]; kp != nil {
		kp.PublicKey = publicKey
	}
}
