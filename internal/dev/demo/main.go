// Command demo shows the provider doing its job with no cloud account: it
// builds the provider, serves a KPS stand-in on loopback with one task moving
// READY -> RUNNING -> SUCCESS, and runs Terraform on examples/demo, which reads
// the task, waits for it, gates a terraform_data resource on the wait, and
// rotates the server's key pair, once it is idle, to one KPS generates and
// hosts, with a write-only key; a CLI that runs actions also rotates a second
// server with kps_associate_keypair. Then, on a CLI with write-only
// arguments, it runs examples/rotation twice, each time as a saved plan and
// its apply, to show that no private key reaches the saved plan or the state.
//
// Run it from the repository root: go run ./internal/dev/demo (or make demo).
// With -access-key, the provider signs its requests with a temporary access
// key instead of sending a token, and finds the project from the region
// through the stand-in's IAM (make demo DEMO_ARGS=-access-key).
package main

import (
	"context"
	"flag"
	"fmt"
	"os"
	"os/exec"
	"os/signal"
	"path/filepath"
	"regexp"
	"strings"
	"time"

	"github.com/kpsops/terraform-provider-kps/internal/dev/kpsfake"
	"github.com/kpsops/terraform-provider-kps/internal/dev/tfrun"
)

const (
	demoToken   = "demo-token-not-a-secret"
	demoRegion  = "cn-north-4"
	demoProject = "0123456789abcdef0123456789abcdef"
	// A temporary access key, as an agency or an SSO sign-in hands out.
	demoAccessKey     = "HSTADEMOACCESSKEY"
	demoSecretKey     = "demo-secret-key-not-a-secret"
	demoSecurityToken = "demo-security-token-not-a-secret"
	demoTask          = "aee8d2fe-5484-4753-9177-5a38dc15546c"
	demoServer        = "c9aa197b-a6b6-4c33-b3a6-fa0b4ec50006"
	// A task someone else started on the same server, whose ID the
	// configuration does not know.
	demoOtherTask = "5f0c6a1e-2b7d-4c1e-9a53-0d4e8f1b2c3d"
	// The server the action rotates, when the CLI runs actions.
	demoNewServer = "0b6c4a1e-7d2f-4e8a-9c3b-5f1d2e3a4b5c"
	// The private key of the key pair the server has now, kp-2025.
	demoKey = "-----BEGIN OPENSSH PRIVATE KEY-----\ndemo-key-of-kp-2025-not-a-secret\n-----END OPENSSH PRIVATE KEY-----\n"
)

func main() {
	accessKey := flag.Bool("access-key", false, "sign requests with a temporary access key, and find the project from the region, instead of using a token and a project ID")
	flag.Parse()
	if err := run(*accessKey); err != nil {
		fmt.Fprintln(os.Stderr, "demo failed:", err)
		os.Exit(1)
	}
}

