// Package runnerstest is an in-memory fake of GitHub's self-hosted runners
// API, for testing code that uses package runners.
//
// It is shaped like net/http/httptest: [NewServer] returns a [Server] that
// serves HTTP (wrap it in httptest.NewServer for a socket, or use
// [Server.Transport] for none), and [Server.Client] returns a client wired to
// it. Seed it with plain literals:
//
//	srv := runnerstest.NewServer()
//	srv.Org("octo-org").AddRunner(runners.Runner{Name: "build-1", Status: runners.RunnerOnline})
//	c := srv.Client()
//	list, err := c.Org("octo-org").ListRunners(ctx, nil)
//
// It behaves like GitHub as documented, for all 36 operations: 401 without
// Authorization; 404 in GitHub's error shape for unknown scopes, runners and
// labels; each scope's runners are its own; pagination with per_page (default
// 30, max 100), page, total_count and a Link header naming the request's own
// host; the exact-match name filter; registration and remove tokens that
// expire in one hour; JIT configs that create an offline runner (409 for a
// name already taken in the scope, 422 for a body the OpenAPI schema
// rejects); read-only labels that survive set and remove-all; 422 "still
// running a job" when deleting a busy runner. It also serves the runner
// version end-of-life schedules of GitHub.com set with
// [Server.SetDeprecation]. It is safe for concurrent use.
//
// A scope exists once the test names it ([Server.Org], [Server.Repo],
// [Server.Enterprise]); requests for any other scope get 404, as GitHub
// answers for an organization that does not exist.
package runnerstest

import (
	"cmp"
	"crypto/rand"
	"crypto/tls"
	"encoding/base32"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/fleetkit/runners"
)

// Server is the fake. Its zero value is not usable; call [NewServer].
type Server struct {
	mu         sync.Mutex
	scopes     map[string]*scopeData // by path prefix, such as "orgs/octo-org"
	nextID     int64                 // the last runner ID handed out, across scopes as on GitHub
	labelIDs   map[string]int64      // label IDs by lower-case name, shared across runners as on GitHub
	nextLabel  int64
	now        func() time.Time
	faults     []pendingFault
	requests   []Request
	maxRecords int
	// deprecations are the runner version end-of-life schedules, by
	// version; the same at every scope, as on GitHub.
	deprecations map[string]runners.RunnerDeprecation
}

type scopeData struct {
	runners map[int64]*runners.Runner
}

// NewServer returns an empty fake, ready to serve.
func NewServer() *Server {
	return &Server{
		scopes:     map[string]*scopeData{},
		labelIDs:   map[string]int64{},
		now:        time.Now,
		maxRecords: 10000,

		deprecations: map[string]runners.RunnerDeprecation{},
	}
}

