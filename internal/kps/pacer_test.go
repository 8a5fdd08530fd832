package kps

import (
	"context"
	"net/http"
	"testing"
	"time"

	"golang.org/x/time/rate"
)

func TestPacerLearnsTheLimitFromAThrottledSecond(t *testing.T) {
	now := time.Unix(1000, 0)
	p := newPacer()
	p.now = func() time.Time { return now }

	// Unpaced until the first 429.
	for range 5 {
		p.observe(http.StatusOK)
	}
	if p.limit() != rate.Inf {
		t.Fatalf("paced at %v before any 429", p.limit())
	}
	// The first 429 stops the flood at once...
	p.observe(http.StatusTooManyRequests)
	if p.limit() != pacerFirstGuess {
		t.Fatalf("after the first 429: %v, want %v", p.limit(), pacerFirstGuess)
	}
	// ...and answers still in flight count toward the second's total.
	for range 3 {
		p.observe(http.StatusOK)
	}
	p.observe(http.StatusTooManyRequests)
	// When the second is over, the pacer runs at just under the 8 accepted.
	now = now.Add(time.Second)
	p.observe(http.StatusOK)
	if want := 8 * pacerHeadroom; float64(p.limit()) < want || float64(p.limit()) > want+0.1 {
		t.Fatalf("after a second with 8 accepted: %v, want about %v", p.limit(), want)
	}
	// Seconds without a 429 probe upward, by pacerProbe (2%) a second.
	start := p.limit()
	for range 7 {
		p.observe(http.StatusOK)
	}
	if got := float64(p.limit() - start); got < 0.13 || got > 0.16 {
		t.Fatalf("rose by %v over a second of answers, want about %v", got, pacerProbe*float64(start))
	}
	// Throttled seconds with nothing accepted cut the rate down to the floor.
	for range 30 {
		now = now.Add(time.Second)
		p.observe(http.StatusTooManyRequests)
	}
	now = now.Add(time.Second)
	p.observe(http.StatusOK)
	if p.limit() < pacerMinRate || p.limit() > pacerMinRate+0.25 { // one answer has probed upward since
		t.Fatalf("after many throttled seconds: %v, want the floor %v", p.limit(), pacerMinRate)
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
