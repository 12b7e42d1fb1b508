// Package runners is a typed client for GitHub's self-hosted runners REST API.
//
// It covers every self-hosted runner endpoint at the three scopes GitHub offers
// them: enterprise, organization and repository. Each scope is a thin service
// that only knows its path prefix; every operation is written once and shared
// by all three through the [Scope] interface:
//
//	c, err := runners.NewClient(runners.WithToken(os.Getenv("GITHUB_TOKEN")))
//	if err != nil { ... }
//	for r, err := range c.Org("octo-org").AllRunners(ctx, nil) {
//		if err != nil { ... }
//		fmt.Println(r.Name, r.Status, r.Busy)
//	}
//
// Errors are a single [*Error] type, matched with [errors.Is] against the
// sentinels ([ErrNotFound], [ErrRunnerBusy], [ErrRateLimited], ...) or with
// [errors.As]. Bad input is rejected with [ErrInvalidArgument] before any
// request is sent. Secrets (the auth token, registration and remove tokens, JIT
// configs) never appear in errors or in what fmt and slog print.
//
// The runnerstest package holds an in-memory fake of the API for tests.
package runners

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"iter"
	"log/slog"
	"net"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/google/go-querystring/query"
	"golang.org/x/oauth2"
)

const (
	// Version is the version of this library, sent in the default User-Agent.
	Version = "0.1.0"

	defaultBaseURL    = "https://api.github.com/"
	defaultUserAgent  = "fleetkit-runners/" + Version
	mediaType         = "application/vnd.github+json"
	cloudAPIVersion   = "2026-03-10" // api.github.com and *.ghe.com
	serverAPIVersion  = "2022-11-28" // every other host: GitHub Enterprise Server before 3.21 knows only this one
	maxErrorBodyBytes = 1 << 20      // an error body is read up to 1 MiB; the rest is discarded
	maxBodyBytes      = 32 << 20     // a success body larger than 32 MiB is refused
)

// Client talks to GitHub's self-hosted runners API. Create one with
// [NewClient]; it is safe for concurrent use, and its scopes ([Client.Org],
// [Client.Repo], [Client.Enterprise]) are cheap values that share it.
type Client struct {
	baseURL    *url.URL    // always ends in "/"
	base       string      // baseURL.String(), built once
	headers    [3][]string // Accept, X-GitHub-Api-Version, User-Agent: built once, shared by requests
	hc         *http.Client
	apiVersion string
	userAgent  string
	authed     bool
	retry      *RetryPolicy // nil: no retries
	cache      *etagCache   // nil: no conditional requests
	limits     *rateLimits  // shared by the client's copies
	clock      Clock
}

// Option configures a [Client]. An option may fail; [NewClient] returns its error.
type Option func(*settings) error

type settings struct {
	baseURL    string
	hc         *http.Client
	apiVersion string
	userAgent  string
	authOption string // the name of the auth option given, to refuse a second
	auth       authFunc
	// refreshMargin is how long before its expiry a token is renewed; 0
	// leaves the default of each auth option.
	refreshMargin time.Duration
	insecureHTTP  bool // credentials may go over plain http to a non-loopback host
	retry         *RetryPolicy
	cache         *etagCache
	clock         Clock
}

// authFunc builds the token source once the client is configured. It gets the
// client without credentials, so a source that must call the API itself (a
// GitHub App's token exchange) uses the client's own base URL, headers,
// transport and error handling, and the refresh margin (0 for the default).
type authFunc func(unauthed *Client, refreshMargin time.Duration) (oauth2.TokenSource, error)

func (s *settings) setAuth(name string, auth authFunc) error {
	if s.authOption != "" {
		return invalidArgf("%s and %s both set the credentials; give one", s.authOption, name)
	}
	s.authOption, s.auth = name, auth
	return nil
}

// WithToken authenticates every request with "Authorization: Bearer <token>",
// for a personal access token or an installation token. An empty token is an error.
func WithToken(token string) Option {
	return func(s *settings) error {
		if strings.TrimSpace(token) == "" {
			return invalidArgf("WithToken: the token is empty")
		}
		ts := oauth2.StaticTokenSource(&oauth2.Token{AccessToken: token, TokenType: "Bearer"})
		return s.setAuth("WithToken", func(*Client, time.Duration) (oauth2.TokenSource, error) { return ts, nil })
	}
}

