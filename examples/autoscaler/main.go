// Command autoscaler is a webhook-driven autoscaler of ephemeral runners,
// in one file to copy: for each workflow_job "queued" delivery that asks for
// a self-hosted runner, it creates a just-in-time runner with the job's
// labels in one runner group (-runner-group, its ID found by name through a
// fleet.GroupCache) and starts it. An ephemeral runner runs one job and
// GitHub then removes it, so "completed" leaves nothing to clean up.
//
//	go run ./examples/autoscaler                    # the built-in fake plays GitHub; prints the timeline
//	GITHUB_TOKEN=... WEBHOOK_SECRET=... go run ./examples/autoscaler -org octo-org -runner-group ci
//
// With GITHUB_TOKEN set and -org or -enterprise given (or an -url naming
// one), it serves the webhook at http://ADDR/webhook (-addr, :8080 by
// default), for GitHub to call: set up the organization's (or
// enterprise's) webhook with that URL, content type application/json, the
// "Workflow jobs" event and a secret, which the program reads from
// WEBHOOK_SECRET; it refuses to start without one. Starting a runner is left
// to you: the program prints the command to run on a fresh machine and the
// length of the encoded config, never the config itself, which holds the
// runner's credentials.
//
// Otherwise (or with -fake) it runs against the built-in fake: it queues
// three jobs with different labels at the organization, and the fake plays
// GitHub: it delivers each step of each job, signed, to the same handler,
// connects each JIT runner as soon as it is created (as a started runner
// would), lets it take its job, completes the job and removes the ephemeral
// runner. The program prints one line per event, and checks at the end that
// no runner of its own is left.
//
// The handler is idempotent: it acts on a job once, however many deliveries
// name it (a redelivery has the same X-GitHub-Delivery, and every delivery
// of a job the same job ID), and a runner of its own left by an attempt
// whose answer was lost is replaced (fleet.GenerateJITConfigReplacing). It
// makes the JIT config itself, within -timeout (5 s for the requests of one
// delivery, inside the 10 seconds GitHub waits for the answer); on a
// failure it answers 500, which GitHub's delivery log shows, and a
// redelivery tries again. Booting a real machine takes longer than GitHub
// waits: hand it to a queue of its own in start.
package main

import (
	"context"
	"crypto/rand"
	"errors"
	"flag"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"os/signal"
	"slices"
	"strings"
	"sync"
	"time"

	"github.com/fleetkit/runners"
	"github.com/fleetkit/runners/fleet"
	"github.com/fleetkit/runners/runnerstest"
	"github.com/fleetkit/runners/webhook"
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt)
	err := run(ctx, os.Args[1:], os.Getenv, os.Stdout, os.Stderr)
	stop()
	if err != nil && !errors.Is(err, flag.ErrHelp) { // -h: the usage is printed
		fmt.Fprintln(os.Stderr, "autoscaler:", err)
		os.Exit(1)
	}
}

// namePrefix starts the name of every runner the autoscaler creates: its
// runners are those, ephemeral, it may replace.
const namePrefix = "autoscaler-"

// demoJobs are the jobs the fake queues, one a line: each asks for
// self-hosted and something more.
var demoJobs = [][]string{
	{"self-hosted", "linux", "x64"},
	{"self-hosted", "linux", "arm64"},
	{"self-hosted", "gpu"},
}

func run(ctx context.Context, args []string, getenv func(string) string, stdout, stderr io.Writer) error {
	fs := flag.NewFlagSet("autoscaler", flag.ContinueOnError)
	fs.SetOutput(stderr)
	var where runnerstest.ScopeFlags
	where.Register(fs, 5*time.Second)
	group := fs.String("runner-group", "Default", "the runner group `NAME` of the runners")
	addr := fs.String("addr", ":8080", "the `ADDRESS` to serve the webhook on, at /webhook")
	if err := fs.Parse(args); err != nil {
		return err
	}
	if *group == "" {
		return errors.New("-runner-group: want a group's name")
	}
	scope, fake, err := where.Open(getenv("GITHUB_TOKEN"), stderr)
	if err != nil {
		return err
	}
	groups, ok := scope.(runners.GroupScope) // an organization or an enterprise
	if !ok {
		return errors.New("runner groups are an organization's or an enterprise's: give -org or -enterprise")
	}
	secret := []byte(getenv("WEBHOOK_SECRET"))
	if fake == nil && len(secret) == 0 {
		return errors.New("WEBHOOK_SECRET is empty: set it to the webhook's secret, so that only GitHub's deliveries are acted on")
	}
	a := newAutoscaler(groups, *group, where.Timeout, stdout)
	if fake != nil {
		if _, ok := scope.(*runners.OrgService); !ok {
			return errors.New("the fake queues jobs at an organization: give -org, or no scope flag")
		}
		if !slices.ContainsFunc(fake.RunnerGroups(), func(g runners.RunnerGroup) bool { return g.Name == *group }) {
			fake.AddRunnerGroup(runners.RunnerGroup{Name: *group})
			fmt.Fprintf(stderr, "The fake holds a runner group named %q.\n", *group)
		}
		a.start = func(context.Context, *runners.JITConfig) error { return nil } // the fake connects it (ConnectRunners)
	}
	// The group's ID is looked up once now, so that a wrong name or token
	// stops the program here; the cache answers every job after, for an hour.
	lookup, cancel := context.WithTimeout(ctx, where.Timeout)
	_, err = a.groups.ID(lookup, *group)
	cancel()
	if err != nil {
		return err
	}
	if fake != nil {
		return a.demo(ctx, fake)
	}
	return a.serve(ctx, *addr, secret, stderr)
}

