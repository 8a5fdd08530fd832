package provider

import (
	"fmt"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/knownvalue"
	"github.com/hashicorp/terraform-plugin-testing/plancheck"
	"github.com/hashicorp/terraform-plugin-testing/statecheck"
	"github.com/hashicorp/terraform-plugin-testing/terraform"
	"github.com/hashicorp/terraform-plugin-testing/tfversion"

	"github.com/kpsops/terraform-provider-kps/internal/dev/kpsfake"
	"github.com/kpsops/terraform-provider-kps/internal/dev/testkeys"
)

// What makes kps_keypair safe to trust with servers: it never adopts,
// deletes or replaces a key pair it did not make; it compares keys as keys;
// no private key goes where a public one belongs, or shows anywhere; and
// the only copy of a key is not lost to a careless destroy.

// gatewayTrouble is a 503 from the gateway: the call may have been acted on.
var gatewayTrouble = kpsfake.Fault{Kind: kpsfake.FaultError, Status: http.StatusServiceUnavailable, Code: "APIGW.0203",
	Message: "Backend unavailable"}

// TestAccKeypair_lostCreateFacesAnotherUsersKeyPair: the create's answer
// is lost, and the key pair found by name is someone else's (another key,
// in any form; or hosted, but of another scope, or with no create_time to
// tell when it was made). It is not adopted: the error says whose it is,
// nothing is saved, and nothing of it is changed or deleted.
func TestAccKeypair_lostCreateFacesAnotherUsersKeyPair(t *testing.T) {
	for name, tc := range map[string]struct {
		theirs kpsfake.Keypair
		ours   string
	}{
		"PEM":      {kpsfake.Keypair{Type: "x509", PublicKey: testkeys.Other.PKIXPEM}, "  type = \"x509\"\n  public_key = " + fmt.Sprintf("%q", testkeys.CI.PKIXPEM)},
		"RFC 4716": {kpsfake.Keypair{PublicKey: testkeys.Other.RFC4716}, "  public_key = " + fmt.Sprintf("%q", testkeys.CI.AuthorizedKey)},
		"OpenSSH":  {kpsfake.Keypair{PublicKey: testkeys.Other.AuthorizedKey}, "  public_key = " + fmt.Sprintf("%q", testkeys.CI.AuthorizedKey)},
		"no create_time": {kpsfake.Keypair{Hosted: true, PrivateKey: testkeys.Other.OpenSSHPrivate, NoCreateTime: true},
			"  private_key_hosting = {}" + unprotected},
		"account-wide, just made": {kpsfake.Keypair{Hosted: true, PrivateKey: testkeys.Other.OpenSSHPrivate, Scope: "domain"},
			"  private_key_hosting = {}" + unprotected},
	} {
		t.Run(name, func(t *testing.T) {
			api := newFakeAPI(t)
			theirs := tc.theirs
			theirs.UserID = "u-someone-else"
			api.AddKeypair(testProject, "dup", theirs)
			api.FailKeypairCalls("create", gatewayTrouble)
			resource.ParallelTest(t, resource.TestCase{
				ProtoV6ProviderFactories: testFactories,
				Steps: []resource.TestStep{{
					Config:      api.keypairConfig("  name = \"dup\"\n" + tc.ours),
					ExpectError: expectError("a key pair named dup already exists", "made by user u-someone-else", "terraform import ADDRESS", testProject+"/dup"),
				}},
			})
			kp, ok := api.KeypairOf(testProject, "dup")
			if !ok || kp.UserID != "u-someone-else" || kp.PublicKey != theirs.PublicKey && theirs.PublicKey != "" {
				t.Fatalf("the other user's key pair was changed: %+v", kp)
			}
			if n := api.KeypairCallCount("delete"); n != 0 || api.CreateRequests() != 1 {
				t.Fatalf("%d deletes and %d creates sent", n, api.CreateRequests())
			}
		})
	}
}

