package kps

import (
	"context"
	"net/http"
	"strings"
	"time"

	"github.com/hashicorp/terraform-plugin-log/tflog"
)

// LogSubsystem is the tflog subsystem every request is logged under, so that
// TF_LOG_PROVIDER_KPS_KPS can turn it up or down on its own.
const LogSubsystem = "kps"

// withLogging prepares ctx for request logs: the subsystem, and masks so that
// the token shows in no log line, whether as a header, a field or in a body.
func withLogging(ctx context.Context, token string) context.Context {
	ctx = tflog.NewSubsystem(ctx, LogSubsystem)
	ctx = tflog.SubsystemMaskFieldValuesWithFieldKeys(ctx, LogSubsystem, AuthTokenHeader)
	if token != "" {
		ctx = tflog.SubsystemMaskAllFieldValuesStrings(ctx, LogSubsystem, token)
		ctx = tflog.SubsystemMaskMessageStrings(ctx, LogSubsystem, token)
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
		return nil, err
	}
	fields["status"] = resp.StatusCode
	fields["request_id"] = resp.Header.Get("X-Request-Id")
	tflog.SubsystemDebug(ctx, LogSubsystem, "KPS request", fields)
	return resp, nil
}

// maxLoggedBody is as much of a body as a log line shows: a task is a few
// hundred bytes, and an error page needs no more to be recognised.
const maxLoggedBody = 4 << 10

// logBody logs the final answer's body at TRACE. The token is masked before
// the body is cut, so that a cut cannot leave part of it unmasked.
func logBody(ctx context.Context, req *http.Request, body []byte, token string) {
	text := string(body)
	if token != "" {
		text = strings.ReplaceAll(text, token, "***")
	}
	fields := map[string]any{"url": req.URL.String(), "body": text[:min(len(text), maxLoggedBody)]}
	if len(body) > maxLoggedBody {
		fields["body_bytes"] = len(body)
	}
	tflog.SubsystemTrace(ctx, LogSubsystem, "KPS response body", fields)
}

type attemptCounterKey struct{}

// withAttemptCounter lets the transport number the attempts of one request.
func withAttemptCounter(ctx context.Context) (context.Context, *int) {
	n := new(int)
	return context.WithValue(ctx, attemptCounterKey{}, n), n
}

func countAttempt(ctx context.Context) int {
	n, ok := ctx.Value(attemptCounterKey{}).(*int)
	if !ok {
		return 1
	}
	*n++
	return *n
}
