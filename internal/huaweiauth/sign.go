package huaweiauth

import (
	"errors"
	"fmt"
	"io"
	"net/http"
	"reflect"

	"github.com/huaweicloud/huaweicloud-sdk-go-v3/core/auth/signer"
	"github.com/huaweicloud/huaweicloud-sdk-go-v3/core/request"
)

var errNoMethod = errors.New("no authentication method was resolved; this is a bug in the provider")

// sign signs req in place with Huawei's SDK-HMAC-SHA256, using Huawei's own
// signer so that what the gateway checks is computed by the code Huawei keeps
// in step with it. The signer works on its own request type, which is built
// anew for every attempt: it reuses a date it finds on the request.
func (c *Credentials) sign(req *http.Request) error {
	if c.SecurityToken != "" {
		// Set before signing: the signer signs every header it is given.
		req.Header.Set(HeaderSecurityToken, c.SecurityToken)
	}
	sdkReq, err := signerRequest(req, c.SecurityToken)
	if err != nil {
		return err
	}
	headers, err := signer.Sign(sdkReq, c.AccessKey, c.SecretKey)
	if err != nil {
		return fmt.Errorf("signing the request: %w", err)
	}
	for name, value := range headers {
		req.Header.Set(name, value)
	}
	return nil
}

// signerRequest describes req to the SDK's signer. The path is given decoded,
// as the signer encodes each segment itself; query values must be passed as
// reflect.Value, since the signer silently drops any other kind. Only the
// security token is given as a header, so that the signed headers are exactly
// x-sdk-date and, for temporary keys, x-security-token: a header that a proxy
// or Go's transport rewrites must not be among them.
func signerRequest(req *http.Request, securityToken string) (*request.DefaultHttpRequest, error) {
	b := request.NewHttpRequestBuilder().
		WithEndpoint(req.URL.Scheme + "://" + req.URL.Host).
		WithPath(req.URL.Path).
		WithMethod(req.Method)
	for name, values := range req.URL.Query() {
		b.AddQueryParam(name, reflect.ValueOf(values))
	}
	if securityToken != "" {
		b.AddHeaderParam(HeaderSecurityToken, securityToken)
	}
	if req.GetBody != nil {
		body, err := req.GetBody()
		if err != nil {
			return nil, fmt.Errorf("reading the request body to sign it: %w", err)
		}
		defer body.Close()
		data, err := io.ReadAll(body)
		if err != nil {
			return nil, fmt.Errorf("reading the request body to sign it: %w", err)
		}
		if len(data) > 0 {
			b.WithBody("", string(data))
		}
	}
	return b.Build(), nil
}
