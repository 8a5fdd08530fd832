package provider

import (
	"fmt"
	"os"
	"path/filepath"
	"testing"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/knownvalue"
	"github.com/hashicorp/terraform-plugin-testing/statecheck"
	"github.com/hashicorp/terraform-plugin-testing/tfjsonpath"

	"github.com/kpsops/terraform-provider-kps/internal/huaweiauth"
)

// Access keys the stand-in accepts in these tests: a permanent one, and a
// temporary one with its security token.
const (
	testAccessKey     = "HPUAACCTESTPERMANENT"
	testSecretKey     = "acc-test-secret-5b4a3c2d1e"
	testTempAccessKey = "HSTAACCTESTTEMPORARY"
	testTempSecretKey = "acc-test-temp-secret-7f6e5d"
	testSecurityToken = "acc-test-security-token-1a2b3c4d"
)

// readAndWait reads task-1 and waits for it, checking both saw it succeed.
const readAndWait = readTask + `
resource "kps_keypair_task_wait" "w" { task_id = "task-1" }
`

func readAndWaitSucceeded(secrets ...string) []statecheck.StateCheck {
	checks := []statecheck.StateCheck{
		statecheck.ExpectKnownValue("data.kps_keypair_task.t", tfjsonpath.New("task_status"), knownvalue.StringExact("SUCCESS_RESET")),
		statecheck.ExpectKnownValue("kps_keypair_task_wait.w", tfjsonpath.New("succeeded"), knownvalue.Bool(true)),
		statecheck.ExpectKnownValue("kps_keypair_task_wait.w", tfjsonpath.New("server_id"), knownvalue.StringExact("srv-1")),
	}
	for i, s := range secrets {
		checks = append(checks, stateDoesNotContain(fmt.Sprintf("secret #%d of the credentials", i+1), s))
	}
	return checks
}

// TestAccCredentials_accessKey reads and waits with a permanent and a
// temporary key, each given in the provider block and in the environment.
// The stand-in accepts no token here but its own, which none of these sends.
func TestAccCredentials_accessKey(t *testing.T) {
	for _, c := range []struct {
		name   string
		block  string
		env    map[string]string
		secret string
	}{
		{
			name:   "permanent key in the block",
			block:  fmt.Sprintf("access_key = %q\n  secret_key = %q", testAccessKey, testSecretKey),
			secret: testSecretKey,
		},
		{
			name: "temporary key in the block",
			block: fmt.Sprintf("access_key = %q\n  secret_key = %q\n  security_token = %q",
				testTempAccessKey, testTempSecretKey, testSecurityToken),
			secret: testSecurityToken,
		},
		{
			name:   "permanent key in the environment",
			env:    map[string]string{huaweiauth.EnvAccessKey: testAccessKey, huaweiauth.EnvSecretKey: testSecretKey},
			secret: testSecretKey,
		},
		{
			name: "temporary key in the environment",
			env: map[string]string{huaweiauth.EnvAccessKey: testTempAccessKey, huaweiauth.EnvSecretKey: testTempSecretKey,
				huaweiauth.EnvSecurityToken: testSecurityToken},
			secret: testSecurityToken,
		},
	} {
		t.Run(c.name, func(t *testing.T) {
			api := newKeyedFakeAPI(t)
			resource.ParallelTest(t, resource.TestCase{
				ProtoV6ProviderFactories: factoriesWithEnv(c.env),
				Steps: []resource.TestStep{{
					Config: fmt.Sprintf(`
provider "kps" {
  endpoint   = %q
  project_id = %q
  %s
}
`, api.URL, testProject, c.block) + readAndWait,
					ConfigStateChecks: readAndWaitSucceeded(c.secret),
				}},
			})
			if len(api.Signatures()) == 0 {
				t.Fatal("no request was signed")
			}
		})
	}
}

