package main

import (
	"bytes"
	"context"
	"io"
	"net/http"
	"net/http/httptest"
	"regexp"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/fleetkit/runners"
	"github.com/fleetkit/runners/runnerstest"
	"github.com/fleetkit/runners/webhook"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func env(vars map[string]string) func(string) string {
	return func(k string) string { return vars[k] }
}

// The timeline of the fake's run: three jobs, each queued, given a runner
// that takes it, done, and its runner gone.
const fakeTimeline = `job 1 queued: self-hosted,linux,x64
job 1: runner autoscaler-1 (ID 25) created in group Default (ID 1)
job 1 taken by runner autoscaler-1 (ID 25) in group Default
job 2 queued: self-hosted,linux,arm64
job 2: runner autoscaler-2 (ID 26) created in group Default (ID 1)
job 2 taken by runner autoscaler-2 (ID 26) in group Default
job 3 queued: self-hosted,gpu
job 3: runner autoscaler-3 (ID 27) created in group Default (ID 1)
job 3 taken by runner autoscaler-3 (ID 27) in group Default
job 1 done: success; nothing to clean up (the runner is ephemeral)
runner autoscaler-1 (ID 25) gone
job 2 done: success; nothing to clean up (the runner is ephemeral)
runner autoscaler-2 (ID 26) gone
job 3 done: success; nothing to clean up (the runner is ephemeral)
runner autoscaler-3 (ID 27) gone
3 jobs done, 0 runners of ours left
`

// Without a token, with a token but no scope, and with -fake, the program
// plays the whole loop against the fake and prints its timeline.
func TestRunOnTheFake(t *testing.T) {
	t.Parallel()
	withToken := map[string]string{"GITHUB_TOKEN": "ghp_from_env"}
	for _, tc := range []struct {
		env  map[string]string
		args []string
	}{
		{nil, nil},
		{withToken, nil},
		{withToken, []string{"-fake", "-org", "octo-org"}},
	} {
		var out, errOut bytes.Buffer
		require.NoError(t, run(t.Context(), tc.args, env(tc.env), &out, &errOut), "args %q: %s", tc.args, errOut.String())
		assert.Equal(t, fakeTimeline, out.String(), "args %q", tc.args)
		assert.Contains(t, errOut.String(), "Using the built-in fake", "args %q", tc.args)
	}
}

// A group named by -runner-group is the runners' group; the fake holds it.
func TestRunOnTheFakeRunnerGroup(t *testing.T) {
	t.Parallel()
	var out, errOut bytes.Buffer
	require.NoError(t, run(t.Context(), []string{"-runner-group", "ci-pool"}, env(nil), &out, &errOut))
	assert.Contains(t, out.String(), "job 1: runner autoscaler-1 (ID 25) created in group ci-pool (ID 2)\n")
	assert.Contains(t, out.String(), "job 1 taken by runner autoscaler-1 (ID 25) in group ci-pool\n")
	assert.Contains(t, errOut.String(), `The fake holds a runner group named "ci-pool".`)
}

// fakeOrg is a fake whose octo-org holds the documented runners, and an
// autoscaler of it whose timeline goes to out.
func fakeOrg(t *testing.T, out io.Writer) (*runnerstest.Server, *runnerstest.ScopeState, *autoscaler) {
	t.Helper()
	srv := runnerstest.NewServer()
	st := srv.Org("octo-org")
	st.AddRunners(runnerstest.DocumentedRunners()...)
	a := newAutoscaler(srv.Client().Org("octo-org"), "Default", 5*time.Second, out)
	a.start = func(context.Context, *runners.JITConfig) error { return nil }
	return srv, st, a
}

// count returns how many requests of the method to a path with the suffix
// the fake received.
func count(srv *runnerstest.Server, method, suffix string) int {
	n := 0
	for _, r := range srv.Requests() {
		if r.Method == method && strings.HasSuffix(r.Path, suffix) {
			n++
		}
	}
	return n
}

// The whole loop leaves no runner of the autoscaler's: each job was taken by
// the runner made for it and completed, every delivery answered 2xx, the
// group looked up once for all the jobs.
func TestDemoLeavesNoRunner(t *testing.T) {
	t.Parallel()
	var out bytes.Buffer
	srv, st, a := fakeOrg(t, &out)
	require.NoError(t, a.demo(t.Context(), st))

	assert.Equal(t, []string{"linux_runner", "mac_runner"}, names(st.Runners()), "only the documented runners are left")
	require.Len(t, srv.Jobs(), 3)
	for _, j := range srv.Jobs() {
		assert.Equal(t, "completed", j.Status, "job %d", j.ID)
		assert.Equal(t, "success", j.Conclusion, "job %d", j.ID)
		assert.Equal(t, namePrefix+itoa(j.ID), j.RunnerName, "job %d ran on its own runner", j.ID)
		assert.Equal(t, "Default", j.RunnerGroupName)
	}
	ds := srv.Deliveries()
	require.Len(t, ds, 9, "queued, in_progress, completed for each job")
	for _, d := range ds {
		assert.Equal(t, http.StatusAccepted, d.StatusCode, "delivery %s: job %d %s", d.ID, d.JobID, d.Action)
	}
	assert.Equal(t, 1, count(srv, http.MethodGet, "/actions/runner-groups"), "one lookup of the group, for every job")
	assert.Equal(t, 3, count(srv, http.MethodPost, "/actions/runners/generate-jitconfig"))
}

func names(rs []runners.Runner) []string {
	var out []string
	for _, r := range rs {
		out = append(out, r.Name)
	}
	return out
}

func itoa(n int64) string { return strconv.FormatInt(n, 10) }

// A redelivery, and any other delivery of a job handled already, creates
// nothing more.
func TestQueuedIsHandledOnce(t *testing.T) {
	t.Parallel()
	var out bytes.Buffer
	srv, st, a := fakeOrg(t, &out)
	srv.SendWebhooks(webhook.NewHandler(a.handle, []byte("s3cret")), []byte("s3cret"))
	st.QueueJob("self-hosted", "gpu")
	queued := srv.Deliveries()[0]
	require.Equal(t, "queued", queued.Action)

	require.NoError(t, srv.Redeliver(queued.ID))
	ev, err := webhook.ParseWorkflowJob(queued.Payload)
	require.NoError(t, err)
	require.NoError(t, a.handle(t.Context(), &webhook.Delivery{ID: "another-delivery", Event: "workflow_job", Job: ev}))

	assert.Equal(t, 1, count(srv, http.MethodPost, "/actions/runners/generate-jitconfig"), "one runner for the job")
	assert.Len(t, st.Runners(), 3)
	last := srv.Deliveries()[len(srv.Deliveries())-1]
	assert.True(t, last.Redelivery)
	assert.Equal(t, http.StatusAccepted, last.StatusCode)
	assert.Equal(t, "job 1 queued: self-hosted,gpu\n"+
		"job 1: runner autoscaler-1 (ID 25) created in group Default (ID 1)\n"+
		"job 1 queued again (delivery "+queued.ID+"): handled already\n"+
		"job 1 queued again (delivery another-delivery): handled already\n", out.String())
}

// A JIT config that fails answers the delivery 500, and forgets the job: a
// redelivery then makes the runner.
func TestFailedDeliveryIsRetriedByARedelivery(t *testing.T) {
	t.Parallel()
	var out bytes.Buffer
	srv, st, a := fakeOrg(t, &out)
	srv.SendWebhooks(webhook.NewHandler(a.handle, []byte("s3cret")), []byte("s3cret"))
	srv.ConnectRunners(true)
	srv.FailNext(1, runnerstest.Fault{Status: http.StatusBadGateway, Method: http.MethodPost, PathSuffix: "/generate-jitconfig"})

	job := st.QueueJob("self-hosted", "linux")
	first := srv.Deliveries()[0]
	assert.Equal(t, http.StatusInternalServerError, first.StatusCode, "the failure shows in GitHub's delivery log")
	assert.Equal(t, "queued", srv.Jobs()[0].Status)

	require.NoError(t, srv.Redeliver(first.ID))
	assert.Equal(t, "in_progress", srv.Jobs()[0].Status, "the redelivery made the runner, which took the job")
	assert.Equal(t, namePrefix+itoa(job.ID), srv.Jobs()[0].RunnerName)
	require.NoError(t, srv.CompleteJob(job.ID, "success"))
	assert.Equal(t, []string{"linux_runner", "mac_runner"}, names(st.Runners()))
}

// A job that does not ask for a self-hosted runner (a GitHub-hosted one) is
// skipped.
func TestSkipsJobsForGitHubHostedRunners(t *testing.T) {
	t.Parallel()
	var out bytes.Buffer
	srv, st, a := fakeOrg(t, &out)
	srv.SendWebhooks(webhook.NewHandler(a.handle, []byte("s3cret")), []byte("s3cret"))
	st.QueueJob("ubuntu-latest")
	st.QueueJob("Self-Hosted", "Linux")
	assert.Equal(t, "job 1 queued: ubuntu-latest: not for a self-hosted runner, skipped\n"+
		"job 2 queued: Self-Hosted,Linux\n"+
		"job 2: runner autoscaler-2 (ID 25) created in group Default (ID 1)\n", out.String())
	assert.Equal(t, 1, count(srv, http.MethodPost, "/actions/runners/generate-jitconfig"))
}

// syncBuffer is a buffer that several goroutines may write, and that tells
// once the webhook is served.
type syncBuffer struct {
	serving chan string // the webhook's URL, once; set before the first Write

	mu   sync.Mutex
	buf  bytes.Buffer
	told bool
}

var servingLine = regexp.MustCompile(`Serving the webhook on (http://\S+/webhook)`)

func (b *syncBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	if m := servingLine.FindSubmatch(p); m != nil && b.serving != nil && !b.told {
		b.serving <- string(m[1])
		b.told = true
	}
	return b.buf.Write(p)
}

func (b *syncBuffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.String()
}

// forwarder delivers what the fake sends to a URL over a real socket, as
// GitHub calls the webhook's payload URL.
type forwarder struct {
	ctx context.Context
	url string
}

func (f forwarder) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	req, err := http.NewRequestWithContext(f.ctx, http.MethodPost, f.url, r.Body)
	if err != nil {
		http.Error(w, err.Error(), http.StatusInternalServerError)
		return
	}
	req.Header = r.Header.Clone()
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		http.Error(w, err.Error(), http.StatusBadGateway)
		return
	}
	defer resp.Body.Close()
	io.Copy(io.Discard, resp.Body)
	w.WriteHeader(resp.StatusCode)
}

