package wait

import (
	"math/rand/v2"
	"time"
)

// Schedule decides the pauses between polls. They start short, so that a
// quick task is seen to end quickly, and grow to Max, so that a long task
// costs few requests. Each pause is shortened by a random share of up to
// Jitter, never lengthened, so that many waits started together drift apart
// while none pauses longer than Max.
type Schedule struct {
	First  time.Duration // the first pause (capped at Max)
	Max    time.Duration // the longest pause: the user's poll_interval
	Factor float64       // how much each pause grows over the one before
	Jitter float64       // the largest share taken off a pause, 0 to 1

	// Rand returns a number in [0, 1); nil means math/rand/v2.
	Rand func() float64
}

// Default schedule settings: pauses of about 1, 1.5, 2.3, 3.4, 5, 7.6 s and then
// poll_interval, each up to a fifth shorter.
const (
	DefaultFirstPause = time.Second
	DefaultFactor     = 1.5
	DefaultJitter     = 0.2
)

// NewSchedule returns the default schedule growing to max.
func NewSchedule(max time.Duration) Schedule {
	return Schedule{First: DefaultFirstPause, Max: max, Factor: DefaultFactor, Jitter: DefaultJitter}
}

// Pause returns the pause after the n-th poll (n counts from 0).
func (s Schedule) Pause(n int) time.Duration {
	base := float64(min(s.First, s.Max))
	for i := 0; i < n && base < float64(s.Max); i++ {
		base *= s.Factor
	}
	base = min(base, float64(s.Max))
	r := rand.Float64
	if s.Rand != nil {
		r = s.Rand
	}
	return time.Duration(base * (1 - s.Jitter*r()))
}
