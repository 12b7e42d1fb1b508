package runners

import (
	"bytes"
	"context"
	"crypto"
	"crypto/ecdsa"
	"crypto/ed25519"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/rsa"
	"crypto/x509"
	"encoding/base64"
	"encoding/json"
	"encoding/pem"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// clientApp returns the client's first GitHub App.
func clientApp(t *testing.T, c *Client) *app {
	t.Helper()
	p, ok := c.auth.(*appPool)
	require.True(t, ok, "authenticator is %T, want *appPool", c.auth)
	return p.apps[0]
}

func TestAppInstallation_ExchangesJWTForInstallationToken(t *testing.T) {
	t.Parallel()
	key := appTestKey()
	for _, tc := range []struct {
		name string
		auth func(t *testing.T) Option
	}{
		{"PKCS1 PEM", func(*testing.T) Option { return WithAppInstallation(testAppID, testInstallationID, pkcs1PEM(key)) }},
		{"PKCS8 PEM", func(t *testing.T) Option {
			return WithAppInstallation(testAppID, testInstallationID, pkcs8PEM(t, key))
		}},
		{"PEM with a certificate block first", func(*testing.T) Option {
			cert := pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: []byte("not parsed")})
			return WithAppInstallation(testAppID, testInstallationID, append(cert, pkcs1PEM(key)...))
		}},
		{"crypto.Signer", func(*testing.T) Option { return WithAppInstallationSigner(testAppID, testInstallationID, key) }},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			srv := newAppServer(t)
			c := newAppClient(t, srv, tc.auth(t))

			r, err := getRunner(t, c)
			require.NoError(t, err)
			assert.Equal(t, int64(23), r.ID)
			assert.Equal(t, "MBP", r.Name)

			require.Len(t, srv.issuedTokens(), 1)
			tok := srv.issuedTokens()[0]
			exch := srv.exchangeRequests()
			require.Len(t, exch, 1)
			assert.Equal(t, http.MethodPost, exch[0].Method)
			assert.Equal(t, testExchangePath, exch[0].Path)
			assert.Equal(t, mediaType, exch[0].Header.Get("Accept"))
			assert.Equal(t, serverAPIVersion, exch[0].Header.Get("X-GitHub-Api-Version"))
			assert.Equal(t, defaultUserAgent, exch[0].Header.Get("User-Agent"))
			assert.Equal(t, "Bearer "+srv.receivedJWTs()[0], exch[0].Header.Get("Authorization"))
			assert.NotContains(t, exch[0].Header.Get("Authorization"), "ghs_", "the exchange must not carry an installation token")

			runs := srv.runnerRequests()
			require.Len(t, runs, 1)
			assert.Equal(t, "Bearer "+tok, runs[0].Header.Get("Authorization"))

			// The token is reused: no second exchange.
			_, err = getRunner(t, c)
			require.NoError(t, err)
			assert.Equal(t, int64(1), srv.nExch.Load())
			assert.Equal(t, "Bearer "+tok, srv.runnerRequests()[1].Header.Get("Authorization"))
		})
	}
}

func TestAppInstallation_ConcurrentCallersShareOneExchange(t *testing.T) {
	t.Parallel()
	srv := newAppServer(t, func(s *appServer) { s.delay = 50 * time.Millisecond })
	c := newAppClient(t, srv, WithAppInstallation(testAppID, testInstallationID, pkcs1PEM(appTestKey())))

	start := make(chan struct{})
	var wg sync.WaitGroup
	for range 10 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			<-start
			for range 10 {
				_, err := c.Org("o").GetRunner(t.Context(), 1)
				assert.NoError(t, err)
			}
		}()
	}
	close(start)
	wg.Wait()

	assert.Equal(t, int64(1), srv.nExch.Load(), "100 calls from 10 goroutines must share one exchange")
	require.Len(t, srv.issuedTokens(), 1)
	runs := srv.runnerRequests()
	require.Len(t, runs, 100)
	for _, r := range runs {
		assert.Equal(t, "Bearer "+srv.issuedTokens()[0], r.Header.Get("Authorization"))
	}
}

