package provider

import (
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/knownvalue"
	"github.com/hashicorp/terraform-plugin-testing/plancheck"
	"github.com/hashicorp/terraform-plugin-testing/statecheck"
	"github.com/hashicorp/terraform-plugin-testing/terraform"
	"github.com/hashicorp/terraform-plugin-testing/tfjsonpath"
	"github.com/hashicorp/terraform-plugin-testing/tfversion"

	"github.com/kpsops/terraform-provider-kps/internal/dev/kpsfake"
	"github.com/kpsops/terraform-provider-kps/internal/dev/testkeys"
)

// importedPublicKey and importedPrivateKey are a pair the tests import;
// importedKeyLine, a line of the private key, is what the tests look for
// where no private key may be.
var (
	importedPublicKey  = testkeys.CI.AuthorizedKey
	importedPrivateKey = testkeys.CI.OpenSSHPrivate
	importedKeyLine    = kpsfake.LongestLine(importedPrivateKey)
)

// generatedKeyLine is a line of the private key the stand-in generates for
// key pair name: what the tests look for where that key may not be.
func generatedKeyLine(name string) string { return kpsfake.LongestLine(kpsfake.PrivateKeyOf(name)) }

// unprotected is the line that lets a test's last destroy delete a key
// pair whose private key KPS holds.
const unprotected = "\n  deletion_protection = false"

// keypairConfig is a kps_keypair "k" with body.
func (f *fakeAPI) keypairConfig(body string) string {
	return f.providerConfig() + fmt.Sprintf("resource \"kps_keypair\" \"k\" {\n%s\n}\n", body)
}

func keypairAttr(name string, v knownvalue.Check) statecheck.StateCheck {
	return statecheck.ExpectKnownValue("kps_keypair.k", tfjsonpath.New(name), v)
}

// TestAccKeypair_generatedAndHosted: KPS generates the pair and hosts its
// private key, which is in neither the state nor the plan; a description is
// set in place; the same configuration plans nothing; a key pair deleted
// elsewhere plans a create.
func TestAccKeypair_generatedAndHosted(t *testing.T) {
	api := newFakeAPI(t)
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: testFactories,
		Steps: []resource.TestStep{
			{
				Config:           api.keypairConfig("  name = \"ops\"\n  private_key_hosting = {}" + unprotected),
				ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{planDoesNotContain{"a private key", generatedKeyLine("ops")}}},
				ConfigStateChecks: []statecheck.StateCheck{
					keypairAttr("private_key_hosted", knownvalue.Bool(true)),
					keypairAttr("public_key", knownvalue.StringRegexp(regexp.MustCompile(`^ssh-ed25519 `))),
					// KPS shows OpenSSH's MD5 fingerprint, as colon-separated hex.
					keypairAttr("fingerprint", knownvalue.StringRegexp(regexp.MustCompile(`^([0-9a-f]{2}:){15}[0-9a-f]{2}$`))),
					keypairAttr("type", knownvalue.StringExact("ssh")),
					keypairAttr("scope", knownvalue.StringExact("user")),
					keypairAttr("created_at", knownvalue.StringRegexp(regexp.MustCompile(`^\d{4}-\d\d-\d\dT`))),
					keypairAttr("private_key_hosting", knownvalue.ObjectExact(map[string]knownvalue.Check{
						"encryption": knownvalue.StringExact("default"), "kms_key_id": knownvalue.Null(), "kms_key_name": knownvalue.Null(),
					})),
					stateDoesNotContain("a private key", generatedKeyLine("ops")),
				},
				Check: func(*terraform.State) error {
					if kp, ok := api.KeypairOf(testProject, "ops"); !ok || !kp.Hosted || api.CreateRequests() != 1 {
						return fmt.Errorf("the stand-in holds %+v after %d creates", kp, api.CreateRequests())
					}
					return nil
				},
			},
			{
				Config:           api.keypairConfig("  name = \"ops\"\n  private_key_hosting = {}" + unprotected),
				ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{plancheck.ExpectEmptyPlan()}},
			},
			{
				Config: api.keypairConfig("  name = \"ops\"\n  description = \"rotated yearly\"\n  private_key_hosting = {}" + unprotected),
				ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
					plancheck.ExpectResourceAction("kps_keypair.k", plancheck.ResourceActionUpdate),
				}},
				Check: func(*terraform.State) error {
					if kp, _ := api.KeypairOf(testProject, "ops"); kp.Description != "rotated yearly" || api.CreateRequests() != 1 {
						return fmt.Errorf("description %q after %d creates", kp.Description, api.CreateRequests())
					}
					return nil
				},
			},
			{
				// Deleted elsewhere: the refresh removes it, and the plan creates it.
				PreConfig: func() { api.DeleteKeypairOf(testProject, "ops") },
				Config:    api.keypairConfig("  name = \"ops\"\n  description = \"rotated yearly\"\n  private_key_hosting = {}" + unprotected),
				ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
					plancheck.ExpectResourceAction("kps_keypair.k", plancheck.ResourceActionCreate),
				}},
				Check: func(*terraform.State) error {
					if _, ok := api.KeypairOf(testProject, "ops"); !ok || api.CreateRequests() != 2 {
						return fmt.Errorf("the key pair was not created again (%d creates)", api.CreateRequests())
					}
					return nil
				},
			},
		},
	})
}

