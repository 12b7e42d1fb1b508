package runnerstest_test

import (
	"encoding/json"
	"net/http"
	"testing"
	"time"

	"github.com/fleetkit/runners"
	"github.com/fleetkit/runners/runnerstest"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// The end-of-life schedule set with SetDeprecation is served at every scope;
// a version never set is 404.
func TestDeprecations(t *testing.T) {
	t.Parallel()
	ctx := t.Context()
	srv := runnerstest.NewServer()
	c := srv.Client()
	runtime := time.Date(2026, 9, 24, 15, 30, 55, 0, time.UTC)
	srv.SetDeprecation("2.329.0", runners.RunnerDeprecation{RuntimeDeprecatesAt: &runtime})
	runtime = runtime.Add(time.Hour) // the fake kept its own copy
	srv.SetDeprecation("2.3/x y", runners.RunnerDeprecation{RunnerVersion: "2.3/x y"})

	for _, s := range []runners.Scope{c.Enterprise("acme"), c.Org("octo-org"), c.Repo("octo-org", "octo-repo")} {
		srv.State(s) // the scope exists
		d, err := s.GetRunnerDeprecation(ctx, "2.329.0")
		require.NoError(t, err, "%v", s)
		assert.Equal(t, "2.329.0", d.RunnerVersion, "an empty RunnerVersion becomes the version")
		assert.Nil(t, d.RegistrationDeprecatesAt)
		require.NotNil(t, d.RuntimeDeprecatesAt)
		assert.True(t, d.RuntimeDeprecatesAt.Equal(time.Date(2026, 9, 24, 15, 30, 55, 0, time.UTC)), "runtime %v", d.RuntimeDeprecatesAt)

		d, err = s.GetRunnerDeprecation(ctx, "2.3/x y")
		require.NoError(t, err, "an escaped version is one segment")
		assert.Equal(t, "2.3/x y", d.RunnerVersion)

		_, err = s.GetRunnerDeprecation(ctx, "2.300.0")
		assert.ErrorIs(t, err, runners.ErrNotFound, "%v: unknown version", s)
	}

	_, err := c.Org("no-such-org").GetRunnerDeprecation(ctx, "2.329.0")
	assert.ErrorIs(t, err, runners.ErrNotFound, "unknown scope")
}

// The wire shape is the schema's: runner_version, and both dates, null when
// not scheduled.
func TestDeprecationsWireShape(t *testing.T) {
	t.Parallel()
	srv := runnerstest.NewServer()
	srv.Org("octo-org")
	srv.SetDeprecation("2.329.0", runners.RunnerDeprecation{})

	r := raw(t, srv, http.MethodGet, "orgs/octo-org/actions/runners/deprecations/2.329.0", "")
	assert.Equal(t, http.StatusOK, r.Status)
	var fields map[string]any
	require.NoError(t, json.Unmarshal(r.Body, &fields))
	assert.Equal(t, map[string]any{"runner_version": "2.329.0", "registration_deprecates_at": nil, "runtime_deprecates_at": nil}, fields)
}

// The route takes its "deprecations" segment as a wildcard (ServeMux would
// refuse the literal next to {runner_id}/labels); only the literal is served.
func TestDeprecationsRouteNeedsItsLiteral(t *testing.T) {
	t.Parallel()
	srv := runnerstest.NewServer()
	seedDocumented(t, srv.Org("octo-org"))
	srv.SetDeprecation("2.329.0", runners.RunnerDeprecation{})
	srv.SetDeprecation("labels", runners.RunnerDeprecation{})

	for path, want := range map[string]int{
		"orgs/octo-org/actions/runners/deprecations/2.329.0": http.StatusOK,
		"orgs/octo-org/actions/runners/24/2.329.0":           http.StatusNotFound,
		"orgs/octo-org/actions/runners/downloads/2.329.0":    http.StatusNotFound,
		"orgs/octo-org/actions/runners/24/labels":            http.StatusOK,
		// Both patterns match; the labels one is the more specific, and
		// "deprecations" is no runner ID.
		"orgs/octo-org/actions/runners/deprecations/labels": http.StatusNotFound,
	} {
		assert.Equal(t, want, raw(t, srv, http.MethodGet, path, "").Status, path)
	}
}
