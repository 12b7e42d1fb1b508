package runnerstest_test

import (
	"context"
	"crypto"
	"crypto/rand"
	"crypto/rsa"
	"crypto/sha256"
	"crypto/x509"
	"encoding/base64"
	"encoding/json"
	"encoding/pem"
	"fmt"
	"net/http"
	"net/http/httptest"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/fleetkit/runners"
	"github.com/fleetkit/runners/runnerstest"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// appKeys are the private keys of the tests' Apps, made once: a 2048-bit
// key takes a while to make.
var appKeys = sync.OnceValue(func() []*rsa.PrivateKey {
	keys := make([]*rsa.PrivateKey, 4)
	for i := range keys {
		k, err := rsa.GenerateKey(rand.Reader, 2048)
		if err != nil {
			panic(err)
		}
		keys[i] = k
	}
	return keys
})

// keyPEM is key as GitHub hands it out: PKCS #1 PEM.
func keyPEM(key *rsa.PrivateKey) []byte {
	return pem.EncodeToMemory(&pem.Block{Type: "RSA PRIVATE KEY", Bytes: x509.MarshalPKCS1PrivateKey(key)})
}

// signJWT signs claims with key as an App's JWT, under header (RS256 when
// nil), for raw requests.
func signJWT(t *testing.T, key *rsa.PrivateKey, header, claims map[string]any) string {
	t.Helper()
	if header == nil {
		header = map[string]any{"alg": "RS256", "typ": "JWT"}
	}
	seg := func(v any) string {
		b, err := json.Marshal(v)
		require.NoError(t, err)
		return base64.RawURLEncoding.EncodeToString(b)
	}
	signed := seg(header) + "." + seg(claims)
	digest := sha256.Sum256([]byte(signed))
	sig, err := rsa.SignPKCS1v15(rand.Reader, key, crypto.SHA256, digest[:])
	require.NoError(t, err)
	return signed + "." + base64.RawURLEncoding.EncodeToString(sig)
}

// appClaims are the claims of a good JWT for iss at now, as the library
// signs them.
func appClaims(iss any, now time.Time) map[string]any {
	return map[string]any{"iat": now.Add(-time.Minute).Unix(), "exp": now.Add(9 * time.Minute).Unix(), "iss": iss}
}

// rawAs sends a raw request to the fake with credential.
func rawAs(t *testing.T, srv *runnerstest.Server, method, path, credential string) rawResponse {
	t.Helper()
	return roundTrip(t, srv.Transport(), method, "http://"+fakeHost+"/"+path, "", http.Header{"Authorization": {"Bearer " + credential}})
}

// appCalls counts the App's own requests the fake received: its lookups
// ("GET /orgs/team-a/installation") and token exchanges ("POST
// /app/installations/1001/access_tokens").
func appCalls(srv *runnerstest.Server) map[string]int {
	out := map[string]int{}
	for _, r := range srv.Requests() {
		if strings.HasSuffix(r.Path, "/installation") || strings.HasSuffix(r.Path, "/access_tokens") {
			out[r.Method+" "+r.Path]++
		}
	}
	return out
}

// countPath counts the requests for path the fake received.
func countPath(srv *runnerstest.Server, path string) int {
	n := 0
	for _, r := range srv.Requests() {
		if r.Path == path {
			n++
		}
	}
	return n
}

// exchange is the recorded request of a token exchange for installation in.
func exchange(in *runnerstest.Installation) string {
	return "POST /app/installations/" + strconv.FormatInt(in.ID(), 10) + "/access_tokens"
}

// sentCredentials keeps what each request in front of the fake carried in
// Authorization, which the fake itself never records.
type sentCredentials struct {
	rt   http.RoundTripper
	mu   sync.Mutex
	sent []string
}

func (s *sentCredentials) RoundTrip(req *http.Request) (*http.Response, error) {
	s.mu.Lock()
	s.sent = append(s.sent, strings.TrimPrefix(req.Header.Get("Authorization"), "Bearer "))
	s.mu.Unlock()
	return s.rt.RoundTrip(req)
}

// tokens returns the installation tokens sent, in order, once each.
func (s *sentCredentials) tokens() []string {
	s.mu.Lock()
	defer s.mu.Unlock()
	var out []string
	for _, c := range s.sent {
		if strings.HasPrefix(c, "ghs_") && (len(out) == 0 || out[len(out)-1] != c) {
			out = append(out, c)
		}
	}
	return out
}

// all returns every credential sent.
func (s *sentCredentials) all() []string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]string(nil), s.sent...)
}

// watchedClient is a client of the fake on clock, whose credentials the
// test sees.
func watchedClient(t *testing.T, srv *runnerstest.Server, clock runners.Clock, opts ...runners.Option) (*runners.Client, *sentCredentials) {
	t.Helper()
	sent := &sentCredentials{rt: srv.Transport()}
	c, err := runners.NewClient(append([]runners.Option{
		runners.WithBaseURL("http://" + fakeHost + "/"), runners.WithClock(clock),
		runners.WithHTTPClient(&http.Client{Transport: sent}),
	}, opts...)...)
	require.NoError(t, err)
	return c, sent
}

// appFake is a fresh fake on a clock at t0, with the App "Iv23liFLEET"
// (key 0) installed on the organizations team-a (with repository svc) and
// team-b, each with a runner.
func appFake(t *testing.T) (srv *runnerstest.Server, clock *runnerstest.Clock, app *runnerstest.App, inA, inB *runnerstest.Installation) {
	t.Helper()
	srv = runnerstest.NewServer()
	clock = runnerstest.NewClock(t0)
	srv.SetClock(clock)
	for _, org := range []string{"team-a", "team-b"} {
		srv.Org(org).AddRunner(runners.Runner{Name: org + "-1", Status: runners.RunnerOnline})
	}
	srv.Repo("team-a", "svc").AddRunner(runners.Runner{Name: "svc-1"})
	app = srv.AddApp("Iv23liFLEET", &appKeys()[0].PublicKey)
	return srv, clock, app, app.Install(srv.Org("team-a")), app.Install(srv.Org("team-b"))
}

