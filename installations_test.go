package runners

import (
	"context"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"runtime"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// One client serves two organizations with two installations, and a
// repository of the first: one lookup per scope and one exchange per
// installation, shared by concurrent callers; each scope's requests carry
// its own installation's token; an expired token is exchanged again, without
// a new lookup.
func TestAppServesEveryInstallation(t *testing.T) {
	t.Parallel()
	clock := newTestClock()
	f, c := newAppFake(t, clock)
	f.gate = make(chan struct{})
	f.install(testClientID, appTestKey(), 1, fakeLimit, "orgs/a", "repos/a/r")
	f.install(testClientID, appTestKey(), 2, fakeLimit, "orgs/b")

	scopes := []Scope{c.Org("a"), c.Org("b"), c.Repo("a", "r")}
	var started, done sync.WaitGroup
	for i := range 30 {
		started.Add(1)
		done.Add(1)
		go func() {
			defer done.Done()
			started.Done()
			_, err := scopes[i%3].GetRunner(t.Context(), 23)
			assert.NoError(t, err)
		}()
	}
	started.Wait()
	<-f.arrived // one lookup is held at the fake while the others queue behind it
	for range 100 {
		runtime.Gosched()
	}
	close(f.gate)
	done.Wait()

	for _, scope := range []string{"orgs/a", "orgs/b", "repos/a/r"} {
		assert.Equal(t, 1, f.lookupCount(scope), "lookups of %s", scope)
	}
	assert.Equal(t, 1, f.exchangeCount(1), "exchanges of installation 1 (orgs/a and repos/a/r)")
	assert.Equal(t, 1, f.exchangeCount(2), "exchanges of installation 2 (orgs/b)")
	served := f.servedRequests()
	require.Len(t, served, 30)
	for _, s := range served {
		want := int64(1)
		if strings.HasPrefix(s.Path, "/orgs/b/") {
			want = 2
		}
		assert.Equal(t, want, s.Installation, "%s carries the token of its scope's installation", s.Path)
		assert.Equal(t, testClientID, s.App)
	}

	// An hour on, both tokens have expired: each installation exchanges
	// again; the installations are still known.
	clock.Advance(time.Hour)
	for _, s := range scopes {
		_, err := s.GetRunner(t.Context(), 23)
		require.NoError(t, err)
	}
	assert.Equal(t, 2, f.exchangeCount(1))
	assert.Equal(t, 2, f.exchangeCount(2))
	for _, scope := range []string{"orgs/a", "orgs/b", "repos/a/r"} {
		assert.Equal(t, 1, f.lookupCount(scope), "lookups of %s", scope)
	}
}

// The JWT's iss is the Client ID as a string, and an App ID as a number,
// for WithApp and WithAppInstallation alike (checkAppJWT checks the type).
func TestAppJWTIssuer(t *testing.T) {
	t.Parallel()
	key := appTestKey()
	for _, tc := range []struct {
		name, issuer string
		auth         Option
		wantIss      string
	}{
		{"WithApp, Client ID", testClientID, WithApp(testClientID, pkcs1PEM(key)), `"` + testClientID + `"`},
		{"WithApp, App ID", "1234", WithApp("1234", pkcs1PEM(key)), `1234`},
		{"WithAppInstallation", "1234", WithAppInstallation(1234, 7, pkcs1PEM(key)), `1234`},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			f := newFakeApps(t, newTestClock())
			f.install(tc.issuer, key, 7, fakeLimit, "orgs/a")
			var jwts []string
			c := f.client(t, tc.auth, WithHTTPClient(&http.Client{Transport: roundTripperFunc(func(r *http.Request) (*http.Response, error) {
				if r.URL.Path == "/app/installations/7/access_tokens" || strings.HasSuffix(r.URL.Path, "/installation") {
					jwts = append(jwts, strings.TrimPrefix(r.Header.Get("Authorization"), "Bearer "))
				}
				return http.DefaultTransport.RoundTrip(r)
			})}))
			_, err := c.Org("a").GetRunner(t.Context(), 23)
			require.NoError(t, err)
			require.NotEmpty(t, jwts)
			for _, jwt := range jwts {
				raw, err := base64.RawURLEncoding.DecodeString(strings.Split(jwt, ".")[1])
				require.NoError(t, err)
				var claims map[string]json.RawMessage
				require.NoError(t, json.Unmarshal(raw, &claims))
				assert.Equal(t, tc.wantIss, string(claims["iss"]))
			}
		})
	}
}

