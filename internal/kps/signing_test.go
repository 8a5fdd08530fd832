package kps_test

import (
	"context"
	"net/http"
	"net/http/httptest"
	"net/url"
	"sync"
	"testing"
	"time"

	"github.com/kpsops/terraform-provider-kps/internal/dev/kpsfake"
	"github.com/kpsops/terraform-provider-kps/internal/huaweiauth"
	"github.com/kpsops/terraform-provider-kps/internal/kps"
)

// TestEveryAttemptIsSignedAfresh: a retry is signed again, with the date of
// its own sending, so that a retry after a pause is not refused for an old
// date. The pause (drawn between half and all of its step) is over a second, the
// resolution of the date.
func TestEveryAttemptIsSignedAfresh(t *testing.T) {
	fake := kpsfake.New("unused-token")
	fake.AddAccessKey("AKTEST", "sk-test", "sts-test")
	fake.AddTask("p1", "t1", kpsfake.Task{
		Faults:   []kpsfake.Fault{{Status: http.StatusServiceUnavailable, Code: "APIGW.0203", Message: "busy"}},
		Timeline: []kpsfake.Step{{Status: "SUCCESS_RESET"}},
	})
	var mu sync.Mutex
	var dates []string
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		mu.Lock()
		dates = append(dates, r.Header.Get("X-Sdk-Date"))
		mu.Unlock()
		fake.ServeHTTP(w, r)
	}))
	defer srv.Close()
	u, _ := url.Parse(srv.URL)
	creds := &huaweiauth.Credentials{Method: huaweiauth.MethodAccessKey, AccessKey: "AKTEST", SecretKey: "sk-test", SecurityToken: "sts-test"}
	client, err := kps.New(kps.Config{Endpoint: u, Auth: creds, MaxRetries: 2,
		RetryWaitMin: 2050 * time.Millisecond, RetryWaitMax: 2050 * time.Millisecond})
	if err != nil {
		t.Fatal(err)
	}
	task, err := client.GetTask(context.Background(), "p1", "t1")
	if err != nil {
		t.Fatalf("the retry was refused: %v", err)
	}
	if task.Status.Raw != "SUCCESS_RESET" {
		t.Fatalf("status %q", task.Status.Raw)
	}
	if len(dates) != 2 || dates[0] == "" || dates[0] == dates[1] {
		t.Fatalf("X-Sdk-Date of the attempts: %q, want two different dates", dates)
	}
	if n := len(fake.Signatures()); n != 2 {
		t.Fatalf("%d signatures, want one per attempt", n)
	}
}
