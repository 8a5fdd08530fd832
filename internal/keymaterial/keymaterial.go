// Package keymaterial reads the key text users give the provider (SSH and
// x509 public keys, and private keys) with golang.org/x/crypto/ssh, so that
// every part of the provider compares and checks keys the same way.
//
// No error from this package quotes or includes the text it was given: a
// private key pasted into the wrong argument must not reach a plan, a log or
// a diagnostic, so the errors describe what is wrong in words only.
package keymaterial

import (
	"bytes"
	"encoding/pem"
	"strings"

	"golang.org/x/crypto/ssh"
)

// SameKey reports whether two public keys are the same key.
//
// An OpenSSH line is compared by its key type and key data, so its comment,
// options prefix and white space do not matter; an RFC 4716 block is the same
// key as the OpenSSH line it converts to; PEM text is compared by the DER
// bytes of its first block. Text that reads as none of these is the same key
// only as exactly the same text, and never the same key as text that reads.
func SameKey(a, b string) bool {
	keyA, okA := parsePublicKey(a)
	keyB, okB := parsePublicKey(b)
	if !okA && !okB {
		return a == b
	}
	return okA && okB && keyA.equal(keyB)
}

// form says which kind of text a public key was read from, because keys of
// different forms are compared in different ways.
type form int

const (
	// formSSH is an OpenSSH authorized_keys line or an RFC 4716 block.
	formSSH form = iota + 1
	// formPEM is a PEM block, which is how x509 key pairs are given.
	formPEM
)

// publicKey is public key text after it has been read.
type publicKey struct {
	form  form
	ssh   ssh.PublicKey // Set when form is formSSH.
	block *pem.Block    // Set when form is formPEM.
}

// identity returns the bytes that tell keys of one form apart: the SSH wire
// encoding, which holds the key type and key data and nothing else, or the
// DER bytes of the PEM block.
func (k publicKey) identity() []byte {
	if k.form == formSSH {
		return k.ssh.Marshal()
	}
	return k.block.Bytes
}

// equal reports whether k and other are the same key. Keys of different forms
// are never equal, because the contract with users defines no conversion
// between an SSH key and a PEM block.
func (k publicKey) equal(other publicKey) bool {
	return k.form == other.form && bytes.Equal(k.identity(), other.identity())
}

// parsePublicKey reads text as an RFC 4716 block, a PEM block or an OpenSSH
// line. White space around the text is dropped first so that file("x.pub")
// and trimspace(file("x.pub")) read as the same key. Text that carries the
// RFC 4716 BEGIN line but does not read as RFC 4716 is not tried as anything
// else, because it cannot be valid in another form.
func parsePublicKey(text string) (publicKey, bool) {
	text = strings.TrimSpace(text)
	if hasRFC4716(text) {
		key, err := parseRFC4716(text)
		return publicKey{form: formSSH, ssh: key}, err == nil
	}
	if block, _ := pem.Decode([]byte(text)); block != nil {
		return publicKey{form: formPEM, block: block}, true
	}
	key, err := parseAuthorizedKey(text)
	return publicKey{form: formSSH, ssh: key}, err == nil
}
