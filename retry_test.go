package runners

import (
	"context"
	"errors"
	"fmt"
	"io"
	"math/big"
	"net/http"
	"net/url"
	"strconv"
	"sync/atomic"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// sequence answers the n-th request (0-based) with steps[n], and the
// requests after the last step with the last step.
func sequence(steps ...http.HandlerFunc) http.HandlerFunc {
	var n atomic.Int64
	return func(w http.ResponseWriter, r *http.Request) {
		i := int(n.Add(1) - 1)
		steps[min(i, len(steps)-1)](w, r)
	}
}

// hangUp closes the connection without an answer: the client gets a
// transport error, with no response.
func hangUp(t *testing.T) http.HandlerFunc {
	t.Helper()
	return func(w http.ResponseWriter, r *http.Request) {
		if conn, _ := hijack(t, w); conn != nil {
			conn.Close()
		}
	}
}

// secondaryLimit is a 403 secondary rate limit, with Retry-After when
// retryAfter is not "".
func secondaryLimit(t *testing.T, retryAfter string) http.HandlerFunc {
	t.Helper()
	body := string(fixture(t, "error_secondary_rate_limit.json"))
	if retryAfter == "" {
		return respondBody(http.StatusForbidden, body, "X-RateLimit-Limit", "5000", "X-RateLimit-Remaining", "4000")
	}
	return respondBody(http.StatusForbidden, body, "Retry-After", retryAfter, "X-RateLimit-Limit", "5000", "X-RateLimit-Remaining", "4000")
}

// primaryLimit is a 403 primary rate limit resetting at reset.
func primaryLimit(t *testing.T, reset time.Time) http.HandlerFunc {
	t.Helper()
	return respondBody(http.StatusForbidden, string(fixture(t, "error_rate_limit.json")),
		"X-RateLimit-Limit", "5000", "X-RateLimit-Remaining", "0", "X-RateLimit-Used", "5000",
		"X-RateLimit-Reset", strconv.FormatInt(reset.Unix(), 10), "X-RateLimit-Resource", "core")
}

// backoffCeiling is d of the jitter for attempt n:
// min(BaseDelay·2^(n-1), MaxDelay), computed without overflow.
func backoffCeiling(p RetryPolicy, n int) time.Duration {
	d := new(big.Int).Lsh(big.NewInt(int64(p.BaseDelay)), uint(n-1))
	if d.Cmp(big.NewInt(int64(p.MaxDelay))) >= 0 {
		return p.MaxDelay
	}
	return time.Duration(d.Int64())
}

// backoffOf calls p.backoff, failing the test if it panics.
func backoffOf(t *testing.T, p RetryPolicy, n int, err error, now time.Time) (time.Duration, bool) {
	t.Helper()
	defer func() {
		if v := recover(); v != nil {
			t.Fatalf("%+v: backoff(%d, %v) panics: %v", p, n, err, v)
		}
	}()
	return p.backoff(n, err, now)
}

// assertJitter checks that waits[i] is a backoff for attempt i+1 of p:
// in [d/2, d].
func assertJitter(t *testing.T, p RetryPolicy, waits []time.Duration) {
	t.Helper()
	p = p.withDefaults()
	for i, w := range waits {
		d := backoffCeiling(p, i+1)
		assert.GreaterOrEqual(t, w, d/2, "wait after attempt %d", i+1)
		assert.LessOrEqual(t, w, d, "wait after attempt %d", i+1)
	}
}

// Issue 11, item 5: a refused GitHub App token exchange (401) is final: with
// WithRetry the exchange is made once, not once per attempt.
func TestRetryRefusedExchangeIsFinal(t *testing.T) {
	t.Parallel()
	for _, status := range []int{http.StatusUnauthorized, http.StatusForbidden, http.StatusNotFound, http.StatusUnprocessableEntity} {
		srv := newAppServer(t, func(s *appServer) {
			s.reply = func(w http.ResponseWriter) { writeJSON(w, status, map[string]string{"message": "Bad credentials"}) }
		})
		c := newAppClient(t, srv, WithAppInstallation(testAppID, testInstallationID, pkcs1PEM(appTestKey())), WithRetry(RetryPolicy{}))
		sl := &sleeper{}
		c.clock = sleeperClock{sl.sleep}
		_, err := getRunner(t, c)
		require.Error(t, err)
		assert.Len(t, srv.exchangeRequests(), 1, "status %d: the exchange is not repeated", status)
		assert.Empty(t, srv.runnerRequests())
		assert.Empty(t, sl.all(), "no wait for a retry")
	}
}

// An exchange that got no answer (or a 5xx) may succeed next time: the
// operation is retried, and the next attempt exchanges again.
func TestRetryExchangeServerErrorIsRetried(t *testing.T) {
	t.Parallel()
	fails := 1
	srv := newAppServer(t, func(s *appServer) {
		s.reply = func(w http.ResponseWriter) {
			if fails > 0 {
				fails--
				writeJSON(w, http.StatusBadGateway, map[string]string{"message": "Bad gateway"})
				return
			}
			writeJSON(w, http.StatusCreated, map[string]any{"token": testInstToken, "expires_at": "2099-01-01T00:00:00Z"})
		}
	})
	c := newAppClient(t, srv, WithAppInstallation(testAppID, testInstallationID, pkcs1PEM(appTestKey())), WithRetry(RetryPolicy{}))
	c.clock = sleeperClock{(&sleeper{}).sleep}
	_, err := getRunner(t, c)
	require.NoError(t, err)
	assert.Len(t, srv.exchangeRequests(), 2)
	assert.Len(t, srv.runnerRequests(), 1)
}

// Issue 11, item 5 (the rest) and item 17: each operation says whether it is
// safe to repeat; answers that cannot change are never retried; the error of
// a retried request says how many attempts were made.
func TestRetryAttemptsInTheError(t *testing.T) {
	t.Parallel()
	c, rec, _ := retryClient(t, RetryPolicy{MaxAttempts: 3}, respondError(http.StatusServiceUnavailable))
	_, err := c.Org("octo-org").GetRunner(t.Context(), 42)
	require.Error(t, err)
	assert.Len(t, rec.all(), 3)
	assert.Equal(t, 3, apiError(t, err).Attempts)
	assert.Contains(t, err.Error(), "(after 3 attempts)")

	c, rec, _ = retryClient(t, RetryPolicy{MaxAttempts: 3}, respondError(http.StatusNotFound))
	_, err = c.Org("octo-org").GetRunner(t.Context(), 42)
	assert.ErrorIs(t, err, ErrNotFound)
	assert.Len(t, rec.all(), 1)
	assert.Zero(t, apiError(t, err).Attempts, "sent once: no count")
	assert.NotContains(t, err.Error(), "attempts")
}

func TestRetryNothingWithoutTheOption(t *testing.T) {
	t.Parallel()
	c, rec := newTestClient(t, respondError(http.StatusServiceUnavailable))
	_, err := c.Org("octo-org").GetRunner(t.Context(), 42)
	require.Error(t, err)
	assert.Equal(t, http.StatusServiceUnavailable, apiError(t, err).StatusCode)
	assert.Len(t, rec.all(), 1, "no retry without WithRetry")
}

func TestRetryTransportErrors(t *testing.T) {
	t.Parallel()
	t.Run("then success", func(t *testing.T) {
		t.Parallel()
		p := RetryPolicy{}
		c, rec, sl := retryClient(t, p, sequence(hangUp(t), hangUp(t), respondBody(http.StatusOK, runnerJSON)))
		r, err := c.Org("octo-org").GetRunner(t.Context(), 42)
		require.NoError(t, err)
		assert.Equal(t, int64(42), r.ID)
		assert.Equal(t, "build-42", r.Name)
		assert.Len(t, rec.all(), 3, "two lost answers, then the one that came")
		waits := sl.all()
		assert.Len(t, waits, 2)
		assertJitter(t, p, waits)
	})
	t.Run("every attempt lost", func(t *testing.T) {
		t.Parallel()
		c, rec, sl := retryClient(t, RetryPolicy{MaxAttempts: 3}, hangUp(t))
		_, err := c.Org("octo-org").GetRunner(t.Context(), 42)
		require.Error(t, err)
		apiErr := apiError(t, err)
		assert.Equal(t, 0, apiErr.StatusCode, "no response came back")
		assert.False(t, isContextError(err), "not a context error: %v", err)
		assert.Len(t, rec.all(), 3)
		assert.Len(t, sl.all(), 2)
	})
}

func TestRetryServerErrors(t *testing.T) {
	t.Parallel()
	for _, status := range []int{http.StatusInternalServerError, http.StatusBadGateway, http.StatusServiceUnavailable, http.StatusGatewayTimeout} {
		t.Run(strconv.Itoa(status), func(t *testing.T) {
			t.Parallel()
			p := RetryPolicy{BaseDelay: 100 * time.Millisecond, MaxDelay: time.Second}
			c, rec, sl := retryClient(t, p, sequence(respondError(status), respondError(status), respondBody(http.StatusOK, runnerJSON)))
			r, err := c.Org("octo-org").GetRunner(t.Context(), 42)
			require.NoError(t, err)
			assert.Equal(t, int64(42), r.ID)
			assert.Len(t, rec.all(), 3)
			waits := sl.all()
			assert.Len(t, waits, 2)
			assertJitter(t, p, waits)
		})
	}
}

func TestRetrySecondaryRateLimit(t *testing.T) {
	t.Parallel()
	cases := []struct {
		name     string
		fail     func(t *testing.T) http.HandlerFunc
		minWait  time.Duration
		maxWaitF time.Duration // the most the wait may be
	}{
		{"403 with Retry-After", func(t *testing.T) http.HandlerFunc { return secondaryLimit(t, "7") }, 7 * time.Second, 7 * time.Second},
		{"429 with Retry-After", func(t *testing.T) http.HandlerFunc {
			return respondBody(http.StatusTooManyRequests, `{"message":"Too many requests"}`, "Retry-After", "5", "X-RateLimit-Remaining", "4000")
		}, 5 * time.Second, 5 * time.Second},
		// Without Retry-After GitHub asks for at least a minute.
		{"403 without Retry-After", func(t *testing.T) http.HandlerFunc { return secondaryLimit(t, "") }, time.Minute, time.Minute},
		// A present Retry-After is honoured as given, 0 and a past date
		// included: no more than the backoff, not the minute (issue 11, item 7).
		{"403 with Retry-After 0", func(t *testing.T) http.HandlerFunc { return secondaryLimit(t, "0") }, 0, time.Second},
		{"403 with a past Retry-After date", func(t *testing.T) http.HandlerFunc {
			return secondaryLimit(t, time.Now().Add(-time.Hour).UTC().Format(http.TimeFormat))
		}, 0, time.Second},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			// The exponential backoff (at most 1s here) is below every floor.
			p := RetryPolicy{BaseDelay: time.Second, MaxDelay: time.Second}
			c, rec, sl := retryClient(t, p, sequence(tc.fail(t), respondBody(http.StatusOK, runnerJSON)))
			r, err := c.Org("octo-org").GetRunner(t.Context(), 42)
			require.NoError(t, err)
			assert.Equal(t, int64(42), r.ID)
			assert.Len(t, rec.all(), 2)
			waits := sl.all()
			require.Len(t, waits, 1)
			assert.GreaterOrEqual(t, waits[0], tc.minWait, "the wait honours the secondary limit")
			assert.LessOrEqual(t, waits[0], tc.maxWaitF)
		})
	}
}

