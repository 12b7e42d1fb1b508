package runnerstest_test

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"os"
	"slices"
	"strconv"
	"testing"

	"github.com/fleetkit/runners"
	"github.com/fleetkit/runners/runnerstest"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// Every organization and enterprise has the default group, 1; a repository
// has no groups at all.
func TestDefaultRunnerGroup(t *testing.T) {
	t.Parallel()
	srv := runnerstest.NewServer()
	srv.Org("octo-org")
	srv.Enterprise("acme")
	srv.Repo("octo-org", "octo-repo")
	c := srv.Client()
	for _, g := range []runners.GroupScope{c.Org("octo-org"), c.Enterprise("acme")} {
		list, err := g.ListRunnerGroups(t.Context(), nil)
		require.NoError(t, err, "%v", g)
		assert.Equal(t, 1, list.TotalCount, "%v", g)
		require.Len(t, list.RunnerGroups, 1, "%v", g)
		def := list.RunnerGroups[0]
		assert.Equal(t, int64(1), def.ID)
		assert.Equal(t, "Default", def.Name)
		assert.True(t, def.Default)
		assert.Equal(t, runners.GroupVisibilityAll, def.Visibility)
		assert.False(t, def.Inherited)
		assert.Empty(t, def.SelectedRepositoriesURL)
		assert.Empty(t, def.SelectedOrganizationsURL)
		assert.Equal(t, "https://api.github.com/"+fmt.Sprint(g)+"/actions/runner-groups/1/runners", def.RunnersURL)
		got, err := g.GetRunnerGroup(t.Context(), 1)
		require.NoError(t, err)
		assert.Equal(t, def, got)
	}
	for _, path := range []string{"repos/octo-org/octo-repo/actions/runner-groups", "repos/octo-org/octo-repo/actions/runner-groups/1"} {
		assert.Equal(t, http.StatusNotFound, raw(t, srv, http.MethodGet, path, "").Status, "%s: a repository has no runner groups", path)
	}
	assert.Equal(t, http.StatusNotFound, raw(t, srv, http.MethodGet, "orgs/undeclared/actions/runner-groups", "").Status)

	// The URLs name the request's host and prefix; GitHub Enterprise Server
	// (/api/v3) has no hosted runners.
	r := raw(t, srv, http.MethodGet, "api/v3/orgs/octo-org/actions/runner-groups/1", "")
	require.Equal(t, http.StatusOK, r.Status)
	assert.JSONEq(t, `"http://`+fakeHost+`/api/v3/orgs/octo-org/actions/runner-groups/1/runners"`, string(jsonField(t, r.Body, "runners_url")))
	assert.NotContains(t, string(r.Body), "hosted_runners_url")
	r = raw(t, srv, http.MethodGet, "orgs/octo-org/actions/runner-groups/1", "")
	assert.JSONEq(t, `"http://`+fakeHost+`/orgs/octo-org/actions/runner-groups/1/hosted-runners"`, string(jsonField(t, r.Body, "hosted_runners_url")))

	assert.Equal(t, []runners.RunnerGroup{{ID: 1, Name: "Default", Visibility: runners.GroupVisibilityAll, Default: true, SelectedWorkflows: []string{}}},
		srv.Org("octo-org").RunnerGroups())
	assert.Empty(t, srv.Repo("octo-org", "octo-repo").RunnerGroups())
}

// A runner added without a group is in the default group at an
// organization or enterprise, and in none at a repository; a group the
// scope does not have is kept as given.
func TestRunnerWithoutGroupIsInTheDefaultGroup(t *testing.T) {
	t.Parallel()
	srv := runnerstest.NewServer()
	org, ent, repo := srv.Org("octo-org"), srv.Enterprise("acme"), srv.Repo("octo-org", "octo-repo")
	assert.Equal(t, int64(1), org.AddRunner(runners.Runner{Name: "o"}).RunnerGroupID)
	assert.Equal(t, int64(1), ent.AddRunner(runners.Runner{Name: "e"}).RunnerGroupID)
	assert.Equal(t, int64(0), repo.AddRunner(runners.Runner{Name: "r"}).RunnerGroupID, "a repository's runners have no group")
	assert.Equal(t, int64(7), org.AddRunner(runners.Runner{Name: "seeded", RunnerGroupID: 7}).RunnerGroupID, "kept as given")

	got, err := srv.Client().Org("octo-org").GetRunner(t.Context(), org.Runners()[0].ID)
	require.NoError(t, err)
	assert.Equal(t, int64(1), got.RunnerGroupID, "served as stored")
	list, err := srv.Client().Org("octo-org").ListRunnerGroupRunners(t.Context(), 1, nil)
	require.NoError(t, err)
	assert.Equal(t, []string{"o"}, namesOf(list.Runners))

	org.UpdateRunner(org.Runners()[1].ID, func(r *runners.Runner) { r.RunnerGroupID = 0 })
	assert.Equal(t, map[string]int64{"o": 1, "seeded": 1}, groupOf(org), "UpdateRunner to no group: the default group")
	repo.UpdateRunner(repo.Runners()[0].ID, func(r *runners.Runner) { r.Name = "r2" })
	assert.Equal(t, map[string]int64{"r2": 0}, groupOf(repo))

	// A created group never takes an ID a runner was seeded with.
	g, err := srv.Client().Org("octo-org").CreateRunnerGroup(t.Context(), &runners.RunnerGroupRequest{Name: "new"})
	require.NoError(t, err)
	assert.Equal(t, int64(8), g.ID)
}