// One client serves two organizations and a repository: one lookup per
// scope, one exchange per installation (the repository shares its
// organization's), however many callers come at once; each installation's
// tokens count against its own budget, the lookups and exchanges against
// the App's.
func TestAppServesEveryInstallation(t *testing.T) {
	t.Parallel()
	srv, _, app, inA, inB := appFake(t)
	c := srv.Client(runners.WithApp("Iv23liFLEET", keyPEM(appKeys()[0])))
	scopes := []runners.Scope{c.Org("team-a"), c.Org("team-b"), c.Repo("team-a", "svc")}

	var wg sync.WaitGroup
	errs := make(chan error, 4*len(scopes))
	for range 4 {
		for _, s := range scopes {
			wg.Add(1)
			go func() {
				defer wg.Done()
				list, err := s.ListRunners(t.Context(), nil)
				if err == nil && list.TotalCount != 1 {
					err = fmt.Errorf("%s: %d runners", s.ConfigURL(), list.TotalCount)
				}
				errs <- err
			}()
		}
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		require.NoError(t, err)
	}

	assert.Equal(t, map[string]int{
		"GET /orgs/team-a/installation":      1,
		"GET /orgs/team-b/installation":      1,
		"GET /repos/team-a/svc/installation": 1,
		exchange(inA):                        1,
		exchange(inB):                        1,
	}, appCalls(srv))
	assert.Equal(t, 8, inA.RateLimit().Used, "team-a and its repository, with one token")
	assert.Equal(t, 4, inB.RateLimit().Used)
	assert.Equal(t, 5, app.RateLimit().Used, "three lookups and two exchanges, with the App's JWT")
	assert.NotEqual(t, inA.ID(), inB.ID())
}

// Over a socket, on the real clock, as a client in production would talk
// to GitHub.
func TestAppOverSocket(t *testing.T) {
	t.Parallel()
	srv := runnerstest.NewServer()
	srv.Org("team-a").AddRunner(runners.Runner{Name: "team-a-1"})
	in := srv.AddApp("31415", &appKeys()[1].PublicKey).Install(srv.Org("team-a"))
	ts := httptest.NewServer(srv)
	t.Cleanup(ts.Close)
	c, err := runners.NewClient(runners.WithBaseURL(ts.URL), runners.WithApp("31415", keyPEM(appKeys()[1])))
	require.NoError(t, err)
	for range 2 {
		list, err := c.Org("team-a").ListRunners(t.Context(), nil)
		require.NoError(t, err)
		assert.Equal(t, 1, list.TotalCount)
	}
	assert.Equal(t, map[string]int{"GET /orgs/team-a/installation": 1, exchange(in): 1}, appCalls(srv))
	assert.Equal(t, 2, in.RateLimit().Used)
}

// The lookups answer GitHub's installation object, for an organization
// (all its repositories), a user's repository (a selection) and an
// enterprise; 404 where the App is not installed, or the scope does not
// exist.
func TestAppInstallationLookup(t *testing.T) {
	t.Parallel()
	srv, clock, app, inA, _ := appFake(t)
	inUser := app.Install(srv.Repo("alice", "tools"))
	inEnt := app.Install(srv.Enterprise("acme"))
	srv.Repo("alice", "other")
	srv.Org("team-c")
	jwt := signJWT(t, appKeys()[0], nil, appClaims("Iv23liFLEET", clock.Now()))

	type account struct {
		Login string `json:"login"`
		Slug  string `json:"slug"`
		ID    int64  `json:"id"`
		Type  string `json:"type"`
	}
	type object struct {
		ID                  int64             `json:"id"`
		AppID               int64             `json:"app_id"`
		ClientID            string            `json:"client_id"`
		Account             account           `json:"account"`
		TargetID            int64             `json:"target_id"`
		TargetType          string            `json:"target_type"`
		RepositorySelection string            `json:"repository_selection"`
		AccessTokensURL     string            `json:"access_tokens_url"`
		Permissions         map[string]string `json:"permissions"`
		CreatedAt           time.Time         `json:"created_at"`
		SuspendedAt         *time.Time        `json:"suspended_at"`
	}
	lookup := func(path string) object {
		t.Helper()
		r := rawAs(t, srv, http.MethodGet, path, jwt)
		require.Equal(t, http.StatusOK, r.Status, "%s: %s", path, r.Body)
		var o object
		require.NoError(t, json.Unmarshal(r.Body, &o))
		assert.Equal(t, app.ID(), o.AppID, path)
		assert.Equal(t, "Iv23liFLEET", o.ClientID, path)
		assert.Equal(t, o.Account.ID, o.TargetID, path)
		assert.Equal(t, fmt.Sprintf("https://api.github.com/app/installations/%d/access_tokens", o.ID), o.AccessTokensURL, path)
		assert.Equal(t, "write", o.Permissions["organization_self_hosted_runners"], path)
		assert.Equal(t, t0, o.CreatedAt, path)
		assert.Nil(t, o.SuspendedAt, path)
		return o
	}

	org := lookup("orgs/team-a/installation")
	assert.Equal(t, inA.ID(), org.ID)
	assert.Equal(t, account{Login: "team-a", ID: org.Account.ID, Type: "Organization"}, org.Account)
	assert.Equal(t, "Organization", org.TargetType)
	assert.Equal(t, "all", org.RepositorySelection)
	assert.Equal(t, org, lookup("repos/team-a/svc/installation"), "a repository of the organization: its installation")
	assert.Equal(t, org, lookup("orgs/TEAM-A/installation"), "names are case-insensitive")

	user := lookup("repos/alice/tools/installation")
	assert.Equal(t, inUser.ID(), user.ID)
	assert.Equal(t, account{Login: "alice", ID: user.Account.ID, Type: "User"}, user.Account)
	assert.Equal(t, "User", user.TargetType)
	assert.Equal(t, "selected", user.RepositorySelection)

	ent := lookup("enterprises/acme/installation")
	assert.Equal(t, inEnt.ID(), ent.ID)
	assert.Equal(t, account{Slug: "acme", ID: ent.Account.ID}, ent.Account)
	assert.Equal(t, "Enterprise", ent.TargetType)

	for _, path := range []string{
		"orgs/team-c/installation",        // declared, not installed
		"repos/alice/other/installation",  // the user's repository that is not selected
		"orgs/nowhere/installation",       // no such organization
		"repos/team-b/nope/installation",  // no such repository
		"enterprises/other/installation",  // no such enterprise
		"api/v3/orgs/team-c/installation", // under /api/v3 too
	} {
		r := rawAs(t, srv, http.MethodGet, path, jwt)
		assert.Equal(t, http.StatusNotFound, r.Status, path)
		assert.Equal(t, "Not Found", decodeError(t, r).Message, path)
	}
}

