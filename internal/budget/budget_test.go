package budget

import (
	"errors"
	"strings"
	"testing"
	"testing/synctest"
	"time"

	"github.com/kpsops/terraform-provider-kps/internal/dev/kpsfake"
)

// simLatency is the simulated round trip: a request reaches the gateway
// after half of it.
const simLatency = 30 * time.Millisecond

// sentAfter is the earliest arrival of a request sent after the client
// learned the limit at known: requests already on their way do not count.
func sentAfter(known time.Time) time.Time { return known.Add(simLatency / 2) }

func TestParseLimit(t *testing.T) {
	for _, c := range []struct {
		msg  string
		want Limit
		ok   bool
	}{
		{"The throttling threshold has been reached: policy user over ratelimit,limit:200,time:5 minute", Limit{200, 5 * time.Minute}, true},
		{"The throttling threshold has been reached: policy ip over ratelimit,limit:8,time:1 second", Limit{8, time.Second}, true},
		{"policy api over ratelimit, limit: 1000, time: 1 hour", Limit{1000, time.Hour}, true},
		{"limit:10000,time:1 day", Limit{10000, 24 * time.Hour}, true},
		{"limit:50,time:10 seconds", Limit{50, 10 * time.Second}, true},
		{"The throttling threshold has been reached", Limit{}, false},
		{"limit:0,time:1 second", Limit{}, false},
		{"limit:5,time:1 fortnight", Limit{}, false},
		{"limit:99999999999999999999,time:1 second", Limit{}, false},
	} {
		got, ok := ParseLimit(c.msg)
		if got != c.want || ok != c.ok {
			t.Errorf("ParseLimit(%q) = %v, %v; want %v, %v", c.msg, got, ok, c.want, c.ok)
		}
	}
}

// TestBudgetKeepsToEveryKindOfLimit runs Terraform's ten concurrent requests
// against each way a gateway counts, with the limit stated in the 429, and
// checks that once the client knows the limit, no window of the stated size
// ever holds more than the limit of its requests, and that nothing fails.
func TestBudgetKeepsToEveryKindOfLimit(t *testing.T) {
	for _, c := range []struct {
		name     string
		limiter  func() kpsfake.Limiter
		requests int
		floor    time.Duration
	}{
		{"fixed window, 8 per second", func() kpsfake.Limiter { return kpsfake.FixedWindow(8, time.Second) }, 200, 25 * time.Second},
		{"sliding window, 8 per second", func() kpsfake.Limiter { return kpsfake.SlidingWindow(8, time.Second) }, 200, 25 * time.Second},
		{"token bucket, 8 per second", func() kpsfake.Limiter { return kpsfake.TokenBucket(8, time.Second) }, 200, 25 * time.Second},
		{"50 per 10 seconds", func() kpsfake.Limiter { return kpsfake.SlidingWindow(50, 10*time.Second) }, 150, 20 * time.Second},
		{"200 per 5 minutes", func() kpsfake.Limiter { return kpsfake.FixedWindow(200, 5*time.Minute) }, 300, 5 * time.Minute},
	} {
		t.Run(c.name, func(t *testing.T) {
			limiter := c.limiter()
			count, window := limiter.Limit()
			res := simulation{limiter: limiter, stated: true, clients: 1, workers: 10, requests: c.requests,
				latency: simLatency}.run(t)
			if res.failures > 0 {
				t.Fatalf("%d requests failed", res.failures)
			}
			if res.known[0].IsZero() {
				t.Fatal("the client never learned the limit")
			}
			if most := maxInWindow(res.arrivals[0], sentAfter(res.known[0]), window); most > count {
				t.Fatalf("%d requests in one window of %s once the limit was known; the limit is %d", most, window, count)
			}
			t.Logf("%d requests in %s (floor %s): %d sent, %d (%.1f%%) answered 429",
				c.requests, res.took.Round(time.Millisecond), c.floor, res.requests, res.throttled,
				100*float64(res.throttled)/float64(res.requests))
			if res.took > 2*c.floor {
				t.Errorf("took %s, more than twice the floor %s", res.took, c.floor)
			}
		})
	}
}

// TestBudgetSpreadsLongWindows: a quota of 200 in 5 minutes is not spent in
// the first seconds and then waited out; once known, sends come no faster
// than a burst of about ten seconds' worth of the rate.
func TestBudgetSpreadsLongWindows(t *testing.T) {
	res := simulation{limiter: kpsfake.SlidingWindow(200, 5*time.Minute), stated: true, clients: 1, workers: 10,
		requests: 260, latency: simLatency}.run(t)
	if res.failures > 0 || res.known[0].IsZero() {
		t.Fatalf("failures %d, limit known at %v", res.failures, res.known[0])
	}
	// After learning, at most the burst (200 × 10 s / 300 s, so 6) plus the
	// rate (0.65 a second) fits in any 10 s.
	if most := maxInWindow(res.arrivals[0], sentAfter(res.known[0]), 10*time.Second); most > 13 {
		t.Fatalf("%d requests in 10 s once a limit of 200 per 5 minutes was known: not spread", most)
	}
}