// TestAccKeypair_importedPublicKey: a public key imported, with no private
// key hosted; KPS's copy without the comment is no change; import by name
// plans nothing after.
func TestAccKeypair_importedPublicKey(t *testing.T) {
	api := newFakeAPI(t)
	config := api.keypairConfig(fmt.Sprintf("  name = \"ci\"\n  public_key = %q", importedPublicKey))
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: testFactories,
		Steps: []resource.TestStep{
			{
				Config: config,
				ConfigStateChecks: []statecheck.StateCheck{
					keypairAttr("private_key_hosted", knownvalue.Bool(false)),
					keypairAttr("public_key", knownvalue.StringExact(importedPublicKey)),
				},
			},
			{
				// KPS now reports the key without its comment: no change.
				PreConfig: func() {
					api.SetKeypairPublicKey(testProject, "ci", strings.TrimSuffix(importedPublicKey, " ci@example"))
				},
				Config:           config,
				ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{plancheck.ExpectEmptyPlan()}},
			},
			{
				Config:            config,
				ResourceName:      "kps_keypair.k",
				ImportState:       true,
				ImportStateId:     testProject + "/ci",
				ImportStateVerify: true,
				// KPS gives the key back without its comment; the configured text is what state keeps.
				ImportStateVerifyIgnore: []string{"public_key"},
			},
		},
	})
}

// TestAccKeypair_importByName: a key pair made by hand, imported by name,
// plans nothing after with a configuration that matches it, and one that
// sets private_key_hosting for the key KPS already holds plans an update
// that sends nothing.
func TestAccKeypair_importByName(t *testing.T) {
	api := newFakeAPI(t)
	api.AddKeypair(testProject, "byhand", kpsfake.Keypair{Hosted: true, PrivateKey: importedPrivateKey, Description: "made by hand"})
	// The configuration sets deletion_protection, so that the test can end
	// with a destroy: the first plan after the import records that.
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: testFactories,
		Steps: []resource.TestStep{
			{
				Config:             api.keypairConfig("  name = \"byhand\"\n  description = \"made by hand\"\n  private_key_hosting = {}" + unprotected),
				ResourceName:       "kps_keypair.k",
				ImportState:        true,
				ImportStateId:      "byhand",
				ImportStatePersist: true,
			},
			{
				Config: api.keypairConfig("  name = \"byhand\"\n  description = \"made by hand\"\n  private_key_hosting = {}" + unprotected),
				ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
					plancheck.ExpectResourceAction("kps_keypair.k", plancheck.ResourceActionUpdate),
				}},
			},
			{
				Config:           api.keypairConfig("  name = \"byhand\"\n  description = \"made by hand\"\n  private_key_hosting = {}" + unprotected),
				ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{plancheck.ExpectEmptyPlan()}},
			},
		},
	})
	if n := api.CreateRequests(); n != 0 {
		t.Fatalf("%d creates for an imported key pair", n)
	}
}