// A scope the App is not installed on is ErrNotFound from the call; only the
// lookup was sent.
func TestAppNotInstalledThroughClient(t *testing.T) {
	t.Parallel()
	srv, _, _, _, _ := appFake(t)
	srv.Org("team-c").AddRunner(runners.Runner{Name: "c-1"})
	c := srv.Client(runners.WithApp("Iv23liFLEET", keyPEM(appKeys()[0])))

	_, err := c.Org("team-c").ListRunners(t.Context(), nil)
	require.ErrorIs(t, err, runners.ErrNotFound)
	var authErr *runners.AppAuthError
	require.ErrorAs(t, err, &authErr)
	assert.Equal(t, "installation", authErr.Step)
	assert.Equal(t, "orgs/team-c", authErr.Scope)
	reqs := srv.Requests()
	require.Len(t, reqs, 1)
	assert.Equal(t, "/orgs/team-c/installation", reqs[0].Path)
}

// The fake checks each App JWT as GitHub does: GitHub's 401 and message for
// each fault, on the fake's clock; a good one is taken with its issuer in
// any form GitHub takes. A refused JWT costs the App nothing.
func TestAppJWTChecks(t *testing.T) {
	t.Parallel()
	srv, clock, app, _, _ := appFake(t)
	byID := srv.AddApp("424242", &appKeys()[1].PublicKey)
	byID.Install(srv.Org("team-a"))
	key, other := appKeys()[0], appKeys()[2]
	now := clock.Now()
	at := func(iat, exp time.Time) map[string]any {
		return map[string]any{"iat": iat.Unix(), "exp": exp.Unix(), "iss": "Iv23liFLEET"}
	}
	const (
		undecodable = "A JSON web token could not be decoded"
		issuedAt    = "'Issued at' claim ('iat') must be an Integer representing the time that the assertion was issued"
		expired     = "'Expiration time' claim ('exp') must be a numeric value representing the future time at which the assertion expires"
		tooFar      = "'Expiration time' claim ('exp') is too far in the future"
	)
	for _, tc := range []struct {
		name string
		jwt  string
		want string // "" for accepted
	}{
		{"Client ID", signJWT(t, key, nil, appClaims("Iv23liFLEET", now)), ""},
		{"App ID as a number", signJWT(t, key, nil, appClaims(app.ID(), now)), ""},
		{"App ID as a string", signJWT(t, key, nil, appClaims(strconv.FormatInt(app.ID(), 10), now)), ""},
		{"an App registered by App ID, by its Client ID", signJWT(t, appKeys()[1], nil, appClaims(byID.ClientID(), now)), ""},
		{"an App registered by App ID, by it", signJWT(t, appKeys()[1], nil, appClaims(424242, now)), ""},
		{"iat now, exp 10 minutes ahead", signJWT(t, key, nil, at(now, now.Add(10*time.Minute))), ""},
		{"the wrong key", signJWT(t, other, nil, appClaims("Iv23liFLEET", now)), undecodable},
		{"another App's key", signJWT(t, appKeys()[1], nil, appClaims("Iv23liFLEET", now)), undecodable},
		{"an unknown issuer", signJWT(t, key, nil, appClaims("Iv23liNOBODY", now)), undecodable},
		{"an unknown App ID", signJWT(t, key, nil, appClaims(7, now)), undecodable},
		{"no issuer", signJWT(t, key, nil, map[string]any{"iat": now.Unix(), "exp": now.Add(time.Minute).Unix()}), undecodable},
		{"HS256", signJWT(t, key, map[string]any{"alg": "HS256", "typ": "JWT"}, appClaims("Iv23liFLEET", now)), undecodable},
		{"alg none", signJWT(t, key, map[string]any{"alg": "none"}, appClaims("Iv23liFLEET", now)), undecodable},
		{"not base64", "a.b.c", undecodable},
		{"no signature", strings.Join(strings.Split(signJWT(t, key, nil, appClaims("Iv23liFLEET", now)), ".")[:2], ".") + ".", undecodable},
		{"iat a second ahead", signJWT(t, key, nil, at(now.Add(time.Second), now.Add(5*time.Minute))), issuedAt},
		{"no iat", signJWT(t, key, nil, map[string]any{"exp": now.Add(time.Minute).Unix(), "iss": "Iv23liFLEET"}), issuedAt},
		{"iat not an integer", signJWT(t, key, nil, map[string]any{"iat": float64(now.Unix()) - 0.5, "exp": now.Add(time.Minute).Unix(), "iss": "Iv23liFLEET"}), issuedAt},
		{"iat a string", signJWT(t, key, nil, map[string]any{"iat": strconv.FormatInt(now.Unix(), 10), "exp": now.Add(time.Minute).Unix(), "iss": "Iv23liFLEET"}), issuedAt},
		{"exp now", signJWT(t, key, nil, at(now.Add(-time.Minute), now)), expired},
		{"exp passed", signJWT(t, key, nil, at(now.Add(-11*time.Minute), now.Add(-2*time.Minute))), expired},
		{"no exp", signJWT(t, key, nil, map[string]any{"iat": now.Unix(), "iss": "Iv23liFLEET"}), expired},
		{"exp 10 minutes and a second ahead", signJWT(t, key, nil, at(now, now.Add(10*time.Minute+time.Second))), tooFar},
		{"exp an hour ahead", signJWT(t, key, nil, at(now.Add(-time.Minute), now.Add(time.Hour))), tooFar},
		{"a token, not a JWT", "ghp_" + strings.Repeat("x", 36), undecodable},
	} {
		before := app.RateLimit().Used
		r := rawAs(t, srv, http.MethodGet, "orgs/team-a/installation", tc.jwt)
		if tc.want == "" {
			assert.Equal(t, http.StatusOK, r.Status, "%s: %s", tc.name, r.Body)
			continue
		}
		if assert.Equal(t, http.StatusUnauthorized, r.Status, tc.name) {
			assert.Equal(t, tc.want, decodeError(t, r).Message, tc.name)
		}
		assert.Equal(t, before, app.RateLimit().Used, "%s: the App's budget is untouched", tc.name)
	}

	// The exchange checks the JWT too; a good JWT reaches no runner endpoint.
	r := rawAs(t, srv, http.MethodPost, "app/installations/1001/access_tokens", signJWT(t, other, nil, appClaims("Iv23liFLEET", now)))
	assert.Equal(t, http.StatusUnauthorized, r.Status)
	assert.Equal(t, undecodable, decodeError(t, r).Message)
	r = rawAs(t, srv, http.MethodPost, "app/installations/1001/access_tokens", testToken)
	assert.Equal(t, http.StatusUnauthorized, r.Status, "once an App is registered, a token is no JWT")
	r = rawAs(t, srv, http.MethodGet, "orgs/team-a/actions/runners", signJWT(t, key, nil, appClaims("Iv23liFLEET", now)))
	assert.Equal(t, http.StatusForbidden, r.Status)
	assert.Equal(t, "Resource not accessible by integration", decodeError(t, r).Message)
	assert.Equal(t, http.StatusOK, raw(t, srv, http.MethodGet, "orgs/team-a/actions/runners", "").Status, "a user's token reaches every scope")
}

