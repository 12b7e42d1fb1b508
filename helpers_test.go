// The helpers more than one test file uses, in one place, by what they
// serve; a file's own helpers stay in it. The package's internal tests cannot
// import runnerstest (it imports this package), so their servers are
// httptest handlers, a fresh one per test.

package runners

import (
	"bufio"
	"bytes"
	"context"
	"crypto"
	"crypto/rand"
	"crypto/rsa"
	"crypto/sha256"
	"crypto/x509"
	"encoding/base64"
	"encoding/json"
	"encoding/pem"
	"errors"
	"fmt"
	"io"
	"iter"
	"log/slog"
	"net"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"golang.org/x/oauth2"
)

// ---- test servers and their clients ----------------------------------------

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

// Bodies for tests that need an answer, not a fixture's values.
const (
	runnerJSON = `{"id":42,"name":"build-42","os":"linux","status":"online","busy":false,"ephemeral":false,"labels":[]}`
	labelsJSON = `{"total_count":2,"labels":[{"id":5,"name":"self-hosted","type":"read-only"},{"id":21,"name":"gpu","type":"custom"}]}`
	tokenJSON  = `{"token":"` + testRunnerToken + `","expires_at":"2026-01-22T12:13:35.123-08:00"}`
)

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

// writeJSON answers with status and v encoded as JSON.
func writeJSON(w http.ResponseWriter, status int, v any) {
	w.Header().Set("Content-Type", "application/json; charset=utf-8")
	w.WriteHeader(status)
	json.NewEncoder(w).Encode(v)
}

// roundTripperFunc is a transport that is a function: a test's own
// in-memory server, or a wrapper around http.DefaultTransport.
type roundTripperFunc func(*http.Request) (*http.Response, error)

func (f roundTripperFunc) RoundTrip(r *http.Request) (*http.Response, error) { return f(r) }

// hijack takes over the connection of a request: the test writes raw bytes.
func hijack(t *testing.T, w http.ResponseWriter) (net.Conn, *bufio.ReadWriter) {
	t.Helper()
	conn, rw, err := http.NewResponseController(w).Hijack()
	if err != nil {
		t.Errorf("hijack: %v", err)
		return nil, nil
	}
	return conn, rw
}

// countingTokenSource is an oauth2.TokenSource that counts the tokens asked
// of it.
type countingTokenSource struct {
	n        atomic.Int32
	token    string
	expired  bool
	expiryIn time.Duration // when set, tokens expire this long from now
	err      error
}

func (s *countingTokenSource) Token() (*oauth2.Token, error) {
	s.n.Add(1)
	if s.err != nil {
		return nil, s.err
	}
	tok := &oauth2.Token{AccessToken: s.token, TokenType: "Bearer"}
	if s.expired {
		tok.Expiry = time.Date(2000, 1, 1, 0, 0, 0, 0, time.UTC)
	}
	if s.expiryIn != 0 {
		tok.Expiry = time.Now().Add(s.expiryIn)
	}
	return tok, nil
}

// countingTransport counts the response body bytes the client reads.
type countingTransport struct {
	base http.RoundTripper
	read atomic.Int64
}

func (c *countingTransport) RoundTrip(req *http.Request) (*http.Response, error) {
	resp, err := c.base.RoundTrip(req)
	if err == nil {
		resp.Body = &countingBody{resp.Body, &c.read}
	}
	return resp, err
}

type countingBody struct {
	io.ReadCloser
	n *atomic.Int64
}

func (b *countingBody) Read(p []byte) (int, error) {
	n, err := b.ReadCloser.Read(p)
	b.n.Add(int64(n))
	return n, err
}

// ---- clocks, sleepers and observers ----------------------------------------

// testClock is a clock the test moves by hand.
type testClock struct {
	mu  sync.Mutex
	now time.Time
}

func newTestClock() *testClock { return &testClock{now: time.Now().Truncate(time.Second)} }

func (c *testClock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.now
}

func (c *testClock) Advance(d time.Duration) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.now = c.now.Add(d)
}

// Sleep moves the clock d ahead at once, as if d had passed.
func (c *testClock) Sleep(ctx context.Context, d time.Duration) error {
	c.Advance(d)
	return ctx.Err()
}

// sleeper stands in for the Sleep of the client's clock: it records every
// wait asked for and returns at once (with ctx's error when ctx has ended),
// so that the retry tests need not wait in real time.
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

// sleeperClock is the system clock with Sleep replaced, for tests that
// record or stage the waits of the retry loop.
type sleeperClock struct {
	sleep func(ctx context.Context, d time.Duration) error
}

func (sleeperClock) Now() time.Time { return time.Now() }

func (c sleeperClock) Sleep(ctx context.Context, d time.Duration) error { return c.sleep(ctx, d) }

// observed records what an observer saw.
type observed struct{ infos []RequestInfo }

