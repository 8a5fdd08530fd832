package wait

import (
	"context"
	"fmt"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/kpsops/terraform-provider-kps/internal/dev/kpsfake"
	"github.com/kpsops/terraform-provider-kps/internal/huaweiauth"
	"github.com/kpsops/terraform-provider-kps/internal/kps"
)

// TestFaultMatrix runs each fault the stand-in can inject against the two
// paths users take: one read (the data source) and a wait (the resource),
// each with the default max_retries of 5. It checks the outcome and logs the
// matrix with the number of requests each took:
//
//	go test ./internal/wait -run TestFaultMatrix -v
func TestFaultMatrix(t *testing.T) {
	const (
		token   = "matrix-token"
		project = "0123456789abcdef0123456789abcdef"
	)
	type outcome struct {
		readOK, waitOK bool
		errText        string // in the error, where the outcome is one
	}
	rows := []struct {
		name   string
		faults []kpsfake.Fault
		want   outcome
	}{
		{"500", []kpsfake.Fault{{Status: 500}}, outcome{true, true, ""}},
		{"502 HTML page", []kpsfake.Fault{{Kind: kpsfake.FaultHTML, Status: 502}}, outcome{true, true, ""}},
		{"503", []kpsfake.Fault{{Status: 503, Code: "APIGW.0203"}}, outcome{true, true, ""}},
		{"504 HTML page", []kpsfake.Fault{{Kind: kpsfake.FaultHTML, Status: 504}}, outcome{true, true, ""}},
		{"429 + Retry-After: 1", []kpsfake.Fault{{Status: 429, Code: "APIGW.0308", RetryAfter: "1"}}, outcome{true, true, ""}},
		{"connection reset", []kpsfake.Fault{{Kind: kpsfake.FaultReset}}, outcome{true, true, ""}},
		{"slow answer (past the attempt timeout)", []kpsfake.Fault{{Kind: kpsfake.FaultSlow, Delay: 2 * time.Second}}, outcome{true, true, ""}},
		{"503 seven times (beyond max_retries)", kpsfake.Repeat(kpsfake.Fault{Status: 503, Code: "APIGW.0203"}, 7), outcome{false, true, "after 6 attempts"}},
		{"slow answer seven times (beyond max_retries)", kpsfake.Repeat(kpsfake.Fault{Kind: kpsfake.FaultSlow, Delay: time.Second}, 7), outcome{false, true, "no answer within"}},
		{"cut-off JSON", []kpsfake.Fault{{Kind: kpsfake.FaultTruncated}}, outcome{true, true, ""}},
		{"empty body", []kpsfake.Fault{{Kind: kpsfake.FaultEmpty}}, outcome{true, true, ""}},
		{"200 HTML page", []kpsfake.Fault{{Kind: kpsfake.FaultHTML, Status: 200}}, outcome{true, true, ""}},
		{"cut-off JSON seven times (beyond max_retries)", kpsfake.Repeat(kpsfake.Fault{Kind: kpsfake.FaultTruncated}, 7), outcome{false, true, "not valid JSON"}},
		{"429 stating its limit", []kpsfake.Fault{{Status: 429, Code: "APIGW.0308",
			Message: "The throttling threshold has been reached: policy user over ratelimit,limit:100,time:1 second"}}, outcome{true, true, ""}},
		{"body over 1 MiB", []kpsfake.Fault{{Kind: kpsfake.FaultOversized}}, outcome{false, false, "larger than 1 MiB"}},
		{"JSON without task_status", []kpsfake.Fault{{Kind: kpsfake.FaultBody, Body: `{"task_id":"x"}`}}, outcome{false, false, "no task_status"}},
		{"302 redirect", []kpsfake.Fault{{Kind: kpsfake.FaultRedirect, Location: "https://elsewhere.example/"}}, outcome{false, false, "never follows redirects"}},
		{"401", []kpsfake.Fault{{Status: 401, Code: "APIGW.0301"}}, outcome{false, false, "IAM tokens last 24 hours"}},
		{"403", []kpsfake.Fault{{Status: 403, Code: "APIGW.0302"}}, outcome{false, false, "kps::getTask"}},
		{"400 no such task", []kpsfake.Fault{{Status: 400, Code: "KPS.0001", Message: "taskId is illegal"}}, outcome{false, false, "purged"}},
		{"404 APIGW.0101", []kpsfake.Fault{{Status: 404, Code: "APIGW.0101"}}, outcome{false, false, "check endpoint"}},
	}

	var table strings.Builder
	table.WriteString("| fault | data source: outcome, requests | wait: outcome, requests |\n|---|---|---|\n")
	for _, row := range rows {
		fake := kpsfake.New(token)
		srv := httptest.NewServer(fake)
		u, _ := kps.ParseEndpoint(srv.URL)
		client, err := kps.New(kps.Config{Endpoint: u, Auth: huaweiauth.TokenCredentials(token), MaxRetries: 5,
			RetryWaitMin: 10 * time.Millisecond, RetryWaitMax: 20 * time.Millisecond, RequestTimeout: 300 * time.Millisecond})
		if err != nil {
			t.Fatal(err)
		}
		script := kpsfake.Task{ServerID: "s", Timeline: []kpsfake.Step{{Status: "SUCCESS_RESET"}}, Faults: row.faults}

		fake.AddTask(project, "read", script)
		_, readErr := client.GetTask(context.Background(), project, "read")
		readRequests := fake.Requests("read")

		fake.AddTask(project, "wait", script)
		clock := newFakeClock()
		w := Waiter{Clock: clock, Schedule: NewSchedule(10 * time.Second), Timeout: 30 * time.Minute}
		_, waitErr := w.Wait(context.Background(), func(ctx context.Context) (kps.Task, error) {
			return client.GetTask(ctx, project, "wait")
		})
		waitRequests := fake.Requests("wait")
		srv.Close()

		check := func(path string, ok bool, err error) string {
			switch {
			case ok && err != nil:
				t.Errorf("%s, %s: %v, want success", row.name, path, err)
			case !ok && err == nil:
				t.Errorf("%s, %s: success, want an error", row.name, path)
			case !ok && !strings.Contains(err.Error(), row.want.errText):
				t.Errorf("%s, %s: error %q does not say %q", row.name, path, err, row.want.errText)
			}
			if err != nil {
				return "error"
			}
			return "success"
		}
		r := check("read", row.want.readOK, readErr)
		wo := check("wait", row.want.waitOK, waitErr)
		fmt.Fprintf(&table, "| %s | %s, %d | %s, %d |\n", row.name, r, readRequests, wo, waitRequests)
	}
	t.Log("\n" + table.String())
}
