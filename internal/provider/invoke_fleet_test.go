package provider

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/hashicorp/terraform-plugin-testing/tfversion"

	"github.com/kpsops/terraform-provider-kps/internal/dev/kpsfake"
	"github.com/kpsops/terraform-provider-kps/internal/keypairops"
	"github.com/kpsops/terraform-provider-kps/internal/kps"
	"github.com/kpsops/terraform-provider-kps/internal/wait"
)

// TestFleetErrorGroupsByReason: one error for a fleet's failures, the
// largest group first, each reason and its advice said once, the servers
// listed with the tasks they started, and how many succeeded.
func TestFleetErrorGroupsByReason(t *testing.T) {
	refusedLogin := func(server, task string) keypairops.ServerResult {
		return keypairops.ServerResult{ServerID: server, Err: &keypairops.TaskFailedError{TaskID: task, ServerID: server,
			Status: kps.ParseStatus("FAILED_REPLACE"), ErrorCode: "KPS.6015", ErrorMsg: "authentication failed"}}
	}
	withheld := func(server string) keypairops.ServerResult {
		return keypairops.ServerResult{ServerID: server, Err: &keypairops.WithheldError{ServerID: server, MaxFailures: 3}}
	}
	ok := func(server string) keypairops.ServerResult {
		return keypairops.ServerResult{ServerID: server, Outcome: keypairops.Outcome{TaskID: "t-" + server, Status: kps.ParseStatus("SUCCESS_REPLACE")}}
	}
	results := []keypairops.ServerResult{
		ok("web-1"), withheld("web-2"), refusedLogin("web-3", "t3"), ok("web-4"), refusedLogin("web-5", "t5"),
		refusedLogin("web-6", "t6"),
		{ServerID: "web-7", Err: &keypairops.StartError{ServerID: "web-7", Sends: 1, Err: &kps.ResponseError{
			Method: "POST", StatusCode: 400, ErrorCode: "KPS.6004", ErrorMsg: "key pair not found"}}},
		// The same refusal, in words that name the server: one group.
		{ServerID: "web-8", Err: &keypairops.StartError{ServerID: "web-8", Sends: 1, Err: &kps.ResponseError{
			Method: "POST", StatusCode: 400, ErrorCode: "KPS.6004", ErrorMsg: "key pair not found for web-8"}}},
	}
	summary, detail, failed := fleetError("kps_associate_keypair", results, false)
	if !failed || summary != "kps_associate_keypair did not succeed on 6 of 8 servers" {
		t.Fatalf("summary %q, failed %t", summary, failed)
	}
	refused := strings.Index(detail, `3 servers: their tasks failed: KPS.6015 "authentication failed".`+"\nweb-3 (task t3), web-5 (task t5), web-6 (task t6)")
	start := strings.Index(detail, `2 servers: the start was refused: HTTP 400, KPS.6004 "key pair not found".`+"\nweb-7, web-8")
	never := strings.Index(detail, "1 server: never started: 3 servers had failed (max_failures).\nweb-2")
	if !strings.HasPrefix(detail, "2 of 8 servers succeeded.") || refused < 0 || start < refused || never < start {
		t.Fatalf("the groups are not as expected:\n%s", detail)
	}
	if n := strings.Count(detail, "KPS could not log in to the server"); n != 1 {
		t.Fatalf("the advice for a refused login is given %d times, want once:\n%s", n, detail)
	}
	if strings.Contains(detail, "web-1") || strings.Contains(detail, "web-4") {
		t.Fatalf("servers that succeeded are listed:\n%s", detail)
	}

	interrupted := []keypairops.ServerResult{
		ok("a"),
		{ServerID: "b", Err: &keypairops.StartedError{TaskID: "tb", ServerID: "b", Err: &wait.InterruptedError{Waited: time.Second}}},
		{ServerID: "c", Err: &keypairops.IdleWaitError{ServerID: "c", Err: &wait.InterruptedError{Waited: time.Second}}},
		{ServerID: "d", Err: &keypairops.StartError{ServerID: "d", Sends: 1, Uncertain: true,
			Err: fmt.Errorf("POST .../keypairs/associate: %w", context.Canceled)}},
	}
	summary, detail, _ = fleetError("kps_associate_keypair", interrupted, true)
	if summary != "kps_associate_keypair interrupted: 2 of 4 servers had started their tasks" ||
		!strings.Contains(detail, "1 server: interrupted while their starts were on their way: KPS may have started a task on each.\nd") ||
		!strings.Contains(detail, "1 server: interrupted while their tasks ran: the tasks go on in KPS.\nb (task tb)") ||
		!strings.Contains(detail, "1 server: never started: interrupted.\nc") {
		t.Fatalf("interrupted: %q\n%s", summary, detail)
	}
	if _, _, failed := fleetError("kps_associate_keypair", []keypairops.ServerResult{ok("a"), ok("b")}, false); failed {
		t.Fatal("a fleet that succeeded is an error")
	}
}

