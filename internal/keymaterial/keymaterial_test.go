package keymaterial_test

import (
	"crypto"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/rsa"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/base64"
	"encoding/pem"
	"errors"
	"math/big"
	"strings"
	"sync"
	"testing"
	"time"

	"golang.org/x/crypto/ssh"

	"github.com/kpsops/terraform-provider-kps/internal/dev/testkeys"
	"github.com/kpsops/terraform-provider-kps/internal/keymaterial"
)

var (
	ci    = testkeys.CI
	other = testkeys.Other
)

// extraKeys holds keys of types testkeys does not provide, generated once
// because RSA generation is slow.
type extraKeys struct {
	rsaPKCS1, rsaAuthorized, rsaPKIX string
	ecSEC1, ecAuthorized             string
	legacyEncrypted                  string
	ciCert, otherCert, ciSSHCert     string
}

var extra = sync.OnceValue(func() extraKeys {
	rsaKey, err := rsa.GenerateKey(rand.Reader, 2048)
	if err != nil {
		panic(err)
	}
	ecKey, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		panic(err)
	}
	ecDER, err := x509.MarshalECPrivateKey(ecKey)
	if err != nil {
		panic(err)
	}
	rsaPKCS1DER := x509.MarshalPKCS1PrivateKey(rsaKey)
	//nolint:staticcheck // Legacy encrypted PEM is deprecated, which is why users still have old keys in it.
	legacy, err := x509.EncryptPEMBlock(rand.Reader, "RSA PRIVATE KEY", rsaPKCS1DER, []byte("secret"), x509.PEMCipherAES256)
	if err != nil {
		panic(err)
	}
	return extraKeys{
		rsaPKCS1:        encodePEM("RSA PRIVATE KEY", rsaPKCS1DER),
		rsaAuthorized:   authorizedKey(rsaKey.Public()),
		rsaPKIX:         pkixPEM(rsaKey.Public()),
		ecSEC1:          encodePEM("EC PRIVATE KEY", ecDER),
		ecAuthorized:    authorizedKey(ecKey.Public()),
		legacyEncrypted: string(pem.EncodeToMemory(legacy)),
		ciCert:          certificate(ci.PKCS8Private),
		otherCert:       certificate(other.PKCS8Private),
		ciSSHCert:       sshCertificate(ci.PKCS8Private),
	}
})

func encodePEM(label string, der []byte) string {
	return string(pem.EncodeToMemory(&pem.Block{Type: label, Bytes: der}))
}

func authorizedKey(public crypto.PublicKey) string {
	key, err := ssh.NewPublicKey(public)
	if err != nil {
		panic(err)
	}
	return string(ssh.MarshalAuthorizedKey(key))
}

func pkixPEM(public crypto.PublicKey) string {
	der, err := x509.MarshalPKIXPublicKey(public)
	if err != nil {
		panic(err)
	}
	return encodePEM("PUBLIC KEY", der)
}

func signer(privatePEM string) crypto.Signer {
	raw, err := ssh.ParseRawPrivateKey([]byte(privatePEM))
	if err != nil {
		panic(err)
	}
	return raw.(crypto.Signer)
}

// certificate returns a self-signed x509 certificate for the key in
// privatePEM, as a PEM "CERTIFICATE" block.
func certificate(privatePEM string) string {
	key := signer(privatePEM)
	template := &x509.Certificate{
		SerialNumber: big.NewInt(1),
		Subject:      pkix.Name{CommonName: "keymaterial test"},
		NotBefore:    time.Unix(0, 0),
		NotAfter:     time.Unix(0, 0).Add(24 * time.Hour),
	}
	der, err := x509.CreateCertificate(rand.Reader, template, template, key.Public(), key)
	if err != nil {
		panic(err)
	}
	return encodePEM("CERTIFICATE", der)
}

// sshCertificate returns an OpenSSH certificate line for the key in
// privatePEM, signed by that key itself.
func sshCertificate(privatePEM string) string {
	key := signer(privatePEM)
	sshSigner, err := ssh.NewSignerFromSigner(key)
	if err != nil {
		panic(err)
	}
	cert := &ssh.Certificate{Key: sshSigner.PublicKey(), CertType: ssh.UserCert, ValidBefore: ssh.CertTimeInfinity}
	if err := cert.SignCert(rand.Reader, sshSigner); err != nil {
		panic(err)
	}
	return string(ssh.MarshalAuthorizedKey(cert))
}

