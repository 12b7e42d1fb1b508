package runnerstest_test

import (
	"fmt"
	"net/http"
	"strconv"
	"testing"

	"github.com/fleetkit/runners"
	"github.com/fleetkit/runners/runnerstest"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// groupRunners lists the runners of a group through the client, by name.
func groupRunners(t *testing.T, g runners.GroupScope, groupID int64) []string {
	t.Helper()
	return namesOf(collect(t, g.AllRunnerGroupRunners(t.Context(), groupID, nil)))
}

// Adding a runner to a group moves it there, removing it returns it to the
// default group, and set replaces the members: Runner.RunnerGroupID always
// says where a runner is, in the state and through the API.
func TestRunnerGroupMembers(t *testing.T) {
	t.Parallel()
	srv := runnerstest.NewServer()
	org := srv.Org("octo-org")
	org.AddRunnerGroup(runners.RunnerGroup{ID: 2, Name: "gpu"})
	org.AddRunnerGroup(runners.RunnerGroup{ID: 3, Name: "cpu"})
	rs := org.AddRunners(runners.Runner{Name: "a"}, runners.Runner{Name: "b"}, runners.Runner{Name: "c", RunnerGroupID: 3})
	a, b, cpu := rs[0].ID, rs[1].ID, rs[2].ID
	o := srv.Client().Org("octo-org")

	require.NoError(t, o.AddRunnerToGroup(t.Context(), 2, a))
	require.NoError(t, o.AddRunnerToGroup(t.Context(), 2, cpu), "from another group")
	assert.Equal(t, map[string]int64{"a": 2, "b": 1, "c": 2}, groupOf(org))
	assert.Equal(t, []string{"a", "c"}, groupRunners(t, o, 2))
	assert.Empty(t, groupRunners(t, o, 3))
	got, err := o.GetRunner(t.Context(), a)
	require.NoError(t, err)
	assert.Equal(t, int64(2), got.RunnerGroupID)

	require.NoError(t, o.RemoveRunnerFromGroup(t.Context(), 2, a))
	assert.Equal(t, map[string]int64{"a": 1, "b": 1, "c": 2}, groupOf(org), "back to the default group")
	require.NoError(t, o.RemoveRunnerFromGroup(t.Context(), 3, cpu), "not in group 3: stays where it is")
	assert.Equal(t, int64(2), groupOf(org)["c"])

	require.NoError(t, o.SetRunnerGroupRunners(t.Context(), 2, a, b))
	assert.Equal(t, map[string]int64{"a": 2, "b": 2, "c": 1}, groupOf(org), "c was in it and is not listed: the default group")
	require.NoError(t, o.SetRunnerGroupRunners(t.Context(), 2))
	assert.Equal(t, map[string]int64{"a": 1, "b": 1, "c": 1}, groupOf(org), "no IDs empties the group")
	assert.Equal(t, []string{"a", "b", "c"}, groupRunners(t, o, 1))

	// What the scope does not have.
	elsewhere := srv.Org("other-org").AddRunner(runners.Runner{Name: "x"})
	for name, err := range map[string]error{
		"add, no such runner":    o.AddRunnerToGroup(t.Context(), 2, 999),
		"add, another scope's":   o.AddRunnerToGroup(t.Context(), 2, elsewhere.ID),
		"add, no such group":     o.AddRunnerToGroup(t.Context(), 9, a),
		"remove, no such runner": o.RemoveRunnerFromGroup(t.Context(), 2, 999),
		"set, no such group":     o.SetRunnerGroupRunners(t.Context(), 9, a),
		"list, no such group":    opErr(o.ListRunnerGroupRunners(t.Context(), 9, nil)),
	} {
		assert.ErrorIs(t, err, runners.ErrNotFound, name)
	}
	err = o.SetRunnerGroupRunners(t.Context(), 2, a, elsewhere.ID)
	assert.ErrorIs(t, err, runners.ErrValidation, "set with another scope's runner")
	assert.Equal(t, map[string]int64{"a": 1, "b": 1, "c": 1}, groupOf(org), "a refused set moves nothing")
	assert.Equal(t, int64(1), groupOf(srv.Org("other-org"))["x"])
	for _, body := range []string{`{}`, `{"runners":null}`, `{"runners":["1"]}`, `[1]`} {
		r := raw(t, srv, http.MethodPut, "orgs/octo-org/actions/runner-groups/2/runners", body)
		assert.Equal(t, http.StatusUnprocessableEntity, r.Status, "%s: %s", body, r.Body)
	}
}

// The runners of a group page as the runner list does, and the enterprise's
// work the same way.
func TestRunnerGroupMembersPageAtAnEnterprise(t *testing.T) {
	t.Parallel()
	srv := runnerstest.NewServer()
	ent := srv.Enterprise("acme")
	g := ent.AddRunnerGroup(runners.RunnerGroup{Name: "gpu"})
	ids := seed(t, ent, 25)
	e := srv.Client().Enterprise("acme")
	require.NoError(t, e.SetRunnerGroupRunners(t.Context(), g.ID, ids[:12]...))
	page, err := e.ListRunnerGroupRunners(t.Context(), g.ID, &runners.ListOptions{PerPage: 5, Page: 2})
	require.NoError(t, err)
	assert.Equal(t, 12, page.TotalCount)
	assert.Equal(t, ids[5:10], runnerIDs(page.Runners))
	assert.Equal(t, 3, page.NextPage)
	r := raw(t, srv, http.MethodGet, "enterprises/acme/actions/runner-groups/"+strconv.FormatInt(g.ID, 10)+"/runners?per_page=5", "")
	assert.Equal(t, map[string]int{"next": 2, "last": 3}, linkPages(t, r.Header.Get("Link")))
	assert.Len(t, groupRunners(t, e, 1), 13)
	require.NoError(t, e.RemoveRunnerFromGroup(t.Context(), g.ID, ids[0]))
	assert.Len(t, groupRunners(t, e, g.ID), 11)
}

// Repository access at an organization: list, set, add and remove, for a
// "selected" group, with the repositories of the organization only.
func TestRunnerGroupRepositoryAccess(t *testing.T) {
	t.Parallel()
	srv := runnerstest.NewServer()
	org := srv.Org("Octo-Org")
	a, b := srv.Repo("octo-org", "a").ID(), srv.Repo("Octo-Org", "B").ID()
	foreign := srv.Repo("other-org", "a").ID()
	org.AddRunnerGroup(runners.RunnerGroup{ID: 2, Name: "sel", Visibility: runners.GroupVisibilitySelected})
	org.AddRunnerGroup(runners.RunnerGroup{ID: 3, Name: "all"})
	o := srv.Client().Org("octo-org")

	require.NoError(t, o.SetRunnerGroupAccess(t.Context(), 2, b, a, a))
	list, err := o.ListRunnerGroupAccess(t.Context(), 2, nil)
	require.NoError(t, err)
	assert.Equal(t, 2, list.TotalCount)
	require.Len(t, list.Access, 2)
	assert.Equal(t, runners.GroupAccess{ID: a, NodeID: nodeIDOf("Repository", a), Name: "a", FullName: "Octo-Org/a"}, *list.Access[0], "in ID order, each once; the owner as declared")
	assert.Equal(t, runners.GroupAccess{ID: b, NodeID: nodeIDOf("Repository", b), Name: "B", FullName: "Octo-Org/B"}, *list.Access[1])

	require.NoError(t, o.RemoveRunnerGroupAccess(t.Context(), 2, a))
	require.NoError(t, o.RemoveRunnerGroupAccess(t.Context(), 2, a), "again: nothing to remove")
	assert.Equal(t, []int64{b}, accessIDs(t, o, 2))
	require.NoError(t, o.AddRunnerGroupAccess(t.Context(), 2, a))
	require.NoError(t, o.AddRunnerGroupAccess(t.Context(), 2, a), "again: kept once")
	assert.Equal(t, []int64{a, b}, accessIDs(t, o, 2))
	require.NoError(t, o.SetRunnerGroupAccess(t.Context(), 2))
	assert.Empty(t, accessIDs(t, o, 2), "no IDs leaves none")

	// Not "selected": 422. Not a repository of the organization: 404 in the
	// path, 422 in a body, and nothing changes.
	for name, err := range map[string]error{
		"set on all":    o.SetRunnerGroupAccess(t.Context(), 3, a),
		"add on all":    o.AddRunnerGroupAccess(t.Context(), 3, a),
		"remove on all": o.RemoveRunnerGroupAccess(t.Context(), 3, a),
		"set foreign":   o.SetRunnerGroupAccess(t.Context(), 2, a, foreign),
		"set unknown":   o.SetRunnerGroupAccess(t.Context(), 2, 999),
	} {
		assert.ErrorIs(t, err, runners.ErrValidation, name)
	}
	for name, err := range map[string]error{
		"add foreign":    o.AddRunnerGroupAccess(t.Context(), 2, foreign),
		"add unknown":    o.AddRunnerGroupAccess(t.Context(), 2, 999),
		"remove unknown": o.RemoveRunnerGroupAccess(t.Context(), 2, 999),
		"no such group":  o.AddRunnerGroupAccess(t.Context(), 9, a),
		"list, no group": opErr(o.ListRunnerGroupAccess(t.Context(), 9, nil)),
	} {
		assert.ErrorIs(t, err, runners.ErrNotFound, name)
	}
	assert.Empty(t, accessIDs(t, o, 2))
	assert.Empty(t, accessIDs(t, o, 3), "a group that is not selected lists none")
	for _, body := range []string{`{}`, `{"selected_repository_ids":null}`, `{"selected_organization_ids":[1]}`, `{"selected_repository_ids":[1.5]}`} {
		r := raw(t, srv, http.MethodPut, "orgs/octo-org/actions/runner-groups/2/repositories", body)
		assert.Equal(t, http.StatusUnprocessableEntity, r.Status, "%s: %s", body, r.Body)
	}
	// The access list is an organization's "repositories", never "organizations".
	for _, m := range []string{http.MethodGet, http.MethodPut} {
		assert.Equal(t, http.StatusNotFound, raw(t, srv, m, "orgs/octo-org/actions/runner-groups/2/organizations", `{"selected_organization_ids":[]}`).Status, m)
	}
	assert.Equal(t, http.StatusNotFound, raw(t, srv, http.MethodPut, fmt.Sprintf("orgs/octo-org/actions/runner-groups/2/organizations/%d", a), "").Status)
}

// accessIDs lists the IDs with access to a group through the client.
func accessIDs(t *testing.T, g runners.GroupScope, groupID int64) []int64 {
	t.Helper()
	var ids []int64
	for _, a := range collect(t, g.AllRunnerGroupAccess(t.Context(), groupID, nil)) {
		ids = append(ids, a.ID)
	}
	return ids
}

// nodeIDOf is GitHub's legacy node ID, as its examples show: "010:Repository1296269" in base64.
func nodeIDOf(typ string, id int64) string {
	return base64Std(fmt.Sprintf("%03d:%s%d", len(typ), typ, id))
}

// Organization access at an enterprise, for its organizations only; the
// access list pages.
func TestRunnerGroupOrganizationAccess(t *testing.T) {
	t.Parallel()
	srv := runnerstest.NewServer()
	ent := srv.Enterprise("acme")
	var ids []int64
	for i := range 12 {
		org := srv.Org(fmt.Sprintf("org-%02d", i))
		org.SetEnterprise("acme")
		ids = append(ids, org.ID())
	}
	outside := srv.Org("outside").ID()
	g := ent.AddRunnerGroup(runners.RunnerGroup{Name: "sel", Visibility: runners.GroupVisibilitySelected})
	e := srv.Client().Enterprise("acme")

	require.NoError(t, e.SetRunnerGroupAccess(t.Context(), g.ID, ids...))
	page, err := e.ListRunnerGroupAccess(t.Context(), g.ID, &runners.ListOptions{PerPage: 5, Page: 3})
	require.NoError(t, err)
	assert.Equal(t, 12, page.TotalCount)
	require.Len(t, page.Access, 2)
	assert.Equal(t, runners.GroupAccess{ID: ids[10], NodeID: nodeIDOf("Organization", ids[10]), Name: "org-10"}, *page.Access[0])
	assert.Zero(t, page.NextPage)
	assert.Equal(t, ids, accessIDs(t, e, g.ID))

	assert.ErrorIs(t, e.AddRunnerGroupAccess(t.Context(), g.ID, outside), runners.ErrNotFound, "not an organization of the enterprise")
	assert.ErrorIs(t, e.SetRunnerGroupAccess(t.Context(), g.ID, outside), runners.ErrValidation)
	assert.ErrorIs(t, e.AddRunnerGroupAccess(t.Context(), 1, ids[0]), runners.ErrValidation, "the default group is visible to all")
	require.NoError(t, e.RemoveRunnerGroupAccess(t.Context(), g.ID, ids[0]))
	assert.Equal(t, ids[1:], accessIDs(t, e, g.ID))
	assert.Equal(t, http.StatusNotFound, raw(t, srv, http.MethodGet, "enterprises/acme/actions/runner-groups/2/repositories", "").Status)
}
