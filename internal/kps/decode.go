package kps

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"slices"
	"strconv"
	"strings"
	"time"
)

// MaxBodyBytes is the most of a response body the client reads for one
// object (a task, a key pair, a started task): a few hundred bytes to a few
// KiB; anything near this is not one, and reading on would only spend
// memory.
const MaxBodyBytes = 1 << 20

// MaxListBodyBytes is the most of one page of a list the client reads: a
// page of 1,000 key pairs with 255-character names and RSA 4096 or x509
// keys is several MiB.
const MaxListBodyBytes = 32 << 20

// MaxListingBytes is the most the pages of one listing may add up to, so
// that an API that answers page after page cannot hold memory without end.
const MaxListingBytes = 256 << 20

// listingBudget counts the bytes of a listing's pages against
// MaxListingBytes.
type listingBudget struct{ spent int }

// spend counts resp's body, and is an error once the listing has read more
// than MaxListingBytes.
func (b *listingBudget) spend(resp *response) error {
	b.spent += len(resp.body)
	if b.spent > MaxListingBytes {
		return resp.problem(fmt.Sprintf("the list's pages add up to more than %d MiB; not read further", MaxListingBytes>>20))
	}
	return nil
}

// snippetBytes is how much of an unusable body an error shows.
const snippetBytes = 200

// readLimited reads at most limit bytes and reports whether there was more.
func readLimited(r io.Reader, limit int) (body []byte, tooLarge bool, err error) {
	body, err = io.ReadAll(io.LimitReader(r, int64(limit)+1))
	if len(body) > limit {
		return body[:limit], true, nil
	}
	return body, false, err
}

// taskBody is the 200 answer to a task read. Pointers tell a missing field
// from an empty one.
type taskBody struct {
	TaskID     *string `json:"task_id"`
	TaskStatus *string `json:"task_status"`
	ServerID   *string `json:"server_id"`
}

// errorBody is the flat error object that KPS and its gateway both send.
type errorBody struct {
	ErrorCode string `json:"error_code"`
	ErrorMsg  string `json:"error_msg"`
	RequestID string `json:"request_id"`
}

// decodeJSON decodes a 200 answer into v; any other answer, or a body that
// is not the JSON expected (what names it), is a ResponseError.
func (r *response) decodeJSON(v any, what string) error {
	return r.decodeJSONOf(v, what, http.StatusOK)
}

// decodeJSONOf is decodeJSON for a request whose success is any of ok: the
// calls that start a task answer 202 (older pages say 200).
func (r *response) decodeJSONOf(v any, what string, ok ...int) error {
	if r.tooLarge {
		return r.problem(fmt.Sprintf("the body is larger than %d MiB and was not read further", r.limit>>20))
	}
	if !slices.Contains(ok, r.status) {
		return r.apiError()
	}
	if err := json.Unmarshal(r.body, v); err != nil {
		e := r.problem("the body is not " + what + ": " + jsonProblem(err))
		// Cut off, empty, or a proxy's page in place of the JSON: passing
		// trouble, as a 5xx is, and what the retry policy retries (see
		// bodyLooksWhole). JSON of the wrong shape is not.
		e.Unusable = !json.Valid(r.body)
		return e
	}
	return nil
}

func decodeTask(resp *response, taskID string) (Task, error) {
	var tb taskBody
	if err := resp.decodeJSON(&tb, "the task JSON expected"); err != nil {
		return Task{}, err
	}
	if tb.TaskStatus == nil || *tb.TaskStatus == "" {
		return Task{}, resp.problem("the body has no task_status")
	}
	task := Task{ID: taskID, Status: ParseStatus(*tb.TaskStatus)}
	if tb.TaskID != nil && *tb.TaskID != "" {
		task.ID = *tb.TaskID
	}
	if tb.ServerID != nil {
		task.ServerID = *tb.ServerID
	}
	return task, nil
}