// TestAccKeypair_privateKeyAsPublicKey: file("id_ed25519") where the .pub
// belongs, or the key written in the configuration as a heredoc. The plan
// fails with an error that says so, and the key is in neither the CLI's
// output (no source lines of it under the error), nor a state, nor the
// TRACE log; nothing is sent.
func TestAccKeypair_privateKeyAsPublicKey(t *testing.T) {
	ws := cliWorkspace(t)
	api := newFakeAPI(t)
	if err := os.WriteFile(filepath.Join(ws.Dir, "id_ed25519"), []byte(importedPrivateKey), 0o600); err != nil {
		t.Fatal(err)
	}
	for name, value := range map[string]string{
		"file":    `file("id_ed25519")`,
		"heredoc": "<<-EOT\n" + importedPrivateKey + "EOT",
	} {
		config := requiredKPS + api.providerConfig() + `
resource "kps_keypair" "ci" {
  name       = "ci"
  public_key = ` + value + `
}
`
		if err := ws.WriteConfig(config); err != nil {
			t.Fatal(err)
		}
		logFile := filepath.Join(t.TempDir(), "trace.log")
		var out lockedBuffer
		err := ws.Run(t.Context(), &out, []string{"TF_LOG=TRACE", "TF_LOG_PATH=" + logFile}, "plan", "-input=false", "-no-color")
		if err == nil || !strings.Contains(out.String(), "public_key holds a private key") {
			t.Fatalf("%s: plan: %v\n%s", name, err, out.String())
		}
		trace, readErr := os.ReadFile(logFile)
		if readErr != nil || len(trace) == 0 {
			t.Fatalf("%s: no TRACE log: %v", name, readErr)
		}
		for line := range strings.Lines(importedPrivateKey) {
			if line = strings.TrimSpace(line); len(line) < 16 {
				continue
			}
			if strings.Contains(out.String(), line) || strings.Contains(string(trace), line) {
				t.Fatalf("%s: a line of the private key is in the CLI's output or the TRACE log", name)
			}
		}
	}
	if _, err := os.Stat(filepath.Join(ws.Dir, "terraform.tfstate")); !os.IsNotExist(err) {
		t.Fatalf("a state was written: %v", err)
	}
	if n := api.TotalRequests(); n != 0 {
		t.Fatalf("%d requests sent", n)
	}
}

// TestAccKeypairs_privateKeyAsFilter: a private key given as the
// public_key filter of kps_keypairs is refused, and saved nowhere (a data
// source's arguments go to state).
func TestAccKeypairs_privateKeyAsFilter(t *testing.T) {
	api := newFakeAPI(t)
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: testFactories,
		Steps: []resource.TestStep{{
			Config:      api.providerConfig() + fmt.Sprintf("data \"kps_keypairs\" \"all\" {\n  public_key = %q\n}\n", importedPrivateKey),
			ExpectError: expectError("The public_key filter holds a private key"),
		}},
	})
	if n := api.TotalRequests(); n != 0 {
		t.Fatalf("%d requests sent", n)
	}
}

