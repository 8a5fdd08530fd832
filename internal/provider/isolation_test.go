package provider

import (
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"

	"github.com/kpsops/terraform-provider-kps/internal/dev/tfrun"
)

// TestAccIgnoresTheUsersCLISetUp: with TF_CLI_CONFIG_FILE naming a file that
// does not exist (as on this project's machines), a ~/.terraformrc whose
// dev_overrides point the provider elsewhere, and TF_LOG in the shell, the
// CLI under test prints nothing but its version, and a test runs as ever.
// Without tfrun.Isolate, Terraform warns on stderr and OpenTofu 1.12 on
// stdout, where the test harness reads the version and fails.
func TestAccIgnoresTheUsersCLISetUp(t *testing.T) {
	home := t.TempDir()
	hostile := `provider_installation {
  dev_overrides {
    "registry.terraform.io/kpsops/kps"   = "/nonexistent"
    "registry.terraform.io/hashicorp/kps" = "/nonexistent"
    "registry.opentofu.org/hashicorp/kps" = "/nonexistent"
  }
}
plugin_cache_dir = "/nonexistent/cache"
`
	if err := os.WriteFile(filepath.Join(home, ".terraformrc"), []byte(hostile), 0o600); err != nil {
		t.Fatal(err)
	}
	t.Setenv("HOME", home)
	t.Setenv("TF_CLI_CONFIG_FILE", filepath.Join(t.TempDir(), "missing.tfrc"))
	t.Setenv("TF_LOG", "TRACE")
	t.Setenv("TF_CLI_ARGS_plan", "-refresh=false -lock-timeout=nonsense")
	// Isolate points the cache at its folder, which is gone after this test:
	// the suite's own is restored then.
	t.Setenv("XDG_CACHE_HOME", os.Getenv("XDG_CACHE_HOME"))
	if err := tfrun.Isolate(t.TempDir()); err != nil {
		t.Fatal(err)
	}

	cmd := exec.CommandContext(t.Context(), tfrun.CLI(), "version") //nolint:gosec // the CLI under test
	var stdout, stderr strings.Builder
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	if err := cmd.Run(); err != nil {
		t.Fatal(err)
	}
	if first := strings.SplitN(stdout.String(), "\n", 2)[0]; !strings.HasPrefix(first, "Terraform v") && !strings.HasPrefix(first, "OpenTofu v") {
		t.Fatalf("the CLI's version output begins %q", first)
	}
	if stderr.Len() > 0 {
		t.Fatalf("the CLI wrote to stderr: %s", stderr.String())
	}

	api := newFakeAPI(t)
	api.addTask("task-1", "srv", "SUCCESS_RESET")
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: testFactories,
		Steps:                    []resource.TestStep{{Config: api.providerConfig() + readTask, ConfigStateChecks: statusIs("SUCCESS_RESET")}},
	})
}
