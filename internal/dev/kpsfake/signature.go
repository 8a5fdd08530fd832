package kpsfake

import (
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"net/http"
	"net/url"
	"slices"
	"sort"
	"strings"
	"time"
)

// This file checks SDK-HMAC-SHA256 signatures the way Huawei's API gateway
// does. It is written from the algorithm as documented (shared/kps-api.md),
// not from Huawei's SDK, so that FuzzVerifierAcceptsOfficialSignatures, which
// signs with the SDK and verifies here, compares two independent readings of
// the algorithm rather than one with itself.

const (
	sdkAlgorithm  = "SDK-HMAC-SHA256"
	sdkDateLayout = "20060102T150405Z"
	// maxClockSkew is how far off a request's date the gateway accepts.
	maxClockSkew = 15 * time.Minute
)

// signedRequest is what the Authorization header of a signed request says.
type signedRequest struct {
	accessKey     string
	signedHeaders []string
	signature     string
}

var errNotSigned = errors.New("not an SDK-HMAC-SHA256 Authorization header")

// parseAuthorization reads
// "SDK-HMAC-SHA256 Access=AK, SignedHeaders=a;b, Signature=hex".
func parseAuthorization(value string) (signedRequest, error) {
	rest, ok := strings.CutPrefix(value, sdkAlgorithm+" ")
	if !ok {
		return signedRequest{}, errNotSigned
	}
	var sr signedRequest
	for _, part := range strings.Split(rest, ",") {
		name, v, _ := strings.Cut(strings.TrimSpace(part), "=")
		switch name {
		case "Access":
			sr.accessKey = v
		case "SignedHeaders":
			sr.signedHeaders = strings.Split(v, ";")
		case "Signature":
			sr.signature = v
		}
	}
	if sr.accessKey == "" || sr.signature == "" || len(sr.signedHeaders) == 0 {
		return signedRequest{}, errNotSigned
	}
	return sr, nil
}

// verifySignature checks that r carries a valid signature by secretKey, with a
// date within maxClockSkew of now, and that the headers which must be signed
// (x-sdk-date, and x-security-token when sent) are.
func verifySignature(r *http.Request, body []byte, sr signedRequest, secretKey string, now time.Time) bool {
	date, err := time.Parse(sdkDateLayout, r.Header.Get("X-Sdk-Date"))
	if err != nil || date.Sub(now).Abs() > maxClockSkew {
		return false
	}
	if !slices.Contains(sr.signedHeaders, "x-sdk-date") ||
		(r.Header.Get("X-Security-Token") != "" && !slices.Contains(sr.signedHeaders, "x-security-token")) {
		return false
	}
	want := signature(r, body, sr.signedHeaders, r.Header.Get("X-Sdk-Date"), secretKey)
	return hmac.Equal([]byte(want), []byte(strings.ToLower(sr.signature)))
}

// signature computes the signature of r as the gateway does.
func signature(r *http.Request, body []byte, signedHeaders []string, date, secretKey string) string {
	canonical := strings.Join([]string{
		r.Method,
		canonicalURI(r.URL.Path),
		canonicalQuery(r.URL.RawQuery),
		canonicalHeaders(r, signedHeaders),
		strings.Join(signedHeaders, ";"),
		hexSHA256(body),
	}, "\n")
	stringToSign := sdkAlgorithm + "\n" + date + "\n" + hexSHA256([]byte(canonical))
	mac := hmac.New(sha256.New, []byte(secretKey))
	mac.Write([]byte(stringToSign))
	return hex.EncodeToString(mac.Sum(nil))
}

// canonicalURI encodes each segment of the decoded path and ends it with "/".
func canonicalURI(path string) string {
	segments := strings.Split(path, "/")
	for i, s := range segments {
		segments[i] = encode(s)
	}
	uri := strings.Join(segments, "/")
	if !strings.HasSuffix(uri, "/") {
		uri += "/"
	}
	return uri
}

// canonicalQuery is name=value pairs, encoded, sorted by name then value.
func canonicalQuery(rawQuery string) string {
	values, _ := url.ParseQuery(rawQuery)
	names := make([]string, 0, len(values))
	for name := range values {
		names = append(names, name)
	}
	sort.Strings(names)
	var pairs []string
	for _, name := range names {
		vs := append([]string(nil), values[name]...)
		sort.Strings(vs)
		for _, v := range vs {
			pairs = append(pairs, encode(name)+"="+encode(v))
		}
	}
	return strings.Join(pairs, "&")
}

// canonicalHeaders is one "name:value" line per signed header, each ending in
// a newline; host is the Host the request was sent to.
func canonicalHeaders(r *http.Request, signedHeaders []string) string {
	var b strings.Builder
	for _, name := range signedHeaders {
		values := r.Header.Values(name)
		if name == "host" {
			values = []string{r.Host}
		}
		values = append([]string(nil), values...)
		sort.Strings(values)
		for _, v := range values {
			b.WriteString(name + ":" + strings.TrimSpace(v) + "\n")
		}
	}
	return b.String()
}

// encode percent-encodes every byte but A-Z a-z 0-9 - _ . ~, in upper-case hex.
func encode(s string) string {
	const hexDigits = "0123456789ABCDEF"
	var b strings.Builder
	for i := 0; i < len(s); i++ {
		c := s[i]
		if 'A' <= c && c <= 'Z' || 'a' <= c && c <= 'z' || '0' <= c && c <= '9' || strings.IndexByte("-_.~", c) >= 0 {
			b.WriteByte(c)
			continue
		}
		b.WriteByte('%')
		b.WriteByte(hexDigits[c>>4])
		b.WriteByte(hexDigits[c&15])
	}
	return b.String()
}

func hexSHA256(b []byte) string {
	sum := sha256.Sum256(b)
	return hex.EncodeToString(sum[:])
}
