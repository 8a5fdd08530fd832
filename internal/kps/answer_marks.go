package kps

import "context"

// What a request's context tells the retry policy about its answer, which
// the policy sees without the request's hints: whether a 200 has a body to
// look at, and how much of it the request reads.

type noBodyKey struct{}

// withNoBodyExpected marks the request sent with ctx as one whose success
// has no body: an empty 200 is its whole answer, not one to retry.
func withNoBodyExpected(ctx context.Context) context.Context {
	return context.WithValue(ctx, noBodyKey{}, true)
}

func noBodyExpected(ctx context.Context) bool {
	v, _ := ctx.Value(noBodyKey{}).(bool)
	return v
}

type bodyLimitKey struct{}

// withBodyLimit records how much of the answer's body the request reads,
// for the retry policy's look at a 200's body.
func withBodyLimit(ctx context.Context, limit int) context.Context {
	return context.WithValue(ctx, bodyLimitKey{}, limit)
}

func bodyLimit(ctx context.Context) int {
	if v, ok := ctx.Value(bodyLimitKey{}).(int); ok {
		return v
	}
	return MaxBodyBytes
}
