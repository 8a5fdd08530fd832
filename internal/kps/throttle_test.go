package kps_test

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

// TestSharedClientSlowsDownUnderARateLimit: as Terraform does with its
// default parallelism, ten readers share one client against an API limited
// to 40 requests a second. Every read succeeds; the client paces itself, so
// few requests are throttled. (Scaled down from 300 reads at 8 a second so
// that the suite stays quick; make bench runs the full size.)
func TestSharedClientSlowsDownUnderARateLimit(t *testing.T) {
	const reads, workers, limit = 120, 10, 40
	fake := kpsfake.New(testToken, kpsfake.WithRateLimit(limit))
	for i := range reads {
		fake.AddTask(testProject, fmt.Sprintf("t%d", i), kpsfake.Task{Timeline: []kpsfake.Step{{Status: "SUCCESS_RESET"}}})
	}
	srv := httptest.NewServer(fake)
	defer srv.Close()
	u, _ := kps.ParseEndpoint(srv.URL)
	client, err := kps.New(kps.Config{Endpoint: u, Auth: huaweiauth.TokenCredentials(testToken), MaxRetries: 5})
	if err != nil {
		t.Fatal(err)
	}

	start := time.Now()
	jobs := make(chan int)
	var mu sync.Mutex
	var failures []error
	var wg sync.WaitGroup
	for range workers {
		wg.Go(func() {
			for i := range jobs {
				if _, err := client.GetTask(context.Background(), testProject, fmt.Sprintf("t%d", i)); err != nil {
					mu.Lock()
					failures = append(failures, err)
					mu.Unlock()
				}
			}
		})
	}
	for i := range reads {
		jobs <- i
	}
	close(jobs)
	wg.Wait()

	if len(failures) > 0 {
		t.Fatalf("%d of %d reads failed, the first: %v", len(failures), reads, failures[0])
	}
	total, throttled := fake.TotalRequests(), fake.ThrottledRequests()
	t.Logf("%d reads in %v: %d requests, %d (%.1f%%) answered 429",
		reads, time.Since(start).Round(time.Millisecond), total, throttled, 100*float64(throttled)/float64(total))
}
