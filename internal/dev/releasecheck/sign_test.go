package main

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/ProtonMail/go-crypto/openpgp"
	"github.com/ProtonMail/go-crypto/openpgp/armor"
)

// TestVerifySignature: a good signature verifies and names its key; sums
// changed after signing, or a signature by another key, do not.
func TestVerifySignature(t *testing.T) {
	dir := t.TempDir()
	signer, err := openpgp.NewEntity("release check", "", "check@kpsops.invalid", nil)
	if err != nil {
		t.Fatal(err)
	}
	other, err := openpgp.NewEntity("someone else", "", "else@kpsops.invalid", nil)
	if err != nil {
		t.Fatal(err)
	}
	keyFile := filepath.Join(dir, "key.asc")
	writePublicKey(t, keyFile, signer)
	sums := filepath.Join(dir, "SHA256SUMS")
	write(t, sums, "abc123  terraform-provider-kps_1.0.0_linux_amd64.zip\n")
	sign := func(name string, by *openpgp.Entity) string {
		var sig strings.Builder
		f, err := os.Open(sums)
		if err != nil {
			t.Fatal(err)
		}
		defer f.Close()
		if err := openpgp.DetachSign(&sig, by, f, nil); err != nil {
			t.Fatal(err)
		}
		path := filepath.Join(dir, name)
		write(t, path, sig.String())
		return path
	}
	good, forged := sign("good.sig", signer), sign("forged.sig", other)

	fingerprint, err := verifySignature(keyFile, sums, good)
	if want := fmt.Sprintf("%X", signer.PrimaryKey.Fingerprint); err != nil || fingerprint != want {
		t.Fatalf("a good signature: %q, %v", fingerprint, err)
	}
	if _, err := verifySignature(keyFile, sums, forged); err == nil {
		t.Fatal("a signature by another key verified")
	}
	write(t, sums, "abc123  terraform-provider-kps_1.0.0_linux_amd64.zip\nfff  terraform-provider-kps_1.0.0_SHA256SUMS.sig\n")
	if _, err := verifySignature(keyFile, sums, good); err == nil || !strings.Contains(err.Error(), "does not verify") {
		t.Fatalf("sums changed after signing: %v", err)
	}
}

func writePublicKey(t *testing.T, path string, e *openpgp.Entity) {
	t.Helper()
	var b strings.Builder
	w, err := armor.Encode(&b, openpgp.PublicKeyType, nil)
	if err != nil {
		t.Fatal(err)
	}
	if err := e.Serialize(w); err != nil {
		t.Fatal(err)
	}
	_ = w.Close()
	write(t, path, b.String())
}

func write(t *testing.T, path, content string) {
	t.Helper()
	if err := os.WriteFile(path, []byte(content), 0o600); err != nil {
		t.Fatal(err)
	}
}
