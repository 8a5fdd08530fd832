package keymaterial

import (
	"encoding/pem"
	"errors"
	"fmt"
	"strings"

	"golang.org/x/crypto/ssh"
)

// Markers that identify private key text.
const (
	pemBegin    = "-----BEGIN "
	pemDashes   = "-----"
	puttyMarker = "PuTTY-User-Key-File-"
)

// ErrEncrypted is returned (wrapped or as is; callers use errors.Is) for a
// passphrase-protected private key.
var ErrEncrypted = errors.New("the private key is protected by a passphrase; the provider needs it without one")

// The errors of public and private key checks say what is wrong without
// repeating the key.
var (
	errPublicEmpty     = errors.New("the public key is empty")
	errPublicIsPrivate = errors.New("the text is a private key, not a public key; give the public half of the key pair, and keep the private key secret")
	errSSHGotPEM       = errors.New("an ssh key pair needs an OpenSSH public key line (such as \"ssh-ed25519 AAAA... comment\") or an RFC 4716 public key, not a PEM block")
	errX509GotSSH      = errors.New("an x509 key pair needs a PEM public key or certificate (\"-----BEGIN PUBLIC KEY-----\"), not an SSH public key")
	errX509NoPEM       = errors.New("an x509 key pair needs a PEM public key or certificate (\"-----BEGIN PUBLIC KEY-----\"), and the text holds no complete PEM block")

	errPrivateEmpty      = errors.New("the private key is empty")
	errPrivatePuTTY      = errors.New("the private key is a PuTTY key file, which the provider does not read; export it in OpenSSH format with PuTTYgen")
	errPrivateNoPEM      = errors.New("the private key holds no complete PEM block (\"-----BEGIN ... PRIVATE KEY-----\")")
	errPrivateNotPrivate = errors.New("the PEM block is not a private key")
	errPrivateUnreadable = errors.New("the private key does not read as an OpenSSH, PKCS#1, PKCS#8 or SEC1 private key")
)

// IsPrivateKey reports whether text holds a private key anywhere: any PEM
// block whose label ends in "PRIVATE KEY" (RSA/EC/OPENSSH/ENCRYPTED PRIVATE
// KEY, PKCS#8 "PRIVATE KEY"), even with surrounding text or leading white
// space, a PuTTY key file ("PuTTY-User-Key-File-"), or an SSH2 (ssh.com)
// private key.
//
// It looks at BEGIN lines only, rather than decoding the blocks, so that an
// indented, truncated or otherwise damaged private key is still caught: a
// false alarm costs the user a clear error, a miss can leak a secret.
func IsPrivateKey(text string) bool {
	return strings.Contains(text, puttyMarker) || strings.Contains(text, ssh2PrivateMarker) || hasPrivatePEMLabel(text)
}

// ssh2PrivateMarker begins a private key in the SSH2 (ssh.com) format, as
// "---- BEGIN SSH2 ENCRYPTED PRIVATE KEY ----": not a format KPS takes, but
// a private key all the same.
const ssh2PrivateMarker = "BEGIN SSH2 ENCRYPTED PRIVATE KEY"

// hasPrivatePEMLabel reports whether any PEM BEGIN line in text has a label
// ending in "PRIVATE KEY".
func hasPrivatePEMLabel(text string) bool {
	rest := text
	for {
		_, after, found := strings.Cut(rest, pemBegin)
		if !found {
			return false
		}
		label, _, closed := strings.Cut(after, pemDashes)
		if closed && !strings.Contains(label, "\n") && strings.HasSuffix(label, "PRIVATE KEY") {
			return true
		}
		rest = after
	}
}

