package provider

import (
	"context"
	"fmt"
	"io"
	"net/http/httptest"
	"runtime"
	"testing"

	"github.com/hashicorp/terraform-plugin-framework/providerserver"
	"github.com/hashicorp/terraform-plugin-go/tfprotov6"
	"github.com/hashicorp/terraform-plugin-go/tftypes"
	"github.com/hashicorp/terraform-plugin-log/tflogtest"

	"github.com/kpsops/terraform-provider-kps/internal/kpsfake"
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

	server, err := providerserver.NewProtocol6WithError(New("bench")())()
	if err != nil {
		tb.Fatal(err)
	}
	ctx := context.Background()
	if _, err := server.GetProviderSchema(ctx, &tfprotov6.GetProviderSchemaRequest{}); err != nil {
		tb.Fatal(err)
	}
	str := func(v string) tftypes.Value { return tftypes.NewValue(tftypes.String, v) }
	providerType := tftypes.Object{AttributeTypes: map[string]tftypes.Type{
		"region": tftypes.String, "project_id": tftypes.String, "token": tftypes.String, "endpoint": tftypes.String,
		"cloud": tftypes.String, "insecure": tftypes.Bool, "max_retries": tftypes.Number,
	}}
	providerConfig, err := tfprotov6.NewDynamicValue(providerType, tftypes.NewValue(providerType, map[string]tftypes.Value{
		"region": tftypes.NewValue(tftypes.String, nil), "project_id": str(testProject), "token": str(testToken),
		"endpoint": str(srv.URL), "cloud": tftypes.NewValue(tftypes.String, nil),
		"insecure": tftypes.NewValue(tftypes.Bool, nil), "max_retries": tftypes.NewValue(tftypes.Number, nil),
	}))
	if err != nil {
		tb.Fatal(err)
	}
	resp, err := server.ConfigureProvider(ctx, &tfprotov6.ConfigureProviderRequest{TerraformVersion: "1.11.4", Config: &providerConfig})
	if err != nil || len(resp.Diagnostics) > 0 {
		tb.Fatalf("configure: %v %v", err, resp.Diagnostics)
	}
	return &readHarness{server: server}
}

var dataSourceType = tftypes.Object{AttributeTypes: map[string]tftypes.Type{
	"task_id": tftypes.String, "project_id": tftypes.String, "id": tftypes.String, "task_status": tftypes.String,
	"server_id": tftypes.String, "phase": tftypes.String, "operation": tftypes.String,
	"terminal": tftypes.Bool, "succeeded": tftypes.Bool,
}}

func (h *readHarness) read(tb testing.TB, taskID string) {
	values := map[string]tftypes.Value{}
	for name, typ := range dataSourceType.AttributeTypes {
		values[name] = tftypes.NewValue(typ, nil)
	}
	values["task_id"] = tftypes.NewValue(tftypes.String, taskID)
	config, err := tfprotov6.NewDynamicValue(dataSourceType, tftypes.NewValue(dataSourceType, values))
	if err != nil {
		tb.Fatal(err)
	}
	resp, err := h.server.ReadDataSource(tflogtest.RootLogger(context.Background(), io.Discard), &tfprotov6.ReadDataSourceRequest{TypeName: "kps_keypair_task", Config: &config})
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

// TestReadsRetainNoMemory reads many tasks and checks that the heap does not
// grow with them: a provider that keeps something per read would run out of
// memory on a large plan.
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
		h.read(t, fmt.Sprintf("t%d", i))
	}
	after := heap()
	perRead := (float64(after) - float64(before)) / (reads - 200)
	t.Logf("heap %d KiB before, %d KiB after %d more reads: %.0f bytes per read", before>>10, after>>10, reads-200, perRead)
	if perRead > 1024 {
		t.Fatalf("the heap grew by %.0f bytes per read", perRead)
	}
}