func (o *observed) observe(ri RequestInfo) { o.infos = append(o.infos, ri) }

// ops returns the infos of operation op.
func (o *observed) ops(op string) []RequestInfo {
	var out []RequestInfo
	for _, ri := range o.infos {
		if ri.Operation == op {
			out = append(out, ri)
		}
	}
	return out
}

// ---- secrets and errors ----------------------------------------------------

// The secrets the tests hand the client; none may show in what it prints.
const (
	testToken       = "ghp_testTOKEN0123456789secret"         // the token of newTestClient's clients
	testSourceToken = "gho_hostileSOURCEtoken0123456789"      // what the WithTokenSource clients send
	testInstToken   = "ghs_hostileINSTALLATIONtoken012345678" // what the fake App exchanges issue
	testRunnerToken = "LLBF3JGZDX3P5PMEXLND6TS6FCWO6"         // a registration token, GitHub's example
	testJITConfig   = "abc123xyzSECRET"                       // an encoded JIT config
)

// testSecrets are the secrets above, whole and in part, that
// assertErrorClean looks for ("xyzSECRET" is in secApp's download token too).
var testSecrets = []string{
	testToken, testToken[4:16], testSourceToken, testInstToken,
	testRunnerToken, testRunnerToken[:12], testRunnerToken[12:], testJITConfig, "xyzSECRET",
}

// assertNoSecrets fails the test if text, which the message calls what,
// shows any of secrets.
func assertNoSecrets(t *testing.T, what, text string, secrets ...string) {
	t.Helper()
	for _, secret := range secrets {
		if secret != "" && strings.Contains(text, secret) {
			t.Errorf("%s leaks a secret %.12q...: %s", what, secret, text)
		}
	}
}

// assertErrorClean returns the *Error behind err, failing the test when there
// is none, and checks that no rendering of err shows one of testSecrets: its
// text, fmt's verbs, the *Error's fields and URL, and what slog's handlers log
// of it.
func assertErrorClean(t *testing.T, err error) *Error {
	t.Helper()
	apiErr := apiError(t, err)
	var out bytes.Buffer
	out.WriteString(err.Error() + "\n")
	for _, verb := range []string{"%v", "%+v", "%#v", "%s"} {
		fmt.Fprintf(&out, verb+"\n", err)
	}
	fmt.Fprintf(&out, "%+v\n%#v\n%s\n", *apiErr, *apiErr, apiErr.URL)
	slog.New(slog.NewJSONHandler(&out, nil)).Error("failed", "err", err)
	slog.New(slog.NewTextHandler(&out, nil)).Error("failed", "err", err)
	assertNoSecrets(t, "the error", out.String(), testSecrets...)
	return apiErr
}

// apiError returns the *Error behind err, failing the test when there is none.
func apiError(t *testing.T, err error) *Error {
	t.Helper()
	require.Error(t, err)
	var apiErr *Error
	require.True(t, errors.As(err, &apiErr), "errors.As(%T, *Error): %v", err, err)
	require.NotNil(t, apiErr)
	return apiErr
}

// allSentinels are the eight sentinels, so that a test can check an error
// matches exactly the ones it should and none of the others.
var allSentinels = []struct {
	name string
	err  error
}{
	{"ErrInvalidArgument", ErrInvalidArgument},
	{"ErrUnauthorized", ErrUnauthorized},
	{"ErrForbidden", ErrForbidden},
	{"ErrNotFound", ErrNotFound},
	{"ErrConflict", ErrConflict},
	{"ErrValidation", ErrValidation},
	{"ErrRunnerBusy", ErrRunnerBusy},
	{"ErrRateLimited", ErrRateLimited},
}

// assertSentinels checks that err matches every sentinel in want and no
// other.
func assertSentinels(t *testing.T, err error, want ...error) {
	t.Helper()
	for _, s := range allSentinels {
		assert.Equal(t, slices.Contains(want, s.err), errors.Is(err, s.err), "errors.Is(err, %s) for %v", s.name, err)
	}
}

// keySecrets returns what must never be printed of an App key: every base64
// line of its PEM encodings and its private numbers.
func keySecrets(t *testing.T, key *rsa.PrivateKey) []string {
	t.Helper()
	var secrets []string
	for _, p := range [][]byte{pkcs1PEM(key), pkcs8PEM(t, key)} {
		secrets = append(secrets, pemBodyLines(p)...)
	}
	return append(secrets, key.D.String(), key.Primes[0].String(), key.Primes[1].String())
}

// pemBodyLines returns the base64 lines of PEM data.
func pemBodyLines(p []byte) []string {
	var lines []string
	for _, l := range strings.Split(string(p), "\n") {
		if len(l) >= 16 && !strings.HasPrefix(l, "-----") && !strings.Contains(l, ":") {
			lines = append(lines, l)
		}
	}
	return lines
}

