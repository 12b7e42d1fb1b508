package runners

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"golang.org/x/oauth2"
)

// credentialOption is one way to give the client credentials, with the bearer token
// the server then sees.
type credentialOption struct {
	name  string
	opt   func() Option
	token string
}

var credentialOptions = []credentialOption{
	{"WithToken", func() Option { return WithToken(testToken) }, testToken},
	{"WithTokenSource", func() Option {
		return WithTokenSource(oauth2.StaticTokenSource(&oauth2.Token{AccessToken: testSourceToken}))
	}, testSourceToken},
	{"WithAppInstallation", func() Option {
		return WithAppInstallation(testAppID, testInstallationID, pkcs1PEM(appTestKey()))
	}, testInstToken},
}

// withExchange answers the app's token exchange with testInstToken, and hands
// every other request to next.
func withExchange(next http.HandlerFunc) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		if strings.HasSuffix(r.URL.Path, testExchangePath) {
			writeJSON(w, http.StatusCreated, map[string]any{"token": testInstToken, "expires_at": time.Now().Add(time.Hour).UTC().Format(time.RFC3339)})
			return
		}
		next(w, r)
	}
}

// requestLog records the requests a handler sees, but the token exchanges.
type requestLog struct {
	mu   sync.Mutex
	reqs []*http.Request
}

func (h *requestLog) record(r *http.Request) {
	if strings.HasSuffix(r.URL.Path, testExchangePath) {
		return
	}
	h.mu.Lock()
	defer h.mu.Unlock()
	r2 := r.Clone(r.Context())
	if r2.URL.Host == "" {
		r2.URL.Host = r.Host
	}
	h.reqs = append(h.reqs, r2)
}

func (h *requestLog) all() []*http.Request {
	h.mu.Lock()
	defer h.mu.Unlock()
	return append([]*http.Request(nil), h.reqs...)
}

// assertNoCredential checks that the headers of a request, which the message
// calls what, carry none of the client's credentials: no bearer token
// (net/http itself sends Basic credentials when the URL of a redirect has
// userinfo), and the token in no header.
func assertNoCredential(t *testing.T, what string, h http.Header, token string) {
	t.Helper()
	auth := h.Get("Authorization")
	assert.False(t, strings.HasPrefix(auth, "Bearer"), "%s carries Authorization %q", what, auth)
	for k, vs := range h {
		for _, v := range vs {
			assertNoSecrets(t, what+": header "+k, v, token)
		}
	}
}