// WithTokenSource authenticates every request with a token from ts, asked
// again whenever the last one has expired.
func WithTokenSource(ts oauth2.TokenSource) Option {
	return func(s *settings) error {
		if ts == nil {
			return invalidArgf("WithTokenSource: the token source is nil")
		}
		return s.setAuth("WithTokenSource", func(_ *Client, margin time.Duration) (oauth2.TokenSource, error) {
			if margin == 0 {
				return oauth2.ReuseTokenSource(nil, ts), nil // renews 10 seconds before expiry
			}
			return oauth2.ReuseTokenSourceWithExpiry(nil, ts, margin), nil
		})
	}
}

// WithTokenRefreshMargin renews a token this long before it expires: the
// tokens of [WithTokenSource] (default 10 seconds) and the installation tokens
// of [WithAppInstallation] (default 1 minute). It must be positive.
func WithTokenRefreshMargin(d time.Duration) Option {
	return func(s *settings) error {
		if d <= 0 {
			return invalidArgf("WithTokenRefreshMargin: the margin must be positive, got %v", d)
		}
		s.refreshMargin = d
		return nil
	}
}

// WithHTTPClient sends requests through a copy of hc (its transport, timeout,
// cookie jar and redirect policy). hc itself is never modified.
func WithHTTPClient(hc *http.Client) Option {
	return func(s *settings) error {
		if hc == nil {
			return invalidArgf("WithHTTPClient: the client is nil")
		}
		s.hc = hc
		return nil
	}
}

// WithBaseURL points the client at another API host. GitHub Enterprise Server
// hosts get "/api/v3/" appended unless the URL already ends in it; GHE.com
// hosts (api.SUBDOMAIN.ghe.com) and loopback hosts are used as given. The
// default is https://api.github.com/.
func WithBaseURL(rawURL string) Option {
	return func(s *settings) error {
		s.baseURL = rawURL
		return nil
	}
}

// WithAPIVersion sets the X-GitHub-Api-Version header. The default is
// 2026-03-10 for api.github.com and GHE.com, and 2022-11-28 for GitHub
// Enterprise Server.
func WithAPIVersion(version string) Option {
	return func(s *settings) error {
		if strings.TrimSpace(version) == "" {
			return invalidArgf("WithAPIVersion: the version is empty")
		}
		s.apiVersion = version
		return nil
	}
}

// WithUserAgent sets the User-Agent header.
func WithUserAgent(ua string) Option {
	return func(s *settings) error {
		if strings.TrimSpace(ua) == "" {
			return invalidArgf("WithUserAgent: the user agent is empty")
		}
		s.userAgent = ua
		return nil
	}
}

// WithInsecureHTTP allows credentials over plain http:// to a host that is
// not loopback, such as a GitHub Enterprise Server test instance without TLS.
// Without it, [NewClient] refuses that combination: the token would cross the
// network in clear text.
func WithInsecureHTTP() Option {
	return func(s *settings) error {
		s.insecureHTTP = true
		return nil
	}
}

// NewClient returns a client configured by opts. With no options it talks to
// https://api.github.com/ without credentials.
func NewClient(opts ...Option) (*Client, error) {
	s := settings{baseURL: defaultBaseURL, userAgent: defaultUserAgent, clock: systemClock{}}
	for _, opt := range opts {
		if opt == nil {
			continue
		}
		if err := opt(&s); err != nil {
			return nil, err
		}
	}
	base, err := normalizeBaseURL(s.baseURL)
	if err != nil {
		return nil, err
	}
	c := &Client{
		baseURL: base, apiVersion: s.apiVersion, userAgent: s.userAgent,
		retry: s.retry, cache: s.cache, limits: &rateLimits{}, clock: s.clock,
	}
	if c.apiVersion == "" {
		c.apiVersion = defaultAPIVersion(base.Hostname())
	}
	c.base = base.String()
	c.headers = [3][]string{{mediaType}, {c.apiVersion}, {c.userAgent}}
	hc := http.Client{}
	if s.hc != nil {
		hc = *s.hc // a copy: the caller's client is never mutated
	}
	c.hc = &hc
	if s.auth == nil {
		return c, nil
	}
	if base.Scheme == "http" && !isLoopback(base.Hostname()) && !s.insecureHTTP {
		return nil, invalidArgf("%s would send the credentials of %s in clear text over http://; use https, or add WithInsecureHTTP() to allow it on purpose", base.Host, s.authOption)
	}
	ts, err := s.auth(c, s.refreshMargin)
	if err != nil {
		return nil, err
	}
	authed := *c
	authedHC := hc
	authedHC.Transport = &authTransport{base: hc.Transport, source: ts, scheme: base.Scheme, host: base.Host}
	authed.hc, authed.authed = &authedHC, true
	return &authed, nil
}