// Create sets every field given, moves the runners listed into the group,
// and gives the repositories listed access; get and the list show it as
// created.
func TestCreateRunnerGroup(t *testing.T) {
	t.Parallel()
	srv := runnerstest.NewServer()
	org := srv.Org("octo-org")
	repoID := srv.Repo("octo-org", "octo-repo").ID()
	rs := org.AddRunners(runners.Runner{Name: "a"}, runners.Runner{Name: "b"})
	o := srv.Client().Org("octo-org")

	g, err := o.CreateRunnerGroup(t.Context(), &runners.RunnerGroupRequest{
		Name: "gpu", Visibility: runners.GroupVisibilitySelected, SelectedRepositoryIDs: []int64{repoID},
		RunnerIDs: []int64{rs[1].ID}, AllowsPublicRepositories: true, RestrictedToWorkflows: true,
		SelectedWorkflows: []string{"octo-org/octo-repo/.github/workflows/deploy.yaml@main"}, NetworkConfigurationID: "EC486D5D",
	})
	require.NoError(t, err)
	base := "https://api.github.com/orgs/octo-org/actions/runner-groups/2"
	assert.Equal(t, &runners.RunnerGroup{
		ID: 2, Name: "gpu", Visibility: runners.GroupVisibilitySelected, AllowsPublicRepositories: true, RestrictedToWorkflows: true,
		SelectedWorkflows: []string{"octo-org/octo-repo/.github/workflows/deploy.yaml@main"}, RunnersURL: base + "/runners",
		SelectedRepositoriesURL: base + "/repositories", HostedRunnersURL: base + "/hosted-runners", NetworkConfigurationID: "EC486D5D",
	}, g)
	got, err := o.GetRunnerGroup(t.Context(), 2)
	require.NoError(t, err)
	assert.Equal(t, g, got)
	assert.Equal(t, []string{"1 Default", "2 gpu"}, allGroups(t, o, nil))
	assert.Equal(t, map[string]int64{"a": 1, "b": 2}, groupOf(org), "b moved into the group")
	access, err := o.ListRunnerGroupAccess(t.Context(), 2, nil)
	require.NoError(t, err)
	require.Len(t, access.Access, 1)
	assert.Equal(t, runners.GroupAccess{ID: repoID, NodeID: access.Access[0].NodeID, Name: "octo-repo", FullName: "octo-org/octo-repo"}, *access.Access[0])

	// Left out: visibility "all", no workflows, nothing else.
	plain, err := o.CreateRunnerGroup(t.Context(), &runners.RunnerGroupRequest{Name: "plain"})
	require.NoError(t, err)
	assert.Equal(t, runners.GroupVisibilityAll, plain.Visibility)
	assert.Empty(t, plain.SelectedRepositoriesURL)
	assert.False(t, plain.AllowsPublicRepositories || plain.RestrictedToWorkflows)
	assert.Empty(t, plain.SelectedWorkflows)
	r := raw(t, srv, http.MethodGet, "orgs/octo-org/actions/runner-groups/3", "")
	assert.JSONEq(t, `[]`, string(jsonField(t, r.Body, "selected_workflows")), "sent as [], as GitHub's examples show")

	// At an enterprise, with organizations.
	ent := srv.Enterprise("acme")
	orgID := srv.Org("octo-org").SetEnterprise("acme").ID()
	require.NotZero(t, orgID)
	eg, err := srv.Client().Enterprise("acme").CreateRunnerGroup(t.Context(), &runners.RunnerGroupRequest{
		Name: "ent-gpu", Visibility: runners.GroupVisibilitySelected, SelectedOrganizationIDs: []int64{srv.Org("octo-org").ID()},
	})
	require.NoError(t, err)
	assert.Equal(t, int64(4), eg.ID, "IDs are unique across the fake")
	assert.Equal(t, "https://api.github.com/enterprises/acme/actions/runner-groups/4/organizations", eg.SelectedOrganizationsURL)
	assert.False(t, eg.Inherited)
	assert.Equal(t, []string{"1 Default", "4 ent-gpu"}, groupsOfState(ent))
}

