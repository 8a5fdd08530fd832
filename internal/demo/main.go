// Command demo shows the provider doing its job with no cloud account: it
// builds the provider, serves a KPS stand-in on loopback with one task moving
// READY -> RUNNING -> SUCCESS, and runs Terraform on examples/demo, which reads
// the task, waits for it, and gates a terraform_data resource on the wait.
//
// Run it from the repository root: go run ./internal/demo (or make demo). With
// -access-key, the provider signs its requests with a temporary access key
// instead of sending a token, and finds the project from the region through
// the stand-in's IAM (make demo DEMO_ARGS=-access-key).
package main

import (
	"context"
	"flag"
	"fmt"
	"os"
	"os/exec"
	"os/signal"
	"path/filepath"
	"time"

	"github.com/kpsops/terraform-provider-kps/internal/kpsfake"
	"github.com/kpsops/terraform-provider-kps/internal/tfrun"
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
	fake.AddTask(demoProject, demoOtherTask, kpsfake.Task{
		ServerID:  demoServer,
		FromStart: true, // it runs from now, whether or not anyone reads it
		Timeline: []kpsfake.Step{
			{At: 0, Status: "RUNNING_REPLACE"},
			{At: 10 * time.Second, Status: "SUCCESS_REPLACE"},
		},
	})
	endpoint, stopFake, err := kpsfake.ServeLoopback(ctx, fake)
	if err != nil {
		return err
	}
	defer stopFake()
	fmt.Printf("KPS stand-in at %s: task %s goes READY_RESET -> RUNNING_RESET (2 s) -> SUCCESS_RESET (6 s) from its first read;\n"+
		"task %s, started by someone else on the same server, runs until SUCCESS_REPLACE 10 s from now\n", endpoint, demoTask, demoOtherTask)

	env := []string{"HW_KPS_ENDPOINT=" + endpoint, "TF_VAR_task_id=" + demoTask}
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

	cli, _ := tfrun.Version(tfrun.CLI())
	step(cli + " apply: read the task, wait for it and for the server to be idle, then create what depends on them")
	start := time.Now()
	if err := ws.Run(ctx, os.Stdout, env, "apply", "-auto-approve", "-input=false", "-compact-warnings"); err != nil {
		return err
	}
	fmt.Printf("\nApply took %s; the stand-in answered %d requests for the task. The server wait listed the running "+
		"tasks %d times and read the other task by its ID %d time(s), once it had left the list.\n",
		time.Since(start).Round(100*time.Millisecond), fake.Requests(demoTask), fake.ListRequests("running-tasks"),
		fake.Requests(demoOtherTask))

	step(cli + " plan: no resource changes; the data source reads the task again and now sees it ended")
	before := fake.Requests(demoTask)
	if err := ws.Run(ctx, os.Stdout, env, "plan", "-input=false", "-compact-warnings"); err != nil {
		return err
	}
	fmt.Printf("\nThe plan read the task %d time(s): the data source did; the finished wait makes no API call.\n",
		fake.Requests(demoTask)-before)
	if accessKey {
		fmt.Printf("The stand-in checked %d signatures and answered %d IAM project look-up(s): one per provider process (Terraform starts one to plan, another to apply).\n",
			len(fake.Signatures()), fake.ProjectLookups())
	}
	return nil
}

func step(title string) { fmt.Printf("\n==> %s\n", title) }
