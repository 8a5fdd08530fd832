package provider

import (
	"context"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/hashicorp/terraform-plugin-go/tfprotov6"

	"github.com/kpsops/terraform-provider-kps/internal/dev/kpsfake"
)

// TestImportWarnsAboutUnfinishedOrFailedTasks: import records a task as it
// stands, and says so when it has not ended or has failed. The CLI shows
// warnings but the acceptance harness cannot check them, so this drives the
// protocol.
func TestImportWarnsAboutUnfinishedOrFailedTasks(t *testing.T) {
	fake := kpsfake.New(testToken)
	for id, status := range map[string]string{"busy": "RUNNING_RESET", "broken": "FAILED_BIND", "done": "SUCCESS_RESET"} {
		fake.AddTask(testProject, id, kpsfake.Task{ServerID: "srv", Timeline: []kpsfake.Step{{Status: status}}})
	}
	srv := httptest.NewServer(fake)
	defer srv.Close()

	server := configuredServer(t, srv.URL)
	ctx := context.Background()
	for _, c := range []struct{ id, warning string }{
		{"busy", "has not ended"},
		{"broken", "has failed"},
		{"done", ""},
	} {
		resp, err := server.ImportResourceState(ctx, &tfprotov6.ImportResourceStateRequest{TypeName: "kps_keypair_task_wait", ID: c.id})
		if err != nil {
			t.Fatal(err)
		}
		var warnings []string
		for _, d := range resp.Diagnostics {
			if d.Severity != tfprotov6.DiagnosticSeverityWarning {
				t.Fatalf("%s: unexpected diagnostic %s: %s", c.id, d.Summary, d.Detail)
			}
			warnings = append(warnings, d.Summary)
		}
		switch {
		case c.warning == "" && len(warnings) > 0:
			t.Errorf("%s: warnings %v for a task that succeeded", c.id, warnings)
		case c.warning != "" && (len(warnings) != 1 || !strings.Contains(warnings[0], c.warning)):
			t.Errorf("%s: warnings %v, want one saying %q", c.id, warnings, c.warning)
		}
		if len(resp.ImportedResources) != 1 {
			t.Errorf("%s: %d resources imported", c.id, len(resp.ImportedResources))
		}
	}
}