// jsonField returns the raw value of a top-level field of a JSON object.
func jsonField(t *testing.T, body []byte, name string) json.RawMessage {
	t.Helper()
	var m map[string]json.RawMessage
	require.NoError(t, json.Unmarshal(body, &m), "%s", body)
	require.Contains(t, m, name, "%s", body)
	return m[name]
}

func groupsOfState(st *runnerstest.ScopeState) []string {
	gs := st.RunnerGroups()
	ps := make([]*runners.RunnerGroup, len(gs))
	for i := range gs {
		ps[i] = &gs[i]
	}
	return groupsOf(ps)
}

// A create body the schema refuses, or one naming what the scope does not
// have, is 422 and creates nothing; fields the schema does not have are
// ignored.
func TestCreateRunnerGroupRefused(t *testing.T) {
	t.Parallel()
	srv := runnerstest.NewServer()
	org := srv.Org("octo-org")
	repoID := srv.Repo("octo-org", "octo-repo").ID()
	otherRepo := srv.Repo("other-org", "x").ID()
	runner := org.AddRunner(runners.Runner{Name: "a"})
	elsewhere := srv.Org("other-org").AddRunner(runners.Runner{Name: "b"})
	id := strconv.FormatInt
	assertRefused(t, srv, http.MethodPost, "orgs/octo-org/actions/runner-groups", []string{
		`[]`,                                 // not an object
		`{}`,                                 // no name
		`{"name":""}`,                        // an empty name
		`{"name":7}`,                         // a name not a string
		`{"name":null}`,                      // a null name
		`{"name":"g","visibility":"public"}`, // no such visibility
		`{"name":"g","visibility":"all","selected_repository_ids":[` + id(repoID, 10) + `]}`,         // access without "selected"
		`{"name":"g","visibility":"selected","selected_repository_ids":"` + id(repoID, 10) + `"}`,    // not an array
		`{"name":"g","visibility":"selected","selected_repository_ids":[999]}`,                       // no such repository
		`{"name":"g","visibility":"selected","selected_repository_ids":[` + id(otherRepo, 10) + `]}`, // another organization's
		`{"name":"g","runners":["` + id(runner.ID, 10) + `"]}`,                                       // runner IDs as strings
		`{"name":"g","runners":[` + id(elsewhere.ID, 10) + `]}`,                                      // another scope's runner
		`{"name":"g","selected_workflows":null}`,                                                     // null workflows
		`{"name":"g","allows_public_repositories":"yes"}`,                                            // not a boolean
		`{"name":"g","network_configuration_id":5}`,                                                  // not a string
	}, func(ctx context.Context, s runners.Scope) error {
		_, err := s.(runners.GroupScope).CreateRunnerGroup(ctx, &runners.RunnerGroupRequest{Name: "swapped"})
		return err
	})
	// At an enterprise, "private" does not exist.
	srv.Enterprise("acme")
	r := raw(t, srv, http.MethodPost, "enterprises/acme/actions/runner-groups", `{"name":"g","visibility":"private"}`)
	assert.Equal(t, http.StatusUnprocessableEntity, r.Status, "%s", r.Body)
	assert.NotEmpty(t, decodeError(t, r).Errors)
	assert.Len(t, org.RunnerGroups(), 1, "nothing was created")
	assert.Len(t, srv.Enterprise("acme").RunnerGroups(), 1, "nothing was created")
	assert.Equal(t, map[string]int64{"a": 1}, groupOf(org), "nothing moved")

	// Unknown fields are ignored, the other scope's access list too.
	r = raw(t, srv, http.MethodPost, "orgs/octo-org/actions/runner-groups", `{"name":"g","bogus":true,"selected_organization_ids":[1]}`)
	assert.Equal(t, http.StatusCreated, r.Status, "%s", r.Body)
}

// Names are unique among a scope's own groups, in any letter case (409), in
// a create and in a rename; an inherited group's name is the enterprise's.
func TestRunnerGroupNameTaken(t *testing.T) {
	t.Parallel()
	srv := runnerstest.NewServer()
	srv.Org("octo-org").SetEnterprise("acme").AddRunnerGroup(runners.RunnerGroup{Name: "shared"})
	o := srv.Client().Org("octo-org")
	_, err := o.CreateRunnerGroup(t.Context(), &runners.RunnerGroupRequest{Name: "gpu"})
	require.NoError(t, err)
	for _, name := range []string{"gpu", "GPU", "default"} {
		_, err := o.CreateRunnerGroup(t.Context(), &runners.RunnerGroupRequest{Name: name})
		assert.ErrorIs(t, err, runners.ErrConflict, name)
	}
	cpu, err := o.CreateRunnerGroup(t.Context(), &runners.RunnerGroupRequest{Name: "cpu"})
	require.NoError(t, err)
	_, err = o.UpdateRunnerGroup(t.Context(), cpu.ID, &runners.RunnerGroupUpdate{Name: runners.Ptr("Gpu")})
	assert.ErrorIs(t, err, runners.ErrConflict, "a rename to a taken name")
	renamed, err := o.UpdateRunnerGroup(t.Context(), cpu.ID, &runners.RunnerGroupUpdate{Name: runners.Ptr("CPU")})
	require.NoError(t, err, "a group may keep its own name in another case")
	assert.Equal(t, "CPU", renamed.Name)
	_, err = o.CreateRunnerGroup(t.Context(), &runners.RunnerGroupRequest{Name: "shared"})
	require.NoError(t, err, "the enterprise's groups are not the organization's own")
	assert.Equal(t, []string{"1 Default", "2 shared (inherited)", "3 gpu", "4 CPU", "5 shared"}, allGroups(t, o, nil))
}