func TestRetryPrimaryRateLimit(t *testing.T) {
	t.Parallel()
	t.Run("reset within MaxResetWait", func(t *testing.T) {
		t.Parallel()
		reset := time.Unix(time.Now().Add(30*time.Second).Unix(), 0)
		c, rec, sl := retryClient(t, RetryPolicy{MaxResetWait: time.Minute},
			sequence(primaryLimit(t, reset), respondBody(http.StatusOK, runnerJSON)))
		before := time.Now()
		r, err := c.Org("octo-org").GetRunner(t.Context(), 42)
		after := time.Now()
		require.NoError(t, err)
		assert.Equal(t, int64(42), r.ID)
		assert.Len(t, rec.all(), 2)
		waits := sl.all()
		require.Len(t, waits, 1)
		// reset - now + 1s, now being when the client looked.
		assert.GreaterOrEqual(t, waits[0], reset.Sub(after)+time.Second)
		assert.LessOrEqual(t, waits[0], reset.Sub(before)+time.Second)
	})
	for _, tc := range []struct {
		name         string
		maxResetWait time.Duration
		resetIn      time.Duration
	}{
		{"reset beyond MaxResetWait", 10 * time.Second, 30 * time.Second},
		{"MaxResetWait 0", 0, 5 * time.Second},
		{"reset already passed", time.Hour, -10 * time.Second},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			reset := time.Now().Add(tc.resetIn)
			c, rec, sl := retryClient(t, RetryPolicy{MaxResetWait: tc.maxResetWait},
				sequence(primaryLimit(t, reset), respondBody(http.StatusOK, runnerJSON)))
			_, err := c.Org("octo-org").GetRunner(t.Context(), 42)
			require.ErrorIs(t, err, ErrRateLimited)
			var rl *RateLimitError
			require.ErrorAs(t, err, &rl)
			assert.False(t, rl.Secondary)
			assert.Len(t, rec.all(), 1, "not retried")
			assert.Empty(t, sl.all())
		})
	}
	t.Run("backoff", func(t *testing.T) {
		t.Parallel()
		now := time.Date(2026, 1, 1, 12, 0, 0, 0, time.UTC)
		rl := &RateLimitError{Reset: now.Add(30 * time.Second), Err: &Error{StatusCode: http.StatusForbidden, kind: ErrRateLimited}}
		for _, tc := range []struct {
			maxResetWait time.Duration
			wait         time.Duration
			ok           bool
		}{
			{0, 0, false},
			{29 * time.Second, 0, false},
			{30 * time.Second, 31 * time.Second, true},
			{time.Hour, 31 * time.Second, true},
		} {
			p := RetryPolicy{MaxResetWait: tc.maxResetWait}.withDefaults()
			wait, ok := p.backoff(1, rl, now)
			assert.Equal(t, tc.ok, ok, "MaxResetWait %v", tc.maxResetWait)
			if tc.ok {
				assert.Equal(t, tc.wait, wait, "MaxResetWait %v", tc.maxResetWait)
			}
		}
	})
}

