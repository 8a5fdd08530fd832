package provider

import (
	"context"
	"fmt"
	"net/http/httptest"
	"testing"

	"github.com/hashicorp/terraform-plugin-framework/provider"
	"github.com/hashicorp/terraform-plugin-framework/types"
	"github.com/hashicorp/terraform-plugin-go/tfprotov6"
	"github.com/hashicorp/terraform-plugin-testing/helper/resource"

	"github.com/kpsops/terraform-provider-kps/internal/dev/kpsfake"
)

func TestAccProvider_environmentVariables(t *testing.T) {
	api := newFakeAPI(t)
	api.addTask("task-1", "srv", "SUCCESS_RESET")
	env := map[string]string{envEndpoint: api.URL, envToken: testToken, envProjectID: testProject}
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: factoriesWithEnv(env),
		Steps: []resource.TestStep{{
			Config:            `provider "kps" {}` + "\n" + readTask,
			ConfigStateChecks: append(statusIs("SUCCESS_RESET"), stateDoesNotContain("the token", testToken)),
		}},
	})
}

// TestAccProvider_configurationWinsOverEnvironment: every variable is wrong,
// and the configuration's values are used instead.
func TestAccProvider_configurationWinsOverEnvironment(t *testing.T) {
	api := newFakeAPI(t)
	api.addTask("task-1", "srv", "SUCCESS_RESET")
	env := map[string]string{
		envEndpoint: "http://127.0.0.1:1", envToken: "wrong", envProjectID: "wrongproject",
		envInsecure: "not-a-bool", envMaxRetries: "99", envRegion: "xx-nowhere-1", envCloud: "invalid..",
	}
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: factoriesWithEnv(env),
		Steps: []resource.TestStep{{
			Config: fmt.Sprintf(`
provider "kps" {
  region      = "cn-north-4"
  cloud       = "myhuaweicloud.com"
  endpoint    = %q
  token       = %q
  project_id  = %q
  insecure    = false
  max_retries = 2
}
`, api.URL, testToken, testProject) + readTask,
			ConfigStateChecks: statusIs("SUCCESS_RESET"),
		}},
	})
}

// TestAccProvider_processEnvironment proves the provider reads the real
// process environment, not only the map the other tests inject.
func TestAccProvider_processEnvironment(t *testing.T) {
	api := newFakeAPI(t)
	api.addTask("task-1", "srv", "RUNNING_BIND")
	t.Setenv(envEndpoint, api.URL)
	t.Setenv(envToken, testToken)
	t.Setenv(envProjectID, testProject)
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: map[string]func() (tfprotov6.ProviderServer, error){
			TypeName: func() (tfprotov6.ProviderServer, error) { return NewServer("test")(), nil },
		},
		Steps: []resource.TestStep{{Config: readTask, ConfigStateChecks: statusIs("RUNNING_BIND")}},
	})
}

func TestAccProvider_configurationErrors(t *testing.T) {
	api := newFakeAPI(t)
	api.addTask("task-1", "srv", "SUCCESS_RESET")
	step := func(provider string, want ...string) resource.TestStep {
		return resource.TestStep{Config: provider + "\n" + readTask, ExpectError: expectError(want...)}
	}
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: testFactories,
		Steps: []resource.TestStep{
			step(fmt.Sprintf(`provider "kps" {
  endpoint   = %q
  project_id = %q
}`, api.URL, testProject), "Missing KPS credentials", "token", envToken, "access_key", "profile"),
			step(fmt.Sprintf(`provider "kps" {
  token      = %q
  project_id = %q
}`, testToken, testProject), "Missing KPS region", "region", envRegion),
			step(fmt.Sprintf(`provider "kps" {
  endpoint = %q
  token    = %q
}`, api.URL, testToken), "Missing KPS project ID", "project_id", envProjectID),
			step(fmt.Sprintf(`provider "kps" {
  endpoint = "kms.cn-north-4.myhuaweicloud.com"
  token    = %q
}`, testToken), "Invalid KPS endpoint", "must be an absolute http:// or https:// URL"),
			step(fmt.Sprintf(`provider "kps" {
  endpoint = "ftp://example.com"
  token    = %q
}`, testToken), "Invalid KPS endpoint", "ftp://example.com"),
			step(fmt.Sprintf(`provider "kps" {
  endpoint    = %q
  token       = %q
  max_retries = 21
}`, api.URL, testToken), "max_retries", "between 0 and 20"),
			step(fmt.Sprintf(`provider "kps" {
  endpoint   = %q
  token      = %q
  project_id = "a/b"
}`, api.URL, testToken), "project_id must be 1 to 64 characters"),
		},
	})
	if n := api.TotalRequests(); n != 0 {
		t.Fatalf("%d requests were sent by configurations that are not valid", n)
	}
}

