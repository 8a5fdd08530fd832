package kpsfake

import (
	"fmt"
	"strings"
	"time"
)

// ParseTimeline reads a timeline written as STATUS@OFFSET pairs separated by
// commas, e.g. "READY_RESET@0s,RUNNING_RESET@2s,SUCCESS_RESET@5s", the form the
// kps-fake command takes on its command line.
func ParseTimeline(spec string) ([]Step, error) {
	var steps []Step
	for _, item := range strings.Split(spec, ",") {
		status, offset, ok := strings.Cut(strings.TrimSpace(item), "@")
		if !ok || status == "" {
			return nil, fmt.Errorf("timeline step %q: want STATUS@OFFSET, e.g. RUNNING_RESET@2s", item)
		}
		at, err := time.ParseDuration(offset)
		if err != nil {
			return nil, fmt.Errorf("timeline step %q: %w", item, err)
		}
		if len(steps) > 0 && at < steps[len(steps)-1].At {
			return nil, fmt.Errorf("timeline step %q comes before the step ahead of it", item)
		}
		steps = append(steps, Step{At: at, Status: status})
	}
	return steps, nil
}
