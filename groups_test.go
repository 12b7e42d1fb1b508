package runners

import (
	"context"
	"net/http"
	"strconv"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// ---- one request per operation, at both scopes -----------------------------

// The group list, get and delete operations, at both scopes (the create and
// update operations: groupedit_test.go).
func TestGroupOperations(t *testing.T) {
	t.Parallel()
	checkList := func(wantNext int) func(t *testing.T, sc testScope, got any) {
		return func(t *testing.T, sc testScope, got any) {
			t.Helper()
			list := got.(*RunnerGroupList)
			assert.Equal(t, 3, list.TotalCount, "TotalCount")
			assert.Equal(t, wantNext, list.NextPage, "NextPage")
			assertGroupListFields(t, exampleGroups(sc.name), list.RunnerGroups)
		}
	}
	listFixture := func(sc testScope) string { return sc.listFixture }
	runOpCases(t, groupScopes, []opCase[GroupScope]{
		{name: "ListRunnerGroups nil options", status: http.StatusOK, fixture: listFixture, method: http.MethodGet,
			call:  func(ctx context.Context, g GroupScope) (any, error) { return g.ListRunnerGroups(ctx, nil) },
			path:  fixed("/actions/runner-groups"),
			check: checkList(0)},
		{name: "ListRunnerGroups options and Link", status: http.StatusOK, fixture: listFixture, link: fixtureLinkNextLast, method: http.MethodGet,
			call: func(ctx context.Context, g GroupScope) (any, error) {
				return g.ListRunnerGroups(ctx, &ListRunnerGroupsOptions{ListOptions: ListOptions{Page: 2, PerPage: 3}})
			},
			path: fixed("/actions/runner-groups"), query: "page=2&per_page=3",
			check: checkList(3)},
		{name: "GetRunnerGroup", status: http.StatusOK, fixture: func(sc testScope) string { return sc.getFixture }, method: http.MethodGet,
			call:  func(ctx context.Context, g GroupScope) (any, error) { return g.GetRunnerGroup(ctx, 2) },
			path:  fixed("/actions/runner-groups/2"),
			check: checkGroup("GetRunnerGroup")},
		{name: "DeleteRunnerGroup", status: http.StatusNoContent, fixture: noFixture, method: http.MethodDelete,
			call: func(ctx context.Context, g GroupScope) (any, error) { return nil, g.DeleteRunnerGroup(ctx, 2) },
			path: fixed("/actions/runner-groups/2")},
	})
}

// VisibleTo filters with the scope's own parameter; at organization scope
// "owner/name" sends the name only.
func TestGroupListVisibleTo(t *testing.T) {
	t.Parallel()
	org := func(c *Client) GroupScope { return c.Org("octo-org") }
	ent := func(c *Client) GroupScope { return c.Enterprise("acme") }
	for _, tc := range []struct {
		name      string
		scope     func(*Client) GroupScope
		opts      ListRunnerGroupsOptions
		wantQuery string
	}{
		{"org name", org, ListRunnerGroupsOptions{VisibleTo: "octo-repo"}, "visible_to_repository=octo-repo"},
		{"org owner/name", org, ListRunnerGroupsOptions{VisibleTo: "octo-org/octo-repo", ListOptions: ListOptions{PerPage: 100}},
			"per_page=100&visible_to_repository=octo-repo"},
		{"org escaped", org, ListRunnerGroupsOptions{VisibleTo: "a b&c"}, "visible_to_repository=a+b%26c"},
		{"enterprise", ent, ListRunnerGroupsOptions{VisibleTo: "octo-org"}, "visible_to_organization=octo-org"},
		{"enterprise none", ent, ListRunnerGroupsOptions{ListOptions: ListOptions{Page: 3}}, "page=3"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			c, rec := newTestClient(t, respond(t, http.StatusOK, "runner_groups_org.json"))
			opts := tc.opts
			_, err := tc.scope(c).ListRunnerGroups(t.Context(), &opts)
			require.NoError(t, err)
			assert.Equal(t, tc.wantQuery, rec.only(t).RawQuery)
			assert.Equal(t, tc.opts, opts, "the caller's options are not modified")
		})
	}
}

// ---- paging ---------------------------------------------------------------

func groupItem(id int) any {
	return map[string]any{"id": id, "name": "group-" + strconv.Itoa(id), "visibility": "all", "default": id == 1,
		"runners_url": "u", "inherited": false, "allows_public_repositories": false}
}

