package runners

import (
	"context"
	"crypto/rsa"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// testToken is the token the test clients send; tests assert it never leaks.
const testToken = "ghp_testTOKEN0123456789secret"

// received is one request a test server got.
type received struct {
	Method   string
	Path     string // escaped, as sent on the wire
	RawQuery string
	Header   http.Header
	Body     []byte
}

// recorder keeps the requests a test server received.
type recorder struct {
	mu   sync.Mutex
	reqs []received
}

func (r *recorder) all() []received {
	r.mu.Lock()
	defer r.mu.Unlock()
	return append([]received(nil), r.reqs...)
}

// only returns the single request received, failing the test otherwise.
func (r *recorder) only(t *testing.T) received {
	t.Helper()
	reqs := r.all()
	if len(reqs) != 1 {
		t.Fatalf("server received %d requests, want 1: %+v", len(reqs), reqs)
	}
	return reqs[0]
}

// newTestClient starts an httptest server answering with h, records what it
// receives, and returns a client for it with testToken set.
func newTestClient(t *testing.T, h http.HandlerFunc, opts ...Option) (*Client, *recorder) {
	t.Helper()
	rec := &recorder{}
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		body, _ := io.ReadAll(r.Body)
		rec.mu.Lock()
		rec.reqs = append(rec.reqs, received{r.Method, r.URL.EscapedPath(), r.URL.RawQuery, r.Header.Clone(), body})
		rec.mu.Unlock()
		h(w, r)
	}))
	t.Cleanup(srv.Close)
	c, err := NewClient(append([]Option{WithBaseURL(srv.URL), WithToken(testToken)}, opts...)...)
	if err != nil {
		t.Fatalf("NewClient: %v", err)
	}
	return c, rec
}

// fixture returns the contents of testdata/name.
func fixture(t testing.TB, name string) []byte {
	t.Helper()
	b, err := os.ReadFile(filepath.Join("testdata", name))
	if err != nil {
		t.Fatalf("fixture: %v", err)
	}
	return b
}

// respond answers with status and the fixture file name as a JSON body (no
// body when name is "").
func respond(t testing.TB, status int, name string) http.HandlerFunc {
	t.Helper()
	var body []byte
	if name != "" {
		body = fixture(t, name)
	}
	return func(w http.ResponseWriter, r *http.Request) {
		if body != nil {
			w.Header().Set("Content-Type", "application/json; charset=utf-8")
		}
		w.WriteHeader(status)
		w.Write(body)
	}
}

// ---- A fake GitHub for GitHub Apps (installations_test.go, pool_test.go,
// observer_test.go, ratelimit_test.go).

// fakeApps is a fake GitHub for GitHub Apps. Each App, known by its issuer
// and public key, is installed on scopes ("orgs/a", "repos/a/r",
// "enterprises/e"). The fake checks the App's JWT (checkAppJWT) on every
// installation lookup and token exchange, issues tokens per installation,
// serves the runner endpoints of a scope only to a token of the
// installation covering it, and counts each installation's budget in
// GitHub's X-RateLimit-* headers: a spent quota answers 403 until its reset,
// on the fake's clock.
type fakeApps struct {
	t     *testing.T
	srv   *httptest.Server
	clock *testClock
	gate  chan struct{} // when not nil, the first lookup waits until it is closed

	mu        sync.Mutex
	apps      map[string]*fakeApp // by issuer
	installs  map[int64]*fakeInstall
	tokens    map[string]*fakeInstall // the tokens issued
	lookups   map[string]int          // by scope
	exchanges map[int64]int           // by installation
	served    []fakeServed            // the runner endpoint requests, in order
	arrived   chan struct{}           // closed when the first lookup arrives
}

type fakeApp struct {
	issuer string
	pub    *rsa.PublicKey
	scopes map[string]int64 // the installation of each scope
	jwtN   int              // requests made with its JWT
}

type fakeInstall struct {
	id               int64
	app              *fakeApp
	limit, remaining int
	reset            time.Time
	faults           []http.HandlerFunc // answers to its next requests, before serving
}

