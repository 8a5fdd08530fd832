package provider

import (
	"fmt"
	"os"
	"testing"

	"github.com/kpsops/terraform-provider-kps/internal/dev/tfrun"
)

// TestMain runs every test with a CLI configuration of the tests' own, so
// that nothing in the user's set-up (a missing TF_CLI_CONFIG_FILE, a
// ~/.terraformrc with dev_overrides, TF_LOG in the shell) changes an outcome.
func TestMain(m *testing.M) {
	dir, err := os.MkdirTemp("", "kps-tests-cli-")
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	if err := tfrun.Isolate(dir); err != nil {
		fmt.Fprintln(os.Stderr, "isolating the CLI configuration:", err)
		os.Exit(1)
	}
	code := m.Run()
	_ = os.RemoveAll(dir)
	os.Exit(code)
}
