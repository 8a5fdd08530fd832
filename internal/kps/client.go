// Package kps is a client for the API of Huawei Cloud's Key Pair Service:
// its tasks and task lists, the calls that start tasks and delete failed-task
// records, and the key pairs themselves. It decides by KPS's published error
// codes (codes.go), masks every secret a body carries, and knows nothing of
// Terraform: the provider turns what it returns into attributes and
// diagnostics.
package kps

import (
	"cmp"
	"context"
	"crypto/tls"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"time"

	"github.com/hashicorp/go-retryablehttp"

	"github.com/kpsops/terraform-provider-kps/internal/budget"
)

// DefaultRequestTimeout bounds one attempt, so that a gateway that accepts the
// connection and never answers cannot hold a Terraform run until its own
// timeout; the attempt is then retried like any request that got no answer.
const DefaultRequestTimeout = 30 * time.Second

// Config is what a Client needs. Endpoint must already have passed ParseEndpoint.
type Config struct {
	Endpoint *url.URL
	// Auth authenticates every attempt of every request.
	Auth      Authorizer
	UserAgent string
	Insecure  bool // skip TLS certificate verification

	// MaxRetries is how many times one request is retried after a transient
	// failure: no answer, 429, 500, 502, 503 or 504.
	MaxRetries int
	// RetryWaitMin and RetryWaitMax bound the pauses between retries; zero
	// means DefaultRetryWaitMin and DefaultRetryWaitMax. Tests shorten them.
	RetryWaitMin, RetryWaitMax time.Duration
	// RequestTimeout bounds each attempt; zero means DefaultRequestTimeout.
	RequestTimeout time.Duration

	// Remembered are limits an earlier run learned from 429s: the budget
	// keeps to them from the first request.
	Remembered []budget.Limit
	// Memory, when set, records the limits every stated 429 teaches, for the
	// next run. Failing to record them is logged, never an error.
	Memory LimitMemory
}

// LimitMemory records learned limits between runs (budget.FileMemory).
type LimitMemory interface {
	Remember(limits []budget.Limit, now time.Time) error
}

// Client calls the KPS API. It is safe for concurrent use, and one provider
// instance shares one Client among all its data sources, resources, actions
// and ephemeral and list resources.
type Client struct {
	endpoint  *url.URL
	secrets   masker
	authHint  string // the credentials' hint for a 401
	userAgent string
	timeout   time.Duration // of one attempt
	http      *retryablehttp.Client
}

// New returns a Client for cfg.
func New(cfg Config) (*Client, error) {
	if cfg.Endpoint == nil {
		return nil, errors.New("kps: no endpoint configured")
	}
	if cfg.Auth == nil {
		return nil, errors.New("kps: no credentials configured")
	}
	if cfg.MaxRetries < 0 {
		return nil, errors.New("kps: MaxRetries must not be negative")
	}
	waitMin, waitMax := cfg.RetryWaitMin, cfg.RetryWaitMax
	if waitMin <= 0 {
		waitMin = DefaultRetryWaitMin
	}
	if waitMax <= 0 {
		waitMax = DefaultRetryWaitMax
	}
	timeout := DefaultRequestTimeout
	if cfg.RequestTimeout > 0 {
		timeout = cfg.RequestTimeout
	}
	return &Client{
		endpoint: cfg.Endpoint, secrets: masker(cfg.Auth.Secrets()), authHint: cfg.Auth.UnauthorizedHint(), userAgent: cfg.UserAgent, timeout: timeout,
		http: newRetryingClient(newHTTPClient(cfg, timeout), cfg.MaxRetries, waitMin, max(waitMin, waitMax)),
	}, nil
}

// newHTTPClient makes one attempt of a request: paced by the budget,
// authorised, logged, bounded by timeout, never following a redirect. It
// honours HTTPS_PROXY and NO_PROXY, and SSL_CERT_FILE and SSL_CERT_DIR
// through Go's system certificate pool, as every Go program does.
func newHTTPClient(cfg Config, timeout time.Duration) *http.Client {
	transport := http.DefaultTransport.(*http.Transport).Clone()
	transport.Proxy = http.ProxyFromEnvironment
	// Terraform runs ten operations at once by default; the standard two idle
	// connections per host would close and reopen (and, over TLS, handshake
	// again) most of them on every read.
	transport.MaxIdleConnsPerHost = maxIdleConnsPerHost
	if cfg.Insecure {
		transport.TLSClientConfig = &tls.Config{InsecureSkipVerify: true} //nolint:gosec // the user asked for it with insecure = true
	}
	// From the top: the budget holds each attempt until its turn; then it is
	// authorised (after the wait, so that a signature's date is fresh), logged
	// (with what was sent, masked), and bounded in time (the network attempt
	// alone, not the wait for the budget).
	var rt http.RoundTripper = attemptTimeoutTransport{timeout: timeout, next: writeTracingTransport{next: transport}}
	rt = loggingTransport{next: rt}
	rt = authorizingTransport{auth: cfg.Auth, next: rt}
	shared := budget.NewShared()
	shared.Recall(cfg.Remembered)
	rt = budgetTransport{budget: shared, memory: cfg.Memory, next: rt}
	return &http.Client{
		Transport: rt,
		// A redirect would carry credentials to whatever host it names. The
		// API has no reason to redirect, so one is reported as an error instead.
		CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse },
	}
}

