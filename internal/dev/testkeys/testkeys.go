// Package testkeys holds key pair fixtures for tests across the repository
// and for the benchmarks. It is test fixtures only and is never part of the
// provider binary.
//
// The keys are deterministic: each is built at package initialisation from a
// fixed ed25519 seed, because tests compare key text (in plans, state, fake
// API responses and expected diagnostics) and must give the same result on
// every run and every machine. The public forms and the PKCS#8 form are the
// same bytes on every run. The OpenSSH private forms are not quite: the
// OpenSSH format carries random check bytes (and, when encrypted, a random
// salt) that golang.org/x/crypto/ssh draws when it writes a key, so their text
// differs between runs (OpenSSHPrivate) or between calls (EncryptedPrivate),
// although it always holds the same key. Compare private keys by key, not by
// text.
package testkeys

import (
	"bytes"
	"crypto/ed25519"
	"crypto/x509"
	"encoding/base64"
	"encoding/pem"
	"strings"

	"golang.org/x/crypto/ssh"
)

// Passphrase is the passphrase of every Pair's EncryptedPrivate.
const Passphrase = "secret"

// Pair is one key pair in every form the tests need.
type Pair struct {
	// AuthorizedKey is the OpenSSH public key line with the pair's comment,
	// without a trailing newline.
	AuthorizedKey string
	// AuthorizedKeyNoComment is the OpenSSH public key line without a comment
	// or a trailing newline.
	AuthorizedKeyNoComment string
	// RFC4716 is the same public key as an RFC 4716 block with a Comment
	// header, ending with a newline.
	RFC4716 string
	// PKIXPEM is the public key as a PEM "PUBLIC KEY" block.
	PKIXPEM string
	// OpenSSHPrivate is the unencrypted private key in OpenSSH format, ending
	// with a newline.
	OpenSSHPrivate string
	// PKCS8Private is the unencrypted private key as a PKCS#8 "PRIVATE KEY"
	// PEM block.
	PKCS8Private string

	private ed25519.PrivateKey
	comment string
}

// EncryptedPrivate is the private key in OpenSSH format, encrypted with
// Passphrase. It is written when asked for, not at initialisation: its key
// derivation (bcrypt, as OpenSSH's) takes over a tenth of a second, and
// every program that imports the package (the benchmark's wrapper of the
// provider, started by Terraform several times a run) would pay it.
func (p Pair) EncryptedPrivate() string {
	return string(pem.EncodeToMemory(must(ssh.MarshalPrivateKeyWithPassphrase(p.private, p.comment, []byte(Passphrase)))))
}

// Four distinct key pairs, so that tests can tell a key from its
// replacement (CI and Rotated) and from unrelated keys (Other and Another).
var (
	CI      = New(1, "ci@example")
	Rotated = New(2, "rotated@example")
	Other   = New(3, "other@example")
	Another = New(4, "another@example")
)

// New builds the ed25519 key pair whose 32-byte seed is seedByte repeated,
// with comment in the forms that carry one. Equal arguments give the same
// key, and different seed bytes give different keys.
//
// It panics if a form cannot be written, which cannot happen for an ed25519
// key; fixtures are built at initialisation, where there is no error to
// return to.
func New(seedByte byte, comment string) Pair {
	private := ed25519.NewKeyFromSeed(bytes.Repeat([]byte{seedByte}, ed25519.SeedSize))
	public, ok := private.Public().(ed25519.PublicKey)
	if !ok {
		panic("testkeys: an ed25519 private key has no ed25519 public key")
	}
	sshPublic := must(ssh.NewPublicKey(public))
	noComment := strings.TrimSuffix(string(ssh.MarshalAuthorizedKey(sshPublic)), "\n")
	return Pair{
		AuthorizedKey:          noComment + " " + comment,
		AuthorizedKeyNoComment: noComment,
		RFC4716:                rfc4716(sshPublic, comment),
		PKIXPEM:                encodePEM("PUBLIC KEY", must(x509.MarshalPKIXPublicKey(public))),
		OpenSSHPrivate:         string(pem.EncodeToMemory(must(ssh.MarshalPrivateKey(private, comment)))),
		PKCS8Private:           encodePEM("PRIVATE KEY", must(x509.MarshalPKCS8PrivateKey(private))),
		private:                private,
		comment:                comment,
	}
}

// rfc4716LineLength is how long ssh-keygen makes the base64 lines of an
// RFC 4716 block; RFC 4716 allows at most 72 bytes.
const rfc4716LineLength = 70

// rfc4716 writes key as ssh-keygen -e does: a quoted Comment header, then the
// base64 key data in lines of rfc4716LineLength.
func rfc4716(key ssh.PublicKey, comment string) string {
	var b strings.Builder
	b.WriteString("---- BEGIN SSH2 PUBLIC KEY ----\n")
	b.WriteString("Comment: \"" + comment + "\"\n")
	data := base64.StdEncoding.EncodeToString(key.Marshal())
	for len(data) > rfc4716LineLength {
		b.WriteString(data[:rfc4716LineLength] + "\n")
		data = data[rfc4716LineLength:]
	}
	b.WriteString(data + "\n")
	b.WriteString("---- END SSH2 PUBLIC KEY ----\n")
	return b.String()
}

// encodePEM writes der as one PEM block labelled label.
func encodePEM(label string, der []byte) string {
	return string(pem.EncodeToMemory(&pem.Block{Type: label, Bytes: der}))
}

// must returns v, and panics on err because a fixture that cannot be built
// leaves every test that uses it meaningless.
func must[T any](v T, err error) T {
	if err != nil {
		panic("testkeys: " + err.Error())
	}
	return v
}