// TestAccKeypair_keyMaterialChecked: what is no public key, or a private
// key that is encrypted or belongs to another public key, is refused at
// plan time naming the attribute; a name of 255 characters is accepted.
func TestAccKeypair_keyMaterialChecked(t *testing.T) {
	api := newFakeAPI(t)
	step := func(body, want string) resource.TestStep {
		return resource.TestStep{Config: api.keypairConfig(body), PlanOnly: true, ExpectError: expectError(want)}
	}
	withKey := func(public, private string) string {
		return fmt.Sprintf("  name = \"ci\"\n  public_key = %q\n  private_key_hosting = {}\n  private_key_wo = %q\n  private_key_wo_version = 1",
			public, private)
	}
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: testFactories,
		TerraformVersionChecks:   []tfversion.TerraformVersionCheck{tfversion.SkipBelow(tfversion.Version1_11_0)},
		Steps: []resource.TestStep{
			step(`  name = "e"`+"\n  public_key = \"\"", "public_key is empty"),
			step(`  name = "b"`+"\n  public_key = \"ssh-rsa not-base64\"", "public_key is not a public key KPS can import"),
			step(`  name = "x"`+"\n  type = \"x509\"\n  public_key = "+fmt.Sprintf("%q", importedPublicKey),
				"public_key is not a public key KPS can import"),
			step(withKey(importedPublicKey, testkeys.Other.OpenSSHPrivate), "private_key_wo does not belong to public_key"),
			step(withKey(importedPublicKey, testkeys.CI.EncryptedPrivate()), "private_key_wo is encrypted"),
			step(withKey(importedPublicKey, importedPublicKey), "private_key_wo is not a private key KPS can host"),
			{
				Config: api.keypairConfig(fmt.Sprintf("  name = %q\n  public_key = %q\n  private_key_hosting = {}\n"+
					"  private_key_wo = %q\n  private_key_wo_version = 1", strings.Repeat("n", 255), importedPublicKey,
					testkeys.CI.PKCS8Private)),
				PlanOnly: true, ExpectNonEmptyPlan: true,
			},
		},
	})
	if n := api.TotalRequests(); n != 0 {
		t.Fatalf("%d requests sent for configurations refused at plan time", n)
	}
}

// TestAccKeypair_newPrivateKeyForALongName: KPS's private-key import takes
// names of at most 64 characters, though its create takes 255: a key pair
// of 70 is made with its private key, and a new private_key_wo_version for
// it is refused at plan time rather than by KPS.
func TestAccKeypair_newPrivateKeyForALongName(t *testing.T) {
	api := newFakeAPI(t)
	config := func(version int) string {
		return api.keypairConfig(fmt.Sprintf("  name = %q\n  public_key = %q\n  private_key_hosting = {}\n"+
			"  private_key_wo = %q\n  private_key_wo_version = %d", strings.Repeat("n", 70), importedPublicKey,
			importedPrivateKey, version) + unprotected)
	}
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: testFactories,
		TerraformVersionChecks:   []tfversion.TerraformVersionCheck{tfversion.SkipBelow(tfversion.Version1_11_0)},
		Steps: []resource.TestStep{
			{Config: config(1), ConfigStateChecks: []statecheck.StateCheck{keypairAttr("private_key_hosted", knownvalue.Bool(true))}},
			{Config: config(2), PlanOnly: true, ExpectError: expectError("KPS cannot host a new private key", "at most 64 characters")},
		},
	})
}

// TestAccKeypair_importOfANormalisedKey: KPS holds an imported key without
// its comment; the configuration gives it with one. An import plans
// nothing after it, rather than a replacement (a new key); with hosting
// configured for a key KPS holds, an update that sends nothing.
func TestAccKeypair_importOfANormalisedKey(t *testing.T) {
	api := newFakeAPI(t)
	api.AddKeypair(testProject, "plain", kpsfake.Keypair{PublicKey: testkeys.CI.AuthorizedKeyNoComment})
	api.AddKeypair(testProject, "held", kpsfake.Keypair{PublicKey: testkeys.Other.AuthorizedKeyNoComment, Hosted: true,
		PrivateKey: testkeys.Other.OpenSSHPrivate})
	config := api.providerConfig() + fmt.Sprintf(`
resource "kps_keypair" "k" {
  name       = "plain"
  public_key = %q
}
resource "kps_keypair" "h" {
  name                = "held"
  public_key          = %q
  private_key_hosting = {}
  deletion_protection = false
}
`, importedPublicKey, testkeys.Other.AuthorizedKey)
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: testFactories,
		Steps: []resource.TestStep{
			{Config: config, ResourceName: "kps_keypair.k", ImportState: true, ImportStateId: "plain", ImportStatePersist: true},
			{Config: config, ResourceName: "kps_keypair.h", ImportState: true, ImportStateId: "held", ImportStatePersist: true},
			{
				Config: config,
				ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
					plancheck.ExpectResourceAction("kps_keypair.k", plancheck.ResourceActionNoop),
					plancheck.ExpectResourceAction("kps_keypair.h", plancheck.ResourceActionUpdate),
				}},
			},
			{Config: config, ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{plancheck.ExpectEmptyPlan()}}},
		},
	})
	// The test's own destroy deletes both at the end; before it, nothing
	// was made or sent again.
	if n := api.CreateRequests() + api.KeypairCallCount("import"); n != 0 {
		t.Fatalf("%d creates or private-key imports sent for key pairs adopted as they are", n)
	}
}

