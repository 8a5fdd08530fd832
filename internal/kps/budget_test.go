package kps_test

import (
	"context"
	"fmt"
	"net/http/httptest"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/kpsops/terraform-provider-kps/internal/budget"
	"github.com/kpsops/terraform-provider-kps/internal/dev/kpsfake"
	"github.com/kpsops/terraform-provider-kps/internal/huaweiauth"
	"github.com/kpsops/terraform-provider-kps/internal/kps"
)

func budgetClient(t *testing.T, fake *kpsfake.Server, maxRetries int) *kps.Client {
	t.Helper()
	srv := httptest.NewServer(fake)
	t.Cleanup(srv.Close)
	u, _ := kps.ParseEndpoint(srv.URL)
	client, err := kps.New(kps.Config{Endpoint: u, Auth: huaweiauth.TokenCredentials(testToken), MaxRetries: maxRetries,
		RetryWaitMin: 10 * time.Millisecond, RetryWaitMax: 10 * time.Millisecond})
	if err != nil {
		t.Fatal(err)
	}
	return client
}

// TestStatedThrottleWaitsForTheBudget: with max_retries = 0, a 429 that
// states the limit still does not fail a read: the read waits for its turn.
func TestStatedThrottleWaitsForTheBudget(t *testing.T) {
	fake := kpsfake.New(testToken, kpsfake.WithLimiter(kpsfake.SlidingWindow(10, time.Second), true))
	const reads = 25
	for i := range reads {
		fake.AddTask(testProject, fmt.Sprintf("t%d", i), kpsfake.Task{Timeline: []kpsfake.Step{{Status: "SUCCESS_RESET"}}})
	}
	client := budgetClient(t, fake, 0)
	var wg sync.WaitGroup
	errs := make(chan error, reads)
	for i := range reads {
		wg.Go(func() {
			if _, err := client.GetTask(context.Background(), testProject, fmt.Sprintf("t%d", i)); err != nil {
				errs <- err
			}
		})
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Fatalf("a read failed although max_retries = 0 and the 429 stated the limit: %v", err)
	}
	if fake.ThrottledRequests() == 0 {
		t.Fatal("nothing was throttled: the test shows nothing")
	}
}

// TestSpentQuotaFailsAtOnce: when the stated quota is spent for longer than
// a request waits, the read fails at once with the gateway's message, and
// the error is final, so that a wait does not poll against it.
func TestSpentQuotaFailsAtOnce(t *testing.T) {
	fake := kpsfake.New(testToken, kpsfake.WithLimiter(kpsfake.FixedWindow(2, 24*time.Hour), true))
	fake.AddTask(testProject, "t", kpsfake.Task{Timeline: []kpsfake.Step{{Status: "SUCCESS_RESET"}}})
	client := budgetClient(t, fake, 5)
	for range 2 {
		if _, err := client.GetTask(context.Background(), testProject, "t"); err != nil {
			t.Fatal(err)
		}
	}
	start := time.Now()
	_, err := client.GetTask(context.Background(), testProject, "t")
	if err == nil || kps.IsTransient(err) || time.Since(start) > 5*time.Second {
		t.Fatalf("got %v after %s, want a final error at once", err, time.Since(start))
	}
	for _, want := range []string{"quota is spent", "2 requests per 24h0m0s", "limit:2,time:1 day"} {
		if !strings.Contains(err.Error(), want) {
			t.Errorf("%q does not say %q", err, want)
		}
	}
	if n := fake.TotalRequests(); n != 3 {
		t.Fatalf("%d requests, want 3: the one that taught the limit, and nothing after", n)
	}
}

// TestLimitsAreRememberedForTheNextRun: a run that learns a limit from a
// stated 429 writes it down; the next run, against the same endpoint and
// project, recalls it and sends within it from its first request: no 429.
func TestLimitsAreRememberedForTheNextRun(t *testing.T) {
	fake := kpsfake.New(testToken, kpsfake.WithLimiter(kpsfake.FixedWindow(8, time.Second), true))
	const reads = 16
	for i := range reads {
		fake.AddTask(testProject, fmt.Sprintf("t%d", i), kpsfake.Task{Timeline: []kpsfake.Step{{Status: "SUCCESS_RESET"}}})
	}
	srv := httptest.NewServer(fake)
	t.Cleanup(srv.Close)
	u, _ := kps.ParseEndpoint(srv.URL)
	memory := budget.FileMemory{Path: filepath.Join(t.TempDir(), "limits.json"), Key: srv.URL + "\n" + testProject}
	run := func() {
		remembered, err := memory.Recall(time.Now())
		if err != nil {
			t.Fatal(err)
		}
		client, err := kps.New(kps.Config{Endpoint: u, Auth: huaweiauth.TokenCredentials(testToken), Remembered: remembered, Memory: memory})
		if err != nil {
			t.Fatal(err)
		}
		var wg sync.WaitGroup
		for i := range reads {
			wg.Go(func() {
				if _, err := client.GetTask(context.Background(), testProject, fmt.Sprintf("t%d", i)); err != nil {
					t.Error(err)
				}
			})
		}
		wg.Wait()
	}
	run()
	learning := fake.ThrottledRequests()
	if learning == 0 {
		t.Fatal("the first run was never throttled: it learned nothing")
	}
	if limits, _ := memory.Recall(time.Now()); len(limits) != 1 || limits[0] != (budget.Limit{Count: 8, Window: time.Second}) {
		t.Fatalf("remembered %v, want 8 per second", limits)
	}
	// The next window, so that the first run's requests do not count.
	time.Sleep(time.Until(time.Now().Truncate(time.Second).Add(time.Second)))
	run()
	if again := fake.ThrottledRequests() - learning; again != 0 {
		t.Fatalf("the second run was throttled %d times: it did not start paced", again)
	}
}
