package keymaterial

import (
	"bytes"
	"encoding/base64"
	"errors"
	"slices"
	"strings"

	"golang.org/x/crypto/ssh"
)

// The errors of an OpenSSH line say what is wrong without repeating the line.
var (
	errSSHMultiLine   = errors.New("an OpenSSH public key must be a single line, but the text holds more than one line")
	errSSHUnknownType = errors.New("the OpenSSH public key names no key type this provider reads (such as ssh-ed25519, ssh-rsa or ecdsa-sha2-nistp256)")
	errSSHNoData      = errors.New("the OpenSSH public key has a key type but no key data after it")
	errSSHBase64      = errors.New("the OpenSSH public key data is not valid base64")
	errSSHKey         = errors.New("the OpenSSH public key data does not decode as a key of the type the line names")
	errSSHTypeDiffers = errors.New("the key type the OpenSSH public key line names is not the type of its key data")
)

// sshKeyTypes are the key types an OpenSSH line may start with. They are used
// only to explain why a line does not parse; ssh.ParseAuthorizedKey decides
// whether it does. The DSA names are spelled out because their constants are
// deprecated, yet ssh.ParseAuthorizedKey still reads DSA keys, so a broken DSA
// line must be explained as broken rather than as of an unknown type.
var sshKeyTypes = []string{
	ssh.KeyAlgoRSA, "ssh-dss", ssh.KeyAlgoED25519, ssh.KeyAlgoSKED25519,
	ssh.KeyAlgoECDSA256, ssh.KeyAlgoECDSA384, ssh.KeyAlgoECDSA521, ssh.KeyAlgoSKECDSA256,
	ssh.CertAlgoRSAv01, "ssh-dss-cert-v01@openssh.com", ssh.CertAlgoED25519v01, ssh.CertAlgoSKED25519v01,
	ssh.CertAlgoECDSA256v01, ssh.CertAlgoECDSA384v01, ssh.CertAlgoECDSA521v01, ssh.CertAlgoSKECDSA256v01,
}

// parseAuthorizedKey reads text, already trimmed, as one OpenSSH
// authorized_keys line. It refuses more than one line, although
// ssh.ParseAuthorizedKey would skip lines it cannot read, because a key pair
// has exactly one public key and a skipped line is almost always a mistake.
// It also refuses a line whose key type is not the type of its key data,
// which ssh.ParseAuthorizedKey does not check but OpenSSH refuses.
func parseAuthorizedKey(text string) (ssh.PublicKey, error) {
	if strings.Contains(text, "\n") {
		return nil, errSSHMultiLine
	}
	key, _, _, _, err := ssh.ParseAuthorizedKey([]byte(text))
	if err != nil {
		return nil, explainAuthorizedKey(text)
	}
	if !declaresType(text, key) {
		return nil, errSSHTypeDiffers
	}
	return key, nil
}

// declaresType reports whether line names key's type right before key's
// data. The data is compared decoded, because base64 that decodes to the same
// bytes may be spelled in more than one way.
func declaresType(line string, key ssh.PublicKey) bool {
	fields := strings.Fields(line)
	for i := 0; i+1 < len(fields); i++ {
		if fields[i] != key.Type() {
			continue
		}
		if blob, err := base64.StdEncoding.DecodeString(fields[i+1]); err == nil && bytes.Equal(blob, key.Marshal()) {
			return true
		}
	}
	return false
}

// explainAuthorizedKey says why line is not an OpenSSH public key. It looks
// for the first field that names a key type, which skips an options prefix
// without having to read its quoting, and then checks the key data after it.
func explainAuthorizedKey(line string) error {
	fields := strings.Fields(line)
	at := slices.IndexFunc(fields, func(field string) bool { return slices.Contains(sshKeyTypes, field) })
	switch {
	case at < 0:
		return errSSHUnknownType
	case at+1 >= len(fields):
		return errSSHNoData
	}
	if _, err := base64.StdEncoding.DecodeString(fields[at+1]); err != nil {
		return errSSHBase64
	}
	return errSSHKey
}