// TestAccKeypair_planTimeChecks: what KPS would refuse, or what would lose a
// private key, is an error at plan time naming the attribute; nothing is
// sent.
func TestAccKeypair_planTimeChecks(t *testing.T) {
	api := newFakeAPI(t)
	step := func(body, want string) resource.TestStep {
		return resource.TestStep{Config: api.keypairConfig(body), PlanOnly: true, ExpectError: expectError(want)}
	}
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: testFactories,
		Steps: []resource.TestStep{
			step(`  name = "gen"`, "A generated key pair needs private_key_hosting"),
			step(fmt.Sprintf("  name = \"pub\"\n  public_key = %q\n  private_key_hosting = {}", importedPublicKey),
				"private_key_hosting needs private_key_wo here"),
			step("  name = \"kms\"\n  private_key_hosting = { encryption = \"kms\" }", "KMS encryption needs exactly one KMS key"),
			step("  name = \"kms2\"\n  private_key_hosting = { kms_key_id = \"k1\" }", "A KMS key without KMS encryption"),
			step("  name = \"bad/name\"\n  private_key_hosting = {}", "Attribute name must be 1 to 255 characters"),
		},
	})
	if n := api.TotalRequests(); n != 0 {
		t.Fatalf("%d requests sent for configurations refused at plan time", n)
	}
}

// TestAccKeypair_privateKeyHosted: an imported pair whose private key KPS
// hosts, sent write-only; a new private_key_wo_version sends it again;
// removing private_key_hosting has KPS forget it. The key is in neither
// plan nor state at any step.
func TestAccKeypair_privateKeyHosted(t *testing.T) {
	api := newFakeAPI(t)
	config := func(key string, version int) string {
		return api.keypairConfig(fmt.Sprintf("  name = \"ci\"\n  public_key = %q\n  private_key_hosting = {}", importedPublicKey) +
			fmt.Sprintf("\n  private_key_wo = %q\n  private_key_wo_version = %d", key, version) + unprotected)
	}
	// The same key in another form (PKCS#8): KPS hosts what it is sent.
	rotated := testkeys.CI.PKCS8Private
	noKey := planDoesNotContain{"the private key", importedKeyLine}
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: testFactories,
		TerraformVersionChecks:   []tfversion.TerraformVersionCheck{tfversion.SkipBelow(tfversion.Version1_11_0)},
		Steps: []resource.TestStep{
			{
				Config:            config(importedPrivateKey, 1),
				ConfigPlanChecks:  resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{noKey}},
				ConfigStateChecks: []statecheck.StateCheck{keypairAttr("private_key_hosted", knownvalue.Bool(true)), stateDoesNotContain("the private key", importedKeyLine)},
				Check:             api.hosts("ci", importedPrivateKey),
			},
			{
				Config: config(rotated, 2),
				ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
					plancheck.ExpectResourceAction("kps_keypair.k", plancheck.ResourceActionUpdate), noKey,
				}},
				ConfigStateChecks: []statecheck.StateCheck{stateDoesNotContain("the private key", kpsfake.LongestLine(rotated))},
				Check:             api.hosts("ci", rotated),
			},
			{
				Config: api.keypairConfig(fmt.Sprintf("  name = \"ci\"\n  public_key = %q", importedPublicKey)),
				ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
					plancheck.ExpectResourceAction("kps_keypair.k", plancheck.ResourceActionUpdate),
				}},
				ConfigStateChecks: []statecheck.StateCheck{keypairAttr("private_key_hosted", knownvalue.Bool(false))},
				Check:             api.hosts("ci", ""),
			},
		},
	})
}

// hosts checks the private key the stand-in hosts for name ("" for none).
func (f *fakeAPI) hosts(name, key string) resource.TestCheckFunc {
	return func(*terraform.State) error {
		kp, _ := f.KeypairOf(testProject, name)
		// The keys are not printed: a test's output holds no private key.
		if kp.PrivateKey != key || kp.Hosted != (key != "") {
			return fmt.Errorf("the stand-in hosts another private key (hosted %v) for %s than the one given", kp.Hosted, name)
		}
		return nil
	}
}

