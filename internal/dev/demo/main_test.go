package main

import (
	"bytes"
	"os"
	"path/filepath"
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

// TestActionBindsAfterTheKeypairIsMade: the example's action binds kp-2026,
// which KPS refuses until kps_keypair.next has made it: the resource that
// triggers the action waits for that one.
func TestActionBindsAfterTheKeypairIsMade(t *testing.T) {
	onCreate, err := os.ReadFile(filepath.Join("..", "..", "..", "examples", "demo", "actions", "rotate_on_create.tf"))
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Contains(onCreate, []byte("depends_on = [kps_keypair.next]")) {
		t.Fatalf("the trigger does not wait for kps_keypair.next:\n%s", onCreate)
	}
}