// fakeServed is one runner endpoint request the fake received.
type fakeServed struct {
	Method, Path string
	App          string // the issuer of the App whose token it carried
	Installation int64
}

const fakeLimit = 5000

func newFakeApps(t *testing.T, clock *testClock) *fakeApps {
	t.Helper()
	f := &fakeApps{t: t, clock: clock, apps: map[string]*fakeApp{}, installs: map[int64]*fakeInstall{},
		tokens: map[string]*fakeInstall{}, lookups: map[string]int{}, exchanges: map[int64]int{}, arrived: make(chan struct{})}
	f.srv = httptest.NewServer(f)
	t.Cleanup(f.srv.Close)
	return f
}

// newAppFake starts a fake and a WithApp client of it for the App
// testClientID, with the key appTestKey; the test installs the App where it
// wants it.
func newAppFake(t *testing.T, clock *testClock, opts ...Option) (*fakeApps, *Client) {
	t.Helper()
	f := newFakeApps(t, clock)
	return f, f.client(t, WithApp(testClientID, pkcs1PEM(appTestKey())), opts...)
}

// client returns a client of the fake authenticating with auth.
func (f *fakeApps) client(t *testing.T, auth Option, opts ...Option) *Client {
	t.Helper()
	c, err := NewClient(append([]Option{WithBaseURL(f.srv.URL), WithClock(f.clock), auth}, opts...)...)
	require.NoError(t, err)
	return c
}

// install adds the App's installation id on scopes, with remaining of its
// quota of fakeLimit left, resetting an hour from now.
func (f *fakeApps) install(issuer string, key *rsa.PrivateKey, id int64, remaining int, scopes ...string) {
	f.mu.Lock()
	defer f.mu.Unlock()
	a := f.apps[issuer]
	if a == nil {
		a = &fakeApp{issuer: issuer, pub: &key.PublicKey, scopes: map[string]int64{}}
		f.apps[issuer] = a
	}
	for _, s := range scopes {
		a.scopes[s] = id
	}
	f.installs[id] = &fakeInstall{id: id, app: a, limit: fakeLimit, remaining: remaining, reset: f.clock.Now().Add(time.Hour)}
}

// failNext answers the next request of installation id with h.
func (f *fakeApps) failNext(id int64, h http.HandlerFunc) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.installs[id].faults = append(f.installs[id].faults, h)
}

// spend empties the quota of installation id until reset.
func (f *fakeApps) spend(id int64, reset time.Time) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.installs[id].remaining, f.installs[id].reset = 0, reset
}

func (f *fakeApps) lookupCount(scope string) int {
	f.mu.Lock()
	defer f.mu.Unlock()
	return f.lookups[scope]
}

func (f *fakeApps) exchangeCount(id int64) int {
	f.mu.Lock()
	defer f.mu.Unlock()
	return f.exchanges[id]
}

func (f *fakeApps) servedRequests() []fakeServed {
	f.mu.Lock()
	defer f.mu.Unlock()
	return slices.Clone(f.served)
}

// servedBy counts the runner endpoint requests by App.
func (f *fakeApps) servedBy() map[string]int {
	n := map[string]int{}
	for _, s := range f.servedRequests() {
		n[s.App]++
	}
	return n
}

func (f *fakeApps) remaining(id int64) int {
	f.mu.Lock()
	defer f.mu.Unlock()
	return f.installs[id].remaining
}

// fakeSecondary is GitHub's 403 for a secondary rate limit, Retry-After 60.
func fakeSecondary(w http.ResponseWriter, _ *http.Request) {
	w.Header().Set("Retry-After", "60")
	writeJSON(w, http.StatusForbidden, map[string]string{"message": "You have exceeded a secondary rate limit.",
		"documentation_url": "https://docs.github.com/rest/overview/rate-limits-for-the-rest-api#about-secondary-rate-limits"})
}

