package runners

import (
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/http/cookiejar"
	"net/http/httptest"
	"reflect"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"golang.org/x/oauth2"
)

func TestClientBaseURL(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name string
		opts []Option
		want string
	}{
		{"default", nil, "https://api.github.com/"},
		{"api.github.com", []Option{WithBaseURL("https://api.github.com")}, "https://api.github.com/"},
		{"api.github.com/", []Option{WithBaseURL("https://api.github.com/")}, "https://api.github.com/"},
		{"github.com", []Option{WithBaseURL("https://github.com")}, "https://api.github.com/"},
		{"github.com/", []Option{WithBaseURL("https://github.com/")}, "https://api.github.com/"},
		{"GitHub.com in upper case", []Option{WithBaseURL("https://GitHub.COM")}, "https://api.github.com/"},
		{"GHES", []Option{WithBaseURL("https://ghes.example.com")}, "https://ghes.example.com/api/v3/"},
		{"GHES/", []Option{WithBaseURL("https://ghes.example.com/")}, "https://ghes.example.com/api/v3/"},
		{"GHES with /api/v3", []Option{WithBaseURL("https://ghes.example.com/api/v3")}, "https://ghes.example.com/api/v3/"},
		{"GHES with /api/v3/", []Option{WithBaseURL("https://ghes.example.com/api/v3/")}, "https://ghes.example.com/api/v3/"},
		{"GHES with a port", []Option{WithBaseURL("https://ghes.example.com:8443")}, "https://ghes.example.com:8443/api/v3/"},
		{"GHES over http", []Option{WithBaseURL("http://ghes.internal")}, "http://ghes.internal/api/v3/"},
		{"GHES surrounded by white space", []Option{WithBaseURL("  https://ghes.example.com/ ")}, "https://ghes.example.com/api/v3/"},
		{"GHE.com API host", []Option{WithBaseURL("https://api.octo.ghe.com")}, "https://api.octo.ghe.com/"},
		{"GHE.com API host/", []Option{WithBaseURL("https://api.octo.ghe.com/")}, "https://api.octo.ghe.com/"},
		{"GHE.com web host", []Option{WithBaseURL("https://octo.ghe.com")}, "https://api.octo.ghe.com/"},
		{"GHE.com web host/", []Option{WithBaseURL("https://octo.ghe.com/")}, "https://api.octo.ghe.com/"},
		{"127.0.0.1 with a prefix", []Option{WithBaseURL("http://127.0.0.1:8080/some/prefix")}, "http://127.0.0.1:8080/some/prefix/"},
		{"127.0.0.1 with a prefix/", []Option{WithBaseURL("http://127.0.0.1:8080/some/prefix/")}, "http://127.0.0.1:8080/some/prefix/"},
		{"127.0.0.1 without a path", []Option{WithBaseURL("http://127.0.0.1:8080")}, "http://127.0.0.1:8080/"},
		{"127.0.0.1 with /api/v3", []Option{WithBaseURL("http://127.0.0.1:8080/api/v3")}, "http://127.0.0.1:8080/api/v3/"},
		{"[::1] with a prefix", []Option{WithBaseURL("http://[::1]:8080/some/prefix")}, "http://[::1]:8080/some/prefix/"},
		{"[::1] without a path", []Option{WithBaseURL("http://[::1]:8080")}, "http://[::1]:8080/"},
		{"localhost with a prefix", []Option{WithBaseURL("http://localhost:8080/some/prefix")}, "http://localhost:8080/some/prefix/"},
		{"localhost without a port", []Option{WithBaseURL("http://localhost")}, "http://localhost/"},
		{"last WithBaseURL wins", []Option{WithBaseURL("https://ghes.example.com"), WithBaseURL("https://github.com")}, "https://api.github.com/"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			c, err := NewClient(tc.opts...)
			require.NoError(t, err)
			assert.Equal(t, tc.want, c.BaseURL())
		})
	}
}

func TestClientBadBaseURL(t *testing.T) {
	t.Parallel()
	for _, raw := range []string{
		"",
		"ftp://ghes.example.com",
		"ghes.example.com",
		"//ghes.example.com",
		"https://",
		"https:///api/v3",
		"https://:8443/",
		"https://user:pass@ghes.example.com",
		"https://user@ghes.example.com",
		"https://ghes.example.com?x=1",
		"https://ghes.example.com/?",
		"https://ghes.example.com#frag",
		"https://ghes.example.com/%zz",
		"https://ghes.example.com:port/",
		"https://user:pass@ghes.example.com/%zz",
		"https://user:pass@ghes.example.com:port/",
		"://ghes.example.com",
	} {
		t.Run(raw, func(t *testing.T) {
			t.Parallel()
			c, err := NewClient(WithBaseURL(raw), WithToken(testToken))
			assert.Nil(t, c)
			require.Error(t, err)
			assert.ErrorIs(t, err, ErrInvalidArgument)
			var apiErr *Error
			assert.True(t, errors.As(err, &apiErr))
			assert.NotContains(t, err.Error(), "pass", "credentials in the URL are not repeated")
			assert.NotContains(t, err.Error(), testToken)
		})
	}
}

