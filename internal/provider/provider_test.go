package provider

import (
	"fmt"
	"net/http/httptest"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/hashicorp/terraform-plugin-go/tfprotov6"

	"github.com/kpsops/terraform-provider-kps/internal/dev/kpsfake"
)

const (
	testToken   = "acc-test-token-9f8e7d6c"
	testProject = "0123456789abcdef0123456789abcdef"
)

// factoriesWithEnv serves the provider in-process with env as its whole
// environment, so that tests neither see the developer's HW_* variables nor
// need t.Setenv (which rules out running in parallel).
func factoriesWithEnv(env map[string]string) map[string]func() (tfprotov6.ProviderServer, error) {
	return map[string]func() (tfprotov6.ProviderServer, error){
		TypeName: func() (tfprotov6.ProviderServer, error) {
			p := &kpsProvider{version: "test", getenv: func(name string) string { return env[name] }, retryWait: 20 * time.Millisecond}
			return protocolServer(p), nil
		},
	}
}

// testFactories is the provider with an empty environment.
var testFactories = factoriesWithEnv(nil)

// fakeAPI is a KPS stand-in served on loopback for one test.
type fakeAPI struct {
	*kpsfake.Server
	URL string
}

func newFakeAPI(t *testing.T, opts ...kpsfake.Option) *fakeAPI {
	t.Helper()
	fake := kpsfake.New(testToken, opts...)
	fake.AddProject(testProject)
	srv := httptest.NewServer(fake)
	t.Cleanup(srv.Close)
	return &fakeAPI{Server: fake, URL: srv.URL}
}

// addTask scripts a task in the test project that always reports status.
func (f *fakeAPI) addTask(taskID, serverID, status string) {
	f.AddTask(testProject, taskID, kpsfake.Task{ServerID: serverID, Timeline: []kpsfake.Step{{Status: status}}})
}

// providerConfig is a provider block pointed at the fake, with the test token
// and project.
func (f *fakeAPI) providerConfig() string {
	return fmt.Sprintf(`
provider "kps" {
  endpoint   = %q
  token      = %q
  project_id = %q
}
`, f.URL, testToken, testProject)
}

// expectError matches an error that shows each part, in order. Terraform wraps
// long diagnostics, so a space in a part matches any run of white space.
func expectError(parts ...string) *regexp.Regexp {
	quoted := make([]string, len(parts))
	for i, p := range parts {
		quoted[i] = strings.ReplaceAll(regexp.QuoteMeta(p), " ", `\s+`)
	}
	return regexp.MustCompile(`(?s)` + strings.Join(quoted, ".*"))
}
