package kps

import (
	"context"
	"net/http"
	"sync"
	"time"

	"golang.org/x/time/rate"
)

// pacer is the request budget that every data source and resource of one
// provider instance shares through their one Client, so that a plan with
// hundreds of reads, or dozens of waits polling at once, slows down together
// instead of failing one by one.
//
// It lets requests through unpaced until the gateway first answers 429. The
// gateway counts requests in fixed windows, so the answers it accepted in a
// second in which it also refused some are a good estimate of its limit: when
// such a second is over, the pacer paces every request at just under that
// count. A throttled second with nothing accepted (a limit counted over
// minutes, or quota spent by another client) cuts the rate by pacerCut.
// Seconds without a 429 raise it slowly, to find out whether the limit was
// lifted.
type pacer struct {
	mu      sync.Mutex
	limiter *rate.Limiter
	now     func() time.Time

	window    time.Time // the one-second window of the latest answer
	accepted  int       // answers in that window that were not 429
	throttled bool      // whether any answer in that window was 429
}

const (
	// pacerMinRate is the slowest the pacer goes: slow enough for any
	// gateway limit seen in practice, fast enough that a wait still polls.
	pacerMinRate rate.Limit = 0.5
	// pacerFirstGuess is the rate the pacer falls to at the first 429, until
	// the second is over and it can count what the gateway accepted.
	pacerFirstGuess rate.Limit = 4
	// pacerHeadroom is the share of the estimated limit the pacer uses, so
	// that timing noise does not put one request too many in a window.
	pacerHeadroom = 0.95
	// pacerCut is what a throttled second with nothing accepted multiplies
	// the rate by.
	pacerCut = 0.7
	// pacerProbe is how much the rate rises per second without a 429:
	// 2% of itself, at least pacerMinProbe.
	pacerProbe    = 0.02
	pacerMinProbe = 0.1
	pacerMaxRate  = rate.Limit(1000)
)

func newPacer() *pacer {
	return &pacer{limiter: rate.NewLimiter(rate.Inf, 1), now: time.Now}
}

// wait blocks until the budget allows a request, or ctx ends.
func (p *pacer) wait(ctx context.Context) error { return p.limiter.Wait(ctx) }

// observe adapts the rate to one answer.
func (p *pacer) observe(status int) {
	p.mu.Lock()
	defer p.mu.Unlock()
	now := p.now()
	if w := now.Truncate(time.Second); !w.Equal(p.window) {
		p.closeWindow(now)
		p.window, p.accepted, p.throttled = w, 0, false
	}
	current := p.limiter.Limit()
	if status == http.StatusTooManyRequests {
		if !p.throttled && current == rate.Inf {
			// Stop the flood now; the count comes when the second is over.
			p.limiter.SetLimitAt(now, pacerFirstGuess)
		}
		p.throttled = true
		return
	}
	p.accepted++
	if current != rate.Inf && !p.throttled {
		perSecond := max(pacerMinProbe, pacerProbe*float64(current))
		p.limiter.SetLimitAt(now, min(pacerMaxRate, current+rate.Limit(perSecond/float64(current))))
	}
}

// closeWindow sets the rate from a second that saw a 429.
func (p *pacer) closeWindow(now time.Time) {
	if !p.throttled {
		return
	}
	next := p.limiter.Limit() * pacerCut
	if p.accepted > 0 {
		next = rate.Limit(float64(p.accepted) * pacerHeadroom)
	}
	p.limiter.SetLimitAt(now, max(pacerMinRate, next))
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
