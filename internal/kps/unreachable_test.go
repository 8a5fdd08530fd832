package kps

import (
	"net"
	"net/url"
	"strings"
	"testing"
)

// TestUnresolvableHostIsFinal: a host name that does not resolve is no
// blip (a typo in region, usually): not retried, and the error says what
// to check. Built by hand, since a test cannot rely on a resolver.
func TestUnresolvableHostIsFinal(t *testing.T) {
	err := &url.Error{Op: "Get", URL: "https://kms.cn-nort-4.myhuaweicloud.com/v3/p/tasks/t", Err: &net.OpError{
		Op: "dial", Net: "tcp", Err: &net.DNSError{Err: "no such host", Name: "kms.cn-nort-4.myhuaweicloud.com", IsNotFound: true},
	}}
	if transientTransportError(err) {
		t.Fatal("an unresolvable host is retried")
	}
	if got := endpointProblem(err); !strings.Contains(got, "does not resolve") || !strings.Contains(got, "region") {
		t.Fatalf("endpointProblem = %q", got)
	}
	temporary := &net.DNSError{Err: "server misbehaving", Name: "kms.cn-north-4.myhuaweicloud.com", IsTemporary: true}
	if endpointProblem(&url.Error{Op: "Get", URL: "https://x", Err: temporary}) != "" {
		t.Fatal("a resolver's passing failure is taken for a wrong host name")
	}
}
