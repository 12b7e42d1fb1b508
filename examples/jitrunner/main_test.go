package main

import (
	"bytes"
	"context"
	"encoding/base64"
	"encoding/json"
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

// With no token the program replaces the fake's leftover runner and prints
// the command with the new runner's config.
func TestRunWithoutToken(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		args []string
		want string
	}{
		{nil, "jit-runner-1"},
		{[]string{"-repo", "octo-org/octo-repo", "-name", "build-42"}, "build-42"},
		{[]string{"-enterprise", "acme", "-labels", "linux"}, "jit-runner-1"},
	} {
		var out, errOut bytes.Buffer
		require.NoError(t, run(context.Background(), tc.args, env(nil), &out, &errOut), "args %q", tc.args)
		id, name := jitRunner(t, out.String())
		assert.Equal(t, tc.want, name, "args %q", tc.args)
		assert.Equal(t, int64(26), id, "args %q: 23 and 24 documented, 25 the leftover, 26 the new runner", tc.args)
		assert.Contains(t, errOut.String(), "GITHUB_TOKEN is not set")
	}
}

// With a token the program asks the API at -base-url: it replaces a runner it
// owns, and leaves any other alone.
func TestRunWithToken(t *testing.T) {
	t.Parallel()
	srv := runnerstest.NewServer()
	st := srv.Org("acme-org")
	st.AddRunner(runners.Runner{ID: 7, Name: "build-7", Ephemeral: true})                               // left behind: ours
	st.AddRunner(runners.Runner{ID: 8, Name: "build-8", Ephemeral: true, Status: runners.RunnerOnline}) // started: not ours to delete
	ts := httptest.NewServer(srv)
	t.Cleanup(ts.Close)
	withToken := env(map[string]string{"GITHUB_TOKEN": "ghp_from_env"})

	var out, errOut bytes.Buffer
	err := run(context.Background(), []string{"-base-url", ts.URL, "-org", "acme-org", "-name", "build-7", "-group", "3", "-labels", "linux,gpu"}, withToken, &out, &errOut)
	require.NoError(t, err)
	id, name := jitRunner(t, out.String())
	assert.Equal(t, "build-7", name)
	assert.Equal(t, int64(9), id)
	_, left := st.Runner(7)
	assert.False(t, left, "the leftover runner was replaced")
	r, ok := st.Runner(9)
	require.True(t, ok)
	assert.Equal(t, int64(3), r.RunnerGroupID)
	assert.True(t, srv.Requests()[0].SentToken("ghp_from_env"), "the token from GITHUB_TOKEN")
	assert.JSONEq(t, `{"name":"build-7","runner_group_id":3,"labels":["linux","gpu"]}`, string(srv.Requests()[0].Body))

	out.Reset()
	err = run(context.Background(), []string{"-base-url", ts.URL, "-org", "acme-org", "-name", "build-8"}, withToken, &out, &errOut)
	assert.ErrorIs(t, err, runners.ErrConflict)
	assert.Empty(t, out.String())
	_, stays := st.Runner(8)
	assert.True(t, stays, "a runner that is not ours is never deleted")
}

func TestRunBadFlags(t *testing.T) {
	t.Parallel()
	for _, args := range [][]string{
		{"-org", "a", "-repo", "a/b"},
		{"-repo", "no-slash"},
		{"-url", "https://github.com/a/b/c"},
		{"-bogus"},
		{"-org", "a", "-group", "0"},
		{"-org", "a", "-labels", ""},
	} {
		var out, errOut bytes.Buffer
		assert.Error(t, run(context.Background(), args, env(map[string]string{"GITHUB_TOKEN": "t"}), &out, &errOut), "args %q", args)
		assert.Empty(t, out.String())
	}
}