// cliCapture is a transport that answers every request itself, with an empty
// runner list, and records the requests: no request leaves the machine.
type cliCapture struct {
	mu   sync.Mutex
	reqs []*http.Request
}

func (c *cliCapture) RoundTrip(req *http.Request) (*http.Response, error) {
	c.mu.Lock()
	c.reqs = append(c.reqs, req.Clone(req.Context()))
	c.mu.Unlock()
	if req.Body != nil {
		req.Body.Close()
	}
	return &http.Response{
		StatusCode: http.StatusOK,
		Header:     http.Header{"Content-Type": {"application/json"}},
		Body:       io.NopCloser(strings.NewReader(`{"total_count":0,"runners":[]}`)),
		Request:    req,
	}, nil
}

func (c *cliCapture) only(t *testing.T) *http.Request {
	t.Helper()
	c.mu.Lock()
	defer c.mu.Unlock()
	require.Len(t, c.reqs, 1)
	return c.reqs[0]
}

func TestClientAPIVersionRemote(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name    string
		opts    []Option
		wantURL string
		want    string
	}{
		{"api.github.com", nil, "https://api.github.com/orgs/octo-org/actions/runners", "2026-03-10"},
		{"github.com", []Option{WithBaseURL("https://github.com")}, "https://api.github.com/orgs/octo-org/actions/runners", "2026-03-10"},
		{"GHE.com", []Option{WithBaseURL("https://octo.ghe.com")}, "https://api.octo.ghe.com/orgs/octo-org/actions/runners", "2026-03-10"},
		{"GHES", []Option{WithBaseURL("https://ghes.example.com")}, "https://ghes.example.com/api/v3/orgs/octo-org/actions/runners", "2022-11-28"},
		{"GHES with WithAPIVersion", []Option{WithBaseURL("https://ghes.example.com"), WithAPIVersion("2026-03-10")}, "https://ghes.example.com/api/v3/orgs/octo-org/actions/runners", "2026-03-10"},
		{"api.github.com with WithAPIVersion", []Option{WithAPIVersion("2022-11-28")}, "https://api.github.com/orgs/octo-org/actions/runners", "2022-11-28"},
		{"WithAPIVersion before WithBaseURL", []Option{WithAPIVersion("2030-01-01"), WithBaseURL("https://octo.ghe.com")}, "https://api.octo.ghe.com/orgs/octo-org/actions/runners", "2030-01-01"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			capture := &cliCapture{}
			c, err := NewClient(append(tc.opts, WithToken(testToken), WithHTTPClient(&http.Client{Transport: capture}))...)
			require.NoError(t, err)
			assert.Contains(t, fmt.Sprint(c), fmt.Sprintf("APIVersion: %q", tc.want), "the client's fmt output")

			_, err = c.Org("octo-org").ListRunners(t.Context(), nil)
			require.NoError(t, err)
			req := capture.only(t)
			assert.Equal(t, tc.wantURL, req.URL.String())
			assert.Equal(t, tc.want, req.Header.Get("X-GitHub-Api-Version"))
			assert.Equal(t, "Bearer "+testToken, req.Header.Get("Authorization"))
		})
	}
}

func TestClientFormat(t *testing.T) {
	t.Parallel()
	c, err := NewClient()
	require.NoError(t, err)
	assert.Equal(t, `runners.Client{BaseURL: "https://api.github.com/", APIVersion: "2026-03-10", Authenticated: false}`, fmt.Sprint(c))
	c, err = NewClient(WithBaseURL("https://ghes.example.com"), WithToken(testToken))
	require.NoError(t, err)
	assert.Equal(t, `runners.Client{BaseURL: "https://ghes.example.com/api/v3/", APIVersion: "2022-11-28", Authenticated: true}`, fmt.Sprint(c))
	var nilClient *Client
	assert.Equal(t, "<nil>", fmt.Sprint(nilClient))
}

