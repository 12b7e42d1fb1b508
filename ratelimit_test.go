package runners

import (
	"errors"
	"net/http"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// Issue 11, item 6: X-RateLimit-Remaining: 0 is the primary limit whatever
// the message or documentation URL say; a retry does not resend against the
// spent quota before its reset.
func TestRateLimitSpentQuotaIsPrimary(t *testing.T) {
	t.Parallel()
	reset := time.Now().Add(30 * time.Minute).Truncate(time.Second)
	for name, body := range map[string]string{
		"secondary docs URL": `{"message":"You have exceeded a secondary rate limit","documentation_url":"https://docs.github.com/rest/overview/rate-limits-for-the-rest-api#about-secondary-rate-limits"}`,
		"abuse docs URL":     `{"message":"API rate limit exceeded","documentation_url":"https://docs.github.com/rest/overview/resources-in-the-rest-api#abuse-rate-limits"}`,
	} {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			c, rec, sl := retryClient(t, RetryPolicy{}, respondBody(http.StatusForbidden, body,
				"X-RateLimit-Limit", "5000", "X-RateLimit-Remaining", "0", "X-RateLimit-Reset", strconv.FormatInt(reset.Unix(), 10)))
			_, err := c.Org("octo-org").GetRunner(t.Context(), 1)
			var rl *RateLimitError
			require.True(t, errors.As(err, &rl), "%v", err)
			assert.False(t, rl.Secondary, "a spent quota is the primary limit")
			assert.Equal(t, reset, rl.Reset)
			assert.Len(t, rec.all(), 1, "not resent against an empty quota")
			assert.Empty(t, sl.all())
		})
	}
}

// spentQuotaServer answers every request with 200 and the rate-limit
// headers of h, counting the requests; set h before each call.
type spentQuotaServer struct {
	mu sync.Mutex
	h  map[string]string
}

func (s *spentQuotaServer) set(h map[string]string) {
	s.mu.Lock()
	s.h = h
	s.mu.Unlock()
}

func (s *spentQuotaServer) handler(t *testing.T) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		s.mu.Lock()
		for k, v := range s.h {
			w.Header().Set(k, v)
		}
		s.mu.Unlock()
		switch {
		case r.Method == http.MethodPost && strings.HasSuffix(r.URL.Path, "/generate-jitconfig"):
			respond(t, http.StatusCreated, "jitconfig.json")(w, r)
		case r.Method == http.MethodPost:
			respond(t, http.StatusCreated, "registration_token.json")(w, r)
		case r.Method == http.MethodDelete:
			w.WriteHeader(http.StatusNoContent)
		case strings.HasSuffix(r.URL.Path, "/actions/runners"):
			respond(t, http.StatusOK, "list_runners.json")(w, r)
		default:
			respond(t, http.StatusOK, "get_runner.json")(w, r)
		}
	}
}

func spentHeaders(reset time.Time) map[string]string {
	return map[string]string{"X-RateLimit-Limit": "5000", "X-RateLimit-Remaining": "0", "X-RateLimit-Used": "5000",
		"X-RateLimit-Reset": strconv.FormatInt(reset.Unix(), 10), "X-RateLimit-Resource": "core"}
}

func testJIT() *JITConfigRequest {
	return &JITConfigRequest{Name: "jit-1", RunnerGroupID: 1, Labels: []string{"self-hosted"}}
}

