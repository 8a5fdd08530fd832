package main

import (
	"strings"
	"testing"
)

// TestCountResults: a skip by tfversion.SkipBelow is told from any other.
func TestCountResults(t *testing.T) {
	log := `=== RUN   TestA
--- PASS: TestA (0.01s)
=== RUN   TestWO
    resource_test.go:88: Terraform CLI version 1.5.7 is below minimum version 1.11.0: skipping test
--- SKIP: TestWO (0.00s)
=== RUN   TestOther
    x_test.go:9: an acceptance test: set TF_ACC=1
--- SKIP: TestOther (0.00s)
=== RUN   TestB
    --- FAIL: TestB/sub (0.00s)
--- FAIL: TestB (0.00s)
`
	passed, failed, skipped, tooOld := countResults(strings.NewReader(log))
	if passed != 1 || failed != 2 || skipped != 2 || tooOld != 1 {
		t.Fatalf("passed %d, failed %d, skipped %d, too old %d; want 1, 2, 2, 1", passed, failed, skipped, tooOld)
	}
}
