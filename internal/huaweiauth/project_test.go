package huaweiauth

import (
	"context"
	"errors"
	"net/url"
	"strings"
	"sync/atomic"
	"testing"
)

func TestProjectFinderAsksOnceAndOutlivesACancelledCaller(t *testing.T) {
	release := make(chan struct{})
	var calls atomic.Int32
	get := func(ctx context.Context, u *url.URL, v any) error {
		calls.Add(1)
		if got := u.String(); got != "https://iam.example/v3/projects?name=cn-north-4" {
			t.Errorf("asked %s", got)
		}
		<-release
		// A gateway that ignores the filter: the finder matches the name again.
		v.(*projectsBody).Projects = []iamProject{{"p1", "cn-north-4"}, {"other", "cn-north-1"}}
		return ctx.Err()
	}
	u, _ := url.Parse("https://iam.example/v3")
	f := NewProjectFinder(t.Context(), u, "cn-north-4", get)

	cancelled, cancel := context.WithCancel(context.Background())
	cancel()
	if _, err := f.ProjectID(cancelled); !errors.Is(err, context.Canceled) {
		t.Fatalf("a cancelled caller got %v", err)
	}
	close(release)
	for range 3 {
		id, err := f.ProjectID(context.Background())
		if err != nil || id != "p1" {
			t.Fatalf("ProjectID = %q, %v", id, err)
		}
	}
	if n := calls.Load(); n != 1 {
		t.Fatalf("%d IAM requests, want 1", n)
	}
}

func TestProjectFinderNamesTheRegionOnFailure(t *testing.T) {
	u, _ := url.Parse("https://iam.example/v3")
	f := NewProjectFinder(t.Context(), u, "cn-north-4", func(context.Context, *url.URL, any) error { return errors.New("HTTP 403") })
	_, err := f.ProjectID(context.Background())
	if err == nil || !strings.Contains(err.Error(), "region cn-north-4") || !strings.Contains(err.Error(), "HW_PROJECT_ID") {
		t.Fatalf("error %v", err)
	}
}

// TestProjectFinderRunsOnItsOwnContext: the look-up runs with the finder's
// context (the provider's: its loggers), never with that of the read that
// happened to need the project first.
func TestProjectFinderRunsOnItsOwnContext(t *testing.T) {
	type key struct{}
	var seen any
	get := func(ctx context.Context, _ *url.URL, v any) error {
		seen = ctx.Value(key{})
		v.(*projectsBody).Projects = []iamProject{{"p1", "cn-north-4"}}
		return nil
	}
	u, _ := url.Parse("https://iam.example/v3")
	f := NewProjectFinder(context.WithValue(t.Context(), key{}, "provider"), u, "cn-north-4", get)
	if _, err := f.ProjectID(context.WithValue(t.Context(), key{}, "first read")); err != nil {
		t.Fatal(err)
	}
	if seen != "provider" {
		t.Fatalf("the look-up ran with the context of %v, want the provider's", seen)
	}
}