// TestAccKeypair_lostCreateAnswer: the create's answer is lost, and the
// key pair it made is adopted, not reported as someone else's: made at once
// (a 500 after the fact: read by name, one create sent), or landing late
// (a 504, nothing there yet, and the second send told the name is taken by
// the key pair the first made: two creates sent).
func TestAccKeypair_lostCreateAnswer(t *testing.T) {
	for name, tc := range map[string]struct {
		lose  func(*fakeAPI)
		sends int
	}{
		"made at once": {func(api *fakeAPI) { api.LoseCreateAnswers(1) }, 1},
		"landing late": {func(api *fakeAPI) { api.LandCreatesLate(1) }, 2},
	} {
		t.Run(name, func(t *testing.T) {
			api := newFakeAPI(t)
			tc.lose(api)
			resource.ParallelTest(t, resource.TestCase{
				ProtoV6ProviderFactories: testFactories,
				Steps: []resource.TestStep{{
					Config:            api.keypairConfig("  name = \"lost\"\n  private_key_hosting = {}" + unprotected),
					ConfigStateChecks: []statecheck.StateCheck{keypairAttr("private_key_hosted", knownvalue.Bool(true))},
					Check: func(*terraform.State) error {
						if n := api.CreateRequests(); n != tc.sends {
							return fmt.Errorf("%d creates sent, want %d", n, tc.sends)
						}
						return nil
					},
				}},
			})
		})
	}
}

// TestAccKeypair_nameTaken: a create of a name someone else took is an
// error that says so and how to import it; nothing is saved.
func TestAccKeypair_nameTaken(t *testing.T) {
	api := newFakeAPI(t)
	api.AddKeypair(testProject, "taken", kpsfake.Keypair{})
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: testFactories,
		Steps: []resource.TestStep{{
			Config:      api.keypairConfig("  name = \"taken\"\n  private_key_hosting = {}"),
			ExpectError: expectError("a key pair named taken already exists", "terraform import", testProject+"/taken"),
		}},
	})
}

// TestAccKeypair_traceLog: create, read, update and import of key pairs
// whose private keys cross the wire both ways, with TF_LOG=TRACE: no
// private key is in the log, nor in the CLI's output.
func TestAccKeypair_traceLog(t *testing.T) {
	ws := cliWorkspace(t)
	skipBelowCLI(t, tfversion.Version1_11_0)
	api := newFakeAPI(t)
	config := func(version int) string {
		return requiredKPS + api.providerConfig() + fmt.Sprintf(`
resource "kps_keypair" "gen" {
  name                = "gen"
  private_key_hosting = {}
}
resource "kps_keypair" "ci" {
  name                   = "ci"
  public_key             = %q
  private_key_hosting    = {}
  private_key_wo         = %q
  private_key_wo_version = %d
  deletion_protection    = false
}
`, importedPublicKey, importedPrivateKey, version)
	}
	logFile := filepath.Join(t.TempDir(), "trace.log")
	env := []string{"TF_LOG=TRACE", "TF_LOG_PATH=" + logFile}
	var out lockedBuffer
	for version := 1; version <= 2; version++ {
		if err := ws.WriteConfig(config(version)); err != nil {
			t.Fatal(err)
		}
		if err := ws.Run(t.Context(), &out, env, "apply", "-auto-approve", "-input=false", "-no-color"); err != nil {
			t.Fatalf("apply: %v\n%s", err, out.String())
		}
	}
	trace, err := os.ReadFile(logFile)
	if err != nil || !strings.Contains(string(trace), "private-key/import") || !strings.Contains(string(trace), "KPS response body") {
		t.Fatalf("the TRACE log has no import and no bodies (%v)", err)
	}
	for _, secret := range []string{generatedKeyLine("gen"), importedKeyLine} {
		if strings.Contains(string(trace), secret) || strings.Contains(out.String(), secret) {
			t.Fatalf("a private key (%s) is in the TRACE log or the CLI's output", secret)
		}
	}
	if state := readState(t, ws); strings.Contains(state, generatedKeyLine("gen")) || strings.Contains(state, importedKeyLine) {
		t.Fatal("a private key is in the state file")
	}
}

// TestAccKeypair_createFailsAfterTheKeyPairExists: the description cannot be
// set after the key pair was made; it is saved all the same, tainted, so
// that nothing is left behind unmanaged, and the next apply replaces it.
func TestAccKeypair_createFailsAfterTheKeyPairExists(t *testing.T) {
	api := newFakeAPI(t)
	// The PUT is retried like a read: with max_retries = 0, one failure is
	// final.
	api.FailUpdates(1)
	config := strings.Replace(api.keypairConfig("  name = \"half\"\n  description = \"d\"\n  private_key_hosting = {}"+unprotected),
		"provider \"kps\" {", "provider \"kps\" {\n  max_retries = 0", 1)
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: testFactories,
		Steps: []resource.TestStep{
			{
				Config:      config,
				ExpectError: expectError("KPS key pair half was created, but its description could not be set", "tainted"),
			},
			{
				Config: config,
				ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
					plancheck.ExpectResourceAction("kps_keypair.k", plancheck.ResourceActionDestroyBeforeCreate),
				}},
				ConfigStateChecks: []statecheck.StateCheck{keypairAttr("description", knownvalue.StringExact("d"))},
			},
		},
	})
}