// autoscaler creates a JIT runner for each job queued that asks for a
// self-hosted runner.
type autoscaler struct {
	scope   runners.Scope
	group   string            // the runners' group, by name
	groups  *fleet.GroupCache // the group's ID
	timeout time.Duration     // the most the requests of one delivery may take
	start   func(ctx context.Context, jit *runners.JITConfig) error

	mu   sync.Mutex
	out  io.Writer           // the timeline, one line per event
	jobs map[int64]time.Time // the jobs acted on, or being acted on, by job ID: since when
}

// newAutoscaler returns an autoscaler of runners in the group named group
// of the scope g, which prints its timeline to out and the command that
// starts a runner.
func newAutoscaler(g runners.GroupScope, group string, timeout time.Duration, out io.Writer) *autoscaler {
	a := &autoscaler{
		scope: g, group: group, groups: fleet.NewGroupCache(g, time.Hour),
		timeout: timeout, out: out, jobs: map[int64]time.Time{},
	}
	a.start = a.printStart
	return a
}

// remember is how long a job is remembered: GitHub offers redeliveries of
// the last 3 days; a delivery older than a day is not worth a runner.
const remember = 24 * time.Hour

// handle is the webhook's func: it acts on workflow_job deliveries, and
// answers nil once what the delivery asks is done.
func (a *autoscaler) handle(ctx context.Context, d *webhook.Delivery) error {
	ev := d.Job
	if ev == nil {
		return nil // not a workflow_job delivery
	}
	job := ev.WorkflowJob
	switch ev.Action {
	case "queued":
		return a.queued(ctx, d.ID, job)
	case "in_progress":
		a.printf("job %d taken by runner %s (ID %d) in group %s", job.ID, job.RunnerName, job.RunnerID, job.RunnerGroupName)
	case "completed":
		a.printf("job %d done: %s; nothing to clean up (the runner is ephemeral)", job.ID, job.Conclusion)
	}
	return nil
}

// queued creates and starts a runner for a job that asks for a self-hosted
// one, once per job.
func (a *autoscaler) queued(ctx context.Context, deliveryID string, job webhook.WorkflowJob) error {
	labels := strings.Join(job.Labels, ",")
	if !webhook.MatchLabels([]string{"self-hosted"}, job.Labels) {
		a.printf("job %d queued: %s: not for a self-hosted runner, skipped", job.ID, labels)
		return nil
	}
	if !a.claim(job.ID) {
		a.printf("job %d queued again (delivery %s): handled already", job.ID, deliveryID)
		return nil
	}
	a.printf("job %d queued: %s", job.ID, labels)
	err := a.createRunner(ctx, job)
	a.settle(job.ID, err)
	if err != nil {
		return fmt.Errorf("job %d (delivery %s): %w", job.ID, deliveryID, err)
	}
	return nil
}

// claim marks a job as being acted on, unless it was already; it forgets
// the jobs older than remember.
func (a *autoscaler) claim(jobID int64) bool {
	a.mu.Lock()
	defer a.mu.Unlock()
	now := time.Now()
	for id, since := range a.jobs {
		if now.Sub(since) > remember {
			delete(a.jobs, id)
		}
	}
	if _, seen := a.jobs[jobID]; seen {
		return false
	}
	a.jobs[jobID] = now
	return true
}

// settle forgets a job whose runner could not be made, so that a
// redelivery tries again; a job with its runner stays claimed.
func (a *autoscaler) settle(jobID int64, err error) {
	if err == nil {
		return
	}
	a.mu.Lock()
	defer a.mu.Unlock()
	delete(a.jobs, jobID)
}

// createRunner makes a JIT runner for the job in the runner group, and
// starts it; all its requests have a.timeout together.
func (a *autoscaler) createRunner(ctx context.Context, job webhook.WorkflowJob) error {
	ctx, cancel := context.WithTimeout(ctx, a.timeout)
	defer cancel()
	groupID, err := a.groups.ID(ctx, a.group)
	if err != nil {
		return err
	}
	name := fmt.Sprintf("%s%d", namePrefix, job.ID) // one per job: a second try finds its first
	req := &runners.JITConfigRequest{Name: name, RunnerGroupID: groupID, Labels: job.Labels}
	ours := func(r *runners.Runner) bool { // an earlier try's, never started
		return r.Ephemeral && r.Status == runners.RunnerOffline && strings.HasPrefix(r.Name, namePrefix)
	}
	jit, err := fleet.GenerateJITConfigReplacing(ctx, a.scope, req, ours)
	if errors.Is(err, runners.ErrNotFound) {
		a.groups.Forget(a.group) // renamed or deleted since it was looked up: look again next time
	}
	if err != nil {
		return err
	}
	a.printf("job %d: runner %s (ID %d) created in group %s (ID %d)", job.ID, jit.Runner.Name, jit.Runner.ID, a.group, groupID)
	return a.start(ctx, jit)
}

