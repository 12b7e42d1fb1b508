package main

import (
	"bytes"
	"context"
	"fmt"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/fleetkit/runners"
	"github.com/fleetkit/runners/runnerstest"
	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/testutil"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// Polling a list through the ETag cache: one full answer, then 304s from the
// cache, each counted with its status and cached label, timed, and the
// budget GitHub reported in the gauges.
func TestMetricsCountRequestsAndBudget(t *testing.T) {
	t.Parallel()
	body, err := os.ReadFile(filepath.Join("..", "..", "testdata", "list_runners.json"))
	require.NoError(t, err)
	reset := time.Date(2026, 3, 10, 13, 0, 0, 0, time.UTC)
	n := 0
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		n++
		h := w.Header()
		h.Set("X-RateLimit-Limit", "5000")
		h.Set("X-RateLimit-Remaining", strconv.Itoa(5000-n))
		h.Set("X-RateLimit-Reset", strconv.FormatInt(reset.Unix(), 10))
		h.Set("X-RateLimit-Resource", "core")
		h.Set("ETag", `W/"v1"`)
		if r.Header.Get("If-None-Match") == `W/"v1"` {
			w.WriteHeader(http.StatusNotModified)
			return
		}
		h.Set("Content-Type", "application/json")
		w.Write(body)
	}))
	t.Cleanup(srv.Close)
	reg := prometheus.NewRegistry()
	m := NewMetrics(reg)
	c, err := runners.NewClient(runners.WithBaseURL(srv.URL), runners.WithToken("t"), runners.WithETagCache(1<<20), runners.WithObserver(m.Observe))
	require.NoError(t, err)
	for range 3 {
		_, err := c.Org("octo-org").ListRunners(t.Context(), nil)
		require.NoError(t, err)
	}

	assert.Equal(t, 1.0, testutil.ToFloat64(m.requests.WithLabelValues("ListRunners", "200", "", "false")))
	assert.Equal(t, 2.0, testutil.ToFloat64(m.requests.WithLabelValues("ListRunners", "304", "", "true")))
	assert.Equal(t, 1, testutil.CollectAndCount(m.duration), "one histogram, for ListRunners")
	require.NoError(t, testutil.CollectAndCompare(m.remaining, strings.NewReader(`
# HELP github_rate_limit_remaining Requests left in the rate-limit window, as GitHub last reported it for each credential.
# TYPE github_rate_limit_remaining gauge
github_rate_limit_remaining{app="",installation="",resource="core"} 4997
`)))
	require.NoError(t, testutil.CollectAndCompare(m.reset, strings.NewReader(fmt.Sprintf(`
# HELP github_rate_limit_reset_timestamp_seconds When the rate-limit window resets, as GitHub last reported it for each credential.
# TYPE github_rate_limit_reset_timestamp_seconds gauge
github_rate_limit_reset_timestamp_seconds{app="",installation="",resource="core"} %d
`, reset.Unix()))))
	problems, err := testutil.GatherAndLint(reg)
	require.NoError(t, err)
	assert.Empty(t, problems, "the metrics follow Prometheus's naming rules")
}