// A request whose quota GitHub last reported spent is not sent until the
// reset: it fails at once with the *RateLimitError, whatever the operation
// (a JIT config request too), and the observer sees it with no answer.
func TestRateLimitSpentQuotaNotSent(t *testing.T) {
	t.Parallel()
	clock := newTestClock()
	reset := clock.Now().Add(10 * time.Minute)
	var srv spentQuotaServer
	var obs observed
	c, rec := newTestClient(t, srv.handler(t), WithClock(clock), WithObserver(obs.observe))
	org := c.Org("octo-org")
	srv.set(spentHeaders(reset))
	_, err := org.GetRunner(t.Context(), 23) // the answer that spent the quota
	require.NoError(t, err)
	require.Len(t, rec.all(), 1)

	calls := map[string]func() error{
		"GetRunner":               func() error { _, err := org.GetRunner(t.Context(), 23); return err },
		"ListRunners":             func() error { _, err := org.ListRunners(t.Context(), nil); return err },
		"DeleteRunner":            func() error { return org.DeleteRunner(t.Context(), 23) },
		"CreateRegistrationToken": func() error { _, err := org.CreateRegistrationToken(t.Context()); return err },
		"GenerateJITConfig":       func() error { _, err := org.GenerateJITConfig(t.Context(), testJIT()); return err },
	}
	for op, call := range calls {
		obs.infos = nil
		err := call()
		require.ErrorIs(t, err, ErrRateLimited, op)
		var rl *RateLimitError
		require.ErrorAs(t, err, &rl, op)
		assert.False(t, rl.Secondary, op)
		assert.True(t, reset.Truncate(time.Second).Equal(rl.Reset), "%s: Reset %v, want %v", op, rl.Reset, reset)
		assert.Equal(t, 5000, rl.Limit, op)
		assert.Zero(t, rl.Remaining, op)
		assert.Equal(t, "core", rl.Resource, op)
		assert.Zero(t, rl.Err.StatusCode, "%s: no answer", op)
		assert.Contains(t, err.Error(), "not sent", op)
		require.Len(t, obs.infos, 1, op)
		ri := obs.infos[0]
		assert.Equal(t, op, ri.Operation)
		assert.Zero(t, ri.StatusCode, op)
		assert.Equal(t, 1, ri.Attempt, op)
		assert.Same(t, err, ri.Err, op)
		assert.Zero(t, ri.Duration, op)
	}
	assert.Len(t, rec.all(), 1, "nothing sent until the reset")

	clock.Advance(10*time.Minute - time.Second)
	_, err = org.GetRunner(t.Context(), 23)
	require.ErrorIs(t, err, ErrRateLimited, "a second before the reset")
	clock.Advance(time.Second)
	srv.set(map[string]string{"X-RateLimit-Limit": "5000", "X-RateLimit-Remaining": "4999", "X-RateLimit-Reset": strconv.FormatInt(reset.Add(time.Hour).Unix(), 10)})
	_, err = org.GetRunner(t.Context(), 23)
	require.NoError(t, err, "at the reset")
	_, err = org.GetRunner(t.Context(), 23)
	require.NoError(t, err)
	assert.Len(t, rec.all(), 3)
}

// With WithRetry allowing the wait, a request against a spent quota waits
// on the client's clock for the reset and is then sent once, a JIT config
// request included (it was never sent). A wait beyond MaxResetWait or
// MaxWait is not made.
func TestRateLimitSpentQuotaWaitsForReset(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		name   string
		policy RetryPolicy
		waits  bool
	}{
		{"within MaxResetWait", RetryPolicy{MaxResetWait: 15 * time.Minute, MaxWait: time.Hour}, true},
		{"beyond MaxResetWait", RetryPolicy{MaxResetWait: 5 * time.Minute, MaxWait: time.Hour}, false},
		{"beyond MaxWait", RetryPolicy{MaxResetWait: 15 * time.Minute, MaxWait: 5 * time.Minute}, false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			clock := newTestClock()
			reset := clock.Now().Add(10 * time.Minute)
			var srv spentQuotaServer
			c, rec := newTestClient(t, srv.handler(t), WithClock(clock), WithRetry(tc.policy))
			srv.set(spentHeaders(reset))
			_, err := c.Org("octo-org").GetRunner(t.Context(), 23)
			require.NoError(t, err)
			srv.set(nil)
			start := clock.Now()
			jit, err := c.Org("octo-org").GenerateJITConfig(t.Context(), testJIT())
			if !tc.waits {
				require.ErrorIs(t, err, ErrRateLimited)
				assert.Len(t, rec.all(), 1, "not sent")
				assert.Equal(t, start, clock.Now(), "no wait")
				return
			}
			require.NoError(t, err)
			assert.Equal(t, int64(23), jit.Runner.ID)
			assert.Equal(t, 10*time.Minute+time.Second, clock.Now().Sub(start), "waited for the reset, to the second")
			reqs := rec.all()
			require.Len(t, reqs, 2)
			assert.Equal(t, http.MethodPost, reqs[1].Method, "the JIT config request, sent once")
		})
	}
}

