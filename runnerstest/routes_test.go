package runnerstest_test

import (
	"net/http"
	"strconv"
	"strings"
	"testing"

	"github.com/fleetkit/runners"
	"github.com/fleetkit/runners/runnerstest"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestUnknownScopeIsNotFound(t *testing.T) {
	t.Parallel()
	ctx := t.Context()
	srv := runnerstest.NewServer()
	srv.Org("octo-org")
	c := srv.Client()

	for _, s := range []runners.Scope{c.Org("nope"), c.Repo("octo-org", "nope"), c.Enterprise("nope"), c.Enterprise("octo-org"), c.Repo("nope", "octo-org")} {
		_, err := s.ListRunners(ctx, nil)
		assert.ErrorIs(t, err, runners.ErrNotFound, "%v", s)
		_, err = s.CreateRegistrationToken(ctx)
		assert.ErrorIs(t, err, runners.ErrNotFound, "%v", s)
		_, err = s.ListRunnerApplications(ctx)
		assert.ErrorIs(t, err, runners.ErrNotFound, "%v", s)
		_, err = s.GenerateJITConfig(ctx, &runners.JITConfigRequest{Name: "x", RunnerGroupID: 1, Labels: []string{"a"}})
		assert.ErrorIs(t, err, runners.ErrNotFound, "%v", s)
	}
	_, err := c.Org("octo-org").ListRunners(ctx, nil)
	assert.NoError(t, err, "a scope the test named exists")

	r := raw(t, srv, http.MethodGet, "orgs/nope/actions/runners", "")
	require.Equal(t, http.StatusNotFound, r.Status)
	assert.Equal(t, "Not Found", decodeError(t, r).Message)
}

func TestUnknownRunnerIsNotFound(t *testing.T) {
	t.Parallel()
	ctx := t.Context()
	_, _, s := documentedOrg(t)

	_, err := s.GetRunner(ctx, 999)
	require.ErrorIs(t, err, runners.ErrNotFound)
	var apiErr *runners.Error
	require.ErrorAs(t, err, &apiErr)
	assert.Equal(t, http.StatusNotFound, apiErr.StatusCode)
	assert.NotEmpty(t, apiErr.DocumentationURL)

	assert.ErrorIs(t, s.DeleteRunner(ctx, 999), runners.ErrNotFound)
	_, err = s.ListLabels(ctx, 999)
	assert.ErrorIs(t, err, runners.ErrNotFound)
	_, err = s.AddLabels(ctx, 999, "gpu")
	assert.ErrorIs(t, err, runners.ErrNotFound)
	_, err = s.SetLabels(ctx, 999, "gpu")
	assert.ErrorIs(t, err, runners.ErrNotFound)
	_, err = s.RemoveAllLabels(ctx, 999)
	assert.ErrorIs(t, err, runners.ErrNotFound)
	_, err = s.RemoveLabel(ctx, 999, "no-gpu")
	assert.ErrorIs(t, err, runners.ErrNotFound)

	got, err := s.GetRunner(ctx, 24)
	require.NoError(t, err)
	assert.Equal(t, "mac_runner", got.Name)
}

func TestUnknownRouteIsNotFound(t *testing.T) {
	t.Parallel()
	ctx := t.Context()
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
	list, err := srv.Client().Org("octo-org").ListRunners(ctx, nil)
	require.NoError(t, err)
	assert.Equal(t, []int64{23, 24}, runnerIDs(list.Runners))
	assert.Len(t, srv.Org("octo-org").Runners()[1].Labels, 4)
}

func TestRunnerOfAnotherScopeIsNotFound(t *testing.T) {
	t.Parallel()
	ctx := t.Context()
	srv := runnerstest.NewServer()
	a := srv.Org("org-a").AddRunner(runners.Runner{Name: "only-in-a"})
	srv.Org("org-b")
	srv.Repo("org-a", "repo")
	c := srv.Client()

	for _, s := range []runners.Scope{c.Org("org-b"), c.Repo("org-a", "repo")} {
		_, err := s.GetRunner(ctx, a.ID)
		assert.ErrorIs(t, err, runners.ErrNotFound)
		assert.ErrorIs(t, s.DeleteRunner(ctx, a.ID), runners.ErrNotFound)
		_, err = s.AddLabels(ctx, a.ID, "gpu")
		assert.ErrorIs(t, err, runners.ErrNotFound)
		_, err = s.RemoveAllLabels(ctx, a.ID)
		assert.ErrorIs(t, err, runners.ErrNotFound)
	}
	got, ok := srv.Org("org-a").Runner(a.ID)
	require.True(t, ok, "the runner survives deletes from other scopes")
	assert.Empty(t, got.Labels)
	_, err := c.Org("org-a").GetRunner(ctx, a.ID)
	assert.NoError(t, err)
}

// Each operation is one route, served under each scope kind and /api/v3.
func TestEveryOperationAtEveryScope(t *testing.T) {
	t.Parallel()
	srv := runnerstest.NewServer()
	srv.SetDeprecation("2.329.0", runners.RunnerDeprecation{})
	ops := []struct {
		method, path, body string
		want               int
	}{
		{http.MethodGet, "/actions/runners", "", http.StatusOK},
		{http.MethodGet, "/actions/runners/downloads", "", http.StatusOK},
		{http.MethodPost, "/actions/runners/registration-token", "", http.StatusCreated},
		{http.MethodPost, "/actions/runners/remove-token", "", http.StatusCreated},
		{http.MethodGet, "/actions/runners/deprecations/2.329.0", "", http.StatusOK},
		{http.MethodGet, "/actions/runners/{id}", "", http.StatusOK},
		{http.MethodGet, "/actions/runners/{id}/labels", "", http.StatusOK},
		{http.MethodPost, "/actions/runners/{id}/labels", `{"labels":["a"]}`, http.StatusOK},
		{http.MethodPut, "/actions/runners/{id}/labels", `{"labels":["b"]}`, http.StatusOK},
		{http.MethodDelete, "/actions/runners/{id}/labels/b", "", http.StatusOK},
		{http.MethodDelete, "/actions/runners/{id}/labels", "", http.StatusOK},
		{http.MethodPost, "/actions/runners/generate-jitconfig", `{"name":"jit-{root}","runner_group_id":1,"labels":["a"]}`, http.StatusCreated},
		{http.MethodDelete, "/actions/runners/{id}", "", http.StatusNoContent},
	}
	for _, root := range []string{"", "api/v3/"} {
		// A runner in each scope for each root, for the operations to work on.
		ids := map[string]string{}
		for prefix, st := range map[string]*runnerstest.ScopeState{
			"enterprises/acme": srv.Enterprise("ACME"), "orgs/octo-org": srv.Org("octo-org"), "repos/octo-org/octo-repo": srv.Repo("octo-org", "octo-repo"),
		} {
			ids[prefix] = strconv.FormatInt(st.AddRunner(runners.Runner{Name: "runner" + root}).ID, 10)
		}
		for prefix, id := range ids {
			for _, op := range ops {
				path := root + prefix + strings.ReplaceAll(op.path, "{id}", id)
				r := raw(t, srv, op.method, path, strings.ReplaceAll(op.body, "{root}", root))
				assert.Equal(t, op.want, r.Status, "%s %s: %s", op.method, path, r.Body)
			}
		}
	}
	for _, st := range []*runnerstest.ScopeState{srv.Enterprise("acme"), srv.Org("octo-org"), srv.Repo("octo-org", "octo-repo")} {
		assert.Equal(t, []string{"jit-", "jit-api/v3/"}, namesOf(st.Runners()), "each scope served its own; the deletes deleted")
	}
	assert.Equal(t, http.StatusCreated, raw(t, srv, http.MethodPost, "api/v3/app/installations/5/access_tokens", "").Status)
}

// ServeMux would redirect a path that is not clean; GitHub answers 404.
func TestUncleanPathIsNotFound(t *testing.T) {
	t.Parallel()
	srv := runnerstest.NewServer()
	seedDocumented(t, srv.Org("octo-org"))
	for _, path := range []string{
		"orgs//actions/runners",
		"orgs/octo-org//actions/runners",
		"orgs/octo-org/./actions/runners",
		"orgs/octo-org/actions/runners/../runners/24",
		"orgs/octo-org/actions/runners/24/labels/",
		"orgs/octo-org/actions/runners/24//",
		"/orgs/octo-org/actions/runners",
	} {
		r := raw(t, srv, http.MethodDelete, path, "")
		assert.Equal(t, http.StatusNotFound, r.Status, path)
		assert.Equal(t, "Not Found", decodeError(t, r).Message, path)
		assert.Empty(t, r.Header.Values("Location"), path)
	}
	assert.Len(t, srv.Org("octo-org").Runners()[1].Labels, 4, "nothing changed")
	assert.Len(t, srv.Requests(), 7, "each recorded")
}
