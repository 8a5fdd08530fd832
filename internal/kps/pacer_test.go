package kps

import (
	"context"
	"net/http"
	"testing"
	"time"

	"golang.org/x/time/rate"
)

func TestPacerAdaptsToThrottling(t *testing.T) {
	now := time.Unix(1000, 0)
	p := newPacer()
	p.now = func() time.Time { return now }
	ctx := context.Background()

	// Unpaced until the first 429.
	for range 30 {
		_ = p.wait(ctx)
		p.observe(http.StatusOK)
	}
	if p.limit() != rate.Inf {
		t.Fatalf("paced at %v before any 429", p.limit())
	}
	// The first 429 cuts the rate that drew it: 30 requests this second.
	p.observe(http.StatusTooManyRequests)
	if p.limit() != 30*pacerCut {
		t.Fatalf("after the first 429: %v, want %v", p.limit(), 30*pacerCut)
	}
	// Other 429s of the same burst do not cut again.
	p.observe(http.StatusTooManyRequests)
	if p.limit() != 30*pacerCut {
		t.Fatalf("a second 429 within the second cut again: %v", p.limit())
	}
	// A second's worth of unthrottled answers raises it by 5% (above 10/s).
	for range 21 {
		p.observe(http.StatusOK)
	}
	if l := p.limit(); l < 21*1.045 || l > 21*1.055 {
		t.Fatalf("after 21 answers at 21/s: %v, want about %v", l, 21*1.05)
	}
	// At a low rate, the rise is pacerIncrease per second.
	p.limiter.SetLimit(4)
	for range 4 {
		p.observe(http.StatusOK)
	}
	if l := p.limit(); l < 4.45 || l > 4.55 {
		t.Fatalf("after 4 answers at 4/s: %v, want about 4.5", l)
	}
	// Repeated throttling halves it down to the floor, never below.
	for range 20 {
		now = now.Add(time.Second)
		p.observe(http.StatusTooManyRequests)
	}
	if p.limit() != pacerMinRate {
		t.Fatalf("after many 429s: %v, want the floor %v", p.limit(), pacerMinRate)
	}
}

func TestPacerFirstEstimateHasAFloor(t *testing.T) {
	p := newPacer()
	_ = p.wait(context.Background())
	p.observe(http.StatusTooManyRequests)
	if p.limit() != pacerFirstEstimate*pacerCut {
		t.Fatalf("one request, one 429: %v, want %v", p.limit(), pacerFirstEstimate*pacerCut)
	}
}

func TestPacerWaitEndsWithItsContext(t *testing.T) {
	p := newPacer()
	p.limiter.SetLimit(0.001) // one request per quarter hour
	_ = p.wait(context.Background())
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Millisecond)
	defer cancel()
	if err := p.wait(ctx); err == nil {
		t.Fatal("a wait for a budget a quarter hour away succeeded within 20ms")
	}
}
