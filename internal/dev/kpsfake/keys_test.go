package kpsfake

import (
	"bytes"
	"crypto/md5" //nolint:gosec // OpenSSH's legacy fingerprint, as the stand-in's
	"encoding/pem"
	"fmt"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"golang.org/x/crypto/ssh"

	"github.com/kpsops/terraform-provider-kps/internal/dev/testkeys"
)

// acceptedBySSH checks that publicKey is an OpenSSH public key line that
// ssh-keygen accepts, and returns the MD5 fingerprint ssh-keygen gives it.
// Without ssh-keygen on PATH, golang.org/x/crypto/ssh parses it instead.
func acceptedBySSH(t *testing.T, publicKey string) (md5Fingerprint string) {
	t.Helper()
	pub, _, _, rest, err := ssh.ParseAuthorizedKey([]byte(publicKey))
	if err != nil || len(bytes.TrimSpace(rest)) != 0 {
		t.Fatalf("%q is not one OpenSSH public key: %v", publicKey, err)
	}
	keygen, err := exec.LookPath("ssh-keygen")
	if err != nil {
		t.Logf("no ssh-keygen on PATH: the key parsed with golang.org/x/crypto/ssh")
		return ssh.FingerprintLegacyMD5(pub)
	}
	file := filepath.Join(t.TempDir(), "key.pub")
	if err := os.WriteFile(file, []byte(publicKey+"\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	out, err := exec.CommandContext(t.Context(), keygen, "-l", "-E", "md5", "-f", file).CombinedOutput() //nolint:gosec // ssh-keygen from PATH, on a file of the test's
	if err != nil {
		t.Fatalf("ssh-keygen -l refuses %q: %v\n%s", publicKey, err, out)
	}
	// "256 MD5:5c:9b:... comment (ED25519)"
	fields := strings.Fields(string(out))
	if len(fields) < 2 || !strings.HasPrefix(fields[1], "MD5:") {
		t.Fatalf("ssh-keygen -l -E md5 said %q", out)
	}
	return strings.TrimPrefix(fields[1], "MD5:")
}

// TestGeneratedKeyPairIsReal: a create without a public key answers a
// real ed25519 pair: a public key line ssh-keygen accepts, commented with
// the name, whose MD5 fingerprint is the one answered; and the private
// key, OpenSSH PEM, of that very public key, which the stand-in hosts and
// PrivateKeyOf gives, the same text every time.
func TestGeneratedKeyPairIsReal(t *testing.T) {
	s := New("tok")
	s.AddProject("p")
	code, out := keypairRequest(t, s, http.MethodPost, "/v3/p/keypairs",
		`{"keypair":{"name":"ops","key_protection":{"encryption":{"type":"default"}}}}`)
	created, _ := out["keypair"].(map[string]any)
	if code != http.StatusOK || created == nil {
		t.Fatalf("create: %d %v", code, out)
	}
	publicKey, _ := created["public_key"].(string)
	privateKey, _ := created["private_key"].(string)

	if fp := acceptedBySSH(t, publicKey); created["fingerprint"] != fp {
		t.Fatalf("fingerprint %v, ssh-keygen says %s", created["fingerprint"], fp)
	}
	pub, comment, _, _, _ := ssh.ParseAuthorizedKey([]byte(publicKey))
	if pub.Type() != ssh.KeyAlgoED25519 || comment != "ops" {
		t.Fatalf("public key %q: type %s, comment %q; want ed25519, commented ops", publicKey, pub.Type(), comment)
	}
	signer, err := ssh.ParsePrivateKey([]byte(privateKey))
	if err != nil || !strings.HasPrefix(privateKey, "-----BEGIN OPENSSH PRIVATE KEY-----\n") {
		t.Fatalf("private key is not OpenSSH PEM: %v", err)
	}
	if !bytes.Equal(signer.PublicKey().Marshal(), pub.Marshal()) {
		t.Fatal("the private key answered is not the public key's")
	}
	if kp, _ := s.KeypairOf("p", "ops"); kp.PrivateKey != privateKey || PrivateKeyOf("ops") != privateKey {
		t.Fatal("the key hosted, or PrivateKeyOf, is not the key answered")
	}
	if PrivateKeyOf("ops") == PrivateKeyOf("ops2") || generatedPublicKey("ops") == generatedPublicKey("ops2") {
		t.Fatal("two names have the same key")
	}
}

// TestAddedKeypairsHaveTheirKeysPublicKey: a key pair added without a
// public key shows the public key of the private key KPS hosts for it: the
// stand-in's own for the name when none is given, or the one given when it
// parses; one given that does not parse still gets a key ssh-keygen takes.
func TestAddedKeypairsHaveTheirKeysPublicKey(t *testing.T) {
	s := New("tok")
	s.AddKeypair("p", "generated", Keypair{Hosted: true})
	s.AddKeypair("p", "given", Keypair{Hosted: true, PrivateKey: testkeys.CI.OpenSSHPrivate})
	s.AddKeypair("p", "placeholder", Keypair{Hosted: true, PrivateKey: "not a key"})
	s.AddKeypair("p", "unhosted", Keypair{})
	for name, wantKey := range map[string]string{
		"generated": PrivateKeyOf("generated"), "given": testkeys.CI.OpenSSHPrivate, "placeholder": PrivateKeyOf("placeholder"),
		"unhosted": PrivateKeyOf("unhosted"),
	} {
		kp, _ := s.KeypairOf("p", name)
		acceptedBySSH(t, kp.PublicKey)
		signer, err := ssh.ParsePrivateKey([]byte(wantKey))
		if err != nil {
			t.Fatal(err)
		}
		pub, comment, _, _, _ := ssh.ParseAuthorizedKey([]byte(kp.PublicKey))
		if !bytes.Equal(signer.PublicKey().Marshal(), pub.Marshal()) || comment != name {
			t.Errorf("%s: public key %q is not that of the key it stands for, commented with its name", name, kp.PublicKey)
		}
	}
	if kp, _ := s.KeypairOf("p", "generated"); kp.PrivateKey != PrivateKeyOf("generated") {
		t.Error("a generated, hosted key pair hosts no private key")
	}
	if kp, _ := s.KeypairOf("p", "unhosted"); kp.PrivateKey != "" || kp.Hosted {
		t.Error("a key pair added unhosted hosts a key")
	}
}

// TestFingerprintForms: an SSH public key's fingerprint is OpenSSH's MD5
// of its blob, as ssh-keygen -E md5 shows it; an x509 key pair's is the MD5
// of its DER bytes, and text that is neither is fingerprinted as it is;
// all in colon-separated hex.
func TestFingerprintForms(t *testing.T) {
	if got, want := fingerprintOf(testkeys.CI.AuthorizedKey), acceptedBySSH(t, testkeys.CI.AuthorizedKey); got != want {
		t.Errorf("SSH key: %s, ssh-keygen says %s", got, want)
	}
	block, _ := pem.Decode([]byte(testkeys.CI.PKIXPEM))
	if got, want := fingerprintOf(testkeys.CI.PKIXPEM), colonHexOf(md5.Sum(block.Bytes)); got != want { //nolint:gosec // as above
		t.Errorf("PEM: %s, want the MD5 of its DER bytes, %s", got, want)
	}
	if got, want := fingerprintOf("ssh-ed25519 AAAA x"), colonHexOf(md5.Sum([]byte("ssh-ed25519 AAAA x"))); got != want { //nolint:gosec // as above
		t.Errorf("text: %s, want the MD5 of the text, %s", got, want)
	}
}

// colonHexOf writes an MD5 sum as OpenSSH does, independently of colonHex.
func colonHexOf(sum [md5.Size]byte) string {
	parts := make([]string, len(sum))
	for i, b := range sum {
		parts[i] = fmt.Sprintf("%02x", b)
	}
	return strings.Join(parts, ":")
}
