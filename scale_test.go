package runners

// Tests of the behaviour at scale (GitHub issue 5): rate-limit tracking
// (RateLimits), retries (WithRetry), the ETag cache (WithETagCache) and
// concurrent paging (WithPageConcurrency).
//
// The package's internal tests cannot import runnerstest (it imports this
// package), so the servers here are httptest handlers. Retries never really
// sleep: the tests set the unexported Client.sleep to a fake that records
// the waits asked for.

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"math/big"
	"net/http"
	"net/http/httptest"
	"net/url"
	"runtime/pprof"
	"slices"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// ---------------------------------------------------------------------------
// Helpers.

const (
	scaleRunnerJSON = `{"id":42,"name":"build-42","os":"linux","status":"online","busy":false,"ephemeral":false,"labels":[]}`
	scaleLabelsJSON = `{"total_count":2,"labels":[{"id":5,"name":"self-hosted","type":"read-only"},{"id":21,"name":"gpu","type":"custom"}]}`
	scaleTokenJSON  = `{"token":"LLBF3JGZDX3P5PMEXLND6TS6FCWO6","expires_at":"2026-01-22T12:13:35.123-08:00"}`
)

// scaleSleeper stands in for Client.sleep: it records every wait asked for
// and returns at once (with ctx's error when ctx has ended).
type scaleSleeper struct {
	mu    sync.Mutex
	waits []time.Duration
}

func (s *scaleSleeper) sleep(ctx context.Context, d time.Duration) error {
	s.mu.Lock()
	s.waits = append(s.waits, d)
	s.mu.Unlock()
	return ctx.Err()
}

func (s *scaleSleeper) all() []time.Duration {
	s.mu.Lock()
	defer s.mu.Unlock()
	return slices.Clone(s.waits)
}

// scaleRetryClient returns a client of a test server answering with h,
// retrying as p says, with its waits recorded instead of slept.
func scaleRetryClient(t *testing.T, p RetryPolicy, h http.HandlerFunc, opts ...Option) (*Client, *recorder, *scaleSleeper) {
	t.Helper()
	c, rec := newTestClient(t, h, append([]Option{WithRetry(p)}, opts...)...)
	s := &scaleSleeper{}
	c.clock = sleeperClock{s.sleep}
	return c, rec, s
}

// scaleSequence answers the n-th request (0-based) with steps[n], and the
// requests after the last step with the last step.
func scaleSequence(steps ...http.HandlerFunc) http.HandlerFunc {
	var n atomic.Int64
	return func(w http.ResponseWriter, r *http.Request) {
		i := int(n.Add(1) - 1)
		steps[min(i, len(steps)-1)](w, r)
	}
}

// scaleAnswer answers with status, body (JSON, when not empty) and the
// header name/value pairs given.
func scaleAnswer(status int, body string, header ...string) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		for i := 0; i+1 < len(header); i += 2 {
			w.Header().Set(header[i], header[i+1])
		}
		if body != "" {
			w.Header().Set("Content-Type", "application/json; charset=utf-8")
		}
		w.WriteHeader(status)
		io.WriteString(w, body)
	}
}

// scaleStatus answers with status and a GitHub error body.
func scaleStatus(status int) http.HandlerFunc {
	return scaleAnswer(status, fmt.Sprintf(`{"message":%q,"documentation_url":"https://docs.github.com/rest"}`, http.StatusText(status)))
}

// scaleHangUp closes the connection without an answer: the client gets a
// transport error, with no response.
func scaleHangUp(t *testing.T) http.HandlerFunc {
	t.Helper()
	return func(w http.ResponseWriter, r *http.Request) {
		conn, _, err := http.NewResponseController(w).Hijack()
		if err != nil {
			t.Errorf("hijack: %v", err)
			return
		}
		conn.Close()
	}
}

// scaleSecondary is a 403 secondary rate limit, with Retry-After when
// retryAfter is not "".
func scaleSecondary(t *testing.T, retryAfter string) http.HandlerFunc {
	t.Helper()
	body := string(fixture(t, "error_secondary_rate_limit.json"))
	if retryAfter == "" {
		return scaleAnswer(http.StatusForbidden, body, "X-RateLimit-Limit", "5000", "X-RateLimit-Remaining", "4000")
	}
	return scaleAnswer(http.StatusForbidden, body, "Retry-After", retryAfter, "X-RateLimit-Limit", "5000", "X-RateLimit-Remaining", "4000")
}

// scalePrimary is a 403 primary rate limit resetting at reset.
func scalePrimary(t *testing.T, reset time.Time) http.HandlerFunc {
	t.Helper()
	return scaleAnswer(http.StatusForbidden, string(fixture(t, "error_rate_limit.json")),
		"X-RateLimit-Limit", "5000", "X-RateLimit-Remaining", "0", "X-RateLimit-Used", "5000",
		"X-RateLimit-Reset", strconv.FormatInt(reset.Unix(), 10), "X-RateLimit-Resource", "core")
}

// scaleBackoffCeiling is d of the jitter for attempt n:
// min(BaseDelay·2^(n-1), MaxDelay), computed without overflow.
func scaleBackoffCeiling(p RetryPolicy, n int) time.Duration {
	d := new(big.Int).Lsh(big.NewInt(int64(p.BaseDelay)), uint(n-1))
	if d.Cmp(big.NewInt(int64(p.MaxDelay))) >= 0 {
		return p.MaxDelay
	}
	return time.Duration(d.Int64())
}

// scaleBackoff calls p.backoff, failing the test if it panics.
func scaleBackoff(t *testing.T, p RetryPolicy, n int, err error, now time.Time) (time.Duration, bool) {
	t.Helper()
	defer func() {
		if v := recover(); v != nil {
			t.Fatalf("%+v: backoff(%d, %v) panics: %v", p, n, err, v)
		}
	}()
	return p.backoff(n, err, now)
}

// scaleAssertJitter checks that waits[i] is a backoff for attempt i+1 of p:
// in [d/2, d].
func scaleAssertJitter(t *testing.T, p RetryPolicy, waits []time.Duration) {
	t.Helper()
	p = p.withDefaults()
	for i, w := range waits {
		d := scaleBackoffCeiling(p, i+1)
		assert.GreaterOrEqual(t, w, d/2, "wait after attempt %d", i+1)
		assert.LessOrEqual(t, w, d, "wait after attempt %d", i+1)
	}
}

func scaleAPIError(t *testing.T, err error) *Error {
	t.Helper()
	var apiErr *Error
	require.True(t, errors.As(err, &apiErr), "errors.As(%T, *Error): %v", err, err)
	return apiErr
}

// ---------------------------------------------------------------------------
// Rate-limit awareness.