// With a token and a scope the program serves the webhook on -addr for
// GitHub (here the fake, on a socket) to call: a signed delivery makes a
// runner in the group, whose config is never printed; a delivery signed with
// another secret is refused; an interrupt stops the server.
func TestServeOnGitHub(t *testing.T) {
	t.Parallel()
	srv := runnerstest.NewServer()
	st := srv.Org("octo-org")
	st.AddRunnerGroup(runners.RunnerGroup{ID: 7, Name: "ci"})
	api := httptest.NewServer(srv)
	t.Cleanup(api.Close)
	ctx, cancel := context.WithCancel(t.Context())
	defer cancel()
	out, errOut := &syncBuffer{}, &syncBuffer{serving: make(chan string, 1)}
	done := make(chan error, 1)
	go func() {
		done <- run(ctx, []string{"-base-url", api.URL, "-org", "octo-org", "-runner-group", "ci", "-addr", "127.0.0.1:0"},
			env(map[string]string{"GITHUB_TOKEN": "ghp_from_env", "WEBHOOK_SECRET": "whsec-42"}), out, errOut)
	}()
	var hookURL string
	select {
	case hookURL = <-errOut.serving:
	case err := <-done:
		t.Fatalf("run returned before serving: %v; stderr %s", err, errOut.String())
	}

	srv.SendWebhooks(forwarder{ctx, hookURL}, []byte("whsec-42"))
	srv.ConnectRunners(true)
	job := st.QueueJob("self-hosted", "linux")
	require.Equal(t, "in_progress", srv.Jobs()[0].Status, "stdout %s", out.String())
	require.NoError(t, srv.CompleteJob(job.ID, "success"))
	assert.Empty(t, st.Runners(), "the ephemeral runner is gone")
	r, ok := jitRequest(srv)
	require.True(t, ok)
	assert.JSONEq(t, `{"name":"autoscaler-1","runner_group_id":7,"labels":["self-hosted","linux"]}`, string(r.Body))
	assert.True(t, r.SentToken("ghp_from_env"))

	lines := strings.Split(strings.TrimSuffix(out.String(), "\n"), "\n")
	require.Len(t, lines, 5, "%s", out.String())
	assert.Equal(t, "job 1 queued: self-hosted,linux", lines[0])
	assert.Equal(t, "job 1: runner autoscaler-1 (ID 1) created in group ci (ID 7)", lines[1])
	assert.Regexp(t, `^runner autoscaler-1: start it on a fresh machine: \./run\.sh --jitconfig "\$JITCONFIG" \(an encoded config of \d+ bytes, not printed\)$`, lines[2])
	assert.Equal(t, "job 1 taken by runner autoscaler-1 (ID 1) in group ci", lines[3])
	assert.Equal(t, "job 1 done: success; nothing to clean up (the runner is ephemeral)", lines[4])
	assert.NotContains(t, out.String()+errOut.String(), "whsec-42", "the secret is never printed")
	assert.NotContains(t, out.String()+errOut.String(), "eyJ", "nor a config (base64 JSON)")

	// Signed with another secret: 401, and nothing is done.
	srv.SendWebhooks(forwarder{ctx, hookURL}, []byte("not-the-secret"))
	st.QueueJob("self-hosted")
	ds := srv.Deliveries()
	assert.Equal(t, http.StatusUnauthorized, ds[len(ds)-1].StatusCode)
	assert.Equal(t, 1, count(srv, http.MethodPost, "/generate-jitconfig"))

	cancel() // an interrupt
	require.NoError(t, <-done)
	assert.Equal(t, 1, count(srv, http.MethodGet, "/actions/runner-groups"), "the group looked up once, at the start")
}