// rfc4716Continued is CI's public key as an RFC 4716 block whose Comment
// header continues onto a line without a colon, and with a second header.
func rfc4716Continued() string {
	parsed, _, _, _, err := ssh.ParseAuthorizedKey([]byte(ci.AuthorizedKey))
	if err != nil {
		panic(err)
	}
	data := base64.StdEncoding.EncodeToString(parsed.Marshal())
	return "---- BEGIN SSH2 PUBLIC KEY ----\r\n" +
		"Comment: \"a comment long enough that it goes on \\\r\n" +
		"onto a second line\"\r\n" +
		"x-Private-Note: kept by the tests\r\n" +
		data[:40] + "\r\n" + data[40:] + "\r\n" +
		"---- END SSH2 PUBLIC KEY ----\r\n"
}

// assertNoKeyText fails when err quotes a line or a long word of text, since
// errors may end up in plans and logs where key text must not.
func assertNoKeyText(t *testing.T, err error, text string) {
	t.Helper()
	if err == nil {
		return
	}
	message := err.Error()
	for _, line := range strings.Split(text, "\n") {
		line = strings.TrimSpace(line)
		if line != "" && strings.Contains(message, line) {
			t.Errorf("error %q quotes a line of the key", message)
		}
	}
	for _, word := range strings.Fields(text) {
		if len(word) >= 12 && strings.Contains(message, word) {
			t.Errorf("error %q quotes part of the key", message)
		}
	}
}

func TestSameKey(t *testing.T) {
	e := extra()
	tests := []struct {
		name string
		a, b string
		want bool
	}{
		{"comment ignored", ci.AuthorizedKey, ci.AuthorizedKeyNoComment, true},
		{"different comment", ci.AuthorizedKey, ci.AuthorizedKeyNoComment + " someone@else", true},
		{"trailing newline", ci.AuthorizedKey + "\n", ci.AuthorizedKey, true},
		{"CRLF", ci.AuthorizedKey + "\r\n", ci.AuthorizedKey, true},
		{"surrounding white space", "  \n\t" + ci.AuthorizedKey + " \n\n", ci.AuthorizedKey, true},
		{"tabs between fields", strings.ReplaceAll(ci.AuthorizedKey, " ", "\t"), ci.AuthorizedKey, true},
		{"options prefix", `from="10.0.0.1",no-pty ` + ci.AuthorizedKey, ci.AuthorizedKeyNoComment, true},
		{"RFC 4716 equals its OpenSSH line", ci.RFC4716, ci.AuthorizedKey, true},
		{"RFC 4716 with continued Comment header", rfc4716Continued(), ci.AuthorizedKey, true},
		{"RFC 4716 trimmed", ci.RFC4716, strings.TrimSpace(ci.RFC4716), true},
		{"RSA key and its line", e.rsaAuthorized, strings.TrimSpace(e.rsaAuthorized) + " comment", true},
		{"different ed25519 keys", ci.AuthorizedKey, other.AuthorizedKey, false},
		{"different ed25519 keys with equal comments", ci.AuthorizedKeyNoComment + " x", other.AuthorizedKeyNoComment + " x", false},
		{"RFC 4716 and a different OpenSSH key", ci.RFC4716, other.AuthorizedKey, false},
		{"same PEM public key", ci.PKIXPEM, strings.TrimSpace(ci.PKIXPEM), true},
		{"different PEM public keys sharing -----BEGIN PUBLIC", ci.PKIXPEM, other.PKIXPEM, false},
		{"different certificates", e.ciCert, e.otherCert, false},
		{"PEM and OpenSSH forms are not compared", ci.PKIXPEM, ci.AuthorizedKey, false},
		{"two OpenSSH lines are not one key", ci.AuthorizedKey + "\n" + other.AuthorizedKey, ci.AuthorizedKey, false},
		{"unparseable text equals itself", "not a key", "not a key", true},
		{"unparseable text only as exactly the same text", "not a key", "not a key\n", false},
		{"empty equals empty", "", "", true},
		{"a parsed key never equals unparseable text", ci.AuthorizedKey, "not a key", false},
		{"a parsed key never equals empty text", ci.AuthorizedKey, "", false},
		{"a line naming the wrong key type is unparseable", "ssh-rsa " + strings.Fields(ci.AuthorizedKey)[1], ci.AuthorizedKey, false},
		{"a broken RFC 4716 block is unparseable", "---- BEGIN SSH2 PUBLIC KEY ----\nAAAA", ci.AuthorizedKey, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := keymaterial.SameKey(tt.a, tt.b); got != tt.want {
				t.Errorf("SameKey(a, b) = %v, want %v", got, tt.want)
			}
			if got := keymaterial.SameKey(tt.b, tt.a); got != tt.want {
				t.Errorf("SameKey(b, a) = %v, want %v", got, tt.want)
			}
		})
	}
}