// printStart says how to start a runner on GitHub: the config is the
// runner's credential, so only its length is printed. A real autoscaler
// boots a machine here (through a queue: it takes longer than GitHub waits
// for the webhook's answer) and hands it the config.
func (a *autoscaler) printStart(_ context.Context, jit *runners.JITConfig) error {
	a.printf("runner %s: start it on a fresh machine: ./run.sh --jitconfig \"$JITCONFIG\" (an encoded config of %d bytes, not printed)",
		jit.Runner.Name, len(jit.EncodedJITConfig))
	return nil
}

func (a *autoscaler) printf(format string, args ...any) {
	a.mu.Lock()
	defer a.mu.Unlock()
	fmt.Fprintf(a.out, format+"\n", args...)
}

// serve serves the webhook at /webhook on addr until ctx ends.
func (a *autoscaler) serve(ctx context.Context, addr string, secret []byte, stderr io.Writer) error {
	mux := http.NewServeMux()
	mux.Handle("/webhook", webhook.NewHandler(a.handle, secret))
	srv := &http.Server{
		Handler: mux, ReadHeaderTimeout: 10 * time.Second, ReadTimeout: time.Minute,
		WriteTimeout: a.timeout + 10*time.Second, IdleTimeout: 2 * time.Minute,
	}
	ln, err := net.Listen("tcp", addr)
	if err != nil {
		return err
	}
	fmt.Fprintf(stderr, "Serving the webhook on http://%s/webhook, runners in group %q. An interrupt stops it.\n", ln.Addr(), a.group)
	done := make(chan error, 1)
	go func() { done <- srv.Serve(ln) }()
	select {
	case err := <-done:
		return err
	case <-ctx.Done():
	}
	stop, cancel := context.WithTimeout(context.Background(), a.timeout+time.Second)
	defer cancel()
	if err := srv.Shutdown(stop); err != nil {
		return err
	}
	if err := <-done; !errors.Is(err, http.ErrServerClosed) {
		return err
	}
	return nil
}

// demo runs the autoscaler against the fake, which plays GitHub: it queues
// demoJobs, completes each once a runner took it, and checks that each
// runner is gone after its job, and that none of the autoscaler's is left.
func (a *autoscaler) demo(ctx context.Context, st *runnerstest.ScopeState) error {
	srv := st.Server()
	secret := []byte(rand.Text()) // the fake and the handler share it, as GitHub and you do
	srv.SendWebhooks(webhook.NewHandler(a.handle, secret), secret)
	srv.ConnectRunners(true) // a JIT runner comes online as soon as it is created, as a started one would
	var jobs []int64
	for _, labels := range demoJobs {
		jobs = append(jobs, st.QueueJob(labels...).ID)
	}
	for _, id := range jobs {
		if err := srv.CompleteJob(id, "success"); err != nil {
			return err
		}
		j := srv.Jobs()[id-1]
		if err := a.gone(ctx, j.RunnerID, j.RunnerName); err != nil {
			return err
		}
	}
	for _, d := range srv.Deliveries() {
		if d.StatusCode/100 != 2 {
			return fmt.Errorf("delivery %s (job %d %s) was answered %d", d.ID, d.JobID, d.Action, d.StatusCode)
		}
	}
	ctx, cancel := context.WithTimeout(ctx, a.timeout)
	defer cancel()
	left := 0
	for r, err := range a.scope.AllRunners(ctx, nil) {
		if err != nil {
			return err
		}
		if strings.HasPrefix(r.Name, namePrefix) {
			left++
		}
	}
	a.printf("%d jobs done, %d runners of ours left", len(jobs), left)
	if left > 0 {
		return fmt.Errorf("%d runners of ours are left", left)
	}
	return nil
}

// gone checks, as GitHub sees it, that an ephemeral runner is removed once
// its job is done.
func (a *autoscaler) gone(ctx context.Context, runnerID int64, name string) error {
	ctx, cancel := context.WithTimeout(ctx, a.timeout)
	defer cancel()
	_, err := a.scope.GetRunner(ctx, runnerID)
	if !errors.Is(err, runners.ErrNotFound) {
		return fmt.Errorf("runner %s (ID %d) is still registered after its job (%v)", name, runnerID, err)
	}
	a.printf("runner %s (ID %d) gone", name, runnerID)
	return nil
}
