package fleet_test

import (
	"errors"
	"net/http"
	"testing"

	"github.com/fleetkit/runners"
	"github.com/fleetkit/runners/fleet"
	"github.com/fleetkit/runners/runnerstest"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestFindRunner(t *testing.T) {
	t.Parallel()
	srv, st, s := newFake(t, nil)
	st.AddRunner(runners.Runner{ID: 10, Name: "build-10"})
	st.AddRunner(runners.Runner{ID: 11, Name: "build-1", Status: runners.RunnerOnline})
	st.AddRunner(runners.Runner{ID: 12, Name: "build-1x"})

	r, err := fleet.FindRunner(t.Context(), s, "build-1")
	require.NoError(t, err)
	assert.Equal(t, int64(11), r.ID)
	assert.Equal(t, runners.RunnerOnline, r.Status)
	reqs := srv.Requests()
	require.Len(t, reqs, 1, "one request, with the name filter")
	assert.Equal(t, "/orgs/octo-org/actions/runners", reqs[0].Path)
	assert.Equal(t, "build-1", reqs[0].Query.Get("name"))
}

// No runner of that name is ErrNotFound found without a 404; GitHub's own
// errors come back as they are.
func TestFindRunnerErrors(t *testing.T) {
	t.Parallel()
	srv, st, s := newFake(t, nil)
	st.AddRunner(runners.Runner{ID: 11, Name: "build-1"})

	_, err := fleet.FindRunner(t.Context(), s, "build-2")
	assert.ErrorIs(t, err, runners.ErrNotFound)
	assert.EqualError(t, err, `fleet: FindRunner: no runner named "build-2"`)
	var apiErr *runners.Error
	assert.False(t, errors.As(err, &apiErr), "no answer of GitHub's said so: the list was empty")

	_, err = fleet.FindRunner(t.Context(), s, "")
	assert.ErrorIs(t, err, runners.ErrInvalidArgument)
	assert.EqualError(t, err, "fleet: FindRunner: the runner name is empty")
	assert.Len(t, srv.Requests(), 1, "an empty name sends nothing")

	srv.FailNext(1, runnerstest.Fault{Status: http.StatusForbidden})
	_, err = fleet.FindRunner(t.Context(), s, "build-1")
	assert.ErrorIs(t, err, runners.ErrForbidden, "an API error comes back as it is")
	assert.NotErrorIs(t, err, runners.ErrNotFound)
	require.ErrorAs(t, err, &apiErr)
	assert.Equal(t, http.StatusForbidden, apiErr.StatusCode)
}