func TestClientHeadersOnLoopback(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name        string
		opts        []Option
		wantVersion string
		wantUA      string
	}{
		{"defaults", nil, "2022-11-28", "fleetkit-runners/" + Version},
		{"WithAPIVersion", []Option{WithAPIVersion("2026-03-10")}, "2026-03-10", "fleetkit-runners/" + Version},
		{"WithUserAgent", []Option{WithUserAgent("my-fleet/1.2 (+https://example.com)")}, "2022-11-28", "my-fleet/1.2 (+https://example.com)"},
		{"both", []Option{WithUserAgent("ua"), WithAPIVersion("2024-01-01")}, "2024-01-01", "ua"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			c, rec := newTestClient(t, respond(t, http.StatusOK, "get_runner.json"), tc.opts...)
			r, err := c.Org("octo-org").GetRunner(t.Context(), 23)
			require.NoError(t, err)
			assert.Equal(t, int64(23), r.ID)
			got := rec.only(t)
			assert.Equal(t, tc.wantVersion, got.Header.Get("X-GitHub-Api-Version"))
			assert.Equal(t, tc.wantUA, got.Header.Get("User-Agent"))
			assert.Equal(t, "application/vnd.github+json", got.Header.Get("Accept"))
			assert.Equal(t, "Bearer "+testToken, got.Header.Get("Authorization"))
			assert.Equal(t, "/orgs/octo-org/actions/runners/23", got.Path)
		})
	}
}

func TestClientLoopbackPrefix(t *testing.T) {
	t.Parallel()
	var mu sync.Mutex
	var paths []string
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		mu.Lock()
		paths = append(paths, r.URL.EscapedPath())
		mu.Unlock()
		w.Header().Set("Content-Type", "application/json")
		w.Write(fixture(t, "get_runner.json"))
	}))
	t.Cleanup(srv.Close)
	c, err := NewClient(WithBaseURL(srv.URL + "/some/prefix"))
	require.NoError(t, err)
	assert.Equal(t, srv.URL+"/some/prefix/", c.BaseURL())
	_, err = c.Repo("octo-org", "octo-repo").GetRunner(t.Context(), 23)
	require.NoError(t, err)
	mu.Lock()
	defer mu.Unlock()
	assert.Equal(t, []string{"/some/prefix/repos/octo-org/octo-repo/actions/runners/23"}, paths, "every path is relative to the base URL")
}

func TestClientOptionErrors(t *testing.T) {
	t.Parallel()
	ts := oauth2.StaticTokenSource(&oauth2.Token{AccessToken: "x"})
	tests := []struct {
		name string
		opts []Option
	}{
		{"WithToken empty", []Option{WithToken("")}},
		{"WithToken blank", []Option{WithToken("  \t")}},
		{"WithTokenSource nil", []Option{WithTokenSource(nil)}},
		{"WithHTTPClient nil", []Option{WithHTTPClient(nil)}},
		{"WithAPIVersion empty", []Option{WithAPIVersion("")}},
		{"WithUserAgent empty", []Option{WithUserAgent("")}},
		{"WithToken and WithTokenSource", []Option{WithToken(testToken), WithTokenSource(ts)}},
		{"WithTokenSource and WithToken", []Option{WithTokenSource(ts), WithToken(testToken)}},
		{"WithToken twice", []Option{WithToken(testToken), WithToken("other")}},
		{"a bad option after good ones", []Option{WithBaseURL("https://ghes.example.com"), WithToken(testToken), WithUserAgent("")}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			c, err := NewClient(tc.opts...)
			assert.Nil(t, c)
			require.Error(t, err)
			assert.ErrorIs(t, err, ErrInvalidArgument)
			var apiErr *Error
			assert.True(t, errors.As(err, &apiErr))
			assert.NotContains(t, err.Error(), testToken)
		})
	}
}

// cliCountingRT counts the requests sent through it.
type cliCountingRT struct {
	base http.RoundTripper
	n    atomic.Int32
}

func (c *cliCountingRT) RoundTrip(req *http.Request) (*http.Response, error) {
	c.n.Add(1)
	return c.base.RoundTrip(req)
}

// cliFailingRT fails every request.
type cliFailingRT struct{}

func (cliFailingRT) RoundTrip(*http.Request) (*http.Response, error) {
	return nil, errors.New("the caller's client was changed after NewClient, and the change reached the client")
}