// TestGroupAllRunnerGroups walks 250 groups: 100 a page by default, by the
// Link header, and by total_count when GitHub sends no Link header (its
// description declares none for this list); concurrently too.
func TestGroupAllRunnerGroups(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		name string
		link bool
		opts []Option
	}{
		{"Link", true, nil},
		{"no Link", false, nil},
		{"no Link, 3 pages at once", false, []Option{WithPageConcurrency(3)}},
	} {
		for _, sc := range groupScopes {
			t.Run(sc.name+"/"+tc.name, func(t *testing.T) {
				t.Parallel()
				c, rec := newTestClient(t, (&pageServer{key: "runner_groups", total: 250, noLink: !tc.link, item: groupItem}).ServeHTTP, tc.opts...)
				var ids []int64
				for g, err := range sc.groups(c).AllRunnerGroups(t.Context(), nil) {
					require.NoError(t, err)
					ids = append(ids, g.ID)
				}
				require.Len(t, ids, 250)
				for i, id := range ids {
					require.Equal(t, int64(i+1), id, "group %d in order", i)
				}
				first := "per_page=100"
				if tc.opts != nil {
					first = "page=1&per_page=100" // a concurrent walk names the first page
				}
				assert.ElementsMatch(t, []string{first, "page=2&per_page=100", "page=3&per_page=100"}, queries(rec))
				for _, r := range rec.all() {
					assert.Equal(t, sc.prefix+"/actions/runner-groups", r.Path)
				}
			})
		}
	}
}

// A walk that starts at a page and a size keeps the filter on every page,
// and stops at a page without a next one.
func TestGroupAllRunnerGroupsOptions(t *testing.T) {
	t.Parallel()
	c, rec := newTestClient(t, (&pageServer{key: "runner_groups", total: 7, item: groupItem}).ServeHTTP)
	opts := &ListRunnerGroupsOptions{VisibleTo: "octo-org/octo-repo", ListOptions: ListOptions{Page: 2, PerPage: 2}}
	var ids []int64
	for g, err := range c.Org("octo-org").AllRunnerGroups(t.Context(), opts) {
		require.NoError(t, err)
		ids = append(ids, g.ID)
	}
	assert.Equal(t, []int64{3, 4, 5, 6, 7}, ids)
	assert.Equal(t, []string{"page=2&per_page=2&visible_to_repository=octo-repo", "page=3&per_page=2&visible_to_repository=octo-repo",
		"page=4&per_page=2&visible_to_repository=octo-repo"}, queries(rec))
	assert.Equal(t, ListRunnerGroupsOptions{VisibleTo: "octo-org/octo-repo", ListOptions: ListOptions{Page: 2, PerPage: 2}}, *opts)
}

// Without a Link header, NextPage follows total_count: the page after this
// one while more groups follow it.
func TestGroupListNextPageByCount(t *testing.T) {
	t.Parallel()
	c, _ := newTestClient(t, (&pageServer{key: "runner_groups", total: 250, noLink: true, item: groupItem}).ServeHTTP)
	for _, tc := range []struct{ page, perPage, want int }{
		{0, 100, 2}, {1, 100, 2}, {2, 100, 3}, {3, 100, 0}, {4, 100, 0}, {0, 0, 2}, {9, 0, 0}, {8, 0, 9},
	} {
		list, err := c.Org("octo-org").ListRunnerGroups(t.Context(), &ListRunnerGroupsOptions{ListOptions: ListOptions{Page: tc.page, PerPage: tc.perPage}})
		require.NoError(t, err)
		assert.Equal(t, tc.want, list.NextPage, "page %d, %d a page", tc.page, tc.perPage)
	}
}

// A total_count larger than what the pages hold ends at the first empty page.
func TestGroupAllRunnerGroupsCountTooHigh(t *testing.T) {
	t.Parallel()
	c, rec := newTestClient(t, (&pageServer{key: "runner_groups", total: 3, count: 1000, noLink: true, item: groupItem}).ServeHTTP)
	n := 0
	for _, err := range c.Org("octo-org").AllRunnerGroups(t.Context(), &ListRunnerGroupsOptions{ListOptions: ListOptions{PerPage: 3}}) {
		require.NoError(t, err)
		n++
	}
	assert.Equal(t, 3, n)
	assert.Equal(t, []string{"per_page=3", "page=2&per_page=3"}, queries(rec))
}

// ---- decoding -------------------------------------------------------------

// A null group in a list is refused rather than handed over as nil.
func TestGroupDecodeNullElements(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		name, body string
		call       func(context.Context, GroupScope) error
	}{
		{"runner_groups", `{"total_count":1,"runner_groups":[null]}`,
			func(ctx context.Context, g GroupScope) error { return opErr(g.ListRunnerGroups(ctx, nil)) }},
		{"runners", `{"total_count":1,"runners":[null]}`,
			func(ctx context.Context, g GroupScope) error { return opErr(g.ListRunnerGroupRunners(ctx, 2, nil)) }},
		{"repositories", `{"total_count":1,"repositories":[null]}`,
			func(ctx context.Context, g GroupScope) error { return opErr(g.ListRunnerGroupAccess(ctx, 2, nil)) }},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			c, _ := newTestClient(t, func(w http.ResponseWriter, r *http.Request) { w.Write([]byte(tc.body)) })
			err := tc.call(t.Context(), c.Org("octo-org"))
			require.Error(t, err)
			assert.Contains(t, err.Error(), tc.name+"[0] is null")
		})
	}
}

