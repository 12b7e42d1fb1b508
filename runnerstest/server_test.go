package runnerstest_test

import (
	"context"
	"crypto/rand"
	"crypto/rsa"
	"crypto/x509"
	"encoding/base64"
	"encoding/json"
	"encoding/pem"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/fleetkit/runners"
	"github.com/fleetkit/runners/runnerstest"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// fakeHost is the host the tests send raw requests to through srv.Transport().
const fakeHost = "runnerstest.localhost"

var bg = context.Background()

// ghError is GitHub's error body (basic-error, validation-error-simple).
type ghError struct {
	Message          string            `json:"message"`
	DocumentationURL string            `json:"documentation_url"`
	Status           string            `json:"status"`
	Errors           []json.RawMessage `json:"errors"`
}

// rawResponse is what a raw request got back.
type rawResponse struct {
	Status int
	Header http.Header
	Body   []byte
}

// roundTrip sends one request through rt, with the Authorization header when
// auth is set, and reads the whole answer.
func roundTrip(t *testing.T, rt http.RoundTripper, method, rawURL, body string, auth bool) rawResponse {
	t.Helper()
	var rd io.Reader
	if body != "" {
		rd = strings.NewReader(body)
	}
	req, err := http.NewRequestWithContext(bg, method, rawURL, rd)
	require.NoError(t, err)
	req.Header.Set("Accept", "application/vnd.github+json")
	if body != "" {
		req.Header.Set("Content-Type", "application/json")
	}
	if auth {
		req.Header.Set("Authorization", "Bearer t")
	}
	resp, err := rt.RoundTrip(req)
	require.NoError(t, err)
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	require.NoError(t, err)
	return rawResponse{Status: resp.StatusCode, Header: resp.Header, Body: b}
}

// raw sends an authenticated request for path (relative to the fake's host)
// through srv.Transport(), as a client that skipped its own checks would.
func raw(t *testing.T, srv *runnerstest.Server, method, path, body string) rawResponse {
	t.Helper()
	return roundTrip(t, srv.Transport(), method, "http://"+fakeHost+"/"+path, body, true)
}

// decodeError decodes GitHub's error shape and checks it has every field.
func decodeError(t *testing.T, r rawResponse) ghError {
	t.Helper()
	var e ghError
	require.NoError(t, json.Unmarshal(r.Body, &e), "body %s", r.Body)
	assert.NotEmpty(t, e.Message, "message")
	assert.True(t, strings.HasPrefix(e.DocumentationURL, "https://docs.github.com/"), "documentation_url %q", e.DocumentationURL)
	assert.Equal(t, strconv.Itoa(r.Status), e.Status, "status")
	assert.Contains(t, r.Header.Get("Content-Type"), "application/json")
	return e
}

// bodySwap replaces the body of every request with body: it gets a request
// the client refuses to build (it validates first) to the fake, so the client's
// handling of the answer can be checked.
type bodySwap struct {
	body string
	rt   http.RoundTripper
}

func (b bodySwap) RoundTrip(req *http.Request) (*http.Response, error) {
	r := req.Clone(req.Context())
	r.Body = io.NopCloser(strings.NewReader(b.body))
	r.ContentLength = int64(len(b.body))
	return b.rt.RoundTrip(r)
}

// swapClient is a client whose requests carry body instead of their own.
func swapClient(t *testing.T, srv *runnerstest.Server, body string) *runners.Client {
	t.Helper()
	c, err := runners.NewClient(
		runners.WithBaseURL("http://"+fakeHost+"/"),
		runners.WithToken("t"),
		runners.WithHTTPClient(&http.Client{Transport: bodySwap{body, srv.Transport()}}),
	)
	require.NoError(t, err)
	return c
}

// socketClient serves srv on a real socket and returns a client for it.
func socketClient(t *testing.T, srv *runnerstest.Server) (*runners.Client, *httptest.Server) {
	t.Helper()
	ts := httptest.NewServer(srv)
	t.Cleanup(ts.Close)
	c, err := runners.NewClient(runners.WithBaseURL(ts.URL), runners.WithToken("t"))
	require.NoError(t, err)
	return c, ts
}

// seed adds n runners named runner-001... to st and returns their IDs.
func seed(t *testing.T, st *runnerstest.ScopeState, n int) []int64 {
	t.Helper()
	ids := make([]int64, 0, n)
	for i := 1; i <= n; i++ {
		r := st.AddRunner(runners.Runner{Name: fmt.Sprintf("runner-%03d", i), OS: "linux"})
		ids = append(ids, r.ID)
	}
	return ids
}

func seedDocumented(t *testing.T, st *runnerstest.ScopeState) {
	t.Helper()
	for _, r := range runnerstest.DocumentedRunners() {
		st.AddRunner(r)
	}
}

// links parses a Link header into its URLs by relation.
func links(t *testing.T, header string) map[string]*url.URL {
	t.Helper()
	out := map[string]*url.URL{}
	if header == "" {
		return out
	}
	for part := range strings.SplitSeq(header, ",") {
		target, params, ok := strings.Cut(strings.TrimSpace(part), ";")
		require.True(t, ok, "link %q", part)
		require.True(t, strings.HasPrefix(target, "<") && strings.HasSuffix(target, ">"), "link %q", part)
		u, err := url.Parse(target[1 : len(target)-1])
		require.NoError(t, err)
		rel := strings.TrimSpace(params)
		require.True(t, strings.HasPrefix(rel, `rel="`) && strings.HasSuffix(rel, `"`), "link %q", part)
		rel = strings.TrimSuffix(strings.TrimPrefix(rel, `rel="`), `"`)
		require.NotContains(t, out, rel, "relation %q twice", rel)
		out[rel] = u
	}
	return out
}

// linkPages returns the page number of each relation of a Link header.
func linkPages(t *testing.T, header string) map[string]int {
	t.Helper()
	out := map[string]int{}
	for rel, u := range links(t, header) {
		n, err := strconv.Atoi(u.Query().Get("page"))
		require.NoError(t, err, "%s link %s", rel, u)
		out[rel] = n
	}
	return out
}

type listBody struct {
	TotalCount int              `json:"total_count"`
	Runners    []runners.Runner `json:"runners"`
}

func decodeList(t *testing.T, r rawResponse) listBody {
	t.Helper()
	require.Equal(t, http.StatusOK, r.Status, "body %s", r.Body)
	var l listBody
	require.NoError(t, json.Unmarshal(r.Body, &l))
	return l
}

func runnerIDs[R runners.Runner | *runners.Runner](rs []R) []int64 {
	ids := make([]int64, 0, len(rs))
	for _, r := range rs {
		switch r := any(r).(type) {
		case runners.Runner:
			ids = append(ids, r.ID)
		case *runners.Runner:
			ids = append(ids, r.ID)
		}
	}
	return ids
}

// labelSet is a runner's labels as "name:type", in order.
func labelSet(ls []*runners.Label) []string {
	out := make([]string, 0, len(ls))
	for _, l := range ls {
		out = append(out, l.Name+":"+string(l.Type))
	}
	return out
}

func namesOf(rs []runners.Runner) []string {
	out := make([]string, 0, len(rs))
	for _, r := range rs {
		out = append(out, r.Name)
	}
	return out
}

// --- authentication ---------------------------------------------------------

func TestRequestWithoutAuthorizationIs401(t *testing.T) {
	t.Parallel()
	srv := runnerstest.NewServer()
	seedDocumented(t, srv.Org("octo-org"))

	check := func(t *testing.T, r rawResponse) {
		t.Helper()
		require.Equal(t, http.StatusUnauthorized, r.Status)
		e := decodeError(t, r)
		assert.Equal(t, "Requires authentication", e.Message)
		assert.Equal(t, "401", e.Status)
	}
	// No socket.
	base := "http://" + fakeHost + "/orgs/octo-org/actions/runners"
	check(t, roundTrip(t, srv.Transport(), http.MethodGet, base, "", false))
	check(t, roundTrip(t, srv.Transport(), http.MethodDelete, base+"/24", "", false))
	// A real socket.
	ts := httptest.NewServer(srv)
	t.Cleanup(ts.Close)
	check(t, roundTrip(t, http.DefaultTransport, http.MethodGet, ts.URL+"/orgs/octo-org/actions/runners", "", false))

	// Nothing was done, and the same request with a token is served.
	assert.Len(t, srv.Org("octo-org").Runners(), 2)
	ok := roundTrip(t, srv.Transport(), http.MethodGet, base, "", true)
	assert.Equal(t, 2, decodeList(t, ok).TotalCount)
}

func TestClientWithoutTokenGetsErrUnauthorized(t *testing.T) {
	t.Parallel()
	srv := runnerstest.NewServer()
	seedDocumented(t, srv.Org("octo-org"))
	c, err := runners.NewClient(
		runners.WithBaseURL("http://"+fakeHost+"/"),
		runners.WithHTTPClient(&http.Client{Transport: srv.Transport()}),
	)
	require.NoError(t, err)

	_, err = c.Org("octo-org").ListRunners(bg, nil)
	require.ErrorIs(t, err, runners.ErrUnauthorized)
	var apiErr *runners.Error
	require.ErrorAs(t, err, &apiErr)
	assert.Equal(t, http.StatusUnauthorized, apiErr.StatusCode)
	assert.Equal(t, "Requires authentication", apiErr.Message)

	err = c.Org("octo-org").DeleteRunner(bg, 24)
	require.ErrorIs(t, err, runners.ErrUnauthorized)
	assert.Len(t, srv.Org("octo-org").Runners(), 2, "an unauthenticated delete must change nothing")

	// srv.Client() sends a token of its own.
	list, err := srv.Client().Org("octo-org").ListRunners(bg, nil)
	require.NoError(t, err)
	assert.Equal(t, 2, list.TotalCount)
}

// --- not found and scopes ---------------------------------------------------

func TestUnknownScopeIsNotFound(t *testing.T) {
	t.Parallel()
	srv := runnerstest.NewServer()
	srv.Org("octo-org")
	c := srv.Client()

	for _, s := range []runners.Scope{c.Org("nope"), c.Repo("octo-org", "nope"), c.Enterprise("nope"), c.Enterprise("octo-org"), c.Repo("nope", "octo-org")} {
		_, err := s.ListRunners(bg, nil)
		assert.ErrorIs(t, err, runners.ErrNotFound, "%v", s)
		_, err = s.CreateRegistrationToken(bg)
		assert.ErrorIs(t, err, runners.ErrNotFound, "%v", s)
		_, err = s.ListRunnerApplications(bg)
		assert.ErrorIs(t, err, runners.ErrNotFound, "%v", s)
		_, err = s.GenerateJITConfig(bg, &runners.JITConfigRequest{Name: "x", RunnerGroupID: 1, Labels: []string{"a"}})
		assert.ErrorIs(t, err, runners.ErrNotFound, "%v", s)
	}
	_, err := c.Org("octo-org").ListRunners(bg, nil)
	assert.NoError(t, err, "a scope the test named exists")

	r := raw(t, srv, http.MethodGet, "orgs/nope/actions/runners", "")
	require.Equal(t, http.StatusNotFound, r.Status)
	assert.Equal(t, "Not Found", decodeError(t, r).Message)
}

func TestUnknownRunnerIsNotFound(t *testing.T) {
	t.Parallel()
	srv := runnerstest.NewServer()
	seedDocumented(t, srv.Org("octo-org"))
	s := srv.Client().Org("octo-org")

	_, err := s.GetRunner(bg, 999)
	require.ErrorIs(t, err, runners.ErrNotFound)
	var apiErr *runners.Error
	require.ErrorAs(t, err, &apiErr)
	assert.Equal(t, http.StatusNotFound, apiErr.StatusCode)
	assert.NotEmpty(t, apiErr.DocumentationURL)

	assert.ErrorIs(t, s.DeleteRunner(bg, 999), runners.ErrNotFound)
	_, err = s.ListLabels(bg, 999)
	assert.ErrorIs(t, err, runners.ErrNotFound)
	_, err = s.AddLabels(bg, 999, "gpu")
	assert.ErrorIs(t, err, runners.ErrNotFound)
	_, err = s.SetLabels(bg, 999, "gpu")
	assert.ErrorIs(t, err, runners.ErrNotFound)
	_, err = s.RemoveAllLabels(bg, 999)
	assert.ErrorIs(t, err, runners.ErrNotFound)
	_, err = s.RemoveLabel(bg, 999, "no-gpu")
	assert.ErrorIs(t, err, runners.ErrNotFound)

	got, err := s.GetRunner(bg, 24)
	require.NoError(t, err)
	assert.Equal(t, "mac_runner", got.Name)
}

func TestUnknownRouteIsNotFound(t *testing.T) {
	t.Parallel()
	srv := runnerstest.NewServer()
	seedDocumented(t, srv.Org("octo-org"))
	for _, tc := range []struct{ method, path string }{
		{http.MethodPost, "orgs/octo-org/actions/runners"},
		{http.MethodDelete, "orgs/octo-org/actions/runners"},
		{http.MethodPatch, "orgs/octo-org/actions/runners/24"},
		{http.MethodGet, "orgs/octo-org/actions/runners/registration-token"},
		{http.MethodGet, "orgs/octo-org/actions/runners/24/nothing"},
		{http.MethodPost, "orgs/octo-org/actions/runners/24/labels/no-gpu"},
		{http.MethodGet, "orgs/octo-org/actions/runners/abc"},
		{http.MethodGet, "orgs/octo-org/actions/runners/24/"},
		{http.MethodGet, "orgs/octo-org"},
		{http.MethodGet, "user"},
	} {
		r := raw(t, srv, tc.method, tc.path, "")
		assert.Equal(t, http.StatusNotFound, r.Status, "%s %s", tc.method, tc.path)
	}
	// The fake still serves, and nothing changed.
	list, err := srv.Client().Org("octo-org").ListRunners(bg, nil)
	require.NoError(t, err)
	assert.Equal(t, []int64{23, 24}, runnerIDs(list.Runners))
	assert.Len(t, srv.Org("octo-org").Runners()[1].Labels, 4)
}

func TestRunnerOfAnotherScopeIsNotFound(t *testing.T) {
	t.Parallel()
	srv := runnerstest.NewServer()
	a := srv.Org("org-a").AddRunner(runners.Runner{Name: "only-in-a"})
	srv.Org("org-b")
	srv.Repo("org-a", "repo")
	c := srv.Client()

	for _, s := range []runners.Scope{c.Org("org-b"), c.Repo("org-a", "repo")} {
		_, err := s.GetRunner(bg, a.ID)
		assert.ErrorIs(t, err, runners.ErrNotFound)
		assert.ErrorIs(t, s.DeleteRunner(bg, a.ID), runners.ErrNotFound)
		_, err = s.AddLabels(bg, a.ID, "gpu")
		assert.ErrorIs(t, err, runners.ErrNotFound)
		_, err = s.RemoveAllLabels(bg, a.ID)
		assert.ErrorIs(t, err, runners.ErrNotFound)
	}
	got, ok := srv.Org("org-a").Runner(a.ID)
	require.True(t, ok, "the runner survives deletes from other scopes")
	assert.Empty(t, got.Labels)
	_, err := c.Org("org-a").GetRunner(bg, a.ID)
	assert.NoError(t, err)
}

func TestEachScopeHasItsOwnState(t *testing.T) {
	t.Parallel()
	srv := runnerstest.NewServer()
	// Scopes named alike: an org and a repo "acme/acme", an enterprise and an org "acme".
	org := srv.Org("acme")
	repo := srv.Repo("acme", "acme")
	ent := srv.Enterprise("acme")
	org.AddRunner(runners.Runner{Name: "org-runner"})
	repo.AddRunner(runners.Runner{Name: "repo-runner"})
	ent.AddRunner(runners.Runner{Name: "enterprise-runner"})
	// The same name in three scopes is fine.
	for _, st := range []*runnerstest.ScopeState{org, repo, ent} {
		st.AddRunner(runners.Runner{Name: "shared-name"})
	}
	c := srv.Client()
	for _, tc := range []struct {
		scope runners.Scope
		state *runnerstest.ScopeState
		want  []string
	}{
		{c.Org("acme"), org, []string{"org-runner", "shared-name"}},
		{c.Repo("acme", "acme"), repo, []string{"repo-runner", "shared-name"}},
		{c.Enterprise("acme"), ent, []string{"enterprise-runner", "shared-name"}},
	} {
		list, err := tc.scope.ListRunners(bg, nil)
		require.NoError(t, err)
		assert.Equal(t, len(tc.want), list.TotalCount)
		var names []string
		for _, r := range list.Runners {
			names = append(names, r.Name)
		}
		assert.Equal(t, tc.want, names, "%v", tc.scope)
		assert.Equal(t, tc.want, namesOf(tc.state.Runners()))
	}

	// A JIT runner made in the org does not appear in the repo or the enterprise.
	_, err := c.Org("acme").GenerateJITConfig(bg, &runners.JITConfigRequest{Name: "jit", RunnerGroupID: 1, Labels: []string{"a"}})
	require.NoError(t, err)
	assert.Len(t, org.Runners(), 3)
	assert.Len(t, repo.Runners(), 2)
	assert.Len(t, ent.Runners(), 2)

	// Deleting in one scope leaves the others alone.
	require.NoError(t, c.Enterprise("acme").DeleteRunner(bg, ent.Runners()[0].ID))
	assert.Equal(t, []string{"shared-name"}, namesOf(ent.Runners()))
	assert.Equal(t, []string{"org-runner", "shared-name", "jit"}, namesOf(org.Runners()))
}

// --- pagination -------------------------------------------------------------

func TestListRunnersDefaultPerPageIs30(t *testing.T) {
	t.Parallel()
	srv := runnerstest.NewServer()
	ids := seed(t, srv.Org("octo-org"), 35)
	s := srv.Client().Org("octo-org")

	first, err := s.ListRunners(bg, nil)
	require.NoError(t, err)
	assert.Equal(t, 35, first.TotalCount)
	assert.Equal(t, ids[:30], runnerIDs(first.Runners))
	assert.Equal(t, 2, first.NextPage)

	second, err := s.ListRunners(bg, &runners.ListRunnersOptions{ListOptions: runners.ListOptions{Page: first.NextPage}})
	require.NoError(t, err)
	assert.Equal(t, 35, second.TotalCount)
	assert.Equal(t, ids[30:], runnerIDs(second.Runners))
	assert.Zero(t, second.NextPage)

	beyond, err := s.ListRunners(bg, &runners.ListRunnersOptions{ListOptions: runners.ListOptions{Page: 3}})
	require.NoError(t, err)
	assert.Equal(t, 35, beyond.TotalCount)
	assert.Empty(t, beyond.Runners)
	assert.Zero(t, beyond.NextPage)
}

func TestListRunnersPerPageIsAtMost100(t *testing.T) {
	t.Parallel()
	srv := runnerstest.NewServer()
	ids := seed(t, srv.Org("octo-org"), 150)

	r := raw(t, srv, http.MethodGet, "orgs/octo-org/actions/runners?per_page=500", "")
	l := decodeList(t, r)
	assert.Equal(t, 150, l.TotalCount)
	assert.Equal(t, ids[:100], runnerIDs(l.Runners))
	assert.Equal(t, map[string]int{"next": 2, "last": 2}, linkPages(t, r.Header.Get("Link")))
	for rel, u := range links(t, r.Header.Get("Link")) {
		assert.Equal(t, "100", u.Query().Get("per_page"), rel)
	}

	list, err := srv.Client().Org("octo-org").ListRunners(bg, &runners.ListRunnersOptions{ListOptions: runners.ListOptions{PerPage: 100, Page: 2}})
	require.NoError(t, err)
	assert.Equal(t, ids[100:], runnerIDs(list.Runners))
	assert.Zero(t, list.NextPage)
}

func TestListRunnersLinkHeader(t *testing.T) {
	t.Parallel()
	srv := runnerstest.NewServer()
	ids := seed(t, srv.Org("octo-org"), 35)
	path := "/orgs/octo-org/actions/runners"

	for _, tc := range []struct {
		page  int
		ids   []int64
		links map[string]int
	}{
		{1, ids[0:10], map[string]int{"next": 2, "last": 4}},
		{2, ids[10:20], map[string]int{"prev": 1, "next": 3, "last": 4, "first": 1}},
		{3, ids[20:30], map[string]int{"prev": 2, "next": 4, "last": 4, "first": 1}},
		{4, ids[30:35], map[string]int{"prev": 3, "first": 1}},
	} {
		r := raw(t, srv, http.MethodGet, fmt.Sprintf("orgs/octo-org/actions/runners?per_page=10&page=%d", tc.page), "")
		l := decodeList(t, r)
		assert.Equal(t, 35, l.TotalCount, "page %d", tc.page)
		assert.Equal(t, tc.ids, runnerIDs(l.Runners), "page %d", tc.page)
		link := r.Header.Get("Link")
		assert.Equal(t, tc.links, linkPages(t, link), "page %d: %s", tc.page, link)
		for rel, u := range links(t, link) {
			assert.Equal(t, "http", u.Scheme, rel)
			assert.Equal(t, fakeHost, u.Host, "%s: the request's own host", rel)
			assert.Equal(t, path, u.Path, rel)
			assert.Equal(t, "10", u.Query().Get("per_page"), rel)
		}
	}

	// The client reads the next page from the Link header.
	s := srv.Client().Org("octo-org")
	for page, next := range map[int]int{1: 2, 2: 3, 3: 4, 4: 0} {
		list, err := s.ListRunners(bg, &runners.ListRunnersOptions{ListOptions: runners.ListOptions{Page: page, PerPage: 10}})
		require.NoError(t, err)
		assert.Equal(t, next, list.NextPage, "page %d", page)
	}

	// The name filter is kept in the links.
	r := raw(t, srv, http.MethodGet, "orgs/octo-org/actions/runners?per_page=10&page=2&name=runner-001", "")
	assert.Equal(t, 1, decodeList(t, r).TotalCount)
	for rel, u := range links(t, r.Header.Get("Link")) {
		assert.Equal(t, "runner-001", u.Query().Get("name"), rel)
	}
}

func TestListRunnersOnePageHasNoLinkHeader(t *testing.T) {
	t.Parallel()
	srv := runnerstest.NewServer()
	seed(t, srv.Org("octo-org"), 30)
	srv.Org("empty")

	for _, path := range []string{
		"orgs/octo-org/actions/runners",
		"orgs/octo-org/actions/runners?per_page=30",
		"orgs/octo-org/actions/runners?per_page=100&page=1",
		"orgs/empty/actions/runners",
	} {
		r := raw(t, srv, http.MethodGet, path, "")
		decodeList(t, r)
		assert.Empty(t, r.Header.Values("Link"), path)
	}
	// One more runner makes two pages.
	srv.Org("octo-org").AddRunner(runners.Runner{Name: "one-more"})
	r := raw(t, srv, http.MethodGet, "orgs/octo-org/actions/runners", "")
	assert.Equal(t, map[string]int{"next": 2, "last": 2}, linkPages(t, r.Header.Get("Link")))
}

func TestLinkHeaderUsesTheRequestHost(t *testing.T) {
	t.Parallel()
	srv := runnerstest.NewServer()
	ids := seed(t, srv.Org("octo-org"), 25)

	// Over a real socket, at the root and under GitHub Enterprise Server's /api/v3.
	c, ts := socketClient(t, srv)
	host := strings.TrimPrefix(ts.URL, "http://")
	for _, prefix := range []string{"", "/api/v3"} {
		r := roundTrip(t, http.DefaultTransport, http.MethodGet, ts.URL+prefix+"/orgs/octo-org/actions/runners?per_page=10&page=2", "", true)
		assert.Equal(t, ids[10:20], runnerIDs(decodeList(t, r).Runners))
		ls := links(t, r.Header.Get("Link"))
		require.Len(t, ls, 4)
		for rel, u := range ls {
			assert.Equal(t, "http", u.Scheme, rel)
			assert.Equal(t, host, u.Host, rel)
			assert.Equal(t, prefix+"/orgs/octo-org/actions/runners", u.Path, rel)
		}
	}

	// Through srv.Transport() with any host and scheme.
	r := roundTrip(t, srv.Transport(), http.MethodGet, "https://ghes.example.com/api/v3/orgs/octo-org/actions/runners?per_page=10", "", true)
	for rel, u := range links(t, r.Header.Get("Link")) {
		assert.Equal(t, "https", u.Scheme, rel)
		assert.Equal(t, "ghes.example.com", u.Host, rel)
		assert.Equal(t, "/api/v3/orgs/octo-org/actions/runners", u.Path, rel)
	}

	// The real client walks the pages over the socket.
	var got []int64
	for r, err := range c.Org("octo-org").AllRunners(bg, &runners.ListRunnersOptions{ListOptions: runners.ListOptions{PerPage: 10}}) {
		require.NoError(t, err)
		got = append(got, r.ID)
	}
	assert.Equal(t, ids, got)
	ghes, err := runners.NewClient(runners.WithBaseURL(ts.URL+"/api/v3"), runners.WithToken("t"))
	require.NoError(t, err)
	list, err := ghes.Org("octo-org").ListRunners(bg, &runners.ListRunnersOptions{ListOptions: runners.ListOptions{PerPage: 10}})
	require.NoError(t, err)
	assert.Equal(t, 2, list.NextPage)
	assert.Equal(t, ids[:10], runnerIDs(list.Runners))
}

func TestAllRunnersReturnsEveryRunnerInIDOrder(t *testing.T) {
	t.Parallel()
	srv := runnerstest.NewServer()
	org := srv.Org("octo-org")
	// 250 runners added in a scrambled ID order.
	want := make([]int64, 0, 250)
	for i := range 250 {
		id := int64(1000 + (i*97)%250) // 97 is prime to 250: a permutation
		org.AddRunner(runners.Runner{ID: id, Name: fmt.Sprintf("r-%d", id)})
		want = append(want, id)
	}
	slices.Sort(want)

	var got []int64
	for r, err := range srv.Client().Org("octo-org").AllRunners(bg, nil) {
		require.NoError(t, err)
		assert.Equal(t, fmt.Sprintf("r-%d", r.ID), r.Name)
		got = append(got, r.ID)
	}
	assert.Equal(t, want, got)
	assert.Equal(t, want, runnerIDs(org.Runners()))

	var pages []string
	for _, req := range srv.Requests() {
		pages = append(pages, req.Query.Get("page")+"/"+req.Query.Get("per_page"))
	}
	assert.Equal(t, []string{"/100", "2/100", "3/100"}, pages, "three pages of 100")
}

func TestListRunnersNameFilterIsExact(t *testing.T) {
	t.Parallel()
	srv := runnerstest.NewServer()
	org := srv.Org("octo-org")
	for _, name := range []string{"build", "build-2", "Build", "xbuild", "buil"} {
		org.AddRunner(runners.Runner{Name: name})
	}
	seed(t, org, 40)
	s := srv.Client().Org("octo-org")

	list, err := s.ListRunners(bg, &runners.ListRunnersOptions{Name: "build"})
	require.NoError(t, err)
	assert.Equal(t, 1, list.TotalCount, "total_count counts matches only")
	require.Len(t, list.Runners, 1)
	assert.Equal(t, "build", list.Runners[0].Name)
	assert.Zero(t, list.NextPage)

	list, err = s.ListRunners(bg, &runners.ListRunnersOptions{Name: "runner-040"})
	require.NoError(t, err)
	assert.Equal(t, 1, list.TotalCount)
	require.Len(t, list.Runners, 1)
	assert.Equal(t, "runner-040", list.Runners[0].Name, "a match beyond the first page is found")

	list, err = s.ListRunners(bg, &runners.ListRunnersOptions{Name: "missing"})
	require.NoError(t, err)
	assert.Zero(t, list.TotalCount)
	assert.Empty(t, list.Runners)

	all, err := s.ListRunners(bg, nil)
	require.NoError(t, err)
	assert.Equal(t, 45, all.TotalCount)
}

// --- registration and remove tokens -----------------------------------------

func TestTokensExpireInOneHour(t *testing.T) {
	t.Parallel()
	srv := runnerstest.NewServer()
	now := time.Date(2026, 3, 10, 12, 30, 45, 123456789, time.UTC) // sub-second precision is kept
	srv.SetClock(func() time.Time { return now })
	srv.Org("octo-org")
	srv.Repo("octo-org", "octo-repo")
	srv.Enterprise("acme")
	c := srv.Client()

	seen := map[string]bool{}
	for _, s := range []runners.Scope{c.Org("octo-org"), c.Repo("octo-org", "octo-repo"), c.Enterprise("acme")} {
		for _, create := range []func(context.Context) (*runners.Token, error){s.CreateRegistrationToken, s.CreateRemoveToken, s.CreateRegistrationToken} {
			tok, err := create(bg)
			require.NoError(t, err)
			assert.NotEmpty(t, tok.Token)
			assert.False(t, seen[tok.Token], "every token is new")
			seen[tok.Token] = true
			assert.True(t, tok.ExpiresAt.Equal(now.Add(time.Hour)), "expires at %v, want %v", tok.ExpiresAt, now.Add(time.Hour))
		}
	}
	assert.Len(t, seen, 9)

	// The clock moves; so does the expiry.
	later := now.Add(90 * time.Minute)
	srv.SetClock(func() time.Time { return later })
	tok, err := c.Org("octo-org").CreateRemoveToken(bg)
	require.NoError(t, err)
	assert.True(t, tok.ExpiresAt.Equal(later.Add(time.Hour)), "expires at %v", tok.ExpiresAt)

	r := raw(t, srv, http.MethodPost, "orgs/octo-org/actions/runners/registration-token", "")
	assert.Equal(t, http.StatusCreated, r.Status)

	// nil restores the real clock.
	srv.SetClock(nil)
	tok, err = c.Org("octo-org").CreateRegistrationToken(bg)
	require.NoError(t, err)
	assert.WithinDuration(t, time.Now().Add(time.Hour), tok.ExpiresAt, 5*time.Second)
}

func TestListRunnerApplications(t *testing.T) {
	t.Parallel()
	srv := runnerstest.NewServer()
	srv.Repo("octo-org", "octo-repo")
	apps, err := srv.Client().Repo("octo-org", "octo-repo").ListRunnerApplications(bg)
	require.NoError(t, err)
	require.NotEmpty(t, apps)
	var platforms []string
	for _, a := range apps {
		platforms = append(platforms, a.OS+"-"+a.Architecture)
		assert.True(t, strings.HasPrefix(a.DownloadURL, "https://github.com/actions/runner/releases/download/"), a.DownloadURL)
		assert.True(t, strings.HasSuffix(a.DownloadURL, "/"+a.Filename), a.DownloadURL)
	}
	assert.Contains(t, platforms, "linux-x64")
	assert.Contains(t, platforms, "osx-x64")
	assert.Contains(t, platforms, "win-x64")
}

// --- JIT config -------------------------------------------------------------

func TestGenerateJITConfig(t *testing.T) {
	t.Parallel()
	srv := runnerstest.NewServer()
	org := srv.Org("octo-org")
	seedDocumented(t, org)
	s := srv.Client().Org("octo-org")

	// GitHub's documented example.
	jit, err := s.GenerateJITConfig(bg, &runners.JITConfigRequest{
		Name: "New runner", RunnerGroupID: 1, Labels: []string{"self-hosted", "X64", "macOS", "no-gpu"}, WorkFolder: "_work",
	})
	require.NoError(t, err)
	require.NotNil(t, jit.Runner)
	r := jit.Runner
	assert.Greater(t, r.ID, int64(24), "a new ID")
	assert.Equal(t, "New runner", r.Name)
	assert.Equal(t, int64(1), r.RunnerGroupID)
	assert.Equal(t, runners.RunnerOffline, r.Status)
	assert.False(t, r.Busy)
	assert.Equal(t, []string{"self-hosted:read-only", "X64:read-only", "macOS:read-only", "no-gpu:custom"}, labelSet(r.Labels))
	// Label IDs are those the documented runners use for the same names.
	for i, id := range []int64{5, 7, 20, 21} {
		assert.Equal(t, id, r.Labels[i].ID, r.Labels[i].Name)
	}
	require.NotEmpty(t, jit.EncodedJITConfig)
	decoded, err := base64.StdEncoding.DecodeString(jit.EncodedJITConfig)
	require.NoError(t, err)
	assert.NotEmpty(t, decoded)
	require.True(t, json.Valid(decoded), "the config decodes to JSON, as GitHub's does")

	// It is in the scope's state and served by the API.
	stored, ok := org.Runner(r.ID)
	require.True(t, ok)
	assert.Equal(t, "New runner", stored.Name)
	assert.Equal(t, int64(1), stored.RunnerGroupID)
	assert.Equal(t, []int64{23, 24, r.ID}, runnerIDs(org.Runners()))
	list, err := s.ListRunners(bg, &runners.ListRunnersOptions{Name: "New runner"})
	require.NoError(t, err)
	require.Len(t, list.Runners, 1)
	assert.Equal(t, r.ID, list.Runners[0].ID)
	got, err := s.GetRunner(bg, r.ID)
	require.NoError(t, err)
	assert.Equal(t, labelSet(r.Labels), labelSet(got.Labels))

	// Custom labels only: self-hosted is added, read-only; another group is kept.
	jit2, err := s.GenerateJITConfig(bg, &runners.JITConfigRequest{Name: "gpu-1", RunnerGroupID: 42, Labels: []string{"gpu", "linux-large"}})
	require.NoError(t, err)
	assert.Equal(t, int64(42), jit2.Runner.RunnerGroupID)
	assert.Equal(t, []string{"self-hosted:read-only", "gpu:custom", "linux-large:custom"}, labelSet(jit2.Runner.Labels))
	assert.Greater(t, jit2.Runner.ID, r.ID)
	assert.NotEqual(t, jit.EncodedJITConfig, jit2.EncodedJITConfig)

	// The raw answer is 201 with GitHub's field names.
	resp := raw(t, srv, http.MethodPost, "orgs/octo-org/actions/runners/generate-jitconfig", `{"name":"raw-1","runner_group_id":3,"labels":["arm64","big"]}`)
	require.Equal(t, http.StatusCreated, resp.Status, "%s", resp.Body)
	var body struct {
		Runner struct {
			ID            int64  `json:"id"`
			Name          string `json:"name"`
			Status        string `json:"status"`
			RunnerGroupID int64  `json:"runner_group_id"`
		} `json:"runner"`
		EncodedJITConfig string `json:"encoded_jit_config"`
	}
	require.NoError(t, json.Unmarshal(resp.Body, &body))
	assert.Equal(t, "raw-1", body.Runner.Name)
	assert.Equal(t, "offline", body.Runner.Status)
	assert.Equal(t, int64(3), body.Runner.RunnerGroupID)
	assert.NotEmpty(t, body.EncodedJITConfig)
	assert.Len(t, org.Runners(), 5)
}

func TestGenerateJITConfigNameTakenIsConflict(t *testing.T) {
	t.Parallel()
	srv := runnerstest.NewServer()
	org := srv.Org("octo-org")
	seedDocumented(t, org)
	srv.Org("other-org")
	srv.Repo("octo-org", "octo-repo")
	srv.Enterprise("octo-org")
	c := srv.Client()
	req := &runners.JITConfigRequest{Name: "jit-1", RunnerGroupID: 1, Labels: []string{"gpu"}}

	first, err := c.Org("octo-org").GenerateJITConfig(bg, req)
	require.NoError(t, err)
	_, err = c.Org("octo-org").GenerateJITConfig(bg, req)
	require.ErrorIs(t, err, runners.ErrConflict)
	var apiErr *runners.Error
	require.ErrorAs(t, err, &apiErr)
	assert.Equal(t, http.StatusConflict, apiErr.StatusCode)

	// A name taken by a seeded runner conflicts too.
	_, err = c.Org("octo-org").GenerateJITConfig(bg, &runners.JITConfigRequest{Name: "mac_runner", RunnerGroupID: 1, Labels: []string{"gpu"}})
	require.ErrorIs(t, err, runners.ErrConflict)

	assert.Equal(t, []string{"linux_runner", "mac_runner", "jit-1"}, namesOf(org.Runners()), "a conflict creates nothing")

	// The same name is free in every other scope.
	for _, s := range []runners.Scope{c.Org("other-org"), c.Repo("octo-org", "octo-repo"), c.Enterprise("octo-org")} {
		jit, err := s.GenerateJITConfig(bg, req)
		require.NoError(t, err, "%v", s)
		assert.Equal(t, "jit-1", jit.Runner.Name)
		assert.NotEqual(t, first.Runner.ID, jit.Runner.ID, "runner IDs are unique across scopes")
	}
	assert.Equal(t, []string{"jit-1"}, namesOf(srv.Org("other-org").Runners()))

	// Once the runner is gone, its name is free again.
	require.True(t, org.RemoveRunner(first.Runner.ID))
	_, err = c.Org("octo-org").GenerateJITConfig(bg, req)
	assert.NoError(t, err)
}

func TestGenerateJITConfigValidatesTheBody(t *testing.T) {
	t.Parallel()
	srv := runnerstest.NewServer()
	org := srv.Org("octo-org")
	const path = "orgs/octo-org/actions/runners/generate-jitconfig"
	labels101 := make([]string, 101)
	for i := range labels101 {
		labels101[i] = strconv.Quote(fmt.Sprintf("l%d", i))
	}

	for _, body := range []string{
		`{"runner_group_id":1,"labels":["a"]}`,                                             // no name
		`{"name":"r","labels":["a"]}`,                                                      // no runner_group_id
		`{"name":"r","runner_group_id":1}`,                                                 // no labels
		`{"name":"r","runner_group_id":1,"labels":"gpu"}`,                                  // labels not an array
		`{"name":"r","runner_group_id":"1","labels":["a"]}`,                                // runner_group_id a string
		`{"name":5,"runner_group_id":1,"labels":["a"]}`,                                    // name a number
		`{"name":"r","runner_group_id":1,"labels":[1]}`,                                    // a label not a string
		`{"name":"r","runner_group_id":1.5,"labels":["a"]}`,                                // runner_group_id not an integer
		`{"name":null,"runner_group_id":1,"labels":["a"]}`,                                 // null name
		`{"name":"r","runner_group_id":1,"labels":null}`,                                   // null labels
		`{"name":"r","runner_group_id":1,"labels":["a"],"work_folder":7}`,                  // work_folder not a string
		`{"name":"r","runner_group_id":1,"labels":[]}`,                                     // 0 labels
		`{"name":"r","runner_group_id":1,"labels":[` + strings.Join(labels101, ",") + `]}`, // 101 labels
		`["r"]`, // not an object
		`"r"`,
		`null`,
		``,
		`{`,
	} {
		r := raw(t, srv, http.MethodPost, path, body)
		if !assert.Equal(t, http.StatusUnprocessableEntity, r.Status, "body %s: answer %s", body, r.Body) {
			continue
		}
		e := decodeError(t, r)
		assert.NotEmpty(t, e.Errors, "body %s: validation-error-simple has errors", body)

		// The client sees the answer as ErrValidation.
		_, err := swapClient(t, srv, body).Org("octo-org").GenerateJITConfig(bg, &runners.JITConfigRequest{Name: "ok", RunnerGroupID: 1, Labels: []string{"a"}})
		assert.ErrorIs(t, err, runners.ErrValidation, "body %s", body)
		assert.NotErrorIs(t, err, runners.ErrRunnerBusy, "body %s", body)
	}
	assert.Empty(t, org.Runners(), "a refused body creates nothing")

	// 1 and 100 labels are fine.
	labels100 := strings.Join(labels101[:100], ",")
	r := raw(t, srv, http.MethodPost, path, `{"name":"r100","runner_group_id":1,"labels":[`+labels100+`]}`)
	require.Equal(t, http.StatusCreated, r.Status, "%s", r.Body)
	r = raw(t, srv, http.MethodPost, path, `{"name":"r1","runner_group_id":1,"labels":["a"]}`)
	require.Equal(t, http.StatusCreated, r.Status, "%s", r.Body)
	rs := org.Runners()
	require.Len(t, rs, 2)
	assert.Len(t, rs[0].Labels, 101, "self-hosted and 100 custom labels")
}

// --- labels -----------------------------------------------------------------

func TestListLabels(t *testing.T) {
	t.Parallel()
	srv := runnerstest.NewServer()
	seedDocumented(t, srv.Org("octo-org"))
	ls, err := srv.Client().Org("octo-org").ListLabels(bg, 24)
	require.NoError(t, err)
	assert.Equal(t, []*runners.Label{
		{ID: 5, Name: "self-hosted", Type: runners.LabelReadOnly},
		{ID: 7, Name: "X64", Type: runners.LabelReadOnly},
		{ID: 20, Name: "macOS", Type: runners.LabelReadOnly},
		{ID: 21, Name: "no-gpu", Type: runners.LabelCustom},
	}, ls)

	r := raw(t, srv, http.MethodGet, "orgs/octo-org/actions/runners/23/labels", "")
	require.Equal(t, http.StatusOK, r.Status)
	var body struct {
		TotalCount int              `json:"total_count"`
		Labels     []*runners.Label `json:"labels"`
	}
	require.NoError(t, json.Unmarshal(r.Body, &body))
	assert.Equal(t, 3, body.TotalCount)
	assert.Equal(t, []string{"self-hosted:read-only", "X64:read-only", "Linux:read-only"}, labelSet(body.Labels))
}

func TestAddLabels(t *testing.T) {
	t.Parallel()
	srv := runnerstest.NewServer()
	org := srv.Org("octo-org")
	seedDocumented(t, org)
	s := srv.Client().Org("octo-org")

	ls, err := s.AddLabels(bg, 24, "gpu", "no-gpu", "gpu")
	require.NoError(t, err)
	want := []string{"self-hosted:read-only", "X64:read-only", "macOS:read-only", "no-gpu:custom", "gpu:custom"}
	assert.Equal(t, want, labelSet(ls), "a label already present is not added twice")

	// Adding again is idempotent.
	ls, err = s.AddLabels(bg, 24, "gpu")
	require.NoError(t, err)
	assert.Equal(t, want, labelSet(ls))
	stored, _ := org.Runner(24)
	assert.Equal(t, want, labelSet(stored.Labels))

	// The same name has the same ID on every runner.
	ls23, err := s.AddLabels(bg, 23, "gpu")
	require.NoError(t, err)
	assert.Equal(t, ls[4].ID, ls23[3].ID)
	assert.NotZero(t, ls[4].ID)

	// 100 labels at once.
	many := make([]string, 100)
	for i := range many {
		many[i] = fmt.Sprintf("m%03d", i)
	}
	ls, err = s.AddLabels(bg, 23, many...)
	require.NoError(t, err)
	assert.Len(t, ls, 3+1+100)
}

func TestAddLabelsValidatesTheBody(t *testing.T) {
	t.Parallel()
	srv := runnerstest.NewServer()
	org := srv.Org("octo-org")
	seedDocumented(t, org)
	before, _ := org.Runner(24)
	labels101 := make([]string, 101)
	for i := range labels101 {
		labels101[i] = strconv.Quote(fmt.Sprintf("l%d", i))
	}
	for _, body := range []string{
		`{"labels":[]}`,
		`{"labels":[` + strings.Join(labels101, ",") + `]}`,
		`{"labels":"gpu"}`,
		`{"labels":[""]}`,
		`{"labels":[1]}`,
		`{"labels":null}`,
		`{}`,
		`["gpu"]`,
		`null`,
		``,
	} {
		r := raw(t, srv, http.MethodPost, "orgs/octo-org/actions/runners/24/labels", body)
		if assert.Equal(t, http.StatusUnprocessableEntity, r.Status, "body %s: %s", body, r.Body) {
			decodeError(t, r)
		}
		_, err := swapClient(t, srv, body).Org("octo-org").AddLabels(bg, 24, "ok")
		assert.ErrorIs(t, err, runners.ErrValidation, "body %s", body)
	}
	after, _ := org.Runner(24)
	assert.Equal(t, labelSet(before.Labels), labelSet(after.Labels), "a refused add changes nothing")

	r := raw(t, srv, http.MethodPost, "orgs/octo-org/actions/runners/24/labels", `{"labels":[`+strings.Join(labels101[:100], ",")+`]}`)
	require.Equal(t, http.StatusOK, r.Status, "100 labels are fine")
}

func TestSetLabels(t *testing.T) {
	t.Parallel()
	srv := runnerstest.NewServer()
	org := srv.Org("octo-org")
	seedDocumented(t, org)
	s := srv.Client().Org("octo-org")
	readOnly := []string{"self-hosted:read-only", "X64:read-only", "macOS:read-only"}

	ls, err := s.SetLabels(bg, 24, "gpu", "big")
	require.NoError(t, err)
	assert.Equal(t, append(slices.Clone(readOnly), "gpu:custom", "big:custom"), labelSet(ls), "custom labels replaced, read-only kept")

	// Naming a read-only label keeps it read-only, once.
	ls, err = s.SetLabels(bg, 24, "macOS", "small")
	require.NoError(t, err)
	assert.Equal(t, append(slices.Clone(readOnly), "small:custom"), labelSet(ls))

	// No labels removes every custom label.
	ls, err = s.SetLabels(bg, 24)
	require.NoError(t, err)
	assert.Equal(t, readOnly, labelSet(ls))
	stored, _ := org.Runner(24)
	assert.Equal(t, readOnly, labelSet(stored.Labels))
	r := raw(t, srv, http.MethodPut, "orgs/octo-org/actions/runners/24/labels", `{"labels":[]}`)
	assert.Equal(t, http.StatusOK, r.Status)

	// 100 labels.
	many := make([]string, 100)
	for i := range many {
		many[i] = fmt.Sprintf("m%03d", i)
	}
	ls, err = s.SetLabels(bg, 24, many...)
	require.NoError(t, err)
	assert.Len(t, ls, 103)
}

func TestSetLabelsRefusedChangesNothing(t *testing.T) {
	t.Parallel()
	srv := runnerstest.NewServer()
	org := srv.Org("octo-org")
	seedDocumented(t, org)
	_, err := srv.Client().Org("octo-org").AddLabels(bg, 24, "gpu")
	require.NoError(t, err)
	before, _ := org.Runner(24)
	labels101 := make([]string, 101)
	for i := range labels101 {
		labels101[i] = strconv.Quote(fmt.Sprintf("l%d", i))
	}
	for _, body := range []string{
		`{"labels":[` + strings.Join(labels101, ",") + `]}`,
		`{"labels":["ok",""]}`,
		`{"labels":"gpu"}`,
		`{"labels":null}`,
		`{}`,
		`[]`,
	} {
		r := raw(t, srv, http.MethodPut, "orgs/octo-org/actions/runners/24/labels", body)
		if assert.Equal(t, http.StatusUnprocessableEntity, r.Status, "body %s: %s", body, r.Body) {
			decodeError(t, r)
		}
		_, err := swapClient(t, srv, body).Org("octo-org").SetLabels(bg, 24, "ok")
		assert.ErrorIs(t, err, runners.ErrValidation, "body %s", body)
	}
	after, _ := org.Runner(24)
	assert.Equal(t, labelSet(before.Labels), labelSet(after.Labels))
	assert.Contains(t, labelSet(after.Labels), "gpu:custom")
}

func TestRemoveAllLabelsKeepsReadOnly(t *testing.T) {
	t.Parallel()
	srv := runnerstest.NewServer()
	org := srv.Org("octo-org")
	seedDocumented(t, org)
	s := srv.Client().Org("octo-org")
	_, err := s.AddLabels(bg, 24, "gpu", "big")
	require.NoError(t, err)

	ls, err := s.RemoveAllLabels(bg, 24)
	require.NoError(t, err)
	want := []string{"self-hosted:read-only", "X64:read-only", "macOS:read-only"}
	assert.Equal(t, want, labelSet(ls))
	stored, _ := org.Runner(24)
	assert.Equal(t, want, labelSet(stored.Labels))

	// Again: nothing left to remove, still fine.
	ls, err = s.RemoveAllLabels(bg, 24)
	require.NoError(t, err)
	assert.Equal(t, want, labelSet(ls))

	// The other runner is untouched.
	other, _ := org.Runner(23)
	assert.Len(t, other.Labels, 3)
}

func TestRemoveLabel(t *testing.T) {
	t.Parallel()
	srv := runnerstest.NewServer()
	org := srv.Org("octo-org")
	seedDocumented(t, org)
	s := srv.Client().Org("octo-org")

	ls, err := s.RemoveLabel(bg, 24, "no-gpu")
	require.NoError(t, err)
	assert.Equal(t, []string{"self-hosted:read-only", "X64:read-only", "macOS:read-only"}, labelSet(ls))

	// A label the runner lacks is 404.
	for _, name := range []string{"no-gpu", "never-there"} {
		_, err = s.RemoveLabel(bg, 24, name)
		assert.ErrorIs(t, err, runners.ErrNotFound, name)
	}
	// A read-only label is 422 and stays.
	_, err = s.RemoveLabel(bg, 24, "macOS")
	require.ErrorIs(t, err, runners.ErrValidation)
	var apiErr *runners.Error
	require.ErrorAs(t, err, &apiErr)
	assert.Equal(t, http.StatusUnprocessableEntity, apiErr.StatusCode)
	assert.NotErrorIs(t, err, runners.ErrRunnerBusy)
	stored, _ := org.Runner(24)
	assert.Equal(t, []string{"self-hosted:read-only", "X64:read-only", "macOS:read-only"}, labelSet(stored.Labels))
}

func TestLabelNameWithReservedCharactersRoundTrips(t *testing.T) {
	t.Parallel()
	const name = "gpu/a b?#%"
	const escaped = "gpu%2Fa%20b%3F%23%25"
	srv := runnerstest.NewServer()
	org := srv.Org("octo-org")
	seedDocumented(t, org)
	sock, _ := socketClient(t, srv)

	for _, c := range []*runners.Client{srv.Client(), sock} {
		s := c.Org("octo-org")
		ls, err := s.AddLabels(bg, 24, name)
		require.NoError(t, err)
		assert.Contains(t, labelSet(ls), name+":custom")
		ls, err = s.ListLabels(bg, 24)
		require.NoError(t, err)
		assert.Contains(t, labelSet(ls), name+":custom")

		ls, err = s.RemoveLabel(bg, 24, name)
		require.NoError(t, err)
		assert.NotContains(t, labelSet(ls), name+":custom")
		assert.Contains(t, labelSet(ls), "no-gpu:custom", "only that label is removed")
		stored, _ := org.Runner(24)
		assert.Len(t, stored.Labels, 4)

		reqs := srv.Requests()
		last := reqs[len(reqs)-1]
		assert.Equal(t, http.MethodDelete, last.Method)
		assert.Equal(t, "/orgs/octo-org/actions/runners/24/labels/"+escaped, last.Path)
	}
	// Removing the prefix alone finds nothing: the name was one segment.
	_, err := srv.Client().Org("octo-org").AddLabels(bg, 24, name)
	require.NoError(t, err)
	_, err = srv.Client().Org("octo-org").RemoveLabel(bg, 24, "gpu")
	assert.ErrorIs(t, err, runners.ErrNotFound)
}

// --- deleting runners -------------------------------------------------------

func TestDeleteBusyRunnerIs422(t *testing.T) {
	t.Parallel()
	srv := runnerstest.NewServer()
	org := srv.Org("octo-org")
	seedDocumented(t, org) // 23 is busy
	s := srv.Client().Org("octo-org")

	err := s.DeleteRunner(bg, 23)
	require.ErrorIs(t, err, runners.ErrRunnerBusy)
	require.ErrorIs(t, err, runners.ErrValidation)
	var apiErr *runners.Error
	require.ErrorAs(t, err, &apiErr)
	assert.Equal(t, http.StatusUnprocessableEntity, apiErr.StatusCode)
	assert.Equal(t, `Bad request - Runner "linux_runner" is still running a job"`, apiErr.Message, "GitHub's message, stray quote included")
	_, ok := org.Runner(23)
	assert.True(t, ok, "a busy runner stays")

	r := raw(t, srv, http.MethodDelete, "orgs/octo-org/actions/runners/23", "")
	require.Equal(t, http.StatusUnprocessableEntity, r.Status)
	assert.Contains(t, decodeError(t, r).Message, "still running a job")

	// The job ends.
	require.True(t, org.UpdateRunner(23, func(r *runners.Runner) { r.Busy = false }))
	r = raw(t, srv, http.MethodDelete, "orgs/octo-org/actions/runners/23", "")
	assert.Equal(t, http.StatusNoContent, r.Status)
	assert.Empty(t, r.Body)
	_, ok = org.Runner(23)
	assert.False(t, ok)
	assert.Equal(t, []int64{24}, runnerIDs(org.Runners()))
	list, err := s.ListRunners(bg, nil)
	require.NoError(t, err)
	assert.Equal(t, []int64{24}, runnerIDs(list.Runners))

	// An idle runner goes through the client; a second delete is 404.
	require.NoError(t, s.DeleteRunner(bg, 24))
	assert.Empty(t, org.Runners())
	assert.ErrorIs(t, s.DeleteRunner(bg, 24), runners.ErrNotFound)
}

// --- ScopeState -------------------------------------------------------------

func TestAddRunnerAssignsIDs(t *testing.T) {
	t.Parallel()
	srv := runnerstest.NewServer()
	org, repo, ent := srv.Org("o"), srv.Repo("o", "r"), srv.Enterprise("e")

	a := org.AddRunner(runners.Runner{Name: "a"})
	b := repo.AddRunner(runners.Runner{Name: "b"})
	c := ent.AddRunner(runners.Runner{Name: "c"})
	assert.Positive(t, a.ID)
	assert.Greater(t, b.ID, a.ID, "IDs increase across scopes")
	assert.Greater(t, c.ID, b.ID)

	// A given ID is kept, and later IDs come after it.
	d := org.AddRunner(runners.Runner{ID: 500, Name: "d"})
	assert.Equal(t, int64(500), d.ID)
	e := repo.AddRunner(runners.Runner{Name: "e"})
	assert.Greater(t, e.ID, int64(500))
	// A smaller given ID is fine when free.
	f := ent.AddRunner(runners.Runner{ID: 200, Name: "f"})
	assert.Equal(t, int64(200), f.ID)

	// JIT runners get IDs from the same sequence.
	jit, err := srv.Client().Org("o").GenerateJITConfig(bg, &runners.JITConfigRequest{Name: "j", RunnerGroupID: 1, Labels: []string{"x"}})
	require.NoError(t, err)
	assert.Greater(t, jit.Runner.ID, e.ID)

	got, err := srv.Client().Org("o").GetRunner(bg, 500)
	require.NoError(t, err)
	assert.Equal(t, "d", got.Name)
}

func TestAddRunnerPanicsOnDuplicates(t *testing.T) {
	t.Parallel()
	srv := runnerstest.NewServer()
	org, repo := srv.Org("o"), srv.Repo("o", "r")
	org.AddRunner(runners.Runner{ID: 7, Name: "seven"})

	assert.Panics(t, func() { org.AddRunner(runners.Runner{ID: 7, Name: "other"}) }, "duplicate ID, same scope")
	assert.Panics(t, func() { repo.AddRunner(runners.Runner{ID: 7, Name: "other"}) }, "duplicate ID, another scope")
	assert.Panics(t, func() { org.AddRunner(runners.Runner{Name: "seven"}) }, "duplicate name, same scope")
	assert.Panics(t, func() { org.AddRunner(runners.Runner{ID: 8, Name: "seven"}) }, "duplicate name with a free ID")
	assert.NotPanics(t, func() { repo.AddRunner(runners.Runner{Name: "seven"}) }, "the same name in another scope")

	// A panic leaves the server usable and unchanged.
	assert.Equal(t, []string{"seven"}, namesOf(org.Runners()))
	list, err := srv.Client().Org("o").ListRunners(bg, nil)
	require.NoError(t, err)
	assert.Equal(t, 1, list.TotalCount)
}

func TestAddRunnerDefaultsAndLabels(t *testing.T) {
	t.Parallel()
	srv := runnerstest.NewServer()
	org := srv.Org("o")

	r := org.AddRunner(runners.Runner{Name: "plain", Labels: []*runners.Label{{Name: "gpu"}, {Name: "Linux", Type: runners.LabelReadOnly}}})
	assert.Equal(t, runners.RunnerOffline, r.Status, "status defaults to offline")
	require.Len(t, r.Labels, 2)
	assert.Equal(t, runners.LabelCustom, r.Labels[0].Type, "type defaults to custom")
	assert.Equal(t, runners.LabelReadOnly, r.Labels[1].Type)
	assert.NotZero(t, r.Labels[0].ID)
	assert.NotZero(t, r.Labels[1].ID)
	assert.NotEqual(t, r.Labels[0].ID, r.Labels[1].ID)

	online := org.AddRunner(runners.Runner{Name: "online", Status: runners.RunnerOnline, Labels: []*runners.Label{{Name: "gpu"}, {Name: "GPU-2"}}})
	assert.Equal(t, runners.RunnerOnline, online.Status)
	assert.Equal(t, r.Labels[0].ID, online.Labels[0].ID, "label IDs are stable per name")
	assert.NotEqual(t, r.Labels[0].ID, online.Labels[1].ID)

	// A given label ID is kept and is the name's ID from then on.
	given := srv.Repo("o", "r").AddRunner(runners.Runner{Name: "given", Labels: []*runners.Label{{ID: 900, Name: "fast"}}})
	assert.Equal(t, int64(900), given.Labels[0].ID)
	ls, err := srv.Client().Org("o").AddLabels(bg, r.ID, "fast")
	require.NoError(t, err)
	assert.Equal(t, int64(900), ls[2].ID)

	// The returned copy is not the stored runner.
	r.Name = "changed"
	r.Labels[0].Name = "changed"
	stored, ok := org.Runner(r.ID)
	require.True(t, ok)
	assert.Equal(t, "plain", stored.Name)
	assert.Equal(t, "gpu", stored.Labels[0].Name)

	// The runner as the API serves it.
	got, err := srv.Client().Org("o").GetRunner(bg, online.ID)
	require.NoError(t, err)
	assert.Equal(t, online, got)
}

func TestRunnersIsASnapshotInIDOrder(t *testing.T) {
	t.Parallel()
	srv := runnerstest.NewServer()
	org := srv.Org("o")
	for _, id := range []int64{30, 10, 20, 1<<32 + 25} {
		org.AddRunner(runners.Runner{ID: id, Name: fmt.Sprintf("r%d", id), Labels: []*runners.Label{{Name: "gpu"}}})
	}
	snap := org.Runners()
	assert.Equal(t, []int64{10, 20, 30, 1<<32 + 25}, runnerIDs(snap))

	snap[0].Name = "mutated"
	snap[0].Busy = true
	snap[0].Labels[0].Name = "mutated"
	snap[0].Labels = append(snap[0].Labels, &runners.Label{Name: "extra"})

	again := org.Runners()
	require.Len(t, again, 4)
	assert.Equal(t, "r10", again[0].Name)
	assert.False(t, again[0].Busy)
	assert.Equal(t, []string{"gpu:custom"}, labelSet(again[0].Labels))

	one, ok := org.Runner(20)
	require.True(t, ok)
	one.Labels[0].Name = "mutated"
	one2, _ := org.Runner(20)
	assert.Equal(t, "gpu", one2.Labels[0].Name)
	_, ok = org.Runner(99)
	assert.False(t, ok)
	_, ok = srv.Org("other").Runner(20)
	assert.False(t, ok, "Runner looks in its own scope only")
}

func TestUpdateAndRemoveRunner(t *testing.T) {
	t.Parallel()
	srv := runnerstest.NewServer()
	org := srv.Org("o")
	r := org.AddRunner(runners.Runner{Name: "r", Labels: []*runners.Label{{Name: "gpu"}}})
	s := srv.Client().Org("o")

	ok := org.UpdateRunner(r.ID, func(r *runners.Runner) {
		r.ID = 12345 // ignored
		r.Status = runners.RunnerOnline
		r.Busy = true
		r.Version = "2.330.0"
		r.Labels = append(r.Labels, &runners.Label{Name: "big"})
	})
	require.True(t, ok)
	got, err := s.GetRunner(bg, r.ID)
	require.NoError(t, err)
	assert.Equal(t, runners.RunnerOnline, got.Status)
	assert.True(t, got.Busy)
	assert.Equal(t, "2.330.0", got.Version)
	assert.Equal(t, []string{"gpu:custom", "big:custom"}, labelSet(got.Labels))
	assert.NotZero(t, got.Labels[1].ID, "a new label gets an ID")
	_, err = s.GetRunner(bg, 12345)
	assert.ErrorIs(t, err, runners.ErrNotFound, "the ID cannot be changed")

	assert.False(t, org.UpdateRunner(999, func(*runners.Runner) { t.Error("update called for a missing runner") }))
	assert.False(t, srv.Org("other").UpdateRunner(r.ID, func(*runners.Runner) { t.Error("update called in another scope") }))

	assert.False(t, srv.Org("other").RemoveRunner(r.ID), "RemoveRunner looks in its own scope only")
	assert.True(t, org.RemoveRunner(r.ID))
	assert.False(t, org.RemoveRunner(r.ID))
	assert.Empty(t, org.Runners())
	_, err = s.GetRunner(bg, r.ID)
	assert.ErrorIs(t, err, runners.ErrNotFound)
}

func TestStateOfAClientScope(t *testing.T) {
	t.Parallel()
	srv := runnerstest.NewServer()
	c := srv.Client()

	srv.State(c.Org("x")).AddRunner(runners.Runner{Name: "via-state"})
	assert.Equal(t, []string{"via-state"}, namesOf(srv.Org("x").Runners()))
	srv.Org("x").AddRunner(runners.Runner{Name: "via-org"})
	assert.Equal(t, []string{"via-state", "via-org"}, namesOf(srv.State(c.Org("x")).Runners()))

	srv.State(c.Repo("x", "y")).AddRunner(runners.Runner{Name: "repo"})
	assert.Equal(t, []string{"repo"}, namesOf(srv.Repo("x", "y").Runners()))
	srv.State(c.Enterprise("x")).AddRunner(runners.Runner{Name: "ent"})
	assert.Equal(t, []string{"ent"}, namesOf(srv.Enterprise("x").Runners()))
	assert.Len(t, srv.Org("x").Runners(), 2, "each scope is its own")

	// A name that needs escaping.
	srv.State(c.Org("a b")).AddRunner(runners.Runner{Name: "spaced"})
	assert.Equal(t, []string{"spaced"}, namesOf(srv.Org("a b").Runners()))
	list, err := c.Org("a b").ListRunners(bg, nil)
	require.NoError(t, err)
	assert.Equal(t, 1, list.TotalCount)
}

// --- recorded requests ------------------------------------------------------

func TestRequestsAreRecorded(t *testing.T) {
	t.Parallel()
	srv := runnerstest.NewServer()
	seedDocumented(t, srv.Repo("octo-org", "octo-repo"))
	s := srv.Client(runners.WithUserAgent("my-tool/1.0")).Repo("octo-org", "octo-repo")
	assert.Empty(t, srv.Requests())

	_, err := s.ListRunners(bg, &runners.ListRunnersOptions{Name: "mac_runner", ListOptions: runners.ListOptions{Page: 2, PerPage: 5}})
	require.NoError(t, err)
	_, err = s.AddLabels(bg, 24, "gpu", "big")
	require.NoError(t, err)
	_, err = s.GetRunner(bg, 999)
	require.ErrorIs(t, err, runners.ErrNotFound)

	reqs := srv.Requests()
	require.Len(t, reqs, 3)
	assert.Equal(t, http.MethodGet, reqs[0].Method)
	assert.Equal(t, "/repos/octo-org/octo-repo/actions/runners", reqs[0].Path)
	assert.Equal(t, url.Values{"name": {"mac_runner"}, "page": {"2"}, "per_page": {"5"}}, reqs[0].Query)
	assert.Empty(t, reqs[0].Body)
	assert.Equal(t, "my-tool/1.0", reqs[0].Header.Get("User-Agent"))
	assert.Equal(t, "application/vnd.github+json", reqs[0].Header.Get("Accept"))
	assert.True(t, strings.HasPrefix(reqs[0].Header.Get("Authorization"), "Bearer "))

	assert.Equal(t, http.MethodPost, reqs[1].Method)
	assert.Equal(t, "/repos/octo-org/octo-repo/actions/runners/24/labels", reqs[1].Path)
	assert.JSONEq(t, `{"labels":["gpu","big"]}`, string(reqs[1].Body))
	assert.Equal(t, "/repos/octo-org/octo-repo/actions/runners/999", reqs[2].Path, "failed requests are recorded too")

	// Requests is a copy.
	reqs[0].Method = "MUTATED"
	assert.Equal(t, http.MethodGet, srv.Requests()[0].Method)
	// Unauthenticated requests are recorded as well.
	roundTrip(t, srv.Transport(), http.MethodGet, "http://"+fakeHost+"/orgs/a%20b/actions/runners?x=1", "", false)
	last := srv.Requests()[3]
	assert.Equal(t, "/orgs/a%20b/actions/runners", last.Path, "the escaped path")
	assert.Equal(t, "1", last.Query.Get("x"))
}

// --- faults -----------------------------------------------------------------

func TestFailNextThenResumes(t *testing.T) {
	t.Parallel()
	srv := runnerstest.NewServer()
	seedDocumented(t, srv.Org("octo-org"))
	s := srv.Client().Org("octo-org")
	srv.FailNext(2, runnerstest.Fault{Status: http.StatusBadGateway})

	for range 2 {
		_, err := s.ListRunners(bg, nil)
		var apiErr *runners.Error
		require.ErrorAs(t, err, &apiErr)
		assert.Equal(t, http.StatusBadGateway, apiErr.StatusCode)
		assert.Equal(t, "Bad Gateway", apiErr.Message)
		assert.NotErrorIs(t, err, runners.ErrRateLimited)
		assert.NotErrorIs(t, err, runners.ErrNotFound)
	}
	list, err := s.ListRunners(bg, nil)
	require.NoError(t, err, "normal service resumes")
	assert.Equal(t, 2, list.TotalCount)

	// A custom body and header.
	srv.FailNext(1, runnerstest.Fault{
		Status: http.StatusServiceUnavailable,
		Header: http.Header{"X-Custom": {"yes"}},
		Body:   `{"message":"Try later","documentation_url":"https://docs.github.com/rest","status":"503"}`,
	})
	r := raw(t, srv, http.MethodGet, "orgs/octo-org/actions/runners", "")
	assert.Equal(t, http.StatusServiceUnavailable, r.Status)
	assert.Equal(t, "yes", r.Header.Get("X-Custom"))
	assert.Equal(t, "Try later", decodeError(t, r).Message)

	// A fault stands in for the request: a failed delete deletes nothing.
	srv.FailNext(1, runnerstest.Fault{Status: http.StatusInternalServerError})
	assert.Error(t, s.DeleteRunner(bg, 24))
	assert.Len(t, srv.Org("octo-org").Runners(), 2)
	require.NoError(t, s.DeleteRunner(bg, 24))
	assert.Len(t, srv.Org("octo-org").Runners(), 1)

	// n ≤ 0 sets up nothing.
	srv.FailNext(0, runnerstest.Fault{Status: http.StatusInternalServerError})
	_, err = s.ListRunners(bg, nil)
	assert.NoError(t, err)
}

func TestFailNextFilters(t *testing.T) {
	t.Parallel()
	srv := runnerstest.NewServer()
	seedDocumented(t, srv.Org("octo-org"))
	s := srv.Client().Org("octo-org")

	srv.FailNext(1, runnerstest.Fault{Status: http.StatusInternalServerError, Method: http.MethodDelete})
	srv.FailNext(2, runnerstest.Fault{Status: http.StatusTeapot, PathSuffix: "/labels"})

	_, err := s.ListRunners(bg, nil)
	require.NoError(t, err, "a GET of runners matches neither fault")
	_, err = s.GetRunner(bg, 24)
	require.NoError(t, err)

	_, err = s.ListLabels(bg, 24)
	var apiErr *runners.Error
	require.ErrorAs(t, err, &apiErr)
	assert.Equal(t, http.StatusTeapot, apiErr.StatusCode)

	// DELETE .../labels matches the DELETE fault first: faults queue in order.
	_, err = s.RemoveAllLabels(bg, 24)
	require.ErrorAs(t, err, &apiErr)
	assert.Equal(t, http.StatusInternalServerError, apiErr.StatusCode)
	stored, _ := srv.Org("octo-org").Runner(24)
	assert.Len(t, stored.Labels, 4)

	_, err = s.AddLabels(bg, 24, "gpu")
	require.ErrorAs(t, err, &apiErr)
	assert.Equal(t, http.StatusTeapot, apiErr.StatusCode, "the second of two")

	require.NoError(t, s.DeleteRunner(bg, 24), "the DELETE fault is used up")
	_, err = s.ListLabels(bg, 23)
	require.NoError(t, err, "the /labels fault is used up")
}

func TestFailNextPrimaryRateLimit(t *testing.T) {
	t.Parallel()
	srv := runnerstest.NewServer()
	srv.Org("octo-org")
	reset := time.Date(2026, 3, 10, 13, 0, 0, 0, time.UTC)
	srv.FailNext(1, runnerstest.PrimaryRateLimit(reset))
	s := srv.Client().Org("octo-org")

	_, err := s.CreateRegistrationToken(bg)
	require.ErrorIs(t, err, runners.ErrRateLimited)
	var rl *runners.RateLimitError
	require.ErrorAs(t, err, &rl)
	assert.False(t, rl.Secondary)
	assert.True(t, rl.Reset.Equal(reset), "reset %v", rl.Reset)
	assert.Equal(t, 5000, rl.Limit)
	assert.Zero(t, rl.Remaining)
	var apiErr *runners.Error
	require.ErrorAs(t, err, &apiErr)
	assert.Equal(t, http.StatusForbidden, apiErr.StatusCode)
	assert.NotErrorIs(t, err, runners.ErrForbidden)

	_, err = s.CreateRegistrationToken(bg)
	assert.NoError(t, err)
}

func TestFailNextSecondaryRateLimit(t *testing.T) {
	t.Parallel()
	srv := runnerstest.NewServer()
	srv.Org("octo-org")
	srv.FailNext(1, runnerstest.SecondaryRateLimit(42*time.Second))
	s := srv.Client().Org("octo-org")

	_, err := s.ListRunners(bg, nil)
	require.ErrorIs(t, err, runners.ErrRateLimited)
	var rl *runners.RateLimitError
	require.ErrorAs(t, err, &rl)
	assert.True(t, rl.Secondary)
	assert.Equal(t, 42*time.Second, rl.RetryAfter)
	assert.Equal(t, 42*time.Second, rl.Wait(time.Now()))

	_, err = s.ListRunners(bg, nil)
	assert.NoError(t, err)
}

// --- GitHub App -------------------------------------------------------------

func TestClientAsGitHubAppInstallation(t *testing.T) {
	t.Parallel()
	key, err := rsa.GenerateKey(rand.Reader, 2048)
	require.NoError(t, err)
	pemKey := pem.EncodeToMemory(&pem.Block{Type: "RSA PRIVATE KEY", Bytes: x509.MarshalPKCS1PrivateKey(key)})

	srv := runnerstest.NewServer()
	seedDocumented(t, srv.Org("octo-org"))
	s := srv.Client(runners.WithAppInstallation(1, 2, pemKey)).Org("octo-org")

	list, err := s.ListRunners(bg, nil)
	require.NoError(t, err)
	assert.Equal(t, 2, list.TotalCount)
	_, err = s.GetRunner(bg, 24)
	require.NoError(t, err)

	reqs := srv.Requests()
	require.Len(t, reqs, 3, "one token exchange, reused")
	assert.Equal(t, http.MethodPost, reqs[0].Method)
	assert.Equal(t, "/app/installations/2/access_tokens", reqs[0].Path)
	jwt := strings.TrimPrefix(reqs[0].Header.Get("Authorization"), "Bearer ")
	assert.Len(t, strings.Split(jwt, "."), 3, "the exchange is authenticated with the app JWT")
	for _, r := range reqs[1:] {
		auth := r.Header.Get("Authorization")
		assert.True(t, strings.HasPrefix(auth, "Bearer ghs_"), "the installation token, got %q", auth)
	}
	assert.Equal(t, reqs[1].Header.Get("Authorization"), reqs[2].Header.Get("Authorization"))
}

// --- concurrency and contexts -----------------------------------------------

func TestConcurrentUse(t *testing.T) {
	t.Parallel()
	srv := runnerstest.NewServer()
	org := srv.Org("octo-org")
	shared := org.AddRunner(runners.Runner{Name: "shared", Status: runners.RunnerOnline})
	const n = 16
	victims := make([]int64, n)
	for i := range n {
		victims[i] = org.AddRunner(runners.Runner{Name: fmt.Sprintf("victim-%02d", i)}).ID
	}
	sock, _ := socketClient(t, srv)
	clients := []*runners.Client{srv.Client(), sock}

	jitIDs := make([]int64, n)
	errs := make([]error, n)
	var wg sync.WaitGroup
	for i := range n {
		wg.Add(1)
		go func() {
			defer wg.Done()
			errs[i] = func() error {
				s := clients[i%2].Org("octo-org")
				if _, err := s.AddLabels(bg, shared.ID, fmt.Sprintf("g-%02d", i), "common"); err != nil {
					return err
				}
				if _, err := s.ListRunners(bg, &runners.ListRunnersOptions{ListOptions: runners.ListOptions{PerPage: 100}}); err != nil {
					return err
				}
				jit, err := s.GenerateJITConfig(bg, &runners.JITConfigRequest{Name: fmt.Sprintf("jit-%02d", i), RunnerGroupID: 1, Labels: []string{"ci"}})
				if err != nil {
					return err
				}
				jitIDs[i] = jit.Runner.ID
				if err := s.DeleteRunner(bg, victims[i]); err != nil {
					return err
				}
				_ = org.Runners()
				_ = srv.Requests()
				_, err = s.RemoveLabel(bg, jit.Runner.ID, "ci")
				return err
			}()
		}()
	}
	wg.Wait()
	for i, err := range errs {
		require.NoError(t, err, "goroutine %d", i)
	}

	final := org.Runners()
	count := map[string]int{}
	byName := map[string]runners.Runner{}
	for _, r := range final {
		count[r.Name]++
		byName[r.Name] = r
	}
	require.Len(t, final, 1+n, "shared plus one JIT runner a goroutine; every victim gone")
	for i := range n {
		name := fmt.Sprintf("jit-%02d", i)
		assert.Equal(t, 1, count[name], name)
		assert.Equal(t, jitIDs[i], byName[name].ID, name)
		assert.Equal(t, []string{"self-hosted:read-only"}, labelSet(byName[name].Labels), name)
		assert.Zero(t, count[fmt.Sprintf("victim-%02d", i)])
	}
	ids := runnerIDs(final)
	assert.True(t, slices.IsSorted(ids))
	assert.Len(t, slices.Compact(slices.Clone(ids)), len(ids), "IDs are unique")

	sharedNow, ok := org.Runner(shared.ID)
	require.True(t, ok)
	labels := labelSet(sharedNow.Labels)
	assert.Len(t, labels, n+1, "g-00..g-15 and common, once each")
	for i := range n {
		assert.Contains(t, labels, fmt.Sprintf("g-%02d:custom", i))
	}
	assert.Len(t, srv.Requests(), 5*n)
}

func TestCancelledContext(t *testing.T) {
	t.Parallel()
	srv := runnerstest.NewServer()
	seedDocumented(t, srv.Org("octo-org"))
	ctx, cancel := context.WithCancel(bg)
	cancel()

	req, err := http.NewRequestWithContext(ctx, http.MethodGet, "http://"+fakeHost+"/orgs/octo-org/actions/runners", nil)
	require.NoError(t, err)
	req.Header.Set("Authorization", "Bearer t")
	resp, err := srv.Transport().RoundTrip(req)
	require.ErrorIs(t, err, context.Canceled)
	assert.Nil(t, resp)

	s := srv.Client().Org("octo-org")
	_, err = s.ListRunners(ctx, nil)
	require.ErrorIs(t, err, context.Canceled)
	require.ErrorIs(t, s.DeleteRunner(ctx, 24), context.Canceled)
	assert.Empty(t, srv.Requests(), "nothing reached the server")
	assert.Len(t, srv.Org("octo-org").Runners(), 2)

	deadline, cancel2 := context.WithDeadline(bg, time.Now().Add(-time.Second))
	defer cancel2()
	_, err = s.ListRunners(deadline, nil)
	assert.ErrorIs(t, err, context.DeadlineExceeded)
}
