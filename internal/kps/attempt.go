package kps

import (
	"context"
	"io"
	"net/http"
	"time"
)

// attemptTimeoutTransport bounds one network attempt, the body included, by
// timeout. It sits under the request budget, so that the time a request
// waits for its turn (up to budget.MaxWait) is not taken for a gateway that
// does not answer, as http.Client.Timeout, which covers the whole transport,
// would take it.
type attemptTimeoutTransport struct {
	timeout time.Duration
	next    http.RoundTripper
}

func (t attemptTimeoutTransport) RoundTrip(req *http.Request) (*http.Response, error) {
	ctx, cancel := context.WithTimeout(req.Context(), t.timeout)
	resp, err := t.next.RoundTrip(req.WithContext(ctx))
	if err != nil {
		cancel()
		return nil, err
	}
	resp.Body = cancelOnClose{ReadCloser: resp.Body, cancel: cancel}
	return resp, nil
}

// cancelOnClose ends an attempt's context once its body is closed.
type cancelOnClose struct {
	io.ReadCloser
	cancel context.CancelFunc
}

func (c cancelOnClose) Close() error {
	err := c.ReadCloser.Close()
	c.cancel()
	return err
}
