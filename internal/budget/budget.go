package budget

import (
	"slices"
	"sort"
	"time"
)

// Budget decides when this client may send its next request. It is not safe
// for concurrent use; Shared is.
//
// Until the gateway first answers 429, requests go unpaced. A 429 that states
// its limit ("limit:200,time:5 minute") teaches the Budget that limit, and
// from then on it keeps a log of its own sends and never lets more than the
// limit into any span of the window (widened by a small margin for clock and
// latency). That one rule respects every way a gateway counts: fixed windows
// (each is such a span), sliding windows, and token buckets that refill the
// limit over the window. Long windows are also spread out, so that a quota of
// 200 in 5 minutes is not spent in the first seconds, leaving every wait to
// stall for the rest. A 429 although this client's sends were within the
// limit means others spend the same quota: the Budget then takes a smaller
// share of it, and grows it back slowly while no 429 comes.
//
// A 429 that states no limit falls back to the adaptive, CUBIC-paced token
// bucket of the AWS SDKs (see cubic).
type Budget struct {
	sends  []send   // this client's sends, oldest first
	limits []*known // the limits learned, by window
	// share is the part of each limit this client takes: 1 alone, less when
	// another client spends the same quota.
	share        float64
	lastShareCut time.Time
	lastGrowth   time.Time
	fallback     *cubic // nil until a 429 without a stated limit
	// calibration, while set, waits for the answers to the requests sent in
	// the window of the 429 that taught a limit, to tell from how many the
	// gateway accepted whether others spend the same quota.
	calibration *calibration
	// forgotten is the newest send trim dropped from the log: a span that
	// reaches back before it cannot be counted whole.
	forgotten time.Time
}

// send is one request this client sent, and what became of it.
type send struct {
	at      time.Time
	outcome sendOutcome
}

type sendOutcome int

const (
	pending sendOutcome = iota
	accepted
	refused // throttled, or no answer
)

type calibration struct {
	limit    Limit
	from, to time.Time // the sends it looks at: (from, to]
}

// reorder is how far apart, at most, two requests may arrive at the
// gateway in the other order than they were sent: latency's jitter, and a
// busy machine's scheduling. A fraction of a short window, a second at most.
func reorder(window time.Duration) time.Duration { return min(window/4, time.Second) }

// known is a limit the gateway stated, with the state that spreads sends.
type known struct {
	Limit
	// learnedAt is when the 429 that stated it was answered: the requests
	// sent before then went unpaced, and their 429s say nothing of others.
	learnedAt time.Time
	// tat is the theoretical arrival time of the generic cell rate
	// algorithm that spreads long windows: a send is due no earlier than
	// tat minus the burst allowed.
	tat time.Time
}

const (
	// minMargin and marginShare widen each window, so that latency jitter
	// between this client and the gateway cannot put one send too many into
	// a window the gateway counts.
	minMargin   = 20 * time.Millisecond
	marginShare = 50 // a 50th of the window
	// spreadAbove is the longest window sent in bursts. Longer windows are
	// spread so that no more than spreadBurst's worth of the rate goes at once.
	spreadAbove = 10 * time.Second
	spreadBurst = 10 * time.Second
	// Sharing a quota: each cut keeps shareCut of the share, never below
	// minShare; each window of the shortest limit without a 429 adds
	// shareGrowth back.
	shareCut    = 0.7
	minShare    = 0.05
	shareGrowth = 0.02
	// maxLog bounds the send log; a limit of more requests than this per
	// window is treated as if it were this large.
	maxLog = 100_000
)

// New returns a Budget that has seen no 429 yet.
func New() *Budget { return &Budget{share: 1} }

// Outcome is how a request went.
type Outcome struct {
	// Throttled is an HTTP 429.
	Throttled bool
	// NoAnswer is a request that got no answer at all.
	NoAnswer bool
	// Limit is the limit the 429 stated, when Stated.
	Limit  Limit
	Stated bool
}

// Reserve asks to send a request now. When the budget allows it, it records
// the send and returns now, true. Otherwise it returns the earliest time to
// ask again, false.
func (b *Budget) Reserve(now time.Time) (time.Time, bool) {
	if next := b.nextSlot(now); next.After(now) {
		return next, false
	}
	b.record(now)
	return now, true
}

