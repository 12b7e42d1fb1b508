package runners

import (
	"net/http"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// Issue 11, item 5: a refused GitHub App token exchange (401) is final: with
// WithRetry the exchange is made once, not once per attempt.
func TestRetryRefusedExchangeIsFinal(t *testing.T) {
	t.Parallel()
	for _, status := range []int{http.StatusUnauthorized, http.StatusForbidden, http.StatusNotFound, http.StatusUnprocessableEntity} {
		srv := newAppServer(t, func(s *appServer) {
			s.reply = func(w http.ResponseWriter) { writeJSON(w, status, map[string]string{"message": "Bad credentials"}) }
		})
		c := newAppClient(t, srv, WithAppInstallation(testAppID, testInstallationID, pkcs1PEM(appTestKey())), WithRetry(RetryPolicy{}))
		sl := &scaleSleeper{}
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
			writeJSON(w, http.StatusCreated, map[string]any{"token": hsInstToken, "expires_at": "2099-01-01T00:00:00Z"})
		}
	})
	c := newAppClient(t, srv, WithAppInstallation(testAppID, testInstallationID, pkcs1PEM(appTestKey())), WithRetry(RetryPolicy{}))
	c.clock = sleeperClock{(&scaleSleeper{}).sleep}
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
	c, rec, _ := scaleRetryClient(t, RetryPolicy{MaxAttempts: 3}, scaleStatus(http.StatusServiceUnavailable))
	_, err := c.Org("octo-org").GetRunner(t.Context(), 42)
	require.Error(t, err)
	assert.Len(t, rec.all(), 3)
	assert.Equal(t, 3, scaleAPIError(t, err).Attempts)
	assert.Contains(t, err.Error(), "(after 3 attempts)")

	c, rec, _ = scaleRetryClient(t, RetryPolicy{MaxAttempts: 3}, scaleStatus(http.StatusNotFound))
	_, err = c.Org("octo-org").GetRunner(t.Context(), 42)
	assert.ErrorIs(t, err, ErrNotFound)
	assert.Len(t, rec.all(), 1)
	assert.Zero(t, scaleAPIError(t, err).Attempts, "sent once: no count")
	assert.NotContains(t, err.Error(), "attempts")
}

// The request value, not the URL, says what may be repeated.
func TestRetryIdempotentByOperation(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		r    *request
		want bool
	}{
		{get("GetRunner", "actions/runners/1", nil), true},
		{put("SetLabels", "actions/runners/1/labels", nil, nil), true},
		{del("DeleteRunner", "actions/runners/1", nil), true},
		{post("GenerateJITConfig", "actions/runners/generate-jitconfig", nil, nil), false},
		{post("AddLabels", "actions/runners/1/labels", nil, nil), false},
	} {
		assert.Equal(t, tc.want, tc.r.idempotent, tc.r.op)
	}
}
