package runners

import (
	"context"
	"iter"
	"net/http"
	"net/url"
	"strconv"
	"strings"
)

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
		return nil, invalidArgf("scope URL %s: want http(s)://HOST/ORG, /OWNER/REPO or /enterprises/SLUG", quoteURL(u))
	}
	if host := strings.ToLower(u.Host); host != c.webHost() && !isLoopback(c.baseURL().Hostname()) {
		return nil, invalidArgf("scope URL %s: the host is not this client's GitHub host %s", quoteURL(u), c.webHost())
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
		return nil, invalidArgf("scope URL %s: want http(s)://HOST/ORG, /OWNER/REPO or /enterprises/SLUG", quoteURL(u))
	}
	if bad != nil {
		return nil, bad
	}
	return s, nil
}

// webHost is the host (and port) people browse for this client's API:
// github.com for api.github.com, SUBDOMAIN.ghe.com for api.SUBDOMAIN.ghe.com,
// and the host itself for GitHub Enterprise Server.
func (c *Client) webHost() string {
	host := strings.ToLower(c.baseURL().Host)
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
	base := s.c.baseURL()
	path := strings.TrimSuffix(base.EscapedPath(), "api/v3/") // GHES serves the web at its root
	name := strings.TrimPrefix(strings.TrimPrefix(strings.TrimSuffix(s.prefix, "/"), "orgs/"), "repos/")
	return base.Scheme + "://" + s.c.webHost() + path + name
}

// scope is the one implementation of every operation. The three services
// embed it and differ only in the kind and path prefix it holds.
type scope struct {
	c      *Client
	kind   scopeKind
	prefix string // "orgs/octo-org/", escaped, ending in "/"
	err    error  // a bad scope name, returned by every operation before any request
}

// scopeKind is what a request is for: an enterprise, an organization or a
// repository, or none (a GitHub App's own endpoints, such as its token
// exchange). It knows its path prefix template, so that a request's
// template is the kind's and the operation's (opTemplates).
type scopeKind uint8

const (
	noScope scopeKind = iota
	enterpriseScope
	orgScope
	repoScope
)

var scopeKinds = [...]struct {
	segment  string // the first segment of the path prefix
	template string // GitHub's path template of the prefix
	name     string // RequestInfo.Scope
	lookup   string // the operation that finds a GitHub App's installation on the scope
}{
	noScope:         {},
	enterpriseScope: {"enterprises", "enterprises/{enterprise}/", "enterprise", "GetEnterpriseInstallation"},
	orgScope:        {"orgs", "orgs/{org}/", "org", "GetOrgInstallation"},
	repoScope:       {"repos", "repos/{owner}/{repo}/", "repo", "GetRepoInstallation"},
}

func (k scopeKind) template() string { return scopeKinds[k].template }
func (k scopeKind) String() string   { return scopeKinds[k].name }

// newScope builds the prefix kind/name[/name...] from names that must each be
// one non-empty path segment without "/".
func newScope(c *Client, kind scopeKind, names ...[2]string) scope {
	if c == nil {
		return scope{err: invalidArgf("the client is nil")}
	}
	prefix := scopeKinds[kind].segment + "/"
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
	return scope{c: c, kind: kind, prefix: prefix}
}

// pageConcurrency is how many pages the scope's All… iterators fetch at once
// ([WithPageConcurrency]).
func (s scope) pageConcurrency() int {
	if s.c == nil {
		return 0
	}
	return s.c.concurrency
}

// String returns the scope's path prefix, such as "orgs/octo-org".
func (s scope) String() string { return strings.TrimSuffix(s.prefix, "/") }

// send sends r, whose path is relative to the scope's prefix. A bad scope
// name fails every operation before anything is sent.
func (s scope) send(ctx context.Context, r *request) (*http.Response, error) {
	if s.err != nil {
		return nil, s.err
	}
	r.kind, r.prefix = s.kind, s.prefix
	return s.c.send(ctx, r)
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

// pathID is "/" and an ID, which must be > 0.
func pathID(what string, id int64) (string, error) {
	if id <= 0 {
		return "", invalidArgf("%s ID must be positive, got %d", what, id)
	}
	return "/" + strconv.FormatInt(id, 10), nil
}

// positiveIDs refuses a list with an ID that is not > 0.
func positiveIDs(what string, ids []int64) error {
	for i, id := range ids {
		if id <= 0 {
			return invalidArgf("%s ID at index %d must be positive, got %d", what, i, id)
		}
	}
	return nil
}
