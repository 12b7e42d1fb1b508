package runners

import (
	"context"
	"encoding/json"
	"iter"
	"net/http"
	"strconv"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestGroupMemberOperations(t *testing.T) {
	t.Parallel()
	accessPath := func(more string) func(sc testScope) string {
		return func(sc testScope) string { return "/actions/runner-groups/2/" + sc.access + more }
	}
	idsBody := func(ids string) func(sc testScope) string {
		return func(sc testScope) string { return `{"` + sc.idsField + `":` + ids + `}` }
	}
	checkAccess := func(t *testing.T, sc testScope, got any) {
		t.Helper()
		list := got.(*GroupAccessList)
		assert.Equal(t, 1, list.TotalCount, "TotalCount")
		assert.Zero(t, list.NextPage, "NextPage")
		want := exampleAccess(sc.name)
		require.Len(t, list.Access, len(want))
		for i := range want {
			assert.Equal(t, want[i].ID, list.Access[i].ID, "ID")
			assert.Equal(t, want[i].NodeID, list.Access[i].NodeID, "NodeID")
			assert.Equal(t, want[i].Name, list.Access[i].Name, "Name")
			assert.Equal(t, want[i].FullName, list.Access[i].FullName, "FullName")
		}
		assert.Equal(t, want, list.Access)
	}
	runOpCases(t, groupScopes, []opCase[GroupScope]{
		{name: "ListRunnerGroupRunners", status: http.StatusOK, fixture: fixed("list_runners.json"), link: fixtureLinkNextLast, method: http.MethodGet,
			call: func(ctx context.Context, g GroupScope) (any, error) {
				return g.ListRunnerGroupRunners(ctx, 2, &ListOptions{Page: 2, PerPage: 2})
			},
			path: fixed("/actions/runner-groups/2/runners"), query: "page=2&per_page=2",
			check: func(t *testing.T, _ testScope, got any) {
				t.Helper()
				list := got.(*RunnerList)
				assert.Equal(t, 2, list.TotalCount)
				assert.Equal(t, 3, list.NextPage, "from the Link header")
				assertRunnerListFields(t, fixtureRunnerList(), list.Runners)
			}},
		{name: "ListRunnerGroupRunners nil options", status: http.StatusOK, fixture: fixed("list_runners.json"), method: http.MethodGet,
			call: func(ctx context.Context, g GroupScope) (any, error) { return g.ListRunnerGroupRunners(ctx, 2, nil) },
			path: fixed("/actions/runner-groups/2/runners"),
			check: func(t *testing.T, _ testScope, got any) {
				t.Helper()
				assert.Zero(t, got.(*RunnerList).NextPage)
			}},
		{name: "SetRunnerGroupRunners", status: http.StatusNoContent, fixture: noFixture, method: http.MethodPut,
			call: func(ctx context.Context, g GroupScope) (any, error) {
				return nil, g.SetRunnerGroupRunners(ctx, 2, 9, 2)
			},
			path: fixed("/actions/runner-groups/2/runners"), body: fixed(`{"runners":[9,2]}`)},
		{name: "SetRunnerGroupRunners none", status: http.StatusNoContent, fixture: noFixture, method: http.MethodPut,
			call: func(ctx context.Context, g GroupScope) (any, error) { return nil, g.SetRunnerGroupRunners(ctx, 2) },
			path: fixed("/actions/runner-groups/2/runners"), body: fixed(`{"runners":[]}`)},
		{name: "AddRunnerToGroup", status: http.StatusNoContent, fixture: noFixture, method: http.MethodPut,
			call: func(ctx context.Context, g GroupScope) (any, error) { return nil, g.AddRunnerToGroup(ctx, 2, 23) },
			path: fixed("/actions/runner-groups/2/runners/23")},
		{name: "RemoveRunnerFromGroup", status: http.StatusNoContent, fixture: noFixture, method: http.MethodDelete,
			call: func(ctx context.Context, g GroupScope) (any, error) { return nil, g.RemoveRunnerFromGroup(ctx, 2, 23) },
			path: fixed("/actions/runner-groups/2/runners/23")},
		{name: "ListRunnerGroupAccess", status: http.StatusOK, fixture: func(sc testScope) string { return sc.accessFixture }, method: http.MethodGet,
			call: func(ctx context.Context, g GroupScope) (any, error) {
				return g.ListRunnerGroupAccess(ctx, 2, &ListOptions{PerPage: 50})
			},
			path: accessPath(""), query: "per_page=50", check: checkAccess},
		{name: "SetRunnerGroupAccess", status: http.StatusNoContent, fixture: noFixture, method: http.MethodPut,
			call: func(ctx context.Context, g GroupScope) (any, error) {
				return nil, g.SetRunnerGroupAccess(ctx, 2, 32, 91)
			},
			path: accessPath(""), body: idsBody("[32,91]")},
		{name: "SetRunnerGroupAccess none", status: http.StatusNoContent, fixture: noFixture, method: http.MethodPut,
			call: func(ctx context.Context, g GroupScope) (any, error) { return nil, g.SetRunnerGroupAccess(ctx, 2) },
			path: accessPath(""), body: idsBody("[]")},
		{name: "AddRunnerGroupAccess", status: http.StatusNoContent, fixture: noFixture, method: http.MethodPut,
			call: func(ctx context.Context, g GroupScope) (any, error) {
				return nil, g.AddRunnerGroupAccess(ctx, 2, 1296269)
			},
			path: accessPath("/1296269")},
		{name: "RemoveRunnerGroupAccess", status: http.StatusNoContent, fixture: noFixture, method: http.MethodDelete,
			call: func(ctx context.Context, g GroupScope) (any, error) {
				return nil, g.RemoveRunnerGroupAccess(ctx, 2, 1296269)
			},
			path: accessPath("/1296269")},
	})
}

// The All… iterators of a group's runners and access walk 150 items, 100 a
// page, with and without a Link header.
func TestGroupMemberWalks(t *testing.T) {
	t.Parallel()
	type walk struct {
		name string
		key  func(sc testScope) string
		path func(sc testScope) string
		ids  func(ctx context.Context, g GroupScope) ([]int64, error)
	}
	walks := []walk{
		{"AllRunnerGroupRunners", fixed("runners"), fixed("/actions/runner-groups/2/runners"),
			func(ctx context.Context, g GroupScope) ([]int64, error) {
				return idsOf(g.AllRunnerGroupRunners(ctx, 2, nil), func(r *Runner) int64 { return r.ID })
			}},
		{"AllRunnerGroupAccess", func(sc testScope) string { return sc.access },
			func(sc testScope) string { return "/actions/runner-groups/2/" + sc.access },
			func(ctx context.Context, g GroupScope) ([]int64, error) {
				return idsOf(g.AllRunnerGroupAccess(ctx, 2, nil), func(a *GroupAccess) int64 { return a.ID })
			}},
	}
	for _, w := range walks {
		for _, sc := range groupScopes {
			for _, link := range []bool{true, false} {
				t.Run(sc.name+"/"+w.name+"/link="+strconv.FormatBool(link), func(t *testing.T) {
					t.Parallel()
					item := func(id int) any { // what GitHub always sends for a runner; more than an access entry needs
						return map[string]any{"id": id, "name": "item-" + strconv.Itoa(id), "os": "linux", "status": "online", "busy": false, "labels": []any{}}
					}
					c, rec := newTestClient(t, (&pageServer{key: w.key(sc), total: 150, noLink: !link, item: item}).ServeHTTP)
					ids, err := w.ids(t.Context(), sc.groups(c))
					require.NoError(t, err)
					require.Len(t, ids, 150)
					assert.Equal(t, int64(1), ids[0])
					assert.Equal(t, int64(150), ids[149])
					assert.Equal(t, []string{"per_page=100", "page=2&per_page=100"}, queries(rec))
					for _, r := range rec.all() {
						assert.Equal(t, sc.prefix+w.path(sc), r.Path)
					}
				})
			}
		}
	}
}

// idsOf walks seq and returns the IDs of its items, up to its first error.
func idsOf[T any](seq iter.Seq2[T, error], id func(T) int64) ([]int64, error) {
	var ids []int64
	for v, err := range seq {
		if err != nil {
			return ids, err
		}
		ids = append(ids, id(v))
	}
	return ids, nil
}

// An access list is read under the scope's own name: at organization scope
// "repositories", at enterprise scope "organizations"; the other is ignored.
func TestGroupAccessListName(t *testing.T) {
	t.Parallel()
	body := `{"total_count":1,"repositories":[{"id":1,"name":"r","full_name":"o/r"}],"organizations":[{"id":2,"login":"o"}]}`
	for _, tc := range []struct {
		scope func(*Client) GroupScope
		want  *GroupAccess
	}{
		{func(c *Client) GroupScope { return c.Org("octo-org") }, &GroupAccess{ID: 1, Name: "r", FullName: "o/r"}},
		{func(c *Client) GroupScope { return c.Enterprise("acme") }, &GroupAccess{ID: 2, Name: "o"}},
	} {
		c, _ := newTestClient(t, func(w http.ResponseWriter, r *http.Request) { w.Write([]byte(body)) })
		list, err := tc.scope(c).ListRunnerGroupAccess(t.Context(), 2, nil)
		require.NoError(t, err)
		assert.Equal(t, []*GroupAccess{tc.want}, list.Access)
	}
}

// GroupAccess takes a repository's name, or an organization's login.
func TestGroupAccessDecode(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		json string
		want GroupAccess
	}{
		{`{"id":1,"node_id":"R","name":"Hello-World","full_name":"octocat/Hello-World","owner":{"login":"octocat"}}`,
			GroupAccess{ID: 1, NodeID: "R", Name: "Hello-World", FullName: "octocat/Hello-World"}},
		{`{"id":2,"node_id":"O","login":"octo-org","description":null}`, GroupAccess{ID: 2, NodeID: "O", Name: "octo-org"}},
		{`{"id":3,"name":"n","login":"l"}`, GroupAccess{ID: 3, Name: "n"}},
	} {
		var got GroupAccess
		require.NoError(t, json.Unmarshal([]byte(tc.json), &got), tc.json)
		assert.Equal(t, tc.want, got, tc.json)
	}
	var got GroupAccess
	assert.Error(t, json.Unmarshal([]byte(`{"id":"x"}`), &got))
}
