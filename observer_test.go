package runners

import (
	"context"
	"errors"
	"net/http"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// Every operation at every scope reports its name, its method and GitHub's
// path template for it, as the OpenAPI description spells it.
func TestObserverPathTemplates(t *testing.T) {
	t.Parallel()
	doc := loadSpec(t)
	rt := newSpecTransport(t, doc)
	var obs observed
	c, err := NewClient(WithHTTPClient(&http.Client{Transport: rt}), WithBaseURL("http://127.0.0.1:1/"), WithToken("x"), WithObserver(obs.observe))
	require.NoError(t, err)
	for _, sc := range specAllCalls("gpu") { // the 36 runner and 26 group operations
		call := sc.specCall
		obs.infos = nil
		before := len(rt.all())
		_, err := call.call(t.Context(), sc.build(c))
		require.NoError(t, err)
		req := rt.all()[before]
		require.NoError(t, req.MatchErr)
		require.Len(t, obs.infos, 1, "%s %s", sc.scope, call.method)
		ri := obs.infos[0]
		assert.Equal(t, call.method, ri.Operation)
		assert.Equal(t, sc.scope, ri.Scope)
		assert.Equal(t, req.Op.Method, ri.Method, call.method)
		assert.Equal(t, strings.TrimPrefix(req.Op.Path, "/"), ri.Path, "%s at %s", call.method, sc.scope)
		assert.Equal(t, call.status, ri.StatusCode, call.method)
		assert.Equal(t, 1, ri.Attempt)
		assert.NoError(t, ri.Err)
		assert.Empty(t, ri.App)
	}
	// The deprecations endpoint is not in the description's cut; its
	// template is GitHub's all the same.
	obs.infos = nil
	c.Org("octo-org").GetRunnerDeprecation(t.Context(), "2.329.0")
	require.Len(t, obs.infos, 1)
	assert.Equal(t, "orgs/{org}/actions/runners/deprecations/{version}", obs.infos[0].Path)
	for op, tmpl := range opTemplates {
		assert.False(t, strings.HasPrefix(tmpl, "/") || strings.Contains(tmpl, "//"), "%s: %q", op, tmpl)
	}
}

// Each attempt of a retried request is reported: its number, status,
// error, request ID, rate limit, and its duration on the client's clock.
func TestObserverEveryAttempt(t *testing.T) {
	t.Parallel()
	clock := newTestClock()
	var n int
	var mu sync.Mutex
	reset := clock.Now().Add(time.Hour).Truncate(time.Second)
	var obs observed
	c, _ := newTestClient(t, func(w http.ResponseWriter, r *http.Request) {
		mu.Lock()
		n++
		i := n
		mu.Unlock()
		clock.Advance(time.Duration(i) * time.Second) // the answer takes i seconds
		w.Header().Set("X-GitHub-Request-Id", "REQ-"+strconv.Itoa(i))
		fakeRateHeaders(w, 5000, 5000-i, reset)
		if i < 3 {
			writeJSON(w, http.StatusBadGateway, map[string]string{"message": "Bad gateway"})
			return
		}
		respond(t, http.StatusOK, "get_runner.json")(w, r)
	}, WithClock(clock), WithRetry(RetryPolicy{}), WithObserver(obs.observe))
	_, err := c.Repo("octo-org", "octo-repo").GetRunner(t.Context(), 23)
	require.NoError(t, err)
	require.Len(t, obs.infos, 3)
	for i, ri := range obs.infos {
		assert.Equal(t, "GetRunner", ri.Operation)
		assert.Equal(t, "repo", ri.Scope)
		assert.Equal(t, "repos/{owner}/{repo}/actions/runners/{runner_id}", ri.Path)
		assert.Equal(t, http.MethodGet, ri.Method)
		assert.Equal(t, i+1, ri.Attempt)
		assert.Equal(t, time.Duration(i+1)*time.Second, ri.Duration)
		assert.Equal(t, "REQ-"+strconv.Itoa(i+1), ri.RequestID)
		assert.Equal(t, RateLimit{Resource: "core", Limit: 5000, Remaining: 5000 - (i + 1), Used: i + 1, Reset: reset}, ri.RateLimit)
		assert.False(t, ri.FromCache)
	}
	assert.Equal(t, http.StatusBadGateway, obs.infos[0].StatusCode)
	assert.Equal(t, http.StatusBadGateway, obs.infos[1].StatusCode)
	apiErr := apiError(t, obs.infos[0].Err)
	assert.Equal(t, http.StatusBadGateway, apiErr.StatusCode)
	assert.Equal(t, http.StatusOK, obs.infos[2].StatusCode)
	assert.NoError(t, obs.infos[2].Err)
}

// A GitHub App's own requests are reported too, with their own names and
// templates, and every report says which App (and installation) it used.
func TestObserverAppRequests(t *testing.T) {
	t.Parallel()
	var obs observed
	f, c := newAppFake(t, newTestClock(), WithObserver(obs.observe))
	f.install(testClientID, appTestKey(), 7, fakeLimit, "orgs/a", "repos/a/r")
	_, err := c.Org("a").GetRunner(t.Context(), 23)
	require.NoError(t, err)
	_, err = c.Repo("a", "r").ListRunners(t.Context(), nil)
	require.NoError(t, err)

	type label struct {
		Operation, Scope, Method, Path string
		StatusCode                     int
		App                            string
		InstallationID                 int64
	}
	var got []label
	for _, ri := range obs.infos {
		got = append(got, label{ri.Operation, ri.Scope, ri.Method, ri.Path, ri.StatusCode, ri.App, ri.InstallationID})
		assert.NoError(t, ri.Err)
		assert.Equal(t, 1, ri.Attempt)
		assert.Equal(t, "core", ri.RateLimit.Resource)
	}
	assert.Equal(t, []label{
		{"GetOrgInstallation", "org", "GET", "orgs/{org}/installation", 200, testClientID, 0},
		{"CreateInstallationToken", "", "POST", "app/installations/{installation_id}/access_tokens", 201, testClientID, 0},
		{"GetRunner", "org", "GET", "orgs/{org}/actions/runners/{runner_id}", 200, testClientID, 7},
		{"GetRepoInstallation", "repo", "GET", "repos/{owner}/{repo}/installation", 200, testClientID, 0},
		{"ListRunners", "repo", "GET", "repos/{owner}/{repo}/actions/runners", 200, testClientID, 7}, // the same installation: no exchange
	}, got)
	assert.Equal(t, fakeLimit-1, obs.infos[2].RateLimit.Remaining, "the installation's own budget")
	assert.Equal(t, "REQ-7-1", obs.infos[2].RequestID)
}

// A 304 answered from the ETag cache is reported as such.
func TestObserverFromCache(t *testing.T) {
	t.Parallel()
	var obs observed
	c, _ := newTestClient(t, func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("ETag", `W/"v1"`)
		if r.Header.Get("If-None-Match") == `W/"v1"` {
			w.WriteHeader(http.StatusNotModified)
			return
		}
		respond(t, http.StatusOK, "list_runners.json")(w, r)
	}, WithETagCache(1<<20), WithObserver(obs.observe))
	for range 2 {
		list, err := c.Org("octo-org").ListRunners(t.Context(), nil)
		require.NoError(t, err)
		assert.Equal(t, 2, list.TotalCount)
	}
	require.Len(t, obs.infos, 2)
	assert.Equal(t, http.StatusOK, obs.infos[0].StatusCode)
	assert.False(t, obs.infos[0].FromCache)
	assert.Equal(t, http.StatusNotModified, obs.infos[1].StatusCode)
	assert.True(t, obs.infos[1].FromCache)
	assert.NoError(t, obs.infos[1].Err)
}

