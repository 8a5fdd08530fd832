package provider

import (
	"context"
	"fmt"
	"net/http/httptest"
	"strings"
	"sync"
	"sync/atomic"
	"testing"

	"github.com/hashicorp/terraform-plugin-go/tfprotov6"
	"github.com/hashicorp/terraform-plugin-go/tftypes"
	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/knownvalue"
	"github.com/hashicorp/terraform-plugin-testing/statecheck"
	"github.com/hashicorp/terraform-plugin-testing/tfjsonpath"

	"github.com/kpsops/terraform-provider-kps/internal/dev/kpsfake"
	"github.com/kpsops/terraform-provider-kps/internal/huaweiauth"
)

// countingFactories is factoriesWithEnv that also counts how many provider
// processes Terraform configured: each CLI command starts one.
func countingFactories(env map[string]string, configured *atomic.Int64) map[string]func() (tfprotov6.ProviderServer, error) {
	inner := factoriesWithEnv(env)[TypeName]
	return map[string]func() (tfprotov6.ProviderServer, error){
		TypeName: func() (tfprotov6.ProviderServer, error) {
			server, err := inner()
			return configureCounter{ProviderServer: server, configured: configured}, err
		},
	}
}

type configureCounter struct {
	tfprotov6.ProviderServer
	configured *atomic.Int64
}

func (c configureCounter) ConfigureProvider(ctx context.Context, req *tfprotov6.ConfigureProviderRequest) (*tfprotov6.ConfigureProviderResponse, error) {
	c.configured.Add(1)
	return c.ProviderServer.ConfigureProvider(ctx, req)
}

// TestAccProjectDiscovery: with no project_id anywhere, the project is found
// from the region, with an access key, once per provider process however
// many reads run at once.
func TestAccProjectDiscovery(t *testing.T) {
	api := newKeyedFakeAPI(t)
	api.AddRegionProject("cn-north-4", testProject)
	const reads = 30
	var config strings.Builder
	fmt.Fprintf(&config, `
provider "kps" {
  region     = "cn-north-4"
  endpoint   = %q
  auth_url   = "%s/v3"
  access_key = %q
  secret_key = %q
}
`, api.URL, api.URL, testAccessKey, testSecretKey)
	for i := range reads {
		api.addTask(fmt.Sprintf("task-%d", i), "srv", "SUCCESS_RESET")
		fmt.Fprintf(&config, "data \"kps_keypair_task\" \"t%d\" { task_id = \"task-%d\" }\n", i, i)
	}
	var configured atomic.Int64
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: countingFactories(nil, &configured),
		Steps: []resource.TestStep{{
			Config: config.String(),
			ConfigStateChecks: []statecheck.StateCheck{
				statecheck.ExpectKnownValue("data.kps_keypair_task.t0", tfjsonpath.New("project_id"), knownvalue.StringExact(testProject)),
				statecheck.ExpectKnownValue("data.kps_keypair_task.t29", tfjsonpath.New("task_status"), knownvalue.StringExact("SUCCESS_RESET")),
			},
		}},
	})
	lookups, processes := api.ProjectLookups(), configured.Load()
	t.Logf("%d IAM look-ups for %d provider processes, each reading %d data sources", lookups, processes, reads)
	if lookups == 0 || int64(lookups) > processes {
		t.Fatalf("%d IAM look-ups for %d provider processes: want at most one per process", lookups, processes)
	}
}

// TestAccProjectDiscovery_noSingleMatch: a region IAM does not know, or one
// with several projects, is an error that names the region and says to set
// project_id.
func TestAccProjectDiscovery_noSingleMatch(t *testing.T) {
	api := newFakeAPI(t)
	api.addTask("task-1", "srv", "SUCCESS_RESET")
	api.AddRegionProject("ap-southeast-3", "aaaa")
	api.AddRegionProject("ap-southeast-3", "bbbb")
	config := func(region string) string {
		return fmt.Sprintf(`
provider "kps" {
  region   = %q
  endpoint = %q
  auth_url = "%s/v3"
  token    = %q
}
`, region, api.URL, api.URL, testToken) + readTask
	}
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: testFactories,
		Steps: []resource.TestStep{
			{Config: config("xx-nowhere-9"), ExpectError: expectError("Cannot find the KPS project",
				`no project named after region "xx-nowhere-9"`, "project_id (HW_PROJECT_ID)")},
			{Config: config("ap-southeast-3"), ExpectError: expectError("Cannot find the KPS project",
				`2 projects named after region "ap-southeast-3"`, "aaaa, bbbb", "project_id (HW_PROJECT_ID)")},
		},
	})
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: factoriesWithEnv(map[string]string{envAuthURL: "iam.example/v3"}),
		Steps: []resource.TestStep{{
			Config: fmt.Sprintf("provider \"kps\" {\n  region = \"cn-north-4\"\n  endpoint = %q\n  token = %q\n}\n", api.URL, testToken) +
				readTask,
			ExpectError: expectError("Invalid IAM endpoint", envAuthURL, "absolute http:// or https:// URL"),
		}},
	})
}