// A scope the App is not installed on is ErrNotFound, with nothing sent to
// the scope's endpoints and no exchange; the next call looks again.
func TestAppNotInstalled(t *testing.T) {
	t.Parallel()
	f, c := newAppFake(t, newTestClock())
	f.install(testClientID, appTestKey(), 1, fakeLimit, "orgs/a")
	for call := 1; call <= 2; call++ {
		_, err := c.Org("elsewhere").ListRunners(t.Context(), nil)
		require.ErrorIs(t, err, ErrNotFound)
		var appErr *AppAuthError
		require.ErrorAs(t, err, &appErr)
		assert.Equal(t, "installation", appErr.Step)
		assert.Equal(t, "orgs/elsewhere", appErr.Scope)
		assert.Equal(t, testClientID, appErr.ClientID)
		assert.Zero(t, appErr.AppID)
		assert.Zero(t, appErr.InstallationID)
		apiErr := apiError(t, appErr.Err)
		assert.Equal(t, http.StatusNotFound, apiErr.StatusCode)
		assert.Equal(t, f.srv.URL+"/orgs/elsewhere/installation", apiErr.URL)
		assert.Contains(t, err.Error(), "GitHub App installation of orgs/elsewhere (app "+testClientID+"): installation:")
		assert.Equal(t, call, f.lookupCount("orgs/elsewhere"))
		assert.Empty(t, f.servedRequests(), "nothing sent to the scope's endpoints")
		assert.Zero(t, f.exchangeCount(1))
	}
	_, err := c.Org("a").ListRunners(t.Context(), nil)
	require.NoError(t, err, "the client still serves where the App is installed")
}

// The enterprise lookup is GitHub's own endpoint for it.
func TestAppEnterpriseScope(t *testing.T) {
	t.Parallel()
	f, c := newAppFake(t, newTestClock())
	f.install(testClientID, appTestKey(), 9, fakeLimit, "enterprises/acme")
	list, err := c.Enterprise("acme").ListRunners(t.Context(), nil)
	require.NoError(t, err)
	assert.Equal(t, 2, list.TotalCount)
	assert.Equal(t, 1, f.lookupCount("enterprises/acme"))
	assert.Equal(t, []fakeServed{{http.MethodGet, "/enterprises/acme/actions/runners", testClientID, 9}}, f.servedRequests())
}

// A lookup that answers without an installation ID fails the call at step
// "installation"; nothing is exchanged or sent.
func TestAppLookupWithoutID(t *testing.T) {
	t.Parallel()
	for name, body := range map[string]string{"no id": `{"app_slug":"fleet"}`, "id 0": `{"id":0}`, "not JSON": `<html>`} {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			c, rec := newTestClient(t, func(w http.ResponseWriter, r *http.Request) {
				w.Header().Set("Content-Type", "application/json")
				fmt.Fprint(w, body)
			})
			c, err := NewClient(WithBaseURL(c.BaseURL()), WithApp(testClientID, pkcs1PEM(appTestKey())))
			require.NoError(t, err)
			_, err = c.Org("a").GetRunner(t.Context(), 1)
			var appErr *AppAuthError
			require.ErrorAs(t, err, &appErr)
			assert.Equal(t, "installation", appErr.Step)
			reqs := rec.all()
			require.Len(t, reqs, 1, "the lookup only")
			assert.Equal(t, "/orgs/a/installation", reqs[0].Path)
		})
	}
}