func TestClientWithHTTPClientCopies(t *testing.T) {
	t.Parallel()
	inner := &http.Transport{}
	t.Cleanup(inner.CloseIdleConnections)
	rt := &cliCountingRT{base: inner}
	jar, err := cookiejar.New(nil)
	require.NoError(t, err)
	var redirects atomic.Int32
	checkRedirect := func(req *http.Request, via []*http.Request) error {
		redirects.Add(1)
		return nil
	}
	hc := &http.Client{Transport: rt, CheckRedirect: checkRedirect, Timeout: 42 * time.Second, Jar: jar}
	before := *hc

	c, rec := newTestClient(t, func(w http.ResponseWriter, r *http.Request) {
		if strings.HasPrefix(r.URL.Path, "/repos/old/") {
			http.Redirect(w, r, strings.Replace(r.URL.Path, "/repos/old/", "/repos/new/", 1), http.StatusMovedPermanently)
			return
		}
		respond(t, http.StatusOK, "get_runner.json")(w, r)
	}, WithHTTPClient(hc))

	// The caller's client is not touched.
	assert.Same(t, rt, hc.Transport.(*cliCountingRT), "Transport")
	assert.Equal(t, before.Timeout, hc.Timeout, "Timeout")
	assert.Same(t, jar, hc.Jar.(*cookiejar.Jar), "Jar")
	assert.Equal(t, reflect.ValueOf(before.CheckRedirect).Pointer(), reflect.ValueOf(hc.CheckRedirect).Pointer(), "CheckRedirect")

	_, err = c.Org("octo-org").GetRunner(t.Context(), 23)
	require.NoError(t, err)
	_, err = c.Repo("old", "octo-repo").GetRunner(t.Context(), 23)
	require.NoError(t, err)
	assert.Equal(t, int32(3), rt.n.Load(), "every request goes through the caller's transport")
	assert.Equal(t, int32(1), redirects.Load(), "the caller's redirect policy is used")
	assert.Len(t, rec.all(), 3)

	// Still untouched after use.
	assert.Same(t, rt, hc.Transport.(*cliCountingRT), "Transport after use")
	assert.Equal(t, 42*time.Second, hc.Timeout, "Timeout after use")
	assert.Same(t, jar, hc.Jar.(*cookiejar.Jar), "Jar after use")
	assert.Equal(t, reflect.ValueOf(before.CheckRedirect).Pointer(), reflect.ValueOf(hc.CheckRedirect).Pointer(), "CheckRedirect after use")

	// A change to the caller's client after NewClient does not reach the client: it holds a copy.
	hc.Transport = cliFailingRT{}
	_, err = c.Org("octo-org").GetRunner(t.Context(), 23)
	require.NoError(t, err)
	assert.Equal(t, int32(4), rt.n.Load())
}

// WithTokenRefreshMargin renews a source's token that long before it expires.
func TestClientTokenRefreshMargin(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		name      string
		opts      []Option
		wantCalls int32
	}{
		{"the default 10s margin reuses a token valid for 5 more minutes", nil, 1},
		{"a 10 minute margin renews it on every request", []Option{WithTokenRefreshMargin(10 * time.Minute)}, 3},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			ts := &countingTokenSource{token: "short-lived", expiryIn: 5 * time.Minute}
			c, _ := newTestClient(t, respond(t, http.StatusOK, "get_runner.json"))
			c, err := NewClient(append([]Option{WithBaseURL(c.BaseURL()), WithTokenSource(ts)}, tc.opts...)...)
			require.NoError(t, err)
			for range 3 {
				_, err := c.Org("octo-org").GetRunner(t.Context(), 23)
				require.NoError(t, err)
			}
			assert.Equal(t, tc.wantCalls, ts.n.Load())
		})
	}
	for _, d := range []time.Duration{0, -time.Second} {
		_, err := NewClient(WithTokenRefreshMargin(d))
		assert.ErrorIs(t, err, ErrInvalidArgument, "margin %v", d)
	}
}

func TestClientWithTokenSource(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name      string
		expired   bool
		wantCalls int32
	}{
		{"a token without expiry is asked for once", false, 1},
		{"an expired token is asked for again", true, 2},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			ts := &countingTokenSource{token: "from-the-source", expired: tc.expired}
			var mu sync.Mutex
			var auths []string
			srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
				mu.Lock()
				auths = append(auths, r.Header.Get("Authorization"))
				mu.Unlock()
				respond(t, http.StatusOK, "get_runner.json")(w, r)
			}))
			t.Cleanup(srv.Close)
			c, err := NewClient(WithBaseURL(srv.URL), WithTokenSource(ts))
			require.NoError(t, err)
			assert.Contains(t, fmt.Sprint(c), "Authenticated: true")
			for range 2 {
				_, err := c.Org("octo-org").GetRunner(t.Context(), 23)
				require.NoError(t, err)
			}
			assert.Equal(t, tc.wantCalls, ts.n.Load(), "token source calls")
			mu.Lock()
			defer mu.Unlock()
			assert.Equal(t, []string{"Bearer from-the-source", "Bearer from-the-source"}, auths)
		})
	}
}

