package kps

import (
	"strings"
	"sync"
)

// A private key can come back in pieces: an error_msg that quotes one line
// of the key KPS could not parse, a body cut off in the middle of one, a
// line echoed without its BEGIN line, so that neither the field nor the PEM
// pattern finds it. So every line of 16 characters or more of every secret
// the client sends or receives is remembered for the life of the process,
// and masked wherever it appears. Shorter lines ("-----END ...", a short
// base64 tail) are too common to mask, and too short to give a key away.

// minSecretLine is the shortest line of a secret that is masked on its own.
const minSecretLine = 16

// secretLines is every line remembered so far, for the whole process: a key
// sent by one request may be quoted in the answer to another.
var secretLines struct {
	sync.RWMutex
	seen  map[string]bool
	lines []string
}

// rememberSecretLines remembers the long lines of secret.
func rememberSecretLines(secret string) {
	for line := range strings.Lines(secret) {
		line = strings.TrimSpace(line)
		if len(line) < minSecretLine {
			continue
		}
		secretLines.Lock()
		if !secretLines.seen[line] {
			if secretLines.seen == nil {
				secretLines.seen = map[string]bool{}
			}
			secretLines.seen[line] = true
			secretLines.lines = append(secretLines.lines, line)
		}
		secretLines.Unlock()
	}
}

// knownSecretLines is every line remembered so far.
func knownSecretLines() []string {
	secretLines.RLock()
	defer secretLines.RUnlock()
	return secretLines.lines[:len(secretLines.lines):len(secretLines.lines)]
}

// maskSecretLines replaces every remembered line in s with "***".
func maskSecretLines(s string) string {
	for _, line := range knownSecretLines() {
		s = strings.ReplaceAll(s, line, "***")
	}
	return s
}
