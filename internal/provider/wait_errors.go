package provider

import (
	"errors"
	"fmt"
	"time"

	"github.com/kpsops/terraform-provider-kps/internal/wait"
)

// How a wait resource's wait that went wrong reads.

// describeWaitError words a wait for what, which went wrong with err, as a
// diagnostic.
func describeWaitError(what, project string, timeout time.Duration, err error) (summary, detail string) {
	var te *wait.TimeoutError
	switch {
	case errors.As(err, &te):
		return "Timed out waiting for " + what,
			fmt.Sprintf("%s in project %s: %s (timeouts.create is %s). Nothing was saved to state, so the next "+
				"apply looks again; raise timeouts.create if it needs longer.", what, project, te.Error(), timeout)
	case wait.IsInterrupted(err):
		return "Wait for " + what + " interrupted",
			fmt.Sprintf("%s in project %s: %s. Nothing was saved to state; the tasks themselves go on in the cloud.",
				what, project, err.Error())
	}
	return "Cannot read " + what, err.Error()
}