// Through the client: a key that is not the App's, and a client clock far
// enough off the fake's, get GitHub's 401 at the lookup.
func TestAppJWTRefusedThroughClient(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		name  string
		key   *rsa.PrivateKey
		drift time.Duration // of the client's clock
		want  string
	}{
		{"the wrong key", appKeys()[2], 0, "A JSON web token could not be decoded"},
		{"a clock 11 minutes behind", appKeys()[0], -11 * time.Minute, "'Expiration time' claim ('exp') must be a numeric value representing the future time at which the assertion expires"},
		{"a clock 2 minutes ahead", appKeys()[0], 2 * time.Minute, "'Issued at' claim ('iat') must be an Integer representing the time that the assertion was issued"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			srv, _, _, _, _ := appFake(t)
			c := srv.Client(runners.WithClock(runnerstest.NewClock(t0.Add(tc.drift))), runners.WithApp("Iv23liFLEET", keyPEM(tc.key)))
			_, err := c.Org("team-a").ListRunners(t.Context(), nil)
			require.ErrorIs(t, err, runners.ErrUnauthorized)
			var authErr *runners.AppAuthError
			require.ErrorAs(t, err, &authErr)
			assert.Equal(t, "installation", authErr.Step)
			assert.Equal(t, tc.want, apiError(t, authErr.Err).Message, "GitHub's message")
			assert.Len(t, srv.Requests(), 1, "nothing after the lookup")
		})
	}

	// Within a minute ahead, the client's backdated iat still passes.
	srv, _, _, _, _ := appFake(t)
	c := srv.Client(runners.WithClock(runnerstest.NewClock(t0.Add(59*time.Second))), runners.WithApp("Iv23liFLEET", keyPEM(appKeys()[0])))
	_, err := c.Org("team-a").ListRunners(t.Context(), nil)
	require.NoError(t, err)
}