// ---- a paged list ----------------------------------------------------------

// pageServer serves a list of items 1 to total the way GitHub pages it:
// page and per_page (default 30, 1 to 100, else 422) are honoured, and the
// Link header names the prev, next, last and first pages with absolute URLs
// on https://api.github.com, not the test server. It records the pages asked
// for. Its zero knobs serve a list of runners; the others stage what a test
// needs.
type pageServer struct {
	total      int
	key        string                          // the list's JSON name; "runners" when ""
	item       func(id int) any                // item id; pageRunner when nil
	count      int                             // the total_count to report when not 0; total otherwise
	noLink     bool                            // no Link header, as for lists whose description declares none
	path       string                          // when set, the only path served (GET only); others are 404
	grownTotal int                             // when not 0, the total once page 1 has been served
	failPage   int                             // a page answered with 500
	stopAt     int                             // a page whose Link names no next page, though more follow
	delay      time.Duration                   // how long each page takes (less when the request is canceled)
	hold       func(r *http.Request, page int) // when set, called before answering

	mu       sync.Mutex
	pages    []int    // the pages asked for, in order of arrival
	perPages []string // the per_page of each request
}

// pageRunner is runner id as pageServer serves it.
func pageRunner(id int) any {
	return map[string]any{
		"id": id, "name": fmt.Sprintf("runner-%03d", id), "os": "linux", "status": "online",
		"busy": false, "ephemeral": false, "labels": []any{map[string]any{"id": 5, "name": "self-hosted", "type": "read-only"}},
	}
}

func (p *pageServer) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	if p.path != "" && (r.Method != http.MethodGet || r.URL.Path != p.path) {
		http.NotFound(w, r)
		return
	}
	q := r.URL.Query()
	perPage, page := 30, 1
	if v := q.Get("per_page"); v != "" {
		perPage, _ = strconv.Atoi(v)
	}
	if v := q.Get("page"); v != "" {
		page, _ = strconv.Atoi(v)
	}
	if perPage < 1 || perPage > 100 || page < 1 {
		w.WriteHeader(http.StatusUnprocessableEntity)
		return
	}
	p.mu.Lock()
	p.pages = append(p.pages, page)
	p.perPages = append(p.perPages, q.Get("per_page"))
	total := p.total
	if page == 1 && p.grownTotal != 0 {
		p.total = p.grownTotal
	}
	p.mu.Unlock()

	if p.hold != nil {
		p.hold(r, page)
	}
	if p.delay > 0 {
		select {
		case <-time.After(p.delay):
		case <-r.Context().Done():
		}
	}
	if page == p.failPage {
		respondError(http.StatusInternalServerError)(w, r)
		return
	}
	last := max(1, (total+perPage-1)/perPage)
	link := func(n int, rel string) string {
		return fmt.Sprintf(`<https://api.github.com%s?per_page=%d&page=%d>; rel="%s"`, r.URL.Path, perPage, n, rel)
	}
	var links []string
	if page > 1 {
		links = append(links, link(page-1, "prev"))
	}
	if page < last && page != p.stopAt {
		links = append(links, link(page+1, "next"), link(last, "last"))
	}
	if page > 1 {
		links = append(links, link(1, "first"))
	}
	if len(links) > 0 && !p.noLink {
		w.Header().Set("Link", strings.Join(links, ", "))
	}
	item, key, count := p.item, p.key, p.count
	if item == nil {
		item = pageRunner
	}
	if key == "" {
		key = "runners"
	}
	if count == 0 {
		count = total
	}
	items := []any{}
	for id := (page-1)*perPage + 1; id <= min(page*perPage, total); id++ {
		items = append(items, item(id))
	}
	writeJSON(w, http.StatusOK, map[string]any{"total_count": count, key: items})
}

// requested returns the page and the per_page of each request, in order of
// arrival.
func (p *pageServer) requested() (pages []int, perPages []string) {
	p.mu.Lock()
	defer p.mu.Unlock()
	return slices.Clone(p.pages), slices.Clone(p.perPages)
}

// queries returns the raw queries rec received, in order.
func queries(rec *recorder) []string {
	var qs []string
	for _, r := range rec.all() {
		qs = append(qs, r.RawQuery)
	}
	return qs
}

// ---- scopes and operations -------------------------------------------------

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

// scopeOp is one Scope method called with valid input (bar the scope), with
// the fixture that is its normal answer ("" for DeleteRunner, which reads no
// body). It returns what it got: for AllRunners, the runners of the whole
// walk, or its first error.
type scopeOp struct {
	name    string
	fixture string
	call    func(ctx context.Context, s Scope) (any, error)
}

// opErr drops an operation's result and keeps its error.
func opErr[T any](_ T, err error) error { return err }