// fleetServers adds servers prefix0 ... prefix<n-1>, each changed by edit
// (which may be nil), running tasks of d.
func (f *fakeAPI) fleetServers(prefix string, n int, d time.Duration, edit func(i int, e *kpsfake.ECS)) {
	for i := range n {
		e := kpsfake.ECS{TaskDuration: d}
		if edit != nil {
			edit(i, &e)
		}
		f.addServer(fmt.Sprintf("%s%d", prefix, i), e)
	}
}

// busyFor makes a server run a task of someone else's for d.
func (f *fakeAPI) busyFor(server string, d time.Duration) {
	f.AddTask(testProject, "theirs-"+server, kpsfake.Task{ServerID: server, FromStart: true, Timeline: []kpsfake.Step{
		{Status: "RUNNING_RESET"}, {At: d, Status: "SUCCESS_RESET"},
	}})
}

// fleetAction is an associate action named name over the servers prefix0 ...
// prefix<n-1>, listed twice, with extra arguments.
func fleetAction(name, prefix string, n int, extra string) string {
	return fmt.Sprintf(`
action "kps_associate_keypair" %q {
  config {
    server_ids    = toset(concat([for i in range(%d) : "%s${i}"], ["%s0"]))
    keypair_name  = "kp-new"
    poll_interval = "1s"
    auth = {
      type = "keypair"
      key  = var.key
    }
    %s
  }
}
`, name, n, prefix, prefix, extra)
}