// BaseURL returns the normalised base URL every request path is relative to.
func (c *Client) BaseURL() string { return c.base }

// Format prints the client's base URL and API version, never its credentials.
func (c *Client) Format(f fmt.State, verb rune) {
	if c == nil {
		io.WriteString(f, "<nil>")
		return
	}
	fmt.Fprintf(f, "runners.Client{BaseURL: %q, APIVersion: %q, Authenticated: %t}", c.baseURL, c.apiVersion, c.authed)
}

// normalizeBaseURL applies the base URL rules in the package documentation
// of WithBaseURL.
func normalizeBaseURL(raw string) (*url.URL, error) {
	u, err := url.Parse(strings.TrimSpace(raw))
	if err != nil {
		return nil, invalidArgf("base URL: %v", urlParseError(err))
	}
	switch {
	case u.Scheme != "http" && u.Scheme != "https":
		return nil, invalidArgf("base URL %q: the scheme must be http or https", u.Redacted())
	case u.Host == "" || u.Hostname() == "":
		return nil, invalidArgf("base URL %q: no host", u.Redacted())
	case u.User != nil:
		return nil, invalidArgf("base URL %q: credentials in the URL are refused; use WithToken", u.Redacted())
	case u.RawQuery != "" || u.Fragment != "" || u.ForceQuery:
		return nil, invalidArgf("base URL %q: a query or fragment is not allowed", u.Redacted())
	}
	host := strings.ToLower(u.Hostname())
	path := strings.TrimRight(u.EscapedPath(), "/")
	switch {
	case host == "github.com" || host == "api.github.com":
		// github.com is the web host; its API lives on api.github.com.
		u.Host = strings.Replace(u.Host, u.Hostname(), "api.github.com", 1)
	case strings.HasSuffix(host, ".ghe.com"):
		if !strings.HasPrefix(host, "api.") {
			u.Host = "api." + u.Host // SUBDOMAIN.ghe.com is the web host
		}
	case isLoopback(host):
		// used exactly as given, so tests and mocks work with any prefix
	case !strings.HasSuffix(path, "/api/v3"):
		path += "/api/v3" // GitHub Enterprise Server
	}
	// The host re-escaped: an IPv6 zone ("[fe80::1%25en0]") is unescaped in u.Host.
	res, err := url.Parse((&url.URL{Scheme: u.Scheme, Host: u.Host}).String() + path + "/")
	if err != nil {
		return nil, invalidArgf("base URL %q: %v", u.Redacted(), urlParseError(err))
	}
	return res, nil
}

func defaultAPIVersion(host string) string {
	host = strings.ToLower(host)
	if host == "api.github.com" || strings.HasSuffix(host, ".ghe.com") {
		return cloudAPIVersion
	}
	return serverAPIVersion
}

func isLoopback(host string) bool {
	if host == "localhost" || strings.HasSuffix(host, ".localhost") {
		return true
	}
	ip := net.ParseIP(host)
	return ip != nil && ip.IsLoopback()
}

// authTransport adds the Authorization header to requests for the client's own
// origin (scheme and host), and to no other: a redirect to another host, or to
// plain http, never carries the token.
type authTransport struct {
	base         http.RoundTripper
	source       oauth2.TokenSource
	scheme, host string                     // the origin of the base URL
	last         atomic.Pointer[authHeader] // the header value of the last token, reused while it lasts
}

// contextTokenSource is a token source that can use the context of the
// request it is asked for (the GitHub App token exchange), so that the
// caller's deadline and cancellation reach it.
type contextTokenSource interface {
	tokenContext(ctx context.Context) (*oauth2.Token, error)
}

func tokenFor(ctx context.Context, ts oauth2.TokenSource) (*oauth2.Token, error) {
	if cs, ok := ts.(contextTokenSource); ok {
		return cs.tokenContext(ctx)
	}
	return ts.Token()
}

type authHeader struct {
	token string
	value []string // {"Bearer " + token}
}