// apiError turns an answer that is not the call's success into a
// ResponseError, taking the error code and message from the body when it is
// the API's JSON error object.
func (r *response) apiError() *ResponseError {
	e := r.baseError()
	if r.status >= 300 && r.status < 400 {
		e.Location = r.header.Get("Location")
		return e
	}
	var eb errorBody
	if err := json.Unmarshal(r.body, &eb); err == nil && (eb.ErrorCode != "" || eb.ErrorMsg != "") {
		e.ErrorCode, e.ErrorMsg = eb.ErrorCode, r.mask(eb.ErrorMsg)
		if e.RequestID == "" {
			e.RequestID = eb.RequestID
		}
		e.Gone = (r.status == http.StatusNotFound && !e.IsNoSuchAPI()) ||
			(r.status == http.StatusBadRequest && codeIn(eb.ErrorCode, r.hints.gone))
		return e
	}
	// A 404 whose body is no error object (a proxy's page) is not taken
	// for a missing object: it may as well be a wrong endpoint.
	// An error page from a gateway or proxy: show what it was.
	e.Problem = "the body is not a KPS error object"
	if len(r.body) == 0 {
		e.Problem = "the body is empty"
	}
	e.Snippet = r.snippet()
	return e
}

func (r *response) problem(what string) *ResponseError {
	e := r.baseError()
	e.Problem = what
	e.Snippet = r.snippet()
	return e
}

func (r *response) baseError() *ResponseError {
	return &ResponseError{
		Method: r.method, URL: r.url, StatusCode: r.status,
		ContentType: r.header.Get("Content-Type"), RequestID: r.header.Get("X-Request-Id"),
		RetryAfter: parseRetryAfter(r.header.Get("Retry-After"), r.received),
		Attempts:   r.attempts, UnauthorizedHint: r.authHint, ForbiddenHint: r.hints.denied, NotFoundHint: r.hints.notFound,
		KMSHint: kmsHint(r.hints.kms),
	}
}

// parseRetryAfter reads a Retry-After header: a number of seconds or an HTTP
// date. Anything else, or a time already past, is no request to wait.
func parseRetryAfter(v string, now time.Time) time.Duration {
	v = strings.TrimSpace(v)
	if v == "" {
		return 0
	}
	if secs, err := strconv.Atoi(v); err == nil {
		if secs <= 0 {
			return 0
		}
		return time.Duration(secs) * time.Second
	}
	if at, err := http.ParseTime(v); err == nil && at.After(now) {
		return at.Sub(now)
	}
	return 0
}

// snippet is the start of the body as valid UTF-8 with secrets masked, for a
// person to recognise what answered.
func (r *response) snippet() string {
	b := r.body
	if len(b) > snippetBytes {
		b = b[:snippetBytes]
	}
	return r.mask(strings.ToValidUTF8(string(bytes.TrimSpace(b)), "?"))
}

// mask hides the credentials' secrets should a server echo them back.
func (r *response) mask(s string) string { return r.secrets.mask(s) }

// jsonProblem says briefly why the JSON could not be decoded, without echoing
// the body (the snippet shows that).
func jsonProblem(err error) string {
	var typeErr *json.UnmarshalTypeError
	var syntaxErr *json.SyntaxError
	switch {
	case errors.As(err, &typeErr):
		return "field " + typeErr.Field + " is a JSON " + typeErr.Value + ", not a string"
	case errors.As(err, &syntaxErr):
		return "it is not valid JSON (" + err.Error() + ")"
	}
	return err.Error()
}

// kmsHint is what to check when KMS could not encrypt or store a key, for
// a call that needs the KMS actions kms; empty for a call that needs none.
func kmsHint(kms []string) string {
	if len(kms) == 0 {
		return ""
	}
	return "KMS could not encrypt or store the private key: with KMS encryption the user needs " + strings.Join(kms, " and ") +
		" on the KMS key, which must be enabled"
}
