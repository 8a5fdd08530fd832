package kpsfake

import (
	"fmt"
	"strings"
	"time"
)

// ParseTimeline reads a timeline written as STATUS@OFFSET pairs separated by
// commas, e.g. "READY_RESET@0s,RUNNING_RESET@2s,SUCCESS_RESET@5s". A failure
// reason is refused: ParseTask reads one.
func ParseTimeline(spec string) ([]Step, error) {
	task, err := ParseTask(spec)
	if err != nil {
		return nil, err
	}
	if task.ErrorCode != "" {
		return nil, fmt.Errorf("timeline %q: a failure reason (:CODE:MESSAGE) needs ParseTask", spec)
	}
	return task.Timeline, nil
}

// ParseTask reads a task's timeline, and the reason it fails for, in the
// form the kps-fake command takes on its command line: STATUS@OFFSET steps
// separated by commas, a FAILED_ step optionally followed by :CODE:MESSAGE,
// the reason the failed-tasks list gives, e.g.
//
//	RUNNING_RESET@0s,FAILED_RESET@5s:KPS.6015:the login was refused
//
// The reason runs to the end of its step, so its message may hold colons
// but no comma, which would start the next step. The task returned has
// Timeline, ErrorCode and ErrorMsg set.
func ParseTask(spec string) (Task, error) {
	var task Task
	for _, item := range strings.Split(spec, ",") {
		step, reason, err := parseStep(strings.TrimSpace(item))
		if err != nil {
			return Task{}, err
		}
		if n := len(task.Timeline); n > 0 && step.At < task.Timeline[n-1].At {
			return Task{}, fmt.Errorf("timeline step %q comes before the step ahead of it", item)
		}
		if reason != nil {
			if task.ErrorCode != "" {
				return Task{}, fmt.Errorf("timeline step %q: a task fails for one reason; another step already gives one", item)
			}
			task.ErrorCode, task.ErrorMsg = reason.Code, reason.Message
		}
		task.Timeline = append(task.Timeline, step)
	}
	return task, nil
}

// parseStep reads STATUS@OFFSET, or STATUS@OFFSET:CODE:MESSAGE for a
// FAILED_ status; reason is nil without one. A duration holds no colon, so
// the first colon after the offset starts the reason.
func parseStep(item string) (step Step, reason *TaskFailure, err error) {
	status, rest, ok := strings.Cut(item, "@")
	if !ok || status == "" {
		return Step{}, nil, fmt.Errorf("timeline step %q: want STATUS@OFFSET, e.g. RUNNING_RESET@2s", item)
	}
	offset, why, hasReason := strings.Cut(rest, ":")
	at, err := time.ParseDuration(offset)
	if err != nil {
		return Step{}, nil, fmt.Errorf("timeline step %q: %w", item, err)
	}
	if !hasReason {
		return Step{At: at, Status: status}, nil, nil
	}
	code, msg, _ := strings.Cut(why, ":")
	switch {
	case phaseOf(status) != "FAILED":
		return Step{}, nil, fmt.Errorf("timeline step %q: only a FAILED_ step has a failure reason", item)
	case code == "" || msg == "":
		return Step{}, nil, fmt.Errorf("timeline step %q: want STATUS@OFFSET:CODE:MESSAGE, e.g. FAILED_RESET@5s:KPS.6015:the login was refused", item)
	}
	return Step{At: at, Status: status}, &TaskFailure{Code: code, Message: msg}, nil
}