// firstErr walks seq and returns its first error.
func firstErr[T any](seq iter.Seq2[T, error]) error {
	for _, err := range seq {
		if err != nil {
			return err
		}
	}
	return nil
}

// everyScopeOp is every Scope method.
var everyScopeOp = []scopeOp{
	{"GetRunner", "get_runner.json", func(ctx context.Context, s Scope) (any, error) { return s.GetRunner(ctx, 23) }},
	{"GetRunnerDeprecation", "runner_deprecation.json", func(ctx context.Context, s Scope) (any, error) {
		return s.GetRunnerDeprecation(ctx, "2.329.0")
	}},
	{"ListRunners", "list_runners.json", func(ctx context.Context, s Scope) (any, error) { return s.ListRunners(ctx, nil) }},
	{"AllRunners", "list_runners.json", func(ctx context.Context, s Scope) (any, error) {
		var all []*Runner
		for r, err := range s.AllRunners(ctx, nil) {
			if err != nil {
				return nil, err
			}
			all = append(all, r)
		}
		return all, nil
	}},
	{"DeleteRunner", "", func(ctx context.Context, s Scope) (any, error) { return nil, s.DeleteRunner(ctx, 23) }},
	{"ListRunnerApplications", "runner_applications.json", func(ctx context.Context, s Scope) (any, error) { return s.ListRunnerApplications(ctx) }},
	{"CreateRegistrationToken", "registration_token.json", func(ctx context.Context, s Scope) (any, error) { return s.CreateRegistrationToken(ctx) }},
	{"CreateRemoveToken", "remove_token.json", func(ctx context.Context, s Scope) (any, error) { return s.CreateRemoveToken(ctx) }},
	{"GenerateJITConfig", "jitconfig.json", func(ctx context.Context, s Scope) (any, error) {
		return s.GenerateJITConfig(ctx, &JITConfigRequest{Name: "New runner", RunnerGroupID: 1, Labels: []string{"gpu"}})
	}},
	{"ListLabels", "labels.json", func(ctx context.Context, s Scope) (any, error) { return s.ListLabels(ctx, 23) }},
	{"AddLabels", "labels.json", func(ctx context.Context, s Scope) (any, error) { return s.AddLabels(ctx, 23, "gpu") }},
	{"SetLabels", "labels.json", func(ctx context.Context, s Scope) (any, error) { return s.SetLabels(ctx, 23, "gpu") }},
	{"RemoveAllLabels", "labels_readonly.json", func(ctx context.Context, s Scope) (any, error) { return s.RemoveAllLabels(ctx, 23) }},
	{"RemoveLabel", "labels.json", func(ctx context.Context, s Scope) (any, error) { return s.RemoveLabel(ctx, 23, "gpu") }},
}

// everyGroupOp is every GroupScope method that Scope lacks, called with
// valid arguments.
var everyGroupOp = []struct {
	name string
	call func(context.Context, GroupScope) error
}{
	{"ListRunnerGroups", func(ctx context.Context, g GroupScope) error { return opErr(g.ListRunnerGroups(ctx, nil)) }},
	{"AllRunnerGroups", func(ctx context.Context, g GroupScope) error { return firstErr(g.AllRunnerGroups(ctx, nil)) }},
	{"GetRunnerGroup", func(ctx context.Context, g GroupScope) error { return opErr(g.GetRunnerGroup(ctx, 2)) }},
	{"CreateRunnerGroup", func(ctx context.Context, g GroupScope) error {
		return opErr(g.CreateRunnerGroup(ctx, &RunnerGroupRequest{Name: "n"}))
	}},
	{"UpdateRunnerGroup", func(ctx context.Context, g GroupScope) error {
		return opErr(g.UpdateRunnerGroup(ctx, 2, &RunnerGroupUpdate{Name: Ptr("n")}))
	}},
	{"DeleteRunnerGroup", func(ctx context.Context, g GroupScope) error { return g.DeleteRunnerGroup(ctx, 2) }},
	{"ListRunnerGroupRunners", func(ctx context.Context, g GroupScope) error { return opErr(g.ListRunnerGroupRunners(ctx, 2, nil)) }},
	{"AllRunnerGroupRunners", func(ctx context.Context, g GroupScope) error { return firstErr(g.AllRunnerGroupRunners(ctx, 2, nil)) }},
	{"SetRunnerGroupRunners", func(ctx context.Context, g GroupScope) error { return g.SetRunnerGroupRunners(ctx, 2, 23) }},
	{"AddRunnerToGroup", func(ctx context.Context, g GroupScope) error { return g.AddRunnerToGroup(ctx, 2, 23) }},
	{"RemoveRunnerFromGroup", func(ctx context.Context, g GroupScope) error { return g.RemoveRunnerFromGroup(ctx, 2, 23) }},
	{"ListRunnerGroupAccess", func(ctx context.Context, g GroupScope) error { return opErr(g.ListRunnerGroupAccess(ctx, 2, nil)) }},
	{"AllRunnerGroupAccess", func(ctx context.Context, g GroupScope) error { return firstErr(g.AllRunnerGroupAccess(ctx, 2, nil)) }},
	{"SetRunnerGroupAccess", func(ctx context.Context, g GroupScope) error { return g.SetRunnerGroupAccess(ctx, 2, 32) }},
	{"AddRunnerGroupAccess", func(ctx context.Context, g GroupScope) error { return g.AddRunnerGroupAccess(ctx, 2, 32) }},
	{"RemoveRunnerGroupAccess", func(ctx context.Context, g GroupScope) error { return g.RemoveRunnerGroupAccess(ctx, 2, 32) }},
}