// The budget is each credential's: an installation whose quota is spent
// refuses its own scopes' requests, and another installation of the same
// App still sends.
func TestRateLimitPerCredential(t *testing.T) {
	t.Parallel()
	f, c := newAppFake(t, newTestClock())
	f.install(testClientID, appTestKey(), 1, 1, "orgs/a")
	f.install(testClientID, appTestKey(), 2, fakeLimit, "orgs/b")
	_, err := c.Org("a").GetRunner(t.Context(), 23) // its last request: remaining 0
	require.NoError(t, err)
	_, err = c.Org("a").GetRunner(t.Context(), 23)
	require.ErrorIs(t, err, ErrRateLimited)
	_, err = c.Org("b").GetRunner(t.Context(), 23)
	require.NoError(t, err, "installation 2 has its own quota")
	assert.Len(t, f.servedRequests(), 2, "orgs/a's second request was not sent")
	byCred := c.RateLimitsByCredential()
	require.Len(t, byCred, 3, "the JWT and two installations")
	assert.Equal(t, []int64{0, 1, 2}, []int64{byCred[0].InstallationID, byCred[1].InstallationID, byCred[2].InstallationID})
	assert.Zero(t, byCred[1].RateLimits["core"].Remaining)
	assert.Equal(t, fakeLimit-1, byCred[2].RateLimits["core"].Remaining)
}

// Remaining 0 without a reset time, or with a reset already past, is not a
// reason to hold a request: the client acts only on what GitHub sent.
func TestRateLimitSpentQuotaNeedsAFutureReset(t *testing.T) {
	t.Parallel()
	clock := newTestClock()
	for name, h := range map[string]map[string]string{
		"no reset":   {"X-RateLimit-Limit": "5000", "X-RateLimit-Remaining": "0"},
		"past reset": spentHeaders(clock.Now().Add(-time.Minute)),
		"no limit":   {"X-RateLimit-Remaining": "0", "X-RateLimit-Reset": strconv.FormatInt(clock.Now().Add(time.Hour).Unix(), 10)},
	} {
		var srv spentQuotaServer
		srv.set(h)
		c, rec := newTestClient(t, srv.handler(t), WithClock(clock))
		for range 2 {
			_, err := c.Org("octo-org").GetRunner(t.Context(), 23)
			require.NoError(t, err, name)
		}
		assert.Len(t, rec.all(), 2, name)
	}
}

// TestRateLimitsLatestPerResource checks that RateLimits reports the
// latest X-RateLimit-* values per resource: "core" when the response names
// none, error responses included, responses without the headers (or with a
// malformed limit) changing nothing, and a copy the caller may modify.
func TestRateLimitsLatestPerResource(t *testing.T) {
	t.Parallel()
	var mu sync.Mutex
	var status int
	var header map[string]string
	c, rec := newTestClient(t, func(w http.ResponseWriter, r *http.Request) {
		mu.Lock()
		st, h := status, header
		mu.Unlock()
		for k, v := range h {
			w.Header().Set(k, v)
		}
		if st == http.StatusOK {
			respondBody(st, runnerJSON)(w, r)
			return
		}
		respondBody(st, string(fixture(t, "error_rate_limit.json")))(w, r)
	})
	answerWith := func(st int, h map[string]string) {
		mu.Lock()
		status, header = st, h
		mu.Unlock()
	}
	get := func() error {
		_, err := c.Org("octo-org").GetRunner(t.Context(), 42)
		return err
	}
	reset1, reset2, reset3, reset4 := time.Unix(1767225600, 0), time.Unix(1767229200, 0), time.Unix(1767232800, 0), time.Unix(1767236400, 0)
	unix := func(tm time.Time) string { return strconv.FormatInt(tm.Unix(), 10) }

	assert.Empty(t, c.RateLimits(), "nothing reported before the first response")

	answerWith(http.StatusOK, map[string]string{"X-RateLimit-Limit": "5000", "X-RateLimit-Remaining": "4999", "X-RateLimit-Used": "1", "X-RateLimit-Reset": unix(reset1), "X-RateLimit-Resource": "core"})
	require.NoError(t, get())
	core1 := RateLimit{Resource: "core", Limit: 5000, Remaining: 4999, Used: 1, Reset: reset1}
	assert.Equal(t, map[string]RateLimit{"core": core1}, c.RateLimits())

	// No X-RateLimit-Resource: the runner endpoints count against core.
	answerWith(http.StatusOK, map[string]string{"X-RateLimit-Limit": "5000", "X-RateLimit-Remaining": "4990", "X-RateLimit-Used": "10", "X-RateLimit-Reset": unix(reset2)})
	require.NoError(t, get())
	core2 := RateLimit{Resource: "core", Limit: 5000, Remaining: 4990, Used: 10, Reset: reset2}
	assert.Equal(t, map[string]RateLimit{"core": core2}, c.RateLimits())

	// A second resource is kept beside the first.
	answerWith(http.StatusOK, map[string]string{"X-RateLimit-Limit": "10000", "X-RateLimit-Remaining": "9998", "X-RateLimit-Used": "2", "X-RateLimit-Reset": unix(reset3), "X-RateLimit-Resource": "actions_runner_registration"})
	require.NoError(t, get())
	reg := RateLimit{Resource: "actions_runner_registration", Limit: 10000, Remaining: 9998, Used: 2, Reset: reset3}
	assert.Equal(t, map[string]RateLimit{"core": core2, "actions_runner_registration": reg}, c.RateLimits())

	// Without the headers, or with a limit that is not a number: no change.
	answerWith(http.StatusOK, nil)
	require.NoError(t, get())
	answerWith(http.StatusOK, map[string]string{"X-RateLimit-Limit": "lots", "X-RateLimit-Remaining": "1", "X-RateLimit-Resource": "core"})
	require.NoError(t, get())
	assert.Equal(t, map[string]RateLimit{"core": core2, "actions_runner_registration": reg}, c.RateLimits())

	// An error response reports the limit too: here the spent quota.
	answerWith(http.StatusForbidden, map[string]string{"X-RateLimit-Limit": "5000", "X-RateLimit-Remaining": "0", "X-RateLimit-Used": "5000", "X-RateLimit-Reset": unix(reset4), "X-RateLimit-Resource": "core"})
	err := get()
	require.ErrorIs(t, err, ErrRateLimited)
	var rl *RateLimitError
	require.ErrorAs(t, err, &rl)
	assert.True(t, reset4.Equal(rl.Reset), "RateLimitError.Reset %v, want %v", rl.Reset, reset4)
	core3 := RateLimit{Resource: "core", Limit: 5000, Remaining: 0, Used: 5000, Reset: reset4}
	want := map[string]RateLimit{"core": core3, "actions_runner_registration": reg}
	assert.Equal(t, want, c.RateLimits())

	// The map returned is the caller's own.
	got := c.RateLimits()
	delete(got, "core")
	got["actions_runner_registration"] = RateLimit{Resource: "changed"}
	got["search"] = RateLimit{Resource: "search", Limit: 30}
	assert.Equal(t, want, c.RateLimits(), "modifying a returned map changes nothing")
	assert.Len(t, rec.all(), 6)
}

