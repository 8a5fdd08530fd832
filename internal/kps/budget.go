package kps

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"time"

	"github.com/hashicorp/terraform-plugin-log/tflog"

	"github.com/kpsops/terraform-provider-kps/internal/budget"
)

// budgetTransport sends each attempt, retries included, through the provider's
// one request budget, and tells the budget how each went.
//
// A 429 whose message states the gateway's limit does not go back to the
// retry layer: the budget now knows when a request may go, so the attempt
// waits for its turn and is sent again, without using up one of the user's
// max_retries (bounded by the request's context, and failing at once with a
// budget.SpentError when the turn is over budget.MaxWait away). A 429 that
// states no limit goes back to the retry layer, which retries it after a
// backoff, paced by the budget's adaptive fallback.
type budgetTransport struct {
	budget *budget.Shared
	memory LimitMemory // nil: limits are not remembered
	next   http.RoundTripper
}

func (t budgetTransport) RoundTrip(req *http.Request) (*http.Response, error) {
	for sends := 0; ; sends++ {
		if sends > 0 {
			// The 429 was the gateway's: the request never reached KPS,
			// so even a once-only request goes again, body and all.
			var err error
			if req, err = rewound(req); err != nil {
				return nil, err
			}
		}
		sentAt, err := t.budget.Wait(req.Context())
		if err != nil {
			return nil, err
		}
		if gate := sendGateFrom(req.Context()); gate != nil {
			if err := gate(); err != nil {
				t.budget.ObserveNoAnswer(sentAt)
				return nil, &NotSentError{Err: err}
			}
		}
		resp, err := t.next.RoundTrip(req)
		if err != nil {
			t.budget.ObserveNoAnswer(sentAt)
			return nil, err
		}
		if resp.StatusCode != http.StatusTooManyRequests {
			t.budget.Observe(sentAt, false, "")
			return resp, nil
		}
		if stated := t.budget.Observe(sentAt, true, peekErrorMessage(resp)); !stated {
			return resp, nil
		}
		t.remember(req.Context())
		_ = resp.Body.Close()
	}
}

// remember records the limits known after a stated 429, for the next run.
func (t budgetTransport) remember(ctx context.Context) {
	if t.memory == nil {
		return
	}
	limits := t.budget.Limits()
	if err := t.memory.Remember(limits, time.Now()); err != nil {
		tflog.SubsystemDebug(ctx, LogSubsystem, "Cannot remember the gateway's limits for the next run", map[string]any{"error": err.Error()})
		return
	}
	tflog.SubsystemDebug(ctx, LogSubsystem, "Remembered the gateway's limits for the next run", map[string]any{"limits": fmt.Sprint(limits)})
}

// maxPeek bounds how much of a 429's body is read to find its message.
const maxPeek = 64 << 10

// peekErrorMessage reads the error_msg of an error answer ("" when there is
// none to read) and puts the body back as it was, a read error included, for
// whoever reads the answer next.
func peekErrorMessage(resp *http.Response) string {
	head, err := io.ReadAll(io.LimitReader(resp.Body, maxPeek))
	putBack(resp, head, err)
	var eb errorBody
	if err == nil && json.Unmarshal(head, &eb) == nil {
		return eb.ErrorMsg
	}
	return ""
}

// isSpent reports a request the budget did not send because its turn is too
// far away: retrying it soon cannot help.
func isSpent(err error) bool {
	var spent *budget.SpentError
	return errors.As(err, &spent)
}