func run(accessKey bool) error {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt)
	defer stop()

	if _, err := exec.LookPath(tfrun.CLI()); err != nil {
		return fmt.Errorf("the demo needs the Terraform CLI (or OpenTofu, with TF=tofu): %w", err)
	}
	config, err := os.ReadFile(filepath.Join("examples", "demo", "main.tf"))
	if err != nil {
		return fmt.Errorf("run the demo from the repository root: %w", err)
	}
	root, err := os.MkdirTemp("", "kps-demo-")
	if err != nil {
		return err
	}
	defer os.RemoveAll(root)

	step("Building the provider")
	// Terraform finds the provider just built through dev_overrides, so the
	// demo needs no registry and no terraform init.
	ws, err := tfrun.New(ctx, root, ".")
	if err != nil {
		return err
	}
	cli, _ := tfrun.Version(tfrun.CLI())
	withActions := tfrun.HasActions(cli)
	if withActions {
		onCreate, err := os.ReadFile(filepath.Join("examples", "demo", "actions", "rotate_on_create.tf"))
		if err != nil {
			return err
		}
		config = append(append(config, '\n'), onCreate...)
		fmt.Printf("%s runs actions: the demo adds a server-like resource whose creation triggers the kps_associate_keypair action.\n", cli)
	}
	if !tfrun.HasWriteOnly(cli) {
		fmt.Printf("%s has no write-only arguments (Terraform and OpenTofu 1.11 have): the demo passes the key as auth.key, kept in state (sensitive).\n", cli)
		config = withoutWriteOnly(config)
	}
	if err := ws.WriteConfig(string(config)); err != nil {
		return err
	}

	step("Starting the KPS stand-in")
	fake := kpsfake.New(demoToken)
	fake.AddAccessKey(demoAccessKey, demoSecretKey, demoSecurityToken)
	fake.AddRegionProject(demoRegion, demoProject)
	fake.AddTask(demoProject, demoTask, kpsfake.Task{
		ServerID: demoServer,
		Timeline: []kpsfake.Step{
			{At: 0, Status: "READY_RESET"},
			{At: 2 * time.Second, Status: "RUNNING_RESET"},
			{At: 6 * time.Second, Status: "SUCCESS_RESET"},
		},
	})
	otherTaskStart := time.Now()
	fake.AddTask(demoProject, demoOtherTask, kpsfake.Task{
		ServerID:  demoServer,
		FromStart: true, // it runs from now, whether or not anyone reads it
		Timeline: []kpsfake.Step{
			{At: 0, Status: "RUNNING_REPLACE"},
			{At: 10 * time.Second, Status: "SUCCESS_REPLACE"},
		},
	})
	fake.AddServer(demoProject, demoServer, kpsfake.ECS{
		Name: "web-1", Keypair: "kp-2025", PrivateKey: demoKey, TaskDuration: 3 * time.Second,
	})
	fake.AddServer(demoProject, demoNewServer, kpsfake.ECS{
		Name: "web-2", Keypair: "kp-2025", PrivateKey: demoKey, TaskDuration: 3 * time.Second,
	})
	rotate := tfrun.HasWriteOnly(cli)
	if rotate {
		addRotationServer(fake)
	}
	endpoint, stopFake, err := kpsfake.ServeLoopback(ctx, fake)
	if err != nil {
		return err
	}
	defer stopFake()
	fmt.Printf("KPS stand-in at %s: task %s goes READY_RESET -> RUNNING_RESET (2 s) -> SUCCESS_RESET (6 s) from its first read;\n"+
		"task %s, started by someone else on the same server, runs until SUCCESS_REPLACE 10 s from now\n", endpoint, demoTask, demoOtherTask)

	env := []string{"HW_KPS_ENDPOINT=" + endpoint, "TF_VAR_task_id=" + demoTask, "TF_VAR_current_private_key=" + demoKey,
		"TF_VAR_action_private_key=" + demoKey}
	if accessKey {
		env = append(env, "HW_ACCESS_KEY="+demoAccessKey, "HW_SECRET_KEY="+demoSecretKey,
			"HW_SECURITY_TOKEN="+demoSecurityToken, "HW_REGION_NAME="+demoRegion, "HW_AUTH_URL="+endpoint+"/v3")
		fmt.Printf("Credentials: temporary access key %s (HW_ACCESS_KEY, HW_SECRET_KEY, HW_SECURITY_TOKEN); every request "+
			"is signed. No project ID: the provider asks IAM for region %s's project.\n", demoAccessKey, demoRegion)
	} else {
		env = append(env, "HW_AUTH_TOKEN="+demoToken, "HW_PROJECT_ID="+demoProject)
		fmt.Println("Credentials: an IAM token (HW_AUTH_TOKEN) and project (HW_PROJECT_ID). " +
			"Try make demo DEMO_ARGS=-access-key for a signed access key instead.")
	}

	step(cli + " apply: read the task, wait for it and for the server to be idle, rotate its key pair, then create what depends on them")
	start := time.Now()
	if err := ws.Run(ctx, os.Stdout, env, append([]string{"apply", "-auto-approve", "-input=false", "-compact-warnings"}, colour()...)...); err != nil {
		return err
	}
	fmt.Printf("\nApply took %s; the stand-in answered %s for the task. The server wait listed the running "+
		"tasks %s and read the other task by its ID %s, once it had left the list.\n",
		time.Since(start).Round(100*time.Millisecond), count(fake.Requests(demoTask), "request"),
		count(fake.ListRequests("running-tasks"), "time"), count(fake.Requests(demoOtherTask), "time"))
	if err := reportRotation(fake, ws.Dir, otherTaskStart); err != nil {
		return err
	}
	if withActions {
		server, _ := fake.ECS(demoProject, demoNewServer)
		fmt.Printf("The action, triggered after terraform_data.new_server was created, bound %s to server %s in %d start "+
			"request; the state holds nothing of it.\n", server.Keypair, demoNewServer, len(fake.StartRequests(demoProject, demoNewServer)))
	}

	step(cli + " plan: no resource changes; the data source reads the task again and now sees it ended")
	before := fake.Requests(demoTask)
	if err := ws.Run(ctx, os.Stdout, env, append([]string{"plan", "-input=false", "-compact-warnings"}, colour()...)...); err != nil {
		return err
	}
	fmt.Printf("\nThe plan read the task %s: the data source did; the finished wait makes no API call.\n",
		count(fake.Requests(demoTask)-before, "time"))
	if accessKey {
		fmt.Printf("The stand-in checked %s and answered %s: one per provider process (Terraform starts one to plan, another to apply).\n",
			count(len(fake.Signatures()), "signature"), count(fake.ProjectLookups(), "IAM project look-up"))
	}
	if !rotate {
		fmt.Printf("\n%s has no ephemeral resources or write-only arguments (Terraform 1.11 and OpenTofu 1.11 have both): "+
			"the demo skips examples/rotation.\n", cli)
		return nil
	}
	return rotations(ctx, ws, fake, env)
}