// An installation token reaches what its installation is installed on, and
// nothing else: GitHub's 403 "Resource not accessible by integration". An
// exchange for another App's installation is 404.
func TestInstallationTokenReach(t *testing.T) {
	t.Parallel()
	srv, _, app, inA, _ := appFake(t)
	inUser := app.Install(srv.Repo("alice", "tools"))
	srv.Repo("alice", "other")
	inEnt := app.Install(srv.Enterprise("acme"))
	srv.Org("team-c")
	pemKey := keyPEM(appKeys()[0])
	client := func(in *runnerstest.Installation) *runners.Client {
		return srv.Client(runners.WithAppInstallation(app.ID(), in.ID(), pemKey))
	}
	reach := func(c *runners.Client, s func(c *runners.Client) runners.Scope) error {
		_, err := s(c).ListRunners(t.Context(), nil)
		return err
	}
	org := func(name string) func(c *runners.Client) runners.Scope {
		return func(c *runners.Client) runners.Scope { return c.Org(name) }
	}
	repo := func(owner, name string) func(c *runners.Client) runners.Scope {
		return func(c *runners.Client) runners.Scope { return c.Repo(owner, name) }
	}
	ent := func(c *runners.Client) runners.Scope { return c.Enterprise("acme") }
	for _, tc := range []struct {
		in      *runnerstest.Installation
		reaches []func(c *runners.Client) runners.Scope
		not     []func(c *runners.Client) runners.Scope
	}{
		{inA, []func(*runners.Client) runners.Scope{org("team-a"), repo("team-a", "svc")}, []func(*runners.Client) runners.Scope{org("team-b"), org("team-c"), repo("alice", "tools"), ent}},
		{inUser, []func(*runners.Client) runners.Scope{repo("alice", "tools")}, []func(*runners.Client) runners.Scope{repo("alice", "other"), org("team-a")}},
		{inEnt, []func(*runners.Client) runners.Scope{ent}, []func(*runners.Client) runners.Scope{org("team-a")}},
	} {
		c := client(tc.in)
		for _, s := range tc.reaches {
			assert.NoError(t, reach(c, s), "installation %d: %s", tc.in.ID(), s(c).ConfigURL())
		}
		for _, s := range tc.not {
			err := reach(c, s)
			assert.ErrorIs(t, err, runners.ErrForbidden, "installation %d: %s", tc.in.ID(), s(c).ConfigURL())
			if assert.Error(t, err) {
				assert.Equal(t, "Resource not accessible by integration", apiError(t, err).Message)
			}
		}
	}

	// Another App may not exchange this App's installation.
	other := srv.AddApp("Iv23liOTHER", &appKeys()[1].PublicKey)
	c := srv.Client(runners.WithAppInstallation(other.ID(), inA.ID(), keyPEM(appKeys()[1])))
	_, err := c.Org("team-a").ListRunners(t.Context(), nil)
	require.ErrorIs(t, err, runners.ErrNotFound)
	var authErr *runners.AppAuthError
	require.ErrorAs(t, err, &authErr)
	assert.Equal(t, "exchange", authErr.Step)
	c = srv.Client(runners.WithAppInstallation(app.ID(), 999999, pemKey))
	_, err = c.Org("team-a").ListRunners(t.Context(), nil)
	require.ErrorIs(t, err, runners.ErrNotFound, "no such installation")
}

// Installing widens an installation and never makes a second one for an
// account: a second repository of an owner joins its installation, the
// organization itself makes it "all".
func TestInstallWidens(t *testing.T) {
	t.Parallel()
	srv, clock, app, inA, _ := appFake(t)
	assert.Equal(t, inA.ID(), app.Install(srv.Org("Team-A")).ID(), "again, in any letter case: the same")
	assert.Equal(t, inA.ID(), app.Install(srv.Repo("team-a", "svc")).ID(), "a repository of an installed organization")

	srv.Org("team-c")
	one := app.Install(srv.Repo("team-c", "one"))
	srv.Repo("team-c", "three")
	jwt := signJWT(t, appKeys()[0], nil, appClaims("Iv23liFLEET", clock.Now()))
	selection := func(path string) (int, string) {
		r := rawAs(t, srv, http.MethodGet, path, jwt)
		var o struct {
			ID                  int    `json:"id"`
			RepositorySelection string `json:"repository_selection"`
		}
		if r.Status == http.StatusOK {
			require.NoError(t, json.Unmarshal(r.Body, &o))
		}
		return o.ID, o.RepositorySelection
	}
	id := int(one.ID())
	assert.Equal(t, id, int(app.Install(srv.Repo("team-c", "two")).ID()), "the owner's installation")
	for _, path := range []string{"orgs/team-c/installation", "repos/team-c/one/installation", "repos/team-c/two/installation"} {
		got, sel := selection(path)
		assert.Equal(t, id, got, path)
		assert.Equal(t, "selected", sel, path)
	}
	got, _ := selection("repos/team-c/three/installation")
	assert.Zero(t, got, "not selected: 404")

	assert.Equal(t, one.ID(), app.Install(srv.Org("team-c")).ID())
	got, sel := selection("repos/team-c/three/installation")
	assert.Equal(t, id, got, "the whole organization now")
	assert.Equal(t, "all", sel)

	other := srv.AddApp("Iv23liOTHER", &appKeys()[1].PublicKey)
	assert.NotEqual(t, inA.ID(), other.Install(srv.Org("team-a")).ID(), "each App its own installation")
}

// An installation token lasts an hour on the fake's clock, then is GitHub's
// 401 "Bad credentials"; the client renews it before, and the new token
// counts against the same budget.
func TestInstallationTokenExpires(t *testing.T) {
	t.Parallel()
	srv, clock, _, inA, _ := appFake(t)
	c, sent := watchedClient(t, srv, clock, runners.WithApp("Iv23liFLEET", keyPEM(appKeys()[0])))
	org := c.Org("team-a")
	_, err := org.ListRunners(t.Context(), nil)
	require.NoError(t, err)
	first := sent.tokens()
	require.Len(t, first, 1)
	assert.Len(t, first[0], 40, "ghs_ and 36 characters, as GitHub's")

	clock.Advance(59*time.Minute + 30*time.Second) // within the client's minute of margin
	_, err = org.ListRunners(t.Context(), nil)
	require.NoError(t, err)
	tokens := sent.tokens()
	require.Len(t, tokens, 2, "renewed")
	assert.Equal(t, 2, appCalls(srv)[exchange(inA)])
	assert.Equal(t, 2, inA.RateLimit().Used, "both tokens, one budget")

	r := rawAs(t, srv, http.MethodGet, "orgs/team-a/actions/runners", first[0])
	assert.Equal(t, http.StatusOK, r.Status, "the first token still has 30 seconds")
	assert.Equal(t, budget{5000, 4997, 3, t0.Add(time.Hour).Unix(), "core"}, budgetOf(t, r.Header), "the installation's budget")
	clock.Advance(30 * time.Second)
	r = rawAs(t, srv, http.MethodGet, "orgs/team-a/actions/runners", first[0])
	assert.Equal(t, http.StatusUnauthorized, r.Status)
	assert.Equal(t, "Bad credentials", decodeError(t, r).Message)
	assert.Equal(t, http.StatusOK, rawAs(t, srv, http.MethodGet, "orgs/team-a/actions/runners", tokens[1]).Status)
}

