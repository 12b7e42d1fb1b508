package main

import (
	"strconv"

	"github.com/fleetkit/runners"
	"github.com/prometheus/client_golang/prometheus"
)

// Metrics exports what a runners.Client observes (runners.WithObserver) as
// Prometheus metrics:
//
//	github_requests_total{operation, status, app, cached}   every attempt; status "none" when no answer came
//	github_request_duration_seconds{operation}              a histogram of the attempts that got an answer
//	github_rate_limit_remaining{app, installation, resource} GitHub's X-RateLimit-Remaining, per credential
//	github_rate_limit_reset_timestamp_seconds{app, installation, resource}
//
// Every label is low-cardinality: the operation's name, never a URL with IDs.
type Metrics struct {
	requests  *prometheus.CounterVec
	duration  *prometheus.HistogramVec
	remaining *prometheus.GaugeVec
	reset     *prometheus.GaugeVec
}

// NewMetrics registers the metrics with reg.
func NewMetrics(reg prometheus.Registerer) *Metrics {
	credential := []string{"app", "installation", "resource"}
	m := &Metrics{
		requests: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "github_requests_total",
			Help: "GitHub API requests by operation, HTTP status (none: no answer), App, and whether a 304 was answered from the ETag cache.",
		}, []string{"operation", "status", "app", "cached"}),
		duration: prometheus.NewHistogramVec(prometheus.HistogramOpts{
			Name:    "github_request_duration_seconds",
			Help:    "How long the GitHub API requests that got an answer took, by operation.",
			Buckets: []float64{.025, .05, .1, .25, .5, 1, 2.5, 5, 10},
		}, []string{"operation"}),
		remaining: prometheus.NewGaugeVec(prometheus.GaugeOpts{
			Name: "github_rate_limit_remaining",
			Help: "Requests left in the rate-limit window, as GitHub last reported it for each credential.",
		}, credential),
		reset: prometheus.NewGaugeVec(prometheus.GaugeOpts{
			Name: "github_rate_limit_reset_timestamp_seconds",
			Help: "When the rate-limit window resets, as GitHub last reported it for each credential.",
		}, credential),
	}
	reg.MustRegister(m.requests, m.duration, m.remaining, m.reset)
	return m
}

// Observe records one attempt; give it to runners.WithObserver.
func (m *Metrics) Observe(ri runners.RequestInfo) {
	status := "none"
	if ri.StatusCode != 0 {
		status = strconv.Itoa(ri.StatusCode)
		m.duration.WithLabelValues(ri.Operation).Observe(ri.Duration.Seconds())
	}
	m.requests.WithLabelValues(ri.Operation, status, ri.App, strconv.FormatBool(ri.FromCache)).Inc()
	if rl := ri.RateLimit; rl.Resource != "" {
		installation := ""
		if ri.InstallationID != 0 {
			installation = strconv.FormatInt(ri.InstallationID, 10)
		}
		m.remaining.WithLabelValues(ri.App, installation, rl.Resource).Set(float64(rl.Remaining))
		if !rl.Reset.IsZero() {
			m.reset.WithLabelValues(ri.App, installation, rl.Resource).Set(float64(rl.Reset.Unix()))
		}
	}
}