// ---- the fixtures' values, and what every request carries ------------------

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

// assertListFields compares two lists, of what, element by element.
func assertListFields[T any](t *testing.T, what string, want, got []T, assertFields func(t *testing.T, want, got T)) {
	t.Helper()
	require.Len(t, got, len(want), what)
	for i := range want {
		assertFields(t, want[i], got[i])
	}
}

func assertRunnerListFields(t *testing.T, want, got []*Runner) {
	t.Helper()
	assertListFields(t, "runners", want, got, assertRunnerFields)
}

// fixtureLinkNextLast is a Link header naming page 3 next and 5 last.
const fixtureLinkNextLast = `<https://api.github.com/resource?page=3>; rel="next", <https://api.github.com/resource?page=5>; rel="last"`

// GitHub's examples of runner groups as Go values (the fixtures are copies
// of them).

const exampleWorkflow = "octo-org/octo-repo/.github/workflows/deploy.yaml@refs/heads/main"

const exampleNetworkConfigurationID = "EC486D5D793175D7E3B29C27318D5C1AAE49A7833FC85F2E82C3D2C54AC7D3BA"

// exampleGroups is example runner-groups-org or runner-groups-enterprise.
func exampleGroups(scope string) []*RunnerGroup {
	if scope == "org" {
		const u = "https://api.github.com/orgs/octo-org/actions/runner_groups/"
		return []*RunnerGroup{
			{ID: 1, Name: "Default", Visibility: GroupVisibilityAll, Default: true, RunnersURL: u + "1/runners",
				AllowsPublicRepositories: true, SelectedWorkflows: []string{}},
			{ID: 2, Name: "octo-runner-group", Visibility: GroupVisibilitySelected, SelectedRepositoriesURL: u + "2/repositories",
				RunnersURL: u + "2/runners", Inherited: true, AllowsPublicRepositories: true, RestrictedToWorkflows: true,
				SelectedWorkflows: []string{exampleWorkflow}, WorkflowRestrictionsReadOnly: true},
			{ID: 3, Name: "expensive-hardware", Visibility: GroupVisibilityPrivate, RunnersURL: u + "3/runners",
				AllowsPublicRepositories: true, SelectedWorkflows: []string{exampleWorkflow}},
		}
	}
	const u = "https://api.github.com/enterprises/octo-corp/actions/runner_groups/"
	return []*RunnerGroup{
		{ID: 1, Name: "Default", Visibility: GroupVisibilityAll, Default: true, RunnersURL: u + "1/runners", SelectedWorkflows: []string{}},
		{ID: 2, Name: "octo-runner-group", Visibility: GroupVisibilitySelected, SelectedOrganizationsURL: u + "2/organizations",
			RunnersURL: u + "2/runners", AllowsPublicRepositories: true, RestrictedToWorkflows: true, SelectedWorkflows: []string{exampleWorkflow}},
		// "private" at enterprise scope, as GitHub's example has it: kept as sent.
		{ID: 3, Name: "expensive-hardware", Visibility: GroupVisibilityPrivate, RunnersURL: u + "3/runners",
			AllowsPublicRepositories: true, SelectedWorkflows: []string{exampleWorkflow}},
	}
}

