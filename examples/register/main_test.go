package main

import (
	"bytes"
	"context"
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

// With no token the program prints the config.sh command with the fake's token.
func TestRunWithoutToken(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		args    []string
		wantURL string
	}{
		{nil, "https://github.com/octo-org"},
		{[]string{"-org", "acme-org"}, "https://github.com/acme-org"},
		{[]string{"-repo", "octo-org/octo-repo"}, "https://github.com/octo-org/octo-repo"},
		{[]string{"-enterprise", "acme"}, "https://github.com/enterprises/acme"},
		{[]string{"-url", "https://github.com/octo-org/octo-repo.git"}, "https://github.com/octo-org/octo-repo"},
	} {
		var out, errOut bytes.Buffer
		require.NoError(t, run(context.Background(), tc.args, env(nil), &out, &errOut), "args %q", tc.args)
		assert.Regexp(t, "^./config.sh --url "+regexp.QuoteMeta(tc.wantURL)+" --token [A-Z0-9]{20,}\n$", out.String(), "args %q", tc.args)
		assert.Contains(t, errOut.String(), "GITHUB_TOKEN is not set")
		assert.Contains(t, errOut.String(), "The token expires at")
	}
}

// With a token the program asks the API at -base-url, sending the token, and
// prints the token GitHub made.
func TestRunWithToken(t *testing.T) {
	t.Parallel()
	srv := runnerstest.NewServer()
	srv.Org("acme-org")
	ts := httptest.NewServer(srv)
	t.Cleanup(ts.Close)

	var out, errOut bytes.Buffer
	err := run(context.Background(), []string{"-base-url", ts.URL, "-org", "acme-org"},
		env(map[string]string{"GITHUB_TOKEN": "ghp_from_env"}), &out, &errOut)
	require.NoError(t, err)
	assert.Regexp(t, "^./config.sh --url "+regexp.QuoteMeta(ts.URL)+"/acme-org --token [A-Z0-9]{20,}\n$", out.String())
	assert.NotContains(t, errOut.String(), "GITHUB_TOKEN is not set")
	reqs := srv.Requests()
	require.Len(t, reqs, 1)
	assert.Equal(t, "POST", reqs[0].Method)
	assert.Equal(t, "/orgs/acme-org/actions/runners/registration-token", reqs[0].Path)
	assert.True(t, reqs[0].SentToken("ghp_from_env"), "the token from GITHUB_TOKEN")
	assert.NotContains(t, out.String(), "ghp_from_env", "the API token is never printed")
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