// Each installation's tokens share one budget, the App's JWT has its own,
// and the client's view of each credential's budget is the fake's.
func TestInstallationAndAppBudgets(t *testing.T) {
	t.Parallel()
	srv, _, app, inA, inB := appFake(t)
	inA.SetRateLimit(100)
	c := srv.Client(runners.WithApp("Iv23liFLEET", keyPEM(appKeys()[0])))
	for range 3 {
		_, err := c.Org("team-a").ListRunners(t.Context(), nil)
		require.NoError(t, err)
	}
	_, err := c.Org("team-b").ListRunners(t.Context(), nil)
	require.NoError(t, err)

	reset := t0.Add(time.Hour)
	assert.Equal(t, runners.RateLimit{Resource: "core", Limit: 100, Remaining: 97, Used: 3, Reset: reset}, inA.RateLimit())
	assert.Equal(t, runners.RateLimit{Resource: "core", Limit: 5000, Remaining: 4999, Used: 1, Reset: reset}, inB.RateLimit())
	assert.Equal(t, runners.RateLimit{Resource: "core", Limit: 5000, Remaining: 4996, Used: 4, Reset: reset}, app.RateLimit())
	want := map[int64]runners.RateLimit{0: app.RateLimit(), inA.ID(): inA.RateLimit(), inB.ID(): inB.RateLimit()}
	byCred := c.RateLimitsByCredential()
	require.Len(t, byCred, 3)
	for _, cr := range byCred {
		assert.Equal(t, "Iv23liFLEET", cr.App)
		assert.Equal(t, want[cr.InstallationID], utc(cr.RateLimits["core"]), "installation %d", cr.InstallationID)
	}

	// Before its first request, and after its hour, nothing is used.
	fresh := app.Install(srv.Enterprise("acme"))
	assert.Equal(t, runners.RateLimit{Resource: "core", Limit: 5000, Remaining: 5000}, fresh.RateLimit())
}

// The App's JWT has a budget of its own: once a lookup's answer says it is
// spent, the client does not send the exchange.
func TestAppJWTBudgetSpent(t *testing.T) {
	t.Parallel()
	srv, clock, app, inA, _ := appFake(t)
	app.SetRateLimit(1)
	c := srv.Client(runners.WithApp("Iv23liFLEET", keyPEM(appKeys()[0])))
	_, err := c.Org("team-a").ListRunners(t.Context(), nil)
	require.ErrorIs(t, err, runners.ErrRateLimited)
	assert.Equal(t, map[string]int{"GET /orgs/team-a/installation": 1}, appCalls(srv), "the exchange was not sent")
	assert.Equal(t, 1, app.RateLimit().Used)

	jwt := signJWT(t, appKeys()[0], nil, appClaims("Iv23liFLEET", clock.Now()))
	r := rawAs(t, srv, http.MethodPost, "app/installations/"+strconv.FormatInt(inA.ID(), 10)+"/access_tokens", jwt)
	assert.Equal(t, http.StatusForbidden, r.Status)
	assert.Equal(t, "API rate limit exceeded for app ID "+strconv.FormatInt(app.ID(), 10)+".", decodeError(t, r).Message)
	assert.Equal(t, budget{1, 0, 1, t0.Add(time.Hour).Unix(), "core"}, budgetOf(t, r.Header))

	clock.Set(t0.Add(time.Hour))
	_, err = c.Org("team-a").ListRunners(t.Context(), nil)
	require.NoError(t, err, "after the reset")
}

// A spent installation budget: the client sends nothing until the reset on
// the fake's clock, then sends; the fake itself answers GitHub's primary
// limit to a token of that installation, and the App's other installation
// is not held back.
func TestSpentInstallationBudgetIsNotSent(t *testing.T) {
	t.Parallel()
	srv, clock, _, inA, inB := appFake(t)
	inA.SetRateLimit(3)
	c, sent := watchedClient(t, srv, clock, runners.WithApp("Iv23liFLEET", keyPEM(appKeys()[0])))
	org := c.Org("team-a")
	for range 3 {
		_, err := org.ListRunners(t.Context(), nil)
		require.NoError(t, err)
	}
	n := len(srv.Requests())

	clock.Advance(10 * time.Minute)
	_, err := org.ListRunners(t.Context(), nil)
	require.ErrorIs(t, err, runners.ErrRateLimited)
	var rl *runners.RateLimitError
	require.ErrorAs(t, err, &rl)
	assert.False(t, rl.Secondary)
	assert.Equal(t, inA.RateLimit().Reset, rl.Reset.UTC())
	assert.Equal(t, t0.Add(time.Hour), rl.Reset.UTC())
	assert.Len(t, srv.Requests(), n, "not sent")

	_, err = c.Org("team-b").ListRunners(t.Context(), nil)
	require.NoError(t, err, "team-b's installation has its own budget")

	r := rawAs(t, srv, http.MethodGet, "orgs/team-a/actions/runners", sent.tokens()[0])
	assert.Equal(t, http.StatusForbidden, r.Status)
	assert.Equal(t, fmt.Sprintf("API rate limit exceeded for installation ID %d.", inA.ID()), decodeError(t, r).Message)
	assert.Equal(t, budget{3, 0, 3, t0.Add(time.Hour).Unix(), "core"}, budgetOf(t, r.Header))
	lists := func() int { return countPath(srv, "/orgs/team-a/actions/runners") }
	n = lists()

	clock.Set(t0.Add(time.Hour)) // the reset; the token expires too
	_, err = org.ListRunners(t.Context(), nil)
	require.NoError(t, err, "after the reset")
	assert.Equal(t, n+1, lists(), "sent")
	assert.Equal(t, 2, appCalls(srv)[exchange(inA)], "with a new token")
	assert.Equal(t, 1, inA.RateLimit().Used, "a new hour")
	assert.Equal(t, 1, inB.RateLimit().Used)
}

