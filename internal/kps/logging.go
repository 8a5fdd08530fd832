package kps

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"regexp"
	"slices"
	"time"

	"github.com/hashicorp/terraform-plugin-log/tflog"
)

// LogSubsystem is the tflog subsystem every request is logged under, so that
// TF_LOG_PROVIDER_KPS_KPS can turn it up or down on its own.
const LogSubsystem = "kps"

// secretHeaders are the request headers whose whole value is a credential.
var secretHeaders = []string{"X-Auth-Token", "X-Security-Token"}

// signaturePattern matches the signature in an Authorization header. The rest
// of the header (algorithm, access key ID, signed headers) is no secret, and
// helps tell why a signature was refused.
var signaturePattern = regexp.MustCompile(`Signature=[0-9A-Fa-f]+`)

// withLogging prepares ctx for request logs: the subsystem, and masks so that
// no secret shows in a log line, whether as a header, a field or in a body.
func withLogging(ctx context.Context, secrets masker) context.Context {
	ctx = tflog.NewSubsystem(ctx, LogSubsystem)
	ctx = tflog.SubsystemMaskFieldValuesWithFieldKeys(ctx, LogSubsystem, secretHeaders...)
	ctx = tflog.SubsystemMaskAllFieldValuesRegexes(ctx, LogSubsystem, signaturePattern, privateKeyPattern)
	ctx = tflog.SubsystemMaskMessageRegexes(ctx, LogSubsystem, signaturePattern, privateKeyPattern)
	// The lines of every secret seen so far in the process, too: a key
	// sent by one request may be quoted in pieces by another's answer.
	if masks := slices.Concat(secrets, knownSecretLines()); len(masks) > 0 {
		ctx = tflog.SubsystemMaskAllFieldValuesStrings(ctx, LogSubsystem, masks...)
		ctx = tflog.SubsystemMaskMessageStrings(ctx, LogSubsystem, masks...)
	}
	return ctx
}

// loggingTransport logs every attempt at DEBUG, retries included, with its
// number and duration. It sits under the retry loop, so it sees each try.
type loggingTransport struct{ next http.RoundTripper }

func (t loggingTransport) RoundTrip(req *http.Request) (*http.Response, error) {
	ctx := req.Context()
	attempt := countAttempt(ctx)
	start := time.Now()
	resp, err := t.next.RoundTrip(req)
	fields := map[string]any{
		"method": req.Method, "url": req.URL.String(), "attempt": attempt,
		"duration_ms": time.Since(start).Milliseconds(),
	}
	if err != nil {
		fields["error"] = err.Error()
		tflog.SubsystemDebug(ctx, LogSubsystem, "KPS request got no answer", fields)
		if ctx.Err() == nil {
			recordAttempt(ctx, fmt.Errorf("no answer: %w", unwrapURLError(err)))
		}
		return nil, err
	}
	recordAttempt(ctx, errors.New("HTTP "+resp.Status))
	fields["status"] = resp.StatusCode
	fields["request_id"] = resp.Header.Get("X-Request-Id")
	tflog.SubsystemDebug(ctx, LogSubsystem, "KPS request", fields)
	logRequestHeaders(ctx, req)
	return resp, nil
}

// logRequestHeaders logs at TRACE the authentication headers an attempt was
// sent with, which is what tells a refused signature's cause (the key, the
// date, the headers signed). The secrets in them are masked by withLogging.
func logRequestHeaders(ctx context.Context, req *http.Request) {
	fields := map[string]any{"url": req.URL.String()}
	for _, name := range []string{"X-Sdk-Date", "Authorization", "X-Auth-Token", "X-Security-Token"} {
		if v := req.Header.Get(name); v != "" {
			fields[name] = v
		}
	}
	tflog.SubsystemTrace(ctx, LogSubsystem, "KPS request headers", fields)
}

// maxLoggedBody is as much of a body as a log line shows: a task is a few
// hundred bytes, a key pair little more than its public key, and an error
// page needs no more to be recognised. A longer body (a list's page) is cut,
// and its size logged.
const maxLoggedBody = 4 << 10

// logBody logs the final answer's body at TRACE. Secrets are masked before
// the body is cut, so that a cut cannot leave part of one unmasked.
func logBody(ctx context.Context, req *http.Request, body []byte, secrets masker) {
	text := secrets.mask(string(body))
	fields := map[string]any{"url": req.URL.String(), "body": text[:min(len(text), maxLoggedBody)]}
	if len(body) > maxLoggedBody {
		fields["body_bytes"] = len(body)
	}
	tflog.SubsystemTrace(ctx, LogSubsystem, "KPS response body", fields)
}

type attemptCounterKey struct{}

// attemptLog numbers the attempts of one request, and keeps what the last
// one got, for an error when the request is cut short between attempts.
type attemptLog struct {
	n    int
	last error // "HTTP 503 Service Unavailable", or why no answer came
}

// withAttemptCounter lets the transport number the attempts of one request.
func withAttemptCounter(ctx context.Context) (context.Context, *attemptLog) {
	a := new(attemptLog)
	return context.WithValue(ctx, attemptCounterKey{}, a), a
}

func countAttempt(ctx context.Context) int {
	a, ok := ctx.Value(attemptCounterKey{}).(*attemptLog)
	if !ok {
		return 1
	}
	a.n++
	return a.n
}

// recordAttempt keeps what an attempt got, as an error so that a cut-short
// request's error still says (errors.As) that it could not connect.
func recordAttempt(ctx context.Context, got error) {
	if a, ok := ctx.Value(attemptCounterKey{}).(*attemptLog); ok {
		a.last = got
	}
}
