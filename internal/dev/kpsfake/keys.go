package kpsfake

import (
	"crypto/ed25519"
	"crypto/md5" //nolint:gosec // OpenSSH's legacy fingerprint is MD5 by definition; nothing is secured by it
	"crypto/sha256"
	"encoding/hex"
	"encoding/pem"
	"strings"
	"sync"

	"golang.org/x/crypto/ssh"
)

// The key pairs the stand-in generates are real ed25519 pairs, so that a
// public key it answers is one ssh-keygen and every SSH library accept, and
// the private key it hosts for a pair is that public key's. Each is derived
// from the key pair's name: the same name gives the same key in every
// process, and tests can name the key a server was sent (PrivateKeyOf).

// generatedKeys caches the OpenSSH text of each generated private key, by
// key-pair name. ssh.MarshalPrivateKey draws random check bytes each time it
// writes a key, so the text is written once and kept: PrivateKeyOf must
// answer the same text for a name throughout a process, since tests compare
// it with what a server was sent.
var generatedKeys sync.Map // name -> string

// seedOf is the ed25519 seed of the key pair named name: fixed by the name,
// so that no test depends on a random key, and prefixed so that it is no
// plain hash of a name that might be used elsewhere.
func seedOf(name string) []byte {
	sum := sha256.Sum256([]byte("kpsfake/" + name))
	return sum[:]
}

// PrivateKeyOf is the private key of the key pair named keypair as the
// stand-in generates it: an ed25519 key in OpenSSH PEM form, the same text
// for a name throughout a process. It is what a server accepts once that
// key pair is bound, unless the stand-in hosts another for it (see
// keypairKey), and what a key pair it generates is created with.
func PrivateKeyOf(keypair string) string {
	if text, ok := generatedKeys.Load(keypair); ok {
		return text.(string)
	}
	block, err := ssh.MarshalPrivateKey(ed25519.NewKeyFromSeed(seedOf(keypair)), keypair)
	if err != nil {
		// An ed25519 key always marshals; failing here is a broken library.
		panic("kpsfake: marshalling a generated key: " + err.Error())
	}
	text, _ := generatedKeys.LoadOrStore(keypair, string(pem.EncodeToMemory(block)))
	return text.(string)
}

// generatedPublicKey is the public key of the pair the stand-in generates
// for name, as an OpenSSH authorized_keys line whose comment is the name.
func generatedPublicKey(name string) string {
	pub, err := ssh.NewPublicKey(ed25519.NewKeyFromSeed(seedOf(name)).Public())
	if err != nil {
		panic("kpsfake: an ed25519 public key: " + err.Error())
	}
	return authorizedLine(pub, name)
}

// publicKeyFor is the public key KPS reports for a key pair given none: the
// public key of privateKey when it is a private key that parses (one a test
// made, hosted as it is), else the generated pair's. Either way the public
// key belongs to the private key KPS would host for the pair.
func publicKeyFor(name, privateKey string) string {
	if privateKey != "" {
		if raw, err := ssh.ParseRawPrivateKey([]byte(privateKey)); err == nil {
			if signer, err := ssh.NewSignerFromKey(raw); err == nil {
				return authorizedLine(signer.PublicKey(), name)
			}
		}
	}
	return generatedPublicKey(name)
}

// authorizedLine is pub as one authorized_keys line, with comment.
func authorizedLine(pub ssh.PublicKey, comment string) string {
	return strings.TrimSuffix(string(ssh.MarshalAuthorizedKey(pub)), "\n") + " " + comment
}

// fingerprintOf is a public key's fingerprint as Huawei's key-pair APIs show
// it: OpenSSH's legacy MD5 form, colon-separated hex of the key blob
// ("5c:9b:..."). Text that is no SSH public key (an x509 key pair's PEM) is
// fingerprinted by the MD5 of its DER bytes, or of the text itself when it
// is not PEM either. It is the only place that decides the form, so that it
// can change in one place if KPS turns out to answer another.
func fingerprintOf(publicKey string) string {
	if pub, _, _, _, err := ssh.ParseAuthorizedKey([]byte(publicKey)); err == nil {
		return ssh.FingerprintLegacyMD5(pub)
	}
	data := []byte(publicKey)
	if block, _ := pem.Decode(data); block != nil {
		data = block.Bytes
	}
	sum := md5.Sum(data) //nolint:gosec // a fingerprint, as above
	return colonHex(sum[:])
}

// colonHex is b as lower-case hex pairs joined by colons, as OpenSSH writes
// an MD5 fingerprint.
func colonHex(b []byte) string {
	pairs := make([]string, len(b))
	for i := range b {
		pairs[i] = hex.EncodeToString(b[i : i+1])
	}
	return strings.Join(pairs, ":")
}