// A 304 from the client's ETag cache costs the installation nothing.
func TestInstallationNotModifiedIsFree(t *testing.T) {
	t.Parallel()
	srv, _, _, inA, _ := appFake(t)
	var fromCache int
	c := srv.Client(runners.WithApp("Iv23liFLEET", keyPEM(appKeys()[0])), runners.WithETagCache(1<<20),
		runners.WithObserver(func(ri runners.RequestInfo) {
			if ri.Operation == "ListRunners" && ri.FromCache {
				fromCache++
			}
		}))
	for range 5 {
		list, err := c.Org("team-a").ListRunners(t.Context(), nil)
		require.NoError(t, err)
		assert.Equal(t, 1, list.TotalCount)
	}
	assert.Equal(t, 4, fromCache)
	assert.Equal(t, 1, inA.RateLimit().Used, "one 200, four free 304s")
	assert.Equal(t, 4999, c.RateLimits()["core"].Remaining, "as the 304s said")

	srv.Org("team-a").AddRunner(runners.Runner{Name: "team-a-2"})
	list, err := c.Org("team-a").ListRunners(t.Context(), nil)
	require.NoError(t, err)
	assert.Equal(t, 2, list.TotalCount)
	assert.Equal(t, 2, inA.RateLimit().Used, "a changed list costs 1")
}

// poolFake is a fresh fake with three Apps installed on team-a, their
// installations' limits as given, and a client of the pool.
func poolFake(t *testing.T, limits [3]int, opts ...runners.Option) (*runnerstest.Server, *runnerstest.Clock, []*runnerstest.App, []*runnerstest.Installation, *runners.Client) {
	t.Helper()
	srv := runnerstest.NewServer()
	clock := runnerstest.NewClock(t0)
	srv.SetClock(clock)
	org := srv.Org("team-a")
	org.AddRunner(runners.Runner{Name: "team-a-1"})
	var apps []*runnerstest.App
	var ins []*runnerstest.Installation
	var creds []runners.AppCredential
	for i, issuer := range []string{"Iv23liPOOLa", "Iv23liPOOLb", "777"} {
		app := srv.AddApp(issuer, &appKeys()[i].PublicKey)
		in := app.Install(org)
		in.SetRateLimit(limits[i])
		apps, ins = append(apps, app), append(ins, in)
		creds = append(creds, runners.AppCredential{Issuer: issuer, PrivateKeyPEM: keyPEM(appKeys()[i])})
	}
	return srv, clock, apps, ins, srv.Client(append([]runners.Option{runners.WithAppPool(creds...)}, opts...)...)
}

// utc is rl with its reset in UTC, as the fake reports it.
func utc(rl runners.RateLimit) runners.RateLimit {
	rl.Reset = rl.Reset.UTC()
	return rl
}

// used returns how much of each installation's budget is used.
func used(ins []*runnerstest.Installation) []int {
	out := make([]int, len(ins))
	for i, in := range ins {
		out[i] = in.RateLimit().Used
	}
	return out
}

// A pool of three Apps spreads 300 requests by their installations'
// budgets, as the fake counts them: 1000, 950 and 900 left end level at
// 850, the Apps having served 150, 100 and 50.
func TestAppPoolSpreadsByBudget(t *testing.T) {
	t.Parallel()
	srv, _, apps, ins, c := poolFake(t, [3]int{1000, 950, 900})
	for range 300 {
		_, err := c.Org("team-a").GetRunner(t.Context(), 1)
		require.NoError(t, err)
	}
	assert.Equal(t, []int{150, 100, 50}, used(ins))
	for i, app := range apps {
		assert.Equal(t, 2, app.RateLimit().Used, "App %d: one lookup and one exchange", i)
		assert.Equal(t, 1, appCalls(srv)[exchange(ins[i])])
	}
	byCred := map[int64]runners.RateLimit{}
	for _, cr := range c.RateLimitsByCredential() {
		byCred[cr.InstallationID] = utc(cr.RateLimits["core"])
	}
	for _, in := range ins {
		assert.Equal(t, in.RateLimit(), byCred[in.ID()], "installation %d: the client sees the fake's count", in.ID())
		assert.Equal(t, 850, in.RateLimit().Remaining)
	}
}

// A secondary rate limit aimed at one installation: the pool sends the
// refused request again at once through another App, skips the App for a
// minute on the fake's clock, then takes it back.
func TestAppPoolSkipsAppInCooldown(t *testing.T) {
	t.Parallel()
	_, clock, _, ins, c := poolFake(t, [3]int{300, 200, 100})
	get := func() {
		t.Helper()
		_, err := c.Org("team-a").GetRunner(t.Context(), 1)
		require.NoError(t, err)
	}
	for range 3 {
		get() // each App answers once; then the first leads
	}
	require.Equal(t, []int{1, 1, 1}, used(ins))

	ins[0].FailNext(1, runnerstest.SecondaryRateLimit(time.Minute))
	get()
	assert.Equal(t, []int{2, 2, 1}, used(ins), "refused by the first App (which counts it), served by the second")
	for range 20 {
		get()
	}
	assert.Equal(t, []int{2, 22, 1}, used(ins), "the first App is cooling down")

	clock.Advance(61 * time.Second)
	get()
	assert.Equal(t, []int{3, 22, 1}, used(ins), "back after its minute")
}

