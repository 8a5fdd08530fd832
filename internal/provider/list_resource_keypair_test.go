package provider

import (
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/hashicorp/terraform-plugin-go/tfprotov6"
	"github.com/hashicorp/terraform-plugin-testing/tfversion"

	"github.com/kpsops/terraform-provider-kps/internal/dev/kpsfake"
)

// TestListResourcesReachTerraform: the served protocol server, with both
// work-arounds around it, still offers the list RPCs and kps_keypair's
// list schema. A wrapper that hid them would tell Terraform the provider
// has no list resources.
func TestListResourcesReachTerraform(t *testing.T) {
	server := NewServer("test")()
	if _, ok := server.(tfprotov6.ListResourceServer); !ok {
		t.Fatal("the served protocol server has no list RPCs")
	}
	resp, err := server.GetProviderSchema(t.Context(), &tfprotov6.GetProviderSchemaRequest{})
	if err != nil {
		t.Fatal(err)
	}
	if _, ok := resp.ListResourceSchemas["kps_keypair"]; !ok {
		t.Fatalf("no list resource kps_keypair in %v", resp.ListResourceSchemas)
	}
}

// TestAccKeypairQuery: terraform query over several pages of the stand-in
// (pages of 3), -generate-config-out writes an import and a resource block
// for each key pair, and applying them imports every one with no other
// change: the plan after is empty (Terraform 1.14 and newer).
func TestAccKeypairQuery(t *testing.T) {
	ws := cliWorkspace(t)
	skipBelowCLI(t, tfversion.Version1_14_0)
	api := newFakeAPI(t, kpsfake.WithKeypairPage(3))
	for i := range 7 {
		kp := kpsfake.Keypair{Hosted: i%2 == 0, Description: fmt.Sprintf("key pair %d", i)}
		if i == 3 {
			kp.Description, kp.PublicKey = "", importedPublicKey
		}
		api.AddKeypair(testProject, fmt.Sprintf("kp-%d", i), kp)
	}
	if err := ws.WriteConfig(requiredKPS + api.providerConfig()); err != nil {
		t.Fatal(err)
	}
	query := "list \"kps_keypair\" \"all\" {\n  provider         = kps\n  include_resource = true\n}\n"
	if err := os.WriteFile(filepath.Join(ws.Dir, "all.tfquery.hcl"), []byte(query), 0o600); err != nil {
		t.Fatal(err)
	}
	var out lockedBuffer
	run := func(args ...string) {
		t.Helper()
		if err := ws.Run(t.Context(), &out, nil, args...); err != nil {
			t.Fatalf("%v: %v\n%s", args, err, out.String())
		}
	}
	run("query", "-no-color", "-generate-config-out=generated.tf")
	generated, err := os.ReadFile(filepath.Join(ws.Dir, "generated.tf"))
	if err != nil {
		t.Fatal(err)
	}
	if n := strings.Count(string(generated), "import {"); n != 7 {
		t.Fatalf("%d import blocks generated, want 7:\n%s", n, generated)
	}
	if !regexp.MustCompile(`description\s+= "key pair 4"`).Match(generated) {
		t.Fatalf("the generated blocks lack the key pairs' attributes:\n%s", generated)
	}
	t.Logf("generated for kp-0:\n%s", excerpt(string(generated), "kp-0"))
	// The query file would be planned as configuration otherwise.
	if err := os.Remove(filepath.Join(ws.Dir, "all.tfquery.hcl")); err != nil {
		t.Fatal(err)
	}
	run("apply", "-auto-approve", "-input=false", "-no-color")
	if !strings.Contains(out.String(), "7 imported") {
		t.Fatalf("the apply did not import the 7 key pairs:\n%s", out.String())
	}
	var plan lockedBuffer
	if err := ws.Run(t.Context(), &plan, nil, "plan", "-detailed-exitcode", "-input=false", "-no-color"); err != nil {
		t.Fatalf("the plan after the import is not empty: %v\n%s", err, plan.String())
	}
	if n := api.CreateRequests(); n != 0 {
		t.Fatalf("%d creates: adoption must create nothing", n)
	}
}

// excerpt is the generated blocks that name name.
func excerpt(generated, name string) string {
	var keep []string
	for _, block := range strings.Split(generated, "\n\n") {
		if strings.Contains(block, `"`+name+`"`) {
			keep = append(keep, block)
		}
	}
	return strings.Join(keep, "\n\n")
}
