package wait

import (
	"context"
	"fmt"
	"net/http/httptest"
	"sync"
	"testing"
	"time"

	"github.com/kpsops/terraform-provider-kps/internal/dev/kpsfake"
	"github.com/kpsops/terraform-provider-kps/internal/huaweiauth"
	"github.com/kpsops/terraform-provider-kps/internal/kps"
)

// TestConcurrentWaitsUnderARateLimit: twenty waits, ten at a time as
// Terraform runs them, share one client against an API limited to 10
// requests a second. All of them see their task end; none fails on a 429.
// (Scaled down from 40 waits at 8 a second; make bench runs the full size.)
func TestConcurrentWaitsUnderARateLimit(t *testing.T) {
	const waits, parallelism, limit = 20, 10, 10
	fake := kpsfake.New("tok", kpsfake.WithRateLimit(limit))
	for i := range waits {
		end := 500*time.Millisecond + time.Duration(i%5)*100*time.Millisecond
		fake.AddTask("p", fmt.Sprintf("t%d", i), kpsfake.Task{Timeline: []kpsfake.Step{
			{Status: "RUNNING_RESET"}, {At: end, Status: "SUCCESS_RESET"},
		}})
	}
	srv := httptest.NewServer(fake)
	defer srv.Close()
	u, _ := kps.ParseEndpoint(srv.URL)
	client, err := kps.New(kps.Config{Endpoint: u, Auth: huaweiauth.TokenCredentials("tok"), MaxRetries: 5})
	if err != nil {
		t.Fatal(err)
	}

	start := time.Now()
	sem := make(chan struct{}, parallelism)
	var wg sync.WaitGroup
	errs := make([]error, waits)
	for i := range waits {
		wg.Go(func() {
			sem <- struct{}{}
			defer func() { <-sem }()
			w := Waiter{Clock: RealClock{}, Schedule: NewSchedule(2 * time.Second), Timeout: time.Minute}
			res, err := w.Wait(context.Background(), func(ctx context.Context) (kps.Task, error) {
				return client.GetTask(ctx, "p", fmt.Sprintf("t%d", i))
			})
			if err == nil && !res.Task.Status.Succeeded() {
				err = fmt.Errorf("ended %s", res.Task.Status.Raw)
			}
			errs[i] = err
		})
	}
	wg.Wait()
	for i, err := range errs {
		if err != nil {
			t.Errorf("wait %d: %v", i, err)
		}
	}
	total, throttled := fake.TotalRequests(), fake.ThrottledRequests()
	t.Logf("%d waits in %v: %d requests, %d (%.1f%%) answered 429",
		waits, time.Since(start).Round(time.Millisecond), total, throttled, 100*float64(throttled)/float64(total))
}
