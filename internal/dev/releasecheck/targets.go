package main

import (
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"

	"gopkg.in/yaml.v3"
)

// A snapshot of every platform .goreleaser.yml lists is most of a cold
// release-check: each platform compiles the standard library and every
// dependency anew, about 40 s on two cores, fifteen times. -targets builds
// only the platforms it names, through a copy of the configuration whose
// builds list them as goreleaser's targets (which replace goos, goarch and
// ignore); everything else in the copy is the configuration as released.

// parseTargets splits -targets ("linux_amd64,windows_386"); none means every
// platform the configuration lists.
func parseTargets(flagValue string) ([]string, error) {
	if flagValue == "" {
		return nil, nil
	}
	var targets []string
	for t := range strings.SplitSeq(flagValue, ",") {
		goos, goarch, ok := strings.Cut(strings.TrimSpace(t), "_")
		if !ok || goos == "" || goarch == "" || strings.Contains(goarch, "_") {
			return nil, fmt.Errorf("-targets: %q is not GOOS_GOARCH, such as linux_amd64", t)
		}
		targets = append(targets, goos+"_"+goarch)
	}
	return targets, nil
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
		kept := build.Content[:0]
		for i := 0; i+1 < len(build.Content); i += 2 {
			if !slices.Contains([]string{"goos", "goarch", "ignore", "targets"}, build.Content[i].Value) {
				kept = append(kept, build.Content[i], build.Content[i+1])
			}
		}
		build.Content = append(kept, &yaml.Node{Kind: yaml.ScalarNode, Value: "targets"}, list)
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