func TestAccProvider_badEnvironmentValues(t *testing.T) {
	api := newFakeAPI(t)
	base := map[string]string{envEndpoint: api.URL, envToken: testToken, envProjectID: testProject}
	with := func(k, v string) map[string]string {
		env := map[string]string{k: v}
		for bk, bv := range base {
			if bk != k {
				env[bk] = bv
			}
		}
		return env
	}
	for _, c := range []struct {
		name, key, value string
		want             []string
	}{
		{"insecure", envInsecure, "maybe", []string{"Invalid " + envInsecure, `"maybe"`, "true or false"}},
		{"max_retries", envMaxRetries, "21", []string{"Invalid " + envMaxRetries, "0 to 20"}},
		{"endpoint", envEndpoint, "localhost:8080", []string{"Invalid KPS endpoint", envEndpoint}},
		{"project", envProjectID, "../x", []string{"Invalid KPS project ID", envProjectID}},
	} {
		t.Run(c.name, func(t *testing.T) {
			resource.ParallelTest(t, resource.TestCase{
				ProtoV6ProviderFactories: factoriesWithEnv(with(c.key, c.value)),
				Steps:                    []resource.TestStep{{Config: readTask, ExpectError: expectError(c.want...)}},
			})
		})
	}
}

// TestAccProvider_unknownConfiguration: a provider value that comes from a
// resource not yet created is not an error. A read that can wait for apply
// succeeds; one Terraform makes while planning says what it is waiting for.
func TestAccProvider_unknownConfiguration(t *testing.T) {
	api := newFakeAPI(t)
	api.addTask("task-1", "srv", "SUCCESS_REPLACE")
	provider := fmt.Sprintf(`
resource "terraform_data" "token" { input = %q }
resource "terraform_data" "task" { input = "task-1" }
provider "kps" {
  endpoint   = %q
  token      = terraform_data.token.output
  project_id = %q
}
`, testToken, api.URL, testProject)
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: testFactories,
		Steps: []resource.TestStep{
			{
				Config:      provider + readTask,
				ExpectError: expectError("KPS provider configuration not known yet", "token is not known yet"),
			},
			{
				// terraform_data.token holds the token in state: that is the test's doing, not the provider's.
				Config:            provider + `data "kps_keypair_task" "t" { task_id = terraform_data.task.output }`,
				ConfigStateChecks: statusIs("SUCCESS_REPLACE"),
			},
		},
	})
}

func TestAccProvider_insecure(t *testing.T) {
	fake := kpsfake.New(testToken)
	fake.AddTask(testProject, "task-1", kpsfake.Task{Timeline: []kpsfake.Step{{Status: "SUCCESS_RESET"}}})
	srv := httptest.NewTLSServer(fake)
	t.Cleanup(srv.Close)
	config := func(insecure bool) string {
		return fmt.Sprintf(`
provider "kps" {
  endpoint   = %q
  token      = %q
  project_id = %q
  insecure   = %t
}
`, srv.URL, testToken, testProject, insecure) + readTask
	}
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: testFactories,
		Steps: []resource.TestStep{
			{Config: config(false), ExpectError: expectError("certificate")},
			{Config: config(true), ConfigStateChecks: statusIs("SUCCESS_RESET")},
		},
	})
}

func TestResolveDefaultEndpoint(t *testing.T) {
	for _, c := range []struct {
		region, cloud string
		env           map[string]string
		want          string
	}{
		{region: "cn-north-4", want: "https://kms.cn-north-4.myhuaweicloud.com"},
		{region: "eu-west-101", want: "https://kms.eu-west-101.myhuaweicloud.eu"},
		{region: "cn-north-4", cloud: "example.org", want: "https://kms.cn-north-4.example.org"},
		{env: map[string]string{envRegion: "ap-southeast-3", envCloud: "example.net"}, want: "https://kms.ap-southeast-3.example.net"},
		{region: "cn-north-4", env: map[string]string{envEndpoint: "http://127.0.0.1:9/kps"}, want: "http://127.0.0.1:9/kps"},
	} {
		p := &kpsProvider{getenv: func(k string) string { return c.env[k] }}
		m := providerModel{
			Region: nullIfEmpty(c.region), Cloud: nullIfEmpty(c.cloud), Token: types.StringValue("t"),
			ProjectID: types.StringNull(), Endpoint: types.StringNull(), Insecure: types.BoolNull(), MaxRetries: types.Int64Null(),
		}
		cfg, diags := p.resolve(m)
		if diags.HasError() || cfg.endpoint.String() != c.want {
			t.Errorf("%+v: endpoint %v (%v), want %s", c, cfg.endpoint, diags, c.want)
		}
		if cfg.maxRetries != defaultMaxRetries || cfg.insecure {
			t.Errorf("%+v: defaults not applied: %+v", c, cfg)
		}
	}
}

