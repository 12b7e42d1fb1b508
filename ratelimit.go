package runners

import (
	"net/http"
	"strconv"
	"strings"
	"sync"
	"time"
)

// RateLimit is the state of one rate-limit resource ("core" for the runner
// endpoints), as GitHub last reported it in X-RateLimit-* headers.
type RateLimit struct {
	Resource  string    // X-RateLimit-Resource
	Limit     int       // requests allowed per window
	Remaining int       // requests left in this window
	Used      int       // requests used in this window
	Reset     time.Time // when the window resets
}

// rateLimits keeps the last RateLimit seen per resource for one credential
// (or, Client.limits, for the client's own credentials together).
type rateLimits struct {
	mu   sync.Mutex
	last map[string]limitState
}

// limitState is a RateLimit as GitHub reported it, and whether it said the
// quota is spent until Reset.
type limitState struct {
	RateLimit
	spent bool // X-RateLimit-Remaining: 0 was sent, with a reset time
}

// readRateLimit reads a response's rate-limit headers; ok reports that it
// had them (a numeric X-RateLimit-Limit). The resource is "core" when the
// response names none.
func readRateLimit(h http.Header) (st limitState, ok bool) {
	rl, ok := parseRateLimit(h)
	if !ok {
		return st, false // most responses of a test server, say; nothing to record
	}
	if rl.Resource == "" {
		rl.Resource = "core"
	}
	return limitState{rl, h.Get("X-Ratelimit-Remaining") == "0" && !rl.Reset.IsZero()}, true
}

func (r *rateLimits) record(st limitState) {
	r.mu.Lock()
	if r.last == nil {
		r.last = map[string]limitState{}
	}
	r.last[st.Resource] = st
	r.mu.Unlock()
}

// state returns the last state of resource.
func (r *rateLimits) state(resource string) (limitState, bool) {
	r.mu.Lock()
	defer r.mu.Unlock()
	st, ok := r.last[resource]
	return st, ok
}

// spent returns the rate limit of resource when GitHub last reported its
// quota spent until a reset that is still to come at now.
func (r *rateLimits) spent(resource string, now time.Time) (RateLimit, bool) {
	st, _ := r.state(resource)
	return st.RateLimit, st.spent && st.Reset.After(now)
}

// snapshot returns a copy of the last rate limits, by resource.
func (r *rateLimits) snapshot() map[string]RateLimit {
	r.mu.Lock()
	defer r.mu.Unlock()
	out := make(map[string]RateLimit, len(r.last))
	for k, v := range r.last {
		out[k] = v.RateLimit
	}
	return out
}

// budgetResource is the rate-limit resource every request of this library
// counts against: the runner and runner group endpoints, and a GitHub App's
// installation lookups and token exchanges, are all "core".
const budgetResource = "core"

// recordRateLimit records the rate limit a response reported for cred, and
// returns it (zero when the response had none). The client's own view
// ([Client.RateLimits]) follows every credential but a GitHub App's JWT.
func (c *Client) recordRateLimit(cred *credential, h http.Header) RateLimit {
	st, ok := readRateLimit(h)
	if !ok {
		return RateLimit{}
	}
	cred.limits.record(st)
	if cred.limits != c.limits && !cred.isAppJWT() {
		c.limits.record(st)
	}
	return st.RateLimit
}

// spentError is the error of a request that was not sent: GitHub last
// reported the quota of its credential spent until rl.Reset.
func spentError(req *http.Request, rl RateLimit) *RateLimitError {
	return &RateLimitError{
		Limit: rl.Limit, Remaining: rl.Remaining, Used: rl.Used, Resource: rl.Resource, Reset: rl.Reset,
		Err: &Error{Method: req.Method, URL: req.URL.Redacted(), kind: ErrRateLimited,
			Message: "not sent: GitHub reported the " + rl.Resource + " quota of this credential spent"},
	}
}

// parseRateLimit reads the X-RateLimit-* headers, each that is sent; ok
// reports a numeric X-RateLimit-Limit. Resource is as sent (possibly "");
// Reset is zero unless a positive Unix time was sent.
func parseRateLimit(h http.Header) (rl RateLimit, ok bool) {
	// Canonical keys ("X-Ratelimit-..."): Get does not allocate for them.
	v := h.Get("X-Ratelimit-Limit")
	if v == "" && h.Get("X-Ratelimit-Remaining") == "" {
		return rl, false // no rate-limit headers at all: the common case of a test server
	}
	var err error
	rl.Limit, err = strconv.Atoi(v)
	ok = err == nil
	rl.Resource = h.Get("X-Ratelimit-Resource")
	rl.Remaining, _ = strconv.Atoi(h.Get("X-Ratelimit-Remaining"))
	rl.Used, _ = strconv.Atoi(h.Get("X-Ratelimit-Used"))
	if reset, err := strconv.ParseInt(h.Get("X-Ratelimit-Reset"), 10, 64); err == nil && reset > 0 {
		rl.Reset = time.Unix(reset, 0)
	}
	return rl, ok
}

