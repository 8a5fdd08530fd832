// Package budget is the request budget that every request of one provider
// instance goes through, so that hundreds of reads, dozens of waits and a
// fleet's starts stay within whatever limit the API gateway enforces instead
// of failing one by one.
//
// The Budget is a state machine driven by the caller's clock: Reserve(now)
// asks for a slot and Observe(sentAt, now, outcome) reports how a request
// went. It knows nothing of HTTP or goroutines, so tests drive it through
// hours of simulated traffic in microseconds. Shared wraps it for concurrent
// use with the real clock (or testing/synctest's). FileMemory keeps learned
// limits in a file for an hour, so that the next provider process (the
// apply after a plan) starts paced.
package budget

import (
	"fmt"
	"regexp"
	"strconv"
	"time"
)

// Limit is a gateway's limit: at most Count requests in any Window.
type Limit struct {
	Count  int
	Window time.Duration
}

func (l Limit) String() string {
	return fmt.Sprintf("%d requests per %s", l.Count, l.Window)
}

// limitPattern matches what Huawei's gateway says in a 429 (APIGW.0308, or
// APIG.0308 on older gateways): "...policy user over ratelimit,limit:200,time:5 minute".
var limitPattern = regexp.MustCompile(`limit:\s*(\d+)\s*,\s*time:\s*(\d+)\s*(second|minute|hour|day)s?\b`)

var units = map[string]time.Duration{
	"second": time.Second, "minute": time.Minute, "hour": time.Hour, "day": 24 * time.Hour,
}

// ParseLimit reads the limit a 429's message states. It reports false when
// the message states none (a gateway configured not to say, or a proxy's own
// 429), or one that makes no sense.
func ParseLimit(msg string) (Limit, bool) {
	m := limitPattern.FindStringSubmatch(msg)
	if m == nil {
		return Limit{}, false
	}
	count, err1 := strconv.Atoi(m[1])
	n, err2 := strconv.Atoi(m[2])
	if err1 != nil || err2 != nil || count < 1 || n < 1 || n > 1000 {
		return Limit{}, false
	}
	return Limit{Count: count, Window: time.Duration(n) * units[m[3]]}, true
}
