// Package huaweiauth works out how the provider authenticates to Huawei Cloud
// (a token, an access key, or a KooCLI profile), signs requests with an access
// key, and finds the project of a region from IAM. It knows nothing of
// Terraform, and nothing of KPS: the provider maps attributes onto Settings,
// and the KPS client calls Credentials.Authorize on every attempt it sends.
package huaweiauth

import (
	"net/http"
	"strings"
)

// Header names the gateway reads credentials from.
const (
	HeaderAuthToken     = "X-Auth-Token"     //nolint:gosec // a header name, not a credential
	HeaderSecurityToken = "X-Security-Token" //nolint:gosec // a header name, not a credential
	HeaderSdkDate       = "X-Sdk-Date"
	HeaderAuthorization = "Authorization"
)

// Method is how requests are authenticated.
type Method int

const (
	// MethodToken sends an IAM user token as X-Auth-Token.
	MethodToken Method = iota + 1
	// MethodAccessKey signs every request with an access key pair.
	MethodAccessKey
)

// Credentials are the resolved credentials of one provider. They are safe for
// concurrent use: Authorize only reads them.
type Credentials struct {
	Method        Method
	Token         string
	AccessKey     string
	SecretKey     string
	SecurityToken string // set for temporary (STS) keys

	// Source says where the credentials came from, for messages: "the provider
	// block", "the environment", or `profile "x" of /path/config.json`.
	Source string
	// FromProfile is set when the keys came from a KooCLI profile, whose keys
	// may be stored encrypted.
	FromProfile bool
}

// Authorize adds the credentials to one attempt of a request. Called on every
// attempt, retries included, it gives each signed attempt a fresh X-Sdk-Date,
// so a retry after a long pause is not refused for an old date.
func (c *Credentials) Authorize(req *http.Request) error {
	switch c.Method {
	case MethodToken:
		req.Header.Set(HeaderAuthToken, c.Token)
		return nil
	case MethodAccessKey:
		return c.sign(req)
	}
	return errNoMethod
}

// Secrets are the values that must never be shown: in logs, errors or state.
func (c *Credentials) Secrets() []string {
	var s []string
	for _, v := range []string{c.Token, c.SecretKey, c.SecurityToken} {
		if v != "" {
			s = append(s, v)
		}
	}
	return s
}

// UnauthorizedHint says what to check when the gateway refuses the credentials
// with HTTP 401.
func (c *Credentials) UnauthorizedHint() string {
	if c.Method == MethodToken {
		return "the token is missing, invalid or expired (IAM tokens last 24 hours); " +
			"set token (HW_AUTH_TOKEN) to a fresh IAM user token"
	}
	var b strings.Builder
	b.WriteString("the gateway refused the access key from " + c.Source + ". Check access_key and secret_key " +
		"(HW_ACCESS_KEY, HW_SECRET_KEY); the machine's clock must be within 15 minutes of the right time; " +
		"temporary keys need their security_token (HW_SECURITY_TOKEN); five failures in a row lock the key for five minutes")
	if c.FromProfile {
		b.WriteString(". KooCLI encrypts the keys it stores unless told not to, and an encrypted key cannot be told " +
			"from a plain one: run `hcloud configure set --cli-auth-encrypt=false` and store the profile again")
	}
	return b.String()
}

// TokenCredentials are credentials that send token as X-Auth-Token.
func TokenCredentials(token string) *Credentials {
	return &Credentials{Method: MethodToken, Token: token, Source: "a token"}
}
