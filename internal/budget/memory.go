package budget

import (
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"time"
)

// Remembering limits between runs: Terraform starts a provider process to
// plan and another to apply, and CI may start several runs at once. A limit
// one of them learned from a 429 is kept in a file for an hour, so that the
// next starts paced instead of learning it again from 429s. The budget stays
// a state machine: this file is read and written beside it, by the client.

// RememberFor is how long a learned limit is remembered.
const RememberFor = time.Hour

// FileMemory keeps learned limits in a JSON file shared by every process of
// the user, one entry per key. The key holds no credential: it is the
// endpoint and project, and only its hash is written.
type FileMemory struct {
	Path string
	Key  string
}

// DefaultMemoryPath is the file under the user's cache directory.
func DefaultMemoryPath() (string, error) {
	dir, err := os.UserCacheDir()
	if err != nil {
		return "", err
	}
	return filepath.Join(dir, "terraform-provider-kps", "limits.json"), nil
}

// memoryFile is the file's content.
type memoryFile struct {
	Entries map[string]memoryEntry `json:"entries"`
}

type memoryEntry struct {
	LearnedAt time.Time    `json:"learned_at"`
	Limits    []savedLimit `json:"limits"`
}

type savedLimit struct {
	Count    int   `json:"count"`
	WindowMS int64 `json:"window_ms"`
}

func (m FileMemory) hashedKey() string {
	sum := sha256.Sum256([]byte(m.Key))
	return hex.EncodeToString(sum[:16])
}

// Recall returns the limits remembered for the key and learned less than
// RememberFor before now. A missing file is no error and recalls nothing;
// an unreadable or corrupt one is an error, for the caller to log and
// ignore.
func (m FileMemory) Recall(now time.Time) ([]Limit, error) {
	f, err := m.read()
	if err != nil {
		return nil, err
	}
	e, ok := f.Entries[m.hashedKey()]
	if !ok || now.Sub(e.LearnedAt) >= RememberFor || e.LearnedAt.After(now.Add(time.Minute)) {
		return nil, nil
	}
	var limits []Limit
	for _, l := range e.Limits {
		if l.Count >= 1 && l.WindowMS >= 1 {
			limits = append(limits, Limit{Count: l.Count, Window: time.Duration(l.WindowMS) * time.Millisecond})
		}
	}
	return limits, nil
}

// Remember records limits for the key, learned at now, and drops entries
// older than RememberFor. The file is replaced whole (written beside it,
// then renamed), so that processes writing at once never leave it corrupt:
// the last one wins. An unreadable or corrupt file is replaced.
func (m FileMemory) Remember(limits []Limit, now time.Time) error {
	f, err := m.read()
	if err != nil {
		f = memoryFile{}
	}
	if f.Entries == nil {
		f.Entries = map[string]memoryEntry{}
	}
	for key, e := range f.Entries {
		if now.Sub(e.LearnedAt) >= RememberFor {
			delete(f.Entries, key)
		}
	}
	e := memoryEntry{LearnedAt: now.UTC()}
	for _, l := range limits {
		e.Limits = append(e.Limits, savedLimit{Count: l.Count, WindowMS: l.Window.Milliseconds()})
	}
	f.Entries[m.hashedKey()] = e
	data, err := json.MarshalIndent(f, "", "  ")
	if err != nil {
		return err
	}
	if err := os.MkdirAll(filepath.Dir(m.Path), 0o700); err != nil {
		return fmt.Errorf("remembering the learned limits: %w", err)
	}
	tmp, err := os.CreateTemp(filepath.Dir(m.Path), filepath.Base(m.Path)+".*.tmp")
	if err != nil {
		return fmt.Errorf("remembering the learned limits: %w", err)
	}
	_, werr := tmp.Write(data)
	cerr := tmp.Close()
	if werr == nil {
		werr = cerr
	}
	if werr == nil {
		werr = os.Rename(tmp.Name(), m.Path)
	}
	if werr != nil {
		_ = os.Remove(tmp.Name())
		return fmt.Errorf("remembering the learned limits: %w", werr)
	}
	return nil
}

func (m FileMemory) read() (memoryFile, error) {
	var f memoryFile
	data, err := os.ReadFile(m.Path)
	if errors.Is(err, fs.ErrNotExist) {
		return f, nil
	}
	if err != nil {
		return f, fmt.Errorf("reading the remembered limits: %w", err)
	}
	if err := json.Unmarshal(data, &f); err != nil {
		return memoryFile{}, fmt.Errorf("the remembered limits in %s are not valid: %w", m.Path, err)
	}
	return f, nil
}