// TestAccKeypair_hostingAskedOfAnUnhostedKeyPair: private_key_hosting set
// on a key pair whose private key KPS does not hold, and no key sent, is
// never a silent empty plan: the plan warns and shows private_key_hosted
// changing, and the apply is refused naming both ways out, with nothing
// sent.
func TestAccKeypair_hostingAskedOfAnUnhostedKeyPair(t *testing.T) {
	api := newFakeAPI(t)
	body := fmt.Sprintf("  name = \"ci\"\n  public_key = %q", importedPublicKey)
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: testFactories,
		Steps: []resource.TestStep{
			{Config: api.keypairConfig(body)},
			{
				Config: api.keypairConfig(body + "\n  private_key_hosting = {}"),
				ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
					plancheck.ExpectResourceAction("kps_keypair.k", plancheck.ResourceActionUpdate),
				}},
				ExpectError: expectError("KPS holds no private key for ci", "private_key_wo with a new private_key_wo_version",
					"remove private_key_hosting"),
			},
		},
	})
	if n := api.KeypairCallCount("import"); n != 0 {
		t.Fatalf("%d private-key imports sent with no key to send", n)
	}
}

// TestAccKeypair_stopHostingAGeneratedPair: removing private_key_hosting
// from a pair KPS generated needs nothing else in the configuration: KPS
// forgets the key (with a warning), and the public key it made stays.
func TestAccKeypair_stopHostingAGeneratedPair(t *testing.T) {
	api := newFakeAPI(t)
	var publicKey string
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: testFactories,
		Steps: []resource.TestStep{
			{
				Config: api.keypairConfig("  name = \"gen\"\n  private_key_hosting = {}" + unprotected),
				Check: func(*terraform.State) error {
					kp, _ := api.KeypairOf(testProject, "gen")
					publicKey = kp.PublicKey
					return nil
				},
			},
			{
				Config: api.keypairConfig("  name = \"gen\"" + unprotected),
				ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
					plancheck.ExpectResourceAction("kps_keypair.k", plancheck.ResourceActionUpdate),
				}},
				ConfigStateChecks: []statecheck.StateCheck{keypairAttr("private_key_hosted", knownvalue.Bool(false))},
				Check: func(*terraform.State) error {
					if kp, _ := api.KeypairOf(testProject, "gen"); kp.Hosted || kp.PublicKey != publicKey || api.CreateRequests() != 1 {
						return fmt.Errorf("KPS still hosts the key (%v), or the key pair was made again (%d creates)", kp.Hosted, api.CreateRequests())
					}
					return nil
				},
			},
			{
				Config:           api.keypairConfig("  name = \"gen\"" + unprotected),
				ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{plancheck.ExpectEmptyPlan()}},
			},
		},
	})
}

// TestAccKeypair_safeCallsRetried: a gateway's 503 on the description PUT,
// the private-key clear and the delete is retried as a read's would be,
// and the apply and the destroy succeed.
func TestAccKeypair_safeCallsRetried(t *testing.T) {
	api := newFakeAPI(t)
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: testFactories,
		Steps: []resource.TestStep{
			{Config: api.keypairConfig("  name = \"ops\"\n  private_key_hosting = {}" + unprotected)},
			{
				PreConfig: func() {
					api.FailKeypairCalls("put", gatewayTrouble)
					api.FailKeypairCalls("clear", gatewayTrouble)
				},
				Config: api.keypairConfig("  name = \"ops\"\n  description = \"d\"" + unprotected),
				Check: func(*terraform.State) error {
					kp, _ := api.KeypairOf(testProject, "ops")
					if kp.Description != "d" || kp.Hosted || api.KeypairCallCount("put") != 2 || api.KeypairCallCount("clear") != 2 {
						return fmt.Errorf("description %q, hosted %v after %d PUTs and %d clears", kp.Description, kp.Hosted,
							api.KeypairCallCount("put"), api.KeypairCallCount("clear"))
					}
					// The test's destroy, after this step, meets one too.
					api.FailKeypairCalls("delete", gatewayTrouble)
					return nil
				},
			},
		},
		CheckDestroy: func(*terraform.State) error {
			if _, ok := api.KeypairOf(testProject, "ops"); ok || api.KeypairCallCount("delete") != 2 {
				return fmt.Errorf("the key pair is still there after %d deletes", api.KeypairCallCount("delete"))
			}
			return nil
		},
	})
}