// TestScaleRateLimitsLatestPerResource checks that RateLimits reports the
// latest X-RateLimit-* values per resource: "core" when the response names
// none, error responses included, responses without the headers (or with a
// malformed limit) changing nothing, and a copy the caller may modify.
func TestScaleRateLimitsLatestPerResource(t *testing.T) {
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
			scaleAnswer(st, scaleRunnerJSON)(w, r)
			return
		}
		scaleAnswer(st, string(fixture(t, "error_rate_limit.json")))(w, r)
	})
	answerWith := func(st int, h map[string]string) {
		mu.Lock()
		status, header = st, h
		mu.Unlock()
	}
	get := func() error {
		_, err := c.Org("octo-org").GetRunner(context.Background(), 42)
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

// TestScaleRateLimitsConcurrent reads RateLimits while requests update it,
// for the race detector; the last value seen is one a response sent.
func TestScaleRateLimitsConcurrent(t *testing.T) {
	t.Parallel()
	var used atomic.Int64
	c, _ := newTestClient(t, func(w http.ResponseWriter, r *http.Request) {
		n := used.Add(1)
		scaleAnswer(http.StatusOK, scaleRunnerJSON, "X-RateLimit-Limit", "5000",
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
				if _, err := c.Org("octo-org").GetRunner(context.Background(), 42); err != nil {
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

// ---------------------------------------------------------------------------
// Retries.

func TestScaleRetryNothingWithoutTheOption(t *testing.T) {
	t.Parallel()
	c, rec := newTestClient(t, scaleStatus(http.StatusServiceUnavailable))
	_, err := c.Org("octo-org").GetRunner(context.Background(), 42)
	require.Error(t, err)
	assert.Equal(t, http.StatusServiceUnavailable, scaleAPIError(t, err).StatusCode)
	assert.Len(t, rec.all(), 1, "no retry without WithRetry")
}

func TestScaleRetryTransportErrors(t *testing.T) {
	t.Parallel()
	t.Run("then success", func(t *testing.T) {
		t.Parallel()
		p := RetryPolicy{}
		c, rec, sl := scaleRetryClient(t, p, scaleSequence(scaleHangUp(t), scaleHangUp(t), scaleAnswer(http.StatusOK, scaleRunnerJSON)))
		r, err := c.Org("octo-org").GetRunner(context.Background(), 42)
		require.NoError(t, err)
		assert.Equal(t, int64(42), r.ID)
		assert.Equal(t, "build-42", r.Name)
		assert.Len(t, rec.all(), 3, "two lost answers, then the one that came")
		waits := sl.all()
		assert.Len(t, waits, 2)
		scaleAssertJitter(t, p, waits)
	})
	t.Run("every attempt lost", func(t *testing.T) {
		t.Parallel()
		c, rec, sl := scaleRetryClient(t, RetryPolicy{MaxAttempts: 3}, scaleHangUp(t))
		_, err := c.Org("octo-org").GetRunner(context.Background(), 42)
		require.Error(t, err)
		apiErr := scaleAPIError(t, err)
		assert.Equal(t, 0, apiErr.StatusCode, "no response came back")
		assert.False(t, isContextError(err), "not a context error: %v", err)
		assert.Len(t, rec.all(), 3)
		assert.Len(t, sl.all(), 2)
	})
}

func TestScaleRetryServerErrors(t *testing.T) {
	t.Parallel()
	for _, status := range []int{http.StatusInternalServerError, http.StatusBadGateway, http.StatusServiceUnavailable, http.StatusGatewayTimeout} {
		t.Run(strconv.Itoa(status), func(t *testing.T) {
			t.Parallel()
			p := RetryPolicy{BaseDelay: 100 * time.Millisecond, MaxDelay: time.Second}
			c, rec, sl := scaleRetryClient(t, p, scaleSequence(scaleStatus(status), scaleStatus(status), scaleAnswer(http.StatusOK, scaleRunnerJSON)))
			r, err := c.Org("octo-org").GetRunner(context.Background(), 42)
			require.NoError(t, err)
			assert.Equal(t, int64(42), r.ID)
			assert.Len(t, rec.all(), 3)
			waits := sl.all()
			assert.Len(t, waits, 2)
			scaleAssertJitter(t, p, waits)
		})
	}
}

func TestScaleRetrySecondaryRateLimit(t *testing.T) {
	t.Parallel()
	cases := []struct {
		name     string
		fail     func(t *testing.T) http.HandlerFunc
		minWait  time.Duration
		maxWaitF time.Duration // the most the wait may be
	}{
		{"403 with Retry-After", func(t *testing.T) http.HandlerFunc { return scaleSecondary(t, "7") }, 7 * time.Second, 7 * time.Second},
		{"429 with Retry-After", func(t *testing.T) http.HandlerFunc {
			return scaleAnswer(http.StatusTooManyRequests, `{"message":"Too many requests"}`, "Retry-After", "5", "X-RateLimit-Remaining", "4000")
		}, 5 * time.Second, 5 * time.Second},
		// Without Retry-After GitHub asks for at least a minute.
		{"403 without Retry-After", func(t *testing.T) http.HandlerFunc { return scaleSecondary(t, "") }, time.Minute, time.Minute},
		// A present Retry-After is honoured as given, 0 and a past date
		// included: no more than the backoff, not the minute (issue 11, item 7).
		{"403 with Retry-After 0", func(t *testing.T) http.HandlerFunc { return scaleSecondary(t, "0") }, 0, time.Second},
		{"403 with a past Retry-After date", func(t *testing.T) http.HandlerFunc {
			return scaleSecondary(t, time.Now().Add(-time.Hour).UTC().Format(http.TimeFormat))
		}, 0, time.Second},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			// The exponential backoff (at most 1s here) is below every floor.
			p := RetryPolicy{BaseDelay: time.Second, MaxDelay: time.Second}
			c, rec, sl := scaleRetryClient(t, p, scaleSequence(tc.fail(t), scaleAnswer(http.StatusOK, scaleRunnerJSON)))
			r, err := c.Org("octo-org").GetRunner(context.Background(), 42)
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

func TestScaleRetryPrimaryRateLimit(t *testing.T) {
	t.Parallel()
	t.Run("reset within MaxResetWait", func(t *testing.T) {
		t.Parallel()
		reset := time.Unix(time.Now().Add(30*time.Second).Unix(), 0)
		c, rec, sl := scaleRetryClient(t, RetryPolicy{MaxResetWait: time.Minute},
			scaleSequence(scalePrimary(t, reset), scaleAnswer(http.StatusOK, scaleRunnerJSON)))
		before := time.Now()
		r, err := c.Org("octo-org").GetRunner(context.Background(), 42)
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
			c, rec, sl := scaleRetryClient(t, RetryPolicy{MaxResetWait: tc.maxResetWait},
				scaleSequence(scalePrimary(t, reset), scaleAnswer(http.StatusOK, scaleRunnerJSON)))
			_, err := c.Org("octo-org").GetRunner(context.Background(), 42)
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

func TestScaleRetryClientErrorsNeverRetried(t *testing.T) {
	t.Parallel()
	cases := []struct {
		name     string
		status   int
		body     string
		call     func(c *Client) error
		sentinel error
	}{
		{"404", http.StatusNotFound, "error_not_found.json", func(c *Client) error {
			_, err := c.Org("octo-org").GetRunner(context.Background(), 42)
			return err
		}, ErrNotFound},
		{"422", http.StatusUnprocessableEntity, "error_validation_simple.json", func(c *Client) error {
			_, err := c.Org("octo-org").SetLabels(context.Background(), 42, "gpu")
			return err
		}, ErrValidation},
		{"422 busy runner", http.StatusUnprocessableEntity, "error_runner_busy.json", func(c *Client) error {
			return c.Org("octo-org").DeleteRunner(context.Background(), 23)
		}, ErrRunnerBusy},
		{"401", http.StatusUnauthorized, "error_unauthorized.json", func(c *Client) error {
			_, err := c.Org("octo-org").ListRunners(context.Background(), nil)
			return err
		}, ErrUnauthorized},
		{"403 forbidden", http.StatusForbidden, "error_forbidden.json", func(c *Client) error {
			_, err := c.Org("octo-org").ListRunners(context.Background(), nil)
			return err
		}, ErrForbidden},
		{"409", http.StatusConflict, "error_conflict.json", func(c *Client) error {
			_, err := c.Org("octo-org").CreateRegistrationToken(context.Background())
			return err
		}, ErrConflict},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			c, rec, sl := scaleRetryClient(t, RetryPolicy{MaxAttempts: 5, MaxResetWait: time.Hour},
				scaleSequence(respond(t, tc.status, tc.body), scaleAnswer(http.StatusOK, scaleRunnerJSON)))
			err := tc.call(c)
			require.ErrorIs(t, err, tc.sentinel)
			assert.Equal(t, tc.status, scaleAPIError(t, err).StatusCode)
			assert.Len(t, rec.all(), 1, "a 4xx is never retried")
			assert.Empty(t, sl.all())
		})
	}
}

func TestScaleRetryMaxAttempts(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		maxAttempts, want int
	}{{1, 1}, {2, 2}, {3, 3}, {0, 4}, {6, 6}} {
		t.Run(strconv.Itoa(tc.maxAttempts), func(t *testing.T) {
			t.Parallel()
			p := RetryPolicy{MaxAttempts: tc.maxAttempts, BaseDelay: time.Millisecond}
			c, rec, sl := scaleRetryClient(t, p, scaleStatus(http.StatusBadGateway))
			_, err := c.Org("octo-org").ListRunners(context.Background(), nil)
			require.Error(t, err)
			assert.Equal(t, http.StatusBadGateway, scaleAPIError(t, err).StatusCode, "the last error is returned")
			assert.Len(t, rec.all(), tc.want, "attempts in all")
			waits := sl.all()
			assert.Len(t, waits, tc.want-1)
			scaleAssertJitter(t, p, waits)
		})
	}
}

func TestScaleRetryMaxWait(t *testing.T) {
	t.Parallel()
	t.Run("secondary limits", func(t *testing.T) {
		t.Parallel()
		// Each wait is exactly the 10s of Retry-After; a third would make 30s > 25s.
		var n atomic.Int64
		fail := scaleSecondary(t, "10")
		p := RetryPolicy{MaxAttempts: 10, BaseDelay: time.Second, MaxDelay: time.Second, MaxWait: 25 * time.Second}
		c, rec, sl := scaleRetryClient(t, p, func(w http.ResponseWriter, r *http.Request) {
			w.Header().Set("X-GitHub-Request-Id", fmt.Sprintf("attempt-%d", n.Add(1)))
			fail(w, r)
		})
		_, err := c.Org("octo-org").GetRunner(context.Background(), 42)
		require.ErrorIs(t, err, ErrRateLimited)
		assert.Equal(t, []time.Duration{10 * time.Second, 10 * time.Second}, sl.all())
		assert.Len(t, rec.all(), 3, "stopped early, well before MaxAttempts")
		assert.Equal(t, "attempt-3", scaleAPIError(t, err).RequestID, "the last error is returned")
	})
	t.Run("server errors", func(t *testing.T) {
		t.Parallel()
		p := RetryPolicy{MaxAttempts: 50, BaseDelay: time.Second, MaxDelay: time.Second, MaxWait: 3 * time.Second}
		c, rec, sl := scaleRetryClient(t, p, scaleStatus(http.StatusServiceUnavailable))
		_, err := c.Org("octo-org").GetRunner(context.Background(), 42)
		require.Error(t, err)
		assert.Equal(t, http.StatusServiceUnavailable, scaleAPIError(t, err).StatusCode)
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
		c, rec, sl := scaleRetryClient(t, RetryPolicy{MaxWait: 30 * time.Second}, scaleSecondary(t, ""))
		_, err := c.Org("octo-org").GetRunner(context.Background(), 42)
		require.ErrorIs(t, err, ErrRateLimited)
		assert.Len(t, rec.all(), 1, "a minute's wait does not fit in 30s")
		assert.Empty(t, sl.all())
	})
}

// TestScaleRetryBackoffBounds calls backoff many times: for attempt n the
// wait lies in [d/2, d], d = min(BaseDelay·2^(n-1), MaxDelay), for every
// retryable failure, and attempt MaxAttempts is never followed by another.
func TestScaleRetryBackoffBounds(t *testing.T) {
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
			d := scaleBackoffCeiling(p, n)
			for name, err := range retryable {
				var lo, hi time.Duration = d, 0
				for range draws {
					wait, ok := scaleBackoff(t, p, n, err, now)
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
			assert.LessOrEqual(t, wait, max(tc.min, scaleBackoffCeiling(p, n)), "Retry-After %v, attempt %d", tc.retryAfter, n)
		}
	}
}

// TestScaleRetryContextCanceledDuringWait cancels the context while the
// client waits (for real) a minute before retrying: the call returns at once
// with an error that matches both context.Canceled and the rate limit.
func TestScaleRetryContextCanceledDuringWait(t *testing.T) {
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
			c, rec := newTestClient(t, scaleSecondary(t, "60"), WithRetry(RetryPolicy{}))
			waiting := make(chan time.Duration, 1)
			c.clock = sleeperClock{func(ctx context.Context, d time.Duration) error {
				waiting <- d
				return (systemClock{}).Sleep(ctx, d) // the real wait
			}}
			ctx, cancel := context.WithCancel(context.Background())
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

// TestScaleRetryNeverRetriesUnsafePOSTs: a JIT config request, and adding
// labels (a POST), are sent once whatever the failure.
func TestScaleRetryNeverRetriesUnsafePOSTs(t *testing.T) {
	t.Parallel()
	jit := &JITConfigRequest{Name: "jit-1", RunnerGroupID: 1, Labels: []string{"gpu"}}
	calls := map[string]func(c *Client) error{
		"GenerateJITConfig": func(c *Client) error {
			_, err := c.Org("octo-org").GenerateJITConfig(context.Background(), jit)
			return err
		},
		"AddLabels": func(c *Client) error {
			_, err := c.Org("octo-org").AddLabels(context.Background(), 42, "gpu")
			return err
		},
	}
	failures := map[string]func(t *testing.T) http.HandlerFunc{
		"502":       func(*testing.T) http.HandlerFunc { return scaleStatus(http.StatusBadGateway) },
		"503":       func(*testing.T) http.HandlerFunc { return scaleStatus(http.StatusServiceUnavailable) },
		"secondary": func(t *testing.T) http.HandlerFunc { return scaleSecondary(t, "1") },
		"hang-up":   scaleHangUp,
	}
	for callName, call := range calls {
		for failName, fail := range failures {
			t.Run(callName+"/"+failName, func(t *testing.T) {
				t.Parallel()
				c, rec, sl := scaleRetryClient(t, RetryPolicy{MaxAttempts: 5}, scaleSequence(fail(t), scaleAnswer(http.StatusCreated, string(fixture(t, "jitconfig.json")))))
				require.Error(t, call(c))
				assert.Len(t, rec.all(), 1, "sent exactly once")
				assert.Equal(t, http.MethodPost, rec.all()[0].Method)
				assert.Empty(t, sl.all())
			})
		}
	}
}

func TestScaleRetryTokenPOSTsRetried(t *testing.T) {
	t.Parallel()
	calls := map[string]struct {
		path string
		call func(c *Client) (*Token, error)
	}{
		"CreateRegistrationToken": {"/orgs/octo-org/actions/runners/registration-token", func(c *Client) (*Token, error) {
			return c.Org("octo-org").CreateRegistrationToken(context.Background())
		}},
		"CreateRemoveToken": {"/orgs/octo-org/actions/runners/remove-token", func(c *Client) (*Token, error) {
			return c.Org("octo-org").CreateRemoveToken(context.Background())
		}},
	}
	for name, tc := range calls {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			c, rec, sl := scaleRetryClient(t, RetryPolicy{}, scaleSequence(
				scaleHangUp(t), scaleStatus(http.StatusBadGateway), scaleSecondary(t, "3"), scaleAnswer(http.StatusCreated, scaleTokenJSON)))
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

// TestScaleRetryIdempotentWritesResendBody: PUT and DELETE are retried, and
// every attempt carries the same body.
func TestScaleRetryIdempotentWritesResendBody(t *testing.T) {
	t.Parallel()
	cases := []struct {
		name   string
		method string
		path   string
		body   string // JSON, "" for none
		answer http.HandlerFunc
		call   func(c *Client) error
	}{
		{"SetLabels", http.MethodPut, "/orgs/octo-org/actions/runners/42/labels", `{"labels":["gpu","arm64"]}`, scaleAnswer(http.StatusOK, scaleLabelsJSON), func(c *Client) error {
			labels, err := c.Org("octo-org").SetLabels(context.Background(), 42, "gpu", "arm64")
			if err == nil && len(labels) != 2 {
				return fmt.Errorf("got %d labels", len(labels))
			}
			return err
		}},
		{"SetLabels none", http.MethodPut, "/repos/o/r/actions/runners/42/labels", `{"labels":[]}`, scaleAnswer(http.StatusOK, scaleLabelsJSON), func(c *Client) error {
			_, err := c.Repo("o", "r").SetLabels(context.Background(), 42)
			return err
		}},
		{"DeleteRunner", http.MethodDelete, "/enterprises/acme/actions/runners/42", "", scaleAnswer(http.StatusNoContent, ""), func(c *Client) error {
			return c.Enterprise("acme").DeleteRunner(context.Background(), 42)
		}},
		{"RemoveAllLabels", http.MethodDelete, "/orgs/octo-org/actions/runners/42/labels", "", scaleAnswer(http.StatusOK, scaleLabelsJSON), func(c *Client) error {
			_, err := c.Org("octo-org").RemoveAllLabels(context.Background(), 42)
			return err
		}},
		{"RemoveLabel", http.MethodDelete, "/orgs/octo-org/actions/runners/42/labels/gpu", "", scaleAnswer(http.StatusOK, scaleLabelsJSON), func(c *Client) error {
			_, err := c.Org("octo-org").RemoveLabel(context.Background(), 42, "gpu")
			return err
		}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			c, rec, sl := scaleRetryClient(t, RetryPolicy{}, scaleSequence(
				scaleHangUp(t), scaleStatus(http.StatusServiceUnavailable), scaleStatus(http.StatusBadGateway), tc.answer))
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

func TestScaleRetryInvalidPolicy(t *testing.T) {
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

// ---------------------------------------------------------------------------
// ETag cache.

// scaleETagServer serves orgs/octo-org/actions/runners (runners 1 to 3, named
// for the list's version) with an ETag per URL and content, and answers 304
// with no body and no Link header when If-None-Match names the current ETag.
type scaleETagServer struct {
	mu          sync.Mutex
	version     int
	full        int
	notModified int
	ifNoneMatch []string // of each request, "" when none
	etags       []string // the ETag of each answer
}

func (s *scaleETagServer) bump() {
	s.mu.Lock()
	s.version++
	s.mu.Unlock()
}

func (s *scaleETagServer) stats() (full, notModified int, ifNoneMatch, etags []string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.full, s.notModified, slices.Clone(s.ifNoneMatch), slices.Clone(s.etags)
}

func (s *scaleETagServer) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if r.Method != http.MethodGet || r.URL.Path != "/orgs/octo-org/actions/runners" {
		http.NotFound(w, r)
		return
	}
	q := r.URL.Query()
	var matched []*Runner
	for id := int64(1); id <= 3; id++ {
		rn := &Runner{ID: id, Name: fmt.Sprintf("runner-%d-v%d", id, s.version), OS: "linux", Status: RunnerOnline, Labels: []*Label{}}
		if name, ok := q["name"]; !ok || name[0] == rn.Name {
			matched = append(matched, rn)
		}
	}
	perPage, page := scalePositive(q.Get("per_page"), 30), scalePositive(q.Get("page"), 1)
	pageRunners := []*Runner{}
	if start := (page - 1) * perPage; start < len(matched) {
		pageRunners = matched[start:min(start+perPage, len(matched))]
	}
	body, _ := json.Marshal(map[string]any{"total_count": len(matched), "runners": pageRunners})
	etag := fmt.Sprintf(`W/"%x"`, sha256.Sum256(body))
	inm := r.Header.Get("If-None-Match")
	s.ifNoneMatch = append(s.ifNoneMatch, inm)
	s.etags = append(s.etags, etag)
	w.Header().Set("ETag", etag)
	if inm == etag {
		s.notModified++
		w.WriteHeader(http.StatusNotModified)
		return
	}
	s.full++
	if page*perPage < len(matched) {
		w.Header().Set("Link", fmt.Sprintf(`<http://%s%s?page=%d&per_page=%d>; rel="next"`, r.Host, r.URL.Path, page+1, perPage))
	}
	w.Header().Set("Content-Type", "application/json; charset=utf-8")
	w.Write(body)
}

func scalePositive(v string, def int) int {
	if n, err := strconv.Atoi(v); err == nil && n > 0 {
		return n
	}
	return def
}

// TestScaleETagPollingUnchangedList polls an unchanged page 100 times: one
// full response and 99 304s, every result equal, NextPage from the cached
// Link header; then a change is seen at once, and polls are 304s again.
func TestScaleETagPollingUnchangedList(t *testing.T) {
	t.Parallel()
	srv := &scaleETagServer{}
	c, _ := newTestClient(t, srv.ServeHTTP, WithETagCache(1<<20))
	opts := &ListRunnersOptions{ListOptions: ListOptions{PerPage: 2}}
	poll := func() *RunnerList {
		t.Helper()
		list, err := c.Org("octo-org").ListRunners(context.Background(), opts)
		require.NoError(t, err)
		return list
	}

	first := poll()
	want := &RunnerList{TotalCount: 3, NextPage: 2, Runners: []*Runner{
		{ID: 1, Name: "runner-1-v0", OS: "linux", Status: RunnerOnline, Labels: []*Label{}},
		{ID: 2, Name: "runner-2-v0", OS: "linux", Status: RunnerOnline, Labels: []*Label{}},
	}}
	require.Equal(t, want, first)
	for i := 2; i <= 100; i++ {
		got := poll()
		require.Equal(t, want, got, "poll %d", i)
		assert.NotSame(t, first.Runners[0], got.Runners[0], "each poll decodes its own values")
		got.Runners[0].Name = "changed by the caller" // must not reach later polls
		got.NextPage = 99
	}
	full, notModified, inm, etags := srv.stats()
	assert.Equal(t, 1, full, "one full response")
	assert.Equal(t, 99, notModified, "then 304s")
	require.Len(t, inm, 100)
	assert.Empty(t, inm[0], "nothing to revalidate on the first request")
	for i := 1; i < 100; i++ {
		assert.Equal(t, etags[0], inm[i], "request %d revalidates the ETag", i+1)
	}

	// The list changes: a 200 with a new ETag, and the client returns it.
	srv.bump()
	changed := poll()
	require.Equal(t, "runner-1-v1", changed.Runners[0].Name)
	require.Equal(t, "runner-2-v1", changed.Runners[1].Name)
	assert.Equal(t, 2, changed.NextPage)
	assert.Equal(t, 3, changed.TotalCount)
	for range 10 {
		assert.Equal(t, changed, poll())
	}
	full, notModified, inm, etags = srv.stats()
	assert.Equal(t, 2, full)
	assert.Equal(t, 109, notModified)
	assert.Equal(t, etags[0], inm[100], "the changed list was asked for with the old ETag")
	assert.NotEqual(t, etags[0], etags[100])
	for i := 101; i < 111; i++ {
		assert.Equal(t, etags[100], inm[i], "request %d revalidates the new ETag", i+1)
	}
}

// TestScaleETagPerURL: pages and name filters are cached separately.
func TestScaleETagPerURL(t *testing.T) {
	t.Parallel()
	srv := &scaleETagServer{}
	c, _ := newTestClient(t, srv.ServeHTTP, WithETagCache(1<<20))
	org := c.Org("octo-org")
	page1 := &ListRunnersOptions{ListOptions: ListOptions{PerPage: 2}}
	page2 := &ListRunnersOptions{ListOptions: ListOptions{PerPage: 2, Page: 2}}
	byName := &ListRunnersOptions{Name: "runner-3-v0"}
	check := func() {
		t.Helper()
		l1, err := org.ListRunners(context.Background(), page1)
		require.NoError(t, err)
		assert.Equal(t, []int64{1, 2}, scaleRunnerIDs(l1.Runners))
		assert.Equal(t, 2, l1.NextPage)
		l2, err := org.ListRunners(context.Background(), page2)
		require.NoError(t, err)
		assert.Equal(t, []int64{3}, scaleRunnerIDs(l2.Runners))
		assert.Equal(t, 0, l2.NextPage)
		assert.Equal(t, 3, l2.TotalCount)
		ln, err := org.ListRunners(context.Background(), byName)
		require.NoError(t, err)
		assert.Equal(t, []int64{3}, scaleRunnerIDs(ln.Runners))
		assert.Equal(t, 1, ln.TotalCount)
		assert.Equal(t, 0, ln.NextPage)
	}
	check()
	check()
	check()
	full, notModified, inm, etags := srv.stats()
	assert.Equal(t, 3, full)
	assert.Equal(t, 6, notModified)
	require.Len(t, inm, 9)
	assert.Equal(t, []string{"", "", ""}, inm[:3])
	assert.Len(t, slices.Compact(slices.Sorted(slices.Values(etags[:3]))), 3, "three URLs, three ETags")
	for i := 3; i < 9; i++ {
		assert.Equal(t, etags[i%3], inm[i], "request %d revalidates its own URL's ETag", i+1)
	}
}

func scaleRunnerIDs(rs []*Runner) []int64 {
	ids := make([]int64, len(rs))
	for i, r := range rs {
		ids[i] = r.ID
	}
	return ids
}

// scaleRunnerByID serves GET orgs/octo-org/actions/runners/{1-9} with bodies
// of one length and an ETag each, answering 304 to a matching If-None-Match.
// It records each request's runner ID and If-None-Match.
type scaleRunnerByID struct {
	mu   sync.Mutex
	seen []string // "ID If-None-Match"
	// status, when set, answers instead for the runner ID and the count of
	// requests for that ID so far (1-based); 0 serves as usual.
	status func(id, n int) int
	count  map[int]int
}

func scaleRunnerBody(id int) string {
	return fmt.Sprintf(`{"id":%d,"name":"runner-%d","os":"linux","status":"online","busy":false,"ephemeral":false,"labels":[]}`, id, id)
}

func (s *scaleRunnerByID) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	id, err := strconv.Atoi(strings.TrimPrefix(r.URL.Path, "/orgs/octo-org/actions/runners/"))
	if err != nil || id < 1 || id > 9 {
		http.NotFound(w, r)
		return
	}
	inm := r.Header.Get("If-None-Match")
	s.mu.Lock()
	s.seen = append(s.seen, fmt.Sprintf("%d %s", id, inm))
	if s.count == nil {
		s.count = map[int]int{}
	}
	s.count[id]++
	st := 0
	if s.status != nil {
		st = s.status(id, s.count[id])
	}
	s.mu.Unlock()
	if st != 0 {
		scaleStatus(st)(w, r)
		return
	}
	etag := fmt.Sprintf(`"e-%d"`, id)
	w.Header().Set("ETag", etag)
	if inm == etag {
		w.WriteHeader(http.StatusNotModified)
		return
	}
	scaleAnswer(http.StatusOK, scaleRunnerBody(id))(w, r)
}

func (s *scaleRunnerByID) requests() []string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return slices.Clone(s.seen)
}

// TestScaleETagEvictsLeastRecentlyUsed: with room for two bodies, a third
// evicts the least recently used, whose next request is a full one without
// If-None-Match.
func TestScaleETagEvictsLeastRecentlyUsed(t *testing.T) {
	t.Parallel()
	srv := &scaleRunnerByID{}
	size := int64(len(scaleRunnerBody(1)))
	c, _ := newTestClient(t, srv.ServeHTTP, WithETagCache(2*size))
	get := func(id int) {
		t.Helper()
		r, err := c.Org("octo-org").GetRunner(context.Background(), int64(id))
		require.NoError(t, err)
		assert.Equal(t, &Runner{ID: int64(id), Name: fmt.Sprintf("runner-%d", id), OS: "linux", Status: RunnerOnline, Labels: []*Label{}}, r)
	}
	get(1) // cache: 1
	get(2) // cache: 2 1
	get(1) // 304; cache: 1 2
	get(3) // cache: 3 1, 2 evicted
	get(1) // 304; cache: 1 3
	get(2) // full; cache: 2 1, 3 evicted
	get(3) // full; cache: 3 2, 1 evicted
	get(2) // 304
	get(1) // full
	assert.Equal(t, []string{
		"1 ", "2 ", `1 "e-1"`, "3 ", `1 "e-1"`, "2 ", "3 ", `2 "e-2"`, "1 ",
	}, srv.requests())
}

// TestScaleETagBodyLargerThanBound: a body larger than the cache is not kept;
// one exactly its size is.
func TestScaleETagBodyLargerThanBound(t *testing.T) {
	t.Parallel()
	size := int64(len(scaleRunnerBody(1)))
	for _, tc := range []struct {
		maxBytes int64
		want     []string
	}{
		{size - 1, []string{"1 ", "1 ", "1 "}},
		{size, []string{"1 ", `1 "e-1"`, `1 "e-1"`}},
	} {
		t.Run(strconv.FormatInt(tc.maxBytes, 10), func(t *testing.T) {
			t.Parallel()
			srv := &scaleRunnerByID{}
			c, _ := newTestClient(t, srv.ServeHTTP, WithETagCache(tc.maxBytes))
			for range 3 {
				r, err := c.Org("octo-org").GetRunner(context.Background(), 1)
				require.NoError(t, err)
				assert.Equal(t, "runner-1", r.Name)
			}
			assert.Equal(t, tc.want, srv.requests())
		})
	}
}

// TestScaleETagOnlyGET: requests other than GET never send If-None-Match,
// and their answers are not cached for a later GET of the same URL.
func TestScaleETagOnlyGET(t *testing.T) {
	t.Parallel()
	jit := string(fixture(t, "jitconfig.json"))
	c, rec := newTestClient(t, func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("ETag", `"same"`)
		switch {
		case r.Method == http.MethodGet && r.Header.Get("If-None-Match") == `"same"`:
			w.WriteHeader(http.StatusNotModified)
		case strings.HasSuffix(r.URL.Path, "-token"):
			scaleAnswer(http.StatusCreated, scaleTokenJSON)(w, r)
		case strings.HasSuffix(r.URL.Path, "/generate-jitconfig"):
			scaleAnswer(http.StatusCreated, jit)(w, r)
		case r.Method == http.MethodDelete && r.URL.Path == "/orgs/octo-org/actions/runners/42":
			w.WriteHeader(http.StatusNoContent)
		default:
			scaleAnswer(http.StatusOK, scaleLabelsJSON)(w, r)
		}
	}, WithETagCache(1<<20))
	ctx, org := context.Background(), c.Org("octo-org")
	for range 2 {
		_, err := org.SetLabels(ctx, 42, "gpu")
		require.NoError(t, err)
		_, err = org.AddLabels(ctx, 42, "gpu")
		require.NoError(t, err)
		_, err = org.RemoveAllLabels(ctx, 42)
		require.NoError(t, err)
		_, err = org.RemoveLabel(ctx, 42, "gpu")
		require.NoError(t, err)
		require.NoError(t, org.DeleteRunner(ctx, 42))
		_, err = org.CreateRegistrationToken(ctx)
		require.NoError(t, err)
		_, err = org.CreateRemoveToken(ctx)
		require.NoError(t, err)
		_, err = org.GenerateJITConfig(ctx, &JITConfigRequest{Name: "j", RunnerGroupID: 1, Labels: []string{"x"}})
		require.NoError(t, err)
	}
	// The GET of the labels URL written above: first full, then revalidated.
	for range 2 {
		labels, err := org.ListLabels(ctx, 42)
		require.NoError(t, err)
		assert.Len(t, labels, 2)
	}
	reqs := rec.all()
	require.Len(t, reqs, 18)
	for _, r := range reqs[:16] {
		assert.NotEqual(t, http.MethodGet, r.Method)
		assert.Empty(t, r.Header.Values("If-None-Match"), "%s %s", r.Method, r.Path)
	}
	assert.Empty(t, reqs[16].Header.Get("If-None-Match"), "a PUT's answer is not cached for GET")
	assert.Equal(t, `"same"`, reqs[17].Header.Get("If-None-Match"))
}

func TestScaleETagInvalidSize(t *testing.T) {
	t.Parallel()
	for _, n := range []int64{0, -1, -1 << 40} {
		c, err := NewClient(WithETagCache(n))
		assert.ErrorIs(t, err, ErrInvalidArgument, "WithETagCache(%d)", n)
		assert.Nil(t, c)
	}
	c, err := NewClient(WithETagCache(1))
	require.NoError(t, err)
	assert.NotNil(t, c.cache)
}

// TestScaleETag304WithoutEntryIsError: a 304 for a request the client has no
// body for is an error, not an empty value.
func TestScaleETag304WithoutEntryIsError(t *testing.T) {
	t.Parallel()
	for name, opts := range map[string][]Option{"with cache": {WithETagCache(1 << 20)}, "without cache": nil} {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			c, rec := newTestClient(t, func(w http.ResponseWriter, r *http.Request) {
				w.Header().Set("ETag", `"x"`)
				w.WriteHeader(http.StatusNotModified)
			}, opts...)
			for range 2 {
				list, err := c.Org("octo-org").ListRunners(context.Background(), nil)
				require.Error(t, err)
				assert.Nil(t, list)
				assert.Equal(t, http.StatusNotModified, scaleAPIError(t, err).StatusCode)
				r, err := c.Org("octo-org").GetRunner(context.Background(), 1)
				require.Error(t, err)
				assert.Nil(t, r)
			}
			for _, r := range rec.all() {
				assert.Empty(t, r.Header.Get("If-None-Match"), "nothing was cached")
			}
		})
	}
}

// TestScaleETagRetryAfterEviction: when the cached body is evicted while a
// conditional GET waits to be retried, the retry must not revalidate a body
// the client no longer has (a 304 would then be an error).
func TestScaleETagRetryAfterEviction(t *testing.T) {
	t.Parallel()
	srv := &scaleRunnerByID{status: func(id, n int) int {
		if id == 1 && n == 2 {
			return http.StatusServiceUnavailable // the revalidation of runner 1 fails once
		}
		return 0
	}}
	c, _ := newTestClient(t, srv.ServeHTTP, WithETagCache(int64(len(scaleRunnerBody(1)))), WithRetry(RetryPolicy{}))
	var once sync.Once
	c.clock = sleeperClock{func(ctx context.Context, d time.Duration) error {
		once.Do(func() {
			// Meanwhile, another request fills the one-body cache.
			if _, err := c.Org("octo-org").GetRunner(ctx, 2); err != nil {
				t.Errorf("GetRunner(2): %v", err)
			}
		})
		return nil
	}}
	for range 2 {
		r, err := c.Org("octo-org").GetRunner(context.Background(), 1)
		require.NoError(t, err)
		assert.Equal(t, "runner-1", r.Name)
	}
	assert.Equal(t, []string{"1 ", `1 "e-1"`, "2 ", "1 "}, srv.requests())
}

// ---------------------------------------------------------------------------
// Concurrent paging.

// scalePager serves orgs/octo-org/actions/runners as GitHub pages it:
// runners 1..total in ID order, per_page (default 30) at a time, a Link
// header naming the next page.
type scalePager struct {
	mu         sync.Mutex
	total      int
	grownTotal int                             // when not 0, the total once page 1 has been served
	failPage   int                             // a page answered with 500
	stopAt     int                             // a page whose Link names no next page, though the total says more follow
	delay      time.Duration                   // how long each page takes (less when the request is canceled)
	hold       func(r *http.Request, page int) // when set, called before answering
	pages      []int                           // the pages asked for, in order of arrival
	perPages   []string                        // the per_page of each request
}

func scaleRunner(id int) *Runner {
	return &Runner{
		ID: int64(id), Name: fmt.Sprintf("runner-%04d", id), OS: "linux", Status: RunnerOnline, Busy: id%3 == 0,
		Labels: []*Label{{ID: 1, Name: "self-hosted", Type: LabelReadOnly}},
	}
}

func (p *scalePager) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	if r.Method != http.MethodGet || r.URL.Path != "/orgs/octo-org/actions/runners" {
		http.NotFound(w, r)
		return
	}
	q := r.URL.Query()
	page, perPage := scalePositive(q.Get("page"), 1), min(scalePositive(q.Get("per_page"), 30), 100)
	p.mu.Lock()
	p.pages = append(p.pages, page)
	p.perPages = append(p.perPages, q.Get("per_page"))
	total := p.total
	if page == 1 && p.grownTotal != 0 {
		p.total = p.grownTotal
	}
	hold, delay, failPage, stopAt := p.hold, p.delay, p.failPage, p.stopAt
	p.mu.Unlock()

	if hold != nil {
		hold(r, page)
	}
	if delay > 0 {
		select {
		case <-time.After(delay):
		case <-r.Context().Done():
		}
	}
	if page == failPage {
		scaleStatus(http.StatusInternalServerError)(w, r)
		return
	}
	list := struct {
		TotalCount int       `json:"total_count"`
		Runners    []*Runner `json:"runners"`
	}{TotalCount: total, Runners: []*Runner{}}
	for id := (page-1)*perPage + 1; id <= min(page*perPage, total); id++ {
		list.Runners = append(list.Runners, scaleRunner(id))
	}
	last := max(1, (total+perPage-1)/perPage)
	if page < last && page != stopAt {
		link := func(n int, rel string) string {
			return fmt.Sprintf(`<http://%s%s?page=%d&per_page=%d>; rel=%q`, r.Host, r.URL.Path, n, perPage, rel)
		}
		w.Header().Set("Link", link(page+1, "next")+", "+link(last, "last"))
	}
	body, _ := json.Marshal(list)
	scaleAnswer(http.StatusOK, string(body))(w, r)
}

func (p *scalePager) requested() (pages []int, perPages []string) {
	p.mu.Lock()
	defer p.mu.Unlock()
	return slices.Clone(p.pages), slices.Clone(p.perPages)
}

// scaleTracker counts the client's requests in flight: from RoundTrip to the
// close of the response body.
type scaleTracker struct {
	base     http.RoundTripper
	mu       sync.Mutex
	inFlight int
	max      int
	done     int
}

func (tr *scaleTracker) RoundTrip(req *http.Request) (*http.Response, error) {
	tr.mu.Lock()
	tr.inFlight++
	tr.max = max(tr.max, tr.inFlight)
	tr.mu.Unlock()
	resp, err := tr.base.RoundTrip(req)
	if err != nil {
		tr.finish()
		return nil, err
	}
	resp.Body = &scaleTrackedBody{ReadCloser: resp.Body, finish: sync.OnceFunc(tr.finish)}
	return resp, nil
}

func (tr *scaleTracker) finish() {
	tr.mu.Lock()
	tr.inFlight--
	tr.done++
	tr.mu.Unlock()
}

func (tr *scaleTracker) stats() (maxInFlight, done int) {
	tr.mu.Lock()
	defer tr.mu.Unlock()
	return tr.max, tr.done
}

type scaleTrackedBody struct {
	io.ReadCloser
	finish func()
}

func (b *scaleTrackedBody) Close() error {
	err := b.ReadCloser.Close()
	b.finish()
	return err
}

// scalePagerClient serves p and returns a client for it with its own
// transport (so the test can close its idle connections) and a tracker of
// its requests in flight.
func scalePagerClient(t *testing.T, p *scalePager) (*Client, *scaleTracker, *http.Transport) {
	t.Helper()
	srv := httptest.NewServer(p)
	t.Cleanup(srv.Close)
	tr := &http.Transport{MaxIdleConnsPerHost: 16}
	t.Cleanup(tr.CloseIdleConnections)
	trk := &scaleTracker{base: tr}
	c, err := NewClient(WithBaseURL(srv.URL), WithToken(testToken), WithHTTPClient(&http.Client{Transport: trk}))
	require.NoError(t, err)
	return c, trk, tr
}

// scaleLabeled runs f with a profiler label naming the test: every goroutine
// f starts, and every one those start, carries it.
func scaleLabeled(t *testing.T, f func()) {
	t.Helper()
	pprof.Do(context.Background(), pprof.Labels("scale-test", t.Name()), func(context.Context) { f() })
}

// scaleLabeledGoroutines returns how many goroutines carry the test's label,
// and their stacks.
func scaleLabeledGoroutines(t *testing.T) (int, string) {
	t.Helper()
	var buf bytes.Buffer
	if err := pprof.Lookup("goroutine").WriteTo(&buf, 1); err != nil {
		t.Fatalf("goroutine profile: %v", err)
	}
	label := fmt.Sprintf("%q:%q", "scale-test", t.Name())
	n := 0
	var stacks strings.Builder
	for _, record := range strings.Split(buf.String(), "\n\n") {
		if !strings.Contains(record, label) {
			continue
		}
		for _, line := range strings.Split(record, "\n") {
			// A record opens with "COUNT @ PC PC ...".
			if count, rest, ok := strings.Cut(line, " @ "); ok && rest != "" {
				if c, err := strconv.Atoi(count); err == nil {
					n += c
					break
				}
			}
		}
		stacks.WriteString(record + "\n\n")
	}
	return n, stacks.String()
}

// scaleAssertNoGoroutineLeft waits, for a bounded time, until no goroutine
// started under scaleLabeled is left. Idle connections are closed first: the
// goroutines of a kept-alive connection are the transport's, not a leak.
// (runtime.NumGoroutine cannot be compared to a baseline here: the tests run
// in parallel.)
func scaleAssertNoGoroutineLeft(t *testing.T, tr *http.Transport) {
	t.Helper()
	deadline := time.Now().Add(10 * time.Second)
	for {
		tr.CloseIdleConnections()
		n, stacks := scaleLabeledGoroutines(t)
		if n == 0 {
			return
		}
		if time.Now().After(deadline) {
			t.Fatalf("%d goroutines of the walk are left 10s after it ended:\n%s", n, stacks)
		}
		time.Sleep(10 * time.Millisecond)
	}
}

// scaleWalk collects a walk: the runners' IDs, and the errors with the number
// of runners yielded before each. stop, when set, breaks the loop when it
// returns true.
func scaleWalk(seq func(yield func(*Runner, error) bool), stop func(r *Runner) bool) (ids []int64, errs []error, errAt []int) {
	for r, err := range seq {
		if err != nil {
			errs = append(errs, err)
			errAt = append(errAt, len(ids))
			continue
		}
		ids = append(ids, r.ID)
		if stop != nil && stop(r) {
			break
		}
	}
	return ids, errs, errAt
}

func scaleIDRange(from, to int) []int64 {
	ids := make([]int64, 0, to-from+1)
	for id := from; id <= to; id++ {
		ids = append(ids, int64(id))
	}
	return ids
}

// TestScaleConcurrentAllRunnersInOrder: 1,000 runners, 100 a page, four
// pages at once: every runner once, in ID order, the same values as a
// sequential walk; at most four requests in flight, and more than one.
func TestScaleConcurrentAllRunnersInOrder(t *testing.T) {
	t.Parallel()
	for name, opts := range map[string]ListRunnersOptions{
		"PerPage 100":     {ListOptions: ListOptions{PerPage: 100}},
		"PerPage default": {},
	} {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			page3 := make(chan struct{})
			var page3Once sync.Once
			p := &scalePager{total: 1000, delay: 5 * time.Millisecond, hold: func(r *http.Request, page int) {
				switch page {
				case 3:
					page3Once.Do(func() { close(page3) })
				case 2:
					// Page 2 is answered once page 3 has been asked for: a
					// client that fetches one page at a time fails below.
					select {
					case <-page3:
					case <-time.After(10 * time.Second):
					case <-r.Context().Done():
					}
				}
			}}
			c, trk, tr := scalePagerClient(t, p)
			o := opts
			var got []*Runner
			scaleLabeled(t, func() {
				for r, err := range withConcurrency(c, 4).Org("octo-org").AllRunners(context.Background(), &o) {
					require.NoError(t, err)
					got = append(got, r)
				}
			})
			assert.Equal(t, opts, o, "the caller's options are not modified")
			assert.Equal(t, scaleIDRange(1, 1000), scaleRunnerIDs(got), "every runner once, in ID order")

			maxInFlight, _ := trk.stats()
			assert.LessOrEqual(t, maxInFlight, 4, "at most Concurrency requests in flight")
			assert.Greater(t, maxInFlight, 1, "pages are fetched concurrently")

			pages, perPages := p.requested()
			assert.ElementsMatch(t, []int{1, 2, 3, 4, 5, 6, 7, 8, 9, 10}, pages, "each page asked for once")
			assert.Equal(t, 1, pages[0], "page 1 first, to learn the total")
			for _, pp := range perPages {
				assert.Equal(t, "100", pp)
			}
			scaleAssertNoGoroutineLeft(t, tr)

			// A sequential walk of the same runners yields the same values.
			seqPager := &scalePager{total: 1000}
			seqClient, seqTrk, _ := scalePagerClient(t, seqPager)
			var want []*Runner
			for r, err := range seqClient.Org("octo-org").AllRunners(context.Background(), &ListRunnersOptions{ListOptions: opts.ListOptions}) {
				require.NoError(t, err)
				want = append(want, r)
			}
			require.Len(t, want, 1000)
			assert.Equal(t, want, got)
			seqMax, _ := seqTrk.stats()
			assert.Equal(t, 1, seqMax)
		})
	}
}

// TestScaleConcurrentZeroOrOneIsSequential: Concurrency 0 and 1 fetch one
// page after another, in order.
func TestScaleConcurrentZeroOrOneIsSequential(t *testing.T) {
	t.Parallel()
	for _, k := range []int{0, 1, -1} {
		t.Run(strconv.Itoa(k), func(t *testing.T) {
			t.Parallel()
			p := &scalePager{total: 1000, delay: time.Millisecond}
			c, trk, _ := scalePagerClient(t, p)
			ids, errs, _ := scaleWalk(withConcurrency(c, k).Org("octo-org").AllRunners(context.Background(), &ListRunnersOptions{}), nil)
			assert.Empty(t, errs)
			assert.Equal(t, scaleIDRange(1, 1000), ids)
			maxInFlight, _ := trk.stats()
			assert.Equal(t, 1, maxInFlight, "one request at a time")
			pages, perPages := p.requested()
			assert.Equal(t, []int{1, 2, 3, 4, 5, 6, 7, 8, 9, 10}, pages, "in order")
			assert.Equal(t, slices.Repeat([]string{"100"}, 10), perPages, "100 a page by default")
		})
	}
}

func TestScaleConcurrentStartPage(t *testing.T) {
	t.Parallel()
	p := &scalePager{total: 1000}
	c, trk, tr := scalePagerClient(t, p)
	var ids []int64
	var errs []error
	scaleLabeled(t, func() {
		ids, errs, _ = scaleWalk(withConcurrency(c, 3).Org("octo-org").AllRunners(context.Background(), &ListRunnersOptions{ListOptions: ListOptions{Page: 3, PerPage: 100}}), nil)
	})
	assert.Empty(t, errs)
	assert.Equal(t, scaleIDRange(201, 1000), ids)
	pages, _ := p.requested()
	assert.Equal(t, 3, pages[0])
	assert.ElementsMatch(t, []int{3, 4, 5, 6, 7, 8, 9, 10}, pages)
	maxInFlight, _ := trk.stats()
	assert.LessOrEqual(t, maxInFlight, 3)
	scaleAssertNoGoroutineLeft(t, tr)
}

// TestScaleConcurrentEarlyBreak: breaking the loop stops the walk: no page is
// asked for beyond those the concurrency bound allows, and no goroutine is
// left behind.
func TestScaleConcurrentEarlyBreak(t *testing.T) {
	t.Parallel()
	const k = 4
	for _, tc := range []struct {
		name    string
		after   int // runners yielded before the break
		onPage  int // the page of the last one
		perPage int
	}{
		{"on page 1", 3, 1, 100},
		{"at the end of page 1", 100, 1, 100},
		{"on page 3", 250, 3, 100},
		{"small pages", 25, 3, 10},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			p := &scalePager{total: 1000, delay: 5 * time.Millisecond}
			c, trk, tr := scalePagerClient(t, p)
			var ids []int64
			var errs []error
			scaleLabeled(t, func() {
				ids, errs, _ = scaleWalk(withConcurrency(c, k).Org("octo-org").AllRunners(context.Background(), &ListRunnersOptions{ListOptions: ListOptions{PerPage: tc.perPage}}),
					func(r *Runner) bool { return r.ID == int64(tc.after) })
			})
			assert.Empty(t, errs)
			assert.Equal(t, scaleIDRange(1, tc.after), ids)
			scaleAssertNoGoroutineLeft(t, tr)

			// Every goroutine is gone: nothing more will be asked for.
			pages, _ := p.requested()
			assert.Equal(t, 1, pages[0])
			// The page being yielded, and up to k-1 more fetched ahead.
			assert.LessOrEqual(t, len(pages), tc.onPage+k-1, "pages asked for: %v", pages)
			assert.LessOrEqual(t, slices.Max(pages), tc.onPage+k-1, "pages asked for: %v", pages)
			assert.Len(t, slices.Compact(slices.Sorted(slices.Values(pages))), len(pages), "no page twice: %v", pages)
			maxInFlight, _ := trk.stats()
			assert.LessOrEqual(t, maxInFlight, k)
		})
	}
}

// TestScaleConcurrentContextCanceled: the end of the context mid-walk ends it
// with exactly one error, a context error, and leaves no goroutine.
func TestScaleConcurrentContextCanceled(t *testing.T) {
	t.Parallel()
	t.Run("pages ahead already fetched", func(t *testing.T) {
		t.Parallel()
		// Pages 3 to 5 (fetched ahead while page 2 is yielded) have all
		// arrived when the context is canceled; page 6 never is fetched.
		p := &scalePager{total: 1000}
		c, trk, tr := scalePagerClient(t, p)
		ctx, cancel := context.WithCancel(context.Background())
		defer cancel()
		var ids []int64
		var errs []error
		var errAt []int
		scaleLabeled(t, func() {
			ids, errs, errAt = scaleWalk(withConcurrency(c, 4).Org("octo-org").AllRunners(ctx, &ListRunnersOptions{}), func(r *Runner) bool {
				if r.ID == 101 {
					for deadline := time.Now().Add(5 * time.Second); time.Now().Before(deadline); time.Sleep(time.Millisecond) {
						if _, done := trk.stats(); done >= 5 {
							break
						}
					}
					cancel()
				}
				return false
			})
		})
		require.Len(t, errs, 1, "exactly one error; %d runners yielded", len(ids))
		assert.ErrorIs(t, errs[0], context.Canceled)
		assert.Equal(t, len(ids), errAt[0], "the error comes last")
		assert.Equal(t, scaleIDRange(1, len(ids)), ids, "the runners before it, in order")
		assert.Less(t, len(ids), 1000)
		scaleAssertNoGoroutineLeft(t, tr)
	})
	t.Run("pages ahead blocked", func(t *testing.T) {
		t.Parallel()
		// Pages after 2 are answered only when their request is canceled.
		p := &scalePager{total: 1000, hold: func(r *http.Request, page int) {
			if page > 2 {
				select {
				case <-r.Context().Done():
				case <-time.After(10 * time.Second):
				}
			}
		}}
		c, _, tr := scalePagerClient(t, p)
		ctx, cancel := context.WithCancel(context.Background())
		defer cancel()
		var ids []int64
		var errs []error
		var errAt []int
		scaleLabeled(t, func() {
			ids, errs, errAt = scaleWalk(withConcurrency(c, 4).Org("octo-org").AllRunners(ctx, &ListRunnersOptions{}), func(r *Runner) bool {
				if r.ID == 150 {
					go cancel() // from another goroutine
				}
				return false
			})
		})
		require.Len(t, errs, 1, "exactly one error")
		assert.ErrorIs(t, errs[0], context.Canceled)
		assert.Equal(t, 200, errAt[0], "after pages 1 and 2")
		assert.Equal(t, scaleIDRange(1, 200), ids)
		scaleAssertNoGoroutineLeft(t, tr)
	})
}

// TestScaleConcurrentErrorOnPage3: pages 1 and 2 are yielded, then exactly
// one error, and nothing after it.
func TestScaleConcurrentErrorOnPage3(t *testing.T) {
	t.Parallel()
	p := &scalePager{total: 1000, failPage: 3, delay: time.Millisecond}
	c, _, tr := scalePagerClient(t, p)
	var ids []int64
	var errs []error
	var errAt []int
	scaleLabeled(t, func() {
		ids, errs, errAt = scaleWalk(withConcurrency(c, 4).Org("octo-org").AllRunners(context.Background(), &ListRunnersOptions{}), nil)
	})
	assert.Equal(t, scaleIDRange(1, 200), ids)
	require.Len(t, errs, 1)
	assert.Equal(t, 200, errAt[0])
	apiErr := scaleAPIError(t, errs[0])
	assert.Equal(t, http.StatusInternalServerError, apiErr.StatusCode)
	assert.Contains(t, apiErr.URL, "page=3")
	scaleAssertNoGoroutineLeft(t, tr)
}

// TestScaleConcurrentRunnersAdded: runners added after page 1 make pages
// beyond the last page 1 counted; the walk goes on to them.
func TestScaleConcurrentRunnersAdded(t *testing.T) {
	t.Parallel()
	p := &scalePager{total: 1000, grownTotal: 1150, delay: time.Millisecond}
	c, trk, tr := scalePagerClient(t, p)
	var ids []int64
	var errs []error
	scaleLabeled(t, func() {
		ids, errs, _ = scaleWalk(withConcurrency(c, 4).Org("octo-org").AllRunners(context.Background(), &ListRunnersOptions{}), nil)
	})
	assert.Empty(t, errs)
	assert.Equal(t, scaleIDRange(1, 1150), ids, "every runner once, in order, the added ones too")
	pages, _ := p.requested()
	assert.ElementsMatch(t, []int{1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12}, pages)
	assert.Equal(t, []int{11, 12}, pages[10:], "the pages beyond the first count come last, one after another")
	maxInFlight, _ := trk.stats()
	assert.LessOrEqual(t, maxInFlight, 4)
	scaleAssertNoGoroutineLeft(t, tr)
}

// TestScaleConcurrentNextZeroEndsWalk: a page without a next link ends the
// walk, though page 1's total promised more.
func TestScaleConcurrentNextZeroEndsWalk(t *testing.T) {
	t.Parallel()
	p := &scalePager{total: 1000, stopAt: 5, delay: time.Millisecond}
	c, _, tr := scalePagerClient(t, p)
	var ids []int64
	var errs []error
	scaleLabeled(t, func() {
		ids, errs, _ = scaleWalk(withConcurrency(c, 4).Org("octo-org").AllRunners(context.Background(), &ListRunnersOptions{}), nil)
	})
	assert.Empty(t, errs)
	assert.Equal(t, scaleIDRange(1, 500), ids)
	scaleAssertNoGoroutineLeft(t, tr)
	pages, _ := p.requested()
	assert.LessOrEqual(t, slices.Max(pages), 5+3, "no page beyond those in flight: %v", pages)
}

// sleeperClock is the system clock with Sleep replaced, for tests that
// record or stage the waits of the retry loop.
type sleeperClock struct {
	sleep func(ctx context.Context, d time.Duration) error
}

func (sleeperClock) Now() time.Time { return time.Now() }

func (c sleeperClock) Sleep(ctx context.Context, d time.Duration) error { return c.sleep(ctx, d) }

// withConcurrency is a copy of c whose All… iterators fetch k pages at once,
// as WithPageConcurrency(k) makes it.
func withConcurrency(c *Client, k int) *Client {
	c2 := *c
	c2.concurrency = k
	return &c2
}