func (t *authTransport) RoundTrip(req *http.Request) (*http.Response, error) {
	base := t.base
	if base == nil {
		base = http.DefaultTransport
	}
	if !strings.EqualFold(req.URL.Scheme, t.scheme) || !strings.EqualFold(req.URL.Host, t.host) {
		return base.RoundTrip(req) // another origin never gets the token
	}
	tok, err := tokenFor(req.Context(), t.source)
	if err != nil {
		if req.Body != nil {
			req.Body.Close()
		}
		return nil, fmt.Errorf("getting the auth token: %w", err)
	}
	// A RoundTripper must not modify the request: send a copy with its own
	// header map (the values, which nobody modifies, are shared).
	r2 := new(http.Request)
	*r2 = *req
	r2.Header = make(http.Header, len(req.Header)+1)
	for k, v := range req.Header {
		r2.Header[k] = v
	}
	h := t.last.Load()
	if h == nil || h.token != tok.AccessToken {
		h = &authHeader{token: tok.AccessToken, value: []string{"Bearer " + tok.AccessToken}}
		t.last.Store(h)
	}
	r2.Header["Authorization"] = h.value
	return base.RoundTrip(r2)
}

// call sends one API request and decodes a 2xx JSON body into out (unless out
// is nil). prefix+path is relative to the base URL and already escaped (two
// parts, so that the URL is put together in one allocation); q, when not nil,
// is encoded with go-querystring; body, when not nil, is sent as JSON. The
// returned response's body is already closed; it is nil when no response came
// back.
func (c *Client) call(ctx context.Context, method, prefix, path string, q, body, out any) (*http.Response, error) {
	req, err := c.newRequest(ctx, method, prefix, path, q, body)
	if err != nil {
		return nil, err
	}
	if c.retry == nil || !retrySafe(req) {
		return c.do(req, out)
	}
	var waited time.Duration
	for n := 1; ; n++ {
		resp, err := c.do(req, out)
		if err == nil {
			return resp, nil
		}
		wait, ok := c.retry.backoff(n, err, c.clock.Now())
		if !ok || waited+wait > c.retry.MaxWait {
			return resp, err
		}
		if serr := c.clock.Sleep(ctx, wait); serr != nil {
			return resp, &Error{Method: req.Method, URL: req.URL.Redacted(), Message: "waiting to retry",
				cause: fmt.Errorf("%w, after: %w", serr, err)}
		}
		waited += wait
		if req, err = rewind(req); err != nil {
			return nil, err
		}
	}
}

// rewind returns a copy of req that can be sent again, with a fresh body.
func rewind(req *http.Request) (*http.Request, error) {
	r2 := req.Clone(req.Context())
	if req.GetBody != nil {
		body, err := req.GetBody()
		if err != nil {
			return nil, transportError(req, err)
		}
		r2.Body = body
	}
	return r2, nil
}

// newRequest is the one place a request is built and its headers are set.
func (c *Client) newRequest(ctx context.Context, method, prefix, path string, q, body any) (*http.Request, error) {
	var rd io.Reader
	if body != nil {
		buf, err := json.Marshal(body)
		if err != nil {
			return nil, invalidArgf("request body: %v", err)
		}
		rd = bytes.NewReader(buf)
	}
	req, err := http.NewRequestWithContext(ctx, method, c.base+prefix+path, rd)
	if err != nil {
		return nil, invalidArgf("%s %s%s: %v", method, prefix, path, urlParseError(err))
	}
	if q != nil {
		v, err := query.Values(q)
		if err != nil {
			return nil, invalidArgf("query: %v", err)
		}
		req.URL.RawQuery = v.Encode()
	}
	// Canonical keys, values built once per client: no allocation per request.
	req.Header["Accept"] = c.headers[0]
	req.Header["X-Github-Api-Version"] = c.headers[1]
	req.Header["User-Agent"] = c.headers[2]
	if body != nil {
		req.Header["Content-Type"] = jsonContentType
	}
	return req, nil
}

var jsonContentType = []string{"application/json"}

