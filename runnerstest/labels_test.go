package runnerstest_test

import (
	"context"
	"encoding/json"
	"net/http"
	"slices"
	"strings"
	"testing"

	"github.com/fleetkit/runners"
	"github.com/fleetkit/runners/runnerstest"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestListLabels(t *testing.T) {
	t.Parallel()
	ctx := t.Context()
	srv := runnerstest.NewServer()
	seedDocumented(t, srv.Org("octo-org"))
	ls, err := srv.Client().Org("octo-org").ListLabels(ctx, 24)
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
	ctx := t.Context()
	_, org, s := documentedOrg(t)

	ls, err := s.AddLabels(ctx, 24, "gpu", "no-gpu", "gpu")
	require.NoError(t, err)
	want := []string{"self-hosted:read-only", "X64:read-only", "macOS:read-only", "no-gpu:custom", "gpu:custom"}
	assert.Equal(t, want, labelSet(ls), "a label already present is not added twice")

	// Adding again is idempotent.
	ls, err = s.AddLabels(ctx, 24, "gpu")
	require.NoError(t, err)
	assert.Equal(t, want, labelSet(ls))
	stored, _ := org.Runner(24)
	assert.Equal(t, want, labelSet(stored.Labels))

	// The same name has the same ID on every runner.
	ls23, err := s.AddLabels(ctx, 23, "gpu")
	require.NoError(t, err)
	assert.Equal(t, ls[4].ID, ls23[3].ID)
	assert.NotZero(t, ls[4].ID)

	// 100 labels at once.
	many := labelNames(100)
	ls, err = s.AddLabels(ctx, 23, many...)
	require.NoError(t, err)
	assert.Len(t, ls, 3+1+100)
}

func TestAddLabelsValidatesTheBody(t *testing.T) {
	t.Parallel()
	srv := runnerstest.NewServer()
	org := srv.Org("octo-org")
	seedDocumented(t, org)
	before, _ := org.Runner(24)
	labels101 := quotedLabels(101)
	assertRefused(t, srv, http.MethodPost, "orgs/octo-org/actions/runners/24/labels", []string{
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
	}, func(ctx context.Context, s runners.Scope) error {
		_, err := s.AddLabels(ctx, 24, "ok")
		return err
	})
	after, _ := org.Runner(24)
	assert.Equal(t, labelSet(before.Labels), labelSet(after.Labels), "a refused add changes nothing")

	r := raw(t, srv, http.MethodPost, "orgs/octo-org/actions/runners/24/labels", `{"labels":[`+strings.Join(labels101[:100], ",")+`]}`)
	require.Equal(t, http.StatusOK, r.Status, "100 labels are fine")
}

func TestSetLabels(t *testing.T) {
	t.Parallel()
	ctx := t.Context()
	srv, org, s := documentedOrg(t)
	readOnly := []string{"self-hosted:read-only", "X64:read-only", "macOS:read-only"}

	ls, err := s.SetLabels(ctx, 24, "gpu", "big")
	require.NoError(t, err)
	assert.Equal(t, append(slices.Clone(readOnly), "gpu:custom", "big:custom"), labelSet(ls), "custom labels replaced, read-only kept")

	// Naming a read-only label keeps it read-only, once.
	ls, err = s.SetLabels(ctx, 24, "macOS", "small")
	require.NoError(t, err)
	assert.Equal(t, append(slices.Clone(readOnly), "small:custom"), labelSet(ls))

	// No labels removes every custom label.
	ls, err = s.SetLabels(ctx, 24)
	require.NoError(t, err)
	assert.Equal(t, readOnly, labelSet(ls))
	stored, _ := org.Runner(24)
	assert.Equal(t, readOnly, labelSet(stored.Labels))
	r := raw(t, srv, http.MethodPut, "orgs/octo-org/actions/runners/24/labels", `{"labels":[]}`)
	assert.Equal(t, http.StatusOK, r.Status)

	// 100 labels.
	many := labelNames(100)
	ls, err = s.SetLabels(ctx, 24, many...)
	require.NoError(t, err)
	assert.Len(t, ls, 103)
}

func TestSetLabelsRefusedChangesNothing(t *testing.T) {
	t.Parallel()
	ctx := t.Context()
	srv := runnerstest.NewServer()
	org := srv.Org("octo-org")
	seedDocumented(t, org)
	_, err := srv.Client().Org("octo-org").AddLabels(ctx, 24, "gpu")
	require.NoError(t, err)
	before, _ := org.Runner(24)
	assertRefused(t, srv, http.MethodPut, "orgs/octo-org/actions/runners/24/labels", []string{
		`{"labels":[` + strings.Join(quotedLabels(101), ",") + `]}`,
		`{"labels":["ok",""]}`,
		`{"labels":"gpu"}`,
		`{"labels":null}`,
		`{}`,
		`[]`,
	}, func(ctx context.Context, s runners.Scope) error {
		_, err := s.SetLabels(ctx, 24, "ok")
		return err
	})
	after, _ := org.Runner(24)
	assert.Equal(t, labelSet(before.Labels), labelSet(after.Labels))
	assert.Contains(t, labelSet(after.Labels), "gpu:custom")
}

func TestRemoveAllLabelsKeepsReadOnly(t *testing.T) {
	t.Parallel()
	ctx := t.Context()
	_, org, s := documentedOrg(t)
	_, err := s.AddLabels(ctx, 24, "gpu", "big")
	require.NoError(t, err)

	ls, err := s.RemoveAllLabels(ctx, 24)
	require.NoError(t, err)
	want := []string{"self-hosted:read-only", "X64:read-only", "macOS:read-only"}
	assert.Equal(t, want, labelSet(ls))
	stored, _ := org.Runner(24)
	assert.Equal(t, want, labelSet(stored.Labels))

	// Again: nothing left to remove, still fine.
	ls, err = s.RemoveAllLabels(ctx, 24)
	require.NoError(t, err)
	assert.Equal(t, want, labelSet(ls))

	// The other runner is untouched.
	other, _ := org.Runner(23)
	assert.Len(t, other.Labels, 3)
}

func TestRemoveLabel(t *testing.T) {
	t.Parallel()
	ctx := t.Context()
	_, org, s := documentedOrg(t)

	ls, err := s.RemoveLabel(ctx, 24, "no-gpu")
	require.NoError(t, err)
	assert.Equal(t, []string{"self-hosted:read-only", "X64:read-only", "macOS:read-only"}, labelSet(ls))

	// A label the runner lacks is 404.
	for _, name := range []string{"no-gpu", "never-there"} {
		_, err = s.RemoveLabel(ctx, 24, name)
		assert.ErrorIs(t, err, runners.ErrNotFound, name)
	}
	// A read-only label is 422 and stays.
	_, err = s.RemoveLabel(ctx, 24, "macOS")
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
	ctx := t.Context()
	const name = "gpu/a b?#%"
	const escaped = "gpu%2Fa%20b%3F%23%25"
	srv := runnerstest.NewServer()
	org := srv.Org("octo-org")
	seedDocumented(t, org)
	sock, _ := socketClient(t, srv)

	for _, c := range []*runners.Client{srv.Client(), sock} {
		s := c.Org("octo-org")
		ls, err := s.AddLabels(ctx, 24, name)
		require.NoError(t, err)
		assert.Contains(t, labelSet(ls), name+":custom")
		ls, err = s.ListLabels(ctx, 24)
		require.NoError(t, err)
		assert.Contains(t, labelSet(ls), name+":custom")

		ls, err = s.RemoveLabel(ctx, 24, name)
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
	_, err := srv.Client().Org("octo-org").AddLabels(ctx, 24, name)
	require.NoError(t, err)
	_, err = srv.Client().Org("octo-org").RemoveLabel(ctx, 24, "gpu")
	assert.ErrorIs(t, err, runners.ErrNotFound)
}
