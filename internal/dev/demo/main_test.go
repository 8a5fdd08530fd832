package main

import (
	"os"
	"slices"
	"testing"
)

func TestCount(t *testing.T) {
	for n, want := range map[int]string{0: "0 times", 1: "1 time", 7: "7 times"} {
		if got := count(n, "time"); got != want {
			t.Errorf("count(%d) = %q, want %q", n, got, want)
		}
	}
}

// TestPlainTextWhenPiped: with the demo's output piped, the CLI is asked
// for plain text.
func TestPlainTextWhenPiped(t *testing.T) {
	r, w, err := os.Pipe()
	if err != nil {
		t.Fatal(err)
	}
	defer r.Close()
	defer w.Close()
	defer func(stdout *os.File) { os.Stdout = stdout }(os.Stdout)
	os.Stdout = w
	if got := colour(); !slices.Equal(got, []string{"-no-color"}) {
		t.Fatalf("colour() = %v with output to a pipe, want -no-color", got)
	}
}