// do sends req, turns a non-2xx response into an error, and decodes a 2xx body
// into out.
func (c *Client) do(req *http.Request, out any) (*http.Response, error) {
	var key string
	var hit *cached
	if c.cache != nil && req.Method == http.MethodGet && out != nil {
		key = req.URL.String()
		if hit = c.cache.get(key); hit != nil {
			req.Header.Set("If-None-Match", hit.etag)
		} else {
			req.Header.Del("If-None-Match") // a retry's, for a body evicted meanwhile
		}
	}
	resp, err := c.hc.Do(req)
	if err != nil {
		return nil, transportError(req, err)
	}
	drained := false // readBody read to EOF: nothing is left to drain
	defer func() {
		if drained {
			resp.Body.Close()
		} else {
			closeBody(resp.Body)
		}
	}()
	c.limits.observe(resp.Header)
	if hit != nil && resp.StatusCode == http.StatusNotModified {
		if len(resp.Header.Values("Link")) == 0 && len(hit.link) > 0 {
			resp.Header["Link"] = hit.link
		}
		if err := decodeBody(hit.body, out); err != nil {
			return resp, decodeError(req, resp, err)
		}
		return resp, nil
	}
	if err := checkResponse(req, resp); err != nil {
		return resp, err
	}
	if out == nil {
		return resp, nil
	}
	if resp.StatusCode == http.StatusNoContent {
		// A 204 where a value was promised: no zero value to act on.
		return resp, decodeError(req, resp, errors.New("204 No Content where a response body belongs"))
	}
	buf, err := readBody(resp)
	drained = err == nil
	defer buf.free()
	if err == nil {
		err = decodeBody(buf.Bytes(), out)
	}
	if err != nil {
		return resp, decodeError(req, resp, err)
	}
	if key != "" {
		c.cache.put(key, resp.Header.Get("ETag"), resp.Header, bytes.Clone(buf.Bytes()))
	}
	return resp, nil
}

var errBodyTooLarge = fmt.Errorf("response body larger than %d bytes", maxBodyBytes)

// bodyBuffer holds a response body while it is decoded. They are pooled:
// reading a page of runners then costs no allocation for the bytes.
type bodyBuffer struct{ b []byte }

var bodyBuffers = sync.Pool{New: func() any { return new(bodyBuffer) }}

// readBody reads a response body into a pooled buffer, refusing more than
// maxBodyBytes: at once when Content-Length says so, else once that much has
// been read. The buffer doubles as it fills, so a refused body costs about
// twice the cap in allocations, whatever its size. Call free when done.
func readBody(resp *http.Response) (*bodyBuffer, error) {
	buf := bodyBuffers.Get().(*bodyBuffer)
	if resp.ContentLength > maxBodyBytes {
		return buf, errBodyTooLarge
	}
	b := buf.b[:0]
	if n := int(resp.ContentLength); n >= 0 && cap(b) < n+1 {
		b = make([]byte, 0, n+1) // +1: EOF is seen without a last growth
	}
	for {
		if len(b) == cap(b) {
			if len(b) > maxBodyBytes {
				buf.b = b
				return buf, errBodyTooLarge
			}
			// Doubling, but never past the cap (+1 to see that a body is over it).
			b = append(make([]byte, 0, min(max(2*cap(b), 4096), maxBodyBytes+1)), b...)
		}
		n, err := resp.Body.Read(b[len(b):cap(b)])
		b = b[:len(b)+n]
		if err == io.EOF {
			break
		}
		if err != nil {
			buf.b = b
			return buf, err
		}
	}
	buf.b = b
	if len(b) > maxBodyBytes {
		return buf, errBodyTooLarge
	}
	return buf, nil
}

// Bytes returns the body read.
func (b *bodyBuffer) Bytes() []byte { return b.b }

// free returns the buffer to the pool, unless it grew too large to keep.
func (b *bodyBuffer) free() {
	if cap(b.b) <= 1<<20 {
		b.b = b.b[:0]
		bodyBuffers.Put(b)
	}
}

// decodeBody decodes the one JSON value in data into out, refusing an empty
// body, a JSON null (a value was promised), anything after the value, and a
// model with a null where GitHub always sends an object ([decodedChecker]).
func decodeBody(data []byte, out any) error {
	data = bytes.Trim(data, " \t\r\n") // JSON's white space; bytes.TrimSpace would also take \v, U+00A0, ...
	switch {
	case len(data) == 0:
		return errors.New("empty response body")
	case string(data) == "null":
		return errors.New("the response body is null where a value belongs")
	}
	if err := decodeJSON(data, out); err != nil {
		return err
	}
	if c, ok := out.(decodedChecker); ok {
		return c.checkDecoded()
	}
	return nil
}

// closeBody drains a little of what is left, so the connection can be
// reused, and closes the body.
func closeBody(body io.ReadCloser) {
	io.CopyN(io.Discard, body, 4<<10)
	body.Close()
}

// segment escapes one path segment, refusing what cannot be one: an empty
// string, or "." and "..", which a server or proxy may resolve against the
// path and so aim the request at another resource.
func segment(what, s string) (string, error) {
	switch s {
	case "":
		return "", invalidArgf("%s is empty", what)
	case ".", "..":
		return "", invalidArgf("%s %q is not a valid path segment", what, s)
	}
	return url.PathEscape(s), nil
}

