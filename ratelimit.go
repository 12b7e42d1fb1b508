package runners

import (
	"context"
	"errors"
	"math/rand/v2"
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

// RetryPolicy says when and how a failed request is sent again. A zero
// field takes the default in its comment.
//
// Retried are: transport errors (no response), 5xx responses, and secondary
// rate limits (after their Retry-After, or at least a minute as GitHub asks),
// for GET, PUT and DELETE and the registration, remove and app token POSTs,
// whose repetition is harmless. A JIT config request is never retried: a
// retry after a lost answer could meet the runner the first try created. A
// primary rate limit (the hourly quota) is waited out only when MaxResetWait
// allows the wait until its reset.
type RetryPolicy struct {
	MaxAttempts int           // attempts in all, the first included; default 4
	BaseDelay   time.Duration // the first backoff; default 1s, doubling each attempt
	MaxDelay    time.Duration // the longest single backoff; default 30s
	MaxWait     time.Duration // the most time spent waiting in all; default 2m
	// MaxResetWait is the longest wait for a primary rate limit's reset that
	// is worth making; 0 never waits for it.
	MaxResetWait time.Duration
}

// secondaryMinWait is how long GitHub asks a client to wait after a
// secondary rate limit without Retry-After.
const secondaryMinWait = time.Minute

func (p RetryPolicy) withDefaults() RetryPolicy {
	if p.MaxAttempts <= 0 {
		p.MaxAttempts = 4
	}
	if p.BaseDelay <= 0 {
		p.BaseDelay = time.Second
	}
	if p.MaxDelay <= 0 {
		p.MaxDelay = 30 * time.Second
	}
	if p.MaxWait <= 0 {
		p.MaxWait = 2 * time.Minute
	}
	return p
}

// WithRetry retries failed requests as p says; see [RetryPolicy] for which
// requests and failures qualify. Without it, nothing is retried.
func WithRetry(p RetryPolicy) Option {
	return func(s *settings) error {
		if p.MaxAttempts < 0 || p.BaseDelay < 0 || p.MaxDelay < 0 || p.MaxWait < 0 || p.MaxResetWait < 0 {
			return invalidArgf("WithRetry: negative values are not allowed: %+v", p)
		}
		p = p.withDefaults()
		s.retry = &p
		return nil
	}
}

// retrySafe reports whether sending req again is harmless: every GET, PUT and
// DELETE, and the POSTs that only mint a token.
func retrySafe(req *http.Request) bool {
	switch req.Method {
	case http.MethodGet, http.MethodHead, http.MethodPut, http.MethodDelete:
		return true
	case http.MethodPost:
		p := req.URL.Path
		return strings.HasSuffix(p, "/registration-token") || strings.HasSuffix(p, "/remove-token") ||
			strings.HasSuffix(p, "/access_tokens")
	}
	return false
}

// backoff returns how long to wait before attempt n+1 after attempt n failed
// with err, and whether to retry at all.
func (p *RetryPolicy) backoff(n int, err error, now time.Time) (time.Duration, bool) {
	if n >= p.MaxAttempts {
		return 0, false
	}
	// Exponential with jitter: a random wait in [d/2, d], d = base * 2^(n-1).
	// BaseDelay<<(n-1) <= MaxDelay is tested as BaseDelay <= MaxDelay>>(n-1),
	// which cannot overflow.
	d := p.MaxDelay
	if p.BaseDelay <= p.MaxDelay>>(n-1) {
		d = p.BaseDelay << (n - 1)
	}
	d = d/2 + rand.N(d/2+1)

	var rl *RateLimitError
	var apiErr *Error
	switch {
	case errors.As(err, &rl) && rl.Secondary:
		return max(d, secondaryMinWaitFor(rl)), true
	case rl != nil: // primary: worth waiting only until a reset that is near enough
		wait := rl.Wait(now)
		if p.MaxResetWait <= 0 || wait <= 0 || wait > p.MaxResetWait {
			return 0, false
		}
		return wait + time.Second, true // the reset is to the second
	case errors.As(err, &apiErr) && apiErr.StatusCode >= 500:
		return d, true
	case apiErr != nil && apiErr.StatusCode == 0 && apiErr.kind == nil && !isContextError(apiErr.cause):
		return d, true // no response came back
	}
	return 0, false
}

// secondaryMinWaitFor is the floor GitHub asks for after a secondary limit:
// its Retry-After when sent, else a minute.
func secondaryMinWaitFor(rl *RateLimitError) time.Duration {
	if rl.RetryAfter > 0 {
		return rl.RetryAfter
	}
	return secondaryMinWait
}

func isContextError(err error) bool {
	return errors.Is(err, context.Canceled) || errors.Is(err, context.DeadlineExceeded)
}
