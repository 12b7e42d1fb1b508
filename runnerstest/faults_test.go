package runnerstest_test

import (
	"net/http"
	"testing"
	"time"

	"github.com/fleetkit/runners"
	"github.com/fleetkit/runners/runnerstest"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestFailNextThenResumes(t *testing.T) {
	t.Parallel()
	ctx := t.Context()
	srv, _, s := documentedOrg(t)
	srv.FailNext(2, runnerstest.Fault{Status: http.StatusBadGateway})

	for range 2 {
		_, err := s.ListRunners(ctx, nil)
		var apiErr *runners.Error
		require.ErrorAs(t, err, &apiErr)
		assert.Equal(t, http.StatusBadGateway, apiErr.StatusCode)
		assert.Equal(t, "Bad Gateway", apiErr.Message)
		assert.NotErrorIs(t, err, runners.ErrRateLimited)
		assert.NotErrorIs(t, err, runners.ErrNotFound)
	}
	list, err := s.ListRunners(ctx, nil)
	require.NoError(t, err, "normal service resumes")
	assert.Equal(t, 2, list.TotalCount)

	// A custom body and header.
	srv.FailNext(1, runnerstest.Fault{
		Status: http.StatusServiceUnavailable,
		Header: http.Header{"X-Custom": {"yes"}},
		Body:   `{"message":"Try later","documentation_url":"https://docs.github.com/rest","status":"503"}`,
	})
	r := raw(t, srv, http.MethodGet, "orgs/octo-org/actions/runners", "")
	assert.Equal(t, http.StatusServiceUnavailable, r.Status)
	assert.Equal(t, "yes", r.Header.Get("X-Custom"))
	assert.Equal(t, "Try later", decodeError(t, r).Message)

	// A fault stands in for the request: a failed delete deletes nothing.
	srv.FailNext(1, runnerstest.Fault{Status: http.StatusInternalServerError})
	assert.Error(t, s.DeleteRunner(ctx, 24))
	assert.Len(t, srv.Org("octo-org").Runners(), 2)
	require.NoError(t, s.DeleteRunner(ctx, 24))
	assert.Len(t, srv.Org("octo-org").Runners(), 1)

	// n ≤ 0 sets up nothing.
	srv.FailNext(0, runnerstest.Fault{Status: http.StatusInternalServerError})
	_, err = s.ListRunners(ctx, nil)
	assert.NoError(t, err)
}

func TestFailNextFilters(t *testing.T) {
	t.Parallel()
	ctx := t.Context()
	srv, _, s := documentedOrg(t)

	srv.FailNext(1, runnerstest.Fault{Status: http.StatusInternalServerError, Method: http.MethodDelete})
	srv.FailNext(2, runnerstest.Fault{Status: http.StatusTeapot, PathSuffix: "/labels"})

	_, err := s.ListRunners(ctx, nil)
	require.NoError(t, err, "a GET of runners matches neither fault")
	_, err = s.GetRunner(ctx, 24)
	require.NoError(t, err)

	_, err = s.ListLabels(ctx, 24)
	var apiErr *runners.Error
	require.ErrorAs(t, err, &apiErr)
	assert.Equal(t, http.StatusTeapot, apiErr.StatusCode)

	// DELETE .../labels matches the DELETE fault first: faults queue in order.
	_, err = s.RemoveAllLabels(ctx, 24)
	require.ErrorAs(t, err, &apiErr)
	assert.Equal(t, http.StatusInternalServerError, apiErr.StatusCode)
	stored, _ := srv.Org("octo-org").Runner(24)
	assert.Len(t, stored.Labels, 4)

	_, err = s.AddLabels(ctx, 24, "gpu")
	require.ErrorAs(t, err, &apiErr)
	assert.Equal(t, http.StatusTeapot, apiErr.StatusCode, "the second of two")

	require.NoError(t, s.DeleteRunner(ctx, 24), "the DELETE fault is used up")
	_, err = s.ListLabels(ctx, 23)
	require.NoError(t, err, "the /labels fault is used up")
}

func TestFailNextPrimaryRateLimit(t *testing.T) {
	t.Parallel()
	ctx := t.Context()
	srv := runnerstest.NewServer()
	srv.Org("octo-org")
	reset := time.Date(2026, 3, 10, 13, 0, 0, 0, time.UTC)
	srv.FailNext(1, runnerstest.PrimaryRateLimit(reset))
	s := srv.Client().Org("octo-org")

	_, err := s.CreateRegistrationToken(ctx)
	require.ErrorIs(t, err, runners.ErrRateLimited)
	var rl *runners.RateLimitError
	require.ErrorAs(t, err, &rl)
	assert.False(t, rl.Secondary)
	assert.True(t, rl.Reset.Equal(reset), "reset %v", rl.Reset)
	assert.Equal(t, 5000, rl.Limit)
	assert.Zero(t, rl.Remaining)
	var apiErr *runners.Error
	require.ErrorAs(t, err, &apiErr)
	assert.Equal(t, http.StatusForbidden, apiErr.StatusCode)
	assert.NotErrorIs(t, err, runners.ErrForbidden)

	_, err = s.CreateRegistrationToken(ctx)
	assert.NoError(t, err)
}

func TestFailNextSecondaryRateLimit(t *testing.T) {
	t.Parallel()
	ctx := t.Context()
	srv := runnerstest.NewServer()
	srv.Org("octo-org")
	srv.FailNext(1, runnerstest.SecondaryRateLimit(42*time.Second))
	s := srv.Client().Org("octo-org")

	_, err := s.ListRunners(ctx, nil)
	require.ErrorIs(t, err, runners.ErrRateLimited)
	var rl *runners.RateLimitError
	require.ErrorAs(t, err, &rl)
	assert.True(t, rl.Secondary)
	assert.Equal(t, 42*time.Second, rl.RetryAfter)
	assert.Equal(t, 42*time.Second, rl.Wait(time.Now()))

	_, err = s.ListRunners(ctx, nil)
	assert.NoError(t, err)
}

func TestSecondaryRateLimitRoundsUp(t *testing.T) {
	t.Parallel()
	for wait, want := range map[time.Duration]string{
		42 * time.Second:                  "42",
		1500 * time.Millisecond:           "2",
		300 * time.Millisecond:            "1",
		time.Nanosecond:                   "1",
		59*time.Second + time.Millisecond: "60",
		time.Hour:                         "3600",
		0:                                 "0",
		-5 * time.Second:                  "0",
	} {
		assert.Equal(t, want, runnerstest.SecondaryRateLimit(wait).Header.Get("Retry-After"), "%v", wait)
	}

	// The client waits at least what was asked.
	srv := runnerstest.NewServer()
	srv.Org("octo-org")
	srv.FailNext(1, runnerstest.SecondaryRateLimit(300*time.Millisecond))
	_, err := srv.Client().Org("octo-org").ListRunners(t.Context(), nil)
	var rl *runners.RateLimitError
	require.ErrorAs(t, err, &rl)
	assert.True(t, rl.Secondary)
	assert.Equal(t, time.Second, rl.RetryAfter)
}

func TestFailNextKeepsItsOwnCopy(t *testing.T) {
	t.Parallel()
	srv := runnerstest.NewServer()
	srv.Org("octo-org")
	f := runnerstest.Fault{Status: http.StatusServiceUnavailable, Header: http.Header{"X-Custom": {"before"}}}
	srv.FailNext(1, f)
	f.Header.Set("X-Custom", "after")

	r := raw(t, srv, http.MethodGet, "orgs/octo-org/actions/runners", "")
	assert.Equal(t, http.StatusServiceUnavailable, r.Status)
	assert.Equal(t, "before", r.Header.Get("X-Custom"))
	assert.Equal(t, "Service Unavailable", decodeError(t, r).Message)
}

// A fault's own X-RateLimit-* headers win over the fake's budget, however
// they are spelled.
func TestFaultRateLimitHeadersWin(t *testing.T) {
	t.Parallel()
	srv := runnerstest.NewServer()
	srv.Org("octo-org")
	srv.FailNext(1, runnerstest.Fault{Status: http.StatusForbidden, Header: http.Header{"X-RateLimit-Remaining": {"0"}, "x-ratelimit-reset": {"1773147600"}}})
	_, err := srv.Client().Org("octo-org").ListRunners(t.Context(), nil)
	var rl *runners.RateLimitError
	require.ErrorAs(t, err, &rl)
	assert.False(t, rl.Secondary)
	assert.Zero(t, rl.Remaining)
	assert.Equal(t, 5000, rl.Limit, "the fake's own where the fault sets none")
	assert.Equal(t, int64(1773147600), rl.Reset.Unix())
}
