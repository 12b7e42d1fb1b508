// Cross-cutting: no secret (an auth token, a registration or remove token, a
// JIT config, a download token, an App key, JWT or installation token) shows
// in what fmt and slog print of the exported types, nor in any error of any
// operation.

package runners

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// secApp is a runner download with a temporary download token, a secret.
var secApp = RunnerApplication{OS: "linux", Architecture: "x64", Filename: "actions-runner-linux-x64.tar.gz",
	DownloadURL: "https://example.com/actions-runner-linux-x64.tar.gz", TempDownloadToken: "tdt-xyzSECRET-download"}

// secValues returns a token, a JIT config and an authenticated client as a
// caller would hold them, fetched from a test server.
func secValues(t *testing.T) (Token, JITConfig, *Client) {
	t.Helper()
	c, _ := newTestClient(t, func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		switch {
		case strings.HasSuffix(r.URL.Path, "/registration-token"):
			w.WriteHeader(http.StatusCreated)
			io.WriteString(w, `{"token":"`+testRunnerToken+`","expires_at":"2026-03-10T12:00:00Z"}`)
		case strings.HasSuffix(r.URL.Path, "/generate-jitconfig"):
			w.WriteHeader(http.StatusCreated)
			io.WriteString(w, `{"runner":{"id":42,"name":"jit-runner-1","os":"unknown","status":"offline","busy":false,"labels":[]},"encoded_jit_config":"`+testJITConfig+`"}`)
		default:
			w.WriteHeader(http.StatusNotFound)
		}
	})
	tok, err := c.Org("octo-org").CreateRegistrationToken(t.Context())
	require.NoError(t, err)
	require.Equal(t, testRunnerToken, tok.Token, "the secret is readable from the field")
	require.True(t, time.Date(2026, 3, 10, 12, 0, 0, 0, time.UTC).Equal(tok.ExpiresAt))
	jit, err := c.Org("octo-org").GenerateJITConfig(t.Context(), &JITConfigRequest{Name: "jit-runner-1", RunnerGroupID: 1, Labels: []string{"gpu"}})
	require.NoError(t, err)
	require.Equal(t, testJITConfig, jit.EncodedJITConfig, "the secret is readable from the field")
	require.NotNil(t, jit.Runner)
	return *tok, *jit, c
}

var secVerbs = []string{"%v", "%+v", "%#v", "%s", "%q", "%x", "%X", "%d", "%40v", "%-40s", "%.3s", "%T"}

func TestSecretsFmt(t *testing.T) {
	t.Parallel()
	tok, jit, c := secValues(t)
	values := []struct {
		name string
		v    any
		show string // non-secret information the printed value shows
	}{
		{"Token", tok, "2026-03-10"},
		{"*Token", &tok, "2026-03-10"},
		{"JITConfig", jit, "jit-runner-1"},
		{"*JITConfig", &jit, "jit-runner-1"},
		{"*Client", c, c.BaseURL()},
		{"RunnerApplication", secApp, "actions-runner-linux"},
		{"*RunnerApplication", &secApp, "actions-runner-linux"},
	}
	for _, val := range values {
		t.Run(val.name, func(t *testing.T) {
			t.Parallel()
			for _, verb := range secVerbs {
				s := fmt.Sprintf(verb, val.v)
				assertNoSecrets(t, verb, s, testSecrets...)
				if verb != "%T" {
					assert.Contains(t, s, val.show, "%s shows %q", verb, val.show)
				}
			}
			for what, s := range map[string]string{
				"Sprint":              fmt.Sprint(val.v),
				"Sprintln":            fmt.Sprintln(val.v),
				"Sprint with others":  fmt.Sprint("before", val.v, 7, val.v),
				"Errorf":              fmt.Errorf("wrapped: %v", val.v).Error(),
				"Sprintf %v of [1]":   fmt.Sprintf("%v", [1]any{val.v}),
				"Sprintf %+v of map":  fmt.Sprintf("%+v", map[string]any{"k": val.v}),
				"Sprintf %#v of map":  fmt.Sprintf("%#v", map[string]any{"k": val.v}),
				"Sprintf %v of []any": fmt.Sprintf("%v", []any{val.v, val.v}),
			} {
				assertNoSecrets(t, what, s, testSecrets...)
				assert.Contains(t, s, val.show, what)
			}
		})
	}
	t.Run("redaction marker", func(t *testing.T) {
		t.Parallel()
		assert.Contains(t, fmt.Sprint(tok), "[redacted]")
		assert.Contains(t, fmt.Sprint(jit), "[redacted]")
		assert.Contains(t, fmt.Sprint(Token{}), `Token: ""`, "an empty token is told apart from a redacted one")
		assert.Contains(t, fmt.Sprint(JITConfig{}), `EncodedJITConfig: ""`)
		assert.Contains(t, fmt.Sprint(JITConfig{EncodedJITConfig: testJITConfig}), "Runner: nil")
	})
	t.Run("nil pointers", func(t *testing.T) {
		t.Parallel()
		var nt *Token
		var nj *JITConfig
		var nc *Client
		for _, v := range []any{nt, nj, nc} {
			assert.NotPanics(t, func() { _ = fmt.Sprintf("%v %+v %#v %s", v, v, v, v) })
		}
	})
}