// TestResolveDefaultAuthURL: with no project_id anywhere, IAM is looked for
// at https://iam.{region}.{cloud}/v3 (the .eu domain for eu-west-1*), unless
// auth_url or HW_AUTH_URL says otherwise; with a project_id, not at all.
func TestResolveDefaultAuthURL(t *testing.T) {
	for _, c := range []struct {
		region, cloud, project string
		env                    map[string]string
		want                   string
	}{
		{region: "cn-north-4", want: "https://iam.cn-north-4.myhuaweicloud.com/v3"},
		{region: "eu-west-101", want: "https://iam.eu-west-101.myhuaweicloud.eu/v3"},
		{region: "cn-north-4", cloud: "example.org", want: "https://iam.cn-north-4.example.org/v3"},
		{region: "cn-north-4", env: map[string]string{envAuthURL: "https://iam.internal:8443/v3"}, want: "https://iam.internal:8443/v3"},
		{region: "cn-north-4", project: testProject, want: ""},
	} {
		p := &kpsProvider{getenv: func(k string) string { return c.env[k] }}
		m := providerModel{
			Region: nullIfEmpty(c.region), Cloud: nullIfEmpty(c.cloud), Token: types.StringValue("t"), ProjectID: nullIfEmpty(c.project),
			Endpoint: types.StringNull(), Insecure: types.BoolNull(), MaxRetries: types.Int64Null(),
		}
		cfg, diags := p.resolve(m)
		got := ""
		if cfg.authURL != nil {
			got = cfg.authURL.String()
		}
		if diags.HasError() || got != c.want {
			t.Errorf("%+v: auth URL %q (%v), want %q", c, got, diags, c.want)
		}
	}
}

// TestCredentialsAreSensitive: token, secret_key and security_token are
// marked sensitive, so that Terraform never shows them in plans.
func TestCredentialsAreSensitive(t *testing.T) {
	var resp provider.SchemaResponse
	(&kpsProvider{}).Schema(context.Background(), provider.SchemaRequest{}, &resp)
	for name, attr := range resp.Schema.Attributes {
		want := name == "token" || name == "secret_key" || name == "security_token"
		if attr.IsSensitive() != want {
			t.Errorf("%s: sensitive = %t, want %t", name, attr.IsSensitive(), want)
		}
	}
}

// TestProfileFillsRegionAndProject: a profile's region and projectId fill in
// what the block and the environment leave unset, and lose to what they set.
func TestProfileFillsRegionAndProject(t *testing.T) {
	file := writeKooCLIConfig(t, t.TempDir(), "aksk")
	p := &kpsProvider{getenv: func(k string) string { return map[string]string{"HW_SHARED_CONFIG_FILE": file}[k] }}
	m := providerModel{
		Region: types.StringNull(), Cloud: types.StringNull(), Token: types.StringNull(), ProjectID: types.StringNull(),
		Endpoint: types.StringNull(), Insecure: types.BoolNull(), MaxRetries: types.Int64Null(),
	}
	cfg, diags := p.resolve(m)
	if diags.HasError() || cfg.endpoint.String() != "https://kms.cn-north-4.myhuaweicloud.com" || cfg.projectID != testProject ||
		cfg.credentials.AccessKey != testAccessKey || cfg.authURL != nil {
		t.Fatalf("from the profile: endpoint %v, project %q, key %q, auth URL %v (%v)", cfg.endpoint, cfg.projectID,
			cfg.credentials.AccessKey, cfg.authURL, diags)
	}
	m.Region, m.ProjectID = types.StringValue("ap-southeast-3"), types.StringValue("fedcba9876543210fedcba9876543210")
	cfg, diags = p.resolve(m)
	if diags.HasError() || cfg.endpoint.String() != "https://kms.ap-southeast-3.myhuaweicloud.com" || cfg.projectID != "fedcba9876543210fedcba9876543210" {
		t.Fatalf("the block's values: endpoint %v, project %q (%v)", cfg.endpoint, cfg.projectID, diags)
	}
}