func (f *fakeApps) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	path := strings.TrimPrefix(r.URL.EscapedPath(), "/")
	parts := strings.Split(path, "/")
	switch {
	case r.Method == http.MethodGet && strings.HasSuffix(path, "/installation"):
		f.serveLookup(w, r, strings.TrimSuffix(path, "/installation"))
	case r.Method == http.MethodPost && len(parts) == 4 && parts[0] == "app" && parts[1] == "installations" && parts[3] == "access_tokens":
		id, _ := strconv.ParseInt(parts[2], 10, 64)
		f.serveExchange(w, r, id)
	case len(parts) >= 3 && (parts[0] == "orgs" || parts[0] == "enterprises"):
		f.serveScope(w, r, strings.Join(parts[:2], "/"), strings.Join(parts[2:], "/"))
	case len(parts) >= 4 && parts[0] == "repos":
		f.serveScope(w, r, strings.Join(parts[:3], "/"), strings.Join(parts[3:], "/"))
	default:
		f.t.Errorf("fake: unexpected %s %s", r.Method, path)
		writeJSON(w, http.StatusNotFound, map[string]string{"message": "Not Found"})
	}
}

// jwtApp returns the App whose JWT r carries, checked as GitHub checks it,
// or answers 401 and returns nil.
func (f *fakeApps) jwtApp(w http.ResponseWriter, r *http.Request) *fakeApp {
	auth := r.Header.Get("Authorization")
	var claims struct {
		Iss json.RawMessage `json:"iss"`
	}
	if parts := strings.Split(strings.TrimPrefix(auth, "Bearer "), "."); len(parts) == 3 {
		raw, _ := base64.RawURLEncoding.DecodeString(parts[1])
		json.Unmarshal(raw, &claims)
	}
	issuer := strings.Trim(string(claims.Iss), `"`)
	f.mu.Lock()
	a := f.apps[issuer]
	f.mu.Unlock()
	if a == nil {
		f.t.Errorf("fake: %s %s: a JWT of no known App (iss %s)", r.Method, r.URL.Path, claims.Iss)
		writeJSON(w, http.StatusUnauthorized, map[string]string{"message": "A JSON web token could not be decoded"})
		return nil
	}
	if _, err := checkAppJWT(auth, a.pub, issuer, f.clock.Now()); err != nil {
		f.t.Errorf("fake: %s %s: %v", r.Method, r.URL.Path, err)
		writeJSON(w, http.StatusUnauthorized, map[string]string{"message": "A JSON web token could not be decoded"})
		return nil
	}
	f.mu.Lock()
	a.jwtN++
	n := a.jwtN
	f.mu.Unlock()
	fakeRateHeaders(w, fakeLimit, fakeLimit-n, f.clock.Now().Add(time.Hour))
	return a
}

func fakeRateHeaders(w http.ResponseWriter, limit, remaining int, reset time.Time) {
	h := w.Header()
	h.Set("X-RateLimit-Limit", strconv.Itoa(limit))
	h.Set("X-RateLimit-Remaining", strconv.Itoa(remaining))
	h.Set("X-RateLimit-Used", strconv.Itoa(limit-remaining))
	h.Set("X-RateLimit-Reset", strconv.FormatInt(reset.Unix(), 10))
	h.Set("X-RateLimit-Resource", "core")
}

func (f *fakeApps) serveLookup(w http.ResponseWriter, r *http.Request, scope string) {
	a := f.jwtApp(w, r)
	if a == nil {
		return
	}
	f.mu.Lock()
	f.lookups[scope]++
	first := f.lookups[scope] == 1 && len(f.lookups) == 1
	id, ok := a.scopes[scope]
	f.mu.Unlock()
	if first {
		close(f.arrived)
		if f.gate != nil {
			<-f.gate
		}
	}
	if !ok {
		writeJSON(w, http.StatusNotFound, map[string]string{"message": "Not Found"})
		return
	}
	writeJSON(w, http.StatusOK, map[string]any{"id": id, "app_slug": "fleet", "target_type": "Organization"})
}

