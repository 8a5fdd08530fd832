package budget

import (
	"context"
	"errors"
	"math/rand/v2"
	"sort"
	"sync"
	"testing"
	"testing/synctest"
	"time"

	"github.com/kpsops/terraform-provider-kps/internal/dev/kpsfake"
)

// gateway is a simulated API gateway: a limiter shared by every client.
type gateway struct {
	mu       sync.Mutex
	limiter  kpsfake.Limiter
	stated   bool
	arrivals map[int][]time.Time // accepted or not, by client
	accepted int
	refused  int
}

func (g *gateway) handle(client int) (throttled bool, message string) {
	g.mu.Lock()
	defer g.mu.Unlock()
	now := time.Now()
	g.arrivals[client] = append(g.arrivals[client], now)
	if g.limiter.Allow(now) {
		g.accepted++
		return false, ""
	}
	g.refused++
	return true, kpsfake.ThrottleMessage(g.limiter, g.stated)
}

type simulation struct {
	limiter  kpsfake.Limiter
	stated   bool
	clients  int // each with its own Shared budget, as two Terraform runs are
	workers  int // concurrent requests per client: Terraform's parallelism
	requests int // per client
	latency  time.Duration
	retries  int // for 429s without a stated limit, as the client's retry layer
}

type simResult struct {
	took      time.Duration
	failures  int
	requests  int
	throttled int
	// known is when each client first learned a stated limit; zero if never.
	known    []time.Time
	arrivals map[int][]time.Time
	shares   []float64
}

// run drives the clients' budgets against the gateway in testing/synctest's
// virtual time: a request waits for its budget, reaches the gateway after
// half the latency and its answer comes back after the other half. A 429
// with a stated limit waits for the budget again, as the client does; one
// without is retried after a backoff, at most retries times.
func (s simulation) run(t *testing.T) simResult {
	t.Helper()
	var res simResult
	synctest.Test(t, func(t *testing.T) {
		g := &gateway{limiter: s.limiter, stated: s.stated, arrivals: map[int][]time.Time{}}
		start := time.Now()
		res.known = make([]time.Time, s.clients)
		res.shares = make([]float64, s.clients)
		var mu sync.Mutex
		var wg sync.WaitGroup
		budgets := make([]*Shared, s.clients)
		for c := range s.clients {
			shared := NewShared()
			budgets[c] = shared
			jobs := make(chan int, s.requests)
			for i := range s.requests {
				jobs <- i
			}
			close(jobs)
			for range s.workers {
				wg.Go(func() {
					rng := rand.New(rand.NewPCG(uint64(c), 1))
					for range jobs {
						if err := s.request(shared, g, c, rng, &mu, &res); err != nil {
							mu.Lock()
							res.failures++
							mu.Unlock()
						}
					}
				})
			}
		}
		wg.Wait()
		for c, b := range budgets {
			res.shares[c] = b.b.Share()
		}
		res.took = time.Since(start)
		res.requests, res.throttled = g.accepted+g.refused, g.refused
		res.arrivals = g.arrivals
	})
	return res
}

var errGaveUp = errors.New("gave up after retries")

func (s simulation) request(shared *Shared, g *gateway, client int, rng *rand.Rand, mu *sync.Mutex, res *simResult) error {
	for attempt := 0; ; {
		sentAt, err := shared.Wait(context.Background())
		if err != nil {
			return err
		}
		time.Sleep(s.latency / 2)
		throttled, msg := g.handle(client)
		time.Sleep(s.latency / 2)
		shared.Observe(sentAt, throttled, msg)
		if !throttled {
			return nil
		}
		if _, stated := ParseLimit(msg); stated {
			mu.Lock()
			if res.known[client].IsZero() {
				res.known[client] = time.Now()
			}
			mu.Unlock()
			continue
		}
		if attempt++; attempt > s.retries {
			return errGaveUp
		}
		// The client's backoff: 1 s doubling, each pause drawn between half and all of it.
		step := time.Second << (attempt - 1)
		time.Sleep(step/2 + time.Duration(rng.Int64N(int64(step/2)+1)))
	}
}

// maxInWindow is the most arrivals in any window of length w (a window
// [t, t+w), as a gateway counts), among arrivals at or after from.
func maxInWindow(arrivals []time.Time, from time.Time, w time.Duration) int {
	var a []time.Time
	for _, t := range arrivals {
		if !t.Before(from) {
			a = append(a, t)
		}
	}
	sort.Slice(a, func(i, j int) bool { return a[i].Before(a[j]) })
	most := 0
	for i := range a {
		j := sort.Search(len(a), func(k int) bool { return !a[k].Before(a[i].Add(w)) })
		most = max(most, j-i)
	}
	return most
}
