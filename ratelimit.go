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

// rateLimits keeps the last RateLimit seen per resource. It is shared by
// the copies of a Client.
type rateLimits struct {
	mu   sync.Mutex
	last map[string]RateLimit
}

// observe records the rate-limit headers of a response, if it has them.
func (r *rateLimits) observe(h http.Header) {
	rl, ok := parseRateLimit(h)
	if !ok {
		return // most responses of a test server, say; nothing to record
	}
	if rl.Resource == "" {
		rl.Resource = "core"
	}
	r.mu.Lock()
	if r.last == nil {
		r.last = map[string]RateLimit{}
	}
	r.last[rl.Resource] = rl
	r.mu.Unlock()
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
func (c *Client) RateLimits() map[string]RateLimit {
	c.limits.mu.Lock()
	defer c.limits.mu.Unlock()
	out := make(map[string]RateLimit, len(c.limits.last))
	for k, v := range c.limits.last {
		out[k] = v
	}
	return out
}

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