func TestRetryClientErrorsNeverRetried(t *testing.T) {
	t.Parallel()
	cases := []struct {
		name     string
		status   int
		body     string
		call     func(c *Client) error
		sentinel error
	}{
		{"404", http.StatusNotFound, "error_not_found.json", func(c *Client) error {
			_, err := c.Org("octo-org").GetRunner(t.Context(), 42)
			return err
		}, ErrNotFound},
		{"422", http.StatusUnprocessableEntity, "error_validation_simple.json", func(c *Client) error {
			_, err := c.Org("octo-org").SetLabels(t.Context(), 42, "gpu")
			return err
		}, ErrValidation},
		{"422 busy runner", http.StatusUnprocessableEntity, "error_runner_busy.json", func(c *Client) error {
			return c.Org("octo-org").DeleteRunner(t.Context(), 23)
		}, ErrRunnerBusy},
		{"401", http.StatusUnauthorized, "error_unauthorized.json", func(c *Client) error {
			_, err := c.Org("octo-org").ListRunners(t.Context(), nil)
			return err
		}, ErrUnauthorized},
		{"403 forbidden", http.StatusForbidden, "error_forbidden.json", func(c *Client) error {
			_, err := c.Org("octo-org").ListRunners(t.Context(), nil)
			return err
		}, ErrForbidden},
		{"409", http.StatusConflict, "error_conflict.json", func(c *Client) error {
			_, err := c.Org("octo-org").CreateRegistrationToken(t.Context())
			return err
		}, ErrConflict},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			c, rec, sl := retryClient(t, RetryPolicy{MaxAttempts: 5, MaxResetWait: time.Hour},
				sequence(respond(t, tc.status, tc.body), respondBody(http.StatusOK, runnerJSON)))
			err := tc.call(c)
			require.ErrorIs(t, err, tc.sentinel)
			assert.Equal(t, tc.status, apiError(t, err).StatusCode)
			assert.Len(t, rec.all(), 1, "a 4xx is never retried")
			assert.Empty(t, sl.all())
		})
	}
}