// Redirects: the token follows a redirect on the client's own origin (a
// renamed repository answers 301), and never one to another origin, for
// every way of giving credentials.
func TestRedirectAuthorization(t *testing.T) {
	t.Parallel()
	for _, auth := range credentialOptions {
		t.Run(auth.name+"/same host 301", func(t *testing.T) {
			t.Parallel()
			var rec requestLog
			srv := httptest.NewServer(withExchange(func(w http.ResponseWriter, r *http.Request) {
				rec.record(r)
				if strings.HasPrefix(r.URL.Path, "/repos/old/") {
					http.Redirect(w, r, strings.Replace(r.URL.Path, "/repos/old/", "/repos/new/", 1), http.StatusMovedPermanently)
					return
				}
				respond(t, http.StatusOK, "get_runner.json")(w, r)
			}))
			t.Cleanup(srv.Close)
			c, err := NewClient(WithBaseURL(srv.URL), auth.opt())
			require.NoError(t, err)
			r, err := c.Repo("old", "octo-repo").GetRunner(t.Context(), 23)
			require.NoError(t, err)
			assert.Equal(t, int64(23), r.ID)
			reqs := rec.all()
			require.Len(t, reqs, 2)
			assert.Equal(t, "/repos/new/octo-repo/actions/runners/23", reqs[1].URL.Path)
			for _, got := range reqs {
				assert.Equal(t, "Bearer "+auth.token, got.Header.Get("Authorization"), got.URL.Path)
			}
		})
		for _, tc := range []struct {
			name   string
			status int
			call   func(ctx context.Context, s Scope) error
		}{
			{"GET 302", http.StatusFound, func(ctx context.Context, s Scope) error { _, err := s.GetRunner(ctx, 23); return err }},
			{"POST 307", http.StatusTemporaryRedirect, func(ctx context.Context, s Scope) error { _, err := s.CreateRegistrationToken(ctx); return err }},
			{"DELETE 308", http.StatusPermanentRedirect, func(ctx context.Context, s Scope) error { return s.DeleteRunner(ctx, 23) }},
		} {
			t.Run(auth.name+"/other port "+tc.name, func(t *testing.T) {
				t.Parallel()
				var other requestLog
				otherSrv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
					other.record(r)
					respond(t, http.StatusCreated, "registration_token.json")(w, r)
				}))
				t.Cleanup(otherSrv.Close)
				var own requestLog
				srv := httptest.NewServer(withExchange(func(w http.ResponseWriter, r *http.Request) {
					own.record(r)
					http.Redirect(w, r, otherSrv.URL+r.URL.Path, tc.status)
				}))
				t.Cleanup(srv.Close)
				c, err := NewClient(WithBaseURL(srv.URL), auth.opt())
				require.NoError(t, err)
				tc.call(t.Context(), c.Org("octo-org")) // the answer does not matter here
				require.Len(t, own.all(), 1)
				assert.Equal(t, "Bearer "+auth.token, own.all()[0].Header.Get("Authorization"))
				reqs := other.all()
				require.Len(t, reqs, 1, "the redirect was followed")
				assertNoCredential(t, reqs[0].Method+" "+reqs[0].URL.String(), reqs[0].Header, auth.token)
			})
		}
		t.Run(auth.name+"/same server, other host name", func(t *testing.T) {
			t.Parallel()
			var rec requestLog
			var srv *httptest.Server
			srv = httptest.NewServer(withExchange(func(w http.ResponseWriter, r *http.Request) {
				rec.record(r)
				if strings.HasPrefix(r.Host, "127.0.0.1:") {
					_, port, _ := net.SplitHostPort(r.Host)
					http.Redirect(w, r, "http://localhost:"+port+r.URL.Path, http.StatusFound)
					return
				}
				respond(t, http.StatusOK, "get_runner.json")(w, r)
			}))
			t.Cleanup(srv.Close)
			c, err := NewClient(WithBaseURL(srv.URL), auth.opt())
			require.NoError(t, err)
			_, err = c.Org("octo-org").GetRunner(t.Context(), 23)
			require.NoError(t, err)
			reqs := rec.all()
			require.Len(t, reqs, 2)
			assert.Equal(t, "Bearer "+auth.token, reqs[0].Header.Get("Authorization"))
			assert.True(t, strings.HasPrefix(reqs[1].Host, "localhost:"), reqs[1].Host)
			assertNoCredential(t, reqs[1].Method+" "+reqs[1].URL.String(), reqs[1].Header, auth.token)
		})
	}
}