// SetDeprecation sets the end-of-life schedule GitHub answers for a runner
// version at every scope (GET .../actions/runners/deprecations/{version}).
// An empty d.RunnerVersion becomes version. Versions never set are 404, as
// GitHub answers for a version it does not know.
func (s *Server) SetDeprecation(version string, d runners.RunnerDeprecation) {
	if d.RunnerVersion == "" {
		d.RunnerVersion = version
	}
	for _, t := range []**time.Time{&d.RegistrationDeprecatesAt, &d.RuntimeDeprecatesAt} {
		if *t != nil {
			c := **t // the caller's time may change; the fake's may not
			*t = &c
		}
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	s.deprecations[version] = d
}

// SetClock makes the server read the time from now (token expiry, rate-limit
// resets). Tests use it to control time; nil restores the real clock.
func (s *Server) SetClock(now func() time.Time) {
	if now == nil {
		now = time.Now
	}
	s.mu.Lock()
	s.now = now
	s.mu.Unlock()
}

// Transport returns a RoundTripper that hands requests straight to the
// server, with no socket.
func (s *Server) Transport() http.RoundTripper { return transport{s} }

type transport struct{ s *Server }

func (t transport) RoundTrip(req *http.Request) (*http.Response, error) {
	if err := req.Context().Err(); err != nil {
		if req.Body != nil {
			req.Body.Close()
		}
		return nil, err
	}
	sr := req.Clone(req.Context())
	sr.RequestURI = req.URL.RequestURI()
	sr.Host = req.URL.Host
	if req.URL.Scheme == "https" {
		sr.TLS = &tls.ConnectionState{HandshakeComplete: true} // as a server sees an https request: Link URLs keep the scheme
	}
	if sr.Body == nil {
		sr.Body = http.NoBody
	}
	rec := httptest.NewRecorder()
	t.s.ServeHTTP(rec, sr)
	sr.Body.Close()
	resp := rec.Result()
	resp.Request = req
	return resp, nil
}

// fakeToken is the credential [Server.Client] sends when the caller gives none.
const fakeToken = "runnerstest-token"

// Client returns a client wired to the server through [Server.Transport],
// with a token set. Its base URL is https://api.github.com/, so that it
// behaves as a GitHub.com client does (API version, ScopeFromURL,
// ConfigURL), but every request goes to the fake, in memory. opts are applied
// first, so they may set the user agent, API version or credentials (a GitHub
// App installation works too), but not replace the fake's base URL or HTTP
// client.
func (s *Server) Client(opts ...runners.Option) *runners.Client {
	own := []runners.Option{
		runners.WithBaseURL("https://api.github.com/"), // the fake plays GitHub.com; nothing leaves the process
		runners.WithHTTPClient(&http.Client{Transport: defaultAuth{s.Transport()}}),
	}
	c, err := runners.NewClient(append(opts, own...)...)
	if err != nil {
		panic("runnerstest: Client: " + err.Error())
	}
	return c
}

// defaultAuth adds the fake's token to requests that carry no other.
type defaultAuth struct{ rt http.RoundTripper }

func (d defaultAuth) RoundTrip(req *http.Request) (*http.Response, error) {
	if req.Header.Get("Authorization") == "" {
		req = req.Clone(req.Context())
		req.Header.Set("Authorization", "Bearer "+fakeToken)
	}
	return d.rt.RoundTrip(req)
}

// ScopeState is the fake's state for one enterprise, organization or
// repository.
type ScopeState struct {
	s   *Server
	key string
}

// Enterprise returns the state of an enterprise, creating it empty on first use.
func (s *Server) Enterprise(enterprise string) *ScopeState {
	return s.scope("enterprises/" + enterprise)
}

// Org returns the state of an organization, creating it empty on first use.
func (s *Server) Org(org string) *ScopeState { return s.scope("orgs/" + org) }

// Repo returns the state of a repository, creating it empty on first use.
func (s *Server) Repo(owner, repo string) *ScopeState {
	return s.scope("repos/" + owner + "/" + repo)
}

func (s *Server) scope(key string) *ScopeState {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.scopes[key] == nil {
		s.scopes[key] = &scopeData{runners: map[int64]*runners.Runner{}}
	}
	return &ScopeState{s: s, key: key}
}

func (st *ScopeState) data() *scopeData { return st.s.scopes[st.key] }

// AddRunner stores a copy of r in the scope and returns the stored copy. An
// ID of 0 gets the next free one; a label without an ID gets the one its name
// has everywhere; a label without a type is custom; an empty status is
// offline. It panics on an ID already used in any scope or a name already
// used in this one: both are mistakes in a test's set-up.
func (st *ScopeState) AddRunner(r runners.Runner) *runners.Runner {
	s := st.s
	s.mu.Lock()
	defer s.mu.Unlock()
	if r.ID == 0 {
		r.ID = s.newRunnerID()
	} else {
		if _, owner := s.findRunner(r.ID); owner != nil {
			panic(fmt.Sprintf("runnerstest: AddRunner: runner ID %d already exists", r.ID))
		}
		s.nextID = max(s.nextID, r.ID)
	}
	if st.data().byName(r.Name) != nil {
		panic(fmt.Sprintf("runnerstest: AddRunner: a runner named %q already exists in %s", r.Name, st.key))
	}
	if r.Status == "" {
		r.Status = runners.RunnerOffline
	}
	labels := make([]*runners.Label, 0, len(r.Labels))
	for _, l := range r.Labels {
		labels = append(labels, s.label(l.Name, l.Type, l.ID))
	}
	r.Labels = labels
	st.data().runners[r.ID] = &r
	return cloneRunner(&r)
}

// Runners returns a snapshot of the scope's runners, in ID order.
func (st *ScopeState) Runners() []runners.Runner {
	st.s.mu.Lock()
	defer st.s.mu.Unlock()
	out := make([]runners.Runner, 0, len(st.data().runners))
	for _, r := range st.data().sorted() {
		out = append(out, *cloneRunner(r))
	}
	return out
}

// Runner returns a copy of one runner of the scope.
func (st *ScopeState) Runner(id int64) (runners.Runner, bool) {
	st.s.mu.Lock()
	defer st.s.mu.Unlock()
	r := st.data().runners[id]
	if r == nil {
		return runners.Runner{}, false
	}
	return *cloneRunner(r), true
}

// UpdateRunner changes one runner of the scope under the server's lock, for
// what happens on GitHub's side: a runner coming online, taking a job
// (Busy), finishing it. It reports whether the runner exists. The ID cannot
// be changed.
func (st *ScopeState) UpdateRunner(id int64, update func(r *runners.Runner)) bool {
	st.s.mu.Lock()
	defer st.s.mu.Unlock()
	r := st.data().runners[id]
	if r == nil {
		return false
	}
	c := cloneRunner(r)
	update(c)
	c.ID = id
	for i, l := range c.Labels {
		c.Labels[i] = st.s.label(l.Name, l.Type, l.ID)
	}
	st.data().runners[id] = c
	return true
}

// RemoveRunner removes a runner from the scope, as when an ephemeral runner
// finishes its job. It reports whether the runner existed.
func (st *ScopeState) RemoveRunner(id int64) bool {
	st.s.mu.Lock()
	defer st.s.mu.Unlock()
	_, ok := st.data().runners[id]
	delete(st.data().runners, id)
	return ok
}

func (s *Server) newRunnerID() int64 {
	s.nextID++
	return s.nextID
}

// findRunner looks a runner up in every scope.
func (s *Server) findRunner(id int64) (*runners.Runner, *scopeData) {
	for _, sd := range s.scopes {
		if r := sd.runners[id]; r != nil {
			return r, sd
		}
	}
	return nil, nil
}

// label returns a label with a stable ID per name (case-insensitive, as on
// GitHub), the given type (custom when empty).
func (s *Server) label(name string, typ runners.LabelType, id int64) *runners.Label {
	key := strings.ToLower(name)
	if id == 0 {
		id = s.labelIDs[key]
	}
	if id == 0 {
		s.nextLabel++
		id = s.nextLabel
	}
	s.labelIDs[key] = id
	s.nextLabel = max(s.nextLabel, id)
	if typ == "" {
		typ = runners.LabelCustom
	}
	return &runners.Label{ID: id, Name: name, Type: typ}
}

func (sd *scopeData) sorted() []*runners.Runner {
	rs := make([]*runners.Runner, 0, len(sd.runners))
	for _, r := range sd.runners {
		rs = append(rs, r)
	}
	slices.SortFunc(rs, func(a, b *runners.Runner) int { return cmp.Compare(a.ID, b.ID) })
	return rs
}

func (sd *scopeData) byName(name string) *runners.Runner {
	for _, r := range sd.runners {
		if r.Name == name {
			return r
		}
	}
	return nil
}

func cloneRunner(r *runners.Runner) *runners.Runner {
	c := *r
	c.Labels = make([]*runners.Label, len(r.Labels))
	for i, l := range r.Labels {
		lc := *l
		c.Labels[i] = &lc
	}
	return &c
}

// Request is a request the server received.
type Request struct {
	Method string
	Path   string // escaped, as sent
	Query  url.Values
	Header http.Header
	Body   []byte
}

// Requests returns the requests received so far, oldest first (the last
// 10,000 at most).
func (s *Server) Requests() []Request {
	s.mu.Lock()
	defer s.mu.Unlock()
	return slices.Clone(s.requests)
}

// Fault is an answer the server gives instead of serving a request, set up
// with [Server.FailNext].
type Fault struct {
	Status int         // the HTTP status to answer with
	Header http.Header // headers to add, such as Retry-After
	Body   string      // the body; GitHub's error shape with the status text when empty
	// Method and PathSuffix, when set, limit the fault to matching requests;
	// others are served as usual.
	Method     string
	PathSuffix string
}

type pendingFault struct {
	Fault
	left int
}

// FailNext makes the server answer the next n requests that match f with f
// instead of serving them. Faults queue in the order they are set up.
func (s *Server) FailNext(n int, f Fault) {
	if n <= 0 {
		return
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	s.faults = append(s.faults, pendingFault{f, n})
}

// PrimaryRateLimit is the 403 GitHub answers when the hourly quota is spent,
// resetting at reset.
func PrimaryRateLimit(reset time.Time) Fault {
	return Fault{
		Status: http.StatusForbidden,
		Header: http.Header{
			"X-Ratelimit-Limit":     {"5000"},
			"X-Ratelimit-Remaining": {"0"},
			"X-Ratelimit-Used":      {"5000"},
			"X-Ratelimit-Reset":     {strconv.FormatInt(reset.Unix(), 10)},
			"X-Ratelimit-Resource":  {"core"},
		},
		Body: `{"message":"API rate limit exceeded for user ID 1.","documentation_url":"https://docs.github.com/rest/overview/rate-limits-for-the-rest-api","status":"403"}`,
	}
}

// SecondaryRateLimit is the 403 GitHub answers when requests come too fast,
// asking the client to wait retryAfter.
func SecondaryRateLimit(retryAfter time.Duration) Fault {
	return Fault{
		Status: http.StatusForbidden,
		Header: http.Header{"Retry-After": {strconv.Itoa(int(retryAfter / time.Second))}},
		Body:   `{"message":"You have exceeded a secondary rate limit. Please wait a few minutes before you try again.","documentation_url":"https://docs.github.com/rest/overview/rate-limits-for-the-rest-api#about-secondary-rate-limits","status":"403"}`,
	}
}

// takeFault returns the first queued fault matching r, if any, and counts it.
func (s *Server) takeFault(r *http.Request) *Fault {
	for i := range s.faults {
		f := &s.faults[i]
		if f.Method != "" && !strings.EqualFold(f.Method, r.Method) {
			continue
		}
		if f.PathSuffix != "" && !strings.HasSuffix(strings.TrimRight(r.URL.Path, "/"), f.PathSuffix) {
			continue
		}
		fault := f.Fault
		if f.left--; f.left == 0 {
			s.faults = slices.Delete(s.faults, i, i+1)
		}
		return &fault
	}
	return nil
}

// randomToken returns a token shaped like GitHub's registration tokens.
func randomToken(n int) string {
	b := make([]byte, n)
	rand.Read(b)
	return base32.StdEncoding.WithPadding(base32.NoPadding).EncodeToString(b)
}

// encodeJITConfig makes an opaque, base64-encoded runner configuration.
func encodeJITConfig(r *runners.Runner, scope string) string {
	cfg, _ := json.Marshal(map[string]any{
		".runner":      map[string]any{"agentId": r.ID, "agentName": r.Name, "scope": scope},
		".credentials": map[string]any{"scheme": "OAuth", "token": randomToken(20)},
	})
	return base64.StdEncoding.EncodeToString(cfg)
}

// readJSON decodes a request body of at most 1 MiB.
func readJSON(r *http.Request, v any) error {
	return json.NewDecoder(io.LimitReader(r.Body, 1<<20)).Decode(v)
}

// DocumentedRunners returns the runners of GitHub's documentation ("List
// self-hosted runners for an organization"): linux_runner (ID 23, online,
// busy) and mac_runner (ID 24, offline, idle, with a custom "no-gpu" label).
// Seed a scope with them:
//
//	for _, r := range runnerstest.DocumentedRunners() {
//		srv.Org("octo-org").AddRunner(r)
//	}
func DocumentedRunners() []runners.Runner {
	return []runners.Runner{
		{
			ID: 23, Name: "linux_runner", OS: "linux", Status: runners.RunnerOnline, Busy: true,
			Labels: []*runners.Label{
				{ID: 5, Name: "self-hosted", Type: runners.LabelReadOnly},
				{ID: 7, Name: "X64", Type: runners.LabelReadOnly},
				{ID: 11, Name: "Linux", Type: runners.LabelReadOnly},
			},
		},
		{
			ID: 24, Name: "mac_runner", OS: "macos", Status: runners.RunnerOffline, Busy: false,
			Labels: []*runners.Label{
				{ID: 5, Name: "self-hosted", Type: runners.LabelReadOnly},
				{ID: 7, Name: "X64", Type: runners.LabelReadOnly},
				{ID: 20, Name: "macOS", Type: runners.LabelReadOnly},
				{ID: 21, Name: "no-gpu", Type: runners.LabelCustom},
			},
		},
	}
}

// State returns the fake's state for a scope of a client wired to it, creating
// it empty on first use: srv.State(c.Org("octo-org")) is srv.Org("octo-org").
func (s *Server) State(scope runners.Scope) *ScopeState {
	segs := strings.Split(fmt.Sprint(scope), "/") // the services print their path prefix
	for i, seg := range segs {
		if u, err := url.PathUnescape(seg); err == nil {
			segs[i] = u
		}
	}
	return s.scope(strings.Join(segs, "/"))
}
