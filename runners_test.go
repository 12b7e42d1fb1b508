package runners

import (
	"bytes"
	"context"
	"encoding/json"
	"net/http"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// GetRunnerDeprecation at each scope: the request (method, escaped path,
// headers, no body) and the decoded model, with dates, with null dates and
// with dates left out (GitHub has been seen to leave
// registration_deprecates_at out).
func TestRunnerDeprecation(t *testing.T) {
	t.Parallel()
	registration := time.Date(2026, 3, 17, 0, 0, 0, 0, time.UTC)
	runtime := time.Date(2026, 4, 16, 15, 30, 0, 0, time.UTC) // 08:30 at -07:00 in the fixture
	get := func(version string) func(ctx context.Context, s Scope) (any, error) {
		return func(ctx context.Context, s Scope) (any, error) { return s.GetRunnerDeprecation(ctx, version) }
	}
	check := func(wantRegistration, wantRuntime *time.Time) func(t *testing.T, _ testScope, got any) {
		return func(t *testing.T, _ testScope, got any) {
			t.Helper()
			d := got.(*RunnerDeprecation)
			require.NotNil(t, d)
			assert.Equal(t, "2.329.0", d.RunnerVersion, "RunnerVersion")
			assertTimePtr(t, wantRegistration, d.RegistrationDeprecatesAt, "RegistrationDeprecatesAt")
			assertTimePtr(t, wantRuntime, d.RuntimeDeprecatesAt, "RuntimeDeprecatesAt")
		}
	}
	fixtureName, path := fixed("runner_deprecation.json"), fixed("/actions/runners/deprecations/2.329.0")
	runOpCases(t, runnerScopes, []opCase[Scope]{
		{name: "dates", status: http.StatusOK, fixture: fixtureName, method: http.MethodGet,
			call: get("2.329.0"), path: path, check: check(&registration, &runtime)},
		{name: "null dates", status: http.StatusOK, fixture: fixtureName, method: http.MethodGet,
			edit: func(b []byte) []byte {
				b = bytes.Replace(b, []byte(`"2026-03-17T00:00:00Z"`), []byte("null"), 1)
				return bytes.Replace(b, []byte(`"2026-04-16T08:30:00-07:00"`), []byte("null"), 1)
			},
			call: get("2.329.0"), path: path, check: check(nil, nil)},
		{name: "registration date left out", status: http.StatusOK, fixture: fixtureName, method: http.MethodGet,
			edit: func(b []byte) []byte {
				return bytes.Replace(b, []byte(`"registration_deprecates_at": "2026-03-17T00:00:00Z",`), nil, 1)
			},
			call: get("2.329.0"), path: path, check: check(nil, &runtime)},
		{name: "escaped version", status: http.StatusOK, fixture: fixtureName, method: http.MethodGet,
			call: get("2.329.0/x y?#%"), path: fixed("/actions/runners/deprecations/2.329.0%2Fx%20y%3F%23%25"),
			check: check(&registration, &runtime)},
	})
}

func assertTimePtr(t *testing.T, want, got *time.Time, what string) {
	t.Helper()
	if want == nil {
		assert.Nil(t, got, "%s", what)
		return
	}
	if assert.NotNil(t, got, "%s", what) {
		assert.True(t, want.Equal(*got), "%s is %v, want %v", what, *got, *want)
	}
}

// A version that is not one path segment is refused before anything is
// sent; GitHub Enterprise Server, which lacks the endpoint, answers 404.
func TestRunnerDeprecationErrors(t *testing.T) {
	t.Parallel()
	for _, sc := range runnerScopes {
		t.Run(sc.name, func(t *testing.T) {
			t.Parallel()
			c, rec := newTestClient(t, respond(t, http.StatusNotFound, "error_not_found.json"))
			s := sc.build(c)
			for _, v := range []string{"", ".", ".."} {
				d, err := s.GetRunnerDeprecation(t.Context(), v)
				assert.Nil(t, d, "version %q", v)
				assert.ErrorIs(t, err, ErrInvalidArgument, "version %q", v)
			}
			assert.Empty(t, rec.all(), "nothing is sent for a bad version")

			d, err := s.GetRunnerDeprecation(t.Context(), "2.329.0")
			assert.Nil(t, d)
			assert.ErrorIs(t, err, ErrNotFound)
			apiErr := apiError(t, err)
			assert.Equal(t, http.StatusNotFound, apiErr.StatusCode)
			assertOpRequest(t, rec, http.MethodGet, sc.prefix+"/actions/runners/deprecations/2.329.0", "", "")
		})
	}
}

// A status decodes to its constant, and any other value (a status GitHub
// adds later, an escaped string) as itself.
func TestRunnerStatusDecoding(t *testing.T) {
	t.Parallel()
	var r Runner
	require.NoError(t, decodeBody([]byte(`{"id":1,"name":"r","os":"linux","status":"offline","busy":false,"labels":[]}`), &r))
	assert.Equal(t, RunnerOffline, r.Status)
	for body, want := range map[string]RunnerStatus{`"online"`: RunnerOnline, `"\u006fnline"`: RunnerOnline, `"idle"`: "idle", `""`: ""} {
		var s RunnerStatus
		require.NoError(t, json.Unmarshal([]byte(body), &s), body)
		assert.Equal(t, want, s, body)
	}
	var s RunnerStatus
	assert.Error(t, json.Unmarshal([]byte(`5`), &s))
}