// Redirects from an https base URL, at the transport: only the same scheme,
// host and port get the token. https to http on the same host does not.
func TestRedirectOriginIncludesScheme(t *testing.T) {
	t.Parallel()
	const base = "https://ghes.example.com"
	for _, auth := range credentialOptions {
		for _, tc := range []struct {
			location string
			keeps    bool
		}{
			{base + "/api/v3/repos/new/r/actions/runners/23", true},
			{"HTTPS://GHES.Example.COM/api/v3/repos/new/r/actions/runners/23", true},
			{"http://ghes.example.com/api/v3/repos/new/r/actions/runners/23", false},
			{"https://ghes.example.com:8443/api/v3/repos/new/r/actions/runners/23", false},
			{"https://ghes.example.com.evil.example/api/v3/x", false},
			{"https://evil.example/api/v3/x", false},
			{"https://ghes.example.com@evil.example/api/v3/x", false},
			{"https://api.github.com/repos/new/r/actions/runners/23", false},
		} {
			t.Run(auth.name+"/"+tc.location, func(t *testing.T) {
				t.Parallel()
				var mu sync.Mutex
				var seen []*http.Request
				body := fixture(t, "get_runner.json")
				rt := roundTripperFunc(func(r *http.Request) (*http.Response, error) {
					resp := &http.Response{StatusCode: http.StatusOK, Header: http.Header{}, Body: io.NopCloser(bytes.NewReader(body)), Request: r}
					if strings.HasSuffix(r.URL.Path, testExchangePath) {
						tok, _ := json.Marshal(map[string]any{"token": testInstToken, "expires_at": time.Now().Add(time.Hour)})
						resp.StatusCode, resp.Body = http.StatusCreated, io.NopCloser(bytes.NewReader(tok))
						return resp, nil
					}
					mu.Lock()
					seen = append(seen, r.Clone(r.Context()))
					n := len(seen)
					mu.Unlock()
					if n == 1 {
						resp.StatusCode = http.StatusMovedPermanently
						resp.Header.Set("Location", tc.location)
						resp.Body = http.NoBody
					}
					return resp, nil
				})
				opts := []Option{WithBaseURL(base), auth.opt(), WithHTTPClient(&http.Client{Transport: rt})}
				c, err := NewClient(opts...)
				require.NoError(t, err)
				_, err = c.Repo("old", "r").GetRunner(t.Context(), 23)
				require.NoError(t, err)
				mu.Lock()
				defer mu.Unlock()
				require.Len(t, seen, 2)
				assert.Equal(t, "Bearer "+auth.token, seen[0].Header.Get("Authorization"))
				if tc.keeps {
					assert.Equal(t, "Bearer "+auth.token, seen[1].Header.Get("Authorization"), "same origin")
				} else {
					assertNoCredential(t, seen[1].Method+" "+seen[1].URL.String(), seen[1].Header, auth.token)
				}
			})
		}
	}
}

func TestRedirectSameHostKeepsAuthorization(t *testing.T) {
	t.Parallel()
	c, rec := newTestClient(t, func(w http.ResponseWriter, r *http.Request) {
		if strings.HasPrefix(r.URL.Path, "/repos/old/") {
			http.Redirect(w, r, strings.Replace(r.URL.Path, "/repos/old/", "/repos/new/", 1), http.StatusMovedPermanently)
			return
		}
		respond(t, http.StatusOK, "get_runner.json")(w, r)
	})
	r, err := c.Repo("old", "octo-repo").GetRunner(t.Context(), 23)
	require.NoError(t, err)
	assert.Equal(t, int64(23), r.ID)
	assert.Equal(t, "MBP", r.Name)
	reqs := rec.all()
	require.Len(t, reqs, 2)
	assert.Equal(t, "/repos/old/octo-repo/actions/runners/23", reqs[0].Path)
	assert.Equal(t, "/repos/new/octo-repo/actions/runners/23", reqs[1].Path)
	for i, got := range reqs {
		assert.Equal(t, "Bearer "+testToken, got.Header.Get("Authorization"), "request %d", i)
		assert.Equal(t, "2022-11-28", got.Header.Get("X-GitHub-Api-Version"), "request %d", i)
	}
}

func TestRedirectOtherHostDropsAuthorization(t *testing.T) {
	t.Parallel()
	other, otherRec := newTestClient(t, respond(t, http.StatusOK, "get_runner.json"))
	c, rec := newTestClient(t, func(w http.ResponseWriter, r *http.Request) {
		http.Redirect(w, r, other.BaseURL()+strings.TrimPrefix(r.URL.Path, "/"), http.StatusFound)
	})
	require.NotEqual(t, other.BaseURL(), c.BaseURL())

	r, err := c.Org("octo-org").GetRunner(t.Context(), 23)
	require.NoError(t, err)
	assert.Equal(t, int64(23), r.ID)
	first := rec.only(t)
	assert.Equal(t, "Bearer "+testToken, first.Header.Get("Authorization"), "the client's own host gets the token")
	got := otherRec.only(t) // the redirect was followed
	_, present := got.Header["Authorization"]
	assert.False(t, present, "another host never gets the token: %v", got.Header)
	assertNoCredential(t, "the request to the other host", got.Header, testToken)
}