func (f *fakeApps) serveExchange(w http.ResponseWriter, r *http.Request, id int64) {
	a := f.jwtApp(w, r)
	if a == nil {
		return
	}
	f.mu.Lock()
	defer f.mu.Unlock()
	in := f.installs[id]
	if in == nil || in.app != a {
		writeJSON(w, http.StatusNotFound, map[string]string{"message": "Not Found"})
		return
	}
	f.exchanges[id]++
	tok := fmt.Sprintf("ghs_fake%dTOKEN%dsecret", id, f.exchanges[id])
	f.tokens[tok] = in
	writeJSON(w, http.StatusCreated, map[string]any{"token": tok, "expires_at": f.clock.Now().Add(time.Hour).UTC().Format(time.RFC3339)})
}

func (f *fakeApps) serveScope(w http.ResponseWriter, r *http.Request, scope, rest string) {
	f.mu.Lock()
	in := f.tokens[strings.TrimPrefix(r.Header.Get("Authorization"), "Bearer ")]
	if in == nil || in.app.scopes[scope] != in.id {
		f.mu.Unlock()
		f.t.Errorf("fake: %s %s without a token of its installation", r.Method, r.URL.Path)
		writeJSON(w, http.StatusUnauthorized, map[string]string{"message": "Bad credentials"})
		return
	}
	f.served = append(f.served, fakeServed{r.Method, r.URL.EscapedPath(), in.app.issuer, in.id})
	var fault http.HandlerFunc
	if len(in.faults) > 0 {
		fault, in.faults = in.faults[0], in.faults[1:]
	}
	now := f.clock.Now()
	if !now.Before(in.reset) {
		in.remaining, in.reset = in.limit, now.Add(time.Hour)
	}
	spent := in.remaining == 0
	if !spent && fault == nil {
		in.remaining--
	}
	limit, remaining, reset := in.limit, in.remaining, in.reset
	f.mu.Unlock()

	w.Header().Set("X-GitHub-Request-Id", fmt.Sprintf("REQ-%d-%d", in.id, limit-remaining))
	fakeRateHeaders(w, limit, remaining, reset)
	switch {
	case fault != nil:
		fault(w, r)
	case spent:
		writeJSON(w, http.StatusForbidden, map[string]string{"message": "API rate limit exceeded for installation ID " + strconv.FormatInt(in.id, 10) + ".",
			"documentation_url": "https://docs.github.com/rest/overview/rate-limits-for-the-rest-api"})
	case r.Method == http.MethodPost && rest == "actions/runners/generate-jitconfig":
		respond(f.t, http.StatusCreated, "jitconfig.json")(w, r)
	case r.Method == http.MethodGet && rest == "actions/runners":
		respond(f.t, http.StatusOK, "list_runners.json")(w, r)
	case r.Method == http.MethodGet && strings.HasPrefix(rest, "actions/runners/"):
		respond(f.t, http.StatusOK, "get_runner.json")(w, r)
	default:
		writeJSON(w, http.StatusNotFound, map[string]string{"message": "Not Found"})
	}
}

// Bodies for tests that need an answer, not a fixture's values.
const (
	runnerJSON = `{"id":42,"name":"build-42","os":"linux","status":"online","busy":false,"ephemeral":false,"labels":[]}`
	labelsJSON = `{"total_count":2,"labels":[{"id":5,"name":"self-hosted","type":"read-only"},{"id":21,"name":"gpu","type":"custom"}]}`
	tokenJSON  = `{"token":"LLBF3JGZDX3P5PMEXLND6TS6FCWO6","expires_at":"2026-01-22T12:13:35.123-08:00"}`
)

// sleeper stands in for the Sleep of the client's clock: it records every
// wait asked for and returns at once (with ctx's error when ctx has ended).
// The retry tests never sleep in real time.
type sleeper struct {
	mu    sync.Mutex
	waits []time.Duration
}

func (s *sleeper) sleep(ctx context.Context, d time.Duration) error {
	s.mu.Lock()
	s.waits = append(s.waits, d)
	s.mu.Unlock()
	return ctx.Err()
}

