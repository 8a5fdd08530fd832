package kps

import (
	"context"
	"net/http"
	"net/http/httptest"
	"net/url"
	"testing"

	"github.com/kpsops/terraform-provider-kps/internal/huaweiauth"
)

// The client's hot path, step by step. Run:
//
//	go test ./internal/kps -run '^$' -bench . -benchmem
func BenchmarkNewRequest(b *testing.B) {
	u, _ := url.Parse("https://kms.cn-north-4.myhuaweicloud.com")
	c, err := New(Config{Endpoint: u, Auth: huaweiauth.TokenCredentials("t"), UserAgent: "terraform-provider-kps/bench Terraform/1.11.4"})
	if err != nil {
		b.Fatal(err)
	}
	ctx := context.Background()
	b.ReportAllocs()
	for b.Loop() {
		if _, err := c.newRequest(ctx, http.MethodGet, u.JoinPath("v3", "0123456789abcdef0123456789abcdef", "tasks", "aee8d2fe-5484-4753-9177-5a38dc15546c"), nil); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkDecodeTask(b *testing.B) {
	resp := &response{
		method: http.MethodGet, url: "https://kms.example/v3/p/tasks/t", status: http.StatusOK,
		header: http.Header{"Content-Type": []string{"application/json"}},
		body:   []byte(`{"task_id":"aee8d2fe-5484-4753-9177-5a38dc15546c","task_status":"RUNNING_RESET","server_id":"c9aa197b-a6b6-4c33-b3a6-fa0b4ec50006"}`),
	}
	b.ReportAllocs()
	for b.Loop() {
		if _, err := decodeTask(resp, "t"); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkParseStatus(b *testing.B) {
	b.ReportAllocs()
	for b.Loop() {
		if !ParseStatus("SUCCESS_REPLACE").Terminal() {
			b.Fatal("not terminal")
		}
	}
}

// BenchmarkGetTask is a whole read against a server on loopback: request,
// pacing, logging, transport and decoding.
func BenchmarkGetTask(b *testing.B) {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		_, _ = w.Write([]byte(`{"task_id":"t","task_status":"RUNNING_RESET","server_id":"s"}`))
	}))
	defer srv.Close()
	u, _ := ParseEndpoint(srv.URL)
	c, err := New(Config{Endpoint: u, Auth: huaweiauth.TokenCredentials("t"), MaxRetries: 5})
	if err != nil {
		b.Fatal(err)
	}
	ctx := context.Background()
	b.ReportAllocs()
	for b.Loop() {
		if _, err := c.GetTask(ctx, "p", "t"); err != nil {
			b.Fatal(err)
		}
	}
}