// TestAccActions_fleet invokes the associate action on fleets through
// terraform apply -invoke, against a gateway that takes 20 requests a
// second: 60 servers, one of them busy, all rotated, each started once
// (the busy one after its task), for well under two requests a server,
// with a line per server; a fleet where two servers refuse the key, one
// error grouping them by reason; and max_failures, which leaves the servers
// still waiting for busy ones never started.
func TestAccActions_fleet(t *testing.T) {
	ws := cliWorkspace(t)
	skipBelowCLI(t, tfversion.Version1_14_0)
	api := newFakeAPI(t, kpsfake.WithRateLimit(20))
	api.fleetServers("web-", 60, 3*time.Second, nil)
	api.busyFor("web-7", 4*time.Second)
	api.fleetServers("db-", 5, time.Second, func(i int, e *kpsfake.ECS) {
		if i%2 == 1 {
			e.PrivateKey = "another key"
		}
	})
	api.fleetServers("app-", 6, time.Second, func(i int, e *kpsfake.ECS) {
		if i < 2 {
			e.PrivateKey = "another key"
		}
	})
	for i := 2; i < 6; i++ {
		api.busyFor(fmt.Sprintf("app-%d", i), time.Minute)
	}
	err := ws.WriteConfig(requiredKPS + api.providerConfig() + `
variable "key" {
  type      = string
  sensitive = true
}
` + fleetAction("web", "web-", 60, "") + fleetAction("db", "db-", 5, "") + fleetAction("app", "app-", 6, "max_failures = 2"))
	if err != nil {
		t.Fatal(err)
	}

	before := api.TotalRequests()
	out, err := invoke(t, ws, "action.kps_associate_keypair.web")
	if err != nil {
		t.Fatalf("the fleet failed: %v\n%s", err, out)
	}
	for i := range 60 {
		id := fmt.Sprintf("web-%d", i)
		if starts := api.StartRequests(testProject, id); len(starts) != 1 || api.server(t, id).Keypair != "kp-new" {
			t.Fatalf("%s: %d starts, %q bound; want one start, kp-new", id, len(starts), api.server(t, id).Keypair)
		}
		if !strings.Contains(out, id+": SUCCESS_REPLACE (") {
			t.Fatalf("no line for %s:\n%s", id, out)
		}
	}
	if api.BusyRefusals(testProject, "web-7") != 0 || !strings.Contains(out, "All 60 servers succeeded") {
		t.Fatalf("the busy server was refused, or the summary is missing:\n%s", out)
	}
	requests := api.TotalRequests() - before
	t.Logf("60 servers: %d requests, %d answered 429", requests, api.ThrottledRequests())
	if requests > 60*3/2 {
		t.Fatalf("%d requests for 60 servers: want well under two a server", requests)
	}

	out, err = invoke(t, ws, "action.kps_associate_keypair.db")
	flat := strings.Join(strings.Fields(out), " ")
	if err == nil || !strings.Contains(flat, "kps_associate_keypair did not succeed on 2 of 5 servers") ||
		!strings.Contains(flat, "3 of 5 servers succeeded") || !strings.Contains(flat, `2 servers: their tasks failed: KPS.6015`) {
		t.Fatalf("a fleet with two refused logins: want one error grouping them (%v):\n%s", err, out)
	}
	for _, id := range []string{"db-1", "db-3"} {
		task := api.StartRequests(testProject, id)[0].TaskID
		if !strings.Contains(flat, id+" (task "+task+")") {
			t.Fatalf("%s is not listed with its task %s:\n%s", id, task, out)
		}
	}

	out, err = invoke(t, ws, "action.kps_associate_keypair.app")
	flat = strings.Join(strings.Fields(out), " ")
	if err == nil || !strings.Contains(flat, "4 servers: never started: 2 servers had failed (max_failures)") {
		t.Fatalf("max_failures: want the busy servers never started (%v):\n%s", err, out)
	}
	for i := 2; i < 6; i++ {
		if n := len(api.StartRequests(testProject, fmt.Sprintf("app-%d", i))); n != 0 {
			t.Fatalf("app-%d: %d starts after max_failures was reached", i, n)
		}
	}
}

// TestAccActions_fleetInterrupt presses Ctrl-C while a fleet's tasks run
// and two of its servers wait for busy ones: the CLI stops at once, nothing
// more is started, and each task started is named in the CLI's output (its
// line of progress, and the error, which lists those never started too).
// Terraform 1.14.3 shows an action's error after Ctrl-C only at times (it
// may report the apply complete): the lines of progress are what it always
// shows.
func TestAccActions_fleetInterrupt(t *testing.T) {
	ws := cliWorkspace(t)
	skipBelowCLI(t, tfversion.Version1_14_0)
	api := newFakeAPI(t)
	api.fleetServers("web-", 6, time.Minute, nil)
	api.busyFor("web-4", time.Hour)
	api.busyFor("web-5", time.Hour)
	err := ws.WriteConfig(requiredKPS + api.providerConfig() + `
variable "key" {
  type      = string
  sensitive = true
}
` + fleetAction("web", "web-", 6, ""))
	if err != nil {
		t.Fatal(err)
	}
	started := func() int {
		n := 0
		for i := range 4 {
			n += len(api.StartRequests(testProject, fmt.Sprintf("web-%d", i)))
		}
		return n
	}
	out, _ := interrupt(t, ws, func() bool { return started() == 4 }, "-invoke=action.kps_associate_keypair.web")
	flat := strings.Join(strings.Fields(out), " ")
	for i := range 4 {
		id := fmt.Sprintf("web-%d", i)
		if task := api.StartRequests(testProject, id)[0].TaskID; !strings.Contains(flat, id+": started task "+task) {
			t.Fatalf("%s's task %s is not named:\n%s", id, task, out)
		}
	}
	if strings.Contains(flat, "Action failed") && (!strings.Contains(flat, "interrupted: 4 of 6 servers had started their tasks") ||
		!strings.Contains(flat, "2 servers: never started: interrupted. web-4, web-5") || !strings.Contains(flat, "web-0 (task ")) {
		t.Fatalf("the error does not list what was started and what was not:\n%s", out)
	}
	time.Sleep(500 * time.Millisecond)
	if n := len(api.StartRequests(testProject, "web-4")) + len(api.StartRequests(testProject, "web-5")); n != 0 || started() != 4 {
		t.Fatalf("starts were sent after Ctrl-C")
	}
}