// runnerPath is "actions/runners/{runner_id}" followed by more, already escaped.
func runnerPath(runnerID int64, more string) (string, error) {
	if runnerID <= 0 {
		return "", invalidArgf("runner ID must be positive, got %d", runnerID)
	}
	return "actions/runners/" + strconv.FormatInt(runnerID, 10) + more, nil
}

// Scope is what every scope offers: the self-hosted runner operations of one
// enterprise ([Client.Enterprise]), organization ([Client.Org]) or repository
// ([Client.Repo]). Methods may be added to it in later versions; a test double
// should embed the interface, or use the runnerstest package.
type Scope interface {
	ListRunners(ctx context.Context, opts *ListRunnersOptions) (*RunnerList, error)
	AllRunners(ctx context.Context, opts *ListRunnersOptions) iter.Seq2[*Runner, error]
	GetRunner(ctx context.Context, runnerID int64) (*Runner, error)
	DeleteRunner(ctx context.Context, runnerID int64) error
	ListRunnerApplications(ctx context.Context) ([]*RunnerApplication, error)
	CreateRegistrationToken(ctx context.Context) (*Token, error)
	CreateRemoveToken(ctx context.Context) (*Token, error)
	GenerateJITConfig(ctx context.Context, req *JITConfigRequest) (*JITConfig, error)
	ListLabels(ctx context.Context, runnerID int64) ([]*Label, error)
	AddLabels(ctx context.Context, runnerID int64, labels ...string) ([]*Label, error)
	SetLabels(ctx context.Context, runnerID int64, labels ...string) ([]*Label, error)
	RemoveAllLabels(ctx context.Context, runnerID int64) ([]*Label, error)
	RemoveLabel(ctx context.Context, runnerID int64, name string) ([]*Label, error)
	// GetRunnerDeprecation is on GitHub.com and GHE.com only: GitHub
	// Enterprise Server does not have it and answers 404 ([ErrNotFound]).
	GetRunnerDeprecation(ctx context.Context, version string) (*RunnerDeprecation, error)
	// ConfigURL is the scope's web address, which the runner's config.sh
	// --url wants; "" for a scope with a bad name.
	ConfigURL() string
}

// ScopeFromURL returns the scope a GitHub web URL names:
// https://github.com/octo-org (or .../orgs/octo-org) is the organization,
// https://github.com/octo-org/octo-repo (with or without .git) the repository,
// and https://github.com/enterprises/acme the enterprise; a trailing slash is
// allowed. On GitHub Enterprise Server and GHE.com the same shapes apply on the
// web host of the client's base URL (a client on a loopback base URL, such as
// a test fake, accepts any host). Anything else is [ErrInvalidArgument].
func (c *Client) ScopeFromURL(rawURL string) (Scope, error) {
	u, err := url.Parse(strings.TrimSpace(rawURL))
	if err != nil {
		return nil, invalidArgf("scope URL: %v", urlParseError(err))
	}
	if (u.Scheme != "https" && u.Scheme != "http") || u.User != nil || u.RawQuery != "" || u.Fragment != "" || u.ForceQuery {
		return nil, invalidArgf("scope URL %q: want http(s)://HOST/ORG, /OWNER/REPO or /enterprises/SLUG", u.Redacted())
	}
	if host := strings.ToLower(u.Host); host != c.webHost() && !isLoopback(c.baseURL.Hostname()) {
		return nil, invalidArgf("scope URL %q: host %s is not this client's GitHub host %s", u.Redacted(), host, c.webHost())
	}
	// One leading and one trailing slash: an empty segment is not a name.
	parts := strings.Split(strings.TrimSuffix(strings.TrimPrefix(u.Path, "/"), "/"), "/")
	var s Scope
	var bad error // a name the scope refuses, such as ".."
	switch {
	case len(parts) == 1 && parts[0] != "" && parts[0] != "orgs" && parts[0] != "enterprises":
		o := c.Org(parts[0])
		s, bad = o, o.err
	case len(parts) == 2 && parts[0] == "enterprises":
		e := c.Enterprise(parts[1])
		s, bad = e, e.err
	case len(parts) == 2 && parts[0] == "orgs":
		o := c.Org(parts[1])
		s, bad = o, o.err
	case len(parts) == 2 && parts[0] != "" && strings.TrimSuffix(parts[1], ".git") != "":
		r := c.Repo(parts[0], strings.TrimSuffix(parts[1], ".git"))
		s, bad = r, r.err
	default:
		return nil, invalidArgf("scope URL %q: want http(s)://HOST/ORG, /OWNER/REPO or /enterprises/SLUG", u.Redacted())
	}
	if bad != nil {
		return nil, bad
	}
	return s, nil
}

