package runnerstest_test

import (
	"context"
	"net/http"
	"testing"
	"time"

	"github.com/fleetkit/runners"
	"github.com/fleetkit/runners/runnerstest"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

var _ runners.Clock = (*runnerstest.Clock)(nil)

func TestClockMovesWhenTold(t *testing.T) {
	t.Parallel()
	clk := runnerstest.NewClock(t0)
	assert.Equal(t, t0, clk.Now())
	clk.Advance(time.Minute)
	assert.Equal(t, t0.Add(time.Minute), clk.Now())
	clk.Advance(-time.Hour)
	assert.Equal(t, t0.Add(time.Minute), clk.Now(), "a negative advance moves nothing")

	require.NoError(t, clk.Sleep(t.Context(), 30*time.Second))
	assert.Equal(t, t0.Add(90*time.Second), clk.Now(), "a sleep moves the clock by the wait, at once")

	ctx, cancel := context.WithCancel(t.Context())
	cancel()
	assert.ErrorIs(t, clk.Sleep(ctx, time.Hour), context.Canceled)
	assert.Equal(t, t0.Add(90*time.Second), clk.Now(), "a cancelled sleep moves nothing")

	clk.Set(t0.Add(-time.Hour))
	assert.Equal(t, t0.Add(-time.Hour), clk.Now())
}

// noRealWait bounds a call by a real deadline far below the waits it makes
// on the fake's clock: a client that slept in real time would fail.
func noRealWait(t *testing.T) context.Context {
	ctx, cancel := context.WithTimeout(t.Context(), 20*time.Second)
	t.Cleanup(cancel)
	return ctx
}

func TestClientRetriesOnTheServerClock(t *testing.T) {
	t.Parallel()
	ctx := noRealWait(t)
	clk := runnerstest.NewClock(t0)
	srv := runnerstest.NewServer()
	seedDocumented(t, srv.Org("octo-org"))
	c := srv.Client(runners.WithRetry(runners.RetryPolicy{MaxWait: time.Hour}))
	srv.SetClock(clk) // after Client: its client follows still
	s := c.Org("octo-org")

	// A secondary limit asks for a minute; the retry waits it on the clock.
	srv.FailNext(1, runnerstest.SecondaryRateLimit(time.Minute))
	list, err := s.ListRunners(ctx, nil)
	require.NoError(t, err)
	assert.Equal(t, 2, list.TotalCount)
	assert.Equal(t, t0.Add(time.Minute), clk.Now(), "the fake's time moved by the wait")
	assert.Len(t, srv.Requests(), 2)

	// A 5xx twice: two backoffs of the default policy, 0.5-1s then 1-2s.
	srv.FailNext(2, runnerstest.Fault{Status: http.StatusBadGateway})
	before := clk.Now()
	_, err = s.GetRunner(ctx, 24)
	require.NoError(t, err)
	waited := clk.Now().Sub(before)
	assert.True(t, waited >= 1500*time.Millisecond && waited <= 3*time.Second, "waited %v", waited)
}

func TestClientWaitsForTheResetOnTheServerClock(t *testing.T) {
	t.Parallel()
	ctx := noRealWait(t)
	clk := runnerstest.NewClock(t0)
	srv := runnerstest.NewServer()
	srv.SetClock(clk)
	srv.SetRateLimit(1)
	srv.Org("octo-org")
	s := srv.Client(runners.WithRetry(runners.RetryPolicy{MaxResetWait: 2 * time.Hour, MaxWait: 2 * time.Hour})).Org("octo-org")

	_, err := s.ListRunners(ctx, nil)
	require.NoError(t, err)
	_, err = s.ListRunners(ctx, nil)
	require.NoError(t, err, "the spent quota is waited out")
	assert.Equal(t, t0.Add(time.Hour+time.Second), clk.Now(), "until the reset, and the second the client adds")
	assert.Len(t, srv.Requests(), 2, "the client knew the quota was spent: it waited before sending, and sent once")
}

func TestSetClockNilRestoresTheRealTime(t *testing.T) {
	t.Parallel()
	srv := runnerstest.NewServer()
	srv.Org("octo-org")
	srv.SetClock(runnerstest.NewClock(t0))
	c := srv.Client()
	tok, err := c.Org("octo-org").CreateRegistrationToken(t.Context())
	require.NoError(t, err)
	assert.True(t, tok.ExpiresAt.Equal(t0.Add(time.Hour)))

	srv.SetClock(nil)
	tok, err = c.Org("octo-org").CreateRegistrationToken(t.Context())
	require.NoError(t, err)
	assert.WithinDuration(t, time.Now().Add(time.Hour), tok.ExpiresAt, time.Minute)
}