// An update changes the fields it has and keeps every other one.
func TestUpdateRunnerGroup(t *testing.T) {
	t.Parallel()
	srv := runnerstest.NewServer()
	org := srv.Org("octo-org")
	repoID := srv.Repo("octo-org", "octo-repo").ID()
	o := srv.Client().Org("octo-org")
	g, err := o.CreateRunnerGroup(t.Context(), &runners.RunnerGroupRequest{
		Name: "gpu", Visibility: runners.GroupVisibilitySelected, SelectedRepositoryIDs: []int64{repoID},
		AllowsPublicRepositories: true, SelectedWorkflows: []string{"w@main"}, NetworkConfigurationID: "net-1",
	})
	require.NoError(t, err)

	up, err := o.UpdateRunnerGroup(t.Context(), g.ID, &runners.RunnerGroupUpdate{Name: runners.Ptr("gpu-2"), RestrictedToWorkflows: runners.Ptr(true)})
	require.NoError(t, err)
	want := *g
	want.Name, want.RestrictedToWorkflows = "gpu-2", true
	assert.Equal(t, &want, up, "only the name and the workflow restriction changed")

	up, err = o.UpdateRunnerGroup(t.Context(), g.ID, &runners.RunnerGroupUpdate{
		Name: runners.Ptr("gpu-2"), SelectedWorkflows: &[]string{}, NetworkConfigurationID: runners.Ptr(""), AllowsPublicRepositories: runners.Ptr(false),
	})
	require.NoError(t, err)
	assert.Empty(t, up.SelectedWorkflows, "&[]string{} clears the list")
	assert.Empty(t, up.NetworkConfigurationID, "null unsets it")
	assert.False(t, up.AllowsPublicRepositories)
	assert.Equal(t, runners.GroupVisibilitySelected, up.Visibility)

	// An organization update must have the name, as its schema says.
	r := raw(t, srv, http.MethodPatch, "orgs/octo-org/actions/runner-groups/2", `{"visibility":"all"}`)
	assert.Equal(t, http.StatusUnprocessableEntity, r.Status, "%s", r.Body)
	for _, body := range []string{`{"name":""}`, `{"name":"x","visibility":"public"}`, `{"name":"x","selected_workflows":null}`, `{"name":"x","restricted_to_workflows":1}`} {
		r := raw(t, srv, http.MethodPatch, "orgs/octo-org/actions/runner-groups/2", body)
		assert.Equal(t, http.StatusUnprocessableEntity, r.Status, "%s: %s", body, r.Body)
	}
	assert.Equal(t, "gpu-2", org.RunnerGroups()[1].Name, "a refused update changes nothing")

	// A group that is no longer "selected" loses its access list.
	up, err = o.UpdateRunnerGroup(t.Context(), g.ID, &runners.RunnerGroupUpdate{Name: runners.Ptr("gpu-2"), Visibility: runners.Ptr(runners.GroupVisibilityPrivate)})
	require.NoError(t, err)
	assert.Equal(t, runners.GroupVisibilityPrivate, up.Visibility)
	assert.Empty(t, up.SelectedRepositoriesURL)
	access, err := o.ListRunnerGroupAccess(t.Context(), g.ID, nil)
	require.NoError(t, err)
	assert.Zero(t, access.TotalCount)
	_, err = o.UpdateRunnerGroup(t.Context(), 99, &runners.RunnerGroupUpdate{Name: runners.Ptr("x")})
	assert.ErrorIs(t, err, runners.ErrNotFound)
}

