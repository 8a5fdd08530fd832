// Command kps-fake serves the KPS stand-in on loopback, for trying the
// provider by hand without a cloud account:
//
//	go run ./internal/kpsfake/cmd/kps-fake -listen 127.0.0.1:8080 \
//	  -task 'my-task=READY_RESET@0s,RUNNING_RESET@3s,SUCCESS_RESET@10s'
//
// then point the provider at it with HW_KPS_ENDPOINT=http://127.0.0.1:8080.
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

func main() {
	tasks := taskFlags{}
	listen := flag.String("listen", "127.0.0.1:8080", "address to serve on (keep it on loopback)")
	token := flag.String("token", "fake-token", "the only X-Auth-Token accepted")
	project := flag.String("project", "0123456789abcdef0123456789abcdef", "the project the tasks belong to")
	server := flag.String("server-id", "c9aa197b-a6b6-4c33-b3a6-fa0b4ec50006", "the server_id every task reports")
	accessKey := flag.String("access-key", "", "an access key to accept as AK:SK, or AK:SK:SECURITY_TOKEN for a temporary one")
	region := flag.String("region", "cn-north-4", "the region whose project IAM's look-up answers with")
	flag.Var(tasks, "task", "a task as ID=STATUS@OFFSET,... (repeatable); the timeline starts at its first read")
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
	log.Printf("KPS stand-in on http://%s, project %s, %d task(s)", *listen, *project, len(tasks))
	srv := &http.Server{Addr: *listen, Handler: fake, ReadHeaderTimeout: 5 * time.Second}
	log.Fatal(srv.ListenAndServe())
}
