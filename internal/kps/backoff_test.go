package kps

import (
	"net/http"
	"testing"
	"time"
)

func TestBackoff(t *testing.T) {
	for attempt, step := range []time.Duration{time.Second, 2 * time.Second, 4 * time.Second, 8 * time.Second, 16 * time.Second, 30 * time.Second, 30 * time.Second} {
		for range 20 {
			got := pauseBeforeRetry(DefaultRetryWaitMin, DefaultRetryWaitMax, attempt, nil)
			if got < step/2 || got > step {
				t.Fatalf("attempt %d: pause %v, want within [%v, %v]", attempt, got, step/2, step)
			}
		}
	}
	withRetryAfter := func(v string) http.Header { return http.Header{"Retry-After": []string{v}} }
	if got := pauseBeforeRetry(DefaultRetryWaitMin, DefaultRetryWaitMax, 0, withRetryAfter("45")); got != 45*time.Second {
		t.Errorf("Retry-After 45: pause %v, want 45s even beyond the largest backoff", got)
	}
	if got := pauseBeforeRetry(DefaultRetryWaitMin, DefaultRetryWaitMax, 0, withRetryAfter("3600")); got != MaxRetryAfter {
		t.Errorf("Retry-After 3600: pause %v, want it bounded at %v", got, MaxRetryAfter)
	}
	if got := pauseBeforeRetry(DefaultRetryWaitMin, DefaultRetryWaitMax, 0, withRetryAfter("garbage")); got > time.Second {
		t.Errorf("a bad Retry-After: pause %v, want the plain backoff", got)
	}
}
