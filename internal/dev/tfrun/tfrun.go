// Package tfrun runs the Terraform CLI (or OpenTofu) against a freshly built
// provider, with no registry and no network: it builds the provider into a
// folder, writes a CLI configuration whose dev_overrides point at it, and runs
// the CLI with that configuration. The demo, the benchmarks and the
// acceptance tests the test harness cannot express (Ctrl-C, an action
// invoked, terraform query, a saved plan, the CLI's output and log) use it;
// every acceptance test runs under Isolate, and make compat and make
// release-check ask it about the CLIs they run (Version, RegistryOf).
package tfrun

import (
	"context"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
)

// The registries the CLIs resolve the provider's short source address,
// kpsops/kps, to: Terraform to its own, OpenTofu to its own.
const (
	TerraformRegistry = "registry.terraform.io"
	OpenTofuRegistry  = "registry.opentofu.org"
	providerPath      = "kpsops/kps"
)

// ProviderAddress is the provider's source address under host.
func ProviderAddress(host string) string { return host + "/" + providerPath }

// CLI is the Terraform CLI under test: TF_ACC_TERRAFORM_PATH, which the
// acceptance test harness also reads, or else terraform from PATH.
func CLI() string {
	if path := os.Getenv("TF_ACC_TERRAFORM_PATH"); path != "" {
		return path
	}
	return "terraform"
}

// ProviderBinary is the file name Terraform looks for in a dev_overrides folder.
const ProviderBinary = "terraform-provider-kps"

// Workspace is a folder with a built provider, a CLI configuration and a
// Terraform configuration folder.
type Workspace struct {
	Dir       string // the Terraform configuration folder
	BinDir    string // holds the provider binary
	CLIConfig string // the CLI configuration file
	Env       []string
	// CLIPath, when set, is the CLI to run in place of CLI().
	CLIPath string
}

// New builds the provider from module (a package path or folder) into a new
// workspace under root.
func New(ctx context.Context, root, module string) (*Workspace, error) {
	w := &Workspace{
		Dir:       filepath.Join(root, "config"),
		BinDir:    filepath.Join(root, "bin"),
		CLIConfig: filepath.Join(root, "terraformrc"),
	}
	if err := os.MkdirAll(w.Dir, 0o700); err != nil {
		return nil, err
	}
	build := exec.CommandContext(ctx, "go", "build", "-o", filepath.Join(w.BinDir, ProviderBinary), module) //nolint:gosec // a fixed command on our own module
	if out, err := build.CombinedOutput(); err != nil {
		return nil, fmt.Errorf("building the provider: %w\n%s", err, out)
	}
	if err := w.UseBinDir(w.BinDir); err != nil {
		return nil, err
	}
	return w, nil
}

// UseBinDir points dev_overrides at dir, e.g. to run a wrapper in place of
// the provider. It overrides the provider under both registries, so that
// whichever CLI runs, kpsops/kps resolves to it.
func (w *Workspace) UseBinDir(dir string) error {
	config := fmt.Sprintf("provider_installation {\n  dev_overrides {\n    %q = %q\n    %q = %q\n  }\n  direct {}\n}\n",
		ProviderAddress(TerraformRegistry), dir, ProviderAddress(OpenTofuRegistry), dir)
	w.Env = []string{"TF_CLI_CONFIG_FILE=" + w.CLIConfig, "CHECKPOINT_DISABLE=1", "TF_IN_AUTOMATION=1"}
	return os.WriteFile(w.CLIConfig, []byte(config), 0o600)
}

// WriteConfig replaces the Terraform configuration with one main.tf.
func (w *Workspace) WriteConfig(hcl string) error {
	return os.WriteFile(filepath.Join(w.Dir, "main.tf"), []byte(hcl), 0o600)
}

// Command returns the CLI with args, run in the configuration folder with
// the workspace's environment plus env. The caller starts it.
func (w *Workspace) Command(ctx context.Context, out io.Writer, env []string, args ...string) *exec.Cmd {
	cmd := exec.CommandContext(ctx, w.cli(), args...) //nolint:gosec // the CLI under test, with arguments from our own code
	cmd.Dir = w.Dir
	cmd.Env = append(append(os.Environ(), w.Env...), env...)
	cmd.Stdout, cmd.Stderr = out, out
	return cmd
}

// Run runs terraform with args to completion.
func (w *Workspace) Run(ctx context.Context, out io.Writer, env []string, args ...string) error {
	if err := w.Command(ctx, out, env, args...).Run(); err != nil {
		return fmt.Errorf("%s %v: %w", filepath.Base(w.cli()), args, err)
	}
	return nil
}

func (w *Workspace) cli() string {
	if w.CLIPath != "" {
		return w.CLIPath
	}
	return CLI()
}
