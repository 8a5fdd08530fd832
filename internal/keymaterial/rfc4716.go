package keymaterial

import (
	"encoding/base64"
	"errors"
	"slices"
	"strings"

	"golang.org/x/crypto/ssh"
)

// The marker lines of an RFC 4716 ("SSH2") public key block.
const (
	rfc4716Begin = "---- BEGIN SSH2 PUBLIC KEY ----"
	rfc4716End   = "---- END SSH2 PUBLIC KEY ----"
)

// The errors of an RFC 4716 block say what is wrong without repeating it.
var (
	errRFC4716NoBegin = errors.New("the RFC 4716 public key has no line of its own reading \"" + rfc4716Begin + "\"")
	errRFC4716NoEnd   = errors.New("the RFC 4716 public key has no \"" + rfc4716End + "\" line")
	errRFC4716Header  = errors.New("the RFC 4716 public key has a header line after its key data")
	errRFC4716Base64  = errors.New("the RFC 4716 public key data is not valid base64")
	errRFC4716Key     = errors.New("the RFC 4716 public key data does not decode as an SSH public key this provider reads")
)

// hasRFC4716 reports whether text claims to be an RFC 4716 block. It looks
// for the BEGIN marker only, so that a damaged block is reported as a damaged
// RFC 4716 block rather than as a bad OpenSSH line.
func hasRFC4716(text string) bool {
	return strings.Contains(text, rfc4716Begin)
}

// parseRFC4716 reads the first RFC 4716 block in text. Text around the block
// is ignored, as pem.Decode ignores text around a PEM block.
func parseRFC4716(text string) (ssh.PublicKey, error) {
	lines := strings.Split(text, "\n")
	begin := slices.IndexFunc(lines, func(line string) bool { return strings.TrimSpace(line) == rfc4716Begin })
	if begin < 0 {
		return nil, errRFC4716NoBegin
	}
	body, err := rfc4716Body(lines[begin+1:])
	if err != nil {
		return nil, err
	}
	blob, err := base64.StdEncoding.DecodeString(body)
	if err != nil {
		return nil, errRFC4716Base64
	}
	key, err := ssh.ParsePublicKey(blob)
	if err != nil {
		return nil, errRFC4716Key
	}
	return key, nil
}

// rfc4716Body returns the base64 key data of the lines after the BEGIN
// marker, up to the END marker. Header lines ("Tag: value") are skipped, and
// so is every line that follows a header line ending in a backslash, because
// RFC 4716 continues a header (typically a long Comment) onto the next line
// that way and the continuation need not contain a colon.
func rfc4716Body(lines []string) (string, error) {
	var body strings.Builder
	continued := false
	for _, line := range lines {
		line = strings.TrimSpace(line)
		switch {
		case continued:
			continued = strings.HasSuffix(line, `\`)
		case line == rfc4716End:
			return body.String(), nil
		case strings.Contains(line, ":"):
			if body.Len() > 0 {
				return "", errRFC4716Header
			}
			continued = strings.HasSuffix(line, `\`)
		default:
			body.WriteString(line)
		}
	}
	return "", errRFC4716NoEnd
}