func TestRetryMaxAttempts(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		maxAttempts, want int
	}{{1, 1}, {2, 2}, {3, 3}, {0, 4}, {6, 6}} {
		t.Run(strconv.Itoa(tc.maxAttempts), func(t *testing.T) {
			t.Parallel()
			p := RetryPolicy{MaxAttempts: tc.maxAttempts, BaseDelay: time.Millisecond}
			c, rec, sl := retryClient(t, p, respondError(http.StatusBadGateway))
			_, err := c.Org("octo-org").ListRunners(t.Context(), nil)
			require.Error(t, err)
			assert.Equal(t, http.StatusBadGateway, apiError(t, err).StatusCode, "the last error is returned")
			assert.Len(t, rec.all(), tc.want, "attempts in all")
			waits := sl.all()
			assert.Len(t, waits, tc.want-1)
			assertJitter(t, p, waits)
		})
	}
}

func TestRetryMaxWait(t *testing.T) {
	t.Parallel()
	t.Run("secondary limits", func(t *testing.T) {
		t.Parallel()
		// Each wait is exactly the 10s of Retry-After; a third would make 30s > 25s.
		var n atomic.Int64
		fail := secondaryLimit(t, "10")
		p := RetryPolicy{MaxAttempts: 10, BaseDelay: time.Second, MaxDelay: time.Second, MaxWait: 25 * time.Second}
		c, rec, sl := retryClient(t, p, func(w http.ResponseWriter, r *http.Request) {
			w.Header().Set("X-GitHub-Request-Id", fmt.Sprintf("attempt-%d", n.Add(1)))
			fail(w, r)
		})
		_, err := c.Org("octo-org").GetRunner(t.Context(), 42)
		require.ErrorIs(t, err, ErrRateLimited)
		assert.Equal(t, []time.Duration{10 * time.Second, 10 * time.Second}, sl.all())
		assert.Len(t, rec.all(), 3, "stopped early, well before MaxAttempts")
		assert.Equal(t, "attempt-3", apiError(t, err).RequestID, "the last error is returned")
	})
	t.Run("server errors", func(t *testing.T) {
		t.Parallel()
		p := RetryPolicy{MaxAttempts: 50, BaseDelay: time.Second, MaxDelay: time.Second, MaxWait: 3 * time.Second}
		c, rec, sl := retryClient(t, p, respondError(http.StatusServiceUnavailable))
		_, err := c.Org("octo-org").GetRunner(t.Context(), 42)
		require.Error(t, err)
		assert.Equal(t, http.StatusServiceUnavailable, apiError(t, err).StatusCode)
		waits := sl.all()
		var total time.Duration
		for _, w := range waits {
			total += w
		}
		assert.LessOrEqual(t, total, p.MaxWait, "waited %v in all: %v", total, waits)
		// Waits of 0.5s to 1s: 3 to 6 of them fit in 3s.
		assert.GreaterOrEqual(t, len(waits), 3)
		assert.LessOrEqual(t, len(waits), 6)
		assert.Len(t, rec.all(), len(waits)+1)
	})
	t.Run("secondary limit longer than MaxWait", func(t *testing.T) {
		t.Parallel()
		c, rec, sl := retryClient(t, RetryPolicy{MaxWait: 30 * time.Second}, secondaryLimit(t, ""))
		_, err := c.Org("octo-org").GetRunner(t.Context(), 42)
		require.ErrorIs(t, err, ErrRateLimited)
		assert.Len(t, rec.all(), 1, "a minute's wait does not fit in 30s")
		assert.Empty(t, sl.all())
	})
}