func TestClientTokenSourceError(t *testing.T) {
	t.Parallel()
	ts := &countingTokenSource{err: errors.New("the vault is sealed")}
	var hits atomic.Int32
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { hits.Add(1) }))
	t.Cleanup(srv.Close)
	c, err := NewClient(WithBaseURL(srv.URL), WithTokenSource(ts))
	require.NoError(t, err)
	_, err = c.Org("octo-org").GetRunner(t.Context(), 23)
	require.Error(t, err)
	apiErr := apiError(t, err)
	assert.Equal(t, 0, apiErr.StatusCode)
	assert.Equal(t, http.MethodGet, apiErr.Method)
	assert.Contains(t, err.Error(), "the vault is sealed")
	assert.Equal(t, int32(0), hits.Load(), "nothing is sent without a token")
	assert.GreaterOrEqual(t, ts.n.Load(), int32(1))
}

func TestClientNoAuthorizationWithoutAuthOption(t *testing.T) {
	t.Parallel()
	srv, rec := newTestClient(t, respond(t, http.StatusOK, "list_runners.json"))
	c, err := NewClient(WithBaseURL(srv.BaseURL()))
	require.NoError(t, err)
	assert.Contains(t, fmt.Sprint(c), "Authenticated: false")
	list, err := c.Org("octo-org").ListRunners(t.Context(), nil)
	require.NoError(t, err)
	assert.Len(t, list.Runners, 2)
	got := rec.only(t)
	_, present := got.Header["Authorization"]
	assert.False(t, present, "no Authorization header: %v", got.Header)
	assert.Equal(t, "application/vnd.github+json", got.Header.Get("Accept"))
}

// Credentials never cross the network in clear text unless asked to.
func TestClientPlainHTTPRefusesCredentials(t *testing.T) {
	t.Parallel()
	auths := map[string]Option{
		"WithToken":       WithToken(testToken),
		"WithTokenSource": WithTokenSource(&countingTokenSource{token: testToken}),
	}
	for name, auth := range auths {
		_, err := NewClient(WithBaseURL("http://ghes.example.com"), auth)
		require.ErrorIs(t, err, ErrInvalidArgument, name)
		assert.Contains(t, err.Error(), "WithInsecureHTTP", name)
		assert.NotContains(t, err.Error(), testToken, name)

		c, err := NewClient(WithBaseURL("http://ghes.example.com"), auth, WithInsecureHTTP())
		require.NoError(t, err, name)
		assert.Equal(t, "http://ghes.example.com/api/v3/", c.BaseURL())
	}
	// Without credentials there is nothing to protect; loopback stays on the machine.
	_, err := NewClient(WithBaseURL("http://ghes.example.com"))
	assert.NoError(t, err)
	for _, base := range []string{"http://127.0.0.1:8080", "http://localhost/api", "http://[::1]:9"} {
		_, err := NewClient(WithBaseURL(base), WithToken(testToken))
		assert.NoError(t, err, base)
	}
}

// Plain http to a host that is not loopback is refused for every way of
// giving credentials, GitHub App keys included, unless asked for.
func TestClientPlainHTTPRefusesAppCredentials(t *testing.T) {
	t.Parallel()
	key := appTestKey()
	for name, auth := range map[string]func() Option{
		"WithAppInstallation":       func() Option { return WithAppInstallation(testAppID, testInstallationID, pkcs1PEM(key)) },
		"WithAppInstallationSigner": func() Option { return WithAppInstallationSigner(testAppID, testInstallationID, key) },
	} {
		for _, base := range []string{"http://ghes.example.com", "http://10.0.0.7:8080/api/v3", "http://runners.internal"} {
			_, err := NewClient(WithBaseURL(base), auth())
			require.ErrorIs(t, err, ErrInvalidArgument, "%s %s", name, base)
			assert.Contains(t, err.Error(), "WithInsecureHTTP")
			assert.Contains(t, err.Error(), name)
			assertNoSecrets(t, name+" error", err.Error(), keySecrets(t, key)...)
			_, err = NewClient(WithBaseURL(base), auth(), WithInsecureHTTP())
			assert.NoError(t, err, "%s %s with WithInsecureHTTP", name, base)
		}
		_, err := NewClient(WithBaseURL("http://127.0.0.1:1"), auth())
		assert.NoError(t, err, "%s on loopback", name)
	}
}