// jitRequest is the JIT config request the fake received.
func jitRequest(srv *runnerstest.Server) (runnerstest.Request, bool) {
	for _, r := range srv.Requests() {
		if strings.HasSuffix(r.Path, "/generate-jitconfig") {
			return r, true
		}
	}
	return runnerstest.Request{}, false
}

// Refused before anything is served or sent: no WEBHOOK_SECRET on GitHub,
// a scope without runner groups, a scope the fake cannot queue jobs at, bad
// flags; a group GitHub does not have stops the program at the start.
func TestRunRefuses(t *testing.T) {
	t.Parallel()
	sent := 0
	var mu sync.Mutex
	quiet := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		mu.Lock()
		sent++
		mu.Unlock()
		http.NotFound(w, r)
	}))
	t.Cleanup(quiet.Close)
	token := map[string]string{"GITHUB_TOKEN": "t"}
	for _, tc := range []struct {
		args []string
		env  map[string]string
		want string
	}{
		{[]string{"-org", "octo-org", "-base-url", quiet.URL}, token, "WEBHOOK_SECRET is empty"},
		{[]string{"-repo", "octo-org/octo-repo", "-base-url", quiet.URL}, map[string]string{"GITHUB_TOKEN": "t", "WEBHOOK_SECRET": "s"}, "give -org or -enterprise"},
		{[]string{"-repo", "octo-org/octo-repo"}, nil, "give -org or -enterprise"},
		{[]string{"-enterprise", "acme"}, nil, "the fake queues jobs at an organization"},
		{[]string{"-runner-group", ""}, nil, "-runner-group: want a group's name"},
		{[]string{"-org", "a", "-repo", "a/b"}, nil, "give at most one of"},
		{[]string{"-timeout", "0s"}, nil, "-timeout 0s"},
		{[]string{"-bogus"}, nil, "flag provided but not defined"},
	} {
		var out, errOut bytes.Buffer
		err := run(t.Context(), tc.args, env(tc.env), &out, &errOut)
		if assert.Error(t, err, "args %q", tc.args) {
			assert.Contains(t, err.Error(), tc.want, "args %q", tc.args)
		}
		assert.Empty(t, out.String(), "args %q", tc.args)
		assert.NotContains(t, errOut.String(), "Serving the webhook", "args %q", tc.args)
	}
	mu.Lock()
	assert.Zero(t, sent, "nothing was sent")
	mu.Unlock()

	srv := runnerstest.NewServer()
	srv.Org("octo-org")
	api := httptest.NewServer(srv)
	t.Cleanup(api.Close)
	var out, errOut bytes.Buffer
	err := run(t.Context(), []string{"-base-url", api.URL, "-org", "octo-org", "-runner-group", "gpu", "-addr", "127.0.0.1:0"},
		env(map[string]string{"GITHUB_TOKEN": "t", "WEBHOOK_SECRET": "s"}), &out, &errOut)
	assert.ErrorIs(t, err, runners.ErrNotFound, "no group named gpu")
	assert.NotContains(t, errOut.String(), "Serving the webhook")
}

// The lookup at the start has a deadline: a GitHub that never answers does
// not hold the program for ever.
func TestRunTimeout(t *testing.T) {
	t.Parallel()
	over := make(chan struct{}) // the server answers nothing until the test is over
	ts := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { <-over }))
	t.Cleanup(ts.Close)
	t.Cleanup(func() { close(over) }) // first: then Close finds no request in flight
	var out, errOut bytes.Buffer
	err := run(t.Context(), []string{"-base-url", ts.URL, "-org", "octo-org", "-timeout", "1ms"},
		env(map[string]string{"GITHUB_TOKEN": "t", "WEBHOOK_SECRET": "s"}), &out, &errOut)
	assert.ErrorIs(t, err, context.DeadlineExceeded)
	assert.Empty(t, out.String())
}
