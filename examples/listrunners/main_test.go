package main

import (
	"bytes"
	"context"
	"net/http"
	"net/http/httptest"
	"sync"
	"testing"

	"github.com/fleetkit/runners"
	"github.com/fleetkit/runners/runnerstest"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func env(vars map[string]string) func(string) string {
	return func(k string) string { return vars[k] }
}

const documented = "" +
	"ID  NAME          OS     STATUS   BUSY   LABELS\n" +
	"23  linux_runner  linux  online   true   self-hosted,X64,Linux\n" +
	"24  mac_runner    macos  offline  false  self-hosted,X64,macOS,no-gpu\n" +
	"2 runners\n"

// Without a token, with a token but no scope (the README's first command
// for anyone with GITHUB_TOKEN exported), and with -fake, the program lists
// the documented runners of the built-in fake and says how to ask GitHub.
func TestRunOnTheFake(t *testing.T) {
	t.Parallel()
	withToken := map[string]string{"GITHUB_TOKEN": "ghp_from_env"}
	for _, tc := range []struct {
		env  map[string]string
		args []string
	}{
		{nil, nil},
		{nil, []string{"-org", "octo-org"}},
		{nil, []string{"-repo", "octo-org/octo-repo"}},
		{nil, []string{"-enterprise", "acme"}},
		{nil, []string{"-url", "https://github.com/octo-org/octo-repo.git"}},
		{withToken, nil},
		{withToken, []string{"-base-url", "http://127.0.0.1:1"}},
		{withToken, []string{"-fake", "-org", "acme-org"}},
		{withToken, []string{"-fake", "-url", "https://github.com/enterprises/acme"}},
	} {
		var out, errOut bytes.Buffer
		require.NoError(t, run(t.Context(), tc.args, env(tc.env), &out, &errOut), "args %q", tc.args)
		assert.Equal(t, documented, out.String(), "args %q", tc.args)
		assert.Contains(t, errOut.String(), "Using the built-in fake", "args %q", tc.args)
		assert.Contains(t, errOut.String(), "-org NAME, -repo OWNER/REPO, -enterprise SLUG or -url URL")
	}
}

// With a token and a scope the program asks the API at -base-url, sending
// the token.
func TestRunOnGitHub(t *testing.T) {
	t.Parallel()
	srv := runnerstest.NewServer()
	srv.Org("acme-org").AddRunner(runners.Runner{ID: 7, Name: "build-7", OS: "linux", Status: runners.RunnerOnline})
	srv.Org("acme-org").AddRunner(runners.Runner{ID: 8, Name: "build-8", OS: "linux"})
	var mu sync.Mutex
	var auth []string
	ts := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		mu.Lock()
		auth = append(auth, r.Header.Get("Authorization"))
		mu.Unlock()
		srv.ServeHTTP(w, r)
	}))
	t.Cleanup(ts.Close)

	var out, errOut bytes.Buffer
	err := run(t.Context(), []string{"-base-url", ts.URL, "-org", "acme-org", "-name", "build-8"},
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
	assert.Equal(t, "/orgs/acme-org/actions/runners", reqs[0].Path)
	assert.Equal(t, "build-8", reqs[0].Query.Get("name"))
	mu.Lock()
	defer mu.Unlock()
	assert.Equal(t, []string{"Bearer ghp_from_env"}, auth)
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
		{"-org", "a", "-timeout", "0s"},
	} {
		var out, errOut bytes.Buffer
		args = append(args, "-base-url", ts.URL)
		assert.Error(t, run(t.Context(), args, env(map[string]string{"GITHUB_TOKEN": "t"}), &out, &errOut), "args %q", args)
		assert.Empty(t, out.String())
	}
}