// ---- what only the scope types have ------------------------------------

func TestGroupScopeOnlyOrgAndEnterprise(t *testing.T) {
	t.Parallel()
	c, err := NewClient()
	require.NoError(t, err)
	for _, s := range []Scope{c.Org("octo-org"), c.Enterprise("acme")} {
		_, ok := s.(GroupScope)
		assert.True(t, ok, "%T is a GroupScope", s)
	}
	var repo Scope = c.Repo("octo-org", "octo-repo")
	_, ok := repo.(GroupScope)
	assert.False(t, ok, "a repository has no runner groups: %T must not be a GroupScope", repo)
	scope, err := c.ScopeFromURL("https://github.com/enterprises/acme")
	require.NoError(t, err)
	_, ok = scope.(GroupScope)
	assert.True(t, ok, "ScopeFromURL's enterprise is a GroupScope")
}

// A 403 from an enterprise group operation says what token it needs; other
// 403s keep GitHub's message as it is.
func TestGroupForbiddenHint(t *testing.T) {
	t.Parallel()
	const hint = "enterprise runner group endpoints refuse GitHub App installation tokens"
	for _, tc := range []struct {
		name     string
		call     func(context.Context, *Client) error
		wantHint bool
	}{
		{"enterprise group", func(ctx context.Context, c *Client) error {
			return opErr(c.Enterprise("acme").ListRunnerGroups(ctx, nil))
		}, true},
		{"enterprise group access", func(ctx context.Context, c *Client) error {
			return c.Enterprise("acme").AddRunnerGroupAccess(ctx, 2, 3)
		}, true},
		{"enterprise runners", func(ctx context.Context, c *Client) error { return opErr(c.Enterprise("acme").ListRunners(ctx, nil)) }, false},
		{"org group", func(ctx context.Context, c *Client) error { return opErr(c.Org("octo-org").ListRunnerGroups(ctx, nil)) }, false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			c, _ := newTestClient(t, respond(t, http.StatusForbidden, "error_forbidden.json"))
			err := tc.call(t.Context(), c)
			require.ErrorIs(t, err, ErrForbidden)
			e := apiError(t, err)
			assert.True(t, strings.HasPrefix(e.Message, "Resource not accessible by personal access token"), "GitHub's message first: %q", e.Message)
			if tc.wantHint {
				assert.Contains(t, err.Error(), hint)
				assert.Contains(t, e.Message, "manage_runners:enterprise")
			} else {
				assert.NotContains(t, err.Error(), hint)
			}
		})
	}
	// A rate limit is not a token problem.
	c, _ := newTestClient(t, func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("X-RateLimit-Remaining", "0")
		respond(t, http.StatusForbidden, "error_rate_limit.json")(w, r)
	})
	_, err := c.Enterprise("acme").ListRunnerGroups(t.Context(), nil)
	require.ErrorIs(t, err, ErrRateLimited)
	assert.NotContains(t, err.Error(), hint)
}

// With WithRetry, what is safe to repeat is sent again after a 503: every
// group operation but the create (a repeated POST could create two groups).
// A PATCH that sets the same fields again changes nothing more.
func TestGroupRetryIdempotent(t *testing.T) {
	t.Parallel()
	for _, sc := range groupScopes {
		for _, op := range everyGroupOp {
			t.Run(sc.name+"/"+op.name, func(t *testing.T) {
				t.Parallel()
				c, rec, _ := retryClient(t, RetryPolicy{MaxAttempts: 3}, respondError(http.StatusServiceUnavailable))
				require.Error(t, op.call(t.Context(), sc.groups(c)))
				want := 3
				if op.name == "CreateRunnerGroup" {
					want = 1
				}
				assert.Len(t, rec.all(), want, "attempts")
			})
		}
	}
}

func TestGroupPtr(t *testing.T) {
	t.Parallel()
	p, q := Ptr("a"), Ptr("a")
	assert.Equal(t, "a", *p)
	assert.NotSame(t, p, q, "a new pointer each call")
	v := GroupVisibilitySelected
	pv := Ptr(v)
	v = GroupVisibilityAll
	assert.Equal(t, GroupVisibilitySelected, *pv, "a pointer to a copy")
}