func TestIsPrivateKey(t *testing.T) {
	e := extra()
	tests := []struct {
		name string
		text string
		want bool
	}{
		{"OpenSSH", ci.OpenSSHPrivate, true},
		{"encrypted OpenSSH", ci.EncryptedPrivate(), true},
		{"PKCS#8", ci.PKCS8Private, true},
		{"RSA PKCS#1", e.rsaPKCS1, true},
		{"EC SEC1", e.ecSEC1, true},
		{"legacy encrypted PEM", e.legacyEncrypted, true},
		{"encrypted PKCS#8 label", encodePEM("ENCRYPTED PRIVATE KEY", []byte("opaque")), true},
		{"leading spaces", "    " + ci.OpenSSHPrivate, true},
		{"every line indented", "  " + strings.ReplaceAll(ci.PKCS8Private, "\n", "\n  "), true},
		{"surrounding text", "my key is\n" + e.rsaPKCS1 + "\nthanks", true},
		{"after a public key", ci.PKIXPEM + ci.PKCS8Private, true},
		{"truncated", ci.OpenSSHPrivate[:60], true},
		{"PuTTY key file", "PuTTY-User-Key-File-3: ssh-ed25519\nEncryption: none\n", true},
		{"SSH2 (ssh.com) private key", "---- BEGIN SSH2 ENCRYPTED PRIVATE KEY ----\nComment: \"k\"\nP2/56wAAAi4AAAA3aWYtbW9kbg==\n---- END SSH2 ENCRYPTED PRIVATE KEY ----\n", true},
		{"OpenSSH public line", ci.AuthorizedKey, false},
		{"RFC 4716", ci.RFC4716, false},
		{"PEM public key", ci.PKIXPEM, false},
		{"certificate", e.ciCert, false},
		{"empty", "", false},
		{"the words without a BEGIN line", "keep the PRIVATE KEY safe", false},
		{"a label across lines", "-----BEGIN PUBLIC\nPRIVATE KEY-----", false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := keymaterial.IsPrivateKey(tt.text); got != tt.want {
				t.Errorf("IsPrivateKey = %v, want %v", got, tt.want)
			}
		})
	}
}