func (b *Budget) nextSlot(now time.Time) time.Time {
	next := now
	for _, l := range b.limits {
		// Never the whole limit in a window, and, with a share below 1,
		// never more than the share's allowance in its span.
		next = later(next, b.slotAfter(min(l.Count, maxLog), widen(l.Window)))
		if b.share < 1 {
			next = later(next, b.slotAfter(b.allowance(l.Limit)))
		}
		if l.Window > spreadAbove {
			next = later(next, l.tat.Add(-b.burstTolerance(l.Limit)))
		}
	}
	if b.fallback != nil {
		next = later(next, b.fallback.next(now))
	}
	return next
}

// slotAfter is when a send keeps count sends in any span: once the count-th
// latest has left it.
func (b *Budget) slotAfter(count int, span time.Duration) time.Time {
	if len(b.sends) < count {
		return time.Time{}
	}
	return b.sends[len(b.sends)-count].at.Add(span)
}

func (b *Budget) record(now time.Time) {
	b.sends = append(b.sends, send{at: now})
	b.trim(now)
	for _, l := range b.limits {
		if l.Window > spreadAbove {
			l.tat = later(l.tat, now).Add(b.interval(l.Limit))
		}
	}
	if b.fallback != nil {
		b.fallback.take(now)
	}
}

// widen adds the margin to a window.
func widen(window time.Duration) time.Duration { return window + max(minMargin, window/marginShare) }

// allowance is how many sends this client allows itself in how long a span
// when it takes a share of a limit: the count cut to the share (so that two
// clients do not both send a full burst), in the widened window stretched by
// what rounding the count down took, so that the rate is exactly the share of
// the limit's.
func (b *Budget) allowance(l Limit) (int, time.Duration) {
	exact := float64(min(l.Count, maxLog)) * b.share
	count := max(1, int(exact))
	return count, time.Duration(float64(widen(l.Window)) * float64(count) / exact)
}

// interval is the spacing of sends in a spread window.
func (b *Budget) interval(l Limit) time.Duration {
	count, span := b.allowance(l)
	return span / time.Duration(count)
}

// burstTolerance lets a spread window send spreadBurst's worth of its rate at once.
func (b *Budget) burstTolerance(l Limit) time.Duration {
	burst := max(1, int(float64(l.Count)*b.share*float64(spreadBurst)/float64(l.Window)))
	return time.Duration(burst-1) * b.interval(l)
}

// Observe learns from how a request sent at sentAt went, answered at now.
func (b *Budget) Observe(sentAt, now time.Time, o Outcome) {
	b.settle(sentAt, !o.Throttled && !o.NoAnswer)
	defer b.calibrate()
	switch {
	case o.NoAnswer:
		return
	case o.Throttled && o.Stated:
		b.throttledWithLimit(sentAt, now, o.Limit)
	case o.Throttled:
		if b.fallback == nil {
			b.fallback = newCubic(now)
		}
		b.fallback.update(now, true, b.sentSince(now.Add(-time.Second)))
	default:
		if b.fallback != nil {
			b.fallback.update(now, false, b.sentSince(now.Add(-time.Second)))
		}
		b.growShare(now)
	}
}

func (b *Budget) throttledWithLimit(sentAt, now time.Time, l Limit) {
	for _, k := range b.limits {
		if k.Window != l.Window {
			continue
		}
		if k.Count != l.Count {
			k.Count = l.Count // the gateway's policy changed
			return
		}
		// A limit already known, and yet a 429: if this client kept to its
		// share, someone else spends the same quota. Cut once a window. A
		// request sent before the limit was known is part of the burst that
		// taught it, which the calibration judges: under load, one sent
		// later than the others may arrive first, and its 429 would
		// otherwise read as another client's share.
		if !sentAt.After(k.learnedAt) {
			return
		}
		if b.sentBetween(sentAt.Add(-l.Window), sentAt) <= l.Count && now.Sub(b.lastShareCut) >= l.Window {
			b.share = max(minShare, b.share*shareCut)
			b.lastShareCut, b.lastGrowth = now, now
		}
		return
	}
	b.limits = append(b.limits, &known{Limit: l, learnedAt: now})
	sort.Slice(b.limits, func(i, j int) bool { return b.limits[i].Window < b.limits[j].Window })
	// The gateway counted the requests that arrived in its window, and
	// under load they arrive out of the order they were sent in: the
	// calibration looks at the sends around the 429, widened by reorder on
	// either side, for the most that one window of them held.
	b.calibration = &calibration{limit: l, from: sentAt.Add(-widen(l.Window) - reorder(l.Window)), to: sentAt.Add(reorder(l.Window))}
}

