package kpsfake

import (
	"bytes"
	"cmp"
	"net"
	"net/http"
	"strconv"
	"time"
)

// FaultKind is a way an answer can go wrong.
type FaultKind int

// The faults the stand-in can inject.
const (
	// FaultError answers Status with the flat JSON error object (Code, Message).
	FaultError FaultKind = iota
	// FaultHTML answers Status with an HTML page, as a gateway does for 502 and 504.
	FaultHTML
	// FaultRedirect answers Status (a 3xx, 302 by default) pointing at Location.
	FaultRedirect
	// FaultOversized answers 200 with a JSON body just over 1 MiB.
	FaultOversized
	// FaultTruncated answers 200 with JSON cut off in the middle.
	FaultTruncated
	// FaultEmpty answers 200 with no body at all.
	FaultEmpty
	// FaultBody answers Status (200 by default) with Body as application/json.
	FaultBody
	// FaultReset closes the connection without answering.
	FaultReset
	// FaultSlow waits Delay, then answers from the timeline as usual (a
	// start, which has none, answers 504 as a gateway timing out).
	FaultSlow
)

// Fault is one scripted bad answer.
type Fault struct {
	Kind       FaultKind
	Status     int
	Code       string
	Message    string
	Location   string
	Body       string
	RetryAfter string        // sent as the Retry-After header when set
	Delay      time.Duration // how long FaultSlow waits
}

// resetConnection drops the connection with a TCP reset where it can, as a
// failing load balancer does.
func resetConnection(w http.ResponseWriter) {
	hj, ok := w.(http.Hijacker)
	if !ok {
		panic(http.ErrAbortHandler)
	}
	conn, _, err := hj.Hijack()
	if err != nil {
		panic(http.ErrAbortHandler)
	}
	if tcp, ok := conn.(*net.TCPConn); ok {
		_ = tcp.SetLinger(0) // close with RST rather than FIN
	}
	_ = conn.Close()
}

func (f Fault) write(w http.ResponseWriter, r *http.Request, requestID string) {
	if f.RetryAfter != "" {
		w.Header().Set("Retry-After", f.RetryAfter)
	}
	status := func(def int) int {
		if f.Status != 0 {
			return f.Status
		}
		return def
	}
	switch f.Kind {
	case FaultError:
		writeError(w, status(http.StatusInternalServerError), f.Code, f.Message, requestID)
	case FaultHTML:
		w.Header().Set("Content-Type", "text/html")
		w.WriteHeader(status(http.StatusBadGateway))
		_, _ = w.Write([]byte("<html><head><title>502 Bad Gateway</title></head><body><h1>502 Bad Gateway</h1></body></html>"))
	case FaultRedirect:
		w.Header().Set("Location", f.Location)
		w.WriteHeader(status(http.StatusFound))
	case FaultOversized:
		w.Header().Set("Content-Type", "application/json")
		w.WriteHeader(status(http.StatusOK))
		padding := bytes.Repeat([]byte("x"), 1<<20)
		_, _ = w.Write([]byte(`{"task_status":"SUCCESS_RESET","padding":"` + string(padding) + `"}`))
	case FaultTruncated:
		w.Header().Set("Content-Type", "application/json")
		w.WriteHeader(status(http.StatusOK))
		_, _ = w.Write([]byte(`{"task_id":"x","task_status":"RUNN`))
	case FaultEmpty:
		w.Header().Set("Content-Type", "application/json")
		w.Header().Set("Content-Length", "0")
		w.WriteHeader(status(http.StatusOK))
	case FaultReset:
		resetConnection(w)
	case FaultSlow:
		// Where there is no timeline to answer from (a start), a slow
		// answer is a gateway timing out: 504, unless the client gave up.
		select {
		case <-time.After(f.Delay):
		case <-r.Context().Done():
			return
		}
		writeError(w, status(http.StatusGatewayTimeout), cmp.Or(f.Code, "APIGW.0201"), cmp.Or(f.Message, "Request timed out"), requestID)
	case FaultBody:
		w.Header().Set("Content-Type", "application/json")
		w.WriteHeader(status(http.StatusOK))
		_, _ = w.Write([]byte(f.Body))
	default:
		// A test scripted a fault that does not exist: no answer would be
		// one KPS gives, so the test is stopped instead.
		panic("kpsfake: unknown fault kind " + strconv.Itoa(int(f.Kind)))
	}
}

// Repeat is n copies of f, for a fault that answers several requests in a row.
func Repeat(f Fault, n int) []Fault {
	out := make([]Fault, n)
	for i := range out {
		out[i] = f
	}
	return out
}
