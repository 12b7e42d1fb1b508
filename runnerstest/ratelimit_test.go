package runnerstest_test

import (
	"net/http"
	"strconv"
	"testing"
	"time"

	"github.com/fleetkit/runners"
	"github.com/fleetkit/runners/runnerstest"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// t0 is a whole second, as the fake's clock starts in these tests.
var t0 = time.Date(2026, 3, 10, 12, 0, 0, 0, time.UTC)

// budget is what an answer's X-RateLimit-* headers say.
type budget struct {
	Limit, Remaining, Used int
	Reset                  int64
	Resource               string
}

func budgetOf(t *testing.T, h http.Header) budget {
	t.Helper()
	n := func(k string) int64 {
		v, err := strconv.ParseInt(h.Get(k), 10, 64)
		require.NoError(t, err, "%s: %q", k, h.Get(k))
		return v
	}
	return budget{
		Limit: int(n("X-RateLimit-Limit")), Remaining: int(n("X-RateLimit-Remaining")), Used: int(n("X-RateLimit-Used")),
		Reset: n("X-RateLimit-Reset"), Resource: h.Get("X-RateLimit-Resource"),
	}
}

func TestRateLimitHeadersOnEveryAnswer(t *testing.T) {
	t.Parallel()
	srv := runnerstest.NewServer()
	srv.SetClock(runnerstest.NewClock(t0))
	seedDocumented(t, srv.Org("octo-org"))
	reset := t0.Add(time.Hour).Unix()

	for i, r := range []rawResponse{
		raw(t, srv, http.MethodGet, "orgs/octo-org/actions/runners", ""),
		raw(t, srv, http.MethodGet, "orgs/nope/actions/runners", ""),
		raw(t, srv, http.MethodPost, "orgs/octo-org/actions/runners/24/labels", `{}`),
		raw(t, srv, http.MethodPost, "orgs/octo-org/actions/runners/registration-token", ""),
		raw(t, srv, http.MethodDelete, "orgs/octo-org/actions/runners/24", ""),
		raw(t, srv, http.MethodGet, "user", ""),
	} {
		assert.Equal(t, budget{5000, 4999 - i, i + 1, reset, "core"}, budgetOf(t, r.Header), "answer %d (%d)", i, r.Status)
	}

	// A fault's answer carries them too, counted.
	srv.FailNext(1, runnerstest.Fault{Status: http.StatusBadGateway})
	r := raw(t, srv, http.MethodGet, "orgs/octo-org/actions/runners", "")
	assert.Equal(t, http.StatusBadGateway, r.Status)
	assert.Equal(t, budget{5000, 4993, 7, reset, "core"}, budgetOf(t, r.Header))

	// Without a credential: GitHub's 60 an hour.
	r = roundTrip(t, srv.Transport(), http.MethodGet, "http://"+fakeHost+"/orgs/octo-org/actions/runners", "", nil)
	assert.Equal(t, http.StatusUnauthorized, r.Status)
	assert.Equal(t, budget{60, 59, 1, reset, "core"}, budgetOf(t, r.Header))

	// The client reads them.
	c := srv.Client()
	_, err := c.Org("octo-org").ListRunners(t.Context(), nil)
	require.NoError(t, err)
	assert.Equal(t, map[string]runners.RateLimit{
		"core": {Resource: "core", Limit: 5000, Remaining: 4999, Used: 1, Reset: time.Unix(reset, 0)},
	}, c.RateLimits(), "srv.Client's own token has its own budget")
}

func TestRateLimitIsPerCredential(t *testing.T) {
	t.Parallel()
	srv := runnerstest.NewServer()
	srv.Org("octo-org")
	get := func(auth string) budget {
		r := roundTrip(t, srv.Transport(), http.MethodGet, "http://"+fakeHost+"/orgs/octo-org/actions/runners", "", http.Header{"Authorization": {auth}})
		require.Equal(t, http.StatusOK, r.Status)
		return budgetOf(t, r.Header)
	}
	assert.Equal(t, 1, get("Bearer a").Used)
	assert.Equal(t, 2, get("Bearer a").Used)
	assert.Equal(t, 1, get("Bearer b").Used)
	assert.Equal(t, 3, get("token a").Used, "the credential counts, not its scheme")
}

func TestSpentRateLimitIsPrimaryLimit(t *testing.T) {
	t.Parallel()
	ctx := t.Context()
	clk := runnerstest.NewClock(t0.Add(300 * time.Millisecond))
	srv := runnerstest.NewServer()
	srv.SetClock(clk)
	srv.SetRateLimit(3)
	seedDocumented(t, srv.Org("octo-org"))
	c := srv.Client()
	s := c.Org("octo-org")
	reset := t0.Add(time.Hour + time.Second) // an hour from the first request, up to the second

	for range 3 {
		_, err := s.GetRunner(ctx, 24)
		require.NoError(t, err)
	}
	for range 2 {
		clk.Advance(10 * time.Minute)
		// A fresh client with the same token: the first one knows the quota
		// is spent and would not send at all.
		err := srv.Client().Org("octo-org").DeleteRunner(ctx, 24)
		require.ErrorIs(t, err, runners.ErrRateLimited)
		var rl *runners.RateLimitError
		require.ErrorAs(t, err, &rl)
		assert.False(t, rl.Secondary, "the hourly quota")
		assert.Equal(t, 3, rl.Limit)
		assert.Zero(t, rl.Remaining)
		assert.Equal(t, 3, rl.Used, "a refused request does not count")
		assert.True(t, rl.Reset.Equal(reset), "reset %v", rl.Reset)
		assert.Equal(t, "API rate limit exceeded for user ID 1.", apiError(t, err).Message)
	}
	_, ok := srv.Org("octo-org").Runner(24)
	assert.True(t, ok, "a refused delete deletes nothing")

	r := raw(t, srv, http.MethodGet, "orgs/octo-org/actions/runners", "")
	assert.Equal(t, 1, budgetOf(t, r.Header).Used, "another credential has its own budget")

	// The reset, by the server's clock.
	clk.Set(reset.Add(-time.Nanosecond))
	_, err := s.GetRunner(ctx, 24)
	require.ErrorIs(t, err, runners.ErrRateLimited)
	clk.Set(reset)
	require.NoError(t, s.DeleteRunner(ctx, 24))
	assert.Equal(t, runners.RateLimit{Resource: "core", Limit: 3, Remaining: 2, Used: 1, Reset: time.Unix(reset.Add(time.Hour).Unix(), 0)}, c.RateLimits()["core"], "a new window")
}

func TestSetRateLimit(t *testing.T) {
	t.Parallel()
	srv := runnerstest.NewServer()
	srv.Org("octo-org")
	r := raw(t, srv, http.MethodGet, "orgs/octo-org/actions/runners", "")
	assert.Equal(t, 5000, budgetOf(t, r.Header).Limit, "GitHub.com's default")

	srv.SetRateLimit(2)
	r = raw(t, srv, http.MethodGet, "orgs/octo-org/actions/runners", "")
	assert.Equal(t, budget{2, 0, 2, budgetOf(t, r.Header).Reset, "core"}, budgetOf(t, r.Header), "the budget in use changes too")
	r = raw(t, srv, http.MethodGet, "orgs/octo-org/actions/runners", "")
	assert.Equal(t, http.StatusForbidden, r.Status)

	srv.SetRateLimit(0)
	r = raw(t, srv, http.MethodPost, "orgs/octo-org/actions/runners/registration-token", "")
	assert.Equal(t, http.StatusForbidden, r.Status)
	assert.Equal(t, "API rate limit exceeded for user ID 1.", decodeError(t, r).Message)

	assert.PanicsWithValue(t, "runnerstest: SetRateLimit: negative limit -1", func() { srv.SetRateLimit(-1) })
}

func TestAnonymousRateLimitIs60(t *testing.T) {
	t.Parallel()
	srv := runnerstest.NewServer()
	srv.Org("octo-org")
	get := func() rawResponse {
		return roundTrip(t, srv.Transport(), http.MethodGet, "http://"+fakeHost+"/orgs/octo-org/actions/runners", "", nil)
	}
	for range 60 {
		require.Equal(t, http.StatusUnauthorized, get().Status)
	}
	r := get()
	require.Equal(t, http.StatusForbidden, r.Status)
	assert.Equal(t, "API rate limit exceeded for 127.0.0.1.", decodeError(t, r).Message)
	assert.Equal(t, 0, budgetOf(t, r.Header).Remaining)
	assert.Equal(t, http.StatusOK, raw(t, srv, http.MethodGet, "orgs/octo-org/actions/runners", "").Status, "a credential has its own budget")
}
