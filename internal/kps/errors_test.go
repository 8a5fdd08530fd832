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