// The fake keeps no token: recorded requests say "Bearer [redacted]" and
// name neither the JWTs nor the installation tokens, which SentToken still
// tells apart.
func TestAppCredentialsAreNotRecorded(t *testing.T) {
	t.Parallel()
	srv, clock, _, _, _ := appFake(t)
	c, sent := watchedClient(t, srv, clock, runners.WithApp("Iv23liFLEET", keyPEM(appKeys()[0])))
	for _, s := range []runners.Scope{c.Org("team-a"), c.Org("team-b")} {
		_, err := s.ListRunners(t.Context(), nil)
		require.NoError(t, err)
	}
	creds := sent.all()
	reqs := srv.Requests()
	require.Len(t, reqs, len(creds))
	printed := fmt.Sprintf("%+v %#v", reqs, reqs)
	for i, r := range reqs {
		assert.Equal(t, "Bearer [redacted]", r.Header.Get("Authorization"))
		assert.True(t, r.SentToken(creds[i]), "request %d", i)
		assert.NotContains(t, printed, creds[i], "request %d's credential", i)
	}
	assert.Len(t, sent.tokens(), 2)
	assert.NotContains(t, printed, "ghs_")
}

// Before any App is registered, the token exchange takes any credential
// and its token reaches every scope, as the fake did before it knew Apps.
func TestExchangeBeforeAnyApp(t *testing.T) {
	t.Parallel()
	srv := runnerstest.NewServer()
	srv.Org("team-z").AddRunner(runners.Runner{Name: "z-1"})
	c := srv.Client(runners.WithAppInstallation(5, 6, keyPEM(appKeys()[3])))
	list, err := c.Org("team-z").ListRunners(t.Context(), nil)
	require.NoError(t, err)
	assert.Equal(t, 1, list.TotalCount)
	r := rawAs(t, srv, http.MethodGet, "orgs/team-z/installation", testToken)
	assert.Equal(t, http.StatusUnauthorized, r.Status, "no App to look up")
	assert.Equal(t, "A JSON web token could not be decoded", decodeError(t, r).Message)
}

// Set-up mistakes panic with the package's name; App IDs count from 1,
// skipping those taken.
func TestAppSetUpMistakes(t *testing.T) {
	t.Parallel()
	srv := runnerstest.NewServer()
	key := &appKeys()[0].PublicKey
	taken := srv.AddApp("2", key)
	app := srv.AddApp("Iv23liTAKEN", key)
	assert.Equal(t, int64(2), taken.ID())
	assert.Equal(t, int64(1), app.ID())
	assert.Equal(t, int64(3), srv.AddApp("Iv23liNEXT", key).ID(), "2 is taken")
	assert.NotEqual(t, taken.ClientID(), app.ClientID())

	small, err := rsa.GenerateKey(rand.Reader, 1024)
	require.NoError(t, err)
	for name, f := range map[string]func(){
		"a nil key":          func() { srv.AddApp("Iv23liNEW", nil) },
		"an empty key":       func() { srv.AddApp("Iv23liNEW", &rsa.PublicKey{}) },
		"a 1024-bit key":     func() { srv.AddApp("Iv23liNEW", &small.PublicKey) },
		"an empty issuer":    func() { srv.AddApp("", key) },
		"a bad issuer":       func() { srv.AddApp("Iv23li NEW", key) },
		"App ID 0":           func() { srv.AddApp("0", key) },
		"a huge App ID":      func() { srv.AddApp("99999999999999999999", key) },
		"a taken Client ID":  func() { srv.AddApp("Iv23liTAKEN", key) },
		"a taken App ID":     func() { srv.AddApp("2", key) },
		"a nil scope":        func() { app.Install(nil) },
		"another's scope":    func() { app.Install(runnerstest.NewServer().Org("x")) },
		"a negative limit":   func() { app.Install(srv.Org("x")).SetRateLimit(-1) },
		"a negative App one": func() { app.SetRateLimit(-1) },
	} {
		v := panicValue(f)
		assert.True(t, strings.HasPrefix(v, "runnerstest: "), "%s: panics with %q", name, v)
	}
}

// panicValue is what f panics with, printed ("<nil>" when it does not).
func panicValue(f func()) (v string) {
	defer func() { v = fmt.Sprint(recover()) }()
	f()
	return ""
}

// A pool of three Apps against the fake: each request goes through the App
// whose installation has the most of its budget left, as the fake counts
// it. Every App is tried once first (one not seen yet counts as full).
func ExampleServer_AddApp() {
	srv := runnerstest.NewServer()
	org := srv.Org("octo-org")
	org.AddRunner(runners.Runner{Name: "build-1", Status: runners.RunnerOnline})

	var pool []runners.AppCredential
	var installations []*runnerstest.Installation
	for i, limit := range []int{150, 100, 50} {
		key, err := rsa.GenerateKey(rand.Reader, 2048)
		if err != nil {
			panic(err)
		}
		clientID := fmt.Sprintf("Iv23liFleetApp%d", i+1)
		in := srv.AddApp(clientID, &key.PublicKey).Install(org)
		in.SetRateLimit(limit)
		installations = append(installations, in)
		pem := pem.EncodeToMemory(&pem.Block{Type: "RSA PRIVATE KEY", Bytes: x509.MarshalPKCS1PrivateKey(key)})
		pool = append(pool, runners.AppCredential{Issuer: clientID, PrivateKeyPEM: pem})
	}
	c := srv.Client(runners.WithAppPool(pool...))

	for range 53 {
		if _, err := c.Org("octo-org").ListRunners(context.Background(), nil); err != nil {
			fmt.Println(err)
			return
		}
	}
	for i, in := range installations {
		rl := in.RateLimit()
		fmt.Printf("App %d, installation %d: %d used, %d left\n", i+1, in.ID(), rl.Used, rl.Remaining)
	}
	// Output:
	// App 1, installation 1001: 51 used, 99 left
	// App 2, installation 1002: 1 used, 99 left
	// App 3, installation 1003: 1 used, 49 left
}