func TestAppInstallation_RefreshesBeforeExpiry(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		name   string
		margin time.Duration // 0: the default
		want   time.Duration // the token is replaced this long before it expires
	}{
		{"default margin", 0, time.Minute},
		{"ten minutes", 10 * time.Minute, 10 * time.Minute},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			clock := newTestClock()
			srv := newAppServer(t, func(s *appServer) { s.now = clock.Now })
			var opts []Option
			if tc.margin != 0 {
				opts = append(opts, WithTokenRefreshMargin(tc.margin))
			}
			c := newAppClient(t, srv, WithAppInstallation(testAppID, testInstallationID, pkcs1PEM(appTestKey())), append(opts, WithClock(clock))...)
			assert.Equal(t, tc.want, clientApp(t, c).refreshBefore)
			call := func(wantExchanges int64, wantToken int) {
				t.Helper()
				_, err := getRunner(t, c)
				require.NoError(t, err)
				require.Equal(t, wantExchanges, srv.nExch.Load())
				runs := srv.runnerRequests()
				assert.Equal(t, "Bearer "+srv.issuedTokens()[wantToken], runs[len(runs)-1].Header.Get("Authorization"))
			}

			call(1, 0)
			clock.Advance(time.Hour - tc.want - time.Second) // just before expires_at - margin
			call(1, 0)
			clock.Advance(2 * time.Second) // just past it
			call(2, 1)
			call(2, 1)
			call(2, 1)
			clock.Advance(time.Hour - tc.want + time.Second) // past the second token's refresh point
			call(3, 2)

			for _, r := range srv.exchangeRequests() {
				assert.NotContains(t, r.Header.Get("Authorization"), "ghs_", "a refresh must not carry the old token")
			}
		})
	}
}

func TestAppInstallation_BadKeysAndIDs(t *testing.T) {
	t.Parallel()
	key := appTestKey()
	good := pkcs1PEM(key)
	ecKey, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	require.NoError(t, err)
	ecDER, err := x509.MarshalECPrivateKey(ecKey)
	require.NoError(t, err)
	_, edKey, err := ed25519.GenerateKey(rand.Reader)
	require.NoError(t, err)
	smallKey, err := rsa.GenerateKey(rand.Reader, 1024)
	require.NoError(t, err)
	garbageBytes := []byte("SECRETgarbage-that-is-not-DER-0123456789abcdefghijklmnop")
	encrypted := pem.EncodeToMemory(&pem.Block{Type: "RSA PRIVATE KEY", Headers: map[string]string{
		"Proc-Type": "4,ENCRYPTED", "DEK-Info": "AES-256-CBC,00112233445566778899AABBCCDDEEFF",
	}, Bytes: garbageBytes})

	var nilRSA *rsa.PrivateKey
	secrets := append(keySecrets(t, key), "SECRETgarbage", base64.StdEncoding.EncodeToString(garbageBytes)[:32])
	secrets = append(secrets, pemBodyLines(pkcs8PEM(t, ecKey))...)
	for _, tc := range []struct {
		name string
		opts []Option
	}{
		{"nil PEM", []Option{WithAppInstallation(testAppID, testInstallationID, nil)}},
		{"empty PEM", []Option{WithAppInstallation(testAppID, testInstallationID, []byte{})}},
		{"garbage", []Option{WithAppInstallation(testAppID, testInstallationID, []byte("SECRETgarbage, not a key"))}},
		{"RSA PRIVATE KEY block of garbage", []Option{WithAppInstallation(testAppID, testInstallationID,
			pem.EncodeToMemory(&pem.Block{Type: "RSA PRIVATE KEY", Bytes: garbageBytes}))}},
		{"PRIVATE KEY block of garbage", []Option{WithAppInstallation(testAppID, testInstallationID,
			pem.EncodeToMemory(&pem.Block{Type: "PRIVATE KEY", Bytes: garbageBytes}))}},
		{"truncated PEM", []Option{WithAppInstallation(testAppID, testInstallationID, good[:len(good)/2])}},
		{"certificate only", []Option{WithAppInstallation(testAppID, testInstallationID,
			pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: garbageBytes}))}},
		{"encrypted PEM", []Option{WithAppInstallation(testAppID, testInstallationID, encrypted)}},
		{"EC PRIVATE KEY", []Option{WithAppInstallation(testAppID, testInstallationID,
			pem.EncodeToMemory(&pem.Block{Type: "EC PRIVATE KEY", Bytes: ecDER}))}},
		{"PKCS8 ECDSA", []Option{WithAppInstallation(testAppID, testInstallationID, pkcs8PEM(t, ecKey))}},
		{"PKCS8 Ed25519", []Option{WithAppInstallation(testAppID, testInstallationID, pkcs8PEM(t, edKey))}},
		{"1024-bit RSA", []Option{WithAppInstallation(testAppID, testInstallationID, pkcs1PEM(smallKey))}},
		{"app ID 0", []Option{WithAppInstallation(0, testInstallationID, good)}},
		{"negative app ID", []Option{WithAppInstallation(-1, testInstallationID, good)}},
		{"installation ID 0", []Option{WithAppInstallation(testAppID, 0, good)}},
		{"negative installation ID", []Option{WithAppInstallation(testAppID, -42, good)}},
		{"signer nil", []Option{WithAppInstallationSigner(testAppID, testInstallationID, nil)}},
		{"signer typed nil", []Option{WithAppInstallationSigner(testAppID, testInstallationID, nilRSA)}},
		{"signer ECDSA", []Option{WithAppInstallationSigner(testAppID, testInstallationID, ecKey)}},
		{"signer Ed25519", []Option{WithAppInstallationSigner(testAppID, testInstallationID, edKey)}},
		{"signer 1024-bit RSA", []Option{WithAppInstallationSigner(testAppID, testInstallationID, smallKey)}},
		{"signer app ID 0", []Option{WithAppInstallationSigner(0, testInstallationID, key)}},
		{"signer installation ID 0", []Option{WithAppInstallationSigner(testAppID, 0, key)}},
		{"WithToken first", []Option{WithToken(testToken), WithAppInstallation(testAppID, testInstallationID, good)}},
		{"WithToken after", []Option{WithAppInstallation(testAppID, testInstallationID, good), WithToken(testToken)}},
		{"both app options", []Option{WithAppInstallation(testAppID, testInstallationID, good), WithAppInstallationSigner(testAppID, testInstallationID, key)}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			c, err := NewClient(tc.opts...)
			require.Error(t, err)
			assert.Nil(t, c)
			assert.ErrorIs(t, err, ErrInvalidArgument)
			assertNoSecrets(t, "the error", err.Error(), secrets...)
			assertNoSecrets(t, "the error printed", fmt.Sprintf("%+v %#v", err, err), secrets...)
		})
	}
}

