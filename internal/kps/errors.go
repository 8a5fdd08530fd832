package kps

import (
	"errors"
	"fmt"
	"net"
	"net/http"
	"slices"
	"strings"
	"time"
)

// ResponseError is any answer from the API that is not the usable answer
// asked for (a task, a key pair, a list page): an error status, a redirect,
// or a body that is not the JSON expected. It carries what
// was asked and what came back, so that a user (or support, with the request ID)
// can tell what happened without turning on debug logs.
type ResponseError struct {
	Method string
	URL    string

	StatusCode  int
	ContentType string
	RequestID   string // X-Request-Id, or request_id from the body
	Location    string // the target of a redirect, which is never followed

	// RetryAfter is how long the API asked the caller to wait (the Retry-After
	// header, in seconds or as an HTTP date); zero when it did not ask.
	RetryAfter time.Duration

	ErrorCode string // error_code from an API or gateway error body
	ErrorMsg  string // error_msg from an API or gateway error body

	// Attempts is how many requests it took, retries included.
	Attempts int

	// Problem says what was wrong with a body that could not be used, and
	// Snippet shows its first bytes (at most 200, with secrets masked).
	Problem string
	Snippet string
	// Unusable is a 200 whose body was cut off, empty or not JSON: the
	// client retried it, and a wait polls on after it.
	Unusable bool

	// UnauthorizedHint is the hint for a 401, which depends on how the
	// request was authenticated; ForbiddenHint the hint for a 403, which
	// depends on what was asked.
	UnauthorizedHint, ForbiddenHint string
	// NotFoundHint is the hint for an answer that says the object asked for
	// does not exist (Gone); empty for requests that name nothing that
	// could be missing.
	NotFoundHint string
	// Gone is set for an answer that says, by its status and error_code,
	// that the object asked for does not exist (see IsGone).
	Gone bool
	// KMSHint is the hint for KMS failing to encrypt or store a key: the
	// KMS actions the call needs.
	KMSHint string
}

// Error reads as one sentence: what was asked, what came back, and a hint.
func (e *ResponseError) Error() string {
	var b strings.Builder
	fmt.Fprintf(&b, "%s %s: HTTP %d", e.Method, e.URL, e.StatusCode)
	if text := http.StatusText(e.StatusCode); text != "" {
		fmt.Fprintf(&b, " %s", text)
	}
	if e.ErrorCode != "" {
		fmt.Fprintf(&b, ", error_code %s", e.ErrorCode)
	}
	if e.ErrorMsg != "" {
		fmt.Fprintf(&b, ", error_msg %q", e.ErrorMsg)
	}
	if e.RequestID != "" {
		fmt.Fprintf(&b, ", X-Request-Id %s", e.RequestID)
	}
	if e.Attempts > 1 {
		fmt.Fprintf(&b, " (after %d attempts)", e.Attempts)
	}
	if e.Problem != "" {
		fmt.Fprintf(&b, "; %s (Content-Type %q)", e.Problem, e.ContentType)
		if e.Snippet != "" {
			fmt.Fprintf(&b, "; body begins %q", e.Snippet)
		}
	}
	if hint := e.Hint(); hint != "" {
		fmt.Fprintf(&b, ". Hint: %s", hint)
	}
	return b.String()
}

// Hint says what the user can do about the error, where there is something to say.
func (e *ResponseError) Hint() string {
	switch {
	case e.StatusCode >= 300 && e.StatusCode < 400:
		target := ""
		if e.Location != "" {
			target = " to " + e.Location
		}
		return "the API redirected" + target + "; the provider never follows redirects, so that credentials " +
			"go to no other host. Check endpoint (HW_KPS_ENDPOINT) and region"
	case (e.StatusCode == http.StatusUnauthorized || e.StatusCode == http.StatusForbidden) && accountRefusals[e.ErrorCode] != "":
		return accountRefusals[e.ErrorCode]
	case e.StatusCode == http.StatusUnauthorized:
		return e.UnauthorizedHint
	case e.StatusCode == http.StatusForbidden && e.ErrorCode == CodeKeypairVerifyFailed:
		return "" // about the key pair, not a permission: KPS's message says it
	case e.StatusCode == http.StatusForbidden:
		return e.ForbiddenHint
	case e.IsNoSuchAPI():
		return "the gateway knows no such API; check endpoint (HW_KPS_ENDPOINT) and region (HW_REGION_NAME)"
	case e.Gone:
		return e.NotFoundHint
	case e.StatusCode == http.StatusBadRequest && slices.Contains(kmsFailures, e.ErrorCode) && e.KMSHint != "":
		return e.KMSHint
	case e.Problem != "" && e.StatusCode >= 500:
		return "a gateway or proxy answered instead of KPS; this is usually passing trouble on the cloud's side"
	}
	return ""
}

// IsNoSuchAPI reports the gateway's answer to a path it does not serve, which
// means the endpoint or region is wrong rather than the object asked for.
func (e *ResponseError) IsNoSuchAPI() bool {
	return e.StatusCode == http.StatusNotFound && e.ErrorCode == "APIGW.0101"
}

