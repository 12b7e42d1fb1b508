package runners

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

const (
	errsPermissions  = "administration=write; organization_self_hosted_runners=write"
	errsResetUnix    = 1767225600 // 2026-01-01T00:00:00Z
	errsSecondaryDoc = "https://docs.github.com/free-pro-team@latest/rest/overview/rate-limits-for-the-rest-api#about-secondary-rate-limits"
	errsRateLimitDoc = "https://docs.github.com/rest/overview/rate-limits-for-the-rest-api"
)

// errsRateLimit is what a test expects of a *RateLimitError.
type errsRateLimit struct {
	limit, remaining, used int
	resource               string
	reset                  time.Time // zero when X-RateLimit-Reset is not sent
	retryAfter             time.Duration
	retryAfterRange        [2]time.Duration // when not zero, RetryAfter must lie in it (for an HTTP date)
	secondary              bool
}

type errsCase struct {
	name        string
	status      int
	body        string // sent as is
	contentType string // application/json when ""
	headers     map[string]string
	call        func(ctx context.Context, c *Client) error
	method      string
	path        string // the request path, relative to the base URL, with its query

	message   string
	docURL    string
	details   []ErrorDetail
	sentinels []error
	rateLimit *errsRateLimit // nil when the error must not be a *RateLimitError
	contains  []string       // more text Error() must contain
	excludes  []string       // text Error() must not contain
}

