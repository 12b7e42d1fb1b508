package main

import (
	"bytes"
	"context"
	"encoding/base64"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/fleetkit/runners"
	"github.com/fleetkit/runners/runnerstest"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func env(vars map[string]string) func(string) string {
	return func(k string) string { return vars[k] }
}

// jitRunner decodes the config of the printed run.sh command and returns the
// runner it names (the fake's configs are base64 JSON).
func jitRunner(t *testing.T, out string) (id int64, name string) {
	t.Helper()
	cfg, ok := strings.CutPrefix(out, "./run.sh --jitconfig ")
	require.True(t, ok, "output %q", out)
	cfg, ok = strings.CutSuffix(cfg, "\n")
	require.True(t, ok, "one line: %q", out)
	raw, err := base64.StdEncoding.DecodeString(cfg)
	require.NoError(t, err)
	var c struct {
		Runner struct {
			ID   int64  `json:"agentId"`
			Name string `json:"agentName"`
		} `json:".runner"`
	}
	require.NoError(t, json.Unmarshal(raw, &c))
	return c.Runner.ID, c.Runner.Name
}

// Without a token, with a token but no scope, and with -fake, the program
// replaces the fake's leftover runner and prints the command with the new
// runner's config.
func TestRunOnTheFake(t *testing.T) {
	t.Parallel()
	withToken := map[string]string{"GITHUB_TOKEN": "ghp_from_env"}
	for _, tc := range []struct {
		env  map[string]string
		args []string
		want string
	}{
		{nil, nil, "jit-runner-1"},
		{nil, []string{"-repo", "octo-org/octo-repo", "-name", "build-42"}, "build-42"},
		{nil, []string{"-enterprise", "acme", "-labels", "linux"}, "jit-runner-1"},
		{withToken, nil, "jit-runner-1"},
		{withToken, []string{"-fake", "-org", "acme-org"}, "jit-runner-1"},
	} {
		var out, errOut bytes.Buffer
		require.NoError(t, run(t.Context(), tc.args, env(tc.env), &out, &errOut), "args %q", tc.args)
		id, name := jitRunner(t, out.String())
		assert.Equal(t, tc.want, name, "args %q", tc.args)
		assert.Equal(t, int64(26), id, "args %q: 23 and 24 documented, 25 the leftover, 26 the new runner", tc.args)
		assert.Contains(t, errOut.String(), "Using the built-in fake", "args %q", tc.args)
		assert.Contains(t, errOut.String(), "leftover runner")
	}
}

// A name the fake's documented runners hold is not the program's: the 409
// is reported and nothing is deleted.
func TestRunOnTheFakeNameTaken(t *testing.T) {
	t.Parallel()
	var out, errOut bytes.Buffer
	err := run(t.Context(), []string{"-name", "mac_runner"}, env(nil), &out, &errOut)
	assert.ErrorIs(t, err, runners.ErrConflict)
	assert.Empty(t, out.String())
	assert.NotContains(t, errOut.String(), "leftover runner")
}

// With a token and a scope the program asks the API at -base-url: it
// replaces a runner it owns, and leaves any other alone.
func TestRunOnGitHub(t *testing.T) {
	t.Parallel()
	srv := runnerstest.NewServer()
	st := srv.Org("acme-org")
	st.AddRunnerGroup(runners.RunnerGroup{ID: 3, Name: "gpu"})
	st.AddRunner(runners.Runner{ID: 7, Name: "build-7", Ephemeral: true})                               // left behind: ours
	st.AddRunner(runners.Runner{ID: 8, Name: "build-8", Ephemeral: true, Status: runners.RunnerOnline}) // started: not ours to delete
	ts := httptest.NewServer(srv)
	t.Cleanup(ts.Close)
	withToken := env(map[string]string{"GITHUB_TOKEN": "ghp_from_env"})

	var out, errOut bytes.Buffer
	err := run(t.Context(), []string{"-base-url", ts.URL, "-org", "acme-org", "-name", "build-7", "-runner-group", "gpu", "-labels", "linux,gpu"}, withToken, &out, &errOut)
	require.NoError(t, err)
	id, name := jitRunner(t, out.String())
	assert.Equal(t, "build-7", name)
	assert.Equal(t, int64(9), id)
	assert.NotContains(t, errOut.String(), "built-in fake")
	left := map[int64]runners.Runner{}
	for _, r := range st.Runners() {
		left[r.ID] = r
	}
	assert.NotContains(t, left, int64(7), "the leftover runner was replaced")
	require.Contains(t, left, int64(9))
	assert.Equal(t, int64(3), left[9].RunnerGroupID, "the group named gpu")
	reqs := srv.Requests()
	require.GreaterOrEqual(t, len(reqs), 2)
	assert.True(t, reqs[0].SentToken("ghp_from_env"), "the token from GITHUB_TOKEN")
	assert.Equal(t, "GET /orgs/acme-org/actions/runner-groups per_page=100", reqs[0].Method+" "+reqs[0].Path+" "+reqs[0].Query.Encode(), "one lookup of the group by name")
	assert.JSONEq(t, `{"name":"build-7","runner_group_id":3,"labels":["linux","gpu"]}`, string(reqs[1].Body))

	// -group gives the ID itself: no lookup.
	out.Reset()
	before := len(srv.Requests())
	err = run(t.Context(), []string{"-base-url", ts.URL, "-org", "acme-org", "-name", "build-10", "-group", "3"}, withToken, &out, &errOut)
	require.NoError(t, err)
	reqs = srv.Requests()[before:]
	require.Len(t, reqs, 1)
	assert.JSONEq(t, `{"name":"build-10","runner_group_id":3,"labels":["self-hosted","linux","x64"]}`, string(reqs[0].Body))

	out.Reset()
	err = run(t.Context(), []string{"-base-url", ts.URL, "-org", "acme-org", "-name", "build-8"}, withToken, &out, &errOut)
	assert.ErrorIs(t, err, runners.ErrConflict)
	assert.Empty(t, out.String())
	_, ok := st.Runner(8)
	assert.True(t, ok, "a runner that is not ours is never deleted")
	assert.Len(t, st.Runners(), 3)
}

// -runner-group finds the group by its exact name: none of that name is
// ErrNotFound, and no runner is made.
func TestRunRunnerGroupNotFound(t *testing.T) {
	t.Parallel()
	srv := runnerstest.NewServer()
	st := srv.Org("acme-org")
	st.AddRunnerGroup(runners.RunnerGroup{Name: "gpu"})
	ts := httptest.NewServer(srv)
	t.Cleanup(ts.Close)
	var out, errOut bytes.Buffer
	err := run(t.Context(), []string{"-base-url", ts.URL, "-org", "acme-org", "-runner-group", "GPU"}, env(map[string]string{"GITHUB_TOKEN": "t"}), &out, &errOut)
	assert.ErrorIs(t, err, runners.ErrNotFound)
	assert.Empty(t, out.String())
	assert.Empty(t, st.Runners())
	for _, r := range srv.Requests() {
		assert.Equal(t, http.MethodGet, r.Method, "only the lookup: %s", r.Path)
	}
}

// On the fake, -runner-group names a group the fake then holds, and the
// runner joins it; without it, the default group.
func TestRunOnTheFakeRunnerGroup(t *testing.T) {
	t.Parallel()
	for args, want := range map[string]string{"-runner-group gpu": "runner group 2)", "": "runner group 1)", "-runner-group Default": "runner group 1)"} {
		var out, errOut bytes.Buffer
		require.NoError(t, run(t.Context(), strings.Fields(args), env(nil), &out, &errOut), args)
		assert.Contains(t, errOut.String(), want, args)
		assert.Equal(t, args == "-runner-group gpu", strings.Contains(errOut.String(), `The fake holds a runner group named "gpu"`), args)
	}
}

// The requests have a deadline: a server that never answers does not hold
// the program for ever.
func TestRunTimeout(t *testing.T) {
	t.Parallel()
	over := make(chan struct{}) // the server answers nothing until the test is over
	ts := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { <-over }))
	t.Cleanup(ts.Close)
	t.Cleanup(func() { close(over) }) // first: then Close finds no request in flight
	var out, errOut bytes.Buffer
	err := run(t.Context(), []string{"-base-url", ts.URL, "-org", "acme-org", "-timeout", "1ms"},
		env(map[string]string{"GITHUB_TOKEN": "ghp_from_env"}), &out, &errOut)
	assert.ErrorIs(t, err, context.DeadlineExceeded)
	assert.Empty(t, out.String())
}

// Bad flags are refused before anything is sent.
func TestRunBadFlags(t *testing.T) {
	t.Parallel()
	ts := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		t.Errorf("sent %s %s", r.Method, r.URL)
	}))
	t.Cleanup(ts.Close)
	for _, args := range [][]string{
		{"-org", "a", "-repo", "a/b"},
		{"-repo", "no-slash"},
		{"-url", "https://github.com/a/b/c"},
		{"-bogus"},
		{"-org", "a", "-group", "0"},
		{"-org", "a", "-group", "2", "-runner-group", "gpu"},
		{"-org", "a", "-group", "1", "-runner-group", "gpu"},
		{"-repo", "a/b", "-runner-group", "gpu"},
		{"-org", "a", "-labels", ""},
		{"-org", "a", "-timeout", "0s"},
	} {
		var out, errOut bytes.Buffer
		args = append(args, "-base-url", ts.URL)
		assert.Error(t, run(t.Context(), args, env(map[string]string{"GITHUB_TOKEN": "t"}), &out, &errOut), "args %q", args)
		assert.Empty(t, out.String())
	}
}
