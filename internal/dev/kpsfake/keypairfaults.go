package kpsfake

import (
	"net/http"
	"slices"
	"strings"
	"time"
)

// What can go wrong around the key-pair calls, beyond the refusals KPS
// documents: gateway faults on any call, creates that land after the
// gateway gave up on them, and errors that quote the private key sent.

// keypairCalls are the names of the key-pair calls, as parseKeypairPath
// names them.
var keypairCalls = []string{"create", "list", "get", "put", "delete", "import", "export", "clear"}

// landingKeypair is a key pair a create made too late for its answer: it is
// stored at key (project_id + "/" + name) when the next create arrives.
type landingKeypair struct {
	key string
	kp  *Keypair
}

// FailKeypairCalls makes the next requests of the key-pair call named call
// answer faults, one each, in order, after any faults already waiting for
// that call. call is one of "create", "list", "get", "put", "delete",
// "import", "export" and "clear"; any other name panics, since a misspelt
// one would never fail anything. A fault answers before the request is
// otherwise looked at: a failed create makes nothing, though CreateRequests
// counts it, as ExportRequests counts a failed export. A FaultSlow waits
// its Delay, then the request is served as usual.
func (s *Server) FailKeypairCalls(call string, faults ...Fault) {
	mustBeKeypairCall(call)
	s.mu.Lock()
	defer s.mu.Unlock()
	s.keypairs.faults[call] = append(s.keypairs.faults[call], faults...)
}

// KeypairCallCount counts the requests of the key-pair call named call (as
// FailKeypairCalls names them) that reached the stand-in past the gateway's
// authentication and rate limit, faults and refusals included.
func (s *Server) KeypairCallCount(call string) int {
	mustBeKeypairCall(call)
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.keypairs.calls[call]
}

// LandCreatesLate makes the next n creates that KPS would accept answer 504
// APIGW.0204 without storing their key pair at once, as a backend whose
// create finishes after the gateway gave up does. Each key pair, as that
// create would have made it, is stored when the next create arrives, before
// that create is looked at, so a retry of the same create is refused as a
// duplicate. A create KPS refuses answers its refusal as usual and is not
// one of the n.
func (s *Server) LandCreatesLate(n int) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.keypairs.lateCreates = n
}

// QuoteKeyLineInErrors makes the next create or private-key import that
// sends a private key answer 400 KPS.0002 with the longest line of that key
// in its message ("parameter error: invalid private key near: LINE"), as a backend echoing what it could not parse might, and
// store nothing; once. A request answered before its key is read (a fault,
// a key pair that does not exist) does not use it up.
func (s *Server) QuoteKeyLineInErrors() {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.keypairs.quoteKeyLine = true
}

func mustBeKeypairCall(call string) {
	if !slices.Contains(keypairCalls, call) {
		panic("kpsfake: unknown key-pair call " + call + "; want one of " + strings.Join(keypairCalls, ", "))
	}
}

// arriveKeypairCall does what happens to a key-pair request before it is
// read: it is counted, a create lands the key pairs of late creates, and a
// scripted fault answers. It reports whether the request goes on to be
// served.
func (s *Server) arriveKeypairCall(w http.ResponseWriter, r *http.Request, call, requestID string) bool {
	s.mu.Lock()
	s.keypairs.calls[call]++
	if call == "create" {
		s.landLateCreates()
	}
	f, faulted := s.nextKeypairFault(call)
	s.mu.Unlock()
	switch {
	case !faulted:
		return true
	case f.Kind == FaultSlow:
		select {
		case <-time.After(f.Delay):
			return true
		case <-r.Context().Done():
			return false
		}
	}
	f.write(w, r, requestID)
	return false
}

// nextKeypairFault takes the next fault scripted for call. A fault that
// answers in place of the call counts as a create or an export, which are
// otherwise counted where they are carried out. The caller holds s.mu.
func (s *Server) nextKeypairFault(call string) (Fault, bool) {
	queue := s.keypairs.faults[call]
	if len(queue) == 0 {
		return Fault{}, false
	}
	f := queue[0]
	s.keypairs.faults[call] = queue[1:]
	if f.Kind != FaultSlow {
		switch call {
		case "create":
			s.keypairs.createRequests++
		case "export":
			s.keypairs.exportRequests++
		}
	}
	return f, true
}

// landLateCreates stores the key pairs of creates that answered 504. One
// made under the same name in the meantime (AddKeypair) is kept, not
// overwritten. The caller holds s.mu.
func (s *Server) landLateCreates() {
	for _, l := range s.keypairs.landing {
		if s.keypairStore[l.key] == nil {
			s.keypairStore[l.key] = l.kp
		}
	}
	s.keypairs.landing = nil
}

// quotedKeyRefusal refuses a private key by quoting its longest line, once
// QuoteKeyLineInErrors asked for it. The caller holds s.mu.
func (s *Server) quotedKeyRefusal(kprot *keyProtection) (keypairAnswer, bool) {
	if !s.keypairs.quoteKeyLine || kprot == nil || kprot.PrivateKey == "" {
		return keypairAnswer{}, false
	}
	s.keypairs.quoteKeyLine = false
	return refuseParameter("invalid private key near: " + LongestLine(kprot.PrivateKey)), true
}

// LongestLine is the longest line of a key's text, white space trimmed, the
// first of several as long: a piece of the key long enough to be found
// nowhere else. The stand-in quotes it in an error; tests look for it
// where no private key may be (a log, a state, an error).
func LongestLine(key string) string {
	longest := ""
	for line := range strings.Lines(key) {
		if line = strings.TrimSpace(line); len(line) > len(longest) {
			longest = line
		}
	}
	return longest
}
