package releasectx

import (
	"context"
	"errors"
	"testing"
	"time"

	"github.com/hashicorp/terraform-plugin-go/tfprotov6"
)

type key struct{}

// keeper stands for the framework: it keeps the context of every call, and
// checks what the call could see while it ran.
type keeper struct {
	tfprotov6.ProviderServer
	kept        []context.Context
	sawValue    bool
	sawDeadline bool
	block       chan struct{} // when set, the call waits for its context to end
}

func (k *keeper) ReadDataSource(ctx context.Context, _ *tfprotov6.ReadDataSourceRequest) (*tfprotov6.ReadDataSourceResponse, error) {
	k.kept = append(k.kept, ctx)
	k.sawValue = ctx.Value(key{}) == "payload"
	_, k.sawDeadline = ctx.Deadline()
	if k.block != nil {
		<-ctx.Done()
		return nil, ctx.Err()
	}
	return &tfprotov6.ReadDataSourceResponse{}, nil
}

func TestCallSeesTheContextAndKeepsNothingAfterwards(t *testing.T) {
	k := &keeper{}
	server := Wrap(k)
	ctx, cancel := context.WithTimeout(context.WithValue(context.Background(), key{}, "payload"), time.Hour)
	defer cancel()
	if _, err := server.ReadDataSource(ctx, &tfprotov6.ReadDataSourceRequest{}); err != nil {
		t.Fatal(err)
	}
	if !k.sawValue || !k.sawDeadline {
		t.Fatalf("during the call: value seen %v, deadline seen %v", k.sawValue, k.sawDeadline)
	}
	kept := k.kept[0]
	if kept.Value(key{}) != nil {
		t.Fatal("the kept context still reaches the call's values")
	}
	if !errors.Is(kept.Err(), context.Canceled) {
		t.Fatalf("the kept context's Err is %v, want context.Canceled", kept.Err())
	}
	select {
	case <-kept.Done():
	default:
		t.Fatal("the kept context is not done")
	}
	if _, ok := kept.Deadline(); ok {
		t.Fatal("the kept context still has a deadline")
	}
}

// TestCancellationReachesTheCall: Ctrl-C cancels the call's context, and the
// framework's own child contexts with it.
func TestCancellationReachesTheCall(t *testing.T) {
	k := &keeper{block: make(chan struct{})}
	server := Wrap(k)
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() {
		_, err := server.ReadDataSource(ctx, &tfprotov6.ReadDataSourceRequest{})
		done <- err
	}()
	time.Sleep(10 * time.Millisecond)
	cancel()
	select {
	case err := <-done:
		if !errors.Is(err, context.Canceled) {
			t.Fatalf("the call ended with %v, want context.Canceled", err)
		}
	case <-time.After(5 * time.Second):
		t.Fatal("cancelling the caller's context did not reach the call")
	}
}

func TestChildContextsFollowTheCall(t *testing.T) {
	parent, cancel := context.WithCancel(context.Background())
	r := newReleasable(parent)
	child, cancelChild := context.WithCancel(r)
	defer cancelChild()
	cancel()
	select {
	case <-child.Done():
	case <-time.After(5 * time.Second):
		t.Fatal("a child of the call's context was not cancelled with it")
	}
}