// A caller whose context ends while another's lookup is under way gives up
// with its context's error; the lookup goes on for the others.
func TestAppLookupHonoursTheCallersContext(t *testing.T) {
	t.Parallel()
	f, c := newAppFake(t, newTestClock())
	f.gate = make(chan struct{})
	f.install(testClientID, appTestKey(), 1, fakeLimit, "orgs/a")
	first := make(chan error, 1)
	go func() { _, err := c.Org("a").GetRunner(t.Context(), 23); first <- err }()
	<-f.arrived
	ctx, cancel := context.WithCancel(t.Context())
	cancel()
	_, err := c.Org("a").GetRunner(ctx, 23)
	require.ErrorIs(t, err, context.Canceled)
	var appErr *AppAuthError
	require.ErrorAs(t, err, &appErr)
	assert.Equal(t, "installation", appErr.Step)
	close(f.gate)
	require.NoError(t, <-first)
	assert.Equal(t, 1, f.lookupCount("orgs/a"))
}

func TestAppBadInput(t *testing.T) {
	t.Parallel()
	key := appTestKey()
	good := pkcs1PEM(key)
	for _, tc := range []struct {
		name string
		opts []Option
	}{
		{"empty issuer", []Option{WithApp("", good)}},
		{"issuer with a space", []Option{WithApp("Iv23li EXAMPLE", good)}},
		{"issuer with a newline", []Option{WithApp("Iv23li\nEXAMPLE", good)}},
		{"App ID 0", []Option{WithApp("0", good)}},
		{"App ID too large", []Option{WithApp("99999999999999999999", good)}},
		{"negative App ID", []Option{WithApp("-5", good)}},
		{"nil key", []Option{WithApp(testClientID, nil)}},
		{"garbage key", []Option{WithApp(testClientID, []byte("SECRETgarbage, not a key"))}},
		{"WithApp and WithToken", []Option{WithApp(testClientID, good), WithToken(testToken)}},
		{"WithApp and WithAppInstallation", []Option{WithApp(testClientID, good), WithAppInstallation(1, 2, good)}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			c, err := NewClient(tc.opts...)
			require.ErrorIs(t, err, ErrInvalidArgument)
			assert.Nil(t, c)
			assert.True(t, strings.HasPrefix(err.Error(), "runners: "), err.Error())
			assertNoSecrets(t, "the error", err.Error(), append(keySecrets(t, key), "SECRETgarbage")...)
			assert.NotContains(t, err.Error(), "\n", "the input is quoted")
		})
	}
	// The error names the option and what is wrong.
	_, err := NewClient(WithApp("Iv23li EXAMPLE", good))
	assert.Contains(t, err.Error(), `WithApp: the issuer "Iv23li EXAMPLE" is neither an App ID nor a Client ID`)
	assert.False(t, errors.Is(err, ErrNotFound))
}

// A lookup redirected to another origin carries no JWT there, and that
// origin's answer does not pick the installation: nothing is exchanged.
func TestAppLookupRedirectedElsewhere(t *testing.T) {
	t.Parallel()
	var otherAuth []string
	var mu sync.Mutex
	other, _ := newTestClient(t, func(w http.ResponseWriter, r *http.Request) {
		mu.Lock()
		otherAuth = append(otherAuth, r.Header.Get("Authorization"))
		mu.Unlock()
		writeJSON(w, http.StatusOK, map[string]any{"id": 1})
	})
	home, homeRec := newTestClient(t, func(w http.ResponseWriter, r *http.Request) {
		http.Redirect(w, r, other.BaseURL()+strings.TrimPrefix(r.URL.Path, "/"), http.StatusTemporaryRedirect)
	})
	c, err := NewClient(WithBaseURL(home.BaseURL()), WithApp(testClientID, pkcs1PEM(appTestKey())))
	require.NoError(t, err)
	_, err = c.Org("a").GetRunner(t.Context(), 23)
	var appErr *AppAuthError
	require.ErrorAs(t, err, &appErr)
	assert.Equal(t, "installation", appErr.Step)
	assert.Contains(t, err.Error(), "another origin")
	reqs := homeRec.all()
	require.Len(t, reqs, 1, "the lookup, and no exchange")
	assert.True(t, strings.HasPrefix(reqs[0].Header.Get("Authorization"), "Bearer "), "the JWT went home")
	mu.Lock()
	defer mu.Unlock()
	assert.Equal(t, []string{""}, otherAuth, "and nowhere else")
}

