package kps

import (
	"crypto/tls"
	"crypto/x509"
	"errors"
	"net"
	"strings"
)

// Some requests that get no answer never will from the endpoint as it is
// configured: a host name that does not resolve (a region typo, usually),
// a TLS handshake that fails, a plain-HTTP server behind an https://
// endpoint. Retrying them only makes the user wait for the same failure, so
// they fail at once, naming the cause and what to check.

// plainHTTPAnswer is the text of net/http's error for an HTTPS request
// answered in plain HTTP. The standard library gives it no type of its own.
const plainHTTPAnswer = "server gave HTTP response to HTTPS client"

// endpointProblem says why err, a request that got no answer, can never
// get one from this endpoint as configured; "" when trying again may help.
func endpointProblem(err error) string {
	var dns *net.DNSError
	var op *net.OpError
	var record tls.RecordHeaderError
	var alert tls.AlertError
	var verify *tls.CertificateVerificationError
	var unknownAuthority x509.UnknownAuthorityError
	var hostname x509.HostnameError
	var invalid x509.CertificateInvalidError
	switch {
	case errors.As(err, &op) && op.Op == "proxyconnect" && errors.As(err, &dns) && dns.IsNotFound:
		return "the proxy's host name does not resolve (check HTTPS_PROXY), so the endpoint cannot be reached"
	case errors.As(err, &dns) && dns.IsNotFound:
		return "the endpoint's host name does not resolve (a typo in region is the usual cause)"
	case errors.As(err, &record) || strings.Contains(err.Error(), plainHTTPAnswer):
		return "the endpoint answers in plain HTTP, not HTTPS (an http:// endpoint, or another port)"
	case errors.As(err, &verify) || errors.As(err, &unknownAuthority) || errors.As(err, &hostname) || errors.As(err, &invalid):
		return "the endpoint's TLS certificate is not trusted (SSL_CERT_FILE or SSL_CERT_DIR name the CA certificates " +
			"to trust; insecure = true skips the check)"
	case errors.As(err, &alert) || (errors.As(err, &op) && op.Op == "remote error"):
		// A TLS alert the server sent: over TCP, crypto/tls reports it as
		// a net.OpError of op "remote error" (tls.AlertError is QUIC's).
		return "the TLS handshake with the endpoint failed: it refused the connection's TLS"
	}
	return ""
}

// endpointHint is what to check after a request that could not reach KPS.
const endpointHint = "check endpoint (HW_KPS_ENDPOINT) and region (HW_REGION_NAME)"
