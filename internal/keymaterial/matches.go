package keymaterial

import (
	"bytes"
	"crypto"
	"crypto/x509"
	"encoding/pem"
	"strings"

	"golang.org/x/crypto/ssh"
)

// Matches reports whether privateKey's public key is publicKey. known is
// false when it cannot tell (either does not parse, or publicKey is in a form
// it cannot compare); then matches is false too.
func Matches(privateKey, publicKey string) (matches, known bool) {
	derived, ok := publicOfPrivateKey(privateKey)
	if !ok {
		return false, false
	}
	parsed, ok := parsePublicKey(publicKey)
	if !ok {
		return false, false
	}
	if parsed.form == formSSH {
		return matchSSH(parsed.ssh, derived)
	}
	return matchPEM(parsed.block, derived)
}

// publicOfPrivateKey returns the public half of an unencrypted private key.
// ssh.ParseRawPrivateKey returns values for some key types and pointers for
// others (*ed25519.PrivateKey from OpenSSH files), so the public key is taken
// through the Public method both share rather than by type.
func publicOfPrivateKey(text string) (crypto.PublicKey, bool) {
	raw, err := ssh.ParseRawPrivateKey([]byte(strings.TrimSpace(text)))
	if err != nil {
		return nil, false
	}
	private, ok := raw.(interface{ Public() crypto.PublicKey })
	if !ok {
		return nil, false
	}
	return private.Public(), true
}

// matchSSH compares an SSH public key with a derived public key in the SSH
// wire encoding. An SSH certificate is reported as unknown: it is not the
// same key as the bare key it certifies (SameKey says so too), yet it is no
// evidence of a mismatch either.
func matchSSH(key ssh.PublicKey, derived crypto.PublicKey) (matches, known bool) {
	if _, isCert := key.(*ssh.Certificate); isCert {
		return false, false
	}
	derivedSSH, err := ssh.NewPublicKey(derived)
	if err != nil {
		return false, false
	}
	return bytes.Equal(derivedSSH.Marshal(), key.Marshal()), true
}

// matchPEM compares a PEM "PUBLIC KEY" or "CERTIFICATE" with a derived public
// key in PKIX DER encoding. Other labels, and blocks whose bytes do not read
// as their label says, are reported as unknown.
func matchPEM(block *pem.Block, derived crypto.PublicKey) (matches, known bool) {
	switch block.Type {
	case "PUBLIC KEY":
		if _, err := x509.ParsePKIXPublicKey(block.Bytes); err != nil {
			return false, false
		}
		return matchPKIX(block.Bytes, derived)
	case "CERTIFICATE":
		cert, err := x509.ParseCertificate(block.Bytes)
		if err != nil {
			return false, false
		}
		return matchPKIX(cert.RawSubjectPublicKeyInfo, derived)
	default:
		return false, false
	}
}

// matchPKIX compares PKIX DER bytes with the PKIX encoding of derived.
func matchPKIX(der []byte, derived crypto.PublicKey) (matches, known bool) {
	derivedDER, err := x509.MarshalPKIXPublicKey(derived)
	if err != nil {
		return false, false
	}
	return bytes.Equal(derivedDER, der), true
}