// TestRetryBackoffBounds calls backoff many times: for attempt n the
// wait lies in [d/2, d], d = min(BaseDelay·2^(n-1), MaxDelay), for every
// retryable failure, and attempt MaxAttempts is never followed by another.
func TestRetryBackoffBounds(t *testing.T) {
	t.Parallel()
	now := time.Now()
	retryable := map[string]error{
		"502":           &Error{StatusCode: http.StatusBadGateway, Method: http.MethodGet},
		"503":           &Error{StatusCode: http.StatusServiceUnavailable, Method: http.MethodGet},
		"500":           &Error{StatusCode: http.StatusInternalServerError},
		"no response":   &Error{Method: http.MethodGet, URL: "http://127.0.0.1/x", cause: &url.Error{Op: "Get", URL: "http://127.0.0.1/x", Err: io.ErrUnexpectedEOF}},
		"wrapped 503":   fmt.Errorf("listing: %w", &Error{StatusCode: http.StatusServiceUnavailable}),
		"reset by peer": &Error{Method: http.MethodPut, cause: errors.New("connection reset by peer")},
	}
	policies := []RetryPolicy{
		{}, // the defaults: 4 attempts, 1s doubling to 30s
		{MaxAttempts: 12, BaseDelay: time.Second, MaxDelay: 30 * time.Second},
		{MaxAttempts: 10, BaseDelay: 100 * time.Millisecond, MaxDelay: 5 * time.Second},
		{MaxAttempts: 5, BaseDelay: 10 * time.Second, MaxDelay: time.Second}, // the base above the cap
		{MaxAttempts: 8, BaseDelay: 3 * time.Second, MaxDelay: 12 * time.Second},
		{MaxAttempts: 3, BaseDelay: 1, MaxDelay: 1}, // 1ns
		// BaseDelay·2^(n-1) leaves int64 for large n: the cap still applies.
		{MaxAttempts: 70, BaseDelay: 20 * time.Second, MaxDelay: time.Hour},
		{MaxAttempts: 100, BaseDelay: time.Second, MaxDelay: 24 * time.Hour},
	}
	const draws = 200
	for _, p := range policies {
		p := p.withDefaults()
		for n := 1; n < p.MaxAttempts; n++ {
			d := backoffCeiling(p, n)
			for name, err := range retryable {
				var lo, hi time.Duration = d, 0
				for range draws {
					wait, ok := backoffOf(t, p, n, err, now)
					if !ok {
						t.Fatalf("%+v: %s is not retried after attempt %d", p, name, n)
					}
					if wait < d/2 || wait > d {
						t.Fatalf("%+v, %s, attempt %d: wait %v outside [%v, %v]", p, name, n, wait, d/2, d)
					}
					lo, hi = min(lo, wait), max(hi, wait)
				}
				if d >= time.Millisecond {
					// The jitter spreads over the range: 200 draws all in one
					// half of it would be a 2^-200 chance.
					assert.Less(t, lo, d*3/4, "%+v, %s, attempt %d: no draw in the lower quarter", p, name, n)
					assert.Greater(t, hi, d*3/4, "%+v, %s, attempt %d: no draw in the upper quarter", p, name, n)
				}
			}
		}
		for _, n := range []int{p.MaxAttempts, p.MaxAttempts + 1, p.MaxAttempts + 50} {
			_, ok := p.backoff(n, retryable["503"], now)
			assert.False(t, ok, "attempt %d of %d is the last", n, p.MaxAttempts)
		}
	}

	// What is never retried.
	p := RetryPolicy{MaxAttempts: 10, MaxResetWait: time.Hour}.withDefaults()
	for name, err := range map[string]error{
		"404":              &Error{StatusCode: http.StatusNotFound, kind: ErrNotFound},
		"401":              &Error{StatusCode: http.StatusUnauthorized, kind: ErrUnauthorized},
		"422":              &Error{StatusCode: http.StatusUnprocessableEntity, kind: ErrValidation},
		"409":              &Error{StatusCode: http.StatusConflict, kind: ErrConflict},
		"invalid argument": invalidArgf("bad"),
		"canceled":         &Error{Method: http.MethodGet, cause: &url.Error{Op: "Get", Err: context.Canceled}},
		"deadline":         &Error{Method: http.MethodGet, cause: &url.Error{Op: "Get", Err: context.DeadlineExceeded}},
		"undecodable 200":  &Error{StatusCode: http.StatusOK, Message: "decoding the response", cause: errors.New("unexpected EOF")},
		"not an *Error":    errors.New("something else"),
	} {
		_, ok := p.backoff(1, err, now)
		assert.False(t, ok, "%s is not retried", name)
	}

	// Secondary limits: at least Retry-After, else a minute.
	for _, tc := range []struct {
		retryAfter, min time.Duration
	}{{0, time.Minute}, {90 * time.Second, 90 * time.Second}, {2 * time.Second, 2 * time.Second}} {
		rl := &RateLimitError{Secondary: true, RetryAfter: tc.retryAfter, Err: &Error{StatusCode: http.StatusForbidden, kind: ErrRateLimited}}
		for n := 1; n < p.MaxAttempts; n++ {
			wait, ok := p.backoff(n, rl, now)
			require.True(t, ok)
			assert.GreaterOrEqual(t, wait, tc.min, "Retry-After %v, attempt %d", tc.retryAfter, n)
			assert.LessOrEqual(t, wait, max(tc.min, backoffCeiling(p, n)), "Retry-After %v, attempt %d", tc.retryAfter, n)
		}
	}
}

