package runners

import (
	"fmt"
	"io"
	"net"
	"net/http"
	"net/url"
	"strings"
	"time"

	"golang.org/x/oauth2"
)

const (
	// Version is the version of this library, sent in the default User-Agent.
	Version = "0.2.0"

	defaultBaseURL   = "https://api.github.com/"
	defaultUserAgent = "fleetkit-runners/" + Version
	mediaType        = "application/vnd.github+json"
	cloudAPIVersion  = "2026-03-10" // api.github.com and *.ghe.com
	serverAPIVersion = "2022-11-28" // every other host: GitHub Enterprise Server before 3.21 knows only this one
)

// Client talks to GitHub's self-hosted runners API. Create one with
// [NewClient]; it is safe for concurrent use, and its scopes ([Client.Org],
// [Client.Repo], [Client.Enterprise]) are cheap values that share it.
type Client struct {
	base        string      // the normalised base URL, ending in "/"
	origin      origin      // the base URL's: credentials go there and nowhere else
	header      http.Header // Accept, X-GitHub-Api-Version, User-Agent: built once, shared by every request
	hc          *http.Client
	authed      bool
	retry       *RetryPolicy // nil: no retries
	cache       *etagCache   // nil: no conditional requests
	limits      *rateLimits  // the client's own view, shared by its copies (RateLimits)
	auth        authenticator
	observer    func(RequestInfo) // nil: none
	clock       Clock
	concurrency int // pages an All… iterator fetches at once; 0 or 1: one after another
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
	concurrency   int
	observer      func(RequestInfo)
}

// authFunc builds the authenticator once the client is configured. It gets
// the client, so that an authenticator that must call the API itself (a
// GitHub App's installation lookups and token exchanges) sends through the
// client's own pipeline (base URL, headers, transport, retries, observer),
// with a credential of its own; and the refresh margin (0 for the default).
type authFunc func(c *Client, refreshMargin time.Duration) (authenticator, error)

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
		return s.setAuth("WithToken", func(c *Client, _ time.Duration) (authenticator, error) {
			return &tokenAuth{source: ts, limits: c.limits}, nil
		})
	}
}

