package wait

import (
	"context"
	"time"

	"github.com/kpsops/terraform-provider-kps/internal/kps"
)

// ReadFunc reads the task once.
type ReadFunc func(ctx context.Context) (kps.Task, error)

// Result is how a wait for one task ended.
type Result struct {
	Task        kps.Task
	CompletedAt time.Time // when the ending status was first seen
	Polls       int
}

// Wait polls a task until it reaches a terminal phase (a failed task is an
// ending too: judging it is the caller's job). A phase the API does not
// document counts as pending.
func (w Waiter) Wait(ctx context.Context, read ReadFunc) (Result, error) {
	out, err := Poll(ctx, w, func(ctx context.Context) (kps.Task, string, bool, error) {
		task, err := read(ctx)
		return task, task.Status.Raw, err == nil && task.Status.Terminal(), err
	})
	return Result{Task: out.Value, CompletedAt: out.CompletedAt, Polls: out.Polls}, err
}
