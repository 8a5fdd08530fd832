package huaweiauth

import (
	"context"
	"fmt"
	"net/url"
	"strings"
	"sync"
)

// GetJSONFunc sends an authenticated GET of u, with the provider's retries,
// and decodes a 200 answer's JSON into v; any other answer is an error.
type GetJSONFunc func(ctx context.Context, u *url.URL, v any) error

// ProjectFinder finds the project of a region from IAM once, the first time a
// call needs it, for every call of the provider (reads, creates, starts):
// concurrent calls share one request, and later calls reuse its outcome.
type ProjectFinder struct {
	base    context.Context // the look-up's: see ProjectID
	authURL *url.URL
	region  string
	get     GetJSONFunc

	start sync.Once
	done  chan struct{}
	id    string
	err   error
}

// NewProjectFinder returns a finder that asks IAM at authURL (its /v3 base)
// for the project named region, with base as the look-up's context: the
// provider's, so that the look-up is logged as the provider's, not as
// whichever call happened to need it first.
func NewProjectFinder(base context.Context, authURL *url.URL, region string, get GetJSONFunc) *ProjectFinder {
	return &ProjectFinder{base: base, authURL: authURL, region: region, get: get, done: make(chan struct{})}
}

// DefaultAuthURL is IAM's endpoint in region: https://iam.{region}.{cloud}/v3.
func DefaultAuthURL(region, cloud string) string {
	return "https://iam." + region + "." + cloud + "/v3"
}

// ProjectID returns the project's ID. The first call starts the look-up, on
// the finder's own context: it runs to its end (its retries bound it) even
// if that caller gives up, so that a cancelled call cannot fail the calls
// that wait on the same answer. Each caller waits only as long as its own
// ctx allows.
func (f *ProjectFinder) ProjectID(ctx context.Context) (string, error) {
	f.start.Do(func() {
		go func() {
			defer close(f.done)
			f.id, f.err = f.lookUp(f.base)
		}()
	})
	select {
	case <-f.done:
		return f.id, f.err
	case <-ctx.Done():
		return "", ctx.Err()
	}
}

// projectsBody is IAM's answer to GET /v3/projects.
type projectsBody struct {
	Projects []iamProject `json:"projects"`
}

type iamProject struct {
	ID   string `json:"id"`
	Name string `json:"name"`
}

func (f *ProjectFinder) lookUp(ctx context.Context) (string, error) {
	u := f.authURL.JoinPath("projects")
	u.RawQuery = url.Values{"name": {f.region}}.Encode()
	var body projectsBody
	if err := f.get(ctx, u, &body); err != nil {
		return "", fmt.Errorf("asking IAM for the project of region %s failed: %w. Set project_id (HW_PROJECT_ID) "+
			"to skip this look-up (users without IAM permission to list projects must set it)", f.region, err)
	}
	// IAM filters by name already; matching again guards against a gateway
	// that ignores the filter and lists every project.
	var ids []string
	for _, p := range body.Projects {
		if p.Name == f.region && p.ID != "" {
			ids = append(ids, p.ID)
		}
	}
	switch len(ids) {
	case 1:
		return ids[0], nil
	case 0:
		return "", fmt.Errorf("IAM (%s) knows no project named after region %q. Check region (HW_REGION_NAME), "+
			"or set project_id (HW_PROJECT_ID)", u.Redacted(), f.region)
	}
	return "", fmt.Errorf("IAM (%s) has %d projects named after region %q (%s); the provider will not guess. "+
		"Set project_id (HW_PROJECT_ID) to the one to use", u.Redacted(), len(ids), f.region, strings.Join(ids, ", "))
}
