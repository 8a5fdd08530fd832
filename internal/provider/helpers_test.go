package provider

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"net/http/httptest"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/hashicorp/go-version"
	"github.com/hashicorp/terraform-plugin-go/tfprotov6"
	"github.com/hashicorp/terraform-plugin-go/tftypes"
	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/knownvalue"
	"github.com/hashicorp/terraform-plugin-testing/plancheck"
	"github.com/hashicorp/terraform-plugin-testing/statecheck"
	"github.com/hashicorp/terraform-plugin-testing/terraform"
	"github.com/hashicorp/terraform-plugin-testing/tfjsonpath"

	"github.com/kpsops/terraform-provider-kps/internal/dev/kpsfake"
	"github.com/kpsops/terraform-provider-kps/internal/dev/tfrun"
	"github.com/kpsops/terraform-provider-kps/internal/huaweiauth"
	"github.com/kpsops/terraform-provider-kps/internal/keypairops"
	"github.com/kpsops/terraform-provider-kps/internal/kps"
)

// The package's test helpers, in one place: the stand-in and the provider
// served against it, CLI workspaces for what the test harness cannot do
// (Ctrl-C, destroy output, logs), the servers the task-starting types act
// on, checks of state and plan, and the protocol-level harness.

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

// cliWorkspace builds the provider and returns a workspace that runs the
// CLI under test on it, for what the test harness cannot do (Ctrl-C). It
// skips the test without TF_ACC, as the harness does.
func cliWorkspace(t *testing.T) *tfrun.Workspace {
	t.Helper()
	if os.Getenv("TF_ACC") == "" {
		t.Skip("an acceptance test: set TF_ACC=1 (make test does)")
	}
	ws, err := tfrun.New(t.Context(), t.TempDir(), "github.com/kpsops/terraform-provider-kps")
	if err != nil {
		t.Fatal(err)
	}
	return ws
}

// requiredKPS is the terraform block a workspace's configuration needs.
const requiredKPS = `
terraform {
  required_providers {
    kps = { source = "kpsops/kps" }
  }
}
`

// ctrlCBound is how soon after Ctrl-C the CLI must have exited. The
// provider stops a wait within a second (the unit tests bound that); the
// rest is the CLI's own shutdown, state write included, on a shared 2-core
// machine: a few hundred milliseconds here, with room for a loaded one.
const ctrlCBound = 5 * time.Second

// interruptWhen starts an apply in ws, with args after its own, presses
// Ctrl-C once ready reports true, and returns the CLI's output once it has
// exited, failing the test when the apply succeeded or took longer than
// ctrlCBound to stop.
func interruptWhen(t *testing.T, ws *tfrun.Workspace, ready func() bool, args ...string) string {
	t.Helper()
	out, err := interrupt(t, ws, ready, args...)
	if err == nil {
		t.Fatalf("the interrupted apply succeeded:\n%s", out)
	}
	return out
}

// interrupt is interruptWhen, returning how the CLI exited rather than
// judging it.
func interrupt(t *testing.T, ws *tfrun.Workspace, ready func() bool, args ...string) (string, error) {
	t.Helper()
	var out lockedBuffer
	apply := ws.Command(t.Context(), &out, []string{"TF_VAR_key=" + oldKey},
		append([]string{"apply", "-auto-approve", "-input=false", "-no-color"}, args...)...)
	if err := apply.Start(); err != nil {
		t.Fatal(err)
	}
	deadline := time.Now().Add(60 * time.Second)
	for !ready() {
		if time.Now().After(deadline) {
			_ = apply.Process.Kill()
			t.Fatalf("the apply never got to the point of interrupting it:\n%s", out.String())
		}
		time.Sleep(20 * time.Millisecond)
	}
	pressed := time.Now()
	if err := apply.Process.Signal(os.Interrupt); err != nil {
		t.Fatal(err)
	}
	done := make(chan error, 1)
	go func() { done <- apply.Wait() }()
	select {
	case err := <-done:
		t.Logf("the CLI exited %v after Ctrl-C", time.Since(pressed).Round(time.Millisecond))
		return out.String(), err
	case <-time.After(ctrlCBound):
		_ = apply.Process.Kill()
		t.Fatalf("the CLI did not stop within %s of Ctrl-C:\n%s", ctrlCBound, out.String())
	}
	return "", nil
}

// lockedBuffer collects a child's output while the test reads it.
type lockedBuffer struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

func (b *lockedBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.Write(p)
}

func (b *lockedBuffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.String()
}

const readTask = `data "kps_keypair_task" "t" { task_id = "task-1" }`

func statusIs(status string) []statecheck.StateCheck {
	return []statecheck.StateCheck{
		statecheck.ExpectKnownValue("data.kps_keypair_task.t", tfjsonpath.New("task_status"), knownvalue.StringExact(status)),
	}
}