// TestBudgetWithoutAStatedLimit falls back to the adaptive bucket: nothing
// fails, and few requests are refused. Back-to-back requests are the worst
// case for CUBIC, which probes past the last rate that was throttled every
// few seconds: it runs at 6 to 10% refused here (make bench measures waits,
// the usual load, against the 10%).
func TestBudgetWithoutAStatedLimit(t *testing.T) {
	for _, l := range []kpsfake.Limiter{kpsfake.FixedWindow(8, time.Second), kpsfake.SlidingWindow(8, time.Second)} {
		res := simulation{limiter: l, clients: 1, workers: 10, requests: 200, latency: simLatency, retries: 5}.run(t)
		share := float64(res.throttled) / float64(res.requests)
		t.Logf("%T: 200 requests in %s (floor 25 s): %d sent, %.1f%% answered 429", l, res.took.Round(time.Millisecond), res.requests, 100*share)
		if res.failures > 0 || share > 0.12 || res.took > 50*time.Second {
			t.Fatalf("%d failures, %.1f%% answered 429, took %s", res.failures, 100*share, res.took)
		}
	}
}

// TestBudgetSharesAQuotaWithAnotherClient: two clients (two Terraform runs)
// spend one quota of 8 a second. Each learns that others spend it too, takes a
// smaller share, and few requests are refused.
func TestBudgetSharesAQuotaWithAnotherClient(t *testing.T) {
	res := simulation{limiter: kpsfake.FixedWindow(8, time.Second), stated: true, clients: 2, workers: 10, requests: 150,
		latency: simLatency}.run(t)
	share := float64(res.throttled) / float64(res.requests)
	t.Logf("2 × 150 requests in %s (floor 37.5 s): %d sent, %.1f%% answered 429, shares %.2f", res.took.Round(time.Millisecond),
		res.requests, 100*share, res.shares)
	if res.failures > 0 || share > 0.10 {
		t.Fatalf("%d failures, %.1f%% answered 429", res.failures, 100*share)
	}
	for c := range 2 {
		if most := maxInWindow(res.arrivals[c], sentAfter(res.known[c]), time.Second); most > 8 {
			t.Fatalf("client %d put %d requests in one second once the limit was known", c, most)
		}
	}
}

// TestSpentQuotaFailsAtOnce: when the next turn is further away than MaxWait,
// Wait fails at once, saying so, instead of holding the run.
func TestSpentQuotaFailsAtOnce(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		s := NewShared()
		msg := "The throttling threshold has been reached: policy user over ratelimit,limit:2,time:1 hour"
		for range 2 {
			at, err := s.Wait(t.Context())
			if err != nil {
				t.Fatal(err)
			}
			s.Observe(at, false, "")
		}
		at, _ := s.Wait(t.Context())
		s.Observe(at, true, msg)
		start := time.Now()
		_, err := s.Wait(t.Context())
		var spent *SpentError
		if !errors.As(err, &spent) || time.Since(start) != 0 {
			t.Fatalf("Wait = %v after %s, want a SpentError at once", err, time.Since(start))
		}
		for _, want := range []string{"2 requests per 1h0m0s", "later than the 10m0s", "limit:2,time:1 hour"} {
			if !strings.Contains(err.Error(), want) {
				t.Errorf("%q does not say %q", err, want)
			}
		}
	})
}

// TestBudgetOwnBurstIsNotAShare: a client alone on a quota, whose first
// accepted request the gateway still counts (it sees arrivals a little
// after the client sends them) when the 429 that teaches the limit comes,
// keeps its whole share: its own burst is no sign of another client.
func TestBudgetOwnBurstIsNotAShare(t *testing.T) {
	t0 := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	b := New()
	limit := Limit{Count: 8, Window: time.Second}
	sends := []time.Duration{0}
	for i := range 8 {
		sends = append(sends, 500*time.Millisecond+time.Duration(i)*time.Millisecond*60)
	}
	// The 9th request goes 1.01 s after the first: by the client's clock the
	// first is out of the window; by the gateway's, 15 ms behind, it is in.
	sends[8] = time.Second + 10*time.Millisecond
	for i, at := range sends {
		sentAt := t0.Add(at)
		if _, ok := b.Reserve(sentAt); !ok {
			t.Fatalf("request %d held back before any 429", i)
		}
		b.Observe(sentAt, sentAt.Add(15*time.Millisecond), Outcome{Throttled: i == 8, Stated: i == 8, Limit: limit})
	}
	if share := b.Share(); share != 1 {
		t.Fatalf("share %.3f after a 429 to a burst of its own, want 1", share)
	}
}

