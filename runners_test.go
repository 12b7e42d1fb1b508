package runners

import (
	"bytes"
	"encoding/json"
	"net/http"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// TestRunnerDeprecation checks GetRunnerDeprecation at each
// scope: the request (method, escaped path, headers, no body) and the decoded
// model, with dates, with null dates and with dates left out (GitHub has been
// seen to leave registration_deprecates_at out).
func TestRunnerDeprecation(t *testing.T) {
	t.Parallel()
	registration := time.Date(2026, 3, 17, 0, 0, 0, 0, time.UTC)
	runtime := time.Date(2026, 4, 16, 15, 30, 0, 0, time.UTC) // 08:30 at -07:00 in the fixture
	cases := []struct {
		name             string
		version, escaped string
		edit             func([]byte) []byte // applied to runner_deprecation.json, when set
		wantRegistration *time.Time
		wantRuntime      *time.Time
	}{
		{"dates", "2.329.0", "2.329.0", nil, &registration, &runtime},
		{"null dates", "2.329.0", "2.329.0", func(b []byte) []byte {
			b = bytes.Replace(b, []byte(`"2026-03-17T00:00:00Z"`), []byte("null"), 1)
			return bytes.Replace(b, []byte(`"2026-04-16T08:30:00-07:00"`), []byte("null"), 1)
		}, nil, nil},
		{"registration date left out", "2.329.0", "2.329.0", func(b []byte) []byte {
			return bytes.Replace(b, []byte(`"registration_deprecates_at": "2026-03-17T00:00:00Z",`), nil, 1)
		}, nil, &runtime},
		{"escaped version", "2.329.0/x y?#%", "2.329.0%2Fx%20y%3F%23%25", nil, &registration, &runtime},
	}
	for _, sc := range runnerScopes {
		for _, tc := range cases {
			t.Run(sc.name+"/"+tc.name, func(t *testing.T) {
				t.Parallel()
				body := fixture(t, "runner_deprecation.json")
				if tc.edit != nil {
					edited := tc.edit(body)
					require.NotEqual(t, body, edited, "the fixture edit applies")
					body = edited
				}
				c, rec := newTestClient(t, func(w http.ResponseWriter, r *http.Request) {
					w.Header().Set("Content-Type", "application/json; charset=utf-8")
					w.Write(body)
				})
				d, err := sc.build(c).GetRunnerDeprecation(t.Context(), tc.version)
				require.NoError(t, err)
				assertOpRequest(t, rec, http.MethodGet, sc.prefix+"/actions/runners/deprecations/"+tc.escaped, "", "")

				require.NotNil(t, d)
				assert.Equal(t, "2.329.0", d.RunnerVersion, "RunnerVersion")
				assertTimePtr(t, tc.wantRegistration, d.RegistrationDeprecatesAt, "RegistrationDeprecatesAt")
				assertTimePtr(t, tc.wantRuntime, d.RuntimeDeprecatesAt, "RuntimeDeprecatesAt")
			})
		}
	}
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
	require.NoError(t, decodeBody([]byte(`{"id":1,"status":"offline","labels":[]}`), &r))
	assert.Equal(t, RunnerOffline, r.Status)
	for body, want := range map[string]RunnerStatus{`"online"`: RunnerOnline, `"\u006fnline"`: RunnerOnline, `"idle"`: "idle", `""`: ""} {
		var s RunnerStatus
		require.NoError(t, json.Unmarshal([]byte(body), &s), body)
		assert.Equal(t, want, s, body)
	}
	var s RunnerStatus
	assert.Error(t, json.Unmarshal([]byte(`5`), &s))
}