// stateDoesNotContain fails when text, described by what (never the text
// itself: it is a secret), appears anywhere in the state.
func stateDoesNotContain(what, text string) statecheck.StateCheck { return stateTextCheck{what, text} }

type stateTextCheck struct{ what, text string }

func (c stateTextCheck) CheckState(_ context.Context, req statecheck.CheckStateRequest, resp *statecheck.CheckStateResponse) {
	raw, err := json.Marshal(req.State)
	if err != nil {
		resp.Error = err
		return
	}
	if strings.Contains(string(raw), c.text) {
		resp.Error = fmt.Errorf("the state contains %s", c.what)
	}
}

// oldKey is the private key of the key pair the test servers have bound.
const oldKey = "-----BEGIN OPENSSH PRIVATE KEY-----\nacc-test-old-key-5b1d\n-----END OPENSSH PRIVATE KEY-----\n"

// boundKeypairs are the key pairs tests bind in configurations of their
// own without creating them, and no test creates. KPS binds only a key pair
// it holds, so addServer adds those the test has not added itself.
var boundKeypairs = []string{"kp-new", "kp-fleet", "kp-a", "kp-b", "kp-c", "kp-d"}

// addKeypairs adds each key pair named that the stand-in does not hold yet,
// as one made elsewhere, for a test to bind.
func (f *fakeAPI) addKeypairs(names ...string) {
	for _, name := range names {
		if _, ok := f.KeypairOf(testProject, name); !ok {
			f.AddKeypair(testProject, name, kpsfake.Keypair{})
		}
	}
}

// addServer adds a running server bound to kp-old that accepts oldKey,
// whose tasks take 300 ms unless e says otherwise, and the key pairs the
// tests bind (boundKeypairs).
func (f *fakeAPI) addServer(id string, e kpsfake.ECS) {
	f.addKeypairs(boundKeypairs...)
	if e.Keypair == "" {
		e.Keypair = "kp-old"
	}
	if e.PrivateKey == "" {
		e.PrivateKey = oldKey
	}
	if e.TaskDuration == 0 {
		e.TaskDuration = 300 * time.Millisecond
	}
	f.AddServer(testProject, id, e)
}

func (f *fakeAPI) server(t *testing.T, id string) kpsfake.ECS {
	t.Helper()
	e, ok := f.ECS(testProject, id)
	if !ok {
		t.Fatalf("no server %s", id)
	}
	return e
}

// associationConfig binds keypair to srv with body as the rest of the
// resource, and gates a terraform_data on it. The stand-in is given the
// key pair, unless it holds it already: KPS binds only a key pair it holds.
func (f *fakeAPI) associationConfig(keypair, body string) string {
	f.addKeypairs(keypair)
	return f.providerConfig() + fmt.Sprintf(`
resource "kps_keypair_association" "a" {
  server_id     = "srv"
  keypair_name  = %q
  poll_interval = "1s"
%s
}
resource "terraform_data" "after" {
  input = kps_keypair_association.a.task_id
}
`, keypair, body)
}

func associationAttr(name string, v knownvalue.Check) statecheck.StateCheck {
	return statecheck.ExpectKnownValue("kps_keypair_association.a", tfjsonpath.New(name), v)
}

// planDoesNotContain fails when text, described by what, appears in what
// the plan holds of the resources: their changes, planned values and prior
// state. (The plan's copy of the configuration holds what the .tf files
// hold, literals included.)
type planDoesNotContain struct{ what, text string }

func (p planDoesNotContain) CheckPlan(_ context.Context, req plancheck.CheckPlanRequest, resp *plancheck.CheckPlanResponse) {
	raw, err := json.Marshal([]any{req.Plan.ResourceChanges, req.Plan.PlannedValues, req.Plan.PriorState})
	if err != nil {
		resp.Error = err
		return
	}
	if strings.Contains(string(raw), p.text) {
		resp.Error = fmt.Errorf("the plan contains %s", p.what)
	}
}

// startedOnce checks that exactly one start reached srv (since the server
// was last added), and what it was.
func (f *fakeAPI) startedOnce(check func(kpsfake.StartRequest) error) resource.TestCheckFunc {
	return func(*terraform.State) error {
		starts := f.StartRequests(testProject, "srv")
		if len(starts) != 1 {
			return fmt.Errorf("%d starts reached the stand-in, want 1: %+v", len(starts), starts)
		}
		if check != nil {
			return check(starts[0])
		}
		return nil
	}
}

// keyAuth is an auth block with key in state, written as HCL.
func keyAuth(key string) string {
	return "  auth = {\n    type = \"keypair\"\n    key  = \"" + strings.ReplaceAll(key, "\n", `\n`) + "\"\n  }"
}

func readState(t *testing.T, ws *tfrun.Workspace) string {
	t.Helper()
	state, err := os.ReadFile(filepath.Join(ws.Dir, "terraform.tfstate"))
	if err != nil {
		t.Fatal(err)
	}
	return string(state)
}

