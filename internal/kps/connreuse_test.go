package kps_test

import (
	"context"
	"net"
	"net/http"
	"net/http/httptest"
	"sync"
	"sync/atomic"
	"testing"

	"github.com/kpsops/terraform-provider-kps/internal/dev/kpsfake"
	"github.com/kpsops/terraform-provider-kps/internal/huaweiauth"
	"github.com/kpsops/terraform-provider-kps/internal/kps"
)

// TestConnectionsAreReused: ten readers at a time, as Terraform runs them,
// keep their connections instead of opening (and over TLS, handshaking) a new
// one for most reads.
func TestConnectionsAreReused(t *testing.T) {
	fake := kpsfake.New(testToken)
	fake.AddTask(testProject, "t", kpsfake.Task{Timeline: []kpsfake.Step{{Status: "RUNNING_RESET"}}})
	var opened atomic.Int32
	srv := httptest.NewUnstartedServer(fake)
	srv.Config.ConnState = func(_ net.Conn, state http.ConnState) {
		if state == http.StateNew {
			opened.Add(1)
		}
	}
	srv.Start()
	defer srv.Close()
	u, _ := kps.ParseEndpoint(srv.URL)
	client, err := kps.New(kps.Config{Endpoint: u, Auth: huaweiauth.TokenCredentials(testToken)})
	if err != nil {
		t.Fatal(err)
	}
	const readers, rounds = 10, 20
	for range rounds {
		var wg sync.WaitGroup
		for range readers {
			wg.Go(func() {
				if _, err := client.GetTask(context.Background(), testProject, "t"); err != nil {
					t.Error(err)
				}
			})
		}
		wg.Wait()
	}
	if n := opened.Load(); n > 2*readers {
		t.Fatalf("%d reads opened %d connections; at most %d expected", readers*rounds, n, 2*readers)
	}
}