func TestAppInstallation_BaseURLs(t *testing.T) {
	t.Parallel()
	t.Run("loopback with /api/v3", func(t *testing.T) {
		t.Parallel()
		srv := newAppServer(t, func(s *appServer) { s.prefix = "/api/v3" })
		c := newAppClient(t, srv, WithAppInstallation(testAppID, testInstallationID, pkcs1PEM(appTestKey())))
		_, err := getRunner(t, c)
		require.NoError(t, err)
		exch := srv.exchangeRequests()
		require.Len(t, exch, 1)
		assert.Equal(t, "/api/v3/app/installations/42/access_tokens", exch[0].Path)
		runs := srv.runnerRequests()
		require.Len(t, runs, 1)
		assert.Equal(t, "/api/v3/orgs/o/actions/runners/1", runs[0].Path)
		assert.Equal(t, "Bearer "+srv.issuedTokens()[0], runs[0].Header.Get("Authorization"))
	})
	for _, tc := range []struct {
		name, baseURL, prefix, wantOrigin, wantVersion string
	}{
		{"GitHub Enterprise Server", "https://ghes.example.com", "/api/v3", "https://ghes.example.com", serverAPIVersion},
		{"GHE.com", "https://api.acme.ghe.com", "", "https://api.acme.ghe.com", cloudAPIVersion},
		{"github.com", "", "", "https://api.github.com", cloudAPIVersion},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			h := newAppHandler(t, func(s *appServer) { s.prefix = tc.prefix })
			transport := roundTripperFunc(func(r *http.Request) (*http.Response, error) {
				rec := httptest.NewRecorder()
				h.ServeHTTP(rec, r)
				return rec.Result(), nil
			})
			opts := []Option{WithHTTPClient(&http.Client{Transport: transport}), WithAppInstallation(testAppID, testInstallationID, pkcs1PEM(appTestKey()))}
			if tc.baseURL != "" {
				opts = append(opts, WithBaseURL(tc.baseURL))
			}
			c, err := NewClient(opts...)
			require.NoError(t, err)
			_, err = getRunner(t, c)
			require.NoError(t, err)
			reqs := h.requests()
			require.Len(t, reqs, 2)
			assert.Equal(t, tc.wantOrigin+tc.prefix+testExchangePath, reqs[0].URL)
			assert.Equal(t, tc.wantVersion, reqs[0].Header.Get("X-GitHub-Api-Version"))
			assert.Equal(t, tc.wantOrigin+tc.prefix+testRunnerPath, reqs[1].URL)
			assert.Equal(t, "Bearer "+h.issuedTokens()[0], reqs[1].Header.Get("Authorization"))
		})
	}
}

