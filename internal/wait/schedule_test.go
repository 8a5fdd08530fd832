package wait

import (
	"testing"
	"time"
)

func TestScheduleGrowsToMax(t *testing.T) {
	s := NewSchedule(10 * time.Second)
	s.Rand = fixedRand(0) // no jitter: the bare schedule
	want := []time.Duration{
		1 * time.Second, 1500 * time.Millisecond, 2250 * time.Millisecond, 3375 * time.Millisecond,
		5062500 * time.Microsecond, 7593750 * time.Microsecond, 10 * time.Second, 10 * time.Second,
	}
	for n, w := range want {
		if got := s.Pause(n); got != w {
			t.Errorf("Pause(%d) = %v, want %v", n, got, w)
		}
	}
	if got := s.Pause(10000); got != 10*time.Second {
		t.Errorf("Pause(10000) = %v, want the cap", got)
	}
}

func TestScheduleFirstPauseNeverAboveMax(t *testing.T) {
	s := NewSchedule(300 * time.Millisecond)
	s.Rand = fixedRand(0)
	for n := range 5 {
		if got := s.Pause(n); got != 300*time.Millisecond {
			t.Errorf("Pause(%d) = %v, want 300ms", n, got)
		}
	}
}

// TestScheduleJitterOnlyShortens: whatever the random draw, a pause lies
// between 80% and 100% of the bare schedule, so it never exceeds poll_interval.
func TestScheduleJitterOnlyShortens(t *testing.T) {
	bare := NewSchedule(10 * time.Second)
	bare.Rand = fixedRand(0)
	for _, r := range []float64{0, 0.25, 0.5, 0.999999} {
		s := NewSchedule(10 * time.Second)
		s.Rand = fixedRand(r)
		for n := range 12 {
			got, b := s.Pause(n), bare.Pause(n)
			if got > b || got < time.Duration(float64(b)*(1-DefaultJitter)) || got > s.Max {
				t.Errorf("rand %v: Pause(%d) = %v, want within [%v, %v]", r, n, got, time.Duration(float64(b)*0.8), b)
			}
		}
	}
	// With real randomness, pauses differ, so waits drift apart.
	s := NewSchedule(10 * time.Second)
	seen := map[time.Duration]bool{}
	for range 50 {
		seen[s.Pause(8)] = true
	}
	if len(seen) < 10 {
		t.Errorf("50 jittered pauses took only %d values", len(seen))
	}
}
