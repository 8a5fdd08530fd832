package main

import (
	"context"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"

	"gopkg.in/yaml.v3"
)

// A snapshot of every platform .goreleaser.yml lists is most of a cold
// release-check: each platform compiles the standard library and every
// dependency anew, 38 s each on a cold 2-core machine, thirteen times. -targets builds
// only the platforms it names, through a copy of the configuration whose
// builds list them as goreleaser's targets (which replace goos, goarch and
// ignore); everything else in the copy is the configuration as released.

// parseTargets splits -targets ("linux_amd64,windows_386"), each of which
// must be one of the platforms the release builds; none means all of them.
func parseTargets(flagValue string, platforms []string) ([]string, error) {
	if flagValue == "" {
		return nil, nil
	}
	var targets []string
	for t := range strings.SplitSeq(flagValue, ",") {
		t = strings.TrimSpace(t)
		switch {
		case !slices.Contains(platforms, t):
			return nil, fmt.Errorf("-targets: %q is not one of the platforms the release builds (%s)", t, strings.Join(platforms, ", "))
		case slices.Contains(targets, t):
			return nil, fmt.Errorf("-targets: %q is named twice", t)
		}
		targets = append(targets, t)
	}
	return targets, nil
}

// platform is one of a build's ignore entries.
type platform struct {
	Goos   string `yaml:"goos"`
	Goarch string `yaml:"goarch"`
}

// releasePlatforms are the platforms, GOOS_GOARCH, that the configuration at
// path builds: its build's goos by goarch, less what it ignores and what Go
// does not build (goreleaser skips those: darwin_arm, and windows_arm since
// Go 1.26). goPlatforms is what Go builds.
func releasePlatforms(path string, goPlatforms []string) ([]string, error) {
	data, err := os.ReadFile(path) //nolint:gosec // the repository's own configuration
	if err != nil {
		return nil, err
	}
	var config struct {
		Builds []struct {
			Goos   []string   `yaml:"goos"`
			Goarch []string   `yaml:"goarch"`
			Ignore []platform `yaml:"ignore"`
		} `yaml:"builds"`
	}
	if err := yaml.Unmarshal(data, &config); err != nil {
		return nil, fmt.Errorf("reading %s: %w", path, err)
	}
	if len(config.Builds) != 1 {
		return nil, fmt.Errorf("%s has %d builds; release-check knows one", path, len(config.Builds))
	}
	build := config.Builds[0]
	var platforms []string
	for _, goos := range build.Goos {
		for _, goarch := range build.Goarch {
			if !slices.Contains(build.Ignore, platform{Goos: goos, Goarch: goarch}) && slices.Contains(goPlatforms, goos+"_"+goarch) {
				platforms = append(platforms, goos+"_"+goarch)
			}
		}
	}
	return platforms, nil
}

// configForTargets writes, in dir, a copy of the goreleaser configuration at
// path whose builds make only targets, and returns the copy's path.
func configForTargets(path, dir string, targets []string) (string, error) {
	data, err := os.ReadFile(path) //nolint:gosec // the repository's own configuration
	if err != nil {
		return "", err
	}
	var doc yaml.Node
	if err := yaml.Unmarshal(data, &doc); err != nil {
		return "", fmt.Errorf("reading %s: %w", path, err)
	}
	builds := mappingValue(doc.Content[0], "builds")
	if builds == nil || builds.Kind != yaml.SequenceNode || len(builds.Content) == 0 {
		return "", fmt.Errorf("%s has no builds to limit", path)
	}
	list := &yaml.Node{Kind: yaml.SequenceNode, Style: yaml.FlowStyle}
	for _, t := range targets {
		list.Content = append(list.Content, &yaml.Node{Kind: yaml.ScalarNode, Value: t})
	}
	for _, build := range builds.Content {
		kept := make([]*yaml.Node, 0, len(build.Content)+2)
		for i := 0; i+1 < len(build.Content); i += 2 {
			if !slices.Contains([]string{"goos", "goarch", "ignore", "targets"}, build.Content[i].Value) {
				kept = append(kept, build.Content[i], build.Content[i+1])
			}
		}
		kept = append(kept, &yaml.Node{Kind: yaml.ScalarNode, Value: "targets"}, list)
		build.Content = kept
	}
	out, err := yaml.Marshal(&doc)
	if err != nil {
		return "", err
	}
	copyPath := filepath.Join(dir, "goreleaser-targets.yml")
	return copyPath, os.WriteFile(copyPath, out, 0o600)
}

// mappingValue is the value of key in the mapping node m, or nil.
func mappingValue(m *yaml.Node, key string) *yaml.Node {
	if m.Kind != yaml.MappingNode {
		return nil
	}
	for i := 0; i+1 < len(m.Content); i += 2 {
		if m.Content[i].Value == key {
			return m.Content[i+1]
		}
	}
	return nil
}

// goPlatforms are the platforms the go command builds, GOOS_GOARCH, from
// go tool dist list.
func goPlatforms(ctx context.Context) ([]string, error) {
	out, err := exec.CommandContext(ctx, "go", "tool", "dist", "list").Output()
	if err != nil {
		return nil, fmt.Errorf("go tool dist list: %w", err)
	}
	var platforms []string
	for line := range strings.FieldsSeq(string(out)) {
		platforms = append(platforms, strings.Replace(line, "/", "_", 1))
	}
	return platforms, nil
}
