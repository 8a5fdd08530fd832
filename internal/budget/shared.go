package budget

import (
	"context"
	"fmt"
	"sync"
	"time"
)

// MaxWait is the longest a request waits for its turn. Beyond it (an hourly
// or daily quota that is spent) the request fails at once rather than hold a
// Terraform run for longer than anyone would wait.
const MaxWait = 10 * time.Minute

// Shared is a Budget safe for concurrent use, on the real clock (which
// testing/synctest makes virtual).
//
// Until the gateway first answers 429, the Budget lets every request go;
// Shared still keeps at most untaughtInFlight of them on their way at once,
// so that a fleet's first burst (hundreds of starts sent together) is
// refused at most that many times before the limit is learned, not
// hundreds. The bound doubles after every second in which it held a
// request back and no 429 came, so that against a slow endpoint that never
// limits (a second a request, say) a run is not held to ten requests a
// second for good; time spent idle does not grow it.
type Shared struct {
	mu sync.Mutex
	b  *Budget
	// lastThrottle is the gateway's message in the latest 429, to show when
	// a quota is spent.
	lastThrottle string
	// inFlight counts the requests sent and not yet answered; freed is
	// closed, and replaced, whenever one is answered. inFlightCap bounds it
	// until a 429; grown is when the current second of it began.
	inFlight    int
	freed       chan struct{}
	inFlightCap int
	grown       time.Time
	// capHit is set when a request was held by the bound since it last
	// grew: the bound grows only in seconds it held something back.
	capHit bool
}

// untaughtInFlight is how many requests may be on their way at once before
// a 429 has taught the budget anything: Terraform's default parallelism,
// so that a run of ten resources is not held back by it, and half of DEW's
// documented 20 requests a second, so that the requests already on their
// way when the first 429 comes, which it refuses too, are few.
const untaughtInFlight = 10

// NewShared returns a budget for one provider instance.
func NewShared() *Shared {
	return &Shared{b: New(), freed: make(chan struct{}), inFlightCap: untaughtInFlight}
}

// maxInFlightCap is where the bound stops doubling: no bound, in effect.
const maxInFlightCap = 1 << 20

// untaughtHold reports whether a request must wait for one on its way to
// be answered, and when the bound grows next. The caller holds s.mu.
func (s *Shared) untaughtHold(now time.Time) (hold bool, grows time.Time) {
	if s.b.taught() {
		return false, time.Time{}
	}
	if s.grown.IsZero() {
		s.grown = now
	}
	if now.Sub(s.grown) >= time.Second {
		if s.capHit && s.inFlightCap < maxInFlightCap {
			s.inFlightCap *= 2
		}
		s.grown, s.capHit = now, false
	}
	hold = s.inFlight >= s.inFlightCap
	s.capHit = s.capHit || hold
	return hold, s.grown.Add(time.Second)
}

// Recall makes limits remembered from an earlier run known (see Budget.Recall).
func (s *Shared) Recall(limits []Limit) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.b.Recall(limits)
}

// Limits are the limits learned so far.
func (s *Shared) Limits() []Limit {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Limits()
}

// SpentError is a request that was not sent because its turn is further away
// than MaxWait.
type SpentError struct {
	Limits  []Limit
	Wait    time.Duration
	Message string // the gateway's message in its latest 429
}

func (e *SpentError) Error() string {
	msg := fmt.Sprintf("the API gateway's quota is spent (%v): the next request could be sent in %s, "+
		"later than the %s a request waits for its turn", e.Limits, e.Wait.Round(time.Second), MaxWait)
	if e.Message != "" {
		msg += fmt.Sprintf("; the gateway said %q", e.Message)
	}
	return msg
}

// Wait blocks until the budget lets a request go, and returns when it went.
// It fails at once with a SpentError when that is further away than
// MaxWait, and with ctx's error when ctx ends first.
func (s *Shared) Wait(ctx context.Context) (time.Time, error) {
	for {
		s.mu.Lock()
		if hold, grows := s.untaughtHold(time.Now()); hold {
			freed := s.freed
			s.mu.Unlock()
			timer := time.NewTimer(time.Until(grows))
			select {
			case <-ctx.Done():
				timer.Stop()
				return time.Time{}, ctx.Err()
			case <-freed:
			case <-timer.C:
			}
			timer.Stop()
			continue
		}
		now := time.Now()
		at, ok := s.b.Reserve(now)
		limits, msg := s.b.Limits(), s.lastThrottle
		if ok {
			s.inFlight++
		}
		s.mu.Unlock()
		if ok {
			return now, nil
		}
		wait := at.Sub(now)
		if wait > MaxWait {
			return time.Time{}, &SpentError{Limits: limits, Wait: wait, Message: msg}
		}
		timer := time.NewTimer(wait)
		select {
		case <-ctx.Done():
			timer.Stop()
			return time.Time{}, ctx.Err()
		case <-timer.C:
		}
	}
}

// Observe reports the answer to a request sent at sentAt: throttled for a
// 429, whose message (the gateway's error_msg) may state the limit. It
// returns whether the message stated one, so that the caller can wait for
// the budget rather than treat the 429 as a failure.
func (s *Shared) Observe(sentAt time.Time, throttled bool, message string) (stated bool) {
	o := Outcome{Throttled: throttled}
	if throttled {
		o.Limit, o.Stated = ParseLimit(message)
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	if throttled {
		s.lastThrottle = message
	}
	s.b.Observe(sentAt, time.Now(), o)
	s.answered()
	return o.Stated
}

// answered counts one request less on its way. The caller holds s.mu.
func (s *Shared) answered() {
	s.inFlight--
	close(s.freed)
	s.freed = make(chan struct{})
}

// ObserveNoAnswer reports a request sent at sentAt that got no answer.
func (s *Shared) ObserveNoAnswer(sentAt time.Time) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.b.Observe(sentAt, time.Now(), Outcome{NoAnswer: true})
	s.answered()
}