// failingSigner is an RSA key in a KMS that is down.
type failingSigner struct{ pub *rsa.PublicKey }

func (s failingSigner) Public() crypto.PublicKey { return s.pub }
func (s failingSigner) Sign(io.Reader, []byte, crypto.SignerOpts) ([]byte, error) {
	return nil, errors.New("kms: service unavailable")
}

// pssSigner signs with RSASSA-PSS whatever it is asked, which GitHub refuses.
type pssSigner struct{ *rsa.PrivateKey }

func (s pssSigner) Sign(r io.Reader, digest []byte, opts crypto.SignerOpts) ([]byte, error) {
	return rsa.SignPSS(r, s.PrivateKey, opts.HashFunc(), digest, nil)
}

func TestAppInstallation_FailedExchange(t *testing.T) {
	t.Parallel()
	key := appTestKey()
	expiresAt := time.Now().Add(time.Hour).UTC().Format(time.RFC3339)
	raw := func(status int, body string) func(http.ResponseWriter) {
		return func(w http.ResponseWriter) {
			w.Header().Set("Content-Type", "application/json; charset=utf-8")
			w.WriteHeader(status)
			io.WriteString(w, body)
		}
	}
	for _, tc := range []struct {
		name          string
		auth          Option
		reply         func(http.ResponseWriter)
		wantStep      string
		wantStatus    int // of the *Error inside the AppAuthError; 0 for none
		wantUnauth    bool
		wantExchanges int64 // per call
	}{
		{"401", nil, raw(http.StatusUnauthorized, string(fixture(t, "error_unauthorized.json"))), "exchange", 401, true, 1},
		{"404", nil, raw(http.StatusNotFound, `{"message":"Not Found"}`), "exchange", 404, false, 1},
		{"500", nil, raw(http.StatusInternalServerError, `{"message":"Server Error"}`), "exchange", 500, false, 1},
		{"garbage JSON", nil, raw(http.StatusCreated, `<html>ghs_inHTMLSECRET</html>`), "decode", 201, false, 1},
		{"truncated JSON", nil, raw(http.StatusCreated, `{"token":"ghs_truncatedSECRET","expires_at":`), "decode", 201, false, 1},
		{"wrong type", nil, raw(http.StatusCreated, `{"token":["ghs_arraySECRET"],"expires_at":"`+expiresAt+`"}`), "decode", 201, false, 1},
		{"no token", nil, raw(http.StatusCreated, `{"expires_at":"`+expiresAt+`"}`), "decode", 201, false, 1},
		{"no expires_at", nil, raw(http.StatusCreated, `{"token":"ghs_noExpirySECRET"}`), "decode", 201, false, 1},
		{"bad expires_at", nil, raw(http.StatusCreated, `{"token":"ghs_badExpirySECRET","expires_at":"soon"}`), "decode", 201, false, 1},
		{"signer fails", WithAppInstallationSigner(testAppID, testInstallationID, failingSigner{&key.PublicKey}), nil, "jwt", 0, false, 0},
		{"signer signs PSS", WithAppInstallationSigner(testAppID, testInstallationID, pssSigner{key}), nil, "jwt", 0, false, 0},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			srv := newAppServer(t, func(s *appServer) { s.reply = tc.reply })
			auth := tc.auth
			if auth == nil {
				auth = WithAppInstallation(testAppID, testInstallationID, pkcs1PEM(key))
			}
			c := newAppClient(t, srv, auth)

			for call := int64(1); call <= 2; call++ { // a failure is not cached: the next call tries again
				r, err := getRunner(t, c)
				require.Error(t, err)
				assert.Nil(t, r)
				assert.Equal(t, call*tc.wantExchanges, srv.nExch.Load())
				assert.Empty(t, srv.runnerRequests(), "no runner request without a token")

				var appErr *AppAuthError
				require.ErrorAs(t, err, &appErr)
				assert.Equal(t, tc.wantStep, appErr.Step)
				assert.Equal(t, int64(testAppID), appErr.AppID)
				assert.Equal(t, int64(testInstallationID), appErr.InstallationID)
				var apiErr *Error
				assert.ErrorAs(t, err, &apiErr, "the operation's error is an *Error")
				if tc.wantStatus != 0 {
					require.ErrorAs(t, appErr.Err, &apiErr)
					assert.Equal(t, tc.wantStatus, apiErr.StatusCode)
					assert.Equal(t, http.MethodPost, apiErr.Method)
					assert.Equal(t, srv.baseURL()+testExchangePath, apiErr.URL)
				}
				if tc.wantUnauth {
					assert.ErrorIs(t, err, ErrUnauthorized)
				} else {
					assert.NotErrorIs(t, err, ErrUnauthorized)
				}
				assert.Contains(t, err.Error(), tc.wantStep)

				secrets := append(keySecrets(t, key), "ghs_")
				for _, jwt := range srv.receivedJWTs() {
					secrets = append(secrets, jwt, strings.Split(jwt, ".")[2])
				}
				for _, s := range []string{err.Error(), fmt.Sprintf("%v|%+v|%#v|%s", err, err, appErr, appErr)} {
					assertNoSecrets(t, "the error", s, secrets...)
				}
			}
		})
	}
}