// The App's key, its JWTs and its installation tokens appear nowhere: not in
// errors, not in what the observer gets, not in what fmt and slog print of
// the client and its authenticator.
func TestAppNeverPrintsSecrets(t *testing.T) {
	t.Parallel()
	var obs observed
	f, c := newAppFake(t, newTestClock(), WithObserver(obs.observe))
	f.install(testClientID, appTestKey(), 1, fakeLimit, "orgs/a")
	var jwts []string
	c.hc.Transport.(*authTransport).base = roundTripperFunc(func(r *http.Request) (*http.Response, error) {
		if a := r.Header.Get("Authorization"); strings.Count(a, ".") == 2 {
			jwts = append(jwts, strings.TrimPrefix(a, "Bearer "))
		}
		return http.DefaultTransport.RoundTrip(r)
	})
	_, err := c.Org("a").GetRunner(t.Context(), 23)
	require.NoError(t, err)
	_, err = c.Org("b").GetRunner(t.Context(), 23) // not installed there
	require.ErrorIs(t, err, ErrNotFound)
	require.Len(t, jwts, 3, "two lookups and an exchange")

	secrets := append(keySecrets(t, appTestKey()), "ghs_fake")
	for _, jwt := range jwts {
		secrets = append(secrets, jwt, strings.Split(jwt, ".")[2])
	}
	var out strings.Builder
	for _, verb := range []string{"%v", "%+v", "%#v", "%s"} {
		fmt.Fprintf(&out, verb+"\n", c)
		fmt.Fprintf(&out, verb+"\n", c.auth)
		fmt.Fprintf(&out, verb+"\n", err)
		for _, ri := range obs.infos {
			fmt.Fprintf(&out, verb+"\n", ri)
		}
	}
	slog.New(slog.NewTextHandler(&out, nil)).Info("x", "client", c, "auth", c.auth, "err", err, "info", obs.infos[0])
	slog.New(slog.NewJSONHandler(&out, nil)).Info("x", "client", c, "err", err)
	assertNoSecrets(t, "what fmt and slog print", out.String(), secrets...)
	assert.Contains(t, out.String(), testClientID, "the App is named")
}

// GitHub Enterprise Server has no enterprise installation lookup: an
// enterprise scope is bad input there, and nothing is sent.
func TestAppEnterpriseScopeOnServer(t *testing.T) {
	t.Parallel()
	var sent []string
	c, err := NewClient(WithBaseURL("https://ghes.example.com"), WithApp(testClientID, pkcs1PEM(appTestKey())),
		WithHTTPClient(&http.Client{Transport: roundTripperFunc(func(r *http.Request) (*http.Response, error) {
			sent = append(sent, r.URL.Path)
			return nil, errors.New("no network in this test")
		})}))
	require.NoError(t, err)
	_, err = c.Enterprise("acme").ListRunners(t.Context(), nil)
	require.ErrorIs(t, err, ErrInvalidArgument)
	assert.Contains(t, err.Error(), "WithAppInstallation")
	assert.Empty(t, sent)
	_, err = c.Org("octo-org").ListRunners(t.Context(), nil)
	require.Error(t, err)
	assert.Equal(t, []string{"/api/v3/orgs/octo-org/installation"}, sent, "organizations are looked up on the server")
}
