package fleet_test

import (
	"net/http"
	"strings"
	"sync"
	"testing"

	"github.com/fleetkit/runners"
	"github.com/fleetkit/runners/fleet"
	"github.com/fleetkit/runners/runnerstest"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func jitRequest() *runners.JITConfigRequest {
	return &runners.JITConfigRequest{Name: "jit-1", RunnerGroupID: 1, Labels: []string{"linux"}}
}

// ownsEphemeralOffline is what a JIT autoscaler typically owns.
func ownsEphemeralOffline(r *runners.Runner) bool {
	return r.Ephemeral && r.Status == runners.RunnerOffline && strings.HasPrefix(r.Name, "jit-")
}

func TestGenerateJITConfigReplacingNoConflict(t *testing.T) {
	t.Parallel()
	srv, st, s := newFake(t, nil)
	called := false
	jit, err := fleet.GenerateJITConfigReplacing(t.Context(), s, jitRequest(), func(*runners.Runner) bool { called = true; return true })
	require.NoError(t, err)
	assert.Equal(t, "jit-1", jit.Runner.Name)
	assert.NotEmpty(t, jit.EncodedJITConfig)
	assert.False(t, called, "owns is only asked after a conflict")
	assert.Len(t, srv.Requests(), 1)
	assert.Len(t, st.Runners(), 1)
}

// The usual 409: a runner of that name left behind by an earlier try. It is
// deleted, and the config made again, once.
func TestGenerateJITConfigReplacingReplacesOwnedIdleRunner(t *testing.T) {
	t.Parallel()
	srv, st, s := newFake(t, nil)
	st.AddRunner(runners.Runner{ID: 5, Name: "jit-1", Ephemeral: true})
	st.AddRunner(runners.Runner{ID: 6, Name: "jit-2", Ephemeral: true})

	var seen []*runners.Runner
	jit, err := fleet.GenerateJITConfigReplacing(t.Context(), s, jitRequest(), func(r *runners.Runner) bool {
		seen = append(seen, r)
		return ownsEphemeralOffline(r)
	})
	require.NoError(t, err)
	require.Len(t, seen, 1)
	assert.Equal(t, int64(5), seen[0].ID, "owns is asked about the runner in the way")
	assert.Equal(t, "jit-1", jit.Runner.Name)
	assert.NotEqual(t, int64(5), jit.Runner.ID, "a new runner")
	assert.Equal(t, []string{"jit-2", "jit-1"}, stateNames(st.Runners()))

	var got []string
	for _, r := range srv.Requests() {
		got = append(got, r.Method+" "+strings.TrimPrefix(r.Path, "/orgs/octo-org")+" "+r.Query.Encode())
	}
	assert.Equal(t, []string{
		"POST /actions/runners/generate-jitconfig ",
		"GET /actions/runners name=jit-1&per_page=100",
		"DELETE /actions/runners/5 ",
		"POST /actions/runners/generate-jitconfig ",
	}, got)
}

// A runner that is not the caller's, or is busy, is never deleted: the
// conflict comes back.
func TestGenerateJITConfigReplacingKeepsOthers(t *testing.T) {
	t.Parallel()
	cases := []struct {
		name   string
		runner runners.Runner
		owns   func(*runners.Runner) bool
	}{
		{"not owned", runners.Runner{ID: 5, Name: "jit-1"}, ownsEphemeralOffline},
		{"busy", runners.Runner{ID: 5, Name: "jit-1", Ephemeral: true, Busy: true}, ownsEphemeralOffline},
		{"busy, owns everything", runners.Runner{ID: 5, Name: "jit-1", Busy: true, Status: runners.RunnerOnline}, func(*runners.Runner) bool { return true }},
		{"nil owns", runners.Runner{ID: 5, Name: "jit-1", Ephemeral: true}, nil},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			srv, st, s := newFake(t, nil)
			st.AddRunner(tc.runner)

			jit, err := fleet.GenerateJITConfigReplacing(t.Context(), s, jitRequest(), tc.owns)
			assert.Nil(t, jit)
			assert.ErrorIs(t, err, runners.ErrConflict)
			var apiErr *runners.Error
			require.ErrorAs(t, err, &apiErr)
			assert.Equal(t, http.StatusConflict, apiErr.StatusCode)
			assert.Zero(t, countRequests(t, srv, http.MethodDelete, ""), "nothing deleted")
			assert.Equal(t, 1, countRequests(t, srv, http.MethodPost, "/generate-jitconfig"), "not tried again")
			assert.Len(t, st.Runners(), 1)
		})
	}
}