// A rate-limited answer from the fake is counted with its status; a request
// refused before sending (its quota spent until a reset to come) as "none",
// with no duration.
func TestMetricsRateLimits(t *testing.T) {
	t.Parallel()
	srv := runnerstest.NewServer()
	srv.Org("octo-org").AddRunner(runners.Runner{Name: "build-1", Status: runners.RunnerOnline})
	reg := prometheus.NewRegistry()
	m := NewMetrics(reg)
	c := srv.Client(runners.WithObserver(m.Observe), runners.WithClock(stoppedClock{time.Now()}))
	srv.FailNext(1, runnerstest.PrimaryRateLimit(time.Now().Add(time.Hour)))
	for range 2 {
		_, err := c.Org("octo-org").ListRunners(t.Context(), nil)
		require.ErrorIs(t, err, runners.ErrRateLimited)
	}
	assert.Equal(t, 1.0, testutil.ToFloat64(m.requests.WithLabelValues("ListRunners", "403", "", "false")))
	assert.Equal(t, 1.0, testutil.ToFloat64(m.requests.WithLabelValues("ListRunners", "none", "", "false")), "not sent: the quota is spent")
	assert.Equal(t, 0.0, testutil.ToFloat64(m.remaining.WithLabelValues("", "", "core")))
	require.NoError(t, testutil.CollectAndCompare(m.duration, strings.NewReader(`
# HELP github_request_duration_seconds How long the GitHub API requests that got an answer took, by operation.
# TYPE github_request_duration_seconds histogram
github_request_duration_seconds_bucket{operation="ListRunners",le="0.025"} 1
github_request_duration_seconds_bucket{operation="ListRunners",le="0.05"} 1
github_request_duration_seconds_bucket{operation="ListRunners",le="0.1"} 1
github_request_duration_seconds_bucket{operation="ListRunners",le="0.25"} 1
github_request_duration_seconds_bucket{operation="ListRunners",le="0.5"} 1
github_request_duration_seconds_bucket{operation="ListRunners",le="1"} 1
github_request_duration_seconds_bucket{operation="ListRunners",le="2.5"} 1
github_request_duration_seconds_bucket{operation="ListRunners",le="5"} 1
github_request_duration_seconds_bucket{operation="ListRunners",le="10"} 1
github_request_duration_seconds_bucket{operation="ListRunners",le="+Inf"} 1
github_request_duration_seconds_sum{operation="ListRunners"} 0
github_request_duration_seconds_count{operation="ListRunners"} 1
`), "github_request_duration_seconds"), "one answer timed, taking no time on a stopped clock")
}

// stoppedClock is a client clock that does not move: every duration is 0.
type stoppedClock struct{ now time.Time }

func (c stoppedClock) Now() time.Time                                 { return c.now }
func (stoppedClock) Sleep(ctx context.Context, _ time.Duration) error { return ctx.Err() }

// An App's requests carry its label, and its installation's budget its own
// gauge.
func TestMetricsAppLabels(t *testing.T) {
	t.Parallel()
	reg := prometheus.NewRegistry()
	m := NewMetrics(reg)
	reset := time.Unix(1767229200, 0)
	m.Observe(runners.RequestInfo{Operation: "GetOrgInstallation", StatusCode: 200, App: "Iv23liA", Duration: 20 * time.Millisecond,
		RateLimit: runners.RateLimit{Resource: "core", Limit: 5000, Remaining: 4990, Reset: reset}})
	m.Observe(runners.RequestInfo{Operation: "GetRunner", StatusCode: 200, App: "Iv23liA", InstallationID: 7, Duration: 30 * time.Millisecond,
		RateLimit: runners.RateLimit{Resource: "core", Limit: 15000, Remaining: 14000, Reset: reset}})
	assert.Equal(t, 1.0, testutil.ToFloat64(m.requests.WithLabelValues("GetRunner", "200", "Iv23liA", "false")))
	require.NoError(t, testutil.CollectAndCompare(m.remaining, strings.NewReader(`
# HELP github_rate_limit_remaining Requests left in the rate-limit window, as GitHub last reported it for each credential.
# TYPE github_rate_limit_remaining gauge
github_rate_limit_remaining{app="Iv23liA",installation="",resource="core"} 4990
github_rate_limit_remaining{app="Iv23liA",installation="7",resource="core"} 14000
`)))
}

// -once polls the fake and prints the metrics.
func TestRunOnce(t *testing.T) {
	t.Parallel()
	var out, errOut bytes.Buffer
	require.NoError(t, run(context.Background(), []string{"-once"}, func(string) string { return "" }, &out, &errOut))
	assert.Contains(t, out.String(), `github_requests_total{app="",cached="false",operation="ListRunners",status="200"} 1`)
	assert.Contains(t, out.String(), `github_request_duration_seconds_count{operation="ListRunners"} 1`)
	assert.Contains(t, errOut.String(), "2 runners")
	assert.Error(t, run(context.Background(), []string{"-once", "-interval", "0s"}, func(string) string { return "" }, &out, &errOut))
}