// A request that never went out, for want of a credential or for the end of
// its context, is reported with no status and its error.
func TestObserverRequestNotSent(t *testing.T) {
	t.Parallel()
	var obs observed
	c, rec := newTestClient(t, respond(t, http.StatusOK, "get_runner.json"), WithObserver(obs.observe))
	c, err := NewClient(WithBaseURL(c.BaseURL()), WithTokenSource(&countingTokenSource{err: errors.New("the vault is sealed")}), WithObserver(obs.observe))
	require.NoError(t, err)
	_, err = c.Org("octo-org").GetRunner(t.Context(), 23)
	require.Error(t, err)
	require.Len(t, obs.infos, 1)
	assert.Zero(t, obs.infos[0].StatusCode)
	assert.Equal(t, err, obs.infos[0].Err)
	assert.Empty(t, rec.all())

	obs.infos = nil
	ctx, cancel := context.WithCancel(t.Context())
	cancel()
	c2, _ := newTestClient(t, respond(t, http.StatusOK, "get_runner.json"), WithObserver(obs.observe))
	_, err = c2.Org("octo-org").GetRunner(ctx, 23)
	require.ErrorIs(t, err, context.Canceled)
	require.Len(t, obs.infos, 1)
	assert.Zero(t, obs.infos[0].StatusCode)
	assert.ErrorIs(t, obs.infos[0].Err, context.Canceled)
}

func TestObserverNil(t *testing.T) {
	t.Parallel()
	_, err := NewClient(WithObserver(nil))
	assert.ErrorIs(t, err, ErrInvalidArgument)
}
