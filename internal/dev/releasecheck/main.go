// Command releasecheck checks the release as users install it: goreleaser
// check, then a snapshot build of every platform .goreleaser.yml lists (or
// of those -targets names: CI's choice, see targets.go), its
// SHA256SUMS signed with a throwaway GPG key made for the run and verified
// as a registry client verifies it, then the linux_amd64 zip installed the
// way a private registry or an
// air-gapped site serves it, through a filesystem_mirror with no
// dev_overrides: init must write .terraform.lock.hcl and a plan against the
// KPS stand-in must pass, under Terraform and under OpenTofu.
//
// Run it from the repository root with make release-check.
package main

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strings"
	"time"

	"github.com/kpsops/terraform-provider-kps/internal/dev/clis"
	"github.com/kpsops/terraform-provider-kps/internal/dev/kpsfake"
	"github.com/kpsops/terraform-provider-kps/internal/dev/tfrun"
)

const (
	goreleaserModfile = "tools/goreleaser/go.mod"
	checkToken        = "release-check-token"
	checkProject      = "0123456789abcdef0123456789abcdef"
	checkTask         = "release-check-task"
)

func main() {
	skipBuild := flag.Bool("skip-build", false, "check the dist/ an earlier run built, without building again")
	targetsFlag := flag.String("targets", "", "build only these platforms, comma-separated GOOS_GOARCH (linux_amd64 among them); "+
		"every platform .goreleaser.yml lists when empty")
	flag.Parse()
	built, err := goPlatforms(context.Background())
	var platforms, targets []string
	if err == nil {
		platforms, err = releasePlatforms(".goreleaser.yml", built)
	}
	if err == nil {
		targets, err = parseTargets(*targetsFlag, platforms)
	}
	if err == nil {
		err = run(context.Background(), *skipBuild, platforms, targets)
	}
	if err != nil {
		fmt.Fprintln(os.Stderr, "release-check:", err)
		os.Exit(1)
	}
}

// run checks the release of platforms, or of targets alone when set.
func run(ctx context.Context, skipBuild bool, platforms, targets []string) error {
	if !skipBuild {
		step("goreleaser check")
		if err := goreleaser(ctx, nil, "check"); err != nil {
			return err
		}
		step("a throwaway GPG key to sign the snapshot with")
		key, err := newThrowawayKey(ctx)
		if err != nil {
			return err
		}
		defer key.remove(ctx)
		fmt.Printf("made key %s in a temporary GNUPGHOME, deleted when the check ends\n", key.fingerprint)
		args, which := []string{"release", "--snapshot", "--clean", "--skip=publish"}, "every platform"
		if targets != nil {
			dir, err := os.MkdirTemp("", "kps-release-check-config-")
			if err != nil {
				return err
			}
			defer os.RemoveAll(dir)
			config, err := configForTargets(".goreleaser.yml", dir, targets)
			if err != nil {
				return err
			}
			args, which = append(args, "--config", config), strings.Join(targets, " and ")
		}
		step("goreleaser release --snapshot: " + which + ", SHA256SUMS signed")
		start := time.Now()
		if err := goreleaser(ctx, key.env(), args...); err != nil {
			return err
		}
		fmt.Printf("built in %s\n", time.Since(start).Round(time.Second))
		if err := key.exportPublic(ctx); err != nil {
			return err
		}
	}
	artifacts, err := readArtifacts("dist/artifacts.json")
	if err != nil {
		return err
	}
	step("SHA256SUMS against every zip, and its signature against the key, as a registry client checks them")
	if targets != nil {
		platforms = targets
	}
	if err := checkPlatforms(artifacts, platforms); err != nil {
		return err
	}
	if err := checkSignature(artifacts); err != nil {
		return err
	}
	zip, err := artifacts.archive("linux", "amd64")
	if err != nil {
		return err
	}
	version, err := releaseVersion()
	if err != nil {
		return err
	}
	fmt.Printf("installing %s (version %s) through a filesystem_mirror\n", zip, version)

	tofu, err := clis.OpenTofu1126.Build(ctx, os.Stderr)
	if err != nil {
		return err
	}
	terraform, err := exec.LookPath("terraform")
	if err != nil {
		return err
	}
	for _, cli := range []string{terraform, tofu} {
		if err := installAndPlan(ctx, cli, zip, version); err != nil {
			return err
		}
	}
	return nil
}

func step(title string) { fmt.Printf("\n==> %s\n", title) }