func (s *sleeper) all() []time.Duration {
	s.mu.Lock()
	defer s.mu.Unlock()
	return slices.Clone(s.waits)
}

// retryClient returns a client of a test server answering with h,
// retrying as p says, with its waits recorded instead of slept.
func retryClient(t *testing.T, p RetryPolicy, h http.HandlerFunc, opts ...Option) (*Client, *recorder, *sleeper) {
	t.Helper()
	c, rec := newTestClient(t, h, append([]Option{WithRetry(p)}, opts...)...)
	s := &sleeper{}
	c.clock = sleeperClock{s.sleep}
	return c, rec, s
}

// respondBody answers with status, body (JSON, when not empty) and the
// header name/value pairs given.
func respondBody(status int, body string, header ...string) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		for i := 0; i+1 < len(header); i += 2 {
			w.Header().Set(header[i], header[i+1])
		}
		if body != "" {
			w.Header().Set("Content-Type", "application/json; charset=utf-8")
		}
		w.WriteHeader(status)
		io.WriteString(w, body)
	}
}

// respondError answers with status and a GitHub error body.
func respondError(status int) http.HandlerFunc {
	return respondBody(status, fmt.Sprintf(`{"message":%q,"documentation_url":"https://docs.github.com/rest"}`, http.StatusText(status)))
}

// apiError returns the *Error behind err, failing the test when there is none.
func apiError(t *testing.T, err error) *Error {
	t.Helper()
	var apiErr *Error
	require.True(t, errors.As(err, &apiErr), "errors.As(%T, *Error): %v", err, err)
	return apiErr
}

// positiveOr is the number v, when it is a positive one, and def otherwise.
func positiveOr(v string, def int) int {
	if n, err := strconv.Atoi(v); err == nil && n > 0 {
		return n
	}
	return def
}

// idsOfRunners returns the IDs of rs, in order.
func idsOfRunners(rs []*Runner) []int64 {
	ids := make([]int64, len(rs))
	for i, r := range rs {
		ids[i] = r.ID
	}
	return ids
}

// sleeperClock is the system clock with Sleep replaced, for tests that
// record or stage the waits of the retry loop.
type sleeperClock struct {
	sleep func(ctx context.Context, d time.Duration) error
}

func (sleeperClock) Now() time.Time { return time.Now() }

func (c sleeperClock) Sleep(ctx context.Context, d time.Duration) error { return c.sleep(ctx, d) }

// ---- scopes and one-request operations --------------------------------------

// testScope is one of the scopes the operations are tested at, with what its
// requests must carry.
type testScope struct {
	name   string // "enterprise", "org" or "repo", as in specScopes
	build  func(*Client) Scope
	prefix string // the escaped path prefix of its requests
	// Runner groups (enterprise and org only): the access list's path
	// segment, the JSON name of the access IDs, and the fixtures (GitHub's
	// examples) each group operation answers with.
	access, idsField                                                     string
	getFixture, createFixture, updateFixture, listFixture, accessFixture string
}

// groups is the scope of c as a GroupScope.
func (sc testScope) groups(c *Client) GroupScope { return sc.build(c).(GroupScope) }

// runnerScopes are the enterprise, organization and repository scopes, so
// the scope plumbing is tested once per operation.
var runnerScopes = []testScope{
	{name: "enterprise", build: func(c *Client) Scope { return c.Enterprise("acme") }, prefix: "/enterprises/acme",
		access: "organizations", idsField: "selected_organization_ids",
		getFixture: "runner_group_enterprise.json", createFixture: "runner_group_enterprise.json", updateFixture: "runner_group_enterprise_update.json",
		listFixture: "runner_groups_enterprise.json", accessFixture: "group_access_organizations.json"},
	{name: "org", build: func(c *Client) Scope { return c.Org("octo-org") }, prefix: "/orgs/octo-org",
		access: "repositories", idsField: "selected_repository_ids",
		getFixture: "runner_group_org_item.json", createFixture: "runner_group_org.json", updateFixture: "runner_group_org.json",
		listFixture: "runner_groups_org.json", accessFixture: "group_access_repositories.json"},
	{name: "repo", build: func(c *Client) Scope { return c.Repo("octo-org", "octo-repo") }, prefix: "/repos/octo-org/octo-repo"},
}

