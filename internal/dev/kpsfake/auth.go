package kpsfake

import (
	"bytes"
	"io"
	"net/http"
	"time"
)

// The gateway's 401 messages, as it sends them.
const (
	msgSignatureFail = "Incorrect IAM authentication information: verify aksk signature fail"
	msgKeyLocked     = "Incorrect IAM authentication information: AK access failed to reach the limit,forbidden"
	msgTokenInvalid  = "Incorrect IAM authentication information: decrypt token fail"
	msgNoCredentials = "Incorrect IAM authentication information: x-auth-token not found"
)

// keyLockAfter and keyLockFor: five refusals in a row lock an access key for
// five minutes, as the gateway does; a client that retried 401s would lock
// its user out.
const (
	keyLockAfter = 5
	keyLockFor   = 5 * time.Minute
)

// accessKey is a key pair the stand-in accepts.
type accessKey struct {
	secret        string
	securityToken string // set for a temporary key, which must send it

	failures    int
	lockedUntil time.Time
}

// AddAccessKey makes the stand-in accept requests signed with ak and sk. With
// securityToken set the key is temporary: requests must also carry it as
// X-Security-Token, or the gateway says the key does not exist.
func (s *Server) AddAccessKey(ak, sk, securityToken string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.keys[ak] = &accessKey{secret: sk, securityToken: securityToken}
}

// Signatures are the signatures of every signed request received, in order,
// for tests that check no log line shows one.
func (s *Server) Signatures() []string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]string(nil), s.signatures...)
}

// authenticate checks r's credentials as the gateway does: a token, or a
// signature by a known access key. It returns the gateway's 401 message, or
// "" when the credentials are accepted.
func (s *Server) authenticate(r *http.Request) string {
	if token := r.Header.Get("X-Auth-Token"); token != "" {
		if token != s.token {
			return msgTokenInvalid
		}
		return ""
	}
	sr, err := parseAuthorization(r.Header.Get("Authorization"))
	if err != nil {
		return msgNoCredentials
	}
	// A body is signed too; it is put back for the handler to read.
	body, _ := io.ReadAll(io.LimitReader(r.Body, 1<<20))
	r.Body = io.NopCloser(bytes.NewReader(body))

	s.mu.Lock()
	defer s.mu.Unlock()
	s.signatures = append(s.signatures, sr.signature)
	now := s.now()
	key := s.keys[sr.accessKey]
	switch {
	case key == nil:
		return notExist(sr.accessKey)
	case now.Before(key.lockedUntil):
		return msgKeyLocked
	case key.securityToken != "" && r.Header.Get("X-Security-Token") != key.securityToken:
		// A temporary key is known only together with its token.
		return key.refuse(now, notExist(sr.accessKey))
	case !verifySignature(r, body, sr, key.secret, now):
		return key.refuse(now, msgSignatureFail)
	}
	key.failures = 0
	return ""
}

// refuse counts a failure of the key, locking it after keyLockAfter in a row.
func (k *accessKey) refuse(now time.Time, msg string) string {
	k.failures++
	if k.failures >= keyLockAfter {
		k.failures, k.lockedUntil = 0, now.Add(keyLockFor)
	}
	return msg
}

func notExist(ak string) string {
	return "Incorrect IAM authentication information: ak " + ak + " not exist"
}