// TestAccKeypairPrivateKey_exportRetried: a 503 on the export is retried;
// the ephemeral key opens.
func TestAccKeypairPrivateKey_exportRetried(t *testing.T) {
	api := newFakeAPI(t)
	api.AddKeypair(testProject, "ops", kpsfake.Keypair{Hosted: true, PrivateKey: importedPrivateKey})
	api.FailKeypairCalls("export", gatewayTrouble)
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: testFactories,
		TerraformVersionChecks:   []tfversion.TerraformVersionCheck{tfversion.SkipBelow(tfversion.Version1_10_0)},
		Steps: []resource.TestStep{{
			Config: api.providerConfig() + `
ephemeral "kps_keypair_private_key" "ops" {
  name = "ops"
}
`,
			Check: func(*terraform.State) error {
				if n := api.KeypairCallCount("export"); n < 2 {
					return fmt.Errorf("%d exports: the 503 was not retried", n)
				}
				return nil
			},
		}},
	})
}

// TestAccKeypair_keyLineQuotedInAnError: KPS refuses the private key it
// was sent, quoting one line of it (without its BEGIN line) in its
// error_msg. The error shows KPS's code and message with the line masked,
// and the line is in neither the CLI's output nor the TRACE log.
func TestAccKeypair_keyLineQuotedInAnError(t *testing.T) {
	ws := cliWorkspace(t)
	skipBelowCLI(t, tfversion.Version1_11_0)
	api := newFakeAPI(t)
	api.QuoteKeyLineInErrors()
	config := requiredKPS + api.providerConfig() + fmt.Sprintf(`
resource "kps_keypair" "ci" {
  name                   = "ci"
  public_key             = %q
  private_key_hosting    = {}
  private_key_wo         = %q
  private_key_wo_version = 1
}
`, importedPublicKey, importedPrivateKey)
	if err := ws.WriteConfig(config); err != nil {
		t.Fatal(err)
	}
	logFile := filepath.Join(t.TempDir(), "trace.log")
	var out lockedBuffer
	err := ws.Run(t.Context(), &out, []string{"TF_LOG=TRACE", "TF_LOG_PATH=" + logFile}, "apply", "-auto-approve", "-input=false", "-no-color")
	flat := strings.Join(strings.Fields(out.String()), " ")
	if err == nil || !strings.Contains(flat, "KPS.0002") || !strings.Contains(flat, "invalid private key near: ***") {
		t.Fatalf("apply: %v\n%s", err, out.String())
	}
	trace, readErr := os.ReadFile(logFile)
	if readErr != nil || !strings.Contains(string(trace), "KPS.0002") {
		t.Fatalf("the TRACE log does not show the refusal: %v", readErr)
	}
	if strings.Contains(out.String(), importedKeyLine) || strings.Contains(string(trace), importedKeyLine) {
		t.Fatal("the quoted line of the private key is in the CLI's output or the TRACE log")
	}
}