// groupScopes are the two scopes with runner groups.
var groupScopes = runnerScopes[:2]

// opCase is one operation called with valid input at scopes of type S (Scope
// or GroupScope), the answer it gets, and the one request it must send.
type opCase[S Scope] struct {
	name    string
	call    func(ctx context.Context, s S) (any, error)
	status  int
	fixture func(sc testScope) string // the answer's body; "" for none
	edit    func([]byte) []byte       // applied to the fixture, when set
	link    string                    // the answer's Link header
	method  string
	path    func(sc testScope) string // after the scope's prefix
	query   string
	body    func(sc testScope) string // the JSON body; nil for none
	sent    func(t *testing.T, req received)
	check   func(t *testing.T, sc testScope, got any)
}

// checkGroup checks the group an operation answered: GitHub's example for op
// at the scope.
func checkGroup(op string) func(t *testing.T, sc testScope, got any) {
	return func(t *testing.T, sc testScope, got any) {
		t.Helper()
		assertGroupFields(t, exampleGroup(sc.name, op), got.(*RunnerGroup))
	}
}

func noFixture(testScope) string { return "" }

// fixed is the same value at every scope.
func fixed(s string) func(testScope) string { return func(testScope) string { return s } }

// runOpCases runs each case at each scope against a fresh server.
func runOpCases[S Scope](t *testing.T, scopes []testScope, cases []opCase[S]) {
	t.Helper()
	for _, sc := range scopes {
		for _, tc := range cases {
			t.Run(sc.name+"/"+tc.name, func(t *testing.T) {
				t.Parallel()
				var answer []byte
				if name := tc.fixture(sc); name != "" {
					answer = fixture(t, name)
				}
				if tc.edit != nil {
					edited := tc.edit(answer)
					require.NotEqual(t, answer, edited, "the fixture edit applies")
					answer = edited
				}
				c, rec := newTestClient(t, func(w http.ResponseWriter, r *http.Request) {
					if tc.link != "" {
						w.Header().Set("Link", tc.link)
					}
					respondBody(tc.status, string(answer))(w, r)
				})
				got, err := tc.call(t.Context(), sc.build(c).(S))
				require.NoError(t, err)
				body := ""
				if tc.body != nil {
					body = tc.body(sc)
				}
				req := assertOpRequest(t, rec, tc.method, sc.prefix+tc.path(sc), tc.query, body)
				if tc.sent != nil {
					tc.sent(t, req)
				}
				if tc.check != nil {
					tc.check(t, sc, got)
				}
			})
		}
	}
}

// The values of the fixtures in testdata, written out by hand from the JSON.
func fixtureLabels() []*Label {
	return []*Label{
		{ID: 5, Name: "self-hosted", Type: LabelReadOnly},
		{ID: 7, Name: "X64", Type: LabelReadOnly},
		{ID: 20, Name: "macOS", Type: LabelReadOnly},
		{ID: 21, Name: "no-gpu", Type: LabelCustom},
	}
}

func fixtureReadOnlyLabels() []*Label {
	return []*Label{
		{ID: 5, Name: "self-hosted", Type: LabelReadOnly},
		{ID: 7, Name: "X64", Type: LabelReadOnly},
		{ID: 20, Name: "macOS", Type: LabelReadOnly},
	}
}

// fixtureMBP is get_runner.json (and get_runner_ghes.json, which only lacks
// "ephemeral").
func fixtureMBP() *Runner {
	return &Runner{ID: 23, Name: "MBP", OS: "macos", Status: RunnerOnline, Busy: true, Ephemeral: false, Labels: fixtureLabels()}
}