// An enterprise update without visibility keeps it (the description's
// default of "all" is not applied), and its body may be left out.
func TestUpdateEnterpriseRunnerGroupKeepsVisibility(t *testing.T) {
	t.Parallel()
	srv := runnerstest.NewServer()
	srv.Org("octo-org").SetEnterprise("acme")
	e := srv.Client().Enterprise("acme")
	g, err := e.CreateRunnerGroup(t.Context(), &runners.RunnerGroupRequest{
		Name: "gpu", Visibility: runners.GroupVisibilitySelected, SelectedOrganizationIDs: []int64{srv.Org("octo-org").ID()},
	})
	require.NoError(t, err)
	up, err := e.UpdateRunnerGroup(t.Context(), g.ID, &runners.RunnerGroupUpdate{AllowsPublicRepositories: runners.Ptr(true)})
	require.NoError(t, err)
	assert.Equal(t, runners.GroupVisibilitySelected, up.Visibility)
	assert.True(t, up.AllowsPublicRepositories)
	access, err := e.ListRunnerGroupAccess(t.Context(), g.ID, nil)
	require.NoError(t, err)
	assert.Equal(t, 1, access.TotalCount, "the access list is kept")

	r := raw(t, srv, http.MethodPatch, "enterprises/acme/actions/runner-groups/2", "")
	assert.Equal(t, http.StatusOK, r.Status, "no body: %s", r.Body)
	r = raw(t, srv, http.MethodPatch, "enterprises/acme/actions/runner-groups/2", `{"visibility":"private"}`)
	assert.Equal(t, http.StatusUnprocessableEntity, r.Status, "no private at an enterprise: %s", r.Body)
	assert.Equal(t, runners.GroupVisibilitySelected, srv.Enterprise("acme").RunnerGroups()[1].Visibility)
}

// Deleting a group returns its runners to the default group; the default
// group cannot be deleted.
func TestDeleteRunnerGroup(t *testing.T) {
	t.Parallel()
	srv := runnerstest.NewServer()
	org := srv.Org("octo-org")
	org.AddRunnerGroup(runners.RunnerGroup{ID: 5, Name: "gpu"})
	org.AddRunners(runners.Runner{Name: "in", RunnerGroupID: 5}, runners.Runner{Name: "out"})
	o := srv.Client().Org("octo-org")

	require.NoError(t, o.DeleteRunnerGroup(t.Context(), 5))
	assert.Equal(t, map[string]int64{"in": 1, "out": 1}, groupOf(org))
	_, err := o.GetRunnerGroup(t.Context(), 5)
	assert.ErrorIs(t, err, runners.ErrNotFound)
	assert.ErrorIs(t, o.DeleteRunnerGroup(t.Context(), 5), runners.ErrNotFound)

	err = o.DeleteRunnerGroup(t.Context(), 1)
	assert.ErrorIs(t, err, runners.ErrValidation)
	assert.Contains(t, apiError(t, err).Message, "default runner group cannot be deleted")
	assert.Equal(t, []string{"1 Default"}, groupsOfState(org))
}

// The list pages as the runner list does: per_page up to 100, page, and a
// Link header.
func TestListRunnerGroupsPages(t *testing.T) {
	t.Parallel()
	srv := runnerstest.NewServer()
	org := srv.Org("octo-org")
	var want []string
	want = append(want, "1 Default")
	for i := 2; i <= 35; i++ {
		org.AddRunnerGroup(runners.RunnerGroup{Name: "g" + strconv.Itoa(i)})
		want = append(want, strconv.Itoa(i)+" g"+strconv.Itoa(i))
	}
	o := srv.Client().Org("octo-org")
	page, err := o.ListRunnerGroups(t.Context(), nil)
	require.NoError(t, err)
	assert.Equal(t, 35, page.TotalCount)
	assert.Equal(t, want[:30], groupsOf(page.RunnerGroups), "30 a page by default")
	assert.Equal(t, 2, page.NextPage)
	page, err = o.ListRunnerGroups(t.Context(), &runners.ListRunnerGroupsOptions{ListOptions: runners.ListOptions{Page: 4, PerPage: 10}})
	require.NoError(t, err)
	assert.Equal(t, want[30:], groupsOf(page.RunnerGroups))
	assert.Zero(t, page.NextPage)
	r := raw(t, srv, http.MethodGet, "orgs/octo-org/actions/runner-groups?per_page=10&page=2", "")
	assert.Equal(t, map[string]int{"prev": 1, "next": 3, "last": 4, "first": 1}, linkPages(t, r.Header.Get("Link")))
	assert.Equal(t, want, allGroups(t, o, &runners.ListRunnerGroupsOptions{ListOptions: runners.ListOptions{PerPage: 7}}))
	r = raw(t, srv, http.MethodGet, "orgs/octo-org/actions/runner-groups?per_page=500", "")
	assert.Len(t, jsonArray(t, r.Body, "runner_groups"), 35, "per_page over 100 is 100")
}

func jsonArray(t *testing.T, body []byte, name string) []json.RawMessage {
	t.Helper()
	var items []json.RawMessage
	require.NoError(t, json.Unmarshal(jsonField(t, body, name), &items))
	return items
}