// IsGone reports whether err is the API saying, for certain, that the
// object asked for does not exist: a 404 (but not the gateway's "no such
// API"), or a 400 whose error_code is KPS's code for that kind of object
// missing (KPS.4016 and KPS.6004 for a key pair, KPS.0005 for a failed-task
// record; see codes.go). Decided by code, never by the message's words.
func IsGone(err error) bool {
	var re *ResponseError
	return errors.As(err, &re) && re.Gone
}

// IsTransient reports whether err may go away by itself: throttling, a
// server-side failure, or no answer at all (but not a cancelled request, nor
// one that failed in a way that will not pass, such as an untrusted TLS
// certificate). The client retries such errors, and a wait polls on after
// them; every other error is final.
func IsTransient(err error) bool {
	var re *ResponseError
	if errors.As(err, &re) {
		return transientStatus(re.StatusCode) || re.Unusable
	}
	var rq *RequestError
	return errors.As(err, &rq) && rq.Transient
}

// transientStatus is the statuses that mean "try again".
func transientStatus(code int) bool {
	switch code {
	case http.StatusTooManyRequests, http.StatusInternalServerError, http.StatusBadGateway,
		http.StatusServiceUnavailable, http.StatusGatewayTimeout:
		return true
	}
	return false
}

// RetryAfter returns the wait the API asked for with err, if any.
func RetryAfter(err error) time.Duration {
	var re *ResponseError
	if errors.As(err, &re) {
		return re.RetryAfter
	}
	return 0
}

// RequestError is a request that got no answer at all: refused or reset
// connections, timeouts, TLS failures, cancellation.
type RequestError struct {
	Method   string
	URL      string
	Attempts int
	Err      error
	// Transient is whether trying again may help: false once the caller has
	// cancelled, or for failures that will not pass (see IsTransient).
	Transient bool
	// MayHaveReached is set for a request sent once only (a create, a
	// start: see once.go) whose last attempt was written before it failed:
	// the API may have acted on it.
	MayHaveReached bool
	// HeadersReceived is set when an answer began (its status line came)
	// and its body could not be read: something does answer there.
	HeadersReceived bool
	// Unreachable says why the endpoint as configured can never answer
	// (see endpointProblem): the request was not retried.
	Unreachable string
}

func (e *RequestError) Error() string {
	if isSpent(e.Err) {
		return fmt.Sprintf("%s %s: not sent: %v", e.Method, e.URL, e.Err)
	}
	tries := ""
	if e.Attempts > 1 {
		tries = fmt.Sprintf(" after %d attempts", e.Attempts)
	}
	msg := fmt.Sprintf("%s %s: no answer%s: %v", e.Method, e.URL, tries, e.Err)
	switch {
	case e.Unreachable != "":
		return msg + ". Hint: " + e.Unreachable + "; " + endpointHint
	case NeverConnected(e):
		return msg + ". Hint: nothing accepted a connection there (a wrong port or host?); " + endpointHint
	}
	return msg
}

func (e *RequestError) Unwrap() error { return e.Err }

// CannotConnect reports whether err is a request that could not even
// connect, in a way that may pass: a refused connection, a name that does
// not resolve, a host that does not answer the dial. Before any answer has
// come, that is a wrong endpoint more likely than a blip. A connection
// reset, or a gateway that accepts and then says nothing, is not: something
// is there.
func CannotConnect(err error) bool {
	var re *RequestError
	return errors.As(err, &re) && re.Transient && NeverConnected(err)
}

// NeverConnected reports whether err is a request whose last attempt could
// not connect, as CannotConnect, but whether or not trying again could
// help: a request that its caller's deadline cut short while it retried a
// refused connection never connected either.
func NeverConnected(err error) bool {
	var re *RequestError
	var op *net.OpError
	return errors.As(err, &re) && !re.HeadersReceived && errors.As(re.Err, &op) && op.Op == "dial"
}

// MayHaveActed reports whether a request that changes something, which
// failed with err, may still have been acted on by the API: it was written
// and then got no answer, or a 5xx, or a success whose body could not be
// read. Sending it again could then do the work twice. A 4xx, a 429 or a
// failure before sending means the API did nothing.
func MayHaveActed(err error) bool {
	var rq *RequestError
	if errors.As(err, &rq) {
		return rq.MayHaveReached
	}
	var re *ResponseError
	return errors.As(err, &re) && (re.StatusCode >= 500 || (re.StatusCode >= 200 && re.StatusCode < 300))
}

// IsBadRequest reports whether err is KPS refusing a request as asked: a
// 400 with its error object, KPS's one documented error status. It did
// nothing; what it refused is in the code and message.
func IsBadRequest(err error) bool {
	var re *ResponseError
	return errors.As(err, &re) && re.StatusCode == http.StatusBadRequest && re.Problem == ""
}