func TestAppInstallation_NeverPrintsSecrets(t *testing.T) {
	t.Parallel()
	key := appTestKey()
	srv := newAppServer(t)
	c := newAppClient(t, srv, WithAppInstallation(testAppID, testInstallationID, pkcs1PEM(key)))
	_, err := getRunner(t, c) // so the token is cached
	require.NoError(t, err)

	secrets := append(keySecrets(t, key), srv.issuedTokens()...)
	for _, jwt := range srv.receivedJWTs() {
		secrets = append(secrets, jwt, strings.Split(jwt, ".")[2])
	}
	var out bytes.Buffer
	for _, verb := range []string{"%v", "%+v", "%#v", "%s"} {
		fmt.Fprintf(&out, verb+"\n", c)
		fmt.Fprintf(&out, verb+"\n", c.auth)
		fmt.Fprintf(&out, verb+"\n", clientApp(t, c).fixed)
	}
	slog.New(slog.NewTextHandler(&out, nil)).Info("client", "client", c, "app", clientApp(t, c), "installation", clientApp(t, c).fixed)
	slog.New(slog.NewJSONHandler(&out, nil)).Info("client", "client", c, "app", clientApp(t, c), "installation", clientApp(t, c).fixed)
	assert.Contains(t, out.String(), "Authenticated: true")
	assertNoSecrets(t, "the client printed and logged", out.String(), secrets...)
}

func TestAppInstallation_TokenStaysOnTheClientsOrigin(t *testing.T) {
	t.Parallel()
	var otherAuth atomic.Value
	body := fixture(t, "get_runner.json")
	other := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		otherAuth.Store(r.Header.Get("Authorization"))
		w.Header().Set("Content-Type", "application/json")
		w.Write(body)
	}))
	t.Cleanup(other.Close)
	srv := newAppServer(t, func(s *appServer) { s.redirTo = other.URL })
	c := newAppClient(t, srv, WithAppInstallation(testAppID, testInstallationID, pkcs1PEM(appTestKey())))

	r, err := getRunner(t, c)
	require.NoError(t, err)
	assert.Equal(t, int64(23), r.ID)
	runs := srv.runnerRequests()
	require.Len(t, runs, 1)
	assert.Equal(t, "Bearer "+srv.issuedTokens()[0], runs[0].Header.Get("Authorization"))
	assert.Equal(t, "", otherAuth.Load(), "the redirect to another origin must not carry the token")
}