// visible_to_repository keeps the groups a repository may use: "all" and
// "private" ones, and "selected" ones that gave it access; an inherited
// group is visible to every repository of the organization.
// visible_to_organization keeps those an organization of the enterprise may
// use.
func TestListRunnerGroupsVisibleTo(t *testing.T) {
	t.Parallel()
	srv := runnerstest.NewServer()
	org := srv.Org("octo-org")
	a := srv.Repo("octo-org", "a")
	srv.Repo("octo-org", "b")
	ent := org.SetEnterprise("acme")
	other := srv.Org("other-org")
	other.SetEnterprise("acme")
	c := srv.Client()
	o, e := c.Org("octo-org"), c.Enterprise("acme")
	ent.AddRunnerGroup(runners.RunnerGroup{ID: 10, Name: "ent-all"})
	ent.AddRunnerGroup(runners.RunnerGroup{ID: 11, Name: "ent-octo", Visibility: runners.GroupVisibilitySelected})
	ent.AddRunnerGroup(runners.RunnerGroup{ID: 12, Name: "ent-other", Visibility: runners.GroupVisibilitySelected})
	require.NoError(t, e.SetRunnerGroupAccess(t.Context(), 11, org.ID()))
	require.NoError(t, e.SetRunnerGroupAccess(t.Context(), 12, other.ID()))
	org.AddRunnerGroup(runners.RunnerGroup{ID: 20, Name: "all"})
	org.AddRunnerGroup(runners.RunnerGroup{ID: 21, Name: "only-a", Visibility: runners.GroupVisibilitySelected})
	org.AddRunnerGroup(runners.RunnerGroup{ID: 22, Name: "private", Visibility: runners.GroupVisibilityPrivate})
	require.NoError(t, o.SetRunnerGroupAccess(t.Context(), 21, a.ID()))

	everything := []string{"1 Default", "10 ent-all (inherited)", "11 ent-octo (inherited)", "20 all", "21 only-a", "22 private"}
	assert.Equal(t, everything, allGroups(t, o, nil))
	assert.Equal(t, everything, allGroups(t, o, &runners.ListRunnerGroupsOptions{VisibleTo: "a"}))
	assert.Equal(t, everything, allGroups(t, o, &runners.ListRunnerGroupsOptions{VisibleTo: "octo-org/A"}), "owner/name sends the name; any letter case")
	assert.Equal(t, []string{"1 Default", "10 ent-all (inherited)", "11 ent-octo (inherited)", "20 all", "22 private"},
		allGroups(t, o, &runners.ListRunnerGroupsOptions{VisibleTo: "b"}))

	assert.Equal(t, []string{"1 Default", "10 ent-all", "11 ent-octo", "12 ent-other"}, allGroups(t, e, nil))
	assert.Equal(t, []string{"1 Default", "10 ent-all", "11 ent-octo"}, allGroups(t, e, &runners.ListRunnerGroupsOptions{VisibleTo: "Octo-Org"}))
	assert.Equal(t, []string{"1 Default", "10 ent-all", "12 ent-other"}, allGroups(t, e, &runners.ListRunnerGroupsOptions{VisibleTo: "other-org"}))
	assert.Empty(t, allGroups(t, e, &runners.ListRunnerGroupsOptions{VisibleTo: "not-in-acme"}), "an organization of no enterprise, or another's, sees none")
}