// TestProjectDiscoveryIsSharedByConcurrentReads drives the protocol with many
// reads at once in one provider process: exactly one IAM request.
func TestProjectDiscoveryIsSharedByConcurrentReads(t *testing.T) {
	fake := kpsfake.New(testToken)
	fake.AddRegionProject("cn-north-4", testProject)
	const reads = 50
	for i := range reads {
		fake.AddTask(testProject, fmt.Sprintf("t%d", i), kpsfake.Task{Timeline: []kpsfake.Step{{Status: "SUCCESS_RESET"}}})
	}
	srv := httptest.NewServer(fake)
	defer srv.Close()

	server := loadedServer(t)
	config := objectValue(t, providerConfigType, map[string]tftypes.Value{
		"region": stringValue("cn-north-4"), "endpoint": stringValue(srv.URL), "auth_url": stringValue(srv.URL + "/v3"),
		"token": stringValue(testToken),
	})
	ctx := context.Background()
	if resp, err := server.ConfigureProvider(ctx, &tfprotov6.ConfigureProviderRequest{Config: config}); err != nil || len(resp.Diagnostics) > 0 {
		t.Fatalf("configure: %v %v", err, resp.Diagnostics)
	}
	var wg sync.WaitGroup
	for i := range reads {
		wg.Go(func() {
			resp, err := server.ReadDataSource(ctx, &tfprotov6.ReadDataSourceRequest{
				TypeName: "kps_keypair_task", Config: readConfig(t, fmt.Sprintf("t%d", i)),
			})
			if err != nil || len(resp.Diagnostics) > 0 {
				t.Errorf("read t%d: %v %v", i, err, resp.Diagnostics)
			}
		})
	}
	wg.Wait()
	if n := fake.ProjectLookups(); n != 1 {
		t.Fatalf("%d IAM requests for %d concurrent reads, want 1", n, reads)
	}
	if n := fake.TotalRequests(); n != reads+1 {
		t.Fatalf("%d requests, want %d reads and one look-up", n, reads)
	}
}

// TestEnvironmentWithBothMethodsWarns: with a token and keys only in the
// environment, the token is used and a warning names the variables ignored.
// The acceptance harness cannot see warnings, so this drives the protocol.
func TestEnvironmentWithBothMethodsWarns(t *testing.T) {
	fake := kpsfake.New(testToken)
	fake.AddTask(testProject, "t1", kpsfake.Task{Timeline: []kpsfake.Step{{Status: "SUCCESS_RESET"}}})
	srv := httptest.NewServer(fake)
	defer srv.Close()
	env := map[string]string{
		envToken: testToken, huaweiauth.EnvAccessKey: "HPUAIGNORED", huaweiauth.EnvSecretKey: "ignored-secret",
		envEndpoint: srv.URL, envProjectID: testProject,
	}
	server := protocolServer(&kpsProvider{version: "test", getenv: func(k string) string { return env[k] }})
	if _, err := server.GetProviderSchema(context.Background(), &tfprotov6.GetProviderSchemaRequest{}); err != nil {
		t.Fatal(err)
	}
	resp, err := server.ConfigureProvider(context.Background(), &tfprotov6.ConfigureProviderRequest{
		Config: objectValue(t, providerConfigType, nil),
	})
	if err != nil {
		t.Fatal(err)
	}
	if len(resp.Diagnostics) != 1 || resp.Diagnostics[0].Severity != tfprotov6.DiagnosticSeverityWarning ||
		!strings.Contains(resp.Diagnostics[0].Detail, "HW_ACCESS_KEY, HW_SECRET_KEY are ignored") {
		t.Fatalf("diagnostics %s, want one warning naming the variables ignored", describeDiagnostics(resp.Diagnostics))
	}
	read, err := server.ReadDataSource(context.Background(), &tfprotov6.ReadDataSourceRequest{TypeName: "kps_keypair_task", Config: readConfig(t, "t1")})
	if err != nil || len(read.Diagnostics) > 0 {
		t.Fatalf("read with the token: %v %v", err, read.Diagnostics)
	}
	if len(fake.Signatures()) != 0 {
		t.Fatal("a request was signed with the keys that should have been ignored")
	}
}

func describeDiagnostics(diags []*tfprotov6.Diagnostic) string {
	var b strings.Builder
	for _, d := range diags {
		fmt.Fprintf(&b, "[%v %s: %s] ", d.Severity, d.Summary, d.Detail)
	}
	return b.String()
}
