package kps

import (
	"context"
	"net/http"
	"net/http/httptrace"
	"sync/atomic"
)

// A request that changes something and is not safe to repeat (a POST that
// starts a task or creates a key pair) must not be sent twice blindly: a
// timeout, a reset after the request was written, or a 5xx may mean the API
// acted on it. Such a request is sent "once only": the retry policy retries
// it only where it surely did not reach the API (a 429, which the gateway
// answers for KPS, or a failure before the request was written), and the
// error says when it may have. What to do then (look for the task or the key
// pair it may have made) is the caller's business. A request that is safe to
// send again (a PUT, a DELETE, an export) is marked repeatable and retried
// like a read.

// sendState follows whether the current attempt of a once-only request was
// written to the connection.
type sendState struct{ written atomic.Bool }

type onceOnlyKey struct{}

// withOnceOnly marks the request sent with ctx as once-only.
func withOnceOnly(ctx context.Context) (context.Context, *sendState) {
	s := &sendState{}
	return context.WithValue(ctx, onceOnlyKey{}, s), s
}

func onceOnlyFrom(ctx context.Context) *sendState {
	s, _ := ctx.Value(onceOnlyKey{}).(*sendState)
	return s
}

// mayHaveReached reports whether the last attempt was written whole, so
// that the API may have acted on it whatever happened next. A nil state is
// a request that may always be sent again: a GET, or one marked repeatable.
func (s *sendState) mayHaveReached() bool { return s != nil && s.written.Load() }

// writeTracingTransport records, for a once-only request, whether each
// attempt was written. It sits at the bottom of the stack, under the budget's
// own re-sends, so that every attempt starts afresh.
type writeTracingTransport struct{ next http.RoundTripper }

func (t writeTracingTransport) RoundTrip(req *http.Request) (*http.Response, error) {
	s := onceOnlyFrom(req.Context())
	if s == nil {
		return t.next.RoundTrip(req)
	}
	s.written.Store(false)
	trace := &httptrace.ClientTrace{WroteRequest: func(info httptrace.WroteRequestInfo) {
		if info.Err == nil {
			s.written.Store(true)
		}
	}}
	return t.next.RoundTrip(req.WithContext(httptrace.WithClientTrace(req.Context(), trace)))
}

// retryOnceOnly is the retry policy of a once-only request: a 429 is the
// gateway's refusal, sent for KPS, and a failure before the request was
// written never reached it; every other failure may have, and a 2xx whose
// body is unusable surely did.
func retryOnceOnly(s *sendState, resp *http.Response, err error) bool {
	if err != nil {
		return !s.mayHaveReached() && transientTransportError(err)
	}
	return resp.StatusCode == http.StatusTooManyRequests
}

// rewound is req ready to be sent again: its body, which the last attempt
// read, restored from GetBody.
func rewound(req *http.Request) (*http.Request, error) {
	if req.Body == nil || req.Body == http.NoBody || req.GetBody == nil {
		return req, nil
	}
	body, err := req.GetBody()
	if err != nil {
		return nil, err
	}
	again := req.Clone(req.Context())
	again.Body = body
	return again, nil
}