// An organization of an enterprise lists the enterprise's groups it may use,
// Inherited, and gets them; it changes none of them: they are the
// enterprise's.
func TestInheritedRunnerGroups(t *testing.T) {
	t.Parallel()
	srv := runnerstest.NewServer()
	org := srv.Org("octo-org")
	o := srv.Client().Org("octo-org")
	assert.Equal(t, []string{"1 Default"}, allGroups(t, o, nil), "no enterprise, nothing inherited")
	ent := org.SetEnterprise("acme")
	assert.Equal(t, srv.Enterprise("acme"), ent)
	g := ent.AddRunnerGroup(runners.RunnerGroup{Name: "ent-gpu", AllowsPublicRepositories: true, RestrictedToWorkflows: true, SelectedWorkflows: []string{"w@main"}})
	ent.AddRunnerGroup(runners.RunnerGroup{Name: "ent-hidden", Visibility: runners.GroupVisibilitySelected})

	got, err := o.GetRunnerGroup(t.Context(), g.ID)
	require.NoError(t, err)
	base := "https://api.github.com/orgs/octo-org/actions/runner-groups/2"
	assert.Equal(t, &runners.RunnerGroup{
		ID: 2, Name: "ent-gpu", Visibility: runners.GroupVisibilityAll, Inherited: true, InheritedAllowsPublicRepositories: true,
		AllowsPublicRepositories: true, RestrictedToWorkflows: true, SelectedWorkflows: []string{"w@main"},
		WorkflowRestrictionsReadOnly: true, RunnersURL: base + "/runners", HostedRunnersURL: base + "/hosted-runners",
	}, got)
	assert.Equal(t, []string{"1 Default", "2 ent-gpu (inherited)"}, allGroups(t, o, nil), "the enterprise's default group is not listed again as 1")
	_, err = o.GetRunnerGroup(t.Context(), 3)
	assert.ErrorIs(t, err, runners.ErrNotFound, "not visible to the organization")

	r := org.AddRunner(runners.Runner{Name: "r"})
	for name, err := range map[string]error{
		"update":      opErr(o.UpdateRunnerGroup(t.Context(), 2, &runners.RunnerGroupUpdate{Name: runners.Ptr("x")})),
		"delete":      o.DeleteRunnerGroup(t.Context(), 2),
		"add runner":  o.AddRunnerToGroup(t.Context(), 2, r.ID),
		"runners":     opErr(o.ListRunnerGroupRunners(t.Context(), 2, nil)),
		"access":      opErr(o.ListRunnerGroupAccess(t.Context(), 2, nil)),
		"set runners": o.SetRunnerGroupRunners(t.Context(), 2, r.ID),
	} {
		assert.ErrorIs(t, err, runners.ErrNotFound, name)
	}
	assert.Equal(t, int64(1), groupOf(org)["r"])

	// Leaving the enterprise: nothing inherited, and no access left there.
	hidden := ent.RunnerGroups()[2]
	require.NoError(t, srv.Client().Enterprise("acme").SetRunnerGroupAccess(t.Context(), hidden.ID, org.ID()))
	assert.Equal(t, []string{"1 Default", "2 ent-gpu (inherited)", "3 ent-hidden (inherited)"}, allGroups(t, o, nil))
	assert.Nil(t, org.SetEnterprise(""))
	assert.Equal(t, []string{"1 Default"}, allGroups(t, o, nil))
	org.SetEnterprise("acme")
	assert.Equal(t, []string{"1 Default", "2 ent-gpu (inherited)"}, allGroups(t, o, nil), "the access went with the organization")
}

func opErr[T any](_ T, err error) error { return err }

// A JIT config needs a group the scope has; otherwise it is 404 and
// creates nothing. A repository takes only the default group's ID, and its
// runner is in no group.
func TestJITConfigRunnerGroup(t *testing.T) {
	t.Parallel()
	srv := runnerstest.NewServer()
	org := srv.Org("octo-org")
	repo := srv.Repo("octo-org", "octo-repo")
	ent := org.SetEnterprise("acme")
	inherited := ent.AddRunnerGroup(runners.RunnerGroup{Name: "ent-gpu"})
	own := org.AddRunnerGroup(runners.RunnerGroup{Name: "gpu"})
	c := srv.Client()
	jit := func(s runners.Scope, name string, group int64) (*runners.JITConfig, error) {
		return s.GenerateJITConfig(t.Context(), &runners.JITConfigRequest{Name: name, RunnerGroupID: group, Labels: []string{"gpu"}})
	}

	j, err := jit(c.Org("octo-org"), "in-gpu", own.ID)
	require.NoError(t, err)
	assert.Equal(t, own.ID, j.Runner.RunnerGroupID)
	list, err := c.Org("octo-org").ListRunnerGroupRunners(t.Context(), own.ID, nil)
	require.NoError(t, err)
	assert.Equal(t, []string{"in-gpu"}, namesOf(list.Runners))
	j, err = jit(c.Enterprise("acme"), "ent-runner", inherited.ID)
	require.NoError(t, err)
	assert.Equal(t, inherited.ID, j.Runner.RunnerGroupID)
	j, err = jit(c.Repo("octo-org", "octo-repo"), "repo-runner", 1)
	require.NoError(t, err)
	assert.Zero(t, j.Runner.RunnerGroupID, "a repository's runner is in no group")

	for _, tc := range []struct {
		s     runners.Scope
		group int64
	}{
		{c.Org("octo-org"), 99},           // no such group
		{c.Org("octo-org"), inherited.ID}, // the enterprise's: its runners register there
		{c.Enterprise("acme"), own.ID},    // the organization's
		{c.Repo("octo-org", "octo-repo"), own.ID},
	} {
		_, err := jit(tc.s, "never", tc.group)
		assert.ErrorIs(t, err, runners.ErrNotFound, "%v group %d", tc.s, tc.group)
	}
	for _, st := range []*runnerstest.ScopeState{org, ent, repo} {
		assert.False(t, slices.ContainsFunc(st.Runners(), func(r runners.Runner) bool { return r.Name == "never" }), "nothing created")
	}
}