func goreleaser(ctx context.Context, env []string, args ...string) error {
	cmd := exec.CommandContext(ctx, "go", append([]string{"tool", "-modfile=" + goreleaserModfile, "goreleaser"}, args...)...) //nolint:gosec // our pinned tool
	cmd.Stdout, cmd.Stderr = os.Stdout, os.Stderr
	cmd.Env = append(os.Environ(), env...)
	if err := cmd.Run(); err != nil {
		return fmt.Errorf("goreleaser %s: %w", strings.Join(args, " "), err)
	}
	return nil
}

// artifact is the part of goreleaser's dist/artifacts.json read here.
type artifact struct {
	Name   string `json:"name"`
	Path   string `json:"path"`
	Goos   string `json:"goos"`
	Goarch string `json:"goarch"`
	Type   string `json:"type"`
}

type artifacts []artifact

func readArtifacts(path string) (artifacts, error) {
	data, err := os.ReadFile(path) //nolint:gosec // goreleaser's own output
	if err != nil {
		return nil, fmt.Errorf("reading goreleaser's artifact list (run without -skip-build first): %w", err)
	}
	var a artifacts
	return a, json.Unmarshal(data, &a)
}

// checkPlatforms checks that exactly the platforms asked for were built,
// that each has its zip, and that the SHA256SUMS file (the one a release
// signs) lists each zip with its right sum, and the registry manifest the
// Terraform Registry reads.
func checkPlatforms(a artifacts, platforms []string) error {
	binaries, archives := map[string]bool{}, map[string]string{}
	var sums string
	for _, x := range a {
		platform := x.Goos + "_" + x.Goarch
		switch x.Type {
		case "Binary":
			binaries[platform] = true
		case "Archive":
			archives[platform] = x.Path
		case "Checksum":
			sums = x.Path
		}
	}
	for _, p := range platforms {
		if !binaries[p] {
			return fmt.Errorf("%s was asked for but not built (with -skip-build, was dist/ built for other platforms?)", p)
		}
	}
	if len(binaries) != len(platforms) {
		return fmt.Errorf("%d platforms were built, %d asked for (with -skip-build, was dist/ built for other platforms?)", len(binaries), len(platforms))
	}
	for p := range binaries {
		if archives[p] == "" {
			return fmt.Errorf("%s was built but not zipped", p)
		}
	}
	if sums == "" {
		return errors.New("no SHA256SUMS file was made")
	}
	listed, err := os.ReadFile(sums) //nolint:gosec // goreleaser's own output
	if err != nil {
		return err
	}
	for p, zip := range archives {
		data, err := os.ReadFile(zip) //nolint:gosec // goreleaser's own output
		if err != nil {
			return err
		}
		sum := sha256.Sum256(data)
		if line := hex.EncodeToString(sum[:]) + "  " + filepath.Base(zip); !strings.Contains(string(listed), line) {
			return fmt.Errorf("%s: SHA256SUMS has no line %q", p, line)
		}
	}
	if !strings.Contains(string(listed), "_manifest.json\n") {
		return errors.New("SHA256SUMS does not list the registry manifest")
	}
	fmt.Printf("%d platforms, each zipped; SHA256SUMS lists every zip with its sum, and the registry manifest\n", len(binaries))
	return nil
}

// checkSignature verifies the detached signature of SHA256SUMS.
func checkSignature(a artifacts) error {
	var sums, signature string
	for _, x := range a {
		switch x.Type {
		case "Checksum":
			sums = x.Path
		case "Signature":
			signature = x.Path
		}
	}
	if signature == "" {
		return errors.New("the build made no signature of SHA256SUMS")
	}
	signer, err := verifySignature(signingKeyFile, sums, signature)
	if err != nil {
		return err
	}
	fmt.Printf("%s: good signature of %s by key %s\n", filepath.Base(signature), filepath.Base(sums), signer)
	return nil
}

func (a artifacts) archive(goos, goarch string) (string, error) {
	for _, x := range a {
		if x.Type == "Archive" && x.Goos == goos && x.Goarch == goarch {
			return x.Path, nil
		}
	}
	return "", fmt.Errorf("no %s_%s zip was built", goos, goarch)
}

// releaseVersion is the version goreleaser gave the build, from dist/metadata.json.
func releaseVersion() (string, error) {
	data, err := os.ReadFile("dist/metadata.json")
	if err != nil {
		return "", err
	}
	var m struct {
		Version string `json:"version"`
	}
	if err := json.Unmarshal(data, &m); err != nil {
		return "", fmt.Errorf("reading dist/metadata.json: %w", err)
	}
	if m.Version == "" {
		return "", errors.New("dist/metadata.json names no version")
	}
	return m.Version, nil
}