func TestSecretsFmtInContainers(t *testing.T) {
	t.Parallel()
	tok, jit, c := secValues(t)
	type holder struct {
		Tok    Token
		TokP   *Token
		JIT    JITConfig
		JITP   *JITConfig
		Client *Client
		Toks   []Token
		JITs   []*JITConfig
	}
	h := holder{Tok: tok, TokP: &tok, JIT: jit, JITP: &jit, Client: c, Toks: []Token{tok, tok}, JITs: []*JITConfig{&jit}}
	containers := map[string]any{
		"[]Token":      []Token{tok, tok},
		"[]*Token":     []*Token{&tok, nil},
		"[]JITConfig":  []JITConfig{jit},
		"[]*JITConfig": []*JITConfig{&jit},
		"[]*Client":    []*Client{c},
		"map":          map[string]*Token{"reg": &tok},
		"struct":       h,
		"*struct":      &h,
		"anonymous struct": struct {
			Name string
			T    Token
			J    *JITConfig
		}{"x", tok, &jit},
	}
	for name, v := range containers {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			for _, verb := range secVerbs {
				assertNoSecrets(t, verb, fmt.Sprintf(verb, v), testSecrets...)
			}
			assertNoSecrets(t, "Sprint", fmt.Sprint(v), testSecrets...)
			assertNoSecrets(t, "Sprintln", fmt.Sprintln(v, v), testSecrets...)
		})
	}
	// The non-secret information is still there.
	s := fmt.Sprintf("%+v", h)
	assert.Contains(t, s, "2026-03-10")
	assert.Contains(t, s, "jit-runner-1")
	assert.Contains(t, s, c.BaseURL())
}

func TestSecretsSlog(t *testing.T) {
	t.Parallel()
	tok, jit, c := secValues(t)
	handlers := map[string]func(io.Writer) slog.Handler{
		"JSON": func(w io.Writer) slog.Handler { return slog.NewJSONHandler(w, nil) },
		"text": func(w io.Writer) slog.Handler { return slog.NewTextHandler(w, nil) },
	}
	for name, newHandler := range handlers {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			attrs := []struct {
				name string
				attr slog.Attr
				show string
			}{
				{"Token", slog.Any("t", tok), "2026-03-10"},
				{"*Token", slog.Any("t", &tok), "2026-03-10"},
				{"JITConfig", slog.Any("jit", jit), "jit-runner-1"},
				{"*JITConfig", slog.Any("jit", &jit), "jit-runner-1"},
				{"*Client", slog.Any("client", c), ""},
				{"RunnerApplication", slog.Any("app", secApp), "actions-runner-linux"},
				{"*RunnerApplication", slog.Any("app", &secApp), "actions-runner-linux"},
			}
			for _, a := range attrs {
				var buf bytes.Buffer
				logger := slog.New(newHandler(&buf))
				logger.Info("runner event", a.attr)
				logger.With(a.attr).Warn("with")
				logger.WithGroup("g").Error("group", a.attr)
				logger.Info("key-value pairs", a.attr.Key, a.attr.Value.Any())
				out := buf.String()
				require.NotEmpty(t, out)
				assertNoSecrets(t, a.name, out, testSecrets...)
				if a.show != "" {
					for _, line := range strings.Split(strings.TrimSpace(out), "\n") {
						assert.Contains(t, line, a.show, "%s: every line shows it", a.name)
					}
				}
			}
			var buf bytes.Buffer
			slog.New(newHandler(&buf)).Info("all", "tok", tok, "jit", &jit, "client", c)
			assertNoSecrets(t, "all at once", buf.String(), testSecrets...)
			assert.Contains(t, buf.String(), "jit-runner-1")
		})
	}
	t.Run("text handler shows the client", func(t *testing.T) {
		t.Parallel()
		var buf bytes.Buffer
		slog.New(slog.NewTextHandler(&buf, nil)).Info("client", "c", c)
		assert.Contains(t, buf.String(), c.BaseURL())
		assertNoSecrets(t, "text", buf.String(), testSecrets...)
	})
	t.Run("LogValue", func(t *testing.T) {
		t.Parallel()
		v := tok.LogValue()
		require.Equal(t, slog.KindGroup, v.Kind())
		assertNoSecrets(t, "Token.LogValue", v.String(), testSecrets...)
		v = jit.LogValue()
		require.Equal(t, slog.KindGroup, v.Kind())
		assertNoSecrets(t, "JITConfig.LogValue", v.String(), testSecrets...)
		assert.Contains(t, v.String(), "jit-runner-1")
	})
}

