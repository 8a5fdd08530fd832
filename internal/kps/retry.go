package kps

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"math/rand/v2"
	"net/http"
	"time"

	"github.com/hashicorp/go-retryablehttp"
)

// Retry timing. The gateway's guidance is to retry 429, 500, 502 and 504 a few
// times, a few seconds apart: pauses of about 1, 2, 4, 8 and 16 s do that.
const (
	DefaultRetryWaitMin = time.Second
	DefaultRetryWaitMax = 30 * time.Second
	// MaxRetryAfter bounds how long a Retry-After can hold one request, so a
	// bad header cannot stall a run.
	MaxRetryAfter = 60 * time.Second
)

// newRetryingClient wraps httpClient in go-retryablehttp with the contract's
// policy: only failures that may pass are retried, at most maxRetries times.
func newRetryingClient(httpClient *http.Client, maxRetries int, waitMin, waitMax time.Duration) *retryablehttp.Client {
	return &retryablehttp.Client{
		HTTPClient:   httpClient,
		Logger:       nil, // requests are logged through tflog by the transport
		RetryWaitMin: waitMin,
		RetryWaitMax: waitMax,
		RetryMax:     maxRetries,
		CheckRetry:   retryPolicy,
		Backoff:      backoff,
		// After the last try, hand back the last answer so that the caller
		// can show what the API said, rather than a bare "giving up".
		ErrorHandler: retryablehttp.PassthroughErrorHandler,
	}
}

// retryPolicy retries a request that got no answer (but not one that was
// cancelled, or failed in a way that will not pass, such as a TLS certificate
// error), the statuses that mean "try again": 429, 500, 502, 503, 504, and a
// 200 whose body was cut off, empty or not JSON (for a call whose answer has
// a body at all).
func retryPolicy(ctx context.Context, resp *http.Response, err error) (bool, error) {
	if ctx.Err() != nil {
		return false, ctx.Err()
	}
	if once := onceOnlyFrom(ctx); once != nil {
		return retryOnceOnly(once, resp, err), nil
	}
	if err != nil {
		return transientTransportError(err), nil
	}
	if resp.StatusCode == http.StatusOK && !noBodyExpected(ctx) {
		return !bodyLooksWhole(resp, bodyLimit(ctx)), nil
	}
	return transientStatus(resp.StatusCode), nil
}

// transientTransportError reports whether a request that got no answer may
// get one if tried again. The library's policy knows which transport errors
// are final: an untrusted certificate, a bad scheme or header; so are a
// host that does not resolve and a failed TLS handshake (unreachable.go). A
// request the budget did not send, its quota spent for longer than it
// waits or its send gate shut, is final too.
func transientTransportError(err error) bool {
	if isSpent(err) || isNotSent(err) || endpointProblem(err) != "" {
		return false
	}
	retry, _ := retryablehttp.DefaultRetryPolicy(context.Background(), nil, err)
	return retry
}

// bodyLooksWhole reads a 200's body, up to the size limit, and reports
// whether it is JSON: a connection dropped mid-body, an empty answer or a
// proxy's HTML page in its place are passing trouble, worth another try. The
// body is put back as it was read, for the caller (or the next retry's
// drain). A body over the limit counts as whole: it is an error, not one
// that passes.
func bodyLooksWhole(resp *http.Response, limit int) bool {
	body, readErr := io.ReadAll(io.LimitReader(resp.Body, int64(limit)+1))
	putBack(resp, body, readErr)
	if readErr != nil {
		return false
	}
	return len(body) > limit || json.Valid(body)
}

// putBack restores a body whose first bytes, head, were read already, with
// the error that reading ended on, for whoever reads the answer next.
func putBack(resp *http.Response, head []byte, err error) {
	resp.Body = struct {
		io.Reader
		io.Closer
	}{io.MultiReader(bytes.NewReader(head), errReader{err}, resp.Body), resp.Body}
}

// errReader replays the error a body's first read ended with; with none, it
// is empty, and a reader after it in a MultiReader carries on.
type errReader struct{ err error }

func (r errReader) Read([]byte) (int, error) {
	if r.err != nil {
		return 0, r.err
	}
	return 0, io.EOF
}

// backoff doubles from waitMin to waitMax, each pause drawn between half and
// all of its step so that clients throttled together do not retry in step. A
// Retry-After is honoured up to MaxRetryAfter, even beyond waitMax.
func backoff(waitMin, waitMax time.Duration, attempt int, resp *http.Response) time.Duration {
	var header http.Header
	if resp != nil {
		header = resp.Header
	}
	return pauseBeforeRetry(waitMin, waitMax, attempt, header)
}

func pauseBeforeRetry(waitMin, waitMax time.Duration, attempt int, header http.Header) time.Duration {
	if ra := parseRetryAfter(header.Get("Retry-After"), time.Now()); ra > 0 {
		return min(ra, MaxRetryAfter)
	}
	step := waitMin
	for i := 0; i < attempt && step < waitMax; i++ {
		step *= 2
	}
	step = min(step, waitMax)
	return step/2 + time.Duration(rand.Int64N(int64(step/2)+1)) //nolint:gosec // jitter needs no cryptographic randomness
}
