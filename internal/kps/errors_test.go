package kps

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"testing"
	"time"
)

func TestIsTransient(t *testing.T) {
	transient := []error{
		&RequestError{Method: "GET", URL: "u", Err: errors.New("connection refused"), Transient: true},
		&ResponseError{StatusCode: 429}, &ResponseError{StatusCode: 500}, &ResponseError{StatusCode: 502, Problem: "html"},
		&ResponseError{StatusCode: 503}, &ResponseError{StatusCode: 504},
		fmt.Errorf("wrapped: %w", &ResponseError{StatusCode: 503}),
	}
	final := []error{
		&ResponseError{StatusCode: 400}, &ResponseError{StatusCode: 401}, &ResponseError{StatusCode: 403},
		&ResponseError{StatusCode: 404}, &ResponseError{StatusCode: 302}, &ResponseError{StatusCode: 501},
		&ResponseError{StatusCode: 200, Problem: "not JSON"},
		&RequestError{Err: context.Canceled}, &RequestError{Err: errors.New("x509: unknown authority")},
		errors.New("task_id is not valid"),
	}
	for _, err := range transient {
		if !IsTransient(err) {
			t.Errorf("IsTransient(%v) = false", err)
		}
	}
	for _, err := range final {
		if IsTransient(err) {
			t.Errorf("IsTransient(%v) = true", err)
		}
	}
}

func TestParseRetryAfter(t *testing.T) {
	now := time.Date(2026, 11, 27, 12, 0, 0, 0, time.UTC)
	cases := map[string]time.Duration{
		"":   0,
		"0":  0,
		"-3": 0,
		"7":  7 * time.Second,
		"90": 90 * time.Second,
		now.Add(30 * time.Second).Format(http.TimeFormat): 30 * time.Second,
		now.Add(-time.Minute).Format(http.TimeFormat):     0,
		"soon": 0,
	}
	for in, want := range cases {
		if got := parseRetryAfter(in, now); got != want {
			t.Errorf("parseRetryAfter(%q) = %v, want %v", in, got, want)
		}
	}
}

// TestIsGone: only a 404 (not the gateway's "no such API") or a 400 that
// says so is a thing that is gone; another 400, such as the refusal to
// delete the record of a task that never failed, is not.
func TestIsGone(t *testing.T) {
	for _, c := range []struct {
		err  error
		want bool
	}{
		{&ResponseError{StatusCode: 404, ErrorCode: "KPS.0404"}, true},
		{&ResponseError{StatusCode: 404, ErrorCode: "APIGW.0101", ErrorMsg: "The API does not exist or has not been published"}, false},
		{&ResponseError{StatusCode: 400, ErrorCode: "KPS.0404", ErrorMsg: "The failed task does not exist"}, true},
		{&ResponseError{StatusCode: 400, ErrorCode: "KPS.0405", ErrorMsg: "The task has not failed"}, false},
		{&ResponseError{StatusCode: 403, ErrorMsg: "not found"}, false},
		{errors.New("no answer"), false},
	} {
		if got := IsGone(c.err); got != c.want {
			t.Errorf("IsGone(%v) = %v, want %v", c.err, got, c.want)
		}
	}
}