// TestAccKeypair_kmsAndAccountScope: a generated pair hosted with a KMS key,
// visible to the whole account: KPS is asked for encryption kms with that
// key and scope domain, and the state says account.
func TestAccKeypair_kmsAndAccountScope(t *testing.T) {
	api := newFakeAPI(t)
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: testFactories,
		Steps: []resource.TestStep{{
			Config: api.keypairConfig("  name = \"shared\"\n  scope = \"account\"\n  type = \"x509\"\n" +
				"  private_key_hosting = {\n    encryption = \"kms\"\n    kms_key_id = \"kms-key-1\"\n  }" + unprotected),
			ConfigStateChecks: []statecheck.StateCheck{
				keypairAttr("scope", knownvalue.StringExact("account")),
				keypairAttr("type", knownvalue.StringExact("x509")),
			},
			Check: func(*terraform.State) error {
				kp, _ := api.KeypairOf(testProject, "shared")
				if kp.Scope != "domain" || kp.Encryption != "kms" || kp.Type != "x509" || !kp.Hosted {
					return fmt.Errorf("the stand-in holds scope %q, encryption %q, type %q", kp.Scope, kp.Encryption, kp.Type)
				}
				return nil
			},
		}},
	})
}

// TestAccKeypair_deleteRefused: KPS refuses the delete (a key pair still
// bound, say): the error shows KPS's code and message, and the state keeps
// the key pair, so the plan after is empty.
func TestAccKeypair_deleteRefused(t *testing.T) {
	api := newFakeAPI(t)
	config := api.keypairConfig("  name = \"bound\"\n  private_key_hosting = {}" + unprotected)
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: testFactories,
		Steps: []resource.TestStep{
			{Config: config},
			{
				PreConfig: func() {
					api.RefuseDeletes(&kpsfake.TaskFailure{Code: "KPS.0130", Message: "The key pair is bound to servers"})
				},
				Config:      config,
				Destroy:     true,
				ExpectError: expectError("Cannot delete KPS key pair bound", "KPS.0130", "The key pair is bound to servers"),
			},
			{
				PreConfig:        func() { api.RefuseDeletes(nil) },
				Config:           config,
				ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{plancheck.ExpectEmptyPlan()}},
			},
		},
	})
}

// TestAccKeypair_hostingChangedWhileHosted: a new private_key_hosting for a
// key KPS already holds, with no new private_key_wo_version, sends nothing
// (KPS cannot re-encrypt a key without being sent it): the state records
// the new settings, and KPS's encryption is what it was.
func TestAccKeypair_hostingChangedWhileHosted(t *testing.T) {
	api := newFakeAPI(t)
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: testFactories,
		Steps: []resource.TestStep{
			{Config: api.keypairConfig("  name = \"ops\"\n  private_key_hosting = {}" + unprotected)},
			{
				Config: api.keypairConfig("  name = \"ops\"\n  private_key_hosting = {\n    encryption = \"kms\"\n    kms_key_name = \"kps/ops\"\n  }" + unprotected),
				ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
					plancheck.ExpectResourceAction("kps_keypair.k", plancheck.ResourceActionUpdate),
				}},
				ConfigStateChecks: []statecheck.StateCheck{
					keypairAttr("private_key_hosting", knownvalue.ObjectPartial(map[string]knownvalue.Check{"encryption": knownvalue.StringExact("kms")})),
					keypairAttr("private_key_hosted", knownvalue.Bool(true)),
				},
				Check: func(*terraform.State) error {
					if kp, _ := api.KeypairOf(testProject, "ops"); kp.Encryption != "default" || !kp.Hosted {
						return fmt.Errorf("KPS's encryption is %q: something was sent", kp.Encryption)
					}
					return nil
				},
			},
		},
	})
}