func TestCheckPublicKey(t *testing.T) {
	e := extra()
	tests := []struct {
		name     string
		text     string
		keyType  string
		wantErr  bool
		mentions []string // Words the error must contain.
	}{
		{"OpenSSH line for ssh", ci.AuthorizedKey, "ssh", false, nil},
		{"OpenSSH line with options for ssh", `no-pty,command="echo hi there" ` + ci.AuthorizedKey, "ssh", false, nil},
		{"OpenSSH RSA line for ssh", e.rsaAuthorized, "ssh", false, nil},
		{"OpenSSH ECDSA line for ssh", e.ecAuthorized, "ssh", false, nil},
		{"RFC 4716 for ssh", ci.RFC4716, "ssh", false, nil},
		{"RFC 4716 with continued header for ssh", rfc4716Continued(), "ssh", false, nil},
		{"PEM public key for x509", ci.PKIXPEM, "x509", false, nil},
		{"certificate for x509", e.ciCert, "x509", false, nil},
		{"OpenSSH line for any type", ci.AuthorizedKey, "", false, nil},
		{"PEM for any type", ci.PKIXPEM, "other", false, nil},

		{"empty", "", "ssh", true, []string{"empty"}},
		{"white space only", " \n\t", "x509", true, []string{"empty"}},
		{"not base64", "ssh-rsa not-base64", "ssh", true, []string{"base64"}},
		{"unknown key type", "ssh-foo AAAA", "ssh", true, []string{"key type"}},
		{"key type only", "ssh-ed25519", "ssh", true, []string{"no key data"}},
		{"key data of another type", "ssh-rsa " + strings.Fields(ci.AuthorizedKey)[1], "ssh", true, []string{"key type"}},
		{"two lines", ci.AuthorizedKey + "\n" + other.AuthorizedKey, "ssh", true, []string{"single line"}},
		{"RFC 4716 without END", strings.TrimSuffix(ci.RFC4716, "---- END SSH2 PUBLIC KEY ----\n"), "ssh", true, []string{"END"}},
		{"OpenSSH private key for ssh", ci.OpenSSHPrivate, "ssh", true, []string{"private key"}},
		{"PKCS#8 private key for x509", ci.PKCS8Private, "x509", true, []string{"private key"}},
		{"RSA private key for any type", e.rsaPKCS1, "", true, []string{"private key"}},
		{"PEM public key for ssh", ci.PKIXPEM, "ssh", true, []string{"ssh key pair", "OpenSSH", "RFC 4716"}},
		{"certificate for ssh", e.ciCert, "ssh", true, []string{"ssh key pair"}},
		{"OpenSSH line for x509", ci.AuthorizedKey, "x509", true, []string{"x509", "PEM"}},
		{"RFC 4716 for x509", ci.RFC4716, "x509", true, []string{"x509", "PEM"}},
		{"garbage for x509", "hello", "x509", true, []string{"PEM"}},
		{"garbage for any type", "hello world", "", true, []string{"neither"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := keymaterial.CheckPublicKey(tt.text, tt.keyType)
			if (err != nil) != tt.wantErr {
				t.Fatalf("CheckPublicKey = %v, want error %v", err, tt.wantErr)
			}
			assertNoKeyText(t, err, tt.text)
			for _, word := range tt.mentions {
				if !strings.Contains(err.Error(), word) {
					t.Errorf("error %q does not mention %q", err, word)
				}
			}
		})
	}
}

func TestCheckPrivateKey(t *testing.T) {
	e := extra()
	tests := []struct {
		name          string
		text          string
		wantErr       bool
		wantEncrypted bool
	}{
		{"OpenSSH", ci.OpenSSHPrivate, false, false},
		{"OpenSSH with leading white space", "\n   " + ci.OpenSSHPrivate, false, false},
		{"PKCS#8", ci.PKCS8Private, false, false},
		{"RSA PKCS#1", e.rsaPKCS1, false, false},
		{"EC SEC1", e.ecSEC1, false, false},
		{"encrypted OpenSSH", ci.EncryptedPrivate(), true, true},
		{"legacy encrypted PEM", e.legacyEncrypted, true, true},
		{"encrypted PKCS#8", encodePEM("ENCRYPTED PRIVATE KEY", []byte("opaque")), true, true},
		{"garbage", "this is not a key", true, false},
		{"empty", "", true, false},
		{"damaged PKCS#8", encodePEM("PRIVATE KEY", []byte("not DER at all")), true, false},
		{"unknown private label", encodePEM("FOO PRIVATE KEY", []byte("opaque")), true, false},
		{"public key", ci.PKIXPEM, true, false},
		{"OpenSSH public line", ci.AuthorizedKey, true, false},
		{"PuTTY key file", "PuTTY-User-Key-File-3: ssh-ed25519\nEncryption: none\n", true, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := keymaterial.CheckPrivateKey(tt.text)
			if (err != nil) != tt.wantErr {
				t.Fatalf("CheckPrivateKey = %v, want error %v", err, tt.wantErr)
			}
			if got := errors.Is(err, keymaterial.ErrEncrypted); got != tt.wantEncrypted {
				t.Errorf("errors.Is(%v, ErrEncrypted) = %v, want %v", err, got, tt.wantEncrypted)
			}
			assertNoKeyText(t, err, tt.text)
		})
	}
}