// exampleGroup is the group a get, create or update answers with: example
// runner-group-item (org get), runner-group (org create and update),
// runner-group-enterprise (enterprise get and create) or
// runner-group-update-enterprise (enterprise update). The examples mix
// runner_groups and runner-groups in their URLs.
func exampleGroup(scope, op string) *RunnerGroup {
	if scope == "org" {
		const u = "https://api.github.com/orgs/octo-org/actions/runner_groups/2/"
		g := &RunnerGroup{ID: 2, Name: "octo-runner-group", Visibility: GroupVisibilitySelected,
			SelectedRepositoriesURL: u + "repositories", RunnersURL: u + "runners", HostedRunnersURL: u + "hosted-runners",
			NetworkConfigurationID: exampleNetworkConfigurationID, AllowsPublicRepositories: true, RestrictedToWorkflows: true,
			SelectedWorkflows: []string{exampleWorkflow}}
		if op != "GetRunnerGroup" {
			g.SelectedRepositoriesURL = "https://api.github.com/orgs/octo-org/actions/runner-groups/2/repositories"
		}
		return g
	}
	const u = "https://api.github.com/enterprises/octo-corp/actions/runner-groups/2/"
	if op == "UpdateRunnerGroup" {
		return &RunnerGroup{ID: 2, Name: "Expensive hardware runners", Visibility: GroupVisibilitySelected,
			SelectedOrganizationsURL: u + "organizations", RunnersURL: u + "runners",
			HostedRunnersURL:       "https://api.github.com/enterprises/octo-corp/actions/runner_groups/2/hosted-runners",
			NetworkConfigurationID: exampleNetworkConfigurationID, AllowsPublicRepositories: true, SelectedWorkflows: []string{exampleWorkflow}}
	}
	return &RunnerGroup{ID: 2, Name: "octo-runner-group", Visibility: GroupVisibilitySelected,
		SelectedOrganizationsURL: u + "organizations", RunnersURL: u + "runners", HostedRunnersURL: u + "hosted-runners",
		NetworkConfigurationID: exampleNetworkConfigurationID, RestrictedToWorkflows: true, SelectedWorkflows: []string{exampleWorkflow}}
}

// exampleAccess is example minimal-repository-paginated (org) or
// organization-targets (enterprise), whose organization carries a
// repository's node_id.
func exampleAccess(scope string) []*GroupAccess {
	if scope == "org" {
		return []*GroupAccess{{ID: 1296269, NodeID: "MDEwOlJlcG9zaXRvcnkxMjk2MjY5", Name: "Hello-World", FullName: "octocat/Hello-World"}}
	}
	return []*GroupAccess{{ID: 161335, NodeID: "MDEwOlJlcG9zaXRvcnkxMjk2MjY5", Name: "octocat"}}
}

// assertGroupFields compares runner groups field by field.
func assertGroupFields(t *testing.T, want, got *RunnerGroup) {
	t.Helper()
	require.NotNil(t, got, "runner group")
	assert.Equal(t, want.ID, got.ID, "ID")
	assert.Equal(t, want.Name, got.Name, "Name")
	assert.Equal(t, want.Visibility, got.Visibility, "Visibility")
	assert.Equal(t, want.Default, got.Default, "Default")
	assert.Equal(t, want.Inherited, got.Inherited, "Inherited")
	assert.Equal(t, want.AllowsPublicRepositories, got.AllowsPublicRepositories, "AllowsPublicRepositories")
	assert.Equal(t, want.RestrictedToWorkflows, got.RestrictedToWorkflows, "RestrictedToWorkflows")
	assert.Equal(t, want.SelectedWorkflows, got.SelectedWorkflows, "SelectedWorkflows")
	assert.Equal(t, want.RunnersURL, got.RunnersURL, "RunnersURL")
	assert.Equal(t, want.SelectedRepositoriesURL, got.SelectedRepositoriesURL, "SelectedRepositoriesURL")
	assert.Equal(t, want.SelectedOrganizationsURL, got.SelectedOrganizationsURL, "SelectedOrganizationsURL")
	assert.Equal(t, want.InheritedAllowsPublicRepositories, got.InheritedAllowsPublicRepositories, "InheritedAllowsPublicRepositories")
	assert.Equal(t, want.WorkflowRestrictionsReadOnly, got.WorkflowRestrictionsReadOnly, "WorkflowRestrictionsReadOnly")
	assert.Equal(t, want.HostedRunnersURL, got.HostedRunnersURL, "HostedRunnersURL")
	assert.Equal(t, want.NetworkConfigurationID, got.NetworkConfigurationID, "NetworkConfigurationID")
	assert.Equal(t, want, got, "the whole group")
}

func assertGroupListFields(t *testing.T, want, got []*RunnerGroup) {
	t.Helper()
	assertListFields(t, "runner groups", want, got, assertGroupFields)
}

// ---- GitHub Apps: keys, and a fake GitHub for one installation -------------

// The App and installation of appServer, and the paths it serves.
const (
	testAppID          = 1234
	testInstallationID = 42
	testExchangePath   = "/app/installations/42/access_tokens"
	testRunnerPath     = "/orgs/o/actions/runners/1"
)

// appTestKey is the app's RSA key, generated once per test binary.
var appTestKey = sync.OnceValue(func() *rsa.PrivateKey {
	key, err := rsa.GenerateKey(rand.Reader, 2048)
	if err != nil {
		panic(err)
	}
	return key
})

// testClientID is the Client ID of the App of newAppFake.
const testClientID = "Iv23liFLEETkitEXAMPLE"

// appTestKeys are three more App keys, for tests with several Apps.
var appTestKeys = sync.OnceValue(func() []*rsa.PrivateKey {
	keys := make([]*rsa.PrivateKey, 3)
	for i := range keys {
		key, err := rsa.GenerateKey(rand.Reader, 2048)
		if err != nil {
			panic(err)
		}
		keys[i] = key
	}
	return keys
})

