package huaweiauth

import (
	"net/http"
	"testing"
)

// BenchmarkAuthorize measures signing one request with Huawei's signer, the
// cost an access key adds to every attempt, against setting a token.
func BenchmarkAuthorize(b *testing.B) {
	for _, c := range []struct {
		name  string
		creds *Credentials
	}{
		{"token", TokenCredentials("token")},
		{"temporary access key", &Credentials{Method: MethodAccessKey, AccessKey: "AK", SecretKey: "SK", SecurityToken: "ST"}},
	} {
		b.Run(c.name, func(b *testing.B) {
			req, err := http.NewRequestWithContext(b.Context(), http.MethodGet,
				"https://kms.cn-north-4.myhuaweicloud.com/v3/0123456789abcdef0123456789abcdef/tasks/aee8d2fe-5484-4753-9177-5a38dc15546c", nil)
			if err != nil {
				b.Fatal(err)
			}
			b.ReportAllocs()
			for b.Loop() {
				if err := c.creds.Authorize(req); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}
