package main

import (
	"bytes"
	"context"
	"net/http"
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

// Without a token, with a token but no scope, and with -fake, the program
// prunes the documented runners of the built-in fake: a dry run by default,
// a real one with -apply.
func TestRunOnTheFake(t *testing.T) {
	t.Parallel()
	withToken := map[string]string{"GITHUB_TOKEN": "ghp_from_env"}
	dryRun := "would delete 24 mac_runner\nskipped 23 linux_runner: busy\nwould delete: 1, skipped: 1, failed: 0\n"
	for _, tc := range []struct {
		env  map[string]string
		args []string
		want string
	}{
		{nil, nil, dryRun},
		{nil, []string{"-repo", "octo-org/octo-repo"}, dryRun},
		{nil, []string{"-enterprise", "acme", "-apply"}, "deleted 24 mac_runner\nskipped 23 linux_runner: busy\ndeleted: 1, skipped: 1, failed: 0\n"},
		{nil, []string{"-label", "no-gpu", "-apply"}, "deleted 24 mac_runner\ndeleted: 1, skipped: 0, failed: 0\n"},
		{nil, []string{"-prefix", "linux"}, "skipped 23 linux_runner: busy\nwould delete: 0, skipped: 1, failed: 0\n"},
		{withToken, nil, dryRun},
		{withToken, []string{"-fake", "-org", "acme-org", "-apply"}, "deleted 24 mac_runner\nskipped 23 linux_runner: busy\ndeleted: 1, skipped: 1, failed: 0\n"},
	} {
		var out, errOut bytes.Buffer
		require.NoError(t, run(t.Context(), tc.args, env(tc.env), &out, &errOut), "args %q", tc.args)
		assert.Equal(t, tc.want, out.String(), "args %q", tc.args)
		assert.Contains(t, errOut.String(), "Using the built-in fake", "args %q", tc.args)
	}
}

// seed adds three stale runners and one busy one to an organization of srv.
func seed(srv *runnerstest.Server) *runnerstest.ScopeState {
	st := srv.Org("acme-org")
	st.AddRunner(runners.Runner{ID: 7, Name: "ci-7"})
	st.AddRunner(runners.Runner{ID: 8, Name: "ci-8", Status: runners.RunnerOnline, Busy: true})
	st.AddRunner(runners.Runner{ID: 9, Name: "ci-9"})
	st.AddRunner(runners.Runner{ID: 10, Name: "keep-10"})
	return st
}

func names(rs []runners.Runner) []string {
	var out []string
	for _, r := range rs {
		out = append(out, r.Name)
	}
	return out
}

// With a token and a scope the program asks the API at -base-url; a dry run
// sends no DELETE, -apply deletes.
func TestRunOnGitHub(t *testing.T) {
	t.Parallel()
	srv := runnerstest.NewServer()
	st := seed(srv)
	ts := httptest.NewServer(srv)
	t.Cleanup(ts.Close)
	withToken := env(map[string]string{"GITHUB_TOKEN": "ghp_from_env"})

	var out, errOut bytes.Buffer
	require.NoError(t, run(t.Context(), []string{"-base-url", ts.URL, "-org", "acme-org", "-prefix", "ci-"}, withToken, &out, &errOut))
	assert.Equal(t, "would delete 7 ci-7\nwould delete 9 ci-9\nskipped 8 ci-8: busy\nwould delete: 2, skipped: 1, failed: 0\n", out.String())
	assert.Contains(t, errOut.String(), "-apply")
	assert.NotContains(t, errOut.String(), "built-in fake")
	assert.Len(t, st.Runners(), 4, "a dry run deletes nothing")
	require.NotEmpty(t, srv.Requests())
	for _, r := range srv.Requests() {
		assert.Equal(t, http.MethodGet, r.Method)
		assert.True(t, r.SentToken("ghp_from_env"), "the token from GITHUB_TOKEN")
	}

	out.Reset()
	require.NoError(t, run(t.Context(), []string{"-base-url", ts.URL, "-org", "acme-org", "-prefix", "ci-", "-apply", "-concurrency", "1"}, withToken, &out, &errOut))
	assert.Equal(t, "deleted 7 ci-7\ndeleted 9 ci-9\nskipped 8 ci-8: busy\ndeleted: 2, skipped: 1, failed: 0\n", out.String())
	assert.Equal(t, []string{"ci-8", "keep-10"}, names(st.Runners()))
}

// A failed delete is printed and makes the program fail.
func TestRunFailedDelete(t *testing.T) {
	t.Parallel()
	srv := runnerstest.NewServer()
	st := seed(srv)
	srv.FailNext(1, runnerstest.Fault{Status: http.StatusBadGateway, Method: http.MethodDelete, PathSuffix: "/actions/runners/9"})
	ts := httptest.NewServer(srv)
	t.Cleanup(ts.Close)

	var out, errOut bytes.Buffer
	err := run(t.Context(), []string{"-base-url", ts.URL, "-org", "acme-org", "-prefix", "ci-", "-apply"},
		env(map[string]string{"GITHUB_TOKEN": "ghp_from_env"}), &out, &errOut)
	assert.EqualError(t, err, "1 runners could not be deleted")
	assert.Contains(t, out.String(), "deleted 7 ci-7\n")
	assert.Contains(t, out.String(), "failed 9 ci-9: delete failed: ")
	assert.Contains(t, out.String(), "deleted: 1, skipped: 1, failed: 1\n")
	assert.Equal(t, []string{"ci-8", "ci-9", "keep-10"}, names(st.Runners()))
}

// The requests have a deadline: a server that never answers does not hold
// the program for ever, and nothing is deleted.
func TestRunTimeout(t *testing.T) {
	t.Parallel()
	over := make(chan struct{}) // the server answers nothing until the test is over
	ts := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { <-over }))
	t.Cleanup(ts.Close)
	t.Cleanup(func() { close(over) }) // first: then Close finds no request in flight
	var out, errOut bytes.Buffer
	err := run(t.Context(), []string{"-base-url", ts.URL, "-org", "acme-org", "-apply", "-timeout", "1ms"},
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
		{"-org", "a", "-concurrency", "-1"},
		{"-org", "a", "-label", "linux,"},
		{"-org", "a", "-timeout", "0s"},
	} {
		var out, errOut bytes.Buffer
		args = append(args, "-base-url", ts.URL)
		assert.Error(t, run(t.Context(), args, env(map[string]string{"GITHUB_TOKEN": "t"}), &out, &errOut), "args %q", args)
		assert.Empty(t, out.String())
	}
}
