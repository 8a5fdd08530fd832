// Command kps-fake serves the KPS stand-in on loopback, for trying the
// provider by hand without a cloud account:
//
//	go run ./internal/kpsfake/cmd/kps-fake -listen 127.0.0.1:8080 \
//	  -task 'my-task=READY_RESET@0s,RUNNING_RESET@3s,SUCCESS_RESET@10s'
//
// then point the provider at it with HW_KPS_ENDPOINT=http://127.0.0.1:8080.
// -ecs adds a server the key-pair resources can start tasks on, e.g.
//
//	-ecs 'web-1,keypair=kp-old,password=s3cret,private-key=/path/to/kp-old.pem,duration=30s'
//	-ecs 'db-1,stopped'
//
// (keypair: bound now; password and private-key: what KPS may log in with;
// stopped: shut down, for a RESET; duration: how long its tasks run; fail:
// every task fails with the given message).
// -access-key AK:SK (or AK:SK:SECURITY_TOKEN for a temporary key) also accepts
// signed requests, and IAM's project look-up answers for -region, so that
// HW_AUTH_URL=http://127.0.0.1:8080/v3 with HW_REGION_NAME finds the project.
package main

import (
	"errors"
	"flag"
	"fmt"
	"log"
	"net/http"
	"os"
	"strings"
	"time"

	"github.com/kpsops/terraform-provider-kps/internal/kpsfake"
)

// taskFlags collects repeated -task ID=TIMELINE flags.
type taskFlags map[string][]kpsfake.Step

func (t taskFlags) String() string { return fmt.Sprint(map[string][]kpsfake.Step(t)) }

func (t taskFlags) Set(v string) error {
	id, spec, ok := strings.Cut(v, "=")
	if !ok || id == "" {
		return errors.New("want ID=STATUS@OFFSET,STATUS@OFFSET")
	}
	steps, err := kpsfake.ParseTimeline(spec)
	if err != nil {
		return err
	}
	t[id] = steps
	return nil
}

// ecsFlags collects repeated -ecs ID,OPTION=VALUE,... flags.
type ecsFlags map[string]kpsfake.ECS

func (e ecsFlags) String() string { return fmt.Sprint(map[string]kpsfake.ECS(e)) }

func (e ecsFlags) Set(v string) error {
	parts := strings.Split(v, ",")
	if parts[0] == "" {
		return errors.New("want an ID, then OPTION=VALUE pairs, separated by commas")
	}
	var server kpsfake.ECS
	for _, opt := range parts[1:] {
		name, value, _ := strings.Cut(opt, "=")
		switch name {
		case "keypair":
			server.Keypair = value
		case "password":
			server.Password = value
		case "private-key":
			pem, err := os.ReadFile(value) //nolint:gosec // a file the user names on the command line
			if err != nil {
				return err
			}
			server.PrivateKey = string(pem)
		case "stopped":
			server.ShutDown = true
		case "duration":
			d, err := time.ParseDuration(value)
			if err != nil {
				return err
			}
			server.TaskDuration = d
		case "fail":
			server.Failure = &kpsfake.TaskFailure{Code: "KPS.6099", Message: value}
		default:
			return fmt.Errorf("unknown -ecs option %q: want keypair, password, private-key, stopped, duration or fail", name)
		}
	}
	e[parts[0]] = server
	return nil
}

func main() {
	tasks := taskFlags{}
	servers := ecsFlags{}
	listen := flag.String("listen", "127.0.0.1:8080", "address to serve on (keep it on loopback)")
	token := flag.String("token", "fake-token", "the only X-Auth-Token accepted")
	project := flag.String("project", "0123456789abcdef0123456789abcdef", "the project the tasks belong to")
	server := flag.String("server-id", "c9aa197b-a6b6-4c33-b3a6-fa0b4ec50006", "the server_id every task reports")
	accessKey := flag.String("access-key", "", "an access key to accept as AK:SK, or AK:SK:SECURITY_TOKEN for a temporary one")
	region := flag.String("region", "cn-north-4", "the region whose project IAM's look-up answers with")
	flag.Var(tasks, "task", "a task as ID=STATUS@OFFSET,... (repeatable); the timeline starts at its first read")
	flag.Var(servers, "ecs", "a server to start key-pair tasks on, as ID,keypair=KP,password=PW,private-key=FILE,stopped,duration=D,fail=MSG (repeatable)")
	flag.Parse()

	fake := kpsfake.New(*token)
	fake.AddProject(*project)
	fake.AddRegionProject(*region, *project)
	if *accessKey != "" {
		parts := strings.SplitN(*accessKey, ":", 3)
		if len(parts) < 2 || parts[0] == "" || parts[1] == "" {
			log.Fatal("-access-key: want AK:SK or AK:SK:SECURITY_TOKEN")
		}
		parts = append(parts, "")
		fake.AddAccessKey(parts[0], parts[1], parts[2])
	}
	for id, steps := range tasks {
		fake.AddTask(*project, id, kpsfake.Task{ServerID: *server, Timeline: steps})
	}
	for id, server := range servers {
		fake.AddServer(*project, id, server)
	}
	log.Printf("KPS stand-in on http://%s, project %s, %d task(s), %d server(s)", *listen, *project, len(tasks), len(servers))
	srv := &http.Server{Addr: *listen, Handler: fake, ReadHeaderTimeout: 5 * time.Second}
	log.Fatal(srv.ListenAndServe())
}