// pkcs1PEM encodes key as GitHub hands it out: "RSA PRIVATE KEY" (PKCS #1).
func pkcs1PEM(key *rsa.PrivateKey) []byte {
	return pem.EncodeToMemory(&pem.Block{Type: "RSA PRIVATE KEY", Bytes: x509.MarshalPKCS1PrivateKey(key)})
}

// pkcs8PEM encodes any key as "PRIVATE KEY" (PKCS #8).
func pkcs8PEM(t *testing.T, key any) []byte {
	t.Helper()
	der, err := x509.MarshalPKCS8PrivateKey(key)
	require.NoError(t, err)
	return pem.EncodeToMemory(&pem.Block{Type: "PRIVATE KEY", Bytes: der})
}

// appRequest is one request the fake GitHub received.
type appRequest struct {
	Method string
	URL    string // scheme://host/path, as the client sent it
	Path   string
	Header http.Header
}

// appServer is a fake GitHub for app authentication: it checks the app JWT
// on POST {prefix}/app/installations/42/access_tokens, issues installation
// tokens ghs_... that expire ttl after now(), and answers GET
// {prefix}/orgs/o/actions/runners/1 with testdata/get_runner.json.
type appServer struct {
	t       *testing.T
	prefix  string // "" or "/api/v3"
	pub     *rsa.PublicKey
	now     func() time.Time
	ttl     time.Duration
	delay   time.Duration               // an exchange takes this long
	reply   func(w http.ResponseWriter) // when set, answers exchanges instead of issuing a token
	runner  []byte                      // the runner fixture
	redirTo string                      // when set, runner requests are redirected to this origin
	srv     *httptest.Server            // nil when only the handler is used

	nExch atomic.Int64 // exchanges with a valid JWT

	mu     sync.Mutex   // guards what follows
	reqs   []appRequest // every request, in order
	jwts   []string     // the valid JWTs of the exchanges
	issued []string     // the installation tokens issued
}

// newAppServer starts a fake GitHub; configure modifies it before it starts.
func newAppServer(t *testing.T, configure ...func(*appServer)) *appServer {
	t.Helper()
	s := newAppHandler(t, configure...)
	s.srv = httptest.NewServer(s)
	t.Cleanup(s.srv.Close)
	return s
}

// newAppHandler is newAppServer without a socket, for a client whose
// transport calls ServeHTTP.
func newAppHandler(t *testing.T, configure ...func(*appServer)) *appServer {
	t.Helper()
	s := &appServer{t: t, pub: &appTestKey().PublicKey, now: time.Now, ttl: time.Hour, runner: fixture(t, "get_runner.json")}
	for _, f := range configure {
		f(s)
	}
	return s
}

// baseURL is what the client is given.
func (s *appServer) baseURL() string { return s.srv.URL + s.prefix }

func (s *appServer) requests() []appRequest {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]appRequest(nil), s.reqs...)
}

// exchangeRequests and runnerRequests split the requests received.
func (s *appServer) exchangeRequests() []appRequest { return s.filter("/app/installations/") }

func (s *appServer) runnerRequests() []appRequest { return s.filter("/actions/runners/") }

func (s *appServer) filter(part string) []appRequest {
	var out []appRequest
	for _, r := range s.requests() {
		if strings.Contains(r.Path, part) {
			out = append(out, r)
		}
	}
	return out
}

func (s *appServer) issuedTokens() []string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]string(nil), s.issued...)
}

func (s *appServer) receivedJWTs() []string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]string(nil), s.jwts...)
}

