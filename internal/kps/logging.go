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

func logResponse(ctx context.Context, req *http.Request, resp *http.Response, body []byte, took time.Duration) {
	tflog.SubsystemDebug(ctx, LogSubsystem, "KPS request", map[string]any{
		"method":      req.Method,
		"url":         req.URL.String(),
		"status":      resp.StatusCode,
		"duration_ms": took.Milliseconds(),
		"request_id":  resp.Header.Get("X-Request-Id"),
	})
	tflog.SubsystemTrace(ctx, LogSubsystem, "KPS response body", map[string]any{
		"url":  req.URL.String(),
		"body": string(body),
	})
}

func logFailure(ctx context.Context, req *http.Request, err error, took time.Duration) {
	tflog.SubsystemDebug(ctx, LogSubsystem, "KPS request got no answer", map[string]any{
		"method":      req.Method,
		"url":         req.URL.String(),
		"error":       err.Error(),
		"duration_ms": took.Milliseconds(),
	})
}