func errsCases(t *testing.T) []errsCase {
	t.Helper()
	jit := &JITConfigRequest{Name: "New runner", RunnerGroupID: 1, Labels: []string{"self-hosted", "X64"}}
	secondaryBody := string(fixture(t, "error_secondary_rate_limit.json"))
	rateLimitBody := string(fixture(t, "error_rate_limit.json"))
	return []errsCase{
		{
			name: "401 unauthorized", status: http.StatusUnauthorized, body: string(fixture(t, "error_unauthorized.json")),
			call:   func(ctx context.Context, c *Client) error { _, err := c.Org("octo-org").GetRunner(ctx, 42); return err },
			method: http.MethodGet, path: "orgs/octo-org/actions/runners/42",
			message: "Bad credentials", docURL: "https://docs.github.com/rest",
			sentinels: []error{ErrUnauthorized},
		},
		{
			name: "403 forbidden with quota left", status: http.StatusForbidden, body: string(fixture(t, "error_forbidden.json")),
			headers: map[string]string{"X-RateLimit-Limit": "5000", "X-RateLimit-Remaining": "4999", "X-RateLimit-Used": "1", "X-RateLimit-Reset": fmt.Sprint(errsResetUnix), "X-RateLimit-Resource": "core"},
			call: func(ctx context.Context, c *Client) error {
				_, err := c.Org("octo-org").ListRunners(ctx, nil)
				return err
			},
			method: http.MethodGet, path: "orgs/octo-org/actions/runners",
			message: "Resource not accessible by personal access token", docURL: "https://docs.github.com/rest/actions/self-hosted-runners#list-self-hosted-runners-for-an-organization",
			sentinels: []error{ErrForbidden},
		},
		{
			name: "404 not found", status: http.StatusNotFound, body: string(fixture(t, "error_not_found.json")),
			call: func(ctx context.Context, c *Client) error {
				_, err := c.Repo("octo-org", "octo-repo").GetRunner(ctx, 42)
				return err
			},
			method: http.MethodGet, path: "repos/octo-org/octo-repo/actions/runners/42",
			message: "Not Found", docURL: "https://docs.github.com/rest/actions/self-hosted-runners#get-a-self-hosted-runner-for-an-organization",
			sentinels: []error{ErrNotFound},
		},
		{
			name: "409 conflict on GenerateJITConfig", status: http.StatusConflict, body: string(fixture(t, "error_conflict.json")),
			call: func(ctx context.Context, c *Client) error {
				_, err := c.Org("octo-org").GenerateJITConfig(ctx, jit)
				return err
			},
			method: http.MethodPost, path: "orgs/octo-org/actions/runners/generate-jitconfig",
			message: "Already exists - A runner with the name New runner already exists.", docURL: "https://docs.github.com/rest/actions/self-hosted-runners#create-configuration-for-a-just-in-time-runner-for-an-organization",
			sentinels: []error{ErrConflict},
		},
		{
			name: "422 validation-error-simple", status: http.StatusUnprocessableEntity, body: string(fixture(t, "error_validation_simple.json")),
			call: func(ctx context.Context, c *Client) error {
				_, err := c.Org("octo-org").AddLabels(ctx, 42, "gpu")
				return err
			},
			method: http.MethodPost, path: "orgs/octo-org/actions/runners/42/labels",
			message: "Validation Failed", docURL: "https://docs.github.com/rest/actions/self-hosted-runners#add-custom-labels-to-a-self-hosted-runner-for-an-organization",
			details:   []ErrorDetail{{Message: "Label name gpu is reserved"}},
			sentinels: []error{ErrValidation},
			contains:  []string{"Label name gpu is reserved"},
		},
		{
			name: "422 validation-error", status: http.StatusUnprocessableEntity, body: string(fixture(t, "error_validation.json")),
			call: func(ctx context.Context, c *Client) error {
				_, err := c.Enterprise("acme").GenerateJITConfig(ctx, jit)
				return err
			},
			method: http.MethodPost, path: "enterprises/acme/actions/runners/generate-jitconfig",
			message: "Validation Failed", docURL: "https://docs.github.com/rest/actions/self-hosted-runners#create-configuration-for-a-just-in-time-runner-for-an-organization",
			details: []ErrorDetail{
				{Resource: "Runner", Field: "labels", Code: "missing_field"},
				{Resource: "Runner", Field: "name", Code: "invalid", Message: "name is too long"},
			},
			sentinels: []error{ErrValidation},
			contains:  []string{"missing_field", "name is too long"},
		},
		{
			name: "422 busy runner on DeleteRunner", status: http.StatusUnprocessableEntity, body: string(fixture(t, "error_runner_busy.json")),
			call:   func(ctx context.Context, c *Client) error { return c.Org("octo-org").DeleteRunner(ctx, 23) },
			method: http.MethodDelete, path: "orgs/octo-org/actions/runners/23",
			message: `Bad request - Runner "linux_runner" is still running a job"`, docURL: "https://docs.github.com/rest/actions/self-hosted-runners#delete-a-self-hosted-runner-from-an-organization",
			sentinels: []error{ErrRunnerBusy, ErrValidation},
		},
		{
			name: "403 primary rate limit", status: http.StatusForbidden, body: rateLimitBody,
			headers: map[string]string{"X-RateLimit-Limit": "5000", "X-RateLimit-Remaining": "0", "X-RateLimit-Used": "5000", "X-RateLimit-Reset": fmt.Sprint(errsResetUnix), "X-RateLimit-Resource": "core"},
			call: func(ctx context.Context, c *Client) error {
				_, err := c.Org("octo-org").ListRunners(ctx, nil)
				return err
			},
			method: http.MethodGet, path: "orgs/octo-org/actions/runners",
			message: "API rate limit exceeded for user ID 1.", docURL: errsRateLimitDoc,
			sentinels: []error{ErrRateLimited},
			rateLimit: &errsRateLimit{limit: 5000, remaining: 0, used: 5000, resource: "core", reset: time.Unix(errsResetUnix, 0)},
			contains:  []string{"primary rate limit", "2026-01-01T00:00:00Z"},
		},
		{
			name: "429 primary rate limit", status: http.StatusTooManyRequests, body: rateLimitBody,
			headers: map[string]string{"X-RateLimit-Limit": "5000", "X-RateLimit-Remaining": "0", "X-RateLimit-Used": "5000", "X-RateLimit-Reset": fmt.Sprint(errsResetUnix), "X-RateLimit-Resource": "core"},
			call: func(ctx context.Context, c *Client) error {
				_, err := c.Repo("octo-org", "octo-repo").ListRunners(ctx, nil)
				return err
			},
			method: http.MethodGet, path: "repos/octo-org/octo-repo/actions/runners",
			message: "API rate limit exceeded for user ID 1.", docURL: errsRateLimitDoc,
			sentinels: []error{ErrRateLimited},
			rateLimit: &errsRateLimit{limit: 5000, remaining: 0, used: 5000, resource: "core", reset: time.Unix(errsResetUnix, 0)},
		},
		{
			name: "403 secondary rate limit named by documentation_url", status: http.StatusForbidden, body: secondaryBody,
			headers: map[string]string{"Retry-After": "60", "X-RateLimit-Limit": "5000", "X-RateLimit-Remaining": "4321", "X-RateLimit-Used": "679", "X-RateLimit-Reset": fmt.Sprint(errsResetUnix), "X-RateLimit-Resource": "core"},
			call: func(ctx context.Context, c *Client) error {
				_, err := c.Org("octo-org").CreateRegistrationToken(ctx)
				return err
			},
			method: http.MethodPost, path: "orgs/octo-org/actions/runners/registration-token",
			message:   "You have exceeded a secondary rate limit. Please wait a few minutes before you try again. If you reach out to GitHub Support for help, please include the request ID 0C01:3C5C:1234:5678:65A0B1C2.",
			docURL:    errsSecondaryDoc,
			sentinels: []error{ErrRateLimited},
			rateLimit: &errsRateLimit{limit: 5000, remaining: 4321, used: 679, resource: "core", reset: time.Unix(errsResetUnix, 0), retryAfter: time.Minute, secondary: true},
			contains:  []string{"secondary rate limit", "retry after 1m0s"},
		},
		{
			name: "429 secondary rate limit with Retry-After and quota left", status: http.StatusTooManyRequests,
			body:    `{"message":"Too many requests","documentation_url":"https://docs.github.com/rest"}`,
			headers: map[string]string{"Retry-After": "30", "X-RateLimit-Limit": "5000", "X-RateLimit-Remaining": "4990", "X-RateLimit-Used": "10", "X-RateLimit-Resource": "core"},
			call: func(ctx context.Context, c *Client) error {
				_, err := c.Org("octo-org").CreateRemoveToken(ctx)
				return err
			},
			method: http.MethodPost, path: "orgs/octo-org/actions/runners/remove-token",
			message: "Too many requests", docURL: "https://docs.github.com/rest",
			sentinels: []error{ErrRateLimited},
			rateLimit: &errsRateLimit{limit: 5000, remaining: 4990, used: 10, resource: "core", retryAfter: 30 * time.Second, secondary: true},
		},
		{
			name: "429 with Retry-After as an HTTP date", status: http.StatusTooManyRequests,
			body:    `{"message":"Too many requests","documentation_url":"https://docs.github.com/rest"}`,
			headers: map[string]string{"Retry-After": time.Now().Add(time.Hour).UTC().Format(http.TimeFormat), "X-RateLimit-Limit": "5000", "X-RateLimit-Remaining": "4990", "X-RateLimit-Used": "10", "X-RateLimit-Resource": "core"},
			call: func(ctx context.Context, c *Client) error {
				_, err := c.Org("octo-org").ListLabels(ctx, 42)
				return err
			},
			method: http.MethodGet, path: "orgs/octo-org/actions/runners/42/labels",
			message: "Too many requests", docURL: "https://docs.github.com/rest",
			sentinels: []error{ErrRateLimited},
			// The date has a one second resolution and is read a little later:
			// anything in (0, 1h] is right; a date that was not parsed is 0.
			rateLimit: &errsRateLimit{limit: 5000, remaining: 4990, used: 10, resource: "core", retryAfterRange: [2]time.Duration{time.Nanosecond, time.Hour}, secondary: true},
		},
		{
			name: "502 HTML page", status: http.StatusBadGateway, body: string(fixture(t, "error_bad_gateway.html")), contentType: "text/html",
			call: func(ctx context.Context, c *Client) error {
				_, err := c.Org("octo-org").ListRunnerApplications(ctx)
				return err
			},
			method: http.MethodGet, path: "orgs/octo-org/actions/runners/downloads",
			message:  "Bad Gateway",
			excludes: []string{"<html", "<title>", "nginx", "<"},
		},
		{
			name: "200 truncated JSON", status: http.StatusOK, body: `{"id": 42, "name": "trunc`,
			call:   func(ctx context.Context, c *Client) error { _, err := c.Org("octo-org").GetRunner(ctx, 42); return err },
			method: http.MethodGet, path: "orgs/octo-org/actions/runners/42",
			message:  "decoding the response",
			contains: []string{"decoding"},
		},
		{
			name: "200 empty body", status: http.StatusOK, body: "",
			call: func(ctx context.Context, c *Client) error {
				_, err := c.Org("octo-org").CreateRegistrationToken(ctx)
				return err
			},
			method: http.MethodPost, path: "orgs/octo-org/actions/runners/registration-token",
			message:  "decoding the response",
			contains: []string{"decoding", "empty"},
		},
		{
			name: "500 JSON body", status: http.StatusInternalServerError,
			body: `{"message":"Server Error","documentation_url":"https://docs.github.com/rest"}`,
			call: func(ctx context.Context, c *Client) error {
				_, err := c.Org("octo-org").RemoveLabel(ctx, 42, "gpu")
				return err
			},
			method: http.MethodDelete, path: "orgs/octo-org/actions/runners/42/labels/gpu",
			message: "Server Error", docURL: "https://docs.github.com/rest",
		},
	}
}

