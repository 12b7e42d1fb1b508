package fleet_test

import (
	"context"
	"errors"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/fleetkit/runners"
	"github.com/fleetkit/runners/fleet"
	"github.com/fleetkit/runners/runnerstest"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestDeleteWhenIdleDeletesIdleRunner(t *testing.T) {
	t.Parallel()
	srv, st, s := newFake(t, nil)
	st.AddRunner(runners.Runner{ID: 7, Name: "idle"})
	clock := &testClock{}

	require.NoError(t, fleet.DeleteWhenIdle(t.Context(), s, 7, &fleet.DeleteOptions{Clock: clock}))
	assert.Empty(t, st.Runners())
	assert.Equal(t, 1, countRequests(t, srv, http.MethodDelete, "/actions/runners/7"))
	assert.Empty(t, clock.Slept(), "no wait for an idle runner")
}

// A busy runner is asked for again until it has finished its job, each wait
// jittered between half and one and a half poll intervals.
func TestDeleteWhenIdleWaitsWhileBusy(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		name     string
		interval time.Duration // as given
		want     time.Duration // as used
	}{
		{"default", 0, 10 * time.Second},
		{"a minute", time.Minute, time.Minute},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			srv, st, s := newFake(t, nil)
			st.AddRunner(runners.Runner{ID: 7, Name: "busy", Status: runners.RunnerOnline, Busy: true})
			clock := &testClock{onSleep: func(n int) {
				if n == 3 { // the job ends during the third wait
					st.UpdateRunner(7, func(r *runners.Runner) { r.Busy = false })
				}
			}}

			err := fleet.DeleteWhenIdle(t.Context(), s, 7, &fleet.DeleteOptions{PollInterval: tc.interval, Clock: clock})
			require.NoError(t, err)
			assert.Empty(t, st.Runners(), "deleted once idle")
			assert.Equal(t, 4, countRequests(t, srv, http.MethodDelete, "/actions/runners/7"), "3 refused, then deleted")
			slept := clock.Slept()
			require.Len(t, slept, 3)
			for _, d := range slept {
				assert.GreaterOrEqual(t, d, tc.want/2)
				assert.Less(t, d, tc.want*3/2)
			}
		})
	}
}

// The end of the context ends the wait; the error says both why it waited
// and why it stopped.
func TestDeleteWhenIdleStopsWithContext(t *testing.T) {
	t.Parallel()
	ctx, cancel := context.WithCancel(t.Context())
	defer cancel()
	srv, st, s := newFake(t, nil)
	st.AddRunner(runners.Runner{ID: 7, Name: "busy", Status: runners.RunnerOnline, Busy: true})
	clock := &testClock{onSleep: func(int) { cancel() }}

	err := fleet.DeleteWhenIdle(ctx, s, 7, &fleet.DeleteOptions{PollInterval: time.Hour, Clock: clock})
	assert.ErrorIs(t, err, context.Canceled)
	assert.ErrorIs(t, err, runners.ErrRunnerBusy, "the error also says why it waited")
	var apiErr *runners.Error
	require.ErrorAs(t, err, &apiErr, "GitHub's last answer")
	assert.Equal(t, http.StatusUnprocessableEntity, apiErr.StatusCode)
	assert.True(t, strings.HasPrefix(err.Error(), "fleet: DeleteWhenIdle: stopped waiting for runner 7 to finish its job: context canceled (last answer: runners: "), err.Error())
	assert.Len(t, st.Runners(), 1, "the busy runner is still there")
	assert.Equal(t, 1, countRequests(t, srv, http.MethodDelete, "/actions/runners/7"))
	assert.Len(t, clock.Slept(), 1)
}

// Without a Clock the wait is in real time: it ends with ctx, however long
// the interval, and a wait of (almost) nothing is over at once.
func TestDeleteWhenIdleRealTime(t *testing.T) {
	t.Parallel()
	ctx, cancel := context.WithCancel(t.Context())
	defer cancel()
	_, st, s := newFake(t, after(func(r *http.Request, resp *http.Response) {
		if resp.StatusCode == http.StatusUnprocessableEntity {
			cancel()
		}
	}))
	st.AddRunner(runners.Runner{ID: 7, Name: "busy", Status: runners.RunnerOnline, Busy: true})
	err := fleet.DeleteWhenIdle(ctx, s, 7, &fleet.DeleteOptions{PollInterval: time.Hour})
	assert.ErrorIs(t, err, context.Canceled)
	assert.ErrorIs(t, err, runners.ErrRunnerBusy)

	srv, st, s := newFake(t, nil)
	st.AddRunner(runners.Runner{ID: 8, Name: "finishing", Status: runners.RunnerOnline})
	srv.FailNext(2, busyFault(8))                                                                      // refused twice, then idle
	err = fleet.DeleteWhenIdle(t.Context(), s, 8, &fleet.DeleteOptions{PollInterval: time.Nanosecond}) // each wait 0
	require.NoError(t, err)
	assert.Equal(t, 3, countRequests(t, srv, http.MethodDelete, "/actions/runners/8"))
	assert.Empty(t, st.Runners())
}

func TestDeleteWhenIdleMissingOK(t *testing.T) {
	t.Parallel()
	srv, _, s := newFake(t, nil)

	err := fleet.DeleteWhenIdle(t.Context(), s, 404, nil)
	assert.ErrorIs(t, err, runners.ErrNotFound, "a missing runner is an error by default")
	assert.NoError(t, fleet.DeleteWhenIdle(t.Context(), s, 404, &fleet.DeleteOptions{MissingOK: true}))
	assert.Equal(t, 2, countRequests(t, srv, http.MethodDelete, "/actions/runners/404"))
}

// Errors other than "busy" are not waited on; bad options send nothing.
func TestDeleteWhenIdleOtherErrors(t *testing.T) {
	t.Parallel()
	srv, st, s := newFake(t, nil)
	st.AddRunner(runners.Runner{ID: 7, Name: "idle"})
	clock := &testClock{}

	srv.FailNext(1, runnerstest.Fault{Status: http.StatusForbidden, Method: http.MethodDelete})
	err := fleet.DeleteWhenIdle(t.Context(), s, 7, &fleet.DeleteOptions{Clock: clock})
	assert.ErrorIs(t, err, runners.ErrForbidden)
	assert.Equal(t, 1, countRequests(t, srv, http.MethodDelete, "/actions/runners/7"), "not tried again")
	assert.Empty(t, clock.Slept())

	err = fleet.DeleteWhenIdle(t.Context(), s, 7, &fleet.DeleteOptions{PollInterval: -time.Second})
	assert.ErrorIs(t, err, runners.ErrInvalidArgument)
	assert.EqualError(t, err, "fleet: DeleteWhenIdle: the poll interval must not be negative, got -1s")
	err = fleet.DeleteWhenIdle(t.Context(), s, 0, nil)
	assert.ErrorIs(t, err, runners.ErrInvalidArgument)
	assert.False(t, errors.Is(err, runners.ErrRunnerBusy))
	assert.Equal(t, 1, countRequests(t, srv, http.MethodDelete, ""), "bad input sends nothing")
	assert.Len(t, st.Runners(), 1)
}