// TestAccKeypair_deletionProtection: a generated key pair, whose private
// key only KPS holds, is protected by default: a destroy, its removal from
// the configuration and a replacement are refused at plan time, naming it
// and how to proceed, and nothing is deleted. With deletion_protection =
// false applied, the test's own destroy deletes it.
func TestAccKeypair_deletionProtection(t *testing.T) {
	api := newFakeAPI(t)
	config := api.keypairConfig("  name = \"only-copy\"\n  private_key_hosting = {}")
	refused := expectError("KPS key pair only-copy is protected from deletion", "KPS holds its private key",
		"set deletion_protection = false")
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: testFactories,
		Steps: []resource.TestStep{
			{Config: config, ConfigStateChecks: []statecheck.StateCheck{keypairAttr("deletion_protection", knownvalue.Bool(true))}},
			{Config: config, Destroy: true, ExpectError: refused},
			{Config: api.providerConfig(), ExpectError: refused},
			{Config: api.keypairConfig("  name = \"only-copy\"\n  scope = \"account\"\n  private_key_hosting = {}"), ExpectError: refused},
			{
				PreConfig: func() {
					if n := api.KeypairCallCount("delete"); n != 0 {
						t.Fatalf("%d deletes sent for a protected key pair", n)
					}
				},
				Config:            api.keypairConfig("  name = \"only-copy\"\n  private_key_hosting = {}" + unprotected),
				ConfigStateChecks: []statecheck.StateCheck{keypairAttr("deletion_protection", knownvalue.Bool(false))},
			},
		},
	})
}

// TestAccKeypair_madeAgainElsewhere: the key pair this state made is
// deleted outside Terraform and another made under its name, with another
// key. The refresh forgets it with a warning, never replacing or deleting
// the other; the create after fails, naming whose it is.
func TestAccKeypair_madeAgainElsewhere(t *testing.T) {
	api := newFakeAPI(t)
	config := api.keypairConfig(fmt.Sprintf("  name = \"ci\"\n  public_key = %q", importedPublicKey))
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: testFactories,
		Steps: []resource.TestStep{
			{Config: config},
			{
				PreConfig: func() {
					api.DeleteKeypairOf(testProject, "ci")
					api.AddKeypair(testProject, "ci", kpsfake.Keypair{PublicKey: testkeys.Other.AuthorizedKey, UserID: "u-other"})
				},
				Config:      config,
				ExpectError: expectError("a key pair named ci already exists", "made by user u-other"),
			},
		},
	})
	if kp, ok := api.KeypairOf(testProject, "ci"); !ok || kp.PublicKey != testkeys.Other.AuthorizedKey || api.KeypairCallCount("delete") != 0 {
		t.Fatalf("the other key pair was deleted or changed (%d deletes)", api.KeypairCallCount("delete"))
	}
}

// TestAccKeypair_protectedFromReplaceAndTaint: terraform apply -replace and
// a tainted resource plan a deletion the provider is not shown while
// planning; the apply refuses it all the same, and nothing is deleted.
func TestAccKeypair_protectedFromReplaceAndTaint(t *testing.T) {
	ws := cliWorkspace(t)
	api := newFakeAPI(t)
	config := requiredKPS + api.providerConfig() + `
resource "kps_keypair" "k" {
  name                = "only-copy"
  private_key_hosting = {}
}
`
	if err := ws.WriteConfig(config); err != nil {
		t.Fatal(err)
	}
	run := func(args ...string) (string, error) {
		var out lockedBuffer
		err := ws.Run(t.Context(), &out, nil, args...)
		return strings.Join(strings.Fields(out.String()), " "), err
	}
	if out, err := run("apply", "-auto-approve", "-input=false", "-no-color"); err != nil {
		t.Fatalf("apply: %v\n%s", err, out)
	}
	if out, err := run("apply", "-auto-approve", "-input=false", "-no-color", "-replace=kps_keypair.k"); err == nil ||
		!strings.Contains(out, "KPS key pair only-copy is protected from deletion") {
		t.Fatalf("apply -replace: %v\n%s", err, out)
	}
	if out, err := run("taint", "kps_keypair.k"); err != nil {
		t.Fatalf("taint: %v\n%s", err, out)
	}
	if out, err := run("apply", "-auto-approve", "-input=false", "-no-color"); err == nil ||
		!strings.Contains(out, "is protected from deletion") || !strings.Contains(out, "untaint") {
		t.Fatalf("apply of a tainted key pair: %v\n%s", err, out)
	}
	if n := api.KeypairCallCount("delete"); n != 0 || api.CreateRequests() != 1 {
		t.Fatalf("%d deletes and %d creates: the protected key pair was replaced", n, api.CreateRequests())
	}
}

