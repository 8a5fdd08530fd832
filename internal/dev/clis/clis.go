// Package clis builds the Terraform and OpenTofu CLIs the provider is tested
// against from their Go modules, served by the Go module proxy like any
// other module, into a cache outside the repository, and reuses what it built
// before. make compat and make release-check use it, and make docs and make
// bench through cmd/cli-dir; no release binary is downloaded, since the
// machines that run them reach no other host.
package clis

import (
	"context"
	"embed"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
)

// Pinned is one CLI at one version, and how to build it.
type Pinned struct {
	Name    string // the binary's name: terraform or tofu
	Module  string // its Go module
	Version string
	Package string // the main package, relative to the module's root
	// LDFlags are passed to go build: OpenTofu marks a build from source
	// "-dev" unless told it is a release.
	LDFlags string
	// WritableCopy builds in a writable copy of the module, as OpenTofu's
	// build needs; the module cache is read-only.
	WritableCopy bool
	// Patch names a file in patches/ applied to the writable copy (with
	// git apply, checked first) before the build.
	Patch string
}

// patches are the changes some CLIs need to build from the module proxy.
//
//go:embed patches/*.patch
var patches embed.FS

// The pinned CLIs: the oldest Terraform the provider claims, the newest
// (the first with actions), and the oldest and newest OpenTofu that build here.
var (
	Terraform157 = Pinned{Name: "terraform", Module: "github.com/hashicorp/terraform", Version: "v1.5.7", Package: "."}
	// Terraform1143 builds without its remote-state backends (see the patch).
	Terraform1143 = Pinned{Name: "terraform", Module: "github.com/hashicorp/terraform", Version: "v1.14.3", Package: ".",
		LDFlags: "-X github.com/hashicorp/terraform/version.dev=no", WritableCopy: true, Patch: "terraform-v1.14.3-backends.patch"}
	OpenTofu163 = Pinned{Name: "tofu", Module: "github.com/opentofu/opentofu", Version: "v1.6.3", Package: "./cmd/tofu",
		LDFlags: "-X github.com/opentofu/opentofu/version.dev=no", WritableCopy: true}
	OpenTofu1126 = Pinned{Name: "tofu", Module: "github.com/opentofu/opentofu", Version: "v1.12.6", Package: "./cmd/tofu",
		LDFlags: "-X github.com/opentofu/opentofu/version.dev=no", WritableCopy: true}
)

func (p Pinned) String() string { return p.Name + " " + p.Version }

// CacheDir is where built CLIs are kept: KPS_CLI_CACHE, or a folder under
// the user's cache directory.
func CacheDir() (string, error) {
	if dir := os.Getenv("KPS_CLI_CACHE"); dir != "" {
		return dir, nil
	}
	base, err := os.UserCacheDir()
	if err != nil {
		return "", fmt.Errorf("no cache directory for the built CLIs (set KPS_CLI_CACHE): %w", err)
	}
	return filepath.Join(base, "terraform-provider-kps", "cli"), nil
}

