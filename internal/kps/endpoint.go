package kps

import (
	"fmt"
	"net/url"
	"strings"
)

// Domains used to build the default endpoint. The European region eu-west-101
// (Dublin) lives under its own top-level domain.
const (
	DefaultCloud  = "myhuaweicloud.com"
	EuropeanCloud = "myhuaweicloud.eu"
)

// CloudForRegion returns the domain that serves region when none is configured.
func CloudForRegion(region string) string {
	if strings.HasPrefix(region, "eu-west-1") {
		return EuropeanCloud
	}
	return DefaultCloud
}

// DefaultEndpoint is the base URL KPS is served from in a region: KPS shares the
// KMS host. An empty cloud picks the domain for the region.
func DefaultEndpoint(region, cloud string) string {
	if cloud == "" {
		cloud = CloudForRegion(region)
	}
	return "https://kms." + region + "." + cloud
}

// ParseEndpoint checks that raw is an absolute http(s) URL with a host, and returns
// it without a trailing slash so that API paths can be appended to it. A query or
// fragment is refused: they would silently change every request.
func ParseEndpoint(raw string) (*url.URL, error) {
	u, err := url.Parse(raw)
	if err != nil {
		return nil, fmt.Errorf("endpoint %q is not a valid URL: %w", raw, err)
	}
	if u.Scheme != "http" && u.Scheme != "https" {
		return nil, fmt.Errorf("endpoint %q must be an absolute http:// or https:// URL", raw)
	}
	if u.Host == "" || u.Hostname() == "" {
		return nil, fmt.Errorf("endpoint %q has no host", raw)
	}
	if u.User != nil {
		return nil, fmt.Errorf("endpoint %q must not carry credentials; use token or access_key instead", redactUserinfo(u))
	}
	if u.RawQuery != "" || u.Fragment != "" {
		return nil, fmt.Errorf("endpoint %q must not have a query or fragment", raw)
	}
	u.Path = strings.TrimRight(u.Path, "/")
	u.RawPath = ""
	return u, nil
}

func redactUserinfo(u *url.URL) string {
	c := *u
	c.User = url.User("REDACTED")
	return c.String()
}