// RateLimits returns the rate limits GitHub reported on the client's latest
// responses, by resource (the runner endpoints count against "core"). It is
// empty before the first response that carried X-RateLimit-* headers.
//
// A client with one credential reports that credential's budget. A client
// with several ([WithApp] on several installations, [WithAppPool]) reports,
// per resource, the last answer to any of its installation tokens;
// [Client.RateLimitsByCredential] has each credential's own, the Apps' JWTs
// included.
func (c *Client) RateLimits() map[string]RateLimit { return c.limits.snapshot() }

// CredentialRateLimits is the rate-limit budget GitHub keeps for one
// credential of a client, as it last reported it.
type CredentialRateLimits struct {
	// App is the issuer of the GitHub App the credential belongs to (its
	// Client ID, or its App ID in decimal); "" for a token ([WithToken],
	// [WithTokenSource]) or no credentials.
	App string
	// InstallationID is the installation whose token it is; 0 for an App's
	// JWT (its installation lookups and token exchanges) and for a token.
	InstallationID int64
	RateLimits     map[string]RateLimit // by resource
}

// RateLimitsByCredential returns the rate limits GitHub last reported for
// each credential of the client that has had an answer with X-RateLimit-*
// headers: one entry for a token, and for GitHub Apps one per App JWT and
// per installation token, sorted by App and installation ID. GitHub counts
// each against its own budget; a pool ([WithAppPool]) sends each request
// through the App with the most left.
func (c *Client) RateLimitsByCredential() []CredentialRateLimits { return c.auth.rateLimits() }

// classifyRateLimit classifies a 403 or 429 the way GitHub documents its
// limits: X-RateLimit-Remaining: 0 is the primary limit (the quota is spent
// until X-RateLimit-Reset), whatever else the answer says; otherwise a
// secondary limit names itself in the message or documentation URL, or comes
// as a 429 or with Retry-After. Anything else is not a rate limit (nil).
func classifyRateLimit(e *Error, h http.Header, now time.Time) *RateLimitError {
	code := e.StatusCode
	if code != http.StatusForbidden && code != http.StatusTooManyRequests {
		return nil
	}
	doc, msg := strings.ToLower(e.DocumentationURL), strings.ToLower(e.Message)
	namedSecondary := strings.Contains(doc, "secondary-rate-limits") || strings.Contains(doc, "abuse-rate-limits") ||
		strings.Contains(msg, "secondary rate limit")
	exhausted := h.Get("X-RateLimit-Remaining") == "0"
	retryAfter, hasRetryAfter := parseRetryAfter(h.Get("Retry-After"), now)
	var secondary bool
	switch {
	case exhausted:
		// The quota is spent, whatever the message says: do not send again
		// before X-RateLimit-Reset (GitHub's docs, go-github and PyGithub agree).
		secondary = false
	case namedSecondary, code == http.StatusTooManyRequests || hasRetryAfter:
		secondary = true
	default:
		return nil
	}
	e.kind = ErrRateLimited
	lim, _ := parseRateLimit(h)
	return &RateLimitError{
		Limit: lim.Limit, Remaining: lim.Remaining, Used: lim.Used, Resource: lim.Resource, Reset: lim.Reset,
		Secondary: secondary, RetryAfter: retryAfter, hasRetryAfter: hasRetryAfter, Err: e,
	}
}

// parseRetryAfter reads Retry-After as seconds or as an HTTP date.
func parseRetryAfter(v string, now time.Time) (time.Duration, bool) {
	v = strings.TrimSpace(v)
	if v == "" {
		return 0, false
	}
	if secs, err := strconv.ParseInt(v, 10, 64); err == nil {
		if secs < 0 || secs > int64(24*time.Hour/time.Second) {
			return 0, false
		}
		return time.Duration(secs) * time.Second, true
	}
	if t, err := http.ParseTime(v); err == nil {
		return max(t.Sub(now), 0), true
	}
	return 0, false
}
