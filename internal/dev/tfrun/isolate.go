package tfrun

import (
	"bytes"
	"context"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"time"

	"github.com/hashicorp/go-version"
)

// Isolate makes the CLIs this process runs from now on ignore the user's
// set-up: it points TF_CLI_CONFIG_FILE at an empty configuration in dir (so
// that a missing or hostile file, or a ~/.terraformrc with dev_overrides of
// its own, plays no part), and unsets the variables that change what a CLI
// does or prints (TF_LOG, TF_CLI_ARGS, TF_VAR_*, ...). It also tells the test
// harness which registry the CLI under test resolves the provider to, when
// the environment does not, and gives the provider a cache directory in dir,
// so that the limits it remembers between runs (budget.FileMemory) are the
// tests' own. TestMain calls it before any test runs.
func Isolate(dir string) error {
	// The go command keeps its build cache in the user's cache directory
	// too: pinned where it is first, or every provider build a test makes
	// (tfrun.New) starts from an empty cache, some forty seconds each.
	if err := pinGoCache(); err != nil {
		return err
	}
	if err := os.Setenv("XDG_CACHE_HOME", filepath.Join(dir, "cache")); err != nil {
		return err
	}
	config := filepath.Join(dir, "terraformrc")
	if err := os.WriteFile(config, []byte("# The tests' own CLI configuration: empty on purpose.\n"), 0o600); err != nil {
		return err
	}
	if err := os.Setenv("TF_CLI_CONFIG_FILE", config); err != nil {
		return err
	}
	for _, kv := range os.Environ() {
		name, _, _ := strings.Cut(kv, "=")
		if userSetting(name) {
			if err := os.Unsetenv(name); err != nil {
				return err
			}
		}
	}
	if os.Getenv("TF_ACC_PROVIDER_HOST") == "" {
		host, err := RegistryOf(CLI())
		if err != nil {
			return err
		}
		return os.Setenv("TF_ACC_PROVIDER_HOST", host)
	}
	return nil
}

// pinGoCache sets GOCACHE to the build cache the go command uses now.
func pinGoCache() error {
	if os.Getenv("GOCACHE") != "" {
		return nil
	}
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	out, err := exec.CommandContext(ctx, "go", "env", "GOCACHE").Output()
	if err != nil {
		return err
	}
	if cache := strings.TrimSpace(string(out)); cache != "" && cache != "off" {
		return os.Setenv("GOCACHE", cache)
	}
	return nil
}

// userSetting reports the variables a user may have set in their shell that
// would change what a CLI under test does or prints.
func userSetting(name string) bool {
	switch name {
	case "TF_LOG", "TF_LOG_CORE", "TF_LOG_PROVIDER", "TF_LOG_PATH", "TF_PLUGIN_CACHE_DIR", "TF_DATA_DIR",
		"TF_WORKSPACE", "TF_INPUT", "TF_REGISTRY_DISCOVERY_RETRY", "TF_IGNORE":
		return true
	}
	return strings.HasPrefix(name, "TF_CLI_ARGS") || strings.HasPrefix(name, "TF_VAR_") ||
		strings.HasPrefix(name, "TF_TOKEN_") || strings.HasPrefix(name, "TF_LOG_PROVIDER_")
}

// RegistryOf is the registry cli resolves kpsops/kps to: OpenTofu's for
// OpenTofu, Terraform's for Terraform.
func RegistryOf(cli string) (string, error) {
	out, err := Version(cli)
	if err != nil {
		return "", err
	}
	if strings.HasPrefix(out, "OpenTofu") {
		return OpenTofuRegistry, nil
	}
	return TerraformRegistry, nil
}

// Version is the first line cli version prints, e.g. "Terraform v1.11.4".
// The CLI runs with an empty configuration of its own: OpenTofu 1.12 prints
// its complaint about a missing TF_CLI_CONFIG_FILE on stdout, before the
// version.
func Version(cli string) (string, error) {
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	config, err := os.CreateTemp("", "kps-cli-version-*.tfrc")
	if err != nil {
		return "", err
	}
	_ = config.Close()
	defer os.Remove(config.Name())
	cmd := exec.CommandContext(ctx, cli, "version") //nolint:gosec // the CLI under test
	cmd.Env = append(os.Environ(), "CHECKPOINT_DISABLE=1", "TF_CLI_CONFIG_FILE="+config.Name())
	out, err := cmd.Output()
	if err != nil {
		return "", err
	}
	first, _, _ := bytes.Cut(bytes.TrimSpace(out), []byte("\n"))
	return string(first), nil
}

// writeOnlySince is the first version of Terraform, and of OpenTofu, that
// accepts write-only arguments; actionsSince, of Terraform with actions.
var (
	writeOnlySince = version.Must(version.NewVersion("1.11.0"))
	actionsSince   = version.Must(version.NewVersion("1.14.0"))
)

// HasWriteOnly reports whether the CLI whose Version line is given accepts
// write-only arguments (Terraform and OpenTofu 1.11 and newer).
func HasWriteOnly(versionLine string) bool { return atLeast(versionLine, writeOnlySince) }

// HasActions reports whether the CLI whose Version line is given runs
// actions (Terraform 1.14 and newer; no OpenTofu yet).
func HasActions(versionLine string) bool {
	return strings.HasPrefix(versionLine, "Terraform ") && atLeast(versionLine, actionsSince)
}

func atLeast(versionLine string, least *version.Version) bool {
	fields := strings.Fields(versionLine)
	if len(fields) < 2 {
		return false
	}
	v, err := version.NewVersion(fields[1])
	return err == nil && v.Core().GreaterThanOrEqual(least)
}