// urlParseError is what url.Parse said, without the URL it quotes: the URL
// may carry credentials (https://user:token@host/...).
func urlParseError(err error) error {
	var ue *url.Error
	if errors.As(err, &ue) {
		return ue.Err
	}
	return err
}

// webHost is the host (and port) people browse for this client's API:
// github.com for api.github.com, SUBDOMAIN.ghe.com for api.SUBDOMAIN.ghe.com,
// and the host itself for GitHub Enterprise Server.
func (c *Client) webHost() string {
	host := strings.ToLower(c.baseURL.Host)
	switch {
	case host == "api.github.com":
		return "github.com"
	case strings.HasPrefix(host, "api.") && strings.HasSuffix(host, ".ghe.com"):
		return strings.TrimPrefix(host, "api.")
	}
	return host
}

// ConfigURL returns the scope's web address, the one the runner's config.sh
// --url wants: https://github.com/octo-org for Org("octo-org") on GitHub.com,
// https://ghes.example.com/enterprises/acme for Enterprise("acme") on GitHub
// Enterprise Server, https://octo.ghe.com/octo-org/octo-repo for a repository
// on GHE.com. It is "" for a scope with a bad name.
func (s scope) ConfigURL() string {
	if s.err != nil {
		return ""
	}
	path := strings.TrimSuffix(s.c.baseURL.EscapedPath(), "api/v3/") // GHES serves the web at its root
	name := strings.TrimPrefix(strings.TrimPrefix(strings.TrimSuffix(s.prefix, "/"), "orgs/"), "repos/")
	return s.c.baseURL.Scheme + "://" + s.c.webHost() + path + name
}

// scope is the one implementation of every operation. The three services
// embed it and differ only in the path prefix it holds.
type scope struct {
	c      *Client
	prefix string // "orgs/octo-org/", escaped, ending in "/"
	err    error  // a bad scope name, returned by every operation before any request
}

// newScope builds the prefix kind/name[/name...] from names that must each be
// one non-empty path segment without "/".
func newScope(c *Client, kind string, names ...[2]string) scope {
	prefix := kind + "/"
	for _, n := range names {
		what, name := n[0], n[1]
		if strings.Contains(name, "/") {
			return scope{c: c, err: invalidArgf("%s %q contains '/'", what, name)}
		}
		seg, err := segment(what, name)
		if err != nil {
			return scope{c: c, err: err}
		}
		prefix += seg + "/"
	}
	return scope{c: c, prefix: prefix}
}

// String returns the scope's path prefix, such as "orgs/octo-org".
func (s scope) String() string { return strings.TrimSuffix(s.prefix, "/") }

// call sends a request for path, relative to the scope's prefix.
func (s scope) call(ctx context.Context, method, path string, q, body, out any) (*http.Response, error) {
	if s.err != nil {
		return nil, s.err
	}
	return s.c.call(ctx, method, s.prefix, path, q, body, out)
}

// Runner is a self-hosted runner.
type Runner struct {
	ID            int64        `json:"id"`
	RunnerGroupID int64        `json:"runner_group_id,omitempty"`
	Name          string       `json:"name"`
	OS            string       `json:"os"`
	Status        RunnerStatus `json:"status"`
	Busy          bool         `json:"busy"`
	Ephemeral     bool         `json:"ephemeral"`
	// Version of the runner software; empty until the runner has connected once.
	Version string   `json:"version,omitempty"`
	Labels  []*Label `json:"labels"`
}

// RunnerStatus is whether a runner is connected to GitHub.
type RunnerStatus string

// The runner statuses GitHub reports.
const (
	RunnerOnline  RunnerStatus = "online"
	RunnerOffline RunnerStatus = "offline"
)

// UnmarshalJSON decodes the known statuses to their constants without
// allocating a string for each runner of a page.
func (s *RunnerStatus) UnmarshalJSON(b []byte) error {
	switch string(b) {
	case `"online"`:
		*s = RunnerOnline
	case `"offline"`:
		*s = RunnerOffline
	default:
		return json.Unmarshal(b, (*string)(s))
	}
	return nil
}

// RunnerApplication is a download of the runner software for one platform.
type RunnerApplication struct {
	OS           string `json:"os"`
	Architecture string `json:"architecture"`
	DownloadURL  string `json:"download_url"`
	Filename     string `json:"filename"`
	// TempDownloadToken is a short-lived bearer token for DownloadURL, when
	// one is needed; fmt and slog show "[redacted]" instead.
	TempDownloadToken string `json:"temp_download_token,omitempty"`
	SHA256Checksum    string `json:"sha256_checksum,omitempty"`
}

