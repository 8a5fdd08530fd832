package kps_test

import (
	"bytes"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"

	"github.com/huaweicloud/huaweicloud-sdk-go-v3/services/kps/v3/model"

	"github.com/kpsops/terraform-provider-kps/internal/dev/kpsfake"
	"github.com/kpsops/terraform-provider-kps/internal/kps"
)

// exchange is one request and its answer, as they crossed the wire.
type exchange struct {
	method, path      string
	request, response []byte
	status            int
}

// recorder serves next and keeps every exchange.
type recorder struct {
	next http.Handler
	mu   sync.Mutex
	seen []exchange
}

func (rec *recorder) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	body, _ := io.ReadAll(r.Body)
	r.Body = io.NopCloser(bytes.NewReader(body))
	out := httptest.NewRecorder()
	rec.next.ServeHTTP(out, r)
	rec.mu.Lock()
	rec.seen = append(rec.seen, exchange{r.Method, r.URL.Path, body, out.Body.Bytes(), out.Code})
	rec.mu.Unlock()
	for k, v := range out.Header() {
		w.Header()[k] = v
	}
	w.WriteHeader(out.Code)
	_, _ = w.Write(out.Body.Bytes())
}

// strictly decodes raw into v, refusing a field v's type does not have.
func strictly(t *testing.T, what string, raw []byte, v any) {
	t.Helper()
	d := json.NewDecoder(bytes.NewReader(raw))
	d.DisallowUnknownFields()
	if err := d.Decode(v); err != nil {
		t.Errorf("%s does not decode as Huawei's SDK model %T: %v\n%s", what, v, err, raw)
	}
}

// TestWireMatchesHuaweisSDK decodes what the client sends and what the
// stand-in answers, for every key-pair call, with the request and response
// types of Huawei's own SDK (services/kps/v3/model), refusing unknown
// fields and, through the SDK's enums, unknown values: a field name or a
// value that the client and the stand-in got wrong the same way, and so
// agree on, does not get past it.
func TestWireMatchesHuaweisSDK(t *testing.T) {
	fake := kpsfake.New(testToken)
	fake.AddProject(testProject)
	rec := &recorder{next: fake}
	srv := httptest.NewServer(rec)
	t.Cleanup(srv.Close)
	c := clientFor(t, srv.URL, testToken)
	ctx := t.Context()

	if _, err := c.CreateKeypair(ctx, testProject, kps.CreateKeypairRequest{Name: "gen", Scope: "domain",
		Hosting: &kps.Hosting{Encryption: "kms", KMSKeyID: "kms-1"}}); err != nil {
		t.Fatal(err)
	}
	if _, err := c.CreateKeypair(ctx, testProject, kps.CreateKeypairRequest{Name: "imp", Type: "x509",
		PublicKey: "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAA imp", Hosting: &kps.Hosting{PrivateKey: hostedKey}}); err != nil {
		t.Fatal(err)
	}
	for _, call := range []func() error{
		func() error { _, err := c.Keypair(ctx, testProject, "gen"); return err },
		func() error { _, err := c.Keypairs(ctx, testProject); return err },
		func() error { return c.UpdateKeypairDescription(ctx, testProject, "gen", "d") },
		func() error {
			return c.ImportPrivateKey(ctx, testProject, "imp", "u1", kps.Hosting{PrivateKey: hostedKey, Encryption: "default"})
		},
		func() error { _, err := c.ExportPrivateKey(ctx, testProject, "imp"); return err },
		func() error { return c.ClearPrivateKey(ctx, testProject, "imp") },
		func() error { return c.DeleteKeypair(ctx, testProject, "imp") },
	} {
		if err := call(); err != nil {
			t.Fatal(err)
		}
	}

	checked := map[string]bool{}
	for _, x := range rec.seen {
		route := x.method + " " + strings.TrimPrefix(x.path, "/v3/"+testProject)
		checked[route] = true
		switch route {
		case "POST /keypairs":
			strictly(t, "the create's body", x.request, &model.CreateKeypairRequestBody{})
			strictly(t, "the create's answer", x.response, &model.CreateKeypairResponse{})
		case "GET /keypairs":
			strictly(t, "the list's answer", x.response, &model.ListKeypairsResponse{})
		case "GET /keypairs/gen":
			strictly(t, "the detail's answer", x.response, &model.ListKeypairDetailResponse{})
		case "PUT /keypairs/gen":
			strictly(t, "the update's body", x.request, &model.UpdateKeypairDescriptionRequestBody{})
		case "POST /keypairs/private-key/import":
			strictly(t, "the import's body", x.request, &model.ImportPrivateKeyRequestBody{})
			strictly(t, "the import's answer", x.response, &model.ImportPrivateKeyResponse{})
		case "POST /keypairs/private-key/export":
			strictly(t, "the export's body", x.request, &model.ExportPrivateKeyRequestBody{})
			strictly(t, "the export's answer", x.response, &model.ExportPrivateKeyResponse{})
		case "DELETE /keypairs/imp/private-key", "DELETE /keypairs/imp":
			if len(x.response) != 0 {
				t.Errorf("%s answered a body: %s", route, x.response)
			}
		default:
			t.Errorf("an exchange the test does not check: %s", route)
		}
	}
	if len(checked) != 8 {
		t.Fatalf("%d kinds of exchange checked, want 8: %v", len(checked), checked)
	}
}