// WithTokenSource authenticates every request with a token from ts, asked
// again whenever the last one has expired.
func WithTokenSource(ts oauth2.TokenSource) Option {
	return func(s *settings) error {
		if ts == nil {
			return invalidArgf("WithTokenSource: the token source is nil")
		}
		return s.setAuth("WithTokenSource", func(c *Client, margin time.Duration) (authenticator, error) {
			reuse := oauth2.ReuseTokenSource(nil, ts) // renews 10 seconds before expiry
			if margin != 0 {
				reuse = oauth2.ReuseTokenSourceWithExpiry(nil, ts, margin)
			}
			return &tokenAuth{source: reuse, limits: c.limits}, nil
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
// cookie jar and redirect policy). hc itself is never modified. To trace or
// measure requests (OpenTelemetry's otelhttp, say), wrap the transport of the
// client given here.
func WithHTTPClient(hc *http.Client) Option {
	return func(s *settings) error {
		if hc == nil {
			return invalidArgf("WithHTTPClient: the client is nil")
		}
		s.hc = hc
		return nil
	}
}

// WithBaseURL points the client at another API host. The rules:
//
//   - https://github.com and https://api.github.com are GitHub.com's API,
//     https://api.github.com/ (the default).
//   - A GHE.com host, https://SUBDOMAIN.ghe.com or https://api.SUBDOMAIN.ghe.com,
//     becomes https://api.SUBDOMAIN.ghe.com/ (no /api/v3).
//   - Any other host is GitHub Enterprise Server: https://ghes.example.com
//     becomes https://ghes.example.com/api/v3/, unless the URL already ends in
//     /api/v3.
//   - Loopback hosts (127.0.0.1, localhost, [::1]) are used exactly as given,
//     plus a trailing slash, so tests and mocks work with any prefix.
//
// A URL with credentials, a query or a fragment is refused, and its query and
// fragment are never quoted in the error.
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

// WithPageConcurrency lets every All… iterator ([Scope.AllRunners], ...)
// fetch up to n pages at once, once the first page has told how many there
// are. 0 or 1 (the default) fetches them one after another, as GitHub asks of
// clients; more trades burst for speed. Items are yielded in order either way,
// at most n pages are held in memory, and no more requests are made than
// there are pages. A negative n is an error.
func WithPageConcurrency(n int) Option {
	return func(s *settings) error {
		if n < 0 {
			return invalidArgf("WithPageConcurrency: the concurrency must not be negative, got %d", n)
		}
		s.concurrency = n
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
	if s.apiVersion == "" {
		s.apiVersion = defaultAPIVersion(base.Hostname())
	}
	hc := http.Client{}
	if s.hc != nil {
		hc = *s.hc // a copy: the caller's client is never mutated
	}
	c := &Client{
		base: base.String(), origin: originOf(base),
		header: http.Header{
			"Accept":               {mediaType},
			"X-Github-Api-Version": {s.apiVersion},
			"User-Agent":           {s.userAgent},
		},
		hc: &hc, retry: s.retry, cache: s.cache, limits: &rateLimits{}, observer: s.observer, clock: s.clock, concurrency: s.concurrency,
	}
	if s.auth == nil {
		c.auth = &tokenAuth{limits: c.limits}
		return c, nil
	}
	if base.Scheme == "http" && !isLoopback(base.Hostname()) && !s.insecureHTTP {
		return nil, invalidArgf("%s would send the credentials of %s in clear text over http://; use https, or add WithInsecureHTTP() to allow it on purpose", base.Host, s.authOption)
	}
	// Every request carries its credential in its context; the transport
	// adds it for the client's own origin only, hop by hop.
	authedHC := hc
	authedHC.Transport = &authTransport{base: hc.Transport, origin: c.origin}
	c.hc, c.authed = &authedHC, true
	auth, err := s.auth(c, s.refreshMargin)
	if err != nil {
		return nil, err
	}
	c.auth = auth
	return c, nil
}

// BaseURL returns the normalised base URL every request path is relative to.
func (c *Client) BaseURL() string { return c.base }

// baseURL is the parsed base URL, for the rare callers that need its parts.
func (c *Client) baseURL() *url.URL {
	u, _ := url.Parse(c.base) // it parsed in NewClient
	return u
}

// Format prints the client's base URL and API version, never its credentials.
func (c *Client) Format(f fmt.State, verb rune) {
	if c == nil {
		io.WriteString(f, "<nil>")
		return
	}
	fmt.Fprintf(f, "runners.Client{BaseURL: %q, APIVersion: %q, Authenticated: %t}", c.base, c.header.Get("X-Github-Api-Version"), c.authed)
}

// normalizeBaseURL applies the base URL rules of [WithBaseURL].
func normalizeBaseURL(raw string) (*url.URL, error) {
	u, err := url.Parse(strings.TrimSpace(raw))
	if err != nil {
		return nil, invalidArgf("base URL: %v", urlParseError(err))
	}
	switch {
	case u.Scheme != "http" && u.Scheme != "https":
		return nil, invalidArgf("base URL %s: the scheme must be http or https", quoteURL(u))
	case u.Host == "" || u.Hostname() == "":
		return nil, invalidArgf("base URL %s: no host", quoteURL(u))
	case u.User != nil:
		return nil, invalidArgf("base URL %s: credentials in the URL are refused; use WithToken", quoteURL(u))
	case u.RawQuery != "" || u.Fragment != "" || u.ForceQuery:
		return nil, invalidArgf("base URL %s: a query or fragment is not allowed", quoteURL(u))
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
		return nil, invalidArgf("base URL %s: %v", quoteURL(u), urlParseError(err))
	}
	return res, nil
}

// onServer reports whether the client talks to GitHub Enterprise Server:
// a host that is neither GitHub.com's, nor GHE.com's, nor loopback (a test
// server plays GitHub.com).
func (c *Client) onServer() bool {
	host := c.baseURL().Hostname()
	return defaultAPIVersion(host) == serverAPIVersion && !isLoopback(host)
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
