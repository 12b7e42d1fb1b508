package runnerstest_test

import (
	"context"
	"fmt"
	"net/http"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/fleetkit/runners"
	"github.com/fleetkit/runners/runnerstest"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestListRunnersDefaultPerPageIs30(t *testing.T) {
	t.Parallel()
	ctx := t.Context()
	srv := runnerstest.NewServer()
	ids := seed(t, srv.Org("octo-org"), 35)
	s := srv.Client().Org("octo-org")

	first, err := s.ListRunners(ctx, nil)
	require.NoError(t, err)
	assert.Equal(t, 35, first.TotalCount)
	assert.Equal(t, ids[:30], runnerIDs(first.Runners))
	assert.Equal(t, 2, first.NextPage)

	second, err := s.ListRunners(ctx, &runners.ListRunnersOptions{ListOptions: runners.ListOptions{Page: first.NextPage}})
	require.NoError(t, err)
	assert.Equal(t, 35, second.TotalCount)
	assert.Equal(t, ids[30:], runnerIDs(second.Runners))
	assert.Zero(t, second.NextPage)

	beyond, err := s.ListRunners(ctx, &runners.ListRunnersOptions{ListOptions: runners.ListOptions{Page: 3}})
	require.NoError(t, err)
	assert.Equal(t, 35, beyond.TotalCount)
	assert.Empty(t, beyond.Runners)
	assert.Zero(t, beyond.NextPage)
}

func TestListRunnersPerPageIsAtMost100(t *testing.T) {
	t.Parallel()
	ctx := t.Context()
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

	list, err := srv.Client().Org("octo-org").ListRunners(ctx, &runners.ListRunnersOptions{ListOptions: runners.ListOptions{PerPage: 100, Page: 2}})
	require.NoError(t, err)
	assert.Equal(t, ids[100:], runnerIDs(list.Runners))
	assert.Zero(t, list.NextPage)
}

func TestListRunnersLinkHeader(t *testing.T) {
	t.Parallel()
	ctx := t.Context()
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
		list, err := s.ListRunners(ctx, &runners.ListRunnersOptions{ListOptions: runners.ListOptions{Page: page, PerPage: 10}})
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
	ctx := t.Context()
	srv := runnerstest.NewServer()
	ids := seed(t, srv.Org("octo-org"), 25)

	// Over a real socket, at the root and under GitHub Enterprise Server's /api/v3.
	c, ts := socketClient(t, srv)
	host := strings.TrimPrefix(ts.URL, "http://")
	for _, prefix := range []string{"", "/api/v3"} {
		r := roundTrip(t, http.DefaultTransport, http.MethodGet, ts.URL+prefix+"/orgs/octo-org/actions/runners?per_page=10&page=2", "", authed())
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
	r := roundTrip(t, srv.Transport(), http.MethodGet, "https://ghes.example.com/api/v3/orgs/octo-org/actions/runners?per_page=10", "", authed())
	for rel, u := range links(t, r.Header.Get("Link")) {
		assert.Equal(t, "https", u.Scheme, rel)
		assert.Equal(t, "ghes.example.com", u.Host, rel)
		assert.Equal(t, "/api/v3/orgs/octo-org/actions/runners", u.Path, rel)
	}

	// The real client walks the pages over the socket.
	var got []int64
	for r, err := range c.Org("octo-org").AllRunners(ctx, &runners.ListRunnersOptions{ListOptions: runners.ListOptions{PerPage: 10}}) {
		require.NoError(t, err)
		got = append(got, r.ID)
	}
	assert.Equal(t, ids, got)
	ghes, err := runners.NewClient(runners.WithBaseURL(ts.URL+"/api/v3"), runners.WithToken("t"))
	require.NoError(t, err)
	list, err := ghes.Org("octo-org").ListRunners(ctx, &runners.ListRunnersOptions{ListOptions: runners.ListOptions{PerPage: 10}})
	require.NoError(t, err)
	assert.Equal(t, 2, list.NextPage)
	assert.Equal(t, ids[:10], runnerIDs(list.Runners))
}

func TestAllRunnersReturnsEveryRunnerInIDOrder(t *testing.T) {
	t.Parallel()
	ctx := t.Context()
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
	for r, err := range srv.Client().Org("octo-org").AllRunners(ctx, nil) {
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
	ctx := t.Context()
	srv := runnerstest.NewServer()
	org := srv.Org("octo-org")
	for _, name := range []string{"build", "build-2", "Build", "xbuild", "buil"} {
		org.AddRunner(runners.Runner{Name: name})
	}
	seed(t, org, 40)
	s := srv.Client().Org("octo-org")

	list, err := s.ListRunners(ctx, &runners.ListRunnersOptions{Name: "build"})
	require.NoError(t, err)
	assert.Equal(t, 1, list.TotalCount, "total_count counts matches only")
	require.Len(t, list.Runners, 1)
	assert.Equal(t, "build", list.Runners[0].Name)
	assert.Zero(t, list.NextPage)

	list, err = s.ListRunners(ctx, &runners.ListRunnersOptions{Name: "runner-040"})
	require.NoError(t, err)
	assert.Equal(t, 1, list.TotalCount)
	require.Len(t, list.Runners, 1)
	assert.Equal(t, "runner-040", list.Runners[0].Name, "a match beyond the first page is found")

	list, err = s.ListRunners(ctx, &runners.ListRunnersOptions{Name: "missing"})
	require.NoError(t, err)
	assert.Zero(t, list.TotalCount)
	assert.Empty(t, list.Runners)

	all, err := s.ListRunners(ctx, nil)
	require.NoError(t, err)
	assert.Equal(t, 45, all.TotalCount)
}

func TestTokensExpireInOneHour(t *testing.T) {
	t.Parallel()
	ctx := t.Context()
	srv := runnerstest.NewServer()
	now := time.Date(2026, 3, 10, 12, 30, 45, 123456789, time.UTC) // sub-second precision is kept
	clk := runnerstest.NewClock(now)
	srv.SetClock(clk)
	srv.Org("octo-org")
	srv.Repo("octo-org", "octo-repo")
	srv.Enterprise("acme")
	c := srv.Client()

	seen := map[string]bool{}
	for _, s := range []runners.Scope{c.Org("octo-org"), c.Repo("octo-org", "octo-repo"), c.Enterprise("acme")} {
		for _, create := range []func(context.Context) (*runners.Token, error){s.CreateRegistrationToken, s.CreateRemoveToken, s.CreateRegistrationToken} {
			tok, err := create(ctx)
			require.NoError(t, err)
			assert.NotEmpty(t, tok.Token)
			assert.False(t, seen[tok.Token], "every token is new")
			seen[tok.Token] = true
			assert.True(t, tok.ExpiresAt.Equal(now.Add(time.Hour)), "expires at %v, want %v", tok.ExpiresAt, now.Add(time.Hour))
		}
	}
	assert.Len(t, seen, 9)

	// The clock moves; so does the expiry.
	clk.Advance(90 * time.Minute)
	later := now.Add(90 * time.Minute)
	tok, err := c.Org("octo-org").CreateRemoveToken(ctx)
	require.NoError(t, err)
	assert.True(t, tok.ExpiresAt.Equal(later.Add(time.Hour)), "expires at %v", tok.ExpiresAt)

	r := raw(t, srv, http.MethodPost, "orgs/octo-org/actions/runners/registration-token", "")
	assert.Equal(t, http.StatusCreated, r.Status)
}

func TestListRunnerApplications(t *testing.T) {
	t.Parallel()
	ctx := t.Context()
	srv := runnerstest.NewServer()
	srv.Repo("octo-org", "octo-repo")
	apps, err := srv.Client().Repo("octo-org", "octo-repo").ListRunnerApplications(ctx)
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

func TestDeleteBusyRunnerIs422(t *testing.T) {
	t.Parallel()
	ctx := t.Context()
	srv := runnerstest.NewServer()
	org := srv.Org("octo-org")
	seedDocumented(t, org) // 23 is busy
	s := srv.Client().Org("octo-org")

	err := s.DeleteRunner(ctx, 23)
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
	list, err := s.ListRunners(ctx, nil)
	require.NoError(t, err)
	assert.Equal(t, []int64{24}, runnerIDs(list.Runners))

	// An idle runner goes through the client; a second delete is 404.
	require.NoError(t, s.DeleteRunner(ctx, 24))
	assert.Empty(t, org.Runners())
	assert.ErrorIs(t, s.DeleteRunner(ctx, 24), runners.ErrNotFound)
}
