package kpsfake

import (
	"fmt"
	"time"
)

// Limiter is one way a gateway counts requests against a limit of Count in
// Window. Limiters are not safe for concurrent use: the Server's mutex guards
// the one it holds.
type Limiter interface {
	// Allow reports whether a request arriving at now is let through, and
	// counts it if so.
	Allow(now time.Time) bool
	// Limit is the limit as the gateway states it in a 429.
	Limit() (count int, window time.Duration)
}

// FixedWindow lets count requests through in each calendar window
// (each whole second, minute, ...).
func FixedWindow(count int, window time.Duration) Limiter {
	return &fixedWindow{count: count, window: window}
}

type fixedWindow struct {
	count  int
	window time.Duration
	start  time.Time
	used   int
}

func (l *fixedWindow) Allow(now time.Time) bool {
	if start := now.Truncate(l.window); !start.Equal(l.start) {
		l.start, l.used = start, 0
	}
	if l.used >= l.count {
		return false
	}
	l.used++
	return true
}

func (l *fixedWindow) Limit() (int, time.Duration) { return l.count, l.window }

// SlidingWindow lets a request through when fewer than count were let
// through in the window before it.
func SlidingWindow(count int, window time.Duration) Limiter {
	return &slidingWindow{count: count, window: window}
}

type slidingWindow struct {
	count  int
	window time.Duration
	passed []time.Time
}

func (l *slidingWindow) Allow(now time.Time) bool {
	cut := 0
	for cut < len(l.passed) && now.Sub(l.passed[cut]) >= l.window {
		cut++
	}
	l.passed = l.passed[cut:]
	if len(l.passed) >= l.count {
		return false
	}
	l.passed = append(l.passed, now)
	return true
}

func (l *slidingWindow) Limit() (int, time.Duration) { return l.count, l.window }

// TokenBucket holds at most count tokens, refilled at count per window, and
// lets a request through when it has a token to spend.
func TokenBucket(count int, window time.Duration) Limiter {
	return &tokenBucket{count: count, window: window, tokens: float64(count)}
}

type tokenBucket struct {
	count  int
	window time.Duration
	tokens float64
	last   time.Time
}

func (l *tokenBucket) Allow(now time.Time) bool {
	if !l.last.IsZero() {
		l.tokens = min(float64(l.count), l.tokens+now.Sub(l.last).Seconds()*float64(l.count)/l.window.Seconds())
	}
	l.last = now
	if l.tokens < 1 {
		return false
	}
	l.tokens--
	return true
}

func (l *tokenBucket) Limit() (int, time.Duration) { return l.count, l.window }

// ThrottleMessage is the gateway's error_msg for a 429 of l: with the limit
// and window spelled as Huawei's gateway spells them ("limit:200,time:5
// minute"), or without them when stated is false.
func ThrottleMessage(l Limiter, stated bool) string {
	const msg = "The throttling threshold has been reached"
	if !stated {
		return msg
	}
	count, window := l.Limit()
	n, unit := int64(window/time.Second), "second"
	for _, u := range []struct {
		d    time.Duration
		name string
	}{{24 * time.Hour, "day"}, {time.Hour, "hour"}, {time.Minute, "minute"}} {
		if window%u.d == 0 {
			n, unit = int64(window/u.d), u.name
			break
		}
	}
	return fmt.Sprintf("%s: policy user over ratelimit,limit:%d,time:%d %s", msg, count, n, unit)
}