// TestAccFleetRotation_example runs examples/fleet-rotation on 30 servers:
// twice, each rotation one invocation of the action over every server,
// triggered by the new generation, logging in with the hosted key of the
// generation before; then the retirement of the oldest, which starts no
// task. No private key is in the state or the CLI's output.
func TestAccFleetRotation_example(t *testing.T) {
	ws := cliWorkspace(t)
	skipBelowCLI(t, tfversion.Version1_14_0)
	api := newFakeAPI(t)
	api.AddKeypair(testProject, "kp-2025", kpsfake.Keypair{Hosted: true, PrivateKey: oldKey})
	const n = 30
	api.fleetServers("web-", n, time.Second, func(_ int, e *kpsfake.ECS) { e.Keypair = "kp-2025" })
	config, err := os.ReadFile(filepath.Join("..", "..", "examples", "fleet-rotation", "main.tf"))
	if err != nil {
		t.Fatal(err)
	}
	if err := ws.WriteConfig(string(config)); err != nil {
		t.Fatal(err)
	}
	servers := make([]string, n)
	for i := range n {
		servers[i] = fmt.Sprintf("%q", fmt.Sprintf("web-%d", i))
	}
	env := []string{"HW_KPS_ENDPOINT=" + api.URL, "HW_AUTH_TOKEN=" + testToken, "HW_PROJECT_ID=" + testProject,
		"TF_VAR_server_ids=[" + strings.Join(servers, ",") + "]", "TF_VAR_first_keypair=kp-2025"}
	var out lockedBuffer
	for _, generations := range []string{`["kp-2026"]`, `["kp-2026","kp-2027"]`} {
		if err := ws.Run(t.Context(), &out, append(env, "TF_VAR_generations="+generations), "apply", "-auto-approve", "-input=false",
			"-no-color"); err != nil {
			t.Fatalf("rotating to %s: %v\n%s", generations, err, out.String())
		}
	}
	starts := func() int {
		total := 0
		for i := range n {
			total += len(api.StartRequests(testProject, fmt.Sprintf("web-%d", i)))
		}
		return total
	}
	for i := range n {
		id := fmt.Sprintf("web-%d", i)
		s := api.StartRequests(testProject, id)
		if len(s) != 2 || s[0].AuthKey != oldKey || s[0].KeypairName != "kp-2026" || s[1].AuthKey != kpsfake.PrivateKeyOf("kp-2026") ||
			s[1].KeypairName != "kp-2027" || api.server(t, id).Keypair != "kp-2027" {
			t.Fatalf("%s: %d starts, %q bound; want kp-2026 with the old key, then kp-2027 with kp-2026's hosted key", id, len(s),
				api.server(t, id).Keypair)
		}
	}
	if !strings.Contains(out.String(), "All 30 servers succeeded") {
		t.Fatalf("the action's summary is missing:\n%s", out.String())
	}
	retire(t, ws, api, env, starts)
	state := readState(t, ws)
	for _, s := range []string{"acc-test-old-key", generatedKeyLine("kp-2026"), generatedKeyLine("kp-2027")} {
		if strings.Contains(state, s) || strings.Contains(out.String(), s) {
			t.Fatal("a private key is in the state or the CLI's output")
		}
	}
}