// maxIdleConnsPerHost keeps a connection for each of Terraform's default ten
// concurrent operations, with room for a raised -parallelism.
const maxIdleConnsPerHost = 32

// Task is one key-pair task as the API reports it.
type Task struct {
	ID       string
	ServerID string
	Status   Status
	// FailedRecord is the task's record in the failed-tasks list, which
	// says why it failed, when its end was learned from that list rather
	// than read (see wait.Poller); nil otherwise.
	FailedRecord *ListedTask
}

// GetTask reads one task: GET /v3/{project_id}/tasks/{task_id}.
func (c *Client) GetTask(ctx context.Context, projectID, taskID string) (Task, error) {
	if err := CheckID("project_id", projectID); err != nil {
		return Task{}, err
	}
	if err := CheckID("task_id", taskID); err != nil {
		return Task{}, err
	}
	u := c.endpoint.JoinPath("v3", projectID, "tasks", taskID)
	resp, err := c.get(ctx, u, hints{denied: needs("kps::getTask"), notFound: taskNotFoundHint, gone: taskGone})
	if err != nil {
		return Task{}, err
	}
	return decodeTask(resp, taskID)
}

// GetJSON sends a GET of u, an absolute URL that need not be under the KPS
// endpoint (IAM's project look-up uses it), with the same credentials,
// retries, budget, logging and errors as every KPS request, and decodes a 200
// answer's JSON into v.
func (c *Client) GetJSON(ctx context.Context, u *url.URL, v any) error {
	resp, err := c.get(ctx, u, hints{denied: needs("iam:projects:list")})
	if err != nil {
		return err
	}
	return resp.decodeJSON(v, "the JSON expected")
}

// response is an answer whose body has been read (up to the size limit) and
// closed, so that decoding needs no network and cannot leak connections.
type response struct {
	method, url string
	status      int
	header      http.Header
	body        []byte
	tooLarge    bool
	limit       int       // the most of the body read
	secrets     masker    // to mask them in anything shown from the body
	authHint    string    // what to check after a 401
	hints       hints     // what to check after a 403 or a 400/404
	received    time.Time // when the answer came, to read a Retry-After date against
	attempts    int       // how many requests it took
}

// get sends one GET, retried as the policy allows, and reads its answer.
func (c *Client) get(ctx context.Context, u *url.URL, h hints) (*response, error) {
	return c.send(ctx, http.MethodGet, u, nil, h)
}

// needs is the hint for a 403: the IAM action the call needs, worded the
// same for every call, and the other cause KPS answers the same way.
func needs(action string) string { return permissionHint(action, "") }

// permissionHint is needs with what else the call needs, also.
func permissionHint(action, also string) string {
	hint := "the user needs the IAM permission " + action + " in this project"
	if also != "" {
		hint += " (" + also + ")"
	}
	return hint + ". A project_id in which the user has no role is refused the same way: check project_id (HW_PROJECT_ID)"
}

// hints are what an error answer means for one kind of request, and how it
// may be sent.
type hints struct {
	// denied is the hint for a 403: which permission the call needs.
	denied string
	// notFound is the hint for an answer that says the object asked for
	// does not exist; empty where the request names nothing that could be
	// missing.
	notFound string
	// gone are the error codes of a 400 that mean the object asked for does
	// not exist (codes.go); a 404 always does.
	gone []string
	// maxBody is the most of the answer's body read; zero: MaxBodyBytes.
	maxBody int
	// kms are the KMS actions the call needs with KMS encryption: the hint
	// when KMS could not encrypt or store the key (KPS.6008, KPS.6010).
	kms []string
	// repeatable marks a request that changes something and is safe to send
	// again (a PUT, a DELETE, an export): it is retried like a read, not sent
	// once only.
	repeatable bool
	// noBody marks a call whose success has no body to read (200 or 204,
	// empty): an empty 200 is its answer, not one cut off.
	noBody bool
}

