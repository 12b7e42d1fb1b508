package runnerstest

import (
	"crypto/hmac"
	"crypto/rand"
	"crypto/sha256"
	"crypto/tls"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"path"
	"slices"
	"strings"
	"sync"
	"time"

	"github.com/fleetkit/runners"
)

// Server is the fake. Its zero value is not usable; call [NewServer].
type Server struct {
	mux *http.ServeMux // set up once by NewServer; read-only after

	mu         sync.Mutex // guards everything below: the one lock
	st         state
	clock      runners.Clock // nil: the real time
	rateLimit  int
	budgets    map[string]*budget // by credential; "" for requests without one
	apps       apps               // GitHub Apps, their installations and tokens: apps.go
	faults     []pendingFault
	requests   []Request
	maxRecords int
}

// NewServer returns an empty fake, ready to serve.
func NewServer() *Server {
	s := &Server{
		mux: http.NewServeMux(),
		st: state{
			scopes:       map[string]*scopeData{},
			labelIDs:     map[string]int64{},
			deprecations: map[string]runners.RunnerDeprecation{},
		},
		rateLimit:  defaultRateLimit,
		budgets:    map[string]*budget{},
		maxRecords: 10000,
	}
	s.routes()
	return s
}

// ServeHTTP serves the runners API. Paths may carry GitHub Enterprise
// Server's /api/v3 prefix.
func (s *Server) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	// ServeMux would redirect a path with empty, "." or ".." segments to
	// its clean form; GitHub answers 404.
	if p := r.URL.EscapedPath(); path.Clean(p) != strings.TrimSuffix(p, "/") {
		s.serve(func(*call) reply { return notFound() }).ServeHTTP(w, r)
		return
	}
	s.mux.ServeHTTP(w, r)
}

// serve is the pipeline every route goes through: record the request, check
// the credential and its rate limit, answer a queued fault or h's reply,
// make a GET conditional, and count the request.
func (s *Server) serve(h handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		body, _ := io.ReadAll(io.LimitReader(r.Body, 1<<20))
		rep := s.answer(r, body, h)
		s.deliver() // what the request caused, before its answer
		header := w.Header()
		for k, v := range rep.header {
			header[k] = v
		}
		header.Set("X-GitHub-Request-Id", randomToken(10))
		w.WriteHeader(rep.status)
		w.Write(rep.body)
	})
}

func (s *Server) answer(r *http.Request, body []byte, h handler) reply {
	s.mu.Lock()
	defer s.mu.Unlock() // a panic must not leave the fake locked for every later request
	// Then, still locked: runners the request registered may come online, and
	// waiting jobs may find a runner (nextID is read now, before the request).
	defer s.afterRequest(s.st.nextID)
	s.record(r, body)
	now := s.now()
	who := s.identify(r.Header.Get("Authorization"), now)
	b, limit := who.budget, who.limit
	var rep reply
	switch {
	case b.used >= limit:
		f := primaryRateLimit(limit, b.reset, who.subject)
		return f.reply() // spent: nothing more is counted
	case who.refused != nil:
		rep = *who.refused
	default:
		if f := s.takeFault(r, who.installationID()); f != nil {
			rep = f.reply()
		} else {
			rep = h(&call{r: r, body: body, who: &who})
		}
		rep = conditional(r, rep)
	}
	if rep.status != http.StatusNotModified {
		b.used++
	}
	for k, v := range rateLimitHeader(limit, b.used, b.reset) {
		if _, set := rep.header[k]; !set { // a fault's own rate-limit headers win
			rep.header[k] = v
		}
	}
	return rep
}

// caller is who sent a request, as its credential says: the budget it
// counts against, and the GitHub App or installation it belongs to.
type caller struct {
	budget  *budget
	limit   int
	subject string            // whom GitHub's message names once the budget is spent: "user ID 1", an IP address
	refused *reply            // GitHub's 401 for the credential; nil when it is accepted
	app     *appData          // the App whose JWT it is (apps.go)
	inst    *installationData // the installation whose token it is (apps.go)
}

// identify works out who sent a request with authorization: a token, the
// JWT of a GitHub App or an installation token the fake issued (apps.go),
// or nobody; s.mu is held.
func (s *Server) identify(authorization string, now time.Time) caller {
	credential, refused := authenticate(authorization)
	if refused == nil {
		if who, ok := s.appCaller(credential, now); ok {
			return who
		}
	}
	return s.tokenCaller(credential, refused, now)
}