// TestAccKeypair_madeAgainElsewhereUnrefreshed: a plan made with
// -refresh=false cannot see that the key pair was made again elsewhere
// with another key; the update refuses to change it, and the destroy
// forgets it rather than deleting it.
func TestAccKeypair_madeAgainElsewhereUnrefreshed(t *testing.T) {
	ws := cliWorkspace(t)
	api := newFakeAPI(t)
	config := func(hosting string) string {
		return requiredKPS + api.providerConfig() + `
resource "kps_keypair" "k" {
  name                = "gen"
  deletion_protection = false
` + hosting + `
}
`
	}
	var out lockedBuffer
	apply := func(hosting, command string, args ...string) error {
		if err := ws.WriteConfig(config(hosting)); err != nil {
			t.Fatal(err)
		}
		out = lockedBuffer{}
		return ws.Run(t.Context(), &out, nil, append([]string{command, "-input=false", "-no-color", "-auto-approve"}, args...)...)
	}
	if err := apply("  private_key_hosting = {}", "apply"); err != nil {
		t.Fatalf("apply: %v\n%s", err, out.String())
	}
	api.DeleteKeypairOf(testProject, "gen")
	api.AddKeypair(testProject, "gen", kpsfake.Keypair{UserID: "u-other", Hosted: true, PrivateKey: testkeys.Other.OpenSSHPrivate,
		PublicKey: testkeys.Other.AuthorizedKey})
	if err := apply("", "apply", "-refresh=false"); err == nil || !strings.Contains(out.String(), "now holds another key") {
		t.Fatalf("an unrefreshed update of a key pair made again elsewhere: %v\n%s", err, out.String())
	}
	if err := apply("", "destroy", "-refresh=false"); err != nil || !strings.Contains(out.String(), "was not deleted") {
		t.Fatalf("an unrefreshed destroy: %v\n%s", err, out.String())
	}
	if kp, ok := api.KeypairOf(testProject, "gen"); !ok || !kp.Hosted || api.KeypairCallCount("clear")+api.KeypairCallCount("delete") != 0 {
		t.Fatalf("the other user's key pair was changed or deleted: %+v", kp)
	}
}

// TestAccKeypair_protectionFollowsKPS: deletion_protection left to its
// default follows whether KPS holds the private key: once the key is
// cleared outside Terraform, the refresh of terraform destroy lifts it,
// and the key pair is deleted. (The test harness destroys without a
// refresh, so the CLI is run here.)
func TestAccKeypair_protectionFollowsKPS(t *testing.T) {
	ws := cliWorkspace(t)
	api := newFakeAPI(t)
	config := requiredKPS + api.providerConfig() + `
resource "kps_keypair" "k" {
  name                = "cleared"
  private_key_hosting = {}
}
`
	if err := ws.WriteConfig(config); err != nil {
		t.Fatal(err)
	}
	var out lockedBuffer
	if err := ws.Run(t.Context(), &out, nil, "apply", "-auto-approve", "-input=false", "-no-color"); err != nil {
		t.Fatalf("apply: %v\n%s", err, out.String())
	}
	if err := testClient(t, api).ClearPrivateKey(t.Context(), testProject, "cleared"); err != nil {
		t.Fatal(err)
	}
	if err := ws.Run(t.Context(), &out, nil, "destroy", "-auto-approve", "-input=false", "-no-color"); err != nil {
		t.Fatalf("destroy once KPS holds no key: %v\n%s", err, out.String())
	}
	if _, ok := api.KeypairOf(testProject, "cleared"); ok {
		t.Fatal("the key pair is still there")
	}
}
