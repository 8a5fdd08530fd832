package wait

import (
	"context"
	"fmt"
	"math/rand/v2"
	"testing"
	"time"

	"github.com/kpsops/terraform-provider-kps/internal/kps"
)

// The gate overshoot is the time from a task's end to the moment the wait
// returns, which is when Terraform lets dependent resources start. These
// benchmarks measure it, and the number of polls, for our schedule and for
// the fixed schedules other tools use, on a fake clock: the schedule is what
// is measured, not the machine. Run:
//
//	go test ./internal/wait -run '^$' -bench GateOvershoot
var overshootTaskDurations = []time.Duration{2 * time.Second, 10 * time.Second, time.Minute, 5 * time.Minute}

// fixedSchedule pauses first, then every.
type fixedSchedule struct{ first, every time.Duration }

func (f fixedSchedule) pause(n int) time.Duration {
	if n == 0 {
		return f.first
	}
	return f.every
}

// taskEnds draws when a task of nominal length d really ends: anywhere within
// 10% of d, since real tasks do not end on a schedule's round numbers.
func taskEnds(rng *rand.Rand, d time.Duration) time.Duration {
	return time.Duration(float64(d) * (0.9 + 0.2*rng.Float64()))
}

// simulate waits for a task that ends taskDuration after the first poll, with
// pause as the schedule, and returns the overshoot and the number of polls.
func simulate(pause func(int) time.Duration, taskDuration time.Duration) (time.Duration, int) {
	clock := newFakeClock()
	start := clock.Now()
	polls := 0
	for n := 0; ; n++ {
		polls++
		if elapsed := clock.Now().Sub(start); elapsed >= taskDuration {
			return elapsed - taskDuration, polls
		}
		_ = clock.Sleep(context.Background(), pause(n))
	}
}

// simulateWaiter runs the real Waiter against a task ending at taskDuration,
// so that the benchmark measures the code users run, not a copy of its loop.
func simulateWaiter(s Schedule, taskDuration time.Duration) (time.Duration, int) {
	clock := newFakeClock()
	start := clock.Now()
	read := func(context.Context) (kps.Task, error) {
		st := "RUNNING_RESET"
		if clock.Now().Sub(start) >= taskDuration {
			st = "SUCCESS_RESET"
		}
		return kps.Task{Status: kps.ParseStatus(st)}, nil
	}
	res, err := Waiter{Clock: clock, Schedule: s, Timeout: time.Hour}.Wait(context.Background(), read)
	if err != nil {
		panic(err)
	}
	return res.CompletedAt.Sub(start) - taskDuration, res.Polls
}

func BenchmarkGateOvershoot(b *testing.B) {
	for _, d := range overshootTaskDurations {
		b.Run(fmt.Sprintf("task=%s/schedule=kps-default-10s", d), func(b *testing.B) {
			// Jitter makes each wait different: report the mean over many.
			rng := rand.New(rand.NewPCG(1, 2))
			s := NewSchedule(10 * time.Second)
			s.Rand = rng.Float64
			var over time.Duration
			var polls int
			for i := 0; i < b.N; i++ {
				o, p := simulateWaiter(s, taskEnds(rng, d))
				over += o
				polls += p
			}
			b.ReportMetric(over.Seconds()/float64(b.N), "overshoot-s")
			b.ReportMetric(float64(polls)/float64(b.N), "polls")
		})
		for _, f := range []struct {
			name string
			s    fixedSchedule
		}{
			{"fixed-10s-then-20s", fixedSchedule{10 * time.Second, 20 * time.Second}},
			{"fixed-every-5s", fixedSchedule{5 * time.Second, 5 * time.Second}},
		} {
			b.Run(fmt.Sprintf("task=%s/schedule=%s", d, f.name), func(b *testing.B) {
				rng := rand.New(rand.NewPCG(1, 2))
				var over time.Duration
				var polls int
				for i := 0; i < b.N; i++ {
					o, p := simulate(f.s.pause, taskEnds(rng, d))
					over += o
					polls += p
				}
				b.ReportMetric(over.Seconds()/float64(b.N), "overshoot-s")
				b.ReportMetric(float64(polls)/float64(b.N), "polls")
			})
		}
	}
}

// TestOvershootBounded pins what the table shows: with the default schedule,
// no wait returns later than poll_interval after the task ended.
func TestOvershootBounded(t *testing.T) {
	s := NewSchedule(10 * time.Second)
	for _, d := range overshootTaskDurations {
		for range 200 {
			if o, _ := simulateWaiter(s, d); o > 10*time.Second || o < 0 {
				t.Fatalf("task of %v: overshoot %v", d, o)
			}
		}
	}
}
