package main

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"time"

	"github.com/kpsops/terraform-provider-kps/internal/dev/kpsfake"
	"github.com/kpsops/terraform-provider-kps/internal/dev/tfrun"
)

// rotationServer is the server examples/rotation rotates in the demo.
const rotationServer = "7e1f0c2d-3b4a-4c5d-8e6f-9a0b1c2d3e4f"

// addRotationServer gives the stand-in the rotation's server, bound to
// kp-2025, whose private key KPS hosts.
func addRotationServer(fake *kpsfake.Server) {
	fake.AddKeypair(demoProject, "kp-2025", kpsfake.Keypair{Hosted: true, PrivateKey: demoKey})
	fake.AddServer(demoProject, rotationServer, kpsfake.ECS{
		Name: "web-3", Keypair: "kp-2025", PrivateKey: demoKey, TaskDuration: 2 * time.Second,
	})
}

// rotations runs examples/rotation twice in a folder of its own beside ws's,
// each time as a saved plan and its apply: the second rotation exports the
// key the first one bound. It shows that neither the saved plan nor the
// state holds a private key, and how many exports each command made.
func rotations(ctx context.Context, ws *tfrun.Workspace, fake *kpsfake.Server, env []string) error {
	config, err := os.ReadFile(filepath.Join("examples", "rotation", "main.tf"))
	if err != nil {
		return err
	}
	rot := *ws
	rot.Dir = filepath.Join(filepath.Dir(ws.Dir), "rotation")
	if err := os.MkdirAll(rot.Dir, 0o700); err != nil {
		return err
	}
	if err := rot.WriteConfig(string(config)); err != nil {
		return err
	}
	env = append(env, "TF_VAR_server_id="+rotationServer, "TF_VAR_first_keypair=kp-2025")
	// The private keys the rotations handle: kp-2025's, and those KPS
	// generates for the generations (a line of each, as the state would
	// hold it).
	secrets := []string{"demo-key-of-kp-2025", keyLine("web3-2026"), keyLine("web3-2027")}
	for i, generations := range [][]string{{"web3-2026"}, {"web3-2026", "web3-2027"}} {
		runEnv := append(slices.Clip(env), `TF_VAR_generations=["`+strings.Join(generations, `","`)+`"]`)
		current := "kp-2025"
		if i > 0 {
			current = generations[i-1]
		}
		step(fmt.Sprintf("Rotation %d of examples/rotation: web-3 from %s to %s, the current key fetched from KPS as an ephemeral value",
			i+1, current, generations[i]))
		before := fake.ExportRequests()
		if err := rot.Run(ctx, os.Stdout, runEnv, append([]string{"plan", "-input=false", "-compact-warnings", "-out=rotation.tfplan"}, colour()...)...); err != nil {
			return err
		}
		planned := fake.ExportRequests() - before
		var shown strings.Builder
		if err := rot.Run(ctx, &shown, runEnv, "show", "-json", "rotation.tfplan"); err != nil {
			return err
		}
		before = fake.ExportRequests()
		if err := rot.Run(ctx, os.Stdout, runEnv, append([]string{"apply", "-input=false", "-compact-warnings"}, append(colour(), "rotation.tfplan")...)...); err != nil {
			return err
		}
		applied := fake.ExportRequests() - before
		state, err := os.ReadFile(filepath.Join(rot.Dir, "terraform.tfstate")) //nolint:gosec // the demo's own state file
		if err != nil {
			return err
		}
		for _, s := range secrets {
			if strings.Contains(shown.String(), s) || strings.Contains(string(state), s) {
				return fmt.Errorf("rotation %d: a private key is in the saved plan or the state", i+1)
			}
		}
		server, _ := fake.ECS(demoProject, rotationServer)
		fmt.Printf("\nRotation %d: web-3 now has %s. The plan exported %s's key %s and the apply %s; the saved plan "+
			"(terraform show -json) and the state hold no private key.\n", i+1, server.Keypair, current,
			count(planned, "time"), count(applied, "time"))
	}
	return nil
}

// keyLine is the longest line of the private key the stand-in generates
// for key pair name: text found in no file unless the key is.
func keyLine(name string) string { return kpsfake.LongestLine(kpsfake.PrivateKeyOf(name)) }