// newKeyedFakeAPI is a stand-in that also accepts the test access keys.
func newKeyedFakeAPI(t *testing.T) *fakeAPI {
	t.Helper()
	api := newFakeAPI(t)
	api.AddAccessKey(testAccessKey, testSecretKey, "")
	api.AddAccessKey(testTempAccessKey, testTempSecretKey, testSecurityToken)
	api.addTask("task-1", "srv-1", "SUCCESS_RESET")
	return api
}

var providerConfigType = tftypes.Object{AttributeTypes: map[string]tftypes.Type{
	"region": tftypes.String, "project_id": tftypes.String, "token": tftypes.String, "access_key": tftypes.String,
	"secret_key": tftypes.String, "security_token": tftypes.String, "shared_config_file": tftypes.String,
	"profile": tftypes.String, "auth_url": tftypes.String, "endpoint": tftypes.String,
	"cloud": tftypes.String, "insecure": tftypes.Bool, "max_retries": tftypes.Number,
}}

var dataSourceType = tftypes.Object{AttributeTypes: map[string]tftypes.Type{
	"task_id": tftypes.String, "project_id": tftypes.String, "id": tftypes.String, "task_status": tftypes.String,
	"server_id": tftypes.String, "phase": tftypes.String, "operation": tftypes.String,
	"terminal": tftypes.Bool, "succeeded": tftypes.Bool,
}}

// loadedServer is the provider's protocol server, with its schemas loaded.
func loadedServer(tb testing.TB) tfprotov6.ProviderServer {
	tb.Helper()
	server := NewServer("test")()
	if _, err := server.GetProviderSchema(context.Background(), &tfprotov6.GetProviderSchemaRequest{}); err != nil {
		tb.Fatal(err)
	}
	return server
}

// configuredServer is the provider's protocol server configured with the
// test token and project against endpoint.
func configuredServer(tb testing.TB, endpoint string) tfprotov6.ProviderServer {
	tb.Helper()
	server := loadedServer(tb)
	config := objectValue(tb, providerConfigType, map[string]tftypes.Value{
		"project_id": stringValue(testProject), "token": stringValue(testToken), "endpoint": stringValue(endpoint),
	})
	resp, err := server.ConfigureProvider(context.Background(), &tfprotov6.ConfigureProviderRequest{TerraformVersion: "1.11.4", Config: config})
	if err != nil || len(resp.Diagnostics) > 0 {
		tb.Fatalf("configure: %v %v", err, resp.Diagnostics)
	}
	return server
}

// objectValue is an object of typ with the given attributes and every other null.
func objectValue(tb testing.TB, typ tftypes.Object, set map[string]tftypes.Value) *tfprotov6.DynamicValue {
	tb.Helper()
	values := map[string]tftypes.Value{}
	for name, t := range typ.AttributeTypes {
		values[name] = tftypes.NewValue(t, nil)
	}
	for name, v := range set {
		values[name] = v
	}
	dv, err := tfprotov6.NewDynamicValue(typ, tftypes.NewValue(typ, values))
	if err != nil {
		tb.Fatal(err)
	}
	return &dv
}

func stringValue(v any) tftypes.Value { return tftypes.NewValue(tftypes.String, v) }

// readConfig is a kps_keypair_task configuration reading taskID.
func readConfig(tb testing.TB, taskID string) *tfprotov6.DynamicValue {
	return objectValue(tb, dataSourceType, map[string]tftypes.Value{"task_id": stringValue(taskID)})
}

// testProviderData is what Configure would hand the types for api, with
// short retry pauses.
func testProviderData(t *testing.T, api *fakeAPI) *providerData {
	t.Helper()
	u, err := kps.ParseEndpoint(api.URL)
	if err != nil {
		t.Fatal(err)
	}
	client, err := kps.New(kps.Config{Endpoint: u, Auth: huaweiauth.TokenCredentials(testToken), MaxRetries: 1,
		RetryWaitMin: 10 * time.Millisecond, RetryWaitMax: 10 * time.Millisecond})
	if err != nil {
		t.Fatal(err)
	}
	return &providerData{client: client, projectID: testProject, serverLocks: &keypairops.ServerLocks{}}
}

// skipBelowCLI skips a test that runs the CLI itself (through tfrun, for
// what the harness cannot do) when the CLI under test is older than min,
// in the words of tfversion.SkipBelow, so that make compat counts the skip
// as expected.
func skipBelowCLI(t *testing.T, min *version.Version) {
	t.Helper()
	line, err := tfrun.Version(tfrun.CLI())
	if err != nil {
		t.Fatal(err)
	}
	fields := strings.Fields(line)
	if len(fields) < 2 {
		t.Fatalf("cannot read the CLI's version from %q", line)
	}
	v, err := version.NewVersion(fields[1])
	if err != nil {
		t.Fatal(err)
	}
	if v.Core().LessThan(min) {
		t.Skipf("Terraform CLI version %s is below minimum version %s: skipping test", v, min)
	}
}