func TestErrorsClassification(t *testing.T) {
	t.Parallel()
	for i, tc := range errsCases(t) {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			requestID := fmt.Sprintf("0C01:3C5C:%04X:5678:65A0B1C2", i)
			c, rec := newTestClient(t, func(w http.ResponseWriter, r *http.Request) {
				ct := tc.contentType
				if ct == "" {
					ct = "application/json; charset=utf-8"
				}
				w.Header().Set("Content-Type", ct)
				w.Header().Set("X-GitHub-Request-Id", requestID)
				w.Header().Set("X-Accepted-GitHub-Permissions", errsPermissions)
				for k, v := range tc.headers {
					w.Header().Set(k, v)
				}
				w.WriteHeader(tc.status)
				io.WriteString(w, tc.body)
			})

			err := tc.call(t.Context(), c)
			require.Error(t, err)
			got := rec.only(t)
			assert.Equal(t, tc.method, got.Method, "the request was sent")

			apiErr := apiError(t, err)
			assert.Equal(t, tc.status, apiErr.StatusCode, "StatusCode")
			assert.Equal(t, tc.method, apiErr.Method, "Method")
			assert.Equal(t, c.BaseURL()+tc.path, apiErr.URL, "URL")
			assert.True(t, strings.HasPrefix(apiErr.URL, "http://127.0.0.1:"), "URL %q is the full request URL", apiErr.URL)
			assert.Equal(t, tc.message, apiErr.Message, "Message")
			assert.Equal(t, tc.docURL, apiErr.DocumentationURL, "DocumentationURL")
			assert.Equal(t, tc.details, apiErr.Errors, "Errors")
			assert.Equal(t, requestID, apiErr.RequestID, "RequestID")
			assert.Equal(t, errsPermissions, apiErr.AcceptedPermissions, "AcceptedPermissions")
			assertSentinels(t, err, tc.sentinels...)
			assertErrorClean(t, err)

			msg := err.Error()
			assert.Contains(t, msg, tc.method+" "+c.BaseURL()+tc.path, "Error() names the request")
			assert.Contains(t, msg, fmt.Sprint(tc.status), "Error() names the status")
			assert.Contains(t, msg, tc.message, "Error() carries the message")
			assert.Contains(t, msg, requestID, "Error() carries the request ID")
			for _, s := range tc.contains {
				assert.Contains(t, msg, s)
			}
			for _, s := range tc.excludes {
				assert.NotContains(t, msg, s)
			}

			var rl *RateLimitError
			isRL := errors.As(err, &rl)
			if tc.rateLimit == nil {
				assert.False(t, isRL, "a %T is not a rate limit", err)
				return
			}
			require.True(t, isRL, "errors.As(%T, *RateLimitError)", err)
			want := tc.rateLimit
			assert.Same(t, rl.Err, apiErr, "errors.As finds the *Error the rate limit wraps")
			assert.Equal(t, want.limit, rl.Limit, "Limit")
			assert.Equal(t, want.remaining, rl.Remaining, "Remaining")
			assert.Equal(t, want.used, rl.Used, "Used")
			assert.Equal(t, want.resource, rl.Resource, "Resource")
			assert.Equal(t, want.secondary, rl.Secondary, "Secondary")
			if want.reset.IsZero() {
				assert.True(t, rl.Reset.IsZero(), "Reset %v without X-RateLimit-Reset", rl.Reset)
			} else {
				assert.True(t, want.reset.Equal(rl.Reset), "Reset: want %v, got %v", want.reset, rl.Reset)
			}
			if want.retryAfterRange != [2]time.Duration{} {
				assert.GreaterOrEqual(t, rl.RetryAfter, want.retryAfterRange[0], "RetryAfter")
				assert.LessOrEqual(t, rl.RetryAfter, want.retryAfterRange[1], "RetryAfter")
			} else {
				assert.Equal(t, want.retryAfter, rl.RetryAfter, "RetryAfter")
			}
		})
	}
}

