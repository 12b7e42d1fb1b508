package runners

import (
	"context"
	"net/http"
	"testing"

	"github.com/stretchr/testify/require"
)

// The group create and update operations, at both scopes: what is sent is
// what was set, and the answer decodes field by field.
func TestGroupEditOperations(t *testing.T) {
	t.Parallel()
	runOpCases(t, groupScopes, []opCase[GroupScope]{
		{name: "CreateRunnerGroup name only", status: http.StatusCreated, fixture: func(sc testScope) string { return sc.createFixture }, method: http.MethodPost,
			call: func(ctx context.Context, g GroupScope) (any, error) {
				return g.CreateRunnerGroup(ctx, &RunnerGroupRequest{Name: "octo-runner-group"})
			},
			path: fixed("/actions/runner-groups"),
			// An empty Visibility is not sent: GitHub's default applies.
			body:  fixed(`{"name":"octo-runner-group","allows_public_repositories":false,"restricted_to_workflows":false}`),
			check: checkGroup("CreateRunnerGroup")},
		{name: "CreateRunnerGroup every field", status: http.StatusCreated, fixture: func(sc testScope) string { return sc.createFixture }, method: http.MethodPost,
			call: func(ctx context.Context, g GroupScope) (any, error) {
				req := &RunnerGroupRequest{Name: "octo-runner-group", Visibility: GroupVisibilitySelected, RunnerIDs: []int64{9, 2},
					AllowsPublicRepositories: true, RestrictedToWorkflows: true, SelectedWorkflows: []string{exampleWorkflow}, NetworkConfigurationID: "nc-1"}
				if _, ok := g.(*OrgService); ok {
					req.SelectedRepositoryIDs = []int64{32, 91}
				} else {
					req.SelectedOrganizationIDs = []int64{32, 91}
				}
				return g.CreateRunnerGroup(ctx, req)
			},
			path: fixed("/actions/runner-groups"),
			body: func(sc testScope) string {
				return `{"name":"octo-runner-group","visibility":"selected","` + sc.idsField + `":[32,91],"runners":[9,2],` +
					`"allows_public_repositories":true,"restricted_to_workflows":true,"selected_workflows":["` + exampleWorkflow + `"],"network_configuration_id":"nc-1"}`
			},
			check: checkGroup("CreateRunnerGroup")},
		{name: "UpdateRunnerGroup name", status: http.StatusOK, fixture: func(sc testScope) string { return sc.updateFixture }, method: http.MethodPatch,
			call: func(ctx context.Context, g GroupScope) (any, error) {
				return g.UpdateRunnerGroup(ctx, 2, &RunnerGroupUpdate{Name: Ptr("Expensive hardware runners")})
			},
			path: fixed("/actions/runner-groups/2"),
			// Only what was set: no visibility, whatever GitHub's default.
			body:  fixed(`{"name":"Expensive hardware runners"}`),
			check: checkGroup("UpdateRunnerGroup")},
		{name: "UpdateRunnerGroup every field", status: http.StatusOK, fixture: func(sc testScope) string { return sc.updateFixture }, method: http.MethodPatch,
			call: func(ctx context.Context, g GroupScope) (any, error) {
				return g.UpdateRunnerGroup(ctx, 2, &RunnerGroupUpdate{Name: Ptr("n"), Visibility: Ptr(GroupVisibilitySelected),
					AllowsPublicRepositories: Ptr(false), RestrictedToWorkflows: Ptr(true), SelectedWorkflows: &[]string{exampleWorkflow},
					NetworkConfigurationID: Ptr("nc-2")})
			},
			path: fixed("/actions/runner-groups/2"),
			body: fixed(`{"name":"n","visibility":"selected","allows_public_repositories":false,"restricted_to_workflows":true,` +
				`"selected_workflows":["` + exampleWorkflow + `"],"network_configuration_id":"nc-2"}`),
			check: checkGroup("UpdateRunnerGroup")},
		{name: "UpdateRunnerGroup clears", status: http.StatusOK, fixture: func(sc testScope) string { return sc.updateFixture }, method: http.MethodPatch,
			call: func(ctx context.Context, g GroupScope) (any, error) {
				return g.UpdateRunnerGroup(ctx, 2, &RunnerGroupUpdate{Name: Ptr("n"), SelectedWorkflows: &[]string{}, NetworkConfigurationID: Ptr("")})
			},
			path:  fixed("/actions/runner-groups/2"),
			body:  fixed(`{"name":"n","selected_workflows":[],"network_configuration_id":null}`),
			check: checkGroup("UpdateRunnerGroup")},
		{name: "UpdateRunnerGroup nil workflow slice", status: http.StatusOK, fixture: func(sc testScope) string { return sc.updateFixture }, method: http.MethodPatch,
			call: func(ctx context.Context, g GroupScope) (any, error) {
				var none []string // a pointer to a nil slice clears the list too: GitHub refuses null
				return g.UpdateRunnerGroup(ctx, 2, &RunnerGroupUpdate{Name: Ptr("n"), SelectedWorkflows: &none})
			},
			path: fixed("/actions/runner-groups/2"),
			body: fixed(`{"name":"n","selected_workflows":[]}`)},
	})
}

// An update at enterprise scope needs no name; private visibility is for
// organizations.
func TestGroupUpdateScopeRules(t *testing.T) {
	t.Parallel()
	c, rec := newTestClient(t, respond(t, http.StatusOK, "runner_group_enterprise_update.json"))
	_, err := c.Enterprise("acme").UpdateRunnerGroup(t.Context(), 2, &RunnerGroupUpdate{AllowsPublicRepositories: Ptr(true)})
	require.NoError(t, err)
	assertOpRequest(t, rec, http.MethodPatch, "/enterprises/acme/actions/runner-groups/2", "", `{"allows_public_repositories":true}`)

	c, rec = newTestClient(t, respond(t, http.StatusOK, "runner_group_org.json"))
	_, err = c.Org("octo-org").UpdateRunnerGroup(t.Context(), 2, &RunnerGroupUpdate{Name: Ptr("n"), Visibility: Ptr(GroupVisibilityPrivate)})
	require.NoError(t, err)
	assertOpRequest(t, rec, http.MethodPatch, "/orgs/octo-org/actions/runner-groups/2", "", `{"name":"n","visibility":"private"}`)

	c, rec = newTestClient(t, respond(t, http.StatusCreated, "runner_group_org.json"))
	_, err = c.Org("octo-org").CreateRunnerGroup(t.Context(), &RunnerGroupRequest{Name: "n", Visibility: GroupVisibilityPrivate})
	require.NoError(t, err)
	assertOpRequest(t, rec, http.MethodPost, "/orgs/octo-org/actions/runner-groups", "",
		`{"name":"n","visibility":"private","allows_public_repositories":false,"restricted_to_workflows":false}`)
}
