package kps

import (
	"context"
	"net/http"
	"sync"
	"time"

	"golang.org/x/time/rate"
)

// pacer is the request budget that every data source and resource of one
// provider instance shares through their one Client. It lets requests through
// unpaced until the gateway first answers 429; from then on it paces them at a
// rate it adapts as TCP does (additive increase, multiplicative decrease):
// each throttled answer cuts the rate by pacerCut, and unthrottled answers raise
// it by pacerIncrease per second (or 5% of it, if more).
// So a plan with hundreds of reads, or dozens of waits polling at once, slows
// down together instead of failing one by one.
type pacer struct {
	mu      sync.Mutex
	limiter *rate.Limiter
	now     func() time.Time

	// Requests started in the current and the previous one-second window, to
	// estimate the rate that drew the first 429.
	window                 time.Time
	thisWindow, lastWindow int
	lastCut                time.Time
}

const (
	// pacerMinRate is the slowest the pacer goes: slow enough for any
	// gateway limit seen in practice, fast enough that a wait still polls.
	pacerMinRate rate.Limit = 0.5
	// pacerFirstEstimate is the least rate the first 429 is taken to mean, so
	// that one throttled request (the quota spent by someone else) does not
	// slow the pacer to a crawl.
	pacerFirstEstimate = 4
	// pacerMaxRate caps recovery after a 429.
	pacerMaxRate rate.Limit = 1000
	// pacerIncrease is the least the rate rises per second of unthrottled
	// answers; a rate above 10/s rises by 5% of itself per second instead, so
	// that recovery takes seconds at any rate.
	pacerIncrease = 0.5
	// pacerCut is what a 429 multiplies the rate by: gentler than halving,
	// since the gateway's limit is fixed and the rate is mostly close to it.
	pacerCut = 0.7
)

func newPacer() *pacer {
	return &pacer{limiter: rate.NewLimiter(rate.Inf, 1), now: time.Now}
}

// wait blocks until the budget allows a request, or ctx ends.
func (p *pacer) wait(ctx context.Context) error {
	p.mu.Lock()
	now := p.now()
	if w := now.Truncate(time.Second); !w.Equal(p.window) {
		if w.Sub(p.window) == time.Second {
			p.lastWindow = p.thisWindow
		} else {
			p.lastWindow = 0
		}
		p.window, p.thisWindow = w, 0
	}
	p.thisWindow++
	p.mu.Unlock()
	return p.limiter.Wait(ctx)
}

// observe adapts the rate to one answer.
func (p *pacer) observe(status int) {
	p.mu.Lock()
	defer p.mu.Unlock()
	now := p.now()
	current := p.limiter.Limit()
	if status == http.StatusTooManyRequests {
		// Many requests in flight are throttled together; cut once for them all.
		if now.Sub(p.lastCut) < time.Second {
			return
		}
		p.lastCut = now
		if current == rate.Inf {
			current = rate.Limit(max(p.thisWindow, p.lastWindow, pacerFirstEstimate))
		}
		p.limiter.SetLimitAt(now, max(pacerMinRate, current*pacerCut))
		return
	}
	if current != rate.Inf {
		perSecond := max(pacerIncrease, 0.05*float64(current))
		p.limiter.SetLimitAt(now, min(pacerMaxRate, current+rate.Limit(perSecond/float64(current))))
	}
}

// limit is the current rate, for tests and logs.
func (p *pacer) limit() rate.Limit { return p.limiter.Limit() }

// pacingTransport sends each attempt, retries included, through the pacer.
type pacingTransport struct {
	pacer *pacer
	next  http.RoundTripper
}

func (t pacingTransport) RoundTrip(req *http.Request) (*http.Response, error) {
	if err := t.pacer.wait(req.Context()); err != nil {
		return nil, err
	}
	resp, err := t.next.RoundTrip(req)
	if err == nil {
		t.pacer.observe(resp.StatusCode)
	}
	return resp, err
}