// String describes the download without its temporary token, a bearer
// credential for DownloadURL.
func (a RunnerApplication) String() string {
	return fmt.Sprintf("runners.RunnerApplication{OS: %q, Architecture: %q, Filename: %q, DownloadURL: %q, TempDownloadToken: %s, SHA256Checksum: %q}",
		a.OS, a.Architecture, a.Filename, a.DownloadURL, redacted(a.TempDownloadToken), a.SHA256Checksum)
}

// Format prints [RunnerApplication.String] for every verb.
func (a RunnerApplication) Format(f fmt.State, verb rune) { formatRedacted(f, verb, a.String()) }

// LogValue is what slog logs for a download: everything but its temporary token.
func (a RunnerApplication) LogValue() slog.Value {
	return slog.GroupValue(slog.String("os", a.OS), slog.String("architecture", a.Architecture),
		slog.String("filename", a.Filename), slog.String("temp_download_token", redacted(a.TempDownloadToken)))
}

// GetRunner gets one self-hosted runner.
//
// GitHub docs: https://docs.github.com/rest/actions/self-hosted-runners#get-a-self-hosted-runner-for-an-organization
//
//	GET /{scope}/actions/runners/{runner_id}
func (s scope) GetRunner(ctx context.Context, runnerID int64) (*Runner, error) {
	path, err := runnerPath(runnerID, "")
	if err != nil {
		return nil, err
	}
	r := new(Runner)
	if _, err := s.call(ctx, http.MethodGet, path, nil, nil, r); err != nil {
		return nil, err
	}
	return r, nil
}

// DeleteRunner removes a self-hosted runner, for when its machine no longer
// exists. A runner that is still running a job is not removed: the error
// matches [ErrRunnerBusy].
//
// GitHub docs: https://docs.github.com/rest/actions/self-hosted-runners#delete-a-self-hosted-runner-from-an-organization
//
//	DELETE /{scope}/actions/runners/{runner_id}
func (s scope) DeleteRunner(ctx context.Context, runnerID int64) error {
	path, err := runnerPath(runnerID, "")
	if err != nil {
		return err
	}
	_, err = s.call(ctx, http.MethodDelete, path, nil, nil, nil)
	return err
}

// ListRunnerApplications lists the runner software downloads, one per
// platform.
//
// GitHub docs: https://docs.github.com/rest/actions/self-hosted-runners#list-runner-applications-for-an-organization
//
//	GET /{scope}/actions/runners/downloads
func (s scope) ListRunnerApplications(ctx context.Context) ([]*RunnerApplication, error) {
	var apps runnerApplications
	if _, err := s.call(ctx, http.MethodGet, "actions/runners/downloads", nil, nil, &apps); err != nil {
		return nil, err
	}
	return apps, nil
}

// RunnerDeprecation is the end-of-life schedule of one version of the runner
// software: when runners of that version can no longer register, and when
// they stop getting jobs.
type RunnerDeprecation struct {
	RunnerVersion string `json:"runner_version"`
	// RegistrationDeprecatesAt is when runners of this version can no longer
	// be registered; nil when none is scheduled (GitHub sends null, or leaves
	// the field out).
	RegistrationDeprecatesAt *time.Time `json:"registration_deprecates_at"`
	// RuntimeDeprecatesAt is when runners of this version stop getting jobs;
	// nil when none is scheduled.
	RuntimeDeprecatesAt *time.Time `json:"runtime_deprecates_at"`
}

// GetRunnerDeprecation gets the end-of-life schedule of a runner software
// version, such as "2.329.0". GitHub.com and GHE.com have it; GitHub
// Enterprise Server does not, and answers 404 ([ErrNotFound]), as GitHub.com
// does for a version it does not know.
//
// GitHub docs: https://docs.github.com/rest/actions/self-hosted-runners#get-runner-version-end-of-life-schedule-for-an-organization
//
//	GET /{scope}/actions/runners/deprecations/{version}
func (s scope) GetRunnerDeprecation(ctx context.Context, version string) (*RunnerDeprecation, error) {
	seg, err := segment("runner version", version)
	if err != nil {
		return nil, err
	}
	d := new(RunnerDeprecation)
	if _, err := s.call(ctx, http.MethodGet, "actions/runners/deprecations/"+seg, nil, nil, d); err != nil {
		return nil, err
	}
	return d, nil
}