// TestAccCredentials_refused: a wrong secret, or a temporary key sent without
// its token, is refused once (never retried: five refusals lock a key) with
// the hint for access keys.
func TestAccCredentials_refused(t *testing.T) {
	for _, c := range []struct{ name, block, gateway string }{
		{"wrong secret", fmt.Sprintf("access_key = %q\n  secret_key = \"wrong\"", testAccessKey), "verify aksk signature fail"},
		{"temporary key without its token", fmt.Sprintf("access_key = %q\n  secret_key = %q", testTempAccessKey, testTempSecretKey),
			"ak " + testTempAccessKey + " not exist"},
		{"unknown key", "access_key = \"HPUANOSUCHKEY\"\n  secret_key = \"some-secret\"", "ak HPUANOSUCHKEY not exist"},
	} {
		t.Run(c.name, func(t *testing.T) {
			api := newKeyedFakeAPI(t)
			resource.ParallelTest(t, resource.TestCase{
				ProtoV6ProviderFactories: testFactories,
				Steps: []resource.TestStep{{
					Config: fmt.Sprintf(`
provider "kps" {
  endpoint   = %q
  project_id = %q
  %s
}
`, api.URL, testProject, c.block) + readTask,
					ExpectError: expectError("HTTP 401", "APIGW.0301", c.gateway, "access key from the provider block",
						"access_key and secret_key", "within 15 minutes", "security_token", "five failures in a row lock the key"),
				}},
			})
			if n := api.TotalRequests(); n != 1 {
				t.Fatalf("%d requests, want 1: a 401 must not be retried", n)
			}
		})
	}
}

// TestAccCredentials_conflictsAndHalfPairs: each is an error that names what
// to set, and no request is sent.
func TestAccCredentials_conflictsAndHalfPairs(t *testing.T) {
	api := newKeyedFakeAPI(t)
	step := func(settings string, want ...string) resource.TestStep {
		return resource.TestStep{
			Config:      fmt.Sprintf("provider \"kps\" {\n  endpoint = %q\n  project_id = %q\n  %s\n}\n", api.URL, testProject, settings) + readTask,
			ExpectError: expectError(want...),
		}
	}
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: testFactories,
		Steps: []resource.TestStep{
			step(fmt.Sprintf("token = %q\n  access_key = %q\n  secret_key = %q", testToken, testAccessKey, testSecretKey),
				"Conflicting KPS credentials", "both token and access_key and secret_key"),
			step(fmt.Sprintf("token = %q\n  secret_key = %q", testToken, testSecretKey),
				"Conflicting KPS credentials", "both token and secret_key"),
			step(fmt.Sprintf("access_key = %q", testAccessKey),
				"Incomplete KPS access key", "access_key is set but secret_key is not", huaweiauth.EnvSecretKey),
			step(fmt.Sprintf("secret_key = %q", testSecretKey),
				"Incomplete KPS access key", "secret_key is set but access_key is not", huaweiauth.EnvAccessKey),
			step(fmt.Sprintf("security_token = %q", testSecurityToken),
				"security_token is set but access_key is not", huaweiauth.EnvAccessKey,
				"security_token is set but secret_key is not", huaweiauth.EnvSecretKey),
		},
	})
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: factoriesWithEnv(map[string]string{huaweiauth.EnvAccessKey: testAccessKey}),
		Steps:                    []resource.TestStep{step("", "Incomplete KPS access key", "secret_key", huaweiauth.EnvSecretKey)},
	})
	if n := api.TotalRequests(); n != 0 {
		t.Fatalf("%d requests were sent with incomplete or conflicting credentials", n)
	}
}

// TestAccCredentials_precedence: the block's method wins, and the other
// method's environment variables are ignored, even when they are wrong; with
// both methods only in the environment, the token is used.
func TestAccCredentials_precedence(t *testing.T) {
	api := newKeyedFakeAPI(t)
	wrongKeys := map[string]string{huaweiauth.EnvAccessKey: "HPUAWRONG", huaweiauth.EnvSecretKey: "wrong"}
	withEnv := func(env map[string]string, settings string) resource.TestCase {
		return resource.TestCase{
			ProtoV6ProviderFactories: factoriesWithEnv(env),
			Steps: []resource.TestStep{{
				Config: fmt.Sprintf("provider \"kps\" {\n  endpoint = %q\n  project_id = %q\n  %s\n}\n", api.URL, testProject, settings) +
					readTask,
				ConfigStateChecks: statusIs("SUCCESS_RESET"),
			}},
		}
	}
	t.Parallel()
	t.Run("token in the block, wrong keys in the environment", func(t *testing.T) {
		resource.Test(t, withEnv(wrongKeys, fmt.Sprintf("token = %q", testToken)))
	})
	t.Run("keys in the block, wrong token in the environment", func(t *testing.T) {
		resource.Test(t, withEnv(map[string]string{envToken: "wrong-token"},
			fmt.Sprintf("access_key = %q\n  secret_key = %q", testAccessKey, testSecretKey)))
	})
	t.Run("token and wrong keys in the environment", func(t *testing.T) {
		both := map[string]string{envToken: testToken}
		for k, v := range wrongKeys {
			both[k] = v
		}
		resource.Test(t, withEnv(both, ""))
	})
}

