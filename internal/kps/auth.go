package kps

import (
	"fmt"
	"net/http"
	"strings"
)

// Authorizer authenticates requests. The client calls Authorize on every
// attempt, retries included, after the attempt has waited for the request
// budget, so that a signature's date is as fresh as it can be.
// internal/huaweiauth provides the provider's; the KPS client only uses it.
type Authorizer interface {
	// Authorize adds credentials to one attempt of a request.
	Authorize(req *http.Request) error
	// Secrets are values never to show in a log line, an error or a body.
	Secrets() []string
	// UnauthorizedHint says what to check when the gateway answers 401.
	UnauthorizedHint() string
}

// authorizingTransport authorises each attempt on a copy of the request: the
// retry layer sends one request many times, and a RoundTripper must not
// change the request it is given.
type authorizingTransport struct {
	auth Authorizer
	next http.RoundTripper
}

func (t authorizingTransport) RoundTrip(req *http.Request) (*http.Response, error) {
	attempt := req.Clone(req.Context())
	if err := t.auth.Authorize(attempt); err != nil {
		if req.Body != nil {
			_ = req.Body.Close()
		}
		return nil, fmt.Errorf("authenticating the request: %w", err)
	}
	return t.next.RoundTrip(attempt)
}

// masker hides the credentials' secrets in text shown to users or logs,
// and with them every PEM private key and every remembered line of a
// secret (see key_lines.go).
type masker []string

func (m masker) mask(s string) string {
	for _, secret := range m {
		s = strings.ReplaceAll(s, secret, "***")
	}
	return maskSecretLines(privateKeyPattern.ReplaceAllString(s, "***"))
}