// TestRetryContextCanceledDuringWait cancels the context while the
// client waits (for real) a minute before retrying: the call returns at once
// with an error that matches both context.Canceled and the rate limit.
func TestRetryContextCanceledDuringWait(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		name   string
		cancel bool // cancel from another goroutine; else a deadline ends the wait
		want   error
	}{
		{"canceled", true, context.Canceled},
		{"deadline", false, context.DeadlineExceeded},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			c, rec := newTestClient(t, secondaryLimit(t, "60"), WithRetry(RetryPolicy{}))
			waiting := make(chan time.Duration, 1)
			c.clock = sleeperClock{func(ctx context.Context, d time.Duration) error {
				waiting <- d
				return (systemClock{}).Sleep(ctx, d) // the real wait
			}}
			ctx, cancel := context.WithCancel(t.Context())
			defer cancel()
			if !tc.cancel {
				ctx, cancel = context.WithTimeout(ctx, 100*time.Millisecond)
				defer cancel()
			}
			done := make(chan error, 1)
			go func() {
				_, err := c.Org("octo-org").GetRunner(ctx, 42)
				done <- err
			}()
			select {
			case d := <-waiting:
				assert.Equal(t, time.Minute, d, "the wait asked for")
			case <-time.After(10 * time.Second):
				t.Fatal("the client never began to wait")
			}
			if tc.cancel {
				cancel()
			}
			var err error
			select {
			case err = <-done:
			case <-time.After(10 * time.Second):
				t.Fatal("still waiting 10s after the context ended (the wait asked for was a minute)")
			}
			require.Error(t, err)
			assert.ErrorIs(t, err, tc.want)
			assert.ErrorIs(t, err, ErrRateLimited, "the last API error is kept")
			var rl *RateLimitError
			require.ErrorAs(t, err, &rl)
			assert.True(t, rl.Secondary)
			assert.Equal(t, time.Minute, rl.RetryAfter)
			assert.Len(t, rec.all(), 1, "no retry after the context ended")
		})
	}
}