// CheckPublicKey returns nil when text is a public key of keyType: "ssh" — an
// OpenSSH authorized_keys line (ssh.ParseAuthorizedKey) or an RFC 4716 block
// ("---- BEGIN SSH2 PUBLIC KEY ----") whose blob ssh.ParsePublicKey accepts;
// "x509" — text holding at least one PEM block (and no private key). Any
// other keyType: either form is accepted. The error says what is wrong in
// words and never quotes or includes any part of text.
func CheckPublicKey(text, keyType string) error {
	switch {
	case strings.TrimSpace(text) == "":
		return errPublicEmpty
	case IsPrivateKey(text):
		return errPublicIsPrivate
	}
	switch keyType {
	case "ssh":
		return checkSSHPublicKey(text)
	case "x509":
		return checkX509PublicKey(text)
	default:
		return checkAnyPublicKey(text)
	}
}

// checkSSHPublicKey checks text as an RFC 4716 block or an OpenSSH line, and
// names a PEM block as the wrong kind of key rather than as a bad line.
func checkSSHPublicKey(text string) error {
	text = strings.TrimSpace(text)
	if hasRFC4716(text) {
		_, err := parseRFC4716(text)
		return err
	}
	if block, _ := pem.Decode([]byte(text)); block != nil {
		return errSSHGotPEM
	}
	_, err := parseAuthorizedKey(text)
	return err
}

// checkX509PublicKey checks that text holds a PEM block, and names an SSH
// public key as the wrong kind of key rather than as missing PEM.
func checkX509PublicKey(text string) error {
	if block, _ := pem.Decode([]byte(strings.TrimSpace(text))); block != nil {
		return nil
	}
	if checkSSHPublicKey(text) == nil {
		return errX509GotSSH
	}
	return errX509NoPEM
}

// checkAnyPublicKey accepts text in either form. When neither reads, it
// reports why the text is not an SSH key, since that explains the more common
// mistakes in a one-line key.
func checkAnyPublicKey(text string) error {
	sshErr := checkSSHPublicKey(text)
	if sshErr == nil || checkX509PublicKey(text) == nil {
		return nil
	}
	return fmt.Errorf("the public key is neither a PEM block nor an SSH public key: %w", sshErr)
}

// CheckPrivateKey returns nil for an unencrypted private key
// ssh.ParseRawPrivateKey reads (PEM: PKCS#1, PKCS#8, SEC1, OpenSSH),
// ErrEncrypted for a passphrase-protected one (ssh.PassphraseMissingError,
// legacy "Proc-Type: 4,ENCRYPTED" PEM, and the "ENCRYPTED PRIVATE KEY" PKCS#8
// label), and another error for anything else. Errors never quote the key.
func CheckPrivateKey(privateKey string) error {
	text := strings.TrimSpace(privateKey)
	if text == "" {
		return errPrivateEmpty
	}
	if strings.Contains(text, puttyMarker) {
		return errPrivatePuTTY
	}
	block, _ := pem.Decode([]byte(text))
	switch {
	case block == nil:
		return errPrivateNoPEM
	case encryptedPEM(block):
		return ErrEncrypted
	case !strings.HasSuffix(block.Type, "PRIVATE KEY"):
		return errPrivateNotPrivate
	}
	_, err := ssh.ParseRawPrivateKey([]byte(text))
	return privateKeyError(err)
}

// encryptedPEM reports whether block is encrypted in one of the ways PEM
// marks it. ssh.ParseRawPrivateKey knows the Proc-Type header, but calls an
// "ENCRYPTED PRIVATE KEY" block merely unsupported, and the user should hear
// that the passphrase is the problem.
func encryptedPEM(block *pem.Block) bool {
	return block.Type == "ENCRYPTED PRIVATE KEY" || strings.Contains(block.Headers["Proc-Type"], "ENCRYPTED")
}

// privateKeyError turns an error of ssh.ParseRawPrivateKey into one of this
// package's, because the ssh errors may quote parts of the key (its label or
// key type).
func privateKeyError(err error) error {
	var missing *ssh.PassphraseMissingError
	switch {
	case err == nil:
		return nil
	case errors.As(err, &missing):
		return ErrEncrypted
	default:
		return errPrivateUnreadable
	}
}