// The exchange runs under the caller's context: a deadline ends a slow
// exchange, and a caller waiting for another's exchange can give up too.
func TestAppInstallation_ExchangeHonoursTheCallersContext(t *testing.T) {
	t.Parallel()
	srv := newAppServer(t, func(s *appServer) { s.delay = time.Second })
	c := newAppClient(t, srv, WithAppInstallation(testAppID, testInstallationID, pkcs1PEM(appTestKey())))

	ctx, cancel := context.WithTimeout(t.Context(), 20*time.Millisecond)
	defer cancel()
	_, err := c.Org("o").GetRunner(ctx, 1)
	// The exchange itself failed on the caller's deadline. (Had it run on to
	// its end, the exchange would have succeeded and the deadline would have
	// hit the runner request instead, with no AppAuthError.)
	require.ErrorIs(t, err, context.DeadlineExceeded)
	var appErr *AppAuthError
	require.ErrorAs(t, err, &appErr)
	assert.Equal(t, "exchange", appErr.Step)

	// Another caller, with time to wait, makes its own exchange (nothing
	// was cached from the abandoned one) and uses the token it got.
	_, err = c.Org("o").GetRunner(t.Context(), 1)
	require.NoError(t, err)
	issued, runs := srv.issuedTokens(), srv.runnerRequests()
	require.NotEmpty(t, issued)
	require.Len(t, runs, 1, "the abandoned call never reached the runner endpoint")
	// The abandoned exchange may still be answered, after the second one or
	// before it: the token used is one the server issued.
	got := strings.TrimPrefix(runs[0].Header.Get("Authorization"), "Bearer ")
	assert.Contains(t, issued, got)
}

// Issue 11, item 1: the app JWT obeys the origin rule of every credential. A
// token exchange redirected to plain http on the same host, another port or
// a sub-domain does not carry the JWT there, and a token answered from
// another origin is refused: the operation fails and no request carries it.
func TestAppInstallation_ExchangeRedirectKeepsTheJWTHome(t *testing.T) {
	t.Parallel()
	const base = "https://ghes.example.com"
	for _, location := range []string{
		"http://ghes.example.com/api/v3" + testExchangePath,
		"https://ghes.example.com:8443/api/v3" + testExchangePath,
		"https://sub.ghes.example.com/api/v3" + testExchangePath,
		"https://evil.example/api/v3" + testExchangePath,
	} {
		for _, status := range []int{http.StatusMovedPermanently, http.StatusFound, http.StatusTemporaryRedirect, http.StatusPermanentRedirect} {
			t.Run(fmt.Sprintf("%d to %s", status, location), func(t *testing.T) {
				t.Parallel()
				var mu sync.Mutex
				var seen []*http.Request
				rt := roundTripperFunc(func(r *http.Request) (*http.Response, error) {
					mu.Lock()
					seen = append(seen, r.Clone(r.Context()))
					mu.Unlock()
					resp := &http.Response{StatusCode: http.StatusOK, Header: http.Header{}, Body: http.NoBody, Request: r}
					switch {
					case r.URL.Host == "ghes.example.com" && r.URL.Scheme == "https" && strings.HasSuffix(r.URL.Path, testExchangePath):
						resp.StatusCode = status
						resp.Header.Set("Location", location)
					case strings.HasSuffix(r.URL.Path, testExchangePath): // the other origin hands out a token
						tok, _ := json.Marshal(map[string]any{"token": testInstToken, "expires_at": time.Now().Add(time.Hour)})
						resp.StatusCode, resp.Body = http.StatusCreated, io.NopCloser(bytes.NewReader(tok))
					default:
						resp.Body = io.NopCloser(bytes.NewReader(fixture(t, "get_runner.json")))
					}
					return resp, nil
				})
				c, err := NewClient(WithBaseURL(base), WithAppInstallation(testAppID, testInstallationID, pkcs1PEM(appTestKey())),
					WithHTTPClient(&http.Client{Transport: rt}))
				require.NoError(t, err)
				_, err = c.Org("o").GetRunner(t.Context(), 1)
				require.Error(t, err, "a token from another origin is not accepted")
				var authErr *AppAuthError
				assert.True(t, errors.As(err, &authErr), "%v", err)
				mu.Lock()
				defer mu.Unlock()
				require.NotEmpty(t, seen)
				assert.True(t, strings.HasPrefix(seen[0].Header.Get("Authorization"), "Bearer "), "the JWT goes to the client's own origin")
				for _, r := range seen[1:] {
					assert.Empty(t, r.Header.Get("Authorization"), "%s %s carries a credential", r.Method, r.URL)
					assert.NotContains(t, r.URL.Path, "/actions/runners/", "no runner request is made with the other origin's token")
				}
			})
		}
	}
}
