// Command kps-fake serves the KPS stand-in on loopback, for trying the
// provider by hand without a cloud account. make kps-fake builds and runs
// it (KPS_FAKE_ARGS passes flags); Ctrl-C stops it. kps-fake -h says what
// every flag and field means, and README.md shows a whole session.
package main

import (
	"cmp"
	"context"
	"errors"
	"flag"
	"fmt"
	"log"
	"net/http"
	"os"
	"os/signal"
	"strings"
	"syscall"
	"time"

	"github.com/kpsops/terraform-provider-kps/internal/dev/kpsfake"
)

// taskFlag is one -task ID[:SERVER]=TIMELINE: the task as the timeline
// scripts it (Timeline, and ErrorCode and ErrorMsg when a FAILED_ step
// gives a reason), and the server it names.
type taskFlag struct {
	server string // empty: -server-id
	task   kpsfake.Task
}

// taskFlags collects repeated -task flags.
type taskFlags map[string]taskFlag

func (t taskFlags) String() string { return fmt.Sprint(map[string]taskFlag(t)) }

func (t taskFlags) Set(v string) error {
	name, spec, ok := strings.Cut(v, "=")
	id, server, _ := strings.Cut(name, ":")
	if !ok || id == "" {
		return errors.New("want ID=TIMELINE or ID:SERVER=TIMELINE, the timeline as STATUS@OFFSET,STATUS@OFFSET, " +
			"a FAILED_ step optionally as STATUS@OFFSET:CODE:MESSAGE")
	}
	task, err := kpsfake.ParseTask(spec)
	if err != nil {
		return err
	}
	t[id] = taskFlag{server: server, task: task}
	return nil
}