// fixtureRunnerList is the runners of list_runners.json (and of
// list_runners_ghes.json, which only lacks "ephemeral").
func fixtureRunnerList() []*Runner {
	return []*Runner{
		{ID: 23, Name: "linux_runner", OS: "linux", Status: RunnerOnline, Busy: true, Ephemeral: false, Labels: []*Label{
			{ID: 5, Name: "self-hosted", Type: LabelReadOnly},
			{ID: 7, Name: "X64", Type: LabelReadOnly},
			{ID: 11, Name: "Linux", Type: LabelReadOnly},
		}},
		{ID: 24, Name: "mac_runner", OS: "macos", Status: RunnerOffline, Busy: false, Ephemeral: false, Labels: fixtureLabels()},
	}
}

// assertOpHeaders checks the headers every request carries.
func assertOpHeaders(t *testing.T, got received) {
	t.Helper()
	assert.Equal(t, "application/vnd.github+json", got.Header.Get("Accept"), "Accept")
	assert.Equal(t, "2022-11-28", got.Header.Get("X-GitHub-Api-Version"), "X-GitHub-Api-Version on a loopback host")
	assert.True(t, strings.HasPrefix(got.Header.Get("User-Agent"), "fleetkit-runners/"), "User-Agent %q", got.Header.Get("User-Agent"))
	assert.Equal(t, "Bearer "+testToken, got.Header.Get("Authorization"), "Authorization")
}

// assertOpRequest checks the single request rec received: method, escaped path,
// raw query, headers, and the body compared as decoded JSON (wantBody "" means
// no body and no Content-Type).
func assertOpRequest(t *testing.T, rec *recorder, method, path, rawQuery, wantBody string) received {
	t.Helper()
	got := rec.only(t)
	assert.Equal(t, method, got.Method, "method")
	assert.Equal(t, path, got.Path, "escaped path")
	assert.Equal(t, rawQuery, got.RawQuery, "query")
	assertOpHeaders(t, got)
	if wantBody == "" {
		assert.Empty(t, got.Body, "request body")
		assert.Empty(t, got.Header.Get("Content-Type"), "Content-Type without a body")
	} else {
		assert.Equal(t, "application/json", got.Header.Get("Content-Type"), "Content-Type")
		assert.JSONEq(t, wantBody, string(got.Body), "request body")
	}
	return got
}

// assertLabelFields compares labels field by field.
func assertLabelFields(t *testing.T, want, got []*Label) {
	t.Helper()
	require.Len(t, got, len(want), "labels")
	for i := range want {
		require.NotNil(t, got[i], "label %d", i)
		assert.Equal(t, want[i].ID, got[i].ID, "label %d ID", i)
		assert.Equal(t, want[i].Name, got[i].Name, "label %d Name", i)
		assert.Equal(t, want[i].Type, got[i].Type, "label %d Type", i)
	}
}

// assertRunnerFields compares a runner field by field.
func assertRunnerFields(t *testing.T, want, got *Runner) {
	t.Helper()
	require.NotNil(t, got, "runner")
	assert.Equal(t, want.ID, got.ID, "ID")
	assert.Equal(t, want.RunnerGroupID, got.RunnerGroupID, "RunnerGroupID")
	assert.Equal(t, want.Name, got.Name, "Name")
	assert.Equal(t, want.OS, got.OS, "OS")
	assert.Equal(t, want.Status, got.Status, "Status")
	assert.Equal(t, want.Busy, got.Busy, "Busy")
	assert.Equal(t, want.Ephemeral, got.Ephemeral, "Ephemeral")
	assert.Equal(t, want.Version, got.Version, "Version")
	assertLabelFields(t, want.Labels, got.Labels)
	assert.Equal(t, want, got, "the whole runner")
}

func assertRunnerListFields(t *testing.T, want, got []*Runner) {
	t.Helper()
	require.Len(t, got, len(want), "runners")
	for i := range want {
		assertRunnerFields(t, want[i], got[i])
	}
}

const (
	fixtureLinkNextLast = `<https://api.github.com/resource?page=3>; rel="next", <https://api.github.com/resource?page=5>; rel="last"`
)