// TestRateLimitsConcurrent reads RateLimits while requests update it,
// for the race detector; the last value seen is one a response sent.
func TestRateLimitsConcurrent(t *testing.T) {
	t.Parallel()
	var used atomic.Int64
	c, _ := newTestClient(t, func(w http.ResponseWriter, r *http.Request) {
		n := used.Add(1)
		respondBody(http.StatusOK, runnerJSON, "X-RateLimit-Limit", "5000",
			"X-RateLimit-Remaining", strconv.FormatInt(5000-n, 10), "X-RateLimit-Used", strconv.FormatInt(n, 10))(w, r)
	})
	const workers, each = 8, 10
	var wg sync.WaitGroup
	stop := make(chan struct{})
	reads := make(chan int)
	go func() {
		n := 0
		for {
			select {
			case <-stop:
				reads <- n
				return
			default:
				for _, rl := range c.RateLimits() {
					if rl.Used+rl.Remaining != 5000 {
						t.Errorf("torn rate limit %+v", rl)
					}
				}
				n++
			}
		}
	}()
	for range workers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for range each {
				if _, err := c.Org("octo-org").GetRunner(t.Context(), 42); err != nil {
					t.Errorf("GetRunner: %v", err)
				}
			}
		}()
	}
	wg.Wait()
	close(stop)
	assert.Positive(t, <-reads)
	core, ok := c.RateLimits()["core"]
	require.True(t, ok)
	assert.Equal(t, 5000, core.Limit)
	assert.Equal(t, 5000, core.Used+core.Remaining)
	assert.GreaterOrEqual(t, core.Used, 1)
	assert.LessOrEqual(t, core.Used, workers*each)
}

// A primary limit without X-RateLimit-Limit still carries what was sent.
func TestRateLimitWithoutLimitHeader(t *testing.T) {
	t.Parallel()
	reset := time.Now().Add(time.Hour).Truncate(time.Second)
	c, _ := newTestClient(t, func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("X-RateLimit-Remaining", "0")
		w.Header().Set("X-RateLimit-Reset", strconv.FormatInt(reset.Unix(), 10))
		respond(t, http.StatusForbidden, "error_rate_limit.json")(w, r)
	})
	_, err := c.Org("octo-org").GetRunner(t.Context(), 23)
	var rl *RateLimitError
	require.ErrorAs(t, err, &rl)
	assert.False(t, rl.Secondary)
	assert.True(t, rl.Reset.Equal(reset))
	assert.Empty(t, c.RateLimits(), "nothing to record without a limit")
}