func TestSecretsErrors(t *testing.T) {
	t.Parallel()
	modes := []struct {
		name    string
		handler http.HandlerFunc
	}{
		{"401", func(w http.ResponseWriter, r *http.Request) {
			respond(t, http.StatusUnauthorized, "error_unauthorized.json")(w, r)
		}},
		{"404", func(w http.ResponseWriter, r *http.Request) {
			respond(t, http.StatusNotFound, "error_not_found.json")(w, r)
		}},
		{"422", func(w http.ResponseWriter, r *http.Request) {
			respond(t, http.StatusUnprocessableEntity, "error_validation.json")(w, r)
		}},
		{"403 rate limit", func(w http.ResponseWriter, r *http.Request) {
			w.Header().Set("X-RateLimit-Remaining", "0")
			w.Header().Set("X-RateLimit-Reset", "1767225600")
			respond(t, http.StatusForbidden, "error_rate_limit.json")(w, r)
		}},
		{"502 HTML", func(w http.ResponseWriter, r *http.Request) {
			w.Header().Set("Content-Type", "text/html")
			w.WriteHeader(http.StatusBadGateway)
			w.Write(fixture(t, "error_bad_gateway.html"))
		}},
		{"200 truncated", func(w http.ResponseWriter, r *http.Request) {
			w.Header().Set("Content-Type", "application/json")
			io.WriteString(w, `{"total_count": 1, "runners": [{"id": 1`)
		}},
		{"redirect loop", func(w http.ResponseWriter, r *http.Request) {
			http.Redirect(w, r, r.URL.String(), http.StatusFound)
		}},
	}
	for _, mode := range modes {
		for _, op := range everyScopeOp {
			if mode.name == "200 truncated" && op.name == "DeleteRunner" {
				continue // DeleteRunner reads no body: a 200 is a success
			}
			t.Run(mode.name+"/"+op.name, func(t *testing.T) {
				t.Parallel()
				c, rec := newTestClient(t, mode.handler)
				_, err := op.call(t.Context(), c.Repo("octo-org", "octo-repo"))
				assertErrorClean(t, err)
				assert.NotEmpty(t, rec.all(), "the request was sent")
				for _, got := range rec.all() {
					assert.Equal(t, "Bearer "+testToken, got.Header.Get("Authorization"), "the token was in use")
				}
			})
		}
	}
}

func TestSecretsErrorsWithoutResponse(t *testing.T) {
	t.Parallel()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	require.NoError(t, err)
	addr := ln.Addr().String()
	require.NoError(t, ln.Close())
	closed, err := NewClient(WithBaseURL("http://"+addr), WithToken(testToken))
	require.NoError(t, err)

	for _, op := range everyScopeOp {
		t.Run("connection refused/"+op.name, func(t *testing.T) {
			t.Parallel()
			_, err := op.call(t.Context(), closed.Org("octo-org"))
			assertErrorClean(t, err)
		})
		t.Run("cancelled/"+op.name, func(t *testing.T) {
			t.Parallel()
			c, _ := newTestClient(t, respond(t, http.StatusOK, "list_runners.json"))
			ctx, cancel := context.WithCancel(t.Context())
			cancel()
			_, err := op.call(ctx, c.Org("octo-org"))
			assert.ErrorIs(t, err, context.Canceled)
			assertErrorClean(t, err)
		})
	}
}