// Build returns the path of the CLI, building it first unless the cache has
// it. Progress goes to log.
func (p Pinned) Build(ctx context.Context, log io.Writer) (string, error) {
	cache, err := CacheDir()
	if err != nil {
		return "", err
	}
	bin := filepath.Join(cache, p.Name+"-"+strings.TrimPrefix(p.Version, "v"), p.Name)
	if info, err := os.Stat(bin); err == nil && info.Mode().IsRegular() {
		return bin, nil
	}
	fmt.Fprintf(log, "building %s from the Go module proxy (a few minutes, once; kept in %s)\n", p, filepath.Dir(bin))
	src, err := moduleDir(ctx, p.Module+"@"+p.Version)
	if err != nil {
		return "", err
	}
	if p.WritableCopy {
		tmp, err := os.MkdirTemp("", "kps-cli-src-")
		if err != nil {
			return "", err
		}
		defer os.RemoveAll(tmp)
		if err := copyTree(src, tmp); err != nil {
			return "", fmt.Errorf("copying %s: %w", src, err)
		}
		src = tmp
		if err := p.applyPatch(ctx, src, log); err != nil {
			return "", err
		}
	}
	if err := os.MkdirAll(filepath.Dir(bin), 0o755); err != nil { //nolint:gosec // a cache of programs to run
		return "", err
	}
	partial := bin + ".partial"
	args := []string{"build", "-trimpath", "-o", partial}
	if p.LDFlags != "" {
		args = append(args, "-ldflags", p.LDFlags)
	}
	build := exec.CommandContext(ctx, "go", append(args, p.Package)...) //nolint:gosec // go build of a pinned module
	build.Dir = src
	build.Env = append(os.Environ(), "GOWORK=off", "GOFLAGS=-mod=mod", "CGO_ENABLED=0")
	build.Stdout, build.Stderr = log, log
	if err := build.Run(); err != nil {
		return "", fmt.Errorf("building %s: %w", p, err)
	}
	// Renamed only once whole, so that an interrupted build is not taken
	// for a cached one.
	return bin, os.Rename(partial, bin)
}

// applyPatch applies p.Patch, if any, to the copy in dir, checking first
// that it applies whole: a release that moved what it changes fails here,
// loudly, rather than building something else.
func (p Pinned) applyPatch(ctx context.Context, dir string, log io.Writer) error {
	if p.Patch == "" {
		return nil
	}
	diff, err := patches.ReadFile("patches/" + p.Patch)
	if err != nil {
		return err
	}
	file := filepath.Join(dir, ".kps-build.patch")
	if err := os.WriteFile(file, diff, 0o600); err != nil {
		return err
	}
	for _, args := range [][]string{{"apply", "--check", file}, {"apply", file}} {
		cmd := exec.CommandContext(ctx, "git", args...) //nolint:gosec // our own patch
		cmd.Dir = dir
		cmd.Stdout, cmd.Stderr = log, log
		if err := cmd.Run(); err != nil {
			return fmt.Errorf("patch %s does not apply to %s (has the release moved what it changes?): %w", p.Patch, p, err)
		}
	}
	fmt.Fprintf(log, "applied %s\n", p.Patch)
	return nil
}

// moduleDir downloads module@version through the Go module proxy and
// returns its folder in the module cache.
func moduleDir(ctx context.Context, moduleAtVersion string) (string, error) {
	cmd := exec.CommandContext(ctx, "go", "mod", "download", "-json", moduleAtVersion) //nolint:gosec // a pinned module
	cmd.Env = append(os.Environ(), "GOWORK=off")
	out, err := cmd.Output()
	var info struct{ Dir, Error string }
	if jsonErr := json.Unmarshal(out, &info); jsonErr == nil && info.Error != "" {
		return "", fmt.Errorf("downloading %s: %s", moduleAtVersion, info.Error)
	}
	if err != nil {
		return "", fmt.Errorf("downloading %s: %w", moduleAtVersion, err)
	}
	if info.Dir == "" {
		return "", errors.New("go mod download named no folder for " + moduleAtVersion)
	}
	return info.Dir, nil
}

// copyTree copies the regular files and folders of src into dst, writable.
func copyTree(src, dst string) error {
	return filepath.WalkDir(src, func(path string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		rel, err := filepath.Rel(src, path)
		if err != nil {
			return err
		}
		target := filepath.Join(dst, rel)
		switch {
		case d.IsDir():
			return os.MkdirAll(target, 0o755) //nolint:gosec // a scratch copy of a module
		case d.Type().IsRegular():
			data, err := os.ReadFile(path) //nolint:gosec // a file of the module being copied
			if err != nil {
				return err
			}
			return os.WriteFile(target, data, 0o644) //nolint:gosec // a scratch copy of a module
		}
		return nil
	})
}
