package kps

import (
	"fmt"
	"regexp"
)

// IDPattern is what task, project and server IDs may look like. It is
// deliberately narrower than "any string": an ID is placed in the request
// path, and a "/", "..", "?" or "%" there would address a different API than
// the one meant.
var IDPattern = regexp.MustCompile(`^[A-Za-z0-9_-]{1,64}$`)

// IDRule describes IDPattern for people, for error messages and documentation.
const IDRule = "1 to 64 characters of letters, digits, '-' and '_'"

// KeypairNamePattern is what a key-pair name may look like: the characters
// of an ID, up to the 255 KPS's create and paths take.
var KeypairNamePattern = regexp.MustCompile(`^[A-Za-z0-9_-]{1,255}$`)

// KeypairNameRule describes KeypairNamePattern for people.
const KeypairNameRule = "1 to 255 characters of letters, digits, '-' and '_'"

// MaxImportedKeyName is the longest name KPS's private-key import takes,
// though its create and paths take 255.
const MaxImportedKeyName = 64

// CheckID returns an error naming the attribute when id does not match IDPattern.
// The client calls it before every request so that no request ever carries an ID
// that escaped the plan-time checks.
func CheckID(attribute, id string) error {
	if !IDPattern.MatchString(id) {
		return fmt.Errorf("%s %q is not valid: it must be %s", attribute, id, IDRule)
	}
	return nil
}

// CheckKeypairName is CheckID for a key-pair name.
func CheckKeypairName(attribute, name string) error {
	if !KeypairNamePattern.MatchString(name) {
		return fmt.Errorf("%s %q is not valid: it must be %s", attribute, name, KeypairNameRule)
	}
	return nil
}