func (s *appServer) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	u := *r.URL
	if u.Host == "" {
		u.Scheme, u.Host = "http", r.Host
	}
	s.mu.Lock()
	s.reqs = append(s.reqs, appRequest{Method: r.Method, URL: u.Scheme + "://" + u.Host + u.EscapedPath(), Path: u.EscapedPath(), Header: r.Header.Clone()})
	s.mu.Unlock()

	switch path := r.URL.EscapedPath(); {
	case strings.Contains(path, "/app/installations/"):
		if r.Method != http.MethodPost || path != s.prefix+testExchangePath {
			s.t.Errorf("exchange: %s %s, want POST %s", r.Method, path, s.prefix+testExchangePath)
			writeJSON(w, http.StatusNotFound, map[string]string{"message": "Not Found"})
			return
		}
		jwt, err := checkAppJWT(r.Header.Get("Authorization"), s.pub, strconv.Itoa(testAppID), s.now())
		if err != nil {
			s.t.Errorf("exchange: %v", err)
			writeJSON(w, http.StatusUnauthorized, map[string]string{"message": "A JSON web token could not be decoded"})
			return
		}
		n := s.nExch.Add(1)
		s.mu.Lock()
		s.jwts = append(s.jwts, jwt)
		s.mu.Unlock()
		time.Sleep(s.delay)
		if s.reply != nil {
			s.reply(w)
			return
		}
		tok := fmt.Sprintf("ghs_installation%02dSECRETtoken", n)
		s.mu.Lock()
		s.issued = append(s.issued, tok)
		s.mu.Unlock()
		writeJSON(w, http.StatusCreated, map[string]any{
			"token":                tok,
			"expires_at":           s.now().Add(s.ttl).UTC().Format(time.RFC3339),
			"permissions":          map[string]string{"organization_self_hosted_runners": "write"},
			"repository_selection": "all",
		})
	case r.Method == http.MethodGet && path == s.prefix+testRunnerPath:
		if s.redirTo != "" {
			http.Redirect(w, r, s.redirTo+path, http.StatusTemporaryRedirect)
			return
		}
		w.Header().Set("Content-Type", "application/json; charset=utf-8")
		w.Write(s.runner)
	default:
		s.t.Errorf("unexpected request %s %s", r.Method, path)
		writeJSON(w, http.StatusNotFound, map[string]string{"message": "Not Found"})
	}
}

// checkAppJWT checks an exchange's Authorization header the way GitHub does:
// an RS256 JWT signed by pub, issued by issuer (an App ID, which must come
// as a JSON number, or a Client ID, as a JSON string) at least 50 seconds
// before now (clock drift), expiring after now and at most 10 minutes after
// it was issued. It returns the JWT.
func checkAppJWT(auth string, pub *rsa.PublicKey, issuer string, now time.Time) (string, error) {
	jwt, ok := strings.CutPrefix(auth, "Bearer ")
	if !ok {
		return "", errors.New("the Authorization header is not a bearer token")
	}
	parts := strings.Split(jwt, ".")
	if len(parts) != 3 {
		return "", fmt.Errorf("the bearer token has %d parts, want a JWT's 3", len(parts))
	}
	var raw [3][]byte
	for i, p := range parts {
		b, err := base64.RawURLEncoding.DecodeString(p)
		if err != nil {
			return "", fmt.Errorf("JWT part %d is not unpadded base64url: %v", i, err)
		}
		raw[i] = b
	}
	var header map[string]any
	if err := json.Unmarshal(raw[0], &header); err != nil {
		return "", fmt.Errorf("JWT header: %v", err)
	}
	if want := map[string]any{"alg": "RS256", "typ": "JWT"}; fmt.Sprint(header) != fmt.Sprint(want) {
		return "", fmt.Errorf("JWT header %v, want %v", header, want)
	}
	digest := sha256.Sum256([]byte(parts[0] + "." + parts[1]))
	if err := rsa.VerifyPKCS1v15(pub, crypto.SHA256, digest[:], raw[2]); err != nil {
		return "", fmt.Errorf("JWT signature: %v", err)
	}
	var claims struct {
		Iss json.RawMessage `json:"iss"` // as sent: a number or a string
		Iat int64           `json:"iat"`
		Exp int64           `json:"exp"`
	}
	if err := json.Unmarshal(raw[1], &claims); err != nil {
		return "", fmt.Errorf("JWT claims: %v", err)
	}
	wantIss := issuer
	if !isDecimal(issuer) {
		quoted, _ := json.Marshal(issuer)
		wantIss = string(quoted)
	}
	n := now.Unix()
	switch {
	case string(claims.Iss) != wantIss:
		return "", fmt.Errorf("iss %s, want %s", claims.Iss, wantIss)
	case claims.Iat > n-50:
		return "", fmt.Errorf("iat is %ds before now, want at least 50s (clock drift)", n-claims.Iat)
	case claims.Iat < n-120:
		return "", fmt.Errorf("iat is %ds before now, want about 60s", n-claims.Iat)
	case claims.Exp-claims.Iat > 600:
		return "", fmt.Errorf("exp is %ds after iat, want at most 10 minutes", claims.Exp-claims.Iat)
	case claims.Exp <= n:
		return "", fmt.Errorf("exp is %ds before now: expired", n-claims.Exp)
	}
	return jwt, nil
}

// newAppClient returns a client for s authenticating with auth.
func newAppClient(t *testing.T, s *appServer, auth Option, opts ...Option) *Client {
	t.Helper()
	c, err := NewClient(append([]Option{WithBaseURL(s.baseURL()), auth}, opts...)...)
	require.NoError(t, err)
	return c
}

// getRunner gets runner 1 of org o, the request every test makes.
func getRunner(t *testing.T, c *Client) (*Runner, error) {
	t.Helper()
	return c.Org("o").GetRunner(t.Context(), 1)
}

// ---- a fake GitHub for GitHub Apps installed on many scopes ----------------

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
