// Command compat runs the acceptance suite under every CLI the provider
// claims to support, and prints a table of the outcomes: the oldest Terraform
// claimed (1.5.7), the Terraform on PATH, the newest Terraform (1.14.3, the
// first with actions), and the oldest and newest OpenTofu
// that build here, each built from the Go module proxy into a cache outside
// the repository (see internal/dev/clis). Any failure fails it, and so does any
// skip but one: a test of a feature the CLI is too old for (write-only
// arguments need Terraform 1.11), skipped by tfversion.SkipBelow, is
// expected and reported in a column of its own.
//
// Run it from the repository root with make compat, or go run
// ./internal/dev/compat.
package main

import (
	"bufio"
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"time"

	"github.com/kpsops/terraform-provider-kps/internal/dev/clis"
	"github.com/kpsops/terraform-provider-kps/internal/dev/tfrun"
)

// target is one CLI of the matrix.
type target struct {
	label  string
	pinned *clis.Pinned // nil: the terraform on PATH
}

var matrix = []target{
	{"Terraform 1.5.7 (oldest claimed)", &clis.Terraform157},
	{"Terraform on PATH", nil},
	{"Terraform 1.14.3 (newest; actions)", &clis.Terraform1143},
	{"OpenTofu 1.6.3 (oldest claimed)", &clis.OpenTofu163},
	{"OpenTofu 1.12.6", &clis.OpenTofu1126},
}

// outcome is how the suite went under one CLI.
type outcome struct {
	version                 string
	passed, failed, skipped int
	// tooOld counts the skips of tests that need a newer CLI: expected.
	tooOld int
	took   time.Duration
	err    error
}

func main() {
	pkgs := flag.String("packages", "./internal/provider/...", "the packages whose acceptance tests run under each CLI")
	logDir := flag.String("logs", "", "folder to keep each CLI's full go test output in (default: a temporary one)")
	skipPath := flag.Bool("skip-path", false, "leave out the Terraform on PATH: make test runs the acceptance suite under it "+
		"(CI runs both, and need not run it twice)")
	flag.Parse()
	if *skipPath {
		matrix = slices.DeleteFunc(matrix, func(t target) bool { return t.pinned == nil })
	}
	if err := run(context.Background(), *pkgs, *logDir); err != nil {
		fmt.Fprintln(os.Stderr, "compat:", err)
		os.Exit(1)
	}
}

func run(ctx context.Context, pkgs, logDir string) error {
	if logDir == "" {
		dir, err := os.MkdirTemp("", "kps-compat-")
		if err != nil {
			return err
		}
		logDir = dir
	}
	results := make([]outcome, len(matrix))
	for i, t := range matrix {
		results[i] = t.run(ctx, pkgs, filepath.Join(logDir, fmt.Sprintf("%d.log", i)))
		r := results[i]
		fmt.Fprintf(os.Stderr, "%s (%s): %d passed, %d failed, %d skipped (%d of them need a newer CLI) in %s\n", t.label,
			r.version, r.passed, r.failed, r.skipped, r.tooOld, r.took.Round(time.Second))
	}

	fmt.Println("| CLI | version | passed | failed | skipped: needs a newer CLI | skipped: other |")
	fmt.Println("|---|---|---|---|---|---|")
	var bad []string
	for i, t := range matrix {
		r := results[i]
		unexpected := r.skipped - r.tooOld
		fmt.Printf("| %s | %s | %d | %d | %d | %d |\n", t.label, r.version, r.passed, r.failed, r.tooOld, unexpected)
		if r.err != nil || r.failed > 0 || unexpected > 0 || r.passed == 0 {
			reason := fmt.Sprintf("%d failed, %d skipped for another reason than the CLI's version", r.failed, unexpected)
			if r.err != nil {
				reason = r.err.Error()
			}
			bad = append(bad, fmt.Sprintf("%s: %s (log: %s)", t.label, reason, filepath.Join(logDir, fmt.Sprintf("%d.log", i))))
		}
	}
	if len(bad) > 0 {
		return errors.New("not every CLI passes:\n  " + strings.Join(bad, "\n  "))
	}
	return nil
}

func (t target) run(ctx context.Context, pkgs, logFile string) outcome {
	start := time.Now()
	var o outcome
	cli := "terraform"
	if t.pinned != nil {
		path, err := t.pinned.Build(ctx, os.Stderr)
		if err != nil {
			o.err = err
			return o
		}
		cli = path
	} else if path, err := exec.LookPath(cli); err == nil {
		cli = path
	} else {
		o.err = err
		return o
	}
	host, err := tfrun.RegistryOf(cli)
	if err != nil {
		o.err = fmt.Errorf("%s version: %w", cli, err)
		return o
	}
	o.version, _ = tfrun.Version(cli)

	out, err := os.Create(logFile) //nolint:gosec // our own log file
	if err != nil {
		o.err = err
		return o
	}
	defer out.Close()
	// Only the acceptance tests, which run the CLI: the unit tests do not
	// depend on it, and make test runs them once.
	test := exec.CommandContext(ctx, "go", "test", "-count=1", "-timeout=15m", "-v", "-run", acceptanceTests, pkgs) //nolint:gosec // our own tests
	test.Env = append(os.Environ(), "TF_ACC=1", "TF_ACC_TERRAFORM_PATH="+cli, "TF_ACC_PROVIDER_HOST="+host, "CHECKPOINT_DISABLE=1")
	pipe, err := test.StdoutPipe()
	if err != nil {
		o.err = err
		return o
	}
	test.Stderr = test.Stdout
	if err := test.Start(); err != nil {
		o.err = err
		return o
	}
	o.passed, o.failed, o.skipped, o.tooOld = countResults(io.TeeReader(pipe, out))
	if err := test.Wait(); err != nil && o.failed == 0 {
		o.err = fmt.Errorf("go test failed without a failing test (a build error or panic?): %w", err)
	}
	o.took = time.Since(start)
	return o
}

// acceptanceTests selects the tests that run the CLI: every one is named
// TestAcc..., as terraform-plugin-testing's convention has it.
const acceptanceTests = "^TestAcc"

var resultLine = regexp.MustCompile(`^\s*--- (PASS|FAIL|SKIP): `)

// tooOldSkip is what terraform-plugin-testing's tfversion.SkipBelow logs
// when it skips a test: the CLI lacks a feature the test needs.
var tooOldSkip = regexp.MustCompile(`Terraform CLI version \S+ is below minimum version \S+: skipping test`)

// countResults counts go test -v's result lines, subtests included, and
// the skips of tests that need a newer CLI.
func countResults(r io.Reader) (passed, failed, skipped, tooOld int) {
	sc := bufio.NewScanner(r)
	sc.Buffer(make([]byte, 1<<20), 1<<20)
	for sc.Scan() {
		if tooOldSkip.MatchString(sc.Text()) {
			tooOld++
		}
		switch m := resultLine.FindStringSubmatch(sc.Text()); {
		case m == nil:
		case m[1] == "PASS":
			passed++
		case m[1] == "FAIL":
			failed++
		default:
			skipped++
		}
	}
	return passed, failed, skipped, tooOld
}
