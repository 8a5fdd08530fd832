package kps

import "testing"

func TestDefaultEndpoint(t *testing.T) {
	cases := []struct{ region, cloud, want string }{
		{"cn-north-4", "", "https://kms.cn-north-4.myhuaweicloud.com"},
		{"ap-southeast-1", "", "https://kms.ap-southeast-1.myhuaweicloud.com"},
		{"eu-west-101", "", "https://kms.eu-west-101.myhuaweicloud.eu"},
		{"eu-west-0", "", "https://kms.eu-west-0.myhuaweicloud.com"},
		{"cn-north-4", "example.net", "https://kms.cn-north-4.example.net"},
		{"eu-west-101", "example.net", "https://kms.eu-west-101.example.net"},
	}
	for _, c := range cases {
		if got := DefaultEndpoint(c.region, c.cloud); got != c.want {
			t.Errorf("DefaultEndpoint(%q, %q) = %q, want %q", c.region, c.cloud, got, c.want)
		}
	}
}

func TestParseEndpoint(t *testing.T) {
	good := map[string]string{
		"https://kms.cn-north-4.myhuaweicloud.com": "https://kms.cn-north-4.myhuaweicloud.com",
		"http://127.0.0.1:8080/":                   "http://127.0.0.1:8080",
		"https://gateway.example/kps/":             "https://gateway.example/kps",
		"https://gateway.example:8443/a/b":         "https://gateway.example:8443/a/b",
	}
	for in, want := range good {
		u, err := ParseEndpoint(in)
		if err != nil || u.String() != want {
			t.Errorf("ParseEndpoint(%q) = %v, %v; want %q", in, u, err, want)
		}
	}
	for _, bad := range []string{"", "kms.cn-north-4.myhuaweicloud.com", "/v3", "ftp://host", "https://", "http://:80", "https://host/?a=b", "https://host/#x", "https://user:pw@host", "://nope"} {
		if _, err := ParseEndpoint(bad); err == nil {
			t.Errorf("ParseEndpoint(%q) succeeded, want an error", bad)
		}
	}
}