func TestMatches(t *testing.T) {
	e := extra()
	tests := []struct {
		name        string
		private     string
		public      string
		wantMatches bool
		wantKnown   bool
	}{
		{"OpenSSH private and its line", ci.OpenSSHPrivate, ci.AuthorizedKey, true, true},
		{"OpenSSH private and its RFC 4716", ci.OpenSSHPrivate, rfc4716Continued(), true, true},
		{"OpenSSH private and its PEM public key", ci.OpenSSHPrivate, ci.PKIXPEM, true, true},
		{"OpenSSH private and its certificate", ci.OpenSSHPrivate, e.ciCert, true, true},
		{"PKCS#8 private and its line", ci.PKCS8Private, ci.AuthorizedKeyNoComment, true, true},
		{"RSA private and its line", e.rsaPKCS1, e.rsaAuthorized, true, true},
		{"RSA private and its PEM public key", e.rsaPKCS1, e.rsaPKIX, true, true},
		{"EC private and its line", e.ecSEC1, e.ecAuthorized, true, true},
		{"another line", ci.OpenSSHPrivate, other.AuthorizedKey, false, true},
		{"another RFC 4716", ci.OpenSSHPrivate, other.RFC4716, false, true},
		{"another PEM public key", ci.OpenSSHPrivate, other.PKIXPEM, false, true},
		{"another certificate", ci.OpenSSHPrivate, e.otherCert, false, true},
		{"another key type", ci.OpenSSHPrivate, e.rsaAuthorized, false, true},
		{"encrypted private", ci.EncryptedPrivate(), ci.AuthorizedKey, false, false},
		{"garbage private", "not a key", ci.AuthorizedKey, false, false},
		{"garbage public", ci.OpenSSHPrivate, "not a key", false, false},
		{"PKCS#1 public key label", e.rsaPKCS1, encodePEM("RSA PUBLIC KEY", []byte("opaque")), false, false},
		{"damaged PEM public key", ci.OpenSSHPrivate, encodePEM("PUBLIC KEY", []byte("opaque")), false, false},
		{"damaged certificate", ci.OpenSSHPrivate, encodePEM("CERTIFICATE", []byte("opaque")), false, false},
		{"SSH certificate", ci.OpenSSHPrivate, e.ciSSHCert, false, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			matches, known := keymaterial.Matches(tt.private, tt.public)
			if matches != tt.wantMatches || known != tt.wantKnown {
				t.Errorf("Matches = %v, %v; want %v, %v", matches, known, tt.wantMatches, tt.wantKnown)
			}
		})
	}
}

// FuzzSameKey checks that no function panics on any input, and that SameKey
// is reflexive and symmetric.
func FuzzSameKey(f *testing.F) {
	f.Add(ci.AuthorizedKey, ci.RFC4716)
	f.Add(ci.PKIXPEM, other.PKIXPEM)
	f.Add(rfc4716Continued(), ci.AuthorizedKeyNoComment)
	f.Add(ci.OpenSSHPrivate, ci.AuthorizedKey)
	f.Add(ci.PKCS8Private, ci.PKIXPEM)
	f.Add("---- BEGIN SSH2 PUBLIC KEY ----\nComment: x\\\n", "-----BEGIN PRIVATE KEY-----")
	f.Add("", "")
	f.Fuzz(func(t *testing.T, a, b string) {
		if !keymaterial.SameKey(a, a) {
			t.Error("SameKey(a, a) = false")
		}
		if keymaterial.SameKey(a, b) != keymaterial.SameKey(b, a) {
			t.Error("SameKey is not symmetric")
		}
		keymaterial.IsPrivateKey(a)
		for _, keyType := range []string{"ssh", "x509", ""} {
			_ = keymaterial.CheckPublicKey(a, keyType)
		}
		_ = keymaterial.CheckPrivateKey(a)
		if matches, known := keymaterial.Matches(a, b); matches && !known {
			t.Error("Matches = true, false")
		}
	})
}
