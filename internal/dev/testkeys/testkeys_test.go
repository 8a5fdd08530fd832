package testkeys_test

import (
	"errors"
	"strings"
	"testing"

	"golang.org/x/crypto/ssh"

	"github.com/kpsops/terraform-provider-kps/internal/dev/testkeys"
	"github.com/kpsops/terraform-provider-kps/internal/keymaterial"
)

// pairs names every fixture pair, so that each test covers all of them.
var pairs = map[string]testkeys.Pair{
	"CI":      testkeys.CI,
	"Rotated": testkeys.Rotated,
	"Other":   testkeys.Other,
	"Another": testkeys.Another,
}

// TestPairFormsAreOneKey checks that every form of a pair holds the same key,
// because a test that uses one form in place of another relies on it.
func TestPairFormsAreOneKey(t *testing.T) {
	for name, pair := range pairs {
		t.Run(name, func(t *testing.T) {
			if !keymaterial.SameKey(pair.AuthorizedKey, pair.RFC4716) {
				t.Error("AuthorizedKey and RFC4716 are not the same key")
			}
			if !keymaterial.SameKey(pair.AuthorizedKey, pair.AuthorizedKeyNoComment) {
				t.Error("AuthorizedKey and AuthorizedKeyNoComment are not the same key")
			}
			for _, private := range []string{pair.OpenSSHPrivate, pair.PKCS8Private} {
				for _, public := range []string{pair.AuthorizedKey, pair.RFC4716, pair.PKIXPEM} {
					if matches, known := keymaterial.Matches(private, public); !matches || !known {
						t.Errorf("Matches = %v, %v; want true, true", matches, known)
					}
				}
			}
		})
	}
}

// TestPairFormsAreValid checks each form with the checks the provider runs on
// user input, so that fixtures are never refused for a reason a test did not
// intend.
func TestPairFormsAreValid(t *testing.T) {
	for name, pair := range pairs {
		t.Run(name, func(t *testing.T) {
			for _, public := range []string{pair.AuthorizedKey, pair.AuthorizedKeyNoComment, pair.RFC4716} {
				if err := keymaterial.CheckPublicKey(public, "ssh"); err != nil {
					t.Errorf("CheckPublicKey(ssh) = %v", err)
				}
			}
			if err := keymaterial.CheckPublicKey(pair.PKIXPEM, "x509"); err != nil {
				t.Errorf("CheckPublicKey(PKIXPEM, x509) = %v", err)
			}
			for _, private := range []string{pair.OpenSSHPrivate, pair.PKCS8Private} {
				if err := keymaterial.CheckPrivateKey(private); err != nil {
					t.Errorf("CheckPrivateKey = %v", err)
				}
			}
			if err := keymaterial.CheckPrivateKey(pair.EncryptedPrivate()); !errors.Is(err, keymaterial.ErrEncrypted) {
				t.Errorf("CheckPrivateKey(EncryptedPrivate) = %v, want ErrEncrypted", err)
			}
		})
	}
}

// TestPairPrivateForms checks that the private forms are recognised as
// private, the public ones are not, and the encrypted form opens with the
// documented passphrase.
func TestPairPrivateForms(t *testing.T) {
	for name, pair := range pairs {
		t.Run(name, func(t *testing.T) {
			for _, private := range []string{pair.OpenSSHPrivate, pair.PKCS8Private, pair.EncryptedPrivate()} {
				if !keymaterial.IsPrivateKey(private) {
					t.Error("a private form is not a private key")
				}
			}
			for _, public := range []string{pair.AuthorizedKey, pair.AuthorizedKeyNoComment, pair.RFC4716, pair.PKIXPEM} {
				if keymaterial.IsPrivateKey(public) {
					t.Error("a public form is a private key")
				}
			}
			signer, err := ssh.ParsePrivateKeyWithPassphrase([]byte(pair.EncryptedPrivate()), []byte(testkeys.Passphrase))
			if err != nil {
				t.Fatalf("EncryptedPrivate does not open with Passphrase: %v", err)
			}
			if !keymaterial.SameKey(string(ssh.MarshalAuthorizedKey(signer.PublicKey())), pair.AuthorizedKey) {
				t.Error("EncryptedPrivate holds another key")
			}
		})
	}
}

// TestPairText checks the textual details the brief for the fixtures fixes,
// which tests comparing key text rely on.
func TestPairText(t *testing.T) {
	comments := map[string]string{
		"CI": "ci@example", "Rotated": "rotated@example", "Other": "other@example", "Another": "another@example",
	}
	for name, pair := range pairs {
		t.Run(name, func(t *testing.T) {
			if want := pair.AuthorizedKeyNoComment + " " + comments[name]; pair.AuthorizedKey != want {
				t.Errorf("AuthorizedKey does not end with the comment %q", comments[name])
			}
			if strings.ContainsAny(pair.AuthorizedKey, "\r\n") || strings.ContainsAny(pair.AuthorizedKeyNoComment, "\r\n") {
				t.Error("an OpenSSH line holds a newline")
			}
			if !strings.Contains(pair.RFC4716, "Comment: \""+comments[name]+"\"\n") {
				t.Error("RFC4716 has no Comment header with the pair's comment")
			}
			if !strings.HasSuffix(pair.OpenSSHPrivate, "-----END OPENSSH PRIVATE KEY-----\n") {
				t.Error("OpenSSHPrivate is not an OpenSSH PEM block ending with a newline")
			}
			if !strings.HasPrefix(pair.PKCS8Private, "-----BEGIN PRIVATE KEY-----\n") {
				t.Error("PKCS8Private is not a PKCS#8 PEM block")
			}
		})
	}
}

// TestPairsAreDistinct checks that no two fixture pairs share a key, because
// tests use them to stand for different keys.
func TestPairsAreDistinct(t *testing.T) {
	for nameA, a := range pairs {
		for nameB, b := range pairs {
			if nameA == nameB {
				continue
			}
			if keymaterial.SameKey(a.AuthorizedKey, b.AuthorizedKey) || keymaterial.SameKey(a.PKIXPEM, b.PKIXPEM) {
				t.Errorf("%s and %s are the same key", nameA, nameB)
			}
			if matches, known := keymaterial.Matches(a.OpenSSHPrivate, b.AuthorizedKey); matches || !known {
				t.Errorf("Matches(%s private, %s public) = %v, %v; want false, true", nameA, nameB, matches, known)
			}
		}
	}
}

// TestNewIsDeterministic checks that building a pair again gives the same
// text for every form that does not carry random bytes.
func TestNewIsDeterministic(t *testing.T) {
	again := testkeys.New(1, "ci@example")
	if again.AuthorizedKey != testkeys.CI.AuthorizedKey || again.RFC4716 != testkeys.CI.RFC4716 ||
		again.PKIXPEM != testkeys.CI.PKIXPEM || again.PKCS8Private != testkeys.CI.PKCS8Private {
		t.Error("New(1, \"ci@example\") does not rebuild CI")
	}
	if matches, _ := keymaterial.Matches(again.OpenSSHPrivate, testkeys.CI.AuthorizedKey); !matches {
		t.Error("a rebuilt OpenSSHPrivate holds another key")
	}
}
