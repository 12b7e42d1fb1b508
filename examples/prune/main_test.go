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

// With no token the program prunes the documented runners of the fake: a dry
// run by default, a real one with -apply.
func TestRunWithoutToken(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		args []string
		want string
	}{
		{nil, "would delete 24 mac_runner\nskipped 23 linux_runner: busy\nwould delete: 1, skipped: 1, failed: 0\n"},
		{[]string{"-repo", "octo-org/octo-repo"}, "would delete 24 mac_runner\nskipped 23 linux_runner: busy\nwould delete: 1, skipped: 1, failed: 0\n"},
		{[]string{"-enterprise", "acme", "-apply"}, "deleted 24 mac_runner\nskipped 23 linux_runner: busy\ndeleted: 1, skipped: 1, failed: 0\n"},
		{[]string{"-label", "no-gpu", "-apply"}, "deleted 24 mac_runner\ndeleted: 1, skipped: 0, failed: 0\n"},
		{[]string{"-prefix", "linux"}, "skipped 23 linux_runner: busy\nwould delete: 0, skipped: 1, failed: 0\n"},
	} {
		var out, errOut bytes.Buffer
		require.NoError(t, run(context.Background(), tc.args, env(nil), &out, &errOut), "args %q", tc.args)
		assert.Equal(t, tc.want, out.String(), "args %q", tc.args)
		assert.Contains(t, errOut.String(), "GITHUB_TOKEN is not set")
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

// With a token the program asks the API at -base-url; a dry run sends no
// DELETE, -apply deletes.
func TestRunWithToken(t *testing.T) {
	t.Parallel()
	srv := runnerstest.NewServer()
	st := seed(srv)
	ts := httptest.NewServer(srv)
	t.Cleanup(ts.Close)
	withToken := env(map[string]string{"GITHUB_TOKEN": "ghp_from_env"})

	var out, errOut bytes.Buffer
	require.NoError(t, run(context.Background(), []string{"-base-url", ts.URL, "-org", "acme-org", "-prefix", "ci-"}, withToken, &out, &errOut))
	assert.Equal(t, "would delete 7 ci-7\nwould delete 9 ci-9\nskipped 8 ci-8: busy\nwould delete: 2, skipped: 1, failed: 0\n", out.String())
	assert.Contains(t, errOut.String(), "-apply")
	assert.Len(t, st.Runners(), 4, "a dry run deletes nothing")
	for _, r := range srv.Requests() {
		assert.Equal(t, http.MethodGet, r.Method)
		assert.True(t, r.SentToken("ghp_from_env"), "the token from GITHUB_TOKEN")
	}

	out.Reset()
	require.NoError(t, run(context.Background(), []string{"-base-url", ts.URL, "-org", "acme-org", "-prefix", "ci-", "-apply", "-concurrency", "1"}, withToken, &out, &errOut))
	assert.Equal(t, "deleted 7 ci-7\ndeleted 9 ci-9\nskipped 8 ci-8: busy\ndeleted: 2, skipped: 1, failed: 0\n", out.String())
	var left []string
	for _, r := range st.Runners() {
		left = append(left, r.Name)
	}
	assert.Equal(t, []string{"ci-8", "keep-10"}, left)
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
	err := run(context.Background(), []string{"-base-url", ts.URL, "-org", "acme-org", "-prefix", "ci-", "-apply"},
		env(map[string]string{"GITHUB_TOKEN": "ghp_from_env"}), &out, &errOut)
	assert.EqualError(t, err, "1 runners could not be deleted")
	assert.Contains(t, out.String(), "deleted 7 ci-7\n")
	assert.Contains(t, out.String(), "failed 9 ci-9: delete failed: ")
	assert.Contains(t, out.String(), "deleted: 1, skipped: 1, failed: 1\n")
	assert.Len(t, st.Runners(), 3)
}

func TestRunBadFlags(t *testing.T) {
	t.Parallel()
	for _, args := range [][]string{
		{"-org", "a", "-repo", "a/b"},
		{"-repo", "no-slash"},
		{"-url", "https://github.com/a/b/c"},
		{"-bogus"},
		{"-org", "a", "-concurrency", "-1"},
	} {
		var out, errOut bytes.Buffer
		assert.Error(t, run(context.Background(), args, env(map[string]string{"GITHUB_TOKEN": "t"}), &out, &errOut), "args %q", args)
		assert.Empty(t, out.String())
	}
}