// tokenCaller is the caller of a token (or of none, credential ""), whose
// budget is the credential's own.
func (s *Server) tokenCaller(credential string, refused *reply, now time.Time) caller {
	b, limit := s.budgetFor(credential, now)
	subject := "user ID 1"
	if credential == "" {
		subject = "127.0.0.1" // GitHub names the client's address
	}
	return caller{budget: b, limit: limit, subject: subject, refused: refused}
}

// authenticate returns the credential an Authorization header carries, or
// the 401 GitHub answers: "Requires authentication" without one, "Bad
// credentials" for one with no credential after its scheme.
func authenticate(authorization string) (credential string, refused *reply) {
	if strings.TrimSpace(authorization) == "" { // a socket trims it to nothing: none was sent
		rep := ghError(http.StatusUnauthorized, "Requires authentication")
		return "", &rep
	}
	if _, credential = splitAuthorization(authorization); credential == "" {
		rep := ghError(http.StatusUnauthorized, "Bad credentials")
		return "", &rep
	}
	return credential, nil
}

// splitAuthorization splits an Authorization header into its scheme
// ("Bearer", "token") and the credential after it, "" when there is none.
func splitAuthorization(authorization string) (scheme, credential string) {
	scheme, credential, _ = strings.Cut(strings.TrimSpace(authorization), " ")
	return scheme, strings.TrimSpace(credential)
}

// Request is a request the server received. Its Authorization header, when
// sent, is recorded as the scheme and "[redacted]" ("Bearer [redacted]"),
// never the credential: printing recorded requests prints no token. Ask
// [Request.SentToken] which one was sent.
type Request struct {
	Method string
	Path   string // escaped, as sent
	Query  url.Values
	Header http.Header
	Body   []byte
	// tokenMAC is an HMAC of the credential under a key of this process,
	// for SentToken: it tells nothing about the credential to anyone else.
	tokenMAC []byte
}

// redacted stands in for a recorded credential.
const redacted = "[redacted]"

// macKey is the key of Request.tokenMAC, random for each process.
var macKey = func() []byte {
	k := make([]byte, 32)
	rand.Read(k)
	return k
}()

// tokenMAC is the HMAC of a credential; nil for none.
func tokenMAC(credential string) []byte {
	if credential == "" {
		return nil
	}
	m := hmac.New(sha256.New, macKey)
	m.Write([]byte(credential))
	return m.Sum(nil)
}

// SentToken reports whether the request's Authorization header carried
// token, after its scheme ("Bearer " or "token "), without the fake having
// kept it.
func (r Request) SentToken(token string) bool {
	return r.tokenMAC != nil && hmac.Equal(r.tokenMAC, tokenMAC(token))
}

// record keeps r, the last maxRecords at most; the caller holds s.mu.
func (s *Server) record(r *http.Request, body []byte) {
	if len(s.requests) == s.maxRecords {
		s.requests = slices.Delete(s.requests, 0, 1)
	}
	header := r.Header.Clone()
	_, credential := splitAuthorization(header.Get("Authorization"))
	for k, vs := range header { // every spelling and value: a map literal may hold "authorization"
		if !strings.EqualFold(k, "Authorization") {
			continue
		}
		for i, v := range vs {
			if scheme, cred := splitAuthorization(v); cred != "" {
				vs[i] = scheme + " " + redacted
			}
		}
	}
	s.requests = append(s.requests, Request{
		Method: r.Method, Path: r.URL.EscapedPath(), Query: r.URL.Query(), Header: header, Body: body, tokenMAC: tokenMAC(credential),
	})
}

// Requests returns the requests received so far, oldest first (the last
// 10,000 at most).
func (s *Server) Requests() []Request {
	s.mu.Lock()
	defer s.mu.Unlock()
	return slices.Clone(s.requests)
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
// ConfigURL), but every request goes to the fake, in memory. It reads the
// time and waits (between retries, for a rate limit's reset) on the server's
// clock ([Server.SetClock]). opts are applied first, so they may set the user
// agent, API version, credentials (a GitHub App installation works too) or a
// clock of their own, but not replace the fake's base URL or HTTP client.
func (s *Server) Client(opts ...runners.Option) *runners.Client {
	all := append([]runners.Option{runners.WithClock(serverClock{s})}, opts...)
	all = append(all,
		runners.WithBaseURL("https://api.github.com/"), // the fake plays GitHub.com; nothing leaves the process
		runners.WithHTTPClient(&http.Client{Transport: defaultAuth{s.Transport()}}),
	)
	c, err := runners.NewClient(all...)
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