// The second try is the last: a second 409 is returned.
func TestGenerateJITConfigReplacingTriesOnce(t *testing.T) {
	t.Parallel()
	var srv *runnerstest.Server
	var mu sync.Mutex
	deleted := false
	srv, st, s := newFake(t, func(rt http.RoundTripper) http.RoundTripper {
		return roundTripFunc(func(r *http.Request) (*http.Response, error) {
			mu.Lock()
			if deleted && r.Method == http.MethodPost { // someone takes the name again
				srv.FailNext(1, runnerstest.Fault{Status: http.StatusConflict, Method: http.MethodPost})
			}
			deleted = deleted || r.Method == http.MethodDelete
			mu.Unlock()
			return rt.RoundTrip(r)
		})
	})
	st.AddRunner(runners.Runner{ID: 5, Name: "jit-1", Ephemeral: true})

	_, err := fleet.GenerateJITConfigReplacing(t.Context(), s, jitRequest(), ownsEphemeralOffline)
	assert.ErrorIs(t, err, runners.ErrConflict)
	assert.Equal(t, 2, countRequests(t, srv, http.MethodPost, "/generate-jitconfig"))
	assert.Equal(t, 1, countRequests(t, srv, http.MethodDelete, "/actions/runners/5"))
}

// A runner that takes a job between the look and the delete is refused by
// GitHub: the conflict comes back and the runner stays.
func TestGenerateJITConfigReplacingRunnerTurnsBusy(t *testing.T) {
	t.Parallel()
	srv, st, s := newFake(t, nil)
	st.AddRunner(runners.Runner{ID: 5, Name: "jit-1", Ephemeral: true})
	srv.FailNext(1, busyFault(5))
	_, err := fleet.GenerateJITConfigReplacing(t.Context(), s, jitRequest(), ownsEphemeralOffline)
	assert.ErrorIs(t, err, runners.ErrConflict)
	assert.NotErrorIs(t, err, runners.ErrRunnerBusy)
	assert.Equal(t, 1, countRequests(t, srv, http.MethodPost, "/generate-jitconfig"))
	assert.True(t, hasRunner(st, 5))
}

// A runner gone since the 409 leaves the way free; a bad request is refused
// before sending.
func TestGenerateJITConfigReplacingRunnerGone(t *testing.T) {
	t.Parallel()
	var st *runnerstest.ScopeState
	srv, st, s := newFake(t, after(func(r *http.Request, resp *http.Response) {
		if resp.StatusCode == http.StatusConflict {
			st.RemoveRunner(5) // the runner ends on its own
		}
	}))
	st.AddRunner(runners.Runner{ID: 5, Name: "jit-1", Ephemeral: true})
	jit, err := fleet.GenerateJITConfigReplacing(t.Context(), s, jitRequest(), func(*runners.Runner) bool {
		t.Error("owns is not asked about a runner that is gone")
		return false
	})
	require.NoError(t, err)
	assert.Equal(t, "jit-1", jit.Runner.Name)
	assert.Zero(t, countRequests(t, srv, http.MethodDelete, ""))
	assert.Equal(t, 2, countRequests(t, srv, http.MethodPost, "/generate-jitconfig"))

	_, err = fleet.GenerateJITConfigReplacing(t.Context(), s, nil, ownsEphemeralOffline)
	assert.ErrorIs(t, err, runners.ErrInvalidArgument, "a bad request is refused before sending")
	assert.Equal(t, 2, countRequests(t, srv, http.MethodPost, "/generate-jitconfig"))
}