func TestErrorsTransportError(t *testing.T) {
	t.Parallel()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	require.NoError(t, err)
	addr := ln.Addr().String()
	require.NoError(t, ln.Close()) // nothing listens there any more: connection refused

	c, err := NewClient(WithBaseURL("http://"+addr), WithToken(testToken))
	require.NoError(t, err)
	_, err = c.Org("octo-org").GetRunner(t.Context(), 42)

	apiErr := apiError(t, err)
	assert.Equal(t, 0, apiErr.StatusCode, "StatusCode without a response")
	assert.Equal(t, http.MethodGet, apiErr.Method)
	assert.Equal(t, "http://"+addr+"/orgs/octo-org/actions/runners/42", apiErr.URL)
	var opErr *net.OpError
	require.True(t, errors.As(err, &opErr), "the Unwrap chain of %v reaches the net error", err)
	assert.Equal(t, "dial", opErr.Op)
	assertSentinels(t, err)
	assertErrorClean(t, err)
	assert.Contains(t, err.Error(), "GET http://"+addr+"/orgs/octo-org/actions/runners/42")
}

func TestErrorsContextCanceled(t *testing.T) {
	t.Parallel()
	ctx, cancel := context.WithCancel(t.Context())
	defer cancel()
	var arrived atomic.Int32
	c, _ := newTestClient(t, func(w http.ResponseWriter, r *http.Request) {
		arrived.Add(1)
		cancel() // the caller gives up while the request is in flight
		select {
		case <-r.Context().Done():
		case <-time.After(30 * time.Second): // only against a hang; not an assertion
		}
	})
	_, err := c.Org("octo-org").ListRunners(ctx, nil)
	require.Error(t, err)
	assert.Equal(t, int32(1), arrived.Load(), "the request reached the server")
	assert.True(t, errors.Is(err, context.Canceled), "errors.Is(%v, context.Canceled)", err)
	apiErr := apiError(t, err)
	assert.Equal(t, 0, apiErr.StatusCode)
	assert.Equal(t, http.MethodGet, apiErr.Method)
	assert.Equal(t, c.BaseURL()+"orgs/octo-org/actions/runners", apiErr.URL)
	assertSentinels(t, err)
	assertErrorClean(t, err)
}