// TestBudgetOwnLongWindowIsNotAShare: the first 429 of a 5-minute quota,
// after this client alone sent 200 requests over two minutes, finds most of
// them gone from its log (kept for a second before any limit is known): it
// cannot count them, and keeps its whole share rather than take the
// quota's other 199 for another client's.
func TestBudgetOwnLongWindowIsNotAShare(t *testing.T) {
	t0 := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	b := New()
	for i := range 201 {
		sentAt := t0.Add(time.Duration(i) * 600 * time.Millisecond)
		if _, ok := b.Reserve(sentAt); !ok {
			t.Fatalf("request %d held back before any 429", i)
		}
		b.Observe(sentAt, sentAt.Add(10*time.Millisecond), Outcome{Throttled: i == 200, Stated: i == 200,
			Limit: Limit{Count: 200, Window: 5 * time.Minute}})
	}
	if share := b.Share(); share != 1 {
		t.Fatalf("share %.3f after its own 200 requests, want 1", share)
	}
}

// TestBudgetBurstThatTaughtTheLimitCutsNoShare: the requests a client sent
// before it knew the limit went unpaced, and under load they reach the
// gateway out of order. Their 429s, answered after the first taught the
// limit, are the client's own burst (the calibration judges it), not a sign
// that another client spends the quota.
func TestBudgetBurstThatTaughtTheLimitCutsNoShare(t *testing.T) {
	b := New()
	start := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	limit := Outcome{Throttled: true, Stated: true, Limit: Limit{Count: 20, Window: time.Second}}
	var sent []time.Time
	for i := range 40 {
		at, ok := b.Reserve(start.Add(time.Duration(i) * time.Millisecond))
		if !ok {
			t.Fatalf("request %d was held before any limit was known", i)
		}
		sent = append(sent, at)
	}
	// Twenty sent in the middle arrived first and were accepted; the last
	// sent was refused first, then the rest, the first ten sent among them:
	// overtaken on their way, they found the window full.
	answered := start.Add(100 * time.Millisecond)
	for _, at := range sent[10:30] {
		b.Observe(at, answered, Outcome{})
	}
	b.Observe(sent[39], answered, limit)
	for _, at := range append(sent[:10:10], sent[30:39]...) {
		b.Observe(at, answered.Add(10*time.Millisecond), limit)
	}
	if b.Share() != 1 {
		t.Fatalf("share %.2f after the client's own first burst, want 1", b.Share())
	}
	// A 429 for a request sent at the limit's pace after it was known is
	// another client's doing: the share is cut.
	later := answered.Add(2 * time.Second)
	at, ok := b.Reserve(later)
	if !ok {
		t.Fatal("no turn two seconds after the burst")
	}
	b.Observe(at, later.Add(10*time.Millisecond), limit)
	if b.Share() >= 1 {
		t.Fatalf("share %.2f after a 429 within the limit, want it cut", b.Share())
	}
}

// TestUntaughtBudgetBoundsTheFirstBurst: before any 429, requests are not
// paced, but no more than untaughtInFlight are on their way at once, so
// that a fleet's hundreds of starts are not all refused together; each
// answer lets one more go, and the bound doubles each second without a
// 429. Once a limit is known, pacing takes over.
func TestUntaughtBudgetBoundsTheFirstBurst(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		s := NewShared()
		sent := make(chan time.Time, 100)
		for range 50 {
			go func() {
				at, err := s.Wait(t.Context())
				if err == nil {
					sent <- at
				}
			}()
		}
		synctest.Wait()
		if len(sent) != untaughtInFlight {
			t.Fatalf("%d requests on their way at once before any 429, want %d", len(sent), untaughtInFlight)
		}
		s.Observe(<-sent, false, "")
		synctest.Wait()
		if len(sent) != untaughtInFlight {
			t.Fatalf("%d on their way after one answer, want %d", len(sent), untaughtInFlight)
		}
		// A second without a 429 (a slow endpoint that does not limit):
		// twice as many may be on their way.
		time.Sleep(time.Second)
		synctest.Wait()
		if len(sent) != 2*untaughtInFlight {
			t.Fatalf("%d on their way a second later, want %d", len(sent), 2*untaughtInFlight)
		}
		// A 429 that states the limit: the rest go at its pace, not held
		// by the count on their way.
		s.Observe(<-sent, true, "The throttling threshold has been reached: policy user over ratelimit,limit:20,time:1 second")
		time.Sleep(3 * time.Second)
		synctest.Wait()
		if got := len(sent); got != 50-2 {
			t.Fatalf("%d sent three seconds after the limit was learned, want the other 48", got)
		}
	})
}

// TestUntaughtBoundDoesNotGrowWhileIdle: the bound grows in seconds it held
// requests back, not with time alone: a request, eight idle seconds, then a
// burst of fifty, of which ten go.
func TestUntaughtBoundDoesNotGrowWhileIdle(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		s := NewShared()
		at, err := s.Wait(t.Context())
		if err != nil {
			t.Fatal(err)
		}
		s.Observe(at, false, "")
		time.Sleep(8 * time.Second)
		sent := make(chan time.Time, 100)
		for range 50 {
			go func() {
				if at, err := s.Wait(t.Context()); err == nil {
					sent <- at
				}
			}()
		}
		synctest.Wait()
		if len(sent) != untaughtInFlight {
			t.Fatalf("%d on their way after eight idle seconds, want %d", len(sent), untaughtInFlight)
		}
	})
}
