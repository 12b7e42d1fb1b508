package main

import (
	"bytes"
	"context"
	"net/http"
	"net/http/httptest"
	"regexp"
	"testing"

	"github.com/fleetkit/runners/runnerstest"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func env(vars map[string]string) func(string) string {
	return func(k string) string { return vars[k] }
}

// Without a token, with a token but no scope, and with -fake, the program
// prints the config.sh command with a token of the built-in fake.
func TestRunOnTheFake(t *testing.T) {
	t.Parallel()
	withToken := map[string]string{"GITHUB_TOKEN": "ghp_from_env"}
	for _, tc := range []struct {
		env     map[string]string
		args    []string
		wantURL string
	}{
		{nil, nil, "https://github.com/octo-org"},
		{nil, []string{"-org", "acme-org"}, "https://github.com/acme-org"},
		{nil, []string{"-repo", "octo-org/octo-repo"}, "https://github.com/octo-org/octo-repo"},
		{nil, []string{"-enterprise", "acme"}, "https://github.com/enterprises/acme"},
		{nil, []string{"-url", "https://github.com/octo-org/octo-repo.git"}, "https://github.com/octo-org/octo-repo"},
		{withToken, nil, "https://github.com/octo-org"},
		{withToken, []string{"-fake", "-enterprise", "acme"}, "https://github.com/enterprises/acme"},
	} {
		var out, errOut bytes.Buffer
		require.NoError(t, run(t.Context(), tc.args, env(tc.env), &out, &errOut), "args %q", tc.args)
		assert.Regexp(t, "^./config.sh --url "+regexp.QuoteMeta(tc.wantURL)+" --token [A-Z0-9]{20,}\n$", out.String(), "args %q", tc.args)
		assert.Contains(t, errOut.String(), "Using the built-in fake", "args %q", tc.args)
		assert.Contains(t, errOut.String(), "The token expires at")
	}
}

// With a token and a scope the program asks the API at -base-url and prints
// the token GitHub made (the fake answers 401 without a token).
func TestRunOnGitHub(t *testing.T) {
	t.Parallel()
	srv := runnerstest.NewServer()
	srv.Org("acme-org")
	ts := httptest.NewServer(srv)
	t.Cleanup(ts.Close)

	var out, errOut bytes.Buffer
	err := run(t.Context(), []string{"-base-url", ts.URL, "-org", "acme-org"},
		env(map[string]string{"GITHUB_TOKEN": "ghp_from_env"}), &out, &errOut)
	require.NoError(t, err)
	assert.Regexp(t, "^./config.sh --url "+regexp.QuoteMeta(ts.URL)+"/acme-org --token [A-Z0-9]{20,}\n$", out.String())
	assert.NotContains(t, errOut.String(), "built-in fake")
	reqs := srv.Requests()
	require.Len(t, reqs, 1)
	assert.Equal(t, "POST", reqs[0].Method)
	assert.Equal(t, "/orgs/acme-org/actions/runners/registration-token", reqs[0].Path)
	assert.True(t, reqs[0].SentToken("ghp_from_env"), "the token from GITHUB_TOKEN")
	assert.NotContains(t, out.String()+errOut.String(), "ghp_from_env", "the API token is never printed")
}

// The request has a deadline: a server that never answers does not hold the
// program for ever.
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
		{"-org", "a", "-timeout", "-1s"},
	} {
		var out, errOut bytes.Buffer
		args = append(args, "-base-url", ts.URL)
		assert.Error(t, run(t.Context(), args, env(map[string]string{"GITHUB_TOKEN": "t"}), &out, &errOut), "args %q", args)
		assert.Empty(t, out.String())
	}
}