// taskNotFoundHint is what a 400 or 404 to a read of a task may mean.
const taskNotFoundHint = "the task may not exist in this project, or its record was purged after it ended"

// send sends one request and reads its answer. A GET, and a request the
// hints call repeatable, is retried as the policy allows. Any other request
// that changes something (a create, a start) is sent once only (see
// once.go): it is retried only where it surely did not reach the API, and an
// error says when it may have. A body is logged with the
// secrets in it masked, and those secrets are masked in everything shown of
// the answer too.
func (c *Client) send(ctx context.Context, method string, u *url.URL, body []byte, h hints) (*response, error) {
	secrets := c.secrets
	if inBody := secretsInBody(body); len(inBody) > 0 {
		secrets = append(append(masker(nil), secrets...), inBody...)
	}
	ctx, attempts := withAttemptCounter(withLogging(ctx, secrets))
	var once *sendState
	if method != http.MethodGet && !h.repeatable {
		ctx, once = withOnceOnly(ctx)
	}
	if h.noBody {
		ctx = withNoBodyExpected(ctx)
	}
	limit := cmp.Or(h.maxBody, MaxBodyBytes)
	ctx = withBodyLimit(ctx, limit)
	req, err := c.newRequest(ctx, method, u, body)
	if err != nil {
		return nil, err
	}
	logRequestBody(ctx, req.Request, body)
	resp, err := c.http.Do(req)
	if err != nil {
		rerr := c.noAnswer(ctx, req.Method, u, attempts, err)
		rerr.MayHaveReached = once.mayHaveReached()
		return nil, rerr
	}
	defer resp.Body.Close()

	respBody, tooLarge, err := readLimited(resp.Body, limit)
	if inAnswer := secretsInBody(respBody); len(inAnswer) > 0 {
		secrets = append(append(masker(nil), secrets...), inAnswer...)
	}
	logBody(ctx, req.Request, respBody, secrets)
	if err != nil {
		rerr := c.noAnswer(ctx, req.Method, u, attempts, fmt.Errorf("reading the response body: %w", err))
		rerr.MayHaveReached = once != nil
		rerr.HeadersReceived = true
		return nil, rerr
	}
	return &response{
		method: req.Method, url: u.String(), status: resp.StatusCode, header: resp.Header,
		body: respBody, tooLarge: tooLarge, limit: limit, secrets: secrets, authHint: c.authHint, hints: h,
		received: time.Now(), attempts: attempts.n,
	}, nil
}

// noAnswer describes a request that got no usable answer. Whether trying
// again may help is decided here, where the caller's context tells a
// cancelled request from an attempt that timed out.
func (c *Client) noAnswer(ctx context.Context, method string, u *url.URL, attempts *attemptLog, err error) *RequestError {
	cause := unwrapURLError(err)
	switch {
	case ctx.Err() == nil && errors.Is(err, context.DeadlineExceeded):
		cause = fmt.Errorf("no answer within %s, the limit for one attempt: %w", c.timeout, cause)
	case ctx.Err() != nil && attempts.last != nil:
		// Cut short while retrying: what the retries were about says more
		// than the cancellation.
		cause = fmt.Errorf("%w, while retrying after %w", cause, attempts.last)
	}
	return &RequestError{
		Method: method, URL: u.String(), Attempts: attempts.n, Err: cause,
		Transient: ctx.Err() == nil && transientTransportError(err), Unreachable: endpointProblem(err),
	}
}

// newRequest builds a request of u; the transport authenticates each attempt.
func (c *Client) newRequest(ctx context.Context, method string, u *url.URL, body []byte) (*retryablehttp.Request, error) {
	var raw any
	if body != nil {
		raw = body
	}
	req, err := retryablehttp.NewRequestWithContext(ctx, method, u.String(), raw)
	if err != nil {
		return nil, fmt.Errorf("building request: %w", err)
	}
	req.Header.Set("Accept", "application/json")
	if body != nil {
		req.Header.Set("Content-Type", "application/json;charset=UTF-8")
	}
	if c.userAgent != "" {
		req.Header.Set("User-Agent", c.userAgent)
	}
	return req, nil
}

// unwrapURLError drops the *url.Error wrapper, whose text repeats the method
// and URL that RequestError already shows.
func unwrapURLError(err error) error {
	var ue *url.Error
	if errors.As(err, &ue) {
		return ue.Err
	}
	return err
}