// AddRunnerGroup's set-up mistakes panic, and leave nothing behind.
func TestAddRunnerGroupMistakes(t *testing.T) {
	t.Parallel()
	srv := runnerstest.NewServer()
	org := srv.Org("octo-org")
	org.AddRunnerGroup(runners.RunnerGroup{ID: 4, Name: "gpu"})
	for want, g := range map[string]runners.RunnerGroup{
		"runnerstest: AddRunnerGroup: orgs/octo-org: a runner group needs a name":                        {},
		"runnerstest: AddRunnerGroup: orgs/octo-org: runner group ID 1 is taken":                         {ID: 1, Name: "x"},
		"runnerstest: AddRunnerGroup: orgs/octo-org: runner group ID 4 is taken":                         {ID: 4, Name: "x"},
		`runnerstest: AddRunnerGroup: orgs/octo-org: a runner group named "GPU" already exists`:          {Name: "GPU"},
		`runnerstest: AddRunnerGroup: orgs/octo-org: visibility "public": want all, selected or private`: {Name: "x", Visibility: "public"},
	} {
		assert.PanicsWithValue(t, want, func() { org.AddRunnerGroup(g) })
	}
	assert.PanicsWithValue(t, "runnerstest: AddRunnerGroup: repos/octo-org/r: a repository has no runner groups", func() {
		srv.Repo("octo-org", "r").AddRunnerGroup(runners.RunnerGroup{Name: "x"})
	})
	assert.PanicsWithValue(t, "runnerstest: SetEnterprise: repos/octo-org/r: only an organization belongs to an enterprise", func() {
		srv.Repo("octo-org", "r").SetEnterprise("acme")
	})
	assert.Equal(t, []string{"1 Default", "4 gpu"}, groupsOfState(org))

	// Only the settings are kept; the snapshot is a copy.
	g := org.AddRunnerGroup(runners.RunnerGroup{Name: "w", Default: true, Inherited: true, RunnersURL: "u", SelectedWorkflows: []string{"a"}})
	assert.Equal(t, &runners.RunnerGroup{ID: 5, Name: "w", Visibility: runners.GroupVisibilityAll, SelectedWorkflows: []string{"a"}}, g)
	g.SelectedWorkflows[0] = "changed"
	org.RunnerGroups()[2].SelectedWorkflows[0] = "changed"
	assert.Equal(t, []string{"a"}, org.RunnerGroups()[2].SelectedWorkflows)
}

// The fake's group answers have every property GitHub's schema requires, at
// each scope, and none it lacks.
func TestRunnerGroupSchema(t *testing.T) {
	t.Parallel()
	schemas := openAPISchemas(t)
	srv := runnerstest.NewServer()
	srv.Org("octo-org").SetEnterprise("acme").AddRunnerGroup(runners.RunnerGroup{Name: "ent", Visibility: runners.GroupVisibilitySelected})
	require.NoError(t, srv.Client().Enterprise("acme").SetRunnerGroupAccess(t.Context(), 2, srv.Org("octo-org").ID()))
	srv.Org("octo-org").AddRunnerGroup(runners.RunnerGroup{Name: "sel", Visibility: runners.GroupVisibilitySelected, NetworkConfigurationID: "n"})
	for path, schema := range map[string]string{
		"orgs/octo-org/actions/runner-groups":    "runner-groups-org",
		"enterprises/acme/actions/runner-groups": "runner-groups-enterprise",
	} {
		r := raw(t, srv, http.MethodGet, path, "")
		items := jsonArray(t, r.Body, "runner_groups")
		require.NotEmpty(t, items)
		for _, item := range items {
			assertSchemaFields(t, schemas[schema], item, path)
		}
	}
	r := raw(t, srv, http.MethodGet, "enterprises/acme/actions/runner-groups/2/organizations", "")
	items := jsonArray(t, r.Body, "organizations")
	require.Len(t, items, 1)
	assertSchemaFields(t, schemas["organization-simple"], items[0], "organization access")
}

// oaSchema is the part of an OpenAPI schema the schema test reads.
type oaSchema struct {
	Required   []string                   `json:"required"`
	Properties map[string]json.RawMessage `json:"properties"`
}

// openAPISchemas reads the component schemas of GitHub's description, in the
// module's testdata.
func openAPISchemas(t *testing.T) map[string]oaSchema {
	t.Helper()
	b, err := os.ReadFile("../testdata/openapi/runners.api.github.com.json")
	require.NoError(t, err)
	var doc struct {
		Components struct {
			Schemas map[string]oaSchema `json:"schemas"`
		} `json:"components"`
	}
	require.NoError(t, json.Unmarshal(b, &doc))
	return doc.Components.Schemas
}

// assertSchemaFields checks that item has every required property of s and
// nothing s lacks.
func assertSchemaFields(t *testing.T, s oaSchema, item json.RawMessage, what string) {
	t.Helper()
	require.NotEmpty(t, s.Properties, "%s: schema", what)
	var m map[string]json.RawMessage
	require.NoError(t, json.Unmarshal(item, &m))
	for _, req := range s.Required {
		assert.Contains(t, m, req, "%s: %s", what, item)
	}
	for k := range m {
		assert.Contains(t, s.Properties, k, "%s: %s is not in the schema", what, k)
	}
}
