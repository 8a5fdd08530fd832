package main

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"

	"github.com/ProtonMail/go-crypto/openpgp"
)

// The release's SHA256SUMS is signed with GPG (.goreleaser.yml). To show that
// the signature a registry would publish verifies, the snapshot is signed
// with a throwaway key made for the run, in a GNUPGHOME of its own that is
// deleted afterwards; the public key is kept beside the build, so that a
// later -skip-build run can verify the same files.

// signingKeyFile is where the throwaway key's public half is kept.
const signingKeyFile = "dist/release-check-signing-key.asc"

// throwawayKey is a GPG key made for one run.
type throwawayKey struct {
	home        string // its GNUPGHOME
	fingerprint string
}

// newThrowawayKey makes a key with no passphrase in a temporary GNUPGHOME.
// gpg is required: CI has it, and without it nothing shows the signature.
func newThrowawayKey(ctx context.Context) (*throwawayKey, error) {
	if _, err := exec.LookPath("gpg"); err != nil {
		return nil, errors.New("gpg is not installed, so the release's signature cannot be checked: install GnuPG " +
			"(apt-get install gnupg); CI has it")
	}
	home, err := os.MkdirTemp("", "kps-release-gpg-")
	if err != nil {
		return nil, err
	}
	k := &throwawayKey{home: home}
	if _, err := k.gpg(ctx, "--passphrase", "", "--quick-gen-key",
		"terraform-provider-kps release check <release-check@kpsops.invalid>", "ed25519", "sign", "1d"); err != nil {
		k.remove(ctx)
		return nil, err
	}
	out, err := k.gpg(ctx, "--with-colons", "--list-secret-keys")
	if err != nil {
		k.remove(ctx)
		return nil, err
	}
	for _, line := range strings.Split(out, "\n") {
		if fields := strings.Split(line, ":"); fields[0] == "fpr" && len(fields) > 9 {
			k.fingerprint = fields[9]
			break
		}
	}
	if k.fingerprint == "" {
		k.remove(ctx)
		return nil, fmt.Errorf("gpg made a key but listed no fingerprint:\n%s", out)
	}
	return k, nil
}

// env is what goreleaser's signs step needs to sign with the key.
func (k *throwawayKey) env() []string {
	return []string{"GNUPGHOME=" + k.home, "GPG_FINGERPRINT=" + k.fingerprint}
}

// exportPublic writes the public key to signingKeyFile.
func (k *throwawayKey) exportPublic(ctx context.Context) error {
	out, err := k.gpg(ctx, "--armor", "--export", k.fingerprint)
	if err != nil {
		return err
	}
	return os.WriteFile(signingKeyFile, []byte(out), 0o600)
}

// remove deletes the key and its GNUPGHOME, stopping the agent gpg started.
func (k *throwawayKey) remove(ctx context.Context) {
	kill := exec.CommandContext(ctx, "gpgconf", "--kill", "gpg-agent")
	kill.Env = append(os.Environ(), "GNUPGHOME="+k.home)
	_ = kill.Run()
	_ = os.RemoveAll(k.home)
}

func (k *throwawayKey) gpg(ctx context.Context, args ...string) (string, error) {
	cmd := exec.CommandContext(ctx, "gpg", append([]string{"--batch", "--pinentry-mode", "loopback"}, args...)...) //nolint:gosec // gpg on our own temporary keyring
	cmd.Env = append(os.Environ(), "GNUPGHOME="+k.home)
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	out, err := cmd.Output()
	if err != nil {
		return "", fmt.Errorf("gpg %s: %w\n%s", strings.Join(args, " "), err, stderr.String())
	}
	return string(out), nil
}

// verifySignature checks the detached signature of sums against the public
// key in keyFile, as Terraform does when it installs from a registry (the
// same OpenPGP library), and returns the signer's fingerprint.
func verifySignature(keyFile, sums, signature string) (string, error) {
	armored, err := os.Open(keyFile) //nolint:gosec // our own key file
	if err != nil {
		return "", fmt.Errorf("the signing key of the build (run without -skip-build first): %w", err)
	}
	defer armored.Close()
	keyring, err := openpgp.ReadArmoredKeyRing(armored)
	if err != nil {
		return "", fmt.Errorf("reading %s: %w", keyFile, err)
	}
	signed, err := os.Open(sums) //nolint:gosec // goreleaser's own output
	if err != nil {
		return "", err
	}
	defer signed.Close()
	sig, err := os.Open(signature) //nolint:gosec // goreleaser's own output
	if err != nil {
		return "", fmt.Errorf("no signature of %s: %w", filepath.Base(sums), err)
	}
	defer sig.Close()
	signer, err := openpgp.CheckDetachedSignature(keyring, signed, sig, nil)
	if err != nil {
		return "", fmt.Errorf("the signature %s does not verify %s: %w", filepath.Base(signature), filepath.Base(sums), err)
	}
	return fmt.Sprintf("%X", signer.PrimaryKey.Fingerprint), nil
}