func step(title string) { fmt.Printf("\n==> %s\n", title) }

// count says n things, in the singular for one.
func count(n int, thing string) string {
	if n == 1 {
		return "1 " + thing
	}
	return fmt.Sprintf("%d %ss", n, thing)
}

// colour is the CLI's flag for plain text when the demo's output is not a
// terminal (piped, or written to a file): colour codes would only be noise.
func colour() []string {
	if fi, err := os.Stdout.Stat(); err == nil && fi.Mode()&os.ModeCharDevice != 0 {
		return nil
	}
	return []string{"-no-color"}
}

// reportRotation says what the stand-in saw of the rotation, and checks that
// the key it was sent is not in the state.
func reportRotation(fake *kpsfake.Server, dir string, otherTaskStart time.Time) error {
	server, _ := fake.ECS(demoProject, demoServer)
	starts := fake.StartRequests(demoProject, demoServer)
	if len(starts) != 1 || starts[0].AuthKey != demoKey {
		return fmt.Errorf("the stand-in received %d start requests, not one carrying the key", len(starts))
	}
	state, err := os.ReadFile(filepath.Join(dir, "terraform.tfstate")) //nolint:gosec // the demo's own state file
	if err != nil {
		return err
	}
	where := "is not in the state"
	if strings.Contains(string(state), "demo-key-of-kp-2025") {
		where = "is in the state as auth.key (sensitive), since this CLI has no write-only arguments"
	}
	next, hosted := fake.KeypairOf(demoProject, server.Keypair)
	if !hosted || !next.Hosted || next.PrivateKey == "" || strings.Contains(string(state), next.PrivateKey) {
		return fmt.Errorf("key pair %s is not hosted by KPS, or its private key is in the state", server.Keypair)
	}
	fmt.Printf("The server now has %s bound: one start request, sent %s after the other task began, once the server "+
		"was idle; the private key reached KPS and %s.\n", server.Keypair, starts[0].At.Sub(otherTaskStart).Round(100*time.Millisecond), where)
	fmt.Printf("kps_keypair.next made %s: KPS generated it and hosts its private key, which is nowhere in the state "+
		"(%s); the server now accepts that key alone.\n", server.Keypair, count(fake.CreateRequests(), "create request"))
	return nil
}

// withoutWriteOnly turns the demo's write-only key into auth.key, for a CLI
// older than 1.11, and drops the ephemeral variable that older CLIs reject.
func withoutWriteOnly(config []byte) []byte {
	config = regexp.MustCompile(`(?m)^\s*(ephemeral|key_wo_version)\s*=.*\n`).ReplaceAll(config, nil)
	return regexp.MustCompile(`\bkey_wo(\s*)=`).ReplaceAll(config, []byte("key$1="))
}
