package provider

import (
	"context"
	"fmt"
	"io"
	"net/http/httptest"
	"runtime"
	"testing"

	"github.com/hashicorp/terraform-plugin-go/tfprotov6"
	"github.com/hashicorp/terraform-plugin-log/tflogtest"

	"github.com/kpsops/terraform-provider-kps/internal/dev/kpsfake"
)

// readHarness drives the provider's protocol server directly, as Terraform
// does over gRPC, to measure one data source read without Terraform around it.
type readHarness struct {
	server tfprotov6.ProviderServer
}

func newReadHarness(tb testing.TB, tasks int) *readHarness {
	tb.Helper()
	fake := kpsfake.New(testToken)
	for i := range tasks {
		fake.AddTask(testProject, fmt.Sprintf("t%d", i), kpsfake.Task{ServerID: "s", Timeline: []kpsfake.Step{{Status: "SUCCESS_RESET"}}})
	}
	srv := httptest.NewServer(fake)
	tb.Cleanup(srv.Close)

	return &readHarness{server: configuredServer(tb, srv.URL)}
}

// read reads taskID. Each call gets a context with its own root logger, as
// terraform-plugin-go gives every call, so that the provider's logging is
// measured too.
func (h *readHarness) read(tb testing.TB, taskID string) {
	h.readWith(tb, tflogtest.RootLogger(context.Background(), io.Discard), taskID)
}

func (h *readHarness) readWith(tb testing.TB, ctx context.Context, taskID string) {
	resp, err := h.server.ReadDataSource(ctx, &tfprotov6.ReadDataSourceRequest{TypeName: "kps_keypair_task", Config: readConfig(tb, taskID)})
	if err != nil || len(resp.Diagnostics) > 0 {
		tb.Fatalf("read: %v %v", err, resp.Diagnostics)
	}
}

// BenchmarkReadDataSource is one kps_keypair_task read through the provider's
// protocol server, the client and the stand-in on loopback.
func BenchmarkReadDataSource(b *testing.B) {
	h := newReadHarness(b, 1)
	b.ReportAllocs()
	for b.Loop() {
		h.read(b, "t0")
	}
}

type callPayloadKey struct{}

// TestReadsRetainNoMemory reads many tasks and checks that the heap does not
// grow with them: a provider that keeps something per read would run out of
// memory on a large plan. Without releasectx, the framework keeps every
// call's context and this test fails.
func TestReadsRetainNoMemory(t *testing.T) {
	const reads = 3000
	h := newReadHarness(t, reads)
	heap := func() uint64 {
		runtime.GC()
		var ms runtime.MemStats
		runtime.ReadMemStats(&ms)
		return ms.HeapAlloc
	}
	for i := range 200 {
		h.read(t, fmt.Sprintf("t%d", i))
	}
	before := heap()
	for i := 200; i < reads; i++ {
		// A call's context holds much more in Terraform than here: the
		// loggers terraform-plugin-go builds for every call came to about
		// 23 KiB. The payload stands for them, so that a context kept after
		// its call cannot hide in the noise.
		ctx := context.WithValue(context.Background(), callPayloadKey{}, make([]byte, 16<<10))
		h.readWith(t, ctx, fmt.Sprintf("t%d", i))
	}
	after := heap()
	// The server must outlive the measurement: what it keeps is the point.
	runtime.KeepAlive(h.server)
	perRead := (float64(after) - float64(before)) / (reads - 200)
	t.Logf("heap %d KiB before, %d KiB after %d more reads: %.0f bytes per read", before>>10, after>>10, reads-200, perRead)
	if perRead > 2048 {
		t.Fatalf("the heap grew by %.0f bytes per read", perRead)
	}
}