func TestErrorsContextCanceledBeforeSending(t *testing.T) {
	t.Parallel()
	c, rec := newTestClient(t, respond(t, http.StatusOK, "get_runner.json"))
	ctx, cancel := context.WithCancel(t.Context())
	cancel()
	_, err := c.Org("octo-org").GetRunner(ctx, 23)
	require.Error(t, err)
	assert.True(t, errors.Is(err, context.Canceled), "errors.Is(%v, context.Canceled)", err)
	apiError(t, err)
	assertSentinels(t, err)
	assert.Empty(t, rec.all(), "nothing is sent on a cancelled context")
}

func TestErrorsLargeErrorBodyIsCapped(t *testing.T) {
	t.Parallel()
	const size = 5 << 20
	tr := &http.Transport{}
	t.Cleanup(tr.CloseIdleConnections)
	counting := &countingTransport{base: tr}
	c, rec := newTestClient(t, func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		w.Header().Set("X-GitHub-Request-Id", "BIG:BODY")
		w.Header().Set("X-Accepted-GitHub-Permissions", errsPermissions)
		w.WriteHeader(http.StatusNotFound)
		prefix := `{"message":"Not Found","documentation_url":"https://docs.github.com/rest","junk":"`
		io.WriteString(w, prefix)
		chunk := strings.Repeat("garbage ", 1024)
		for written := len(prefix); written < size; written += len(chunk) {
			if _, err := io.WriteString(w, chunk); err != nil {
				return // the client hung up: it read what it wanted
			}
		}
		io.WriteString(w, `"}`)
	}, WithHTTPClient(&http.Client{Transport: counting}))

	_, err := c.Org("octo-org").GetRunner(t.Context(), 42)
	apiErr := apiError(t, err)
	rec.only(t)
	assert.Equal(t, http.StatusNotFound, apiErr.StatusCode)
	assert.Equal(t, "Not Found", apiErr.Message, "a body cut at the cap is not JSON: the status text stands in")
	assert.Equal(t, "BIG:BODY", apiErr.RequestID)
	assert.Equal(t, errsPermissions, apiErr.AcceptedPermissions)
	assertSentinels(t, err, ErrNotFound)
	assertErrorClean(t, err)
	assert.GreaterOrEqual(t, counting.read.Load(), int64(maxErrorBodyBytes), "the body is read up to the cap")
	assert.LessOrEqual(t, counting.read.Load(), int64(maxErrorBodyBytes+64<<10), "the body is not read far past the cap")
	assert.Less(t, len(err.Error()), 4096, "the error text stays short")
}

