package budget

import (
	"math"
	"time"
)

// cubic paces requests when the gateway throttles without saying its limit.
// It follows the AWS SDKs' "adaptive" retry mode (aws-sdk-go-v2
// aws/retry/adaptive_ratelimit.go, botocore retries/adaptive.py): a token
// bucket whose fill rate drops to β times the measured send rate at each
// throttle, then grows back along a CUBIC curve towards, and past, the rate
// at which the last throttle came.
//
// One known flaw is mended: AWS measures the send rate in half-second
// buckets and reads 0 until the first bucket closes, so a throttle in the
// first half-second drops the rate to the floor of 0.5 a second, where it
// stays for tens of seconds. Here the rate until then is what was actually
// sent in the last second.
type cubic struct {
	fillRate   float64 // tokens per second
	tokens     float64
	capacity   float64
	lastRefill time.Time

	// The send rate, measured in half-second buckets and smoothed.
	measured      float64
	measuredValid bool
	bucketStart   time.Time
	bucketCount   int

	lastMaxRate  float64 // the rate at the last throttle
	lastThrottle time.Time
	timeWindow   float64 // K: seconds for the curve to climb back to lastMaxRate
}

// The constants of the AWS SDKs' adaptive mode.
const (
	cubicBeta     = 0.7 // the share of the rate kept at a throttle
	cubicScale    = 0.4 // C, how fast the curve climbs
	cubicSmooth   = 0.8 // the weight of the newest measurement
	cubicMinRate  = 0.5 // requests per second, the least
	cubicBucket   = 500 * time.Millisecond
	cubicMinBurst = 1.0
)

func newCubic(now time.Time) *cubic {
	return &cubic{bucketStart: now.Truncate(cubicBucket), lastRefill: now}
}

// next is when a token is available, from now on.
func (c *cubic) next(now time.Time) time.Time {
	c.refill(now)
	if c.tokens >= 1 {
		return now
	}
	return now.Add(time.Duration((1 - c.tokens) / c.fillRate * float64(time.Second)))
}

// take spends a token; next said one was there.
func (c *cubic) take(now time.Time) {
	c.refill(now)
	c.tokens--
}

func (c *cubic) refill(now time.Time) {
	if dt := now.Sub(c.lastRefill).Seconds(); dt > 0 {
		c.tokens = math.Min(c.capacity, c.tokens+dt*c.fillRate)
		c.lastRefill = now
	}
}

// update adapts the fill rate to one answer. recentSends is how many requests
// were sent in the second before now, the measure used until the first
// half-second bucket closes.
func (c *cubic) update(now time.Time, throttled bool, recentSends int) {
	c.measure(now, recentSends)
	var rate float64
	if throttled {
		rateToUse := c.measured
		if c.fillRate > 0 {
			rateToUse = math.Min(rateToUse, c.fillRate)
		}
		c.lastMaxRate = rateToUse
		c.lastThrottle = now
		c.timeWindow = math.Cbrt(c.lastMaxRate * (1 - cubicBeta) / cubicScale)
		rate = rateToUse * cubicBeta
	} else {
		d := now.Sub(c.lastThrottle).Seconds() - c.timeWindow
		rate = cubicScale*d*d*d + c.lastMaxRate
	}
	rate = math.Max(cubicMinRate, math.Min(rate, 2*c.measured))
	c.refill(now)
	c.fillRate = rate
	c.capacity = math.Max(cubicMinBurst, rate)
	c.tokens = math.Min(c.tokens, c.capacity)
}

func (c *cubic) measure(now time.Time, recentSends int) {
	c.bucketCount++
	bucket := now.Truncate(cubicBucket)
	if bucket.After(c.bucketStart) {
		current := float64(c.bucketCount) / bucket.Sub(c.bucketStart).Seconds()
		if c.measuredValid {
			current = cubicSmooth*current + (1-cubicSmooth)*c.measured
		}
		c.measured, c.measuredValid = current, true
		c.bucketStart, c.bucketCount = bucket, 0
	}
	if !c.measuredValid {
		c.measured = math.Max(1, float64(recentSends))
	}
}
