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

func TestReleasePlatforms(t *testing.T) {
	built, err := goPlatforms(t.Context())
	if err != nil {
		t.Fatal(err)
	}
	if !slices.Contains(built, "linux_amd64") || slices.Contains(built, "darwin_arm") {
		t.Fatalf("go tool dist list, read as %v", built)
	}
	platforms, err := releasePlatforms("../../../.goreleaser.yml", built)
	if err != nil {
		t.Fatal(err)
	}
	// Four systems by four architectures, less darwin_386 (ignored) and
	// what Go cannot build.
	want := []string{
		"freebsd_amd64", "freebsd_386", "freebsd_arm", "freebsd_arm64", "windows_amd64", "windows_386", "windows_arm64",
		"linux_amd64", "linux_386", "linux_arm", "linux_arm64", "darwin_amd64", "darwin_arm64",
	}
	if !slices.Equal(platforms, want) {
		t.Fatalf("platforms = %v, want %v", platforms, want)
	}
	// Without Go's list, nothing is taken for buildable.
	if none, err := releasePlatforms("../../../.goreleaser.yml", nil); err != nil || len(none) != 0 {
		t.Fatalf("with no platform Go builds: %v, %v", none, err)
	}
}

func TestParseTargets(t *testing.T) {
	platforms := []string{"linux_amd64", "windows_386", "darwin_arm64"}
	if got, err := parseTargets("linux_amd64, windows_386", platforms); err != nil || !slices.Equal(got, []string{"linux_amd64", "windows_386"}) {
		t.Fatalf("got %v, %v", got, err)
	}
	if got, err := parseTargets("", platforms); err != nil || got != nil {
		t.Fatalf("empty: got %v, %v; want every platform (nil)", got, err)
	}
	for _, bad := range []string{"linux", "darwin_386", "linux_amd64_v1", "linux_amd64,", "linux_amd64,linux_amd64"} {
		if _, err := parseTargets(bad, platforms); err == nil {
			t.Fatalf("%q was accepted", bad)
		}
	}
}