func TestErrorsInvalidArgument(t *testing.T) {
	t.Parallel()
	c, rec := newTestClient(t, respond(t, http.StatusOK, "get_runner.json"))
	_, err := c.Org("octo-org").GetRunner(t.Context(), 0)
	apiErr := apiError(t, err)
	assert.Equal(t, 0, apiErr.StatusCode)
	assertSentinels(t, err, ErrInvalidArgument)
	assertErrorClean(t, err)
	assert.Empty(t, rec.all(), "bad input sends nothing")
}

func TestErrorsRateLimitErrorWait(t *testing.T) {
	t.Parallel()
	now := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	tests := []struct {
		name string
		rl   RateLimitError
		want time.Duration
	}{
		{"Retry-After wins", RateLimitError{RetryAfter: 90 * time.Second, Reset: now.Add(time.Hour)}, 90 * time.Second},
		{"until Reset", RateLimitError{Reset: now.Add(15 * time.Minute)}, 15 * time.Minute},
		{"Reset passed", RateLimitError{Reset: now.Add(-time.Minute)}, 0},
		{"Reset now", RateLimitError{Reset: now}, 0},
		{"nothing known", RateLimitError{}, 0},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			assert.Equal(t, tc.want, tc.rl.Wait(now))
		})
	}
}

func TestErrorsRateLimitErrorText(t *testing.T) {
	t.Parallel()
	base := &Error{StatusCode: 403, Method: "GET", URL: "https://api.github.com/orgs/o/actions/runners", Message: "API rate limit exceeded", kind: ErrRateLimited}
	primary := &RateLimitError{Reset: time.Unix(errsResetUnix, 0), Err: base}
	assert.Equal(t, "runners: GET https://api.github.com/orgs/o/actions/runners: 403 API rate limit exceeded [primary rate limit, resets at 2026-01-01T00:00:00Z]", primary.Error())
	secondary := &RateLimitError{RetryAfter: time.Minute, Secondary: true, Err: base}
	assert.Equal(t, "runners: GET https://api.github.com/orgs/o/actions/runners: 403 API rate limit exceeded [secondary rate limit, retry after 1m0s]", secondary.Error())
	assertSentinels(t, secondary, ErrRateLimited)
	apiErr := apiError(t, secondary)
	assert.Same(t, base, apiErr)
}
