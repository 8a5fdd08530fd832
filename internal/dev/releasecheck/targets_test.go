package main

import (
	"os"
	"slices"
	"testing"

	"gopkg.in/yaml.v3"
)

func TestConfigForTargets(t *testing.T) {
	copyPath, err := configForTargets("../../../.goreleaser.yml", t.TempDir(), []string{"linux_amd64", "windows_386"})
	if err != nil {
		t.Fatal(err)
	}
	data, err := os.ReadFile(copyPath) //nolint:gosec // the test's own file
	if err != nil {
		t.Fatal(err)
	}
	var config struct {
		ProjectName string           `yaml:"project_name"`
		Builds      []map[string]any `yaml:"builds"`
		Signs       []map[string]any `yaml:"signs"`
		Checksum    map[string]any   `yaml:"checksum"`
	}
	if err := yaml.Unmarshal(data, &config); err != nil {
		t.Fatal(err)
	}
	if len(config.Builds) != 1 {
		t.Fatalf("builds: %v", config.Builds)
	}
	build := config.Builds[0]
	if got := build["targets"]; !slices.Equal(toStrings(got), []string{"linux_amd64", "windows_386"}) {
		t.Fatalf("targets = %v", got)
	}
	for _, gone := range []string{"goos", "goarch", "ignore"} {
		if _, ok := build[gone]; ok {
			t.Fatalf("the copy still has %s, which goreleaser would warn of beside targets", gone)
		}
	}
	// The rest is the configuration as released.
	if build["binary"] == nil || build["ldflags"] == nil || config.ProjectName != "terraform-provider-kps" ||
		len(config.Signs) != 1 || config.Checksum["name_template"] == nil {
		t.Fatalf("the copy lost what it should keep:\n%s", data)
	}
}

func toStrings(v any) []string {
	list, _ := v.([]any)
	var out []string
	for _, x := range list {
		s, _ := x.(string)
		out = append(out, s)
	}
	return out
}

func TestParseTargets(t *testing.T) {
	if got, err := parseTargets("linux_amd64, windows_386"); err != nil || !slices.Equal(got, []string{"linux_amd64", "windows_386"}) {
		t.Fatalf("got %v, %v", got, err)
	}
	if got, err := parseTargets(""); err != nil || got != nil {
		t.Fatalf("empty: got %v, %v; want every platform (nil)", got, err)
	}
	for _, bad := range []string{"linux", "linux_", "_amd64", "linux_amd64_v1", "linux_amd64,"} {
		if _, err := parseTargets(bad); err == nil {
			t.Fatalf("%q was accepted", bad)
		}
	}
}
