package runnerstest_test

import (
	"bytes"
	"flag"
	"io"
	"net/http"
	"net/http/httptest"
	"testing"
	"time"

	"github.com/fleetkit/runners"
	"github.com/fleetkit/runners/runnerstest"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// parseScopeFlags registers ScopeFlags on a new flag set and parses args.
func parseScopeFlags(t *testing.T, args ...string) *runnerstest.ScopeFlags {
	t.Helper()
	var f runnerstest.ScopeFlags
	fs := flag.NewFlagSet("test", flag.ContinueOnError)
	fs.SetOutput(io.Discard)
	f.Register(fs, 30*time.Second)
	require.NoError(t, fs.Parse(args))
	return &f
}

// Without a token, with a token but no scope, and with -fake: the fake,
// seeded with the documented runners, and a hint on stderr.
func TestScopeFlagsFake(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		name, token string
		args        []string
		configURL   string
	}{
		{"no token", "", nil, "https://github.com/octo-org"},
		{"token, no scope", "ghp_x", nil, "https://github.com/octo-org"},
		{"-fake with a scope", "ghp_x", []string{"-fake", "-repo", "octo-org/octo-repo"}, "https://github.com/octo-org/octo-repo"},
		{"no token, -url", "", []string{"-url", "https://github.com/enterprises/acme"}, "https://github.com/enterprises/acme"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			var stderr bytes.Buffer
			s, st, err := parseScopeFlags(t, tc.args...).Open(tc.token, &stderr)
			require.NoError(t, err)
			require.NotNil(t, st, "the fake's state")
			assert.Equal(t, tc.configURL, s.ConfigURL())
			assert.Contains(t, stderr.String(), "built-in fake")
			list, err := s.ListRunners(t.Context(), nil)
			require.NoError(t, err)
			assert.Len(t, list.Runners, len(runnerstest.DocumentedRunners()))
		})
	}
}

// With a token and a scope: GitHub (here an httptest server at -base-url),
// with the token and the options given.
func TestScopeFlagsGitHub(t *testing.T) {
	t.Parallel()
	var auth string
	ts := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		auth = r.Header.Get("Authorization")
		w.Write([]byte(`{"total_count":0,"runners":[]}`))
	}))
	t.Cleanup(ts.Close)
	var stderr bytes.Buffer
	seen := 0
	s, st, err := parseScopeFlags(t, "-org", "acme", "-base-url", ts.URL).Open("ghp_token", &stderr,
		runners.WithObserver(func(runners.RequestInfo) { seen++ }))
	require.NoError(t, err)
	assert.Nil(t, st, "not the fake")
	assert.Empty(t, stderr.String())
	_, err = s.ListRunners(t.Context(), nil)
	require.NoError(t, err)
	assert.Equal(t, "Bearer ghp_token", auth)
	assert.Equal(t, 1, seen, "the options reach the client")
}

func TestScopeFlagsBadInput(t *testing.T) {
	t.Parallel()
	for want, args := range map[string][]string{
		"give at most one of -org, -repo, -enterprise or -url": {"-org", "a", "-repo", "a/b"},
		"-timeout 0s: want a positive duration":                {"-timeout", "0"},
		`-repo "octo-repo": want OWNER/REPO`:                   {"-repo", "octo-repo"},
	} {
		_, _, err := parseScopeFlags(t, args...).Open("", io.Discard)
		assert.EqualError(t, err, want)
	}
}