// TestRetryNeverRetriesUnsafePOSTs: a JIT config request, and adding
// labels (a POST), are sent once whatever the failure.
func TestRetryNeverRetriesUnsafePOSTs(t *testing.T) {
	t.Parallel()
	jit := &JITConfigRequest{Name: "jit-1", RunnerGroupID: 1, Labels: []string{"gpu"}}
	calls := map[string]func(c *Client) error{
		"GenerateJITConfig": func(c *Client) error {
			_, err := c.Org("octo-org").GenerateJITConfig(t.Context(), jit)
			return err
		},
		"AddLabels": func(c *Client) error {
			_, err := c.Org("octo-org").AddLabels(t.Context(), 42, "gpu")
			return err
		},
	}
	failures := map[string]func(t *testing.T) http.HandlerFunc{
		"502":       func(*testing.T) http.HandlerFunc { return respondError(http.StatusBadGateway) },
		"503":       func(*testing.T) http.HandlerFunc { return respondError(http.StatusServiceUnavailable) },
		"secondary": func(t *testing.T) http.HandlerFunc { return secondaryLimit(t, "1") },
		"hang-up":   hangUp,
	}
	for callName, call := range calls {
		for failName, fail := range failures {
			t.Run(callName+"/"+failName, func(t *testing.T) {
				t.Parallel()
				c, rec, sl := retryClient(t, RetryPolicy{MaxAttempts: 5}, sequence(fail(t), respondBody(http.StatusCreated, string(fixture(t, "jitconfig.json")))))
				require.Error(t, call(c))
				assert.Len(t, rec.all(), 1, "sent exactly once")
				assert.Equal(t, http.MethodPost, rec.all()[0].Method)
				assert.Empty(t, sl.all())
			})
		}
	}
}

func TestRetryTokenPOSTsRetried(t *testing.T) {
	t.Parallel()
	calls := map[string]struct {
		path string
		call func(c *Client) (*Token, error)
	}{
		"CreateRegistrationToken": {"/orgs/octo-org/actions/runners/registration-token", func(c *Client) (*Token, error) {
			return c.Org("octo-org").CreateRegistrationToken(t.Context())
		}},
		"CreateRemoveToken": {"/orgs/octo-org/actions/runners/remove-token", func(c *Client) (*Token, error) {
			return c.Org("octo-org").CreateRemoveToken(t.Context())
		}},
	}
	for name, tc := range calls {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			c, rec, sl := retryClient(t, RetryPolicy{}, sequence(
				hangUp(t), respondError(http.StatusBadGateway), secondaryLimit(t, "3"), respondBody(http.StatusCreated, tokenJSON)))
			tok, err := tc.call(c)
			require.NoError(t, err)
			assert.Equal(t, "LLBF3JGZDX3P5PMEXLND6TS6FCWO6", tok.Token)
			reqs := rec.all()
			require.Len(t, reqs, 4)
			for _, r := range reqs {
				assert.Equal(t, http.MethodPost, r.Method)
				assert.Equal(t, tc.path, r.Path)
				assert.Empty(t, r.Body)
			}
			waits := sl.all()
			require.Len(t, waits, 3)
			assert.GreaterOrEqual(t, waits[2], 3*time.Second, "after the secondary limit")
		})
	}
}