func TestSecretsInvalidArgumentErrors(t *testing.T) {
	t.Parallel()
	c, rec := newTestClient(t, respond(t, http.StatusOK, "list_runners.json"))
	ctx := t.Context()
	var errs []error
	for _, s := range []Scope{c.Org(""), c.Org("a/b"), c.Repo("", "x"), c.Enterprise("..")} {
		errs = append(errs, s.DeleteRunner(ctx, 23))
	}
	org := c.Org("octo-org")
	_, err := org.GetRunner(ctx, -1)
	errs = append(errs, err)
	_, err = org.AddLabels(ctx, 23)
	errs = append(errs, err)
	_, err = org.RemoveLabel(ctx, 23, "")
	errs = append(errs, err)
	_, err = org.GenerateJITConfig(ctx, nil)
	errs = append(errs, err)
	_, err = org.ListRunners(ctx, &ListRunnersOptions{ListOptions: ListOptions{PerPage: 1000}})
	errs = append(errs, err)
	_, err = c.ScopeFromURL("https://x:" + testToken + "@github.com/octo-org")
	errs = append(errs, err)
	_, err = c.ScopeFromURL("https://x:" + testToken + "@github.com/%zz")
	errs = append(errs, err)
	_, err = NewClient(WithBaseURL("https://x:" + testToken + "@ghes.example.com"))
	errs = append(errs, err)
	_, err = NewClient(WithBaseURL("https://x:" + testToken + "@ghes.example.com/%zz"))
	errs = append(errs, err)
	_, err = NewClient(WithToken(testToken), WithToken(testToken))
	errs = append(errs, err)
	for i, err := range errs {
		assert.ErrorIs(t, err, ErrInvalidArgument, "error %d", i)
		assertErrorClean(t, err)
	}
	assert.Empty(t, rec.all(), "bad input sends nothing")
}

// No secret in what the other exported types print: a failed app exchange
// (*AppAuthError), the scopes, slices of tokens and JIT configs, in fmt and
// slog (package fleet tests its TokenCache itself).
func TestSecretsOtherExportedTypes(t *testing.T) {
	t.Parallel()
	key := appTestKey()
	tc, _ := newTestClient(t, func(http.ResponseWriter, *http.Request) {})
	srv := newAppServer(t, func(s *appServer) {
		s.reply = func(w http.ResponseWriter) { // an exchange that fails after GitHub issued a token
			writeJSON(w, http.StatusCreated, map[string]any{"token": testInstToken, "expires_at": "soon"})
		}
	})
	c := newAppClient(t, srv, WithAppInstallation(testAppID, testInstallationID, pkcs1PEM(key)))
	_, err := getRunner(t, c)
	var appErr *AppAuthError
	require.ErrorAs(t, err, &appErr)
	secrets := append(keySecrets(t, key), testInstToken[4:20])
	secrets = append(secrets, testSecrets...)
	for _, jwt := range srv.receivedJWTs() {
		secrets = append(secrets, jwt, strings.Split(jwt, ".")[2])
	}
	tok := Token{Token: testRunnerToken, ExpiresAt: time.Date(2026, 3, 10, 12, 0, 0, 0, time.UTC)}
	jit := JITConfig{Runner: &Runner{ID: 42, Name: "jit"}, EncodedJITConfig: testJITConfig}
	values := map[string]any{
		"*AppAuthError":        appErr,
		"AppAuthError":         *appErr,
		"error":                err,
		"*OrgService":          c.Org("octo-org"),
		"*RepoService":         c.Repo("octo-org", "octo-repo"),
		"*EnterpriseService":   c.Enterprise("acme"),
		"OrgService":           *c.Org("octo-org"),
		"[]Token":              []Token{tok, tok},
		"[]*JITConfig":         []*JITConfig{&jit},
		"*Client with a token": tc,
	}
	for name, v := range values {
		var out bytes.Buffer
		for _, verb := range secVerbs {
			fmt.Fprintf(&out, verb+"\n", v)
		}
		slog.New(slog.NewTextHandler(&out, nil)).Info("value", "v", v)
		if name != "[]Token" && name != "[]*JITConfig" { // the JSON handler: see below
			slog.New(slog.NewJSONHandler(&out, nil)).Info("value", "v", v)
		}
		assertNoSecrets(t, name, out.String(), secrets...)
		assert.NotEmpty(t, out.String(), name)
	}
	assert.Contains(t, fmt.Sprint(c.Org("octo-org")), "orgs/octo-org")

	// A known limitation (SECURITY.md): slog's JSON handler marshals a slice
	// with encoding/json, which does not call LogValue on its elements. Log
	// tokens one at a time: each is then redacted.
	var out bytes.Buffer
	logger := slog.New(slog.NewJSONHandler(&out, nil))
	for i, tk := range []Token{tok, tok} {
		logger.Info("token", "i", i, "token", tk)
	}
	logger.Info("jit", "jit", &jit)
	assertNoSecrets(t, "tokens logged one at a time", out.String(), secrets...)
	assert.Contains(t, out.String(), "[redacted]")
}