// addTo scripts the tasks in project of fake, each on the server it names,
// else on defaultServer.
func (t taskFlags) addTo(fake *kpsfake.Server, project, defaultServer string) {
	for id, tf := range t {
		task := tf.task
		task.ServerID = cmp.Or(tf.server, defaultServer)
		fake.AddTask(project, id, task)
	}
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

// usage is what -h prints: every flag, and what the fields of -task and
// -ecs mean.
const usage = `kps-fake serves a stand-in for the KPS API on loopback, for trying the
provider by hand without a cloud account. Point the provider at it:

  provider "kps" {
    endpoint   = "http://127.0.0.1:8080"            # -listen
    token      = "fake-token"                       # -token
    project_id = "0123456789abcdef0123456789abcdef" # -project
  }

Every request is logged on stderr: method, path and status (never a token
or a key). Ctrl-C stops it.

  -task ID=TIMELINE  or  -task ID:SERVER=TIMELINE          (repeatable)
      A task the data sources and waits can read. TIMELINE is
      STATUS@OFFSET,STATUS@OFFSET,...: the status it reports from each
      offset on, counted from its first read, e.g.
      -task 'my-task:web-1=READY_RESET@0s,RUNNING_RESET@3s,SUCCESS_RESET@10s'.
      SERVER is the server_id it reports (default -server-id), and its
      server_name in the task lists (the -ecs server's own when it has one).
      A FAILED_ step may end in :CODE:MESSAGE, the reason the failed-tasks
      list gives (task_error_code, task_error_msg), e.g.
      -task 't1:web-1=RUNNING_RESET@0s,FAILED_RESET@5s:KPS.6015:the login was refused'.
      The reason runs to the end of its step: MESSAGE may hold colons, but
      no comma (a comma starts the next step).

  -ecs ID,FIELD=VALUE,...                                   (repeatable)
      A server the association resources and actions start tasks on:
        keypair=KP        the key pair bound now (a task that succeeds
                          binds another; an unbind leaves none)
        password=PW       the password KPS may log in with (auth.type
                          "password")
        private-key=FILE  a file holding the private key KPS may log in
                          with now (auth.type "keypair"); after a rotation
                          the server accepts the new key pair's key only
        stopped           the server is shut down: a reset (no auth) needs
                          it so, a replace (with auth) needs it running
        duration=D        how long its tasks run (default 1s), e.g. 30s
        fail=MSG          every task of the server fails with MSG
      e.g. -ecs 'web-1,keypair=kp-old,private-key=kp-old.pem,duration=20s'

  -keypair NAME  or  -keypair NAME,public-key=FILE            (repeatable)
      A key pair made elsewhere, for kps_keypair to import or the data
      sources to read: generated and hosted by KPS, or with the public key
      in FILE and no private key hosted.

Flags:
`

// keypairFlags collects repeated -keypair NAME[,public-key=FILE] flags.
type keypairFlags map[string]kpsfake.Keypair

func (k keypairFlags) String() string { return fmt.Sprint(map[string]kpsfake.Keypair(k)) }

func (k keypairFlags) Set(v string) error {
	name, opt, _ := strings.Cut(v, ",")
	if name == "" {
		return errors.New("want NAME or NAME,public-key=FILE")
	}
	kp := kpsfake.Keypair{Hosted: true, PrivateKey: kpsfake.PrivateKeyOf(name)}
	if file, ok := strings.CutPrefix(opt, "public-key="); ok {
		pub, err := os.ReadFile(file) //nolint:gosec // a file the user names on the command line
		if err != nil {
			return err
		}
		kp = kpsfake.Keypair{PublicKey: strings.TrimSpace(string(pub))}
	} else if opt != "" {
		return fmt.Errorf("unknown -keypair option %q: want public-key=FILE", opt)
	}
	k[name] = kp
	return nil
}

func main() {
	tasks := taskFlags{}
	servers := ecsFlags{}
	listen := flag.String("listen", "127.0.0.1:8080", "address to serve on (keep it on loopback)")
	token := flag.String("token", "fake-token", "the only X-Auth-Token accepted: the provider's token")
	project := flag.String("project", "0123456789abcdef0123456789abcdef", "the project everything belongs to: the provider's project_id")
	server := flag.String("server-id", "c9aa197b-a6b6-4c33-b3a6-fa0b4ec50006", "the server_id a -task reports when it names none")
	accessKey := flag.String("access-key", "", "also accept requests signed with this access key: AK:SK, or AK:SK:SECURITY_TOKEN for a temporary one")
	region := flag.String("region", "cn-north-4", "the region whose project IAM's look-up (HW_AUTH_URL=http://LISTEN/v3) answers with")
	flag.Var(tasks, "task", "a task, as ID=TIMELINE or ID:SERVER=TIMELINE (repeatable; see above)")
	flag.Var(servers, "ecs", "a server to start key-pair tasks on, as ID,FIELD=VALUE,... (repeatable; see above)")
	keypairs := keypairFlags{}
	flag.Var(keypairs, "keypair", "a key pair made elsewhere, as NAME or NAME,public-key=FILE (repeatable; see above)")
	flag.Usage = func() {
		fmt.Fprint(flag.CommandLine.Output(), usage)
		flag.PrintDefaults()
	}
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
	tasks.addTo(fake, *project, *server)
	for id, server := range servers {
		fake.AddServer(*project, id, server)
	}
	for name, kp := range keypairs {
		fake.AddKeypair(*project, name, kp)
	}
	log.Printf("KPS stand-in on http://%s: token %q, project %s, %d task(s), %d server(s), %d key pair(s); Ctrl-C stops it",
		*listen, *token, *project, len(tasks), len(servers), len(keypairs))
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	srv := &http.Server{Addr: *listen, Handler: logRequests(fake), ReadHeaderTimeout: 5 * time.Second}
	go func() {
		<-ctx.Done()
		shutdown, cancel := context.WithTimeout(context.Background(), 2*time.Second)
		defer cancel()
		_ = srv.Shutdown(shutdown)
	}()
	if err := srv.ListenAndServe(); err != nil && !errors.Is(err, http.ErrServerClosed) {
		stop()
		log.Fatal(err) //nolint:gocritic // stop() has run
	}
	log.Print("stopped")
}

// logRequests logs one line per request on stderr: method, path and
// status. Headers and bodies, which carry the token and keys, are not.
func logRequests(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		rec := &statusRecorder{ResponseWriter: w, status: http.StatusOK}
		next.ServeHTTP(rec, r)
		// The path is the client's text: %q keeps a newline in it from
		// forging a log line. A method is a token, which holds none.
		log.Printf("%s %q -> %d", r.Method, r.URL.Path, rec.status) //nolint:gosec // quoted, as said

	})
}

// statusRecorder remembers the status an answer was written with.
type statusRecorder struct {
	http.ResponseWriter
	status int
}

func (s *statusRecorder) WriteHeader(code int) {
	s.status = code
	s.ResponseWriter.WriteHeader(code)
}
