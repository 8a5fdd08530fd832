package budget

import (
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"
)

var (
	t0     = time.Date(2026, 11, 30, 12, 0, 0, 0, time.UTC)
	perSec = Limit{Count: 8, Window: time.Second}
	per5m  = Limit{Count: 200, Window: 5 * time.Minute}
)

func memoryIn(t *testing.T, key string) FileMemory {
	t.Helper()
	return FileMemory{Path: filepath.Join(t.TempDir(), "cache", "terraform-provider-kps", "limits.json"), Key: key}
}

// TestMemoryRecallsForAnHour: what one run remembers, the next recalls, for
// the same key only and for an hour; the file holds no part of the key.
func TestMemoryRecallsForAnHour(t *testing.T) {
	m := memoryIn(t, "https://kms.cn-north-4.myhuaweicloud.com\nproject-1")
	if limits, err := m.Recall(t0); err != nil || limits != nil {
		t.Fatalf("a missing file: %v, %v; want nothing and no error", limits, err)
	}
	if err := m.Remember([]Limit{perSec, per5m}, t0); err != nil {
		t.Fatal(err)
	}
	if got, err := m.Recall(t0.Add(59 * time.Minute)); err != nil || len(got) != 2 || got[0] != perSec || got[1] != per5m {
		t.Fatalf("after 59 minutes: %v, %v", got, err)
	}
	if got, _ := m.Recall(t0.Add(time.Hour)); got != nil {
		t.Fatalf("after an hour: %v, want nothing", got)
	}
	other := FileMemory{Path: m.Path, Key: "https://kms.cn-north-4.myhuaweicloud.com\nproject-2"}
	if got, _ := other.Recall(t0); got != nil {
		t.Fatalf("another project recalls %v", got)
	}
	data, err := os.ReadFile(m.Path)
	if err != nil {
		t.Fatal(err)
	}
	if strings.Contains(string(data), "myhuaweicloud") || strings.Contains(string(data), "project-1") {
		t.Fatalf("the file shows the key:\n%s", data)
	}
}

// TestMemoryIgnoresABadFile: a corrupt file is an error to log, recalls
// nothing, and is replaced by the next Remember; so is an unreadable one.
func TestMemoryIgnoresABadFile(t *testing.T) {
	m := memoryIn(t, "k")
	if err := os.MkdirAll(filepath.Dir(m.Path), 0o700); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(m.Path, []byte(`{"entries": {"x": `), 0o600); err != nil {
		t.Fatal(err)
	}
	if got, err := m.Recall(t0); err == nil || got != nil {
		t.Fatalf("a corrupt file: %v, %v; want an error and nothing", got, err)
	}
	if err := m.Remember([]Limit{perSec}, t0); err != nil {
		t.Fatal(err)
	}
	if got, err := m.Recall(t0); err != nil || len(got) != 1 {
		t.Fatalf("after replacing the corrupt file: %v, %v", got, err)
	}
	// A folder where the file should be cannot be read (as a file without
	// read permission cannot, which root would read all the same).
	dir := memoryIn(t, "k")
	if err := os.MkdirAll(dir.Path, 0o700); err != nil {
		t.Fatal(err)
	}
	if got, err := dir.Recall(t0); err == nil || got != nil {
		t.Fatalf("an unreadable file: %v, %v", got, err)
	}
	if err := dir.Remember([]Limit{perSec}, t0); err == nil {
		t.Fatal("remembering over a folder succeeded")
	}
}

// TestMemoryReadOnly: a cache that cannot be written is an error to log;
// nothing is left behind.
func TestMemoryReadOnly(t *testing.T) {
	parent := filepath.Join(t.TempDir(), "ro")
	if err := os.MkdirAll(parent, 0o700); err != nil {
		t.Fatal(err)
	}
	// A file where the cache's folder would be: no process, root included,
	// can create the folder or write in it.
	blocker := filepath.Join(parent, "terraform-provider-kps")
	if err := os.WriteFile(blocker, nil, 0o600); err != nil {
		t.Fatal(err)
	}
	m := FileMemory{Path: filepath.Join(blocker, "limits.json"), Key: "k"}
	if err := m.Remember([]Limit{perSec}, t0); err == nil {
		t.Fatal("remembering in a read-only place succeeded")
	}
	if got, err := m.Recall(t0); got != nil || err == nil {
		t.Fatalf("recall: %v, %v", got, err)
	}
}

// TestMemoryConcurrentWriters: processes writing at once never leave a
// file that cannot be read, nor temporary files.
func TestMemoryConcurrentWriters(t *testing.T) {
	path := memoryIn(t, "").Path
	var wg sync.WaitGroup
	for i := range 16 {
		wg.Go(func() {
			m := FileMemory{Path: path, Key: string(rune('a' + i))}
			for range 20 {
				if err := m.Remember([]Limit{{Count: i + 1, Window: time.Second}}, t0); err != nil {
					t.Error(err)
				}
				if _, err := m.Recall(t0); err != nil {
					t.Error(err)
				}
			}
		})
	}
	wg.Wait()
	entries, err := os.ReadDir(filepath.Dir(path))
	if err != nil {
		t.Fatal(err)
	}
	if len(entries) != 1 {
		t.Fatalf("the cache folder holds %d files, want only limits.json", len(entries))
	}
	last := FileMemory{Path: path, Key: "a"}
	if _, err := last.Recall(t0); err != nil {
		t.Fatal(err)
	}
}

// TestRecalledLimitsPaceFromTheStart: a budget that recalls 8 per second
// lets 8 requests go in the first second, and the 9th only after it.
func TestRecalledLimitsPaceFromTheStart(t *testing.T) {
	b := New()
	b.Recall([]Limit{perSec})
	for i := range 8 {
		if _, ok := b.Reserve(t0.Add(time.Duration(i) * time.Millisecond)); !ok {
			t.Fatalf("request %d was held back", i+1)
		}
	}
	next, ok := b.Reserve(t0.Add(10 * time.Millisecond))
	if ok || next.Before(t0.Add(time.Second)) {
		t.Fatalf("the 9th request may go at %v (ok %v), want a second after the first", next.Sub(t0), ok)
	}
	if got := b.Limits(); len(got) != 1 || got[0] != perSec {
		t.Fatalf("limits %v", got)
	}
}