// writeKooCLIConfig writes a KooCLI config.json with an AKSK profile, an SSO
// profile (its keys under ssoAuth.stsToken, as KooCLI stores them after an
// SSO sign-in), and a profile whose keys are stored encrypted.
func writeKooCLIConfig(t *testing.T, dir, current string) string {
	t.Helper()
	file := filepath.Join(dir, "config.json")
	content := fmt.Sprintf(`{
  "current": %q,
  "profiles": [
    {"name": "aksk", "mode": "AKSK", "accessKeyId": %q, "secretAccessKey": %q, "region": "cn-north-4", "projectId": %q},
    {"name": "sso", "mode": "SSO", "region": "cn-north-4", "projectId": %q,
     "ssoAuth": {"stsToken": {"accessKeyId": %q, "secretAccessKey": %q, "securityToken": %q}}},
    {"name": "encrypted", "mode": "AKSK", "accessKeyId": "0x7a3f9c1d8e", "secretAccessKey": "0x5e1d2c3b4a", "projectId": %q}
  ]
}`, current, testAccessKey, testSecretKey, testProject, testProject, testTempAccessKey, testTempSecretKey, testSecurityToken, testProject)
	if err := os.WriteFile(file, []byte(content), 0o600); err != nil {
		t.Fatal(err)
	}
	return file
}

// TestAccCredentials_profiles: a KooCLI profile of each mode gives the keys
// and the project; an encrypted one is refused with the hint that says how
// to store it usably; a missing file or profile is named.
func TestAccCredentials_profiles(t *testing.T) {
	api := newKeyedFakeAPI(t)
	home := t.TempDir()
	if err := os.MkdirAll(filepath.Join(home, ".hcloud"), 0o700); err != nil {
		t.Fatal(err)
	}
	file := writeKooCLIConfig(t, filepath.Join(home, ".hcloud"), "sso")
	noProject := func(settings string) string {
		return fmt.Sprintf("provider \"kps\" {\n  endpoint = %q\n  %s\n}\n", api.URL, settings)
	}
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: factoriesWithEnv(map[string]string{"HOME": home}),
		Steps: []resource.TestStep{
			{
				Config:      noProject(fmt.Sprintf("shared_config_file = %q\n  profile = \"encrypted\"", file)) + readTask,
				ExpectError: expectError("HTTP 401", "profile \"encrypted\"", "cli-auth-encrypt=false"),
			},
			{
				Config:      noProject(fmt.Sprintf("shared_config_file = %q\n  profile = \"nobody\"", file)) + readTask,
				ExpectError: expectError("Unknown KooCLI profile", file, `no profile "nobody"`, `"aksk", "sso", "encrypted"`),
			},
			{
				Config:      noProject(fmt.Sprintf("shared_config_file = %q", filepath.Join(home, "missing.json"))) + readTask,
				ExpectError: expectError("Cannot read the KooCLI configuration", filepath.Join(home, "missing.json"), "does not exist"),
			},
			{
				// Last, so that the harness's closing destroy has a configuration that works.
				Config:            noProject(fmt.Sprintf("shared_config_file = %q\n  profile = \"aksk\"", file)) + readAndWait,
				ConfigStateChecks: readAndWaitSucceeded(testSecretKey),
			},
		},
	})
	// The current profile from the default file, chosen by HW_PROFILE alone.
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: factoriesWithEnv(map[string]string{"HOME": home, huaweiauth.EnvProfile: "sso"}),
		Steps: []resource.TestStep{{
			Config:            noProject("") + readAndWait,
			ConfigStateChecks: readAndWaitSucceeded(testSecurityToken),
		}},
	})
}