// settle records the outcome of the send made at sentAt.
func (b *Budget) settle(sentAt time.Time, ok bool) {
	outcome := refused
	if ok {
		outcome = accepted
	}
	i := sort.Search(len(b.sends), func(i int) bool { return !b.sends[i].at.Before(sentAt) })
	for ; i < len(b.sends) && b.sends[i].at.Equal(sentAt); i++ {
		if b.sends[i].outcome == pending {
			b.sends[i].outcome = outcome
			return
		}
	}
}

// calibrate, once every request sent in the window of the 429 that taught a
// limit has its answer, sets the share from how many of them the gateway
// accepted: fewer than the limit means that others spent the rest. Without
// it two runs that learn a limit together would both go on at the full
// rate, and refuse each other for seconds before their shares settled.
func (b *Budget) calibrate() {
	c := b.calibration
	if c == nil {
		return
	}
	var ok []time.Time
	for _, s := range b.sends {
		if !s.at.After(c.from) || s.at.After(c.to) {
			continue
		}
		switch s.outcome {
		case pending:
			return
		case accepted:
			ok = append(ok, s.at)
		}
	}
	b.calibration = nil
	most := mostInSpan(ok, widen(c.limit.Window))
	// Sends of the window that were dropped from the log before the limit
	// was known (a window longer than the log kept) cannot be counted: the
	// client cannot tell its own burst from another's share, and keeps its
	// whole share until a 429 says otherwise.
	if b.forgotten.After(c.from) {
		return
	}
	if most < c.limit.Count {
		b.share = max(minShare, float64(most)/float64(c.limit.Count))
	}
}

// mostInSpan is the most of times, in order, that any span of the given
// length holds.
func mostInSpan(times []time.Time, span time.Duration) int {
	most, first := 0, 0
	for last, t := range times {
		for t.Sub(times[first]) > span {
			first++
		}
		most = max(most, last-first+1)
	}
	return most
}

// growShare gives back some share for each window of the shortest limit
// that passes without a 429.
func (b *Budget) growShare(now time.Time) {
	if b.share >= 1 || len(b.limits) == 0 {
		return
	}
	if window := b.limits[0].Window; now.Sub(b.lastGrowth) >= window {
		b.share = min(1, b.share+shareGrowth)
		b.lastGrowth = now
	}
}

// sentSince counts the sends at or after t.
func (b *Budget) sentSince(t time.Time) int {
	return len(b.sends) - sort.Search(len(b.sends), func(i int) bool { return !b.sends[i].at.Before(t) })
}

// sentBetween counts the sends in (from, to].
func (b *Budget) sentBetween(from, to time.Time) int {
	lo := sort.Search(len(b.sends), func(i int) bool { return b.sends[i].at.After(from) })
	hi := sort.Search(len(b.sends), func(i int) bool { return b.sends[i].at.After(to) })
	return hi - lo
}

// trim drops the sends no limit needs any more: older than every span, or
// beyond the largest count. Reslicing is enough: the next append that grows
// the log copies only what is kept.
func (b *Budget) trim(now time.Time) {
	// The fallback's measure looks one second back; the calibration of a
	// first 429 of a per-second limit looks one widened second back.
	keep := widen(time.Second)
	for _, l := range b.limits {
		_, span := b.allowance(l.Limit)
		keep = max(keep, span, widen(l.Window))
	}
	drop := max(sort.Search(len(b.sends), func(i int) bool { return now.Sub(b.sends[i].at) <= keep }), len(b.sends)-maxLog)
	if drop > 0 {
		b.forgotten = later(b.forgotten, b.sends[drop-1].at)
	}
	b.sends = b.sends[drop:]
}

// Recall makes limits known as if a 429 had stated them, without the
// calibration that follows a 429: remembered from an earlier run, they pace
// this client from its first request.
func (b *Budget) Recall(limits []Limit) {
	for _, l := range limits {
		if !slices.ContainsFunc(b.limits, func(k *known) bool { return k.Window == l.Window }) {
			b.limits = append(b.limits, &known{Limit: l})
		}
	}
	sort.Slice(b.limits, func(i, j int) bool { return b.limits[i].Window < b.limits[j].Window })
}

// taught reports whether a 429 has taught the budget a limit, or its
// fallback pace.
func (b *Budget) taught() bool { return len(b.limits) > 0 || b.fallback != nil }

// Share is the part of each known limit this client takes, for logs and tests.
func (b *Budget) Share() float64 { return b.share }

// Limits are the limits learned so far.
func (b *Budget) Limits() []Limit {
	out := make([]Limit, len(b.limits))
	for i, l := range b.limits {
		out[i] = l.Limit
	}
	return out
}

func later(a, b time.Time) time.Time {
	if b.After(a) {
		return b
	}
	return a
}
