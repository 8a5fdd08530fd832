package kps

import (
	"context"
	"errors"
)

// A send gate is asked, each time a request's turn in the request budget
// comes, whether it may still go. A fleet queues hundreds of starts in the
// budget at once; once its failures reach max_failures, the starts still
// waiting for their turn must not go, and the gate stops them there, where
// nothing has been sent, rather than at the door of the budget.

type sendGateKey struct{}

// WithSendGate makes the requests sent with ctx ask gate, when their turn
// comes, whether they may go: an error stops a request unsent, and is the
// request's error (a *NotSentError).
func WithSendGate(ctx context.Context, gate func() error) context.Context {
	return context.WithValue(ctx, sendGateKey{}, gate)
}

func sendGateFrom(ctx context.Context) func() error {
	gate, _ := ctx.Value(sendGateKey{}).(func() error)
	return gate
}

// NotSentError is a request a send gate stopped before it was sent: nothing
// reached the API. It is final: not retried.
type NotSentError struct{ Err error }

func (e *NotSentError) Error() string { return "not sent: " + e.Err.Error() }

func (e *NotSentError) Unwrap() error { return e.Err }

func isNotSent(err error) bool {
	var ns *NotSentError
	return errors.As(err, &ns)
}
