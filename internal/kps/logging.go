package kps

import (
	"context"
	"net/http"
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

// logBody logs the final answer's body at TRACE; the subsystem masks the token.
func logBody(ctx context.Context, req *http.Request, body []byte) {
	tflog.SubsystemTrace(ctx, LogSubsystem, "KPS response body", map[string]any{
		"url": req.URL.String(), "body": string(body),
	})
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
