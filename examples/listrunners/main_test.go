package main

import (
	"bytes"
	"context"
	"net/http/httptest"
	"testing"

	"github.com/fleetkit/runners"
	"github.com/fleetkit/runners/runnerstest"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func env(vars map[string]string) func(string) string {
	return func(k string) string { return vars[k] }
}

// With no token the program lists the documented runners from the fake.
func TestRunWithoutToken(t *testing.T) {
	t.Parallel()
	for _, args := range [][]string{
		nil,
		{"-org", "octo-org"},
		{"-repo", "octo-org/octo-repo"},
		{"-enterprise", "acme"},
		{"-url", "https://github.com/octo-org/octo-repo.git"},
	} {
		var out, errOut bytes.Buffer
		require.NoError(t, run(context.Background(), args, env(nil), &out, &errOut), "args %q", args)
		assert.Equal(t, ""+
			"ID  NAME          OS     STATUS   BUSY   LABELS\n"+
			"23  linux_runner  linux  online   true   self-hosted,X64,Linux\n"+
			"24  mac_runner    macos  offline  false  self-hosted,X64,macOS,no-gpu\n"+
			"2 runners\n", out.String(), "args %q", args)
		assert.Contains(t, errOut.String(), "GITHUB_TOKEN is not set")
	}
}

// With a token the program talks to the API at -base-url, sending the token.
func TestRunWithToken(t *testing.T) {
	t.Parallel()
	srv := runnerstest.NewServer()
	srv.Org("acme-org").AddRunner(runners.Runner{ID: 7, Name: "build-7", OS: "linux", Status: runners.RunnerOnline})
	srv.Org("acme-org").AddRunner(runners.Runner{ID: 8, Name: "build-8", OS: "linux"})
	ts := httptest.NewServer(srv)
	t.Cleanup(ts.Close)

	var out, errOut bytes.Buffer
	err := run(context.Background(), []string{"-base-url", ts.URL, "-org", "acme-org", "-name", "build-8"},
		env(map[string]string{"GITHUB_TOKEN": "ghp_from_env"}), &out, &errOut)
	require.NoError(t, err)
	assert.Equal(t, ""+
		"ID  NAME     OS     STATUS   BUSY   LABELS\n"+
		"8   build-8  linux  offline  false  \n"+
		"1 runners\n", out.String())
	assert.Empty(t, errOut.String())
	reqs := srv.Requests()
	require.Len(t, reqs, 1)
	assert.True(t, reqs[0].SentToken("ghp_from_env"), "the token from GITHUB_TOKEN")
	assert.Equal(t, "build-8", reqs[0].Query.Get("name"))
}

func TestRunBadFlags(t *testing.T) {
	t.Parallel()
	for _, args := range [][]string{
		{"-org", "a", "-repo", "a/b"},
		{"-repo", "no-slash"},
		{"-url", "https://github.com/a/b/c"},
		{"-bogus"},
	} {
		var out, errOut bytes.Buffer
		assert.Error(t, run(context.Background(), args, env(map[string]string{"GITHUB_TOKEN": "t"}), &out, &errOut), "args %q", args)
		assert.Empty(t, out.String())
	}
}