// TestRetryIdempotentWritesResendBody: PUT and DELETE are retried, and
// every attempt carries the same body.
func TestRetryIdempotentWritesResendBody(t *testing.T) {
	t.Parallel()
	cases := []struct {
		name   string
		method string
		path   string
		body   string // JSON, "" for none
		answer http.HandlerFunc
		call   func(c *Client) error
	}{
		{"SetLabels", http.MethodPut, "/orgs/octo-org/actions/runners/42/labels", `{"labels":["gpu","arm64"]}`, respondBody(http.StatusOK, labelsJSON), func(c *Client) error {
			labels, err := c.Org("octo-org").SetLabels(t.Context(), 42, "gpu", "arm64")
			if err == nil && len(labels) != 2 {
				return fmt.Errorf("got %d labels", len(labels))
			}
			return err
		}},
		{"SetLabels none", http.MethodPut, "/repos/o/r/actions/runners/42/labels", `{"labels":[]}`, respondBody(http.StatusOK, labelsJSON), func(c *Client) error {
			_, err := c.Repo("o", "r").SetLabels(t.Context(), 42)
			return err
		}},
		{"DeleteRunner", http.MethodDelete, "/enterprises/acme/actions/runners/42", "", respondBody(http.StatusNoContent, ""), func(c *Client) error {
			return c.Enterprise("acme").DeleteRunner(t.Context(), 42)
		}},
		{"RemoveAllLabels", http.MethodDelete, "/orgs/octo-org/actions/runners/42/labels", "", respondBody(http.StatusOK, labelsJSON), func(c *Client) error {
			_, err := c.Org("octo-org").RemoveAllLabels(t.Context(), 42)
			return err
		}},
		{"RemoveLabel", http.MethodDelete, "/orgs/octo-org/actions/runners/42/labels/gpu", "", respondBody(http.StatusOK, labelsJSON), func(c *Client) error {
			_, err := c.Org("octo-org").RemoveLabel(t.Context(), 42, "gpu")
			return err
		}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			c, rec, sl := retryClient(t, RetryPolicy{}, sequence(
				hangUp(t), respondError(http.StatusServiceUnavailable), respondError(http.StatusBadGateway), tc.answer))
			require.NoError(t, tc.call(c))
			reqs := rec.all()
			require.Len(t, reqs, 4, "three failures, then success")
			for i, r := range reqs {
				assert.Equal(t, tc.method, r.Method, "attempt %d", i+1)
				assert.Equal(t, tc.path, r.Path, "attempt %d", i+1)
				if tc.body == "" {
					assert.Empty(t, r.Body, "attempt %d", i+1)
					continue
				}
				assert.JSONEq(t, tc.body, string(r.Body), "attempt %d carries the same body", i+1)
				assert.Equal(t, "application/json", r.Header.Get("Content-Type"), "attempt %d", i+1)
				assert.Equal(t, strconv.Itoa(len(r.Body)), r.Header.Get("Content-Length"), "attempt %d", i+1)
			}
			assert.Len(t, sl.all(), 3)
		})
	}
}

func TestRetryInvalidPolicy(t *testing.T) {
	t.Parallel()
	for name, p := range map[string]RetryPolicy{
		"MaxAttempts":  {MaxAttempts: -1},
		"BaseDelay":    {BaseDelay: -time.Second},
		"MaxDelay":     {MaxDelay: -time.Second},
		"MaxWait":      {MaxWait: -time.Nanosecond},
		"MaxResetWait": {MaxResetWait: -time.Minute},
	} {
		c, err := NewClient(WithRetry(p))
		assert.ErrorIs(t, err, ErrInvalidArgument, "negative %s", name)
		assert.Nil(t, c, "negative %s", name)
	}
	c, err := NewClient(WithRetry(RetryPolicy{}))
	require.NoError(t, err)
	require.NotNil(t, c.retry)
	assert.Equal(t, RetryPolicy{MaxAttempts: 4, BaseDelay: time.Second, MaxDelay: 30 * time.Second, MaxWait: 2 * time.Minute}, *c.retry)
}