// installAndPlan installs the zip from a filesystem mirror for cli, runs
// init (which must write the lock file) and plans against the stand-in.
func installAndPlan(ctx context.Context, cli, zip, version string) error {
	host, err := tfrun.RegistryOf(cli)
	if err != nil {
		return err
	}
	name, _ := tfrun.Version(cli)
	step(name + ": init from a filesystem_mirror, then plan")
	root, err := os.MkdirTemp("", "kps-release-check-")
	if err != nil {
		return err
	}
	defer os.RemoveAll(root)

	// The packed layout: HOST/NAMESPACE/TYPE/terraform-provider-TYPE_VERSION_OS_ARCH.zip.
	mirrorDir := filepath.Join(root, "mirror", host, "kpsops", "kps")
	if err := os.MkdirAll(mirrorDir, 0o700); err != nil {
		return err
	}
	data, err := os.ReadFile(zip) //nolint:gosec // goreleaser's own output
	if err != nil {
		return err
	}
	if err := os.WriteFile(filepath.Join(mirrorDir, filepath.Base(zip)), data, 0o600); err != nil { //nolint:gosec // goreleaser's own file name
		return err
	}
	cliConfig := filepath.Join(root, "terraformrc")
	if err := os.WriteFile(cliConfig, []byte(fmt.Sprintf(`provider_installation {
  filesystem_mirror {
    path    = %q
    include = ["%s/kpsops/kps"]
  }
}
`, filepath.Join(root, "mirror"), host)), 0o600); err != nil {
		return err
	}
	work := filepath.Join(root, "config")
	if err := os.MkdirAll(work, 0o700); err != nil {
		return err
	}
	if err := os.WriteFile(filepath.Join(work, "main.tf"), []byte(fmt.Sprintf(`
terraform {
  required_providers {
    kps = {
      source  = "kpsops/kps"
      version = "= %s"
    }
  }
}
provider "kps" {}
data "kps_keypair_task" "t" {
  task_id = %q
}
output "status" {
  value = data.kps_keypair_task.t.task_status
}
`, version, checkTask)), 0o600); err != nil {
		return err
	}

	endpoint, stop, err := kpsfake.ServeLoopback(ctx, standIn())
	if err != nil {
		return err
	}
	defer stop()
	env := append(os.Environ(), "TF_CLI_CONFIG_FILE="+cliConfig, "CHECKPOINT_DISABLE=1", "TF_IN_AUTOMATION=1",
		"HW_KPS_ENDPOINT="+endpoint, "HW_AUTH_TOKEN="+checkToken, "HW_PROJECT_ID="+checkProject)
	runCLI := func(args ...string) (string, error) {
		cmd := exec.CommandContext(ctx, cli, args...) //nolint:gosec // the CLI under check
		cmd.Dir, cmd.Env = work, env
		out, err := cmd.CombinedOutput()
		if err != nil {
			return string(out), fmt.Errorf("%s %s: %w\n%s", filepath.Base(cli), strings.Join(args, " "), err, out)
		}
		return string(out), nil
	}
	if _, err := runCLI("init", "-input=false", "-no-color"); err != nil {
		return err
	}
	lock, err := os.ReadFile(filepath.Join(work, ".terraform.lock.hcl")) //nolint:gosec // the lock file of our own temporary folder
	if err != nil {
		return fmt.Errorf("init wrote no .terraform.lock.hcl: %w", err)
	}
	if !strings.Contains(string(lock), `"`+host+`/kpsops/kps"`) || !strings.Contains(string(lock), `version     = "`+version+`"`) {
		return fmt.Errorf(".terraform.lock.hcl does not lock %s/kpsops/kps %s:\n%s", host, version, lock)
	}
	out, err := runCLI("plan", "-input=false", "-no-color")
	if err != nil {
		return err
	}
	if !strings.Contains(out, `"SUCCESS_RESET"`) {
		return fmt.Errorf("the plan did not read the task:\n%s", out)
	}
	fmt.Printf("init locked %s/kpsops/kps %s (%s); the plan read the task: SUCCESS_RESET\n", host, version, runtime.GOOS+"_"+runtime.GOARCH)
	return nil
}

// standIn is the KPS stand-in with the one task the plan reads.
func standIn() *kpsfake.Server {
	fake := kpsfake.New(checkToken)
	fake.AddTask(checkProject, checkTask, kpsfake.Task{ServerID: "s", Timeline: []kpsfake.Step{{Status: "SUCCESS_RESET"}}})
	return fake
}
