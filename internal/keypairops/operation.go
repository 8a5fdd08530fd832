// Package keypairops holds the calls that must never be sent twice, each
// the one way every resource and action makes it. A task start: wait until
// the server is idle, start the task (never twice), check that it was
// dispatched, wait for it to end, and on failure find out why. A fleet: that
// sequence on many servers at once (RunFleet), max_failures withholding the
// starts not sent yet. A key pair's create: sent once only, and after a lost
// answer, adopt only the key pair this create made. It knows nothing of
// Terraform: it takes a client (and a waiter), and returns an outcome or a
// typed error for the caller to word.
package keypairops

import (
	"context"

	"github.com/kpsops/terraform-provider-kps/internal/kps"
)

// Client is what the sequence needs of the KPS client.
type Client interface {
	RunningTasks(ctx context.Context, projectID string) ([]kps.ListedTask, error)
	GetTask(ctx context.Context, projectID, taskID string) (kps.Task, error)
	FailedTask(ctx context.Context, projectID, taskID string) (kps.ListedTask, bool, error)
	Associate(ctx context.Context, projectID string, r kps.AssociateRequest) (kps.StartedTask, error)
	Disassociate(ctx context.Context, projectID string, r kps.DisassociateRequest) (kps.StartedTask, error)
}

// Operation is a task to start: set exactly one of its fields.
type Operation struct {
	Associate    *kps.AssociateRequest
	Disassociate *kps.DisassociateRequest
}

// ServerID is the server the operation acts on.
func (o Operation) ServerID() string {
	if o.Associate != nil {
		return o.Associate.ServerID
	}
	return o.Disassociate.ServerID
}

// start sends the call.
func (o Operation) start(ctx context.Context, c Client, projectID string) (kps.StartedTask, error) {
	if o.Associate != nil {
		return c.Associate(ctx, projectID, *o.Associate)
	}
	return c.Disassociate(ctx, projectID, *o.Disassociate)
}

// matches reports whether a running task may be the one this operation
// started: on its server and, for an associate, with its key pair.
func (o Operation) matches(t kps.ListedTask) bool {
	if t.ServerID != o.ServerID() {
		return false
	}
	return o.Associate == nil || t.KeypairName == "" || t.KeypairName == o.Associate.KeypairName
}
