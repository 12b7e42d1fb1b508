package runners

import (
	"context"
	"errors"
	"fmt"
	"math/rand/v2"
	"net/http"
	"time"
)

// RetryPolicy says when and how a failed request is sent again. A zero
// field takes the default in its comment.
//
// Only a request that is safe to repeat is retried: every GET, PUT and
// DELETE, and the registration, remove and App token POSTs. A JIT config
// request never is: a retry after a lost answer could meet the runner the
// first try created. Retried are transport errors (no response came back),
// 5xx responses, and secondary rate limits (after their Retry-After, or at
// least a minute as GitHub asks). A primary rate limit (the hourly quota) is
// waited out only when MaxResetWait allows the wait until its reset. Never
// retried: 401, 403 that is not a rate limit, 404, 409, 422, bad input, a
// failed GitHub App lookup or token exchange (each is a request of its own,
// retried as any other), and the end of the caller's context.
//
// A request is not sent while GitHub last reported the quota of its
// credential spent (X-RateLimit-Remaining: 0, with a reset to come): when
// MaxResetWait covers the time to the reset, and MaxWait allows it, it waits
// for the reset and is then sent, a JIT config request included, since it
// was never sent; otherwise, and without WithRetry, it fails at once with a
// [*RateLimitError] (Secondary false, Reset as reported, StatusCode 0).
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
// requests and failures qualify. Without it, nothing is retried. The waits go
// through the client's [Clock] ([WithClock]).
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

// invoke sends req, and sends it again while the retry policy allows and r
// is safe to repeat, as gax-go's invoke does. Each attempt first gets its
// credential (for a pool, the App with the most budget left) and is not
// sent while GitHub last reported that credential's quota spent: it waits
// for the reset when the policy allows it, and fails at once otherwise. A
// rate-limited request that is safe to repeat goes out again at once
// through another App of a pool, when one is free. The error of the last
// attempt says how many attempts were made.
func (c *Client) invoke(ctx context.Context, r *request, req *http.Request, slot *credentialSlot) (*http.Response, error) {
	var (
		waited    time.Duration // in all, toward MaxWait
		avoid     []*app        // the Apps that refused r with a rate limit since the last wait
		waitedFor *rateLimits   // the budget whose reset the last wait was for: not checked again
		sent      bool          // req's body has been read: rewind it before the next attempt
	)
	for n := 1; ; n++ {
		if sent {
			var err error
			if req, err = rewind(req); err != nil {
				return nil, err
			}
		}
		var out outcome
		cred, err := c.credentialFor(ctx, r, avoid)
		if err != nil {
			out.err = transportError(req, err) // nothing was sent
			c.report(r, n, nil, out, 0)
			if errors.As(err, new(*AppAuthError)) {
				// A GitHub App's lookup or exchange is a request of its own,
				// already retried as any other: final for this one.
				return nil, withAttempts(out.err, n)
			}
		} else {
			if cred.limits != waitedFor {
				if err := c.awaitBudget(ctx, r, req, n, cred, &waited); err != nil {
					return nil, err
				}
			}
			waitedFor = nil
			if slot != nil {
				slot.h = cred.header
			}
			out = c.observedAttempt(req, r, cred, n)
			if out.err == nil {
				return out.resp, nil
			}
			sent = true
		}

		var rl *RateLimitError
		limited := errors.As(out.err, &rl)
		if limited && cred != nil && cred.app != nil && r.idempotent {
			avoid = append(avoid, cred.app)
			if c.auth.another(r.scope(), avoid, c.clock.Now()) {
				continue // at once, through another App of the pool
			}
		}
		if c.retry == nil || !r.idempotent {
			return out.resp, withAttempts(out.err, n)
		}
		wait, ok := c.retry.backoff(n, out.err, c.clock.Now())
		if !ok || waited+wait > c.retry.MaxWait {
			return out.resp, withAttempts(out.err, n)
		}
		if serr := c.clock.Sleep(ctx, wait); serr != nil {
			return out.resp, waitError(req, "waiting to retry", n, serr, out.err)
		}
		waited += wait
		avoid = nil
		if limited && !rl.Secondary && cred != nil {
			waitedFor = cred.limits // the wait was for its reset
		}
	}
}

// awaitBudget holds attempt n of r while GitHub last reported the quota of
// cred spent: it waits for the reset when the retry policy allows the wait
// (adding it to waited), and otherwise returns the *RateLimitError of a
// request not sent.
func (c *Client) awaitBudget(ctx context.Context, r *request, req *http.Request, n int, cred *credential, waited *time.Duration) error {
	now := c.clock.Now()
	rl, spent := cred.limits.spent(budgetResource, now)
	if !spent {
		return nil
	}
	wait, ok := c.retry.resetWait(rl.Reset.Sub(now))
	if !ok || *waited+wait > c.retry.MaxWait {
		err := spentError(req, rl)
		withAttempts(err, n-1)
		c.report(r, n, cred, outcome{err: err}, 0)
		return err
	}
	if serr := c.clock.Sleep(ctx, wait); serr != nil {
		return waitError(req, "waiting for the rate limit's reset", n-1, serr, spentError(req, rl))
	}
	*waited += wait
	return nil
}

// observedAttempt is attempt n of r with cred, reported to the observer.
func (c *Client) observedAttempt(req *http.Request, r *request, cred *credential, n int) outcome {
	if c.observer == nil {
		return c.attempt(req, r, cred)
	}
	start := c.clock.Now()
	out := c.attempt(req, r, cred)
	c.report(r, n, cred, out, c.clock.Now().Sub(start))
	return out
}

// credentialFor returns the credential of the next attempt of r: its own
// (a GitHub App's JWT) or the one the client's authenticator picks.
func (c *Client) credentialFor(ctx context.Context, r *request, avoid []*app) (*credential, error) {
	if r.auth != nil {
		return r.auth, nil
	}
	return c.auth.credential(ctx, r.scope(), avoid)
}

// waitError is the error of a request whose wait (to retry, or for a
// reset) ended with ctx, after n attempts ended with err.
func waitError(req *http.Request, what string, n int, ctxErr, err error) *Error {
	return &Error{Method: req.Method, URL: req.URL.Redacted(), Message: what, Attempts: n, cause: fmt.Errorf("%w, after: %w", ctxErr, err)}
}

// withAttempts records on err's [*Error] that n attempts were made.
func withAttempts(err error, n int) error {
	var e *Error
	if n > 1 && errors.As(err, &e) {
		e.Attempts = n
	}
	return err
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
	switch {
	case errors.As(err, &rl) && rl.Secondary:
		return max(d, secondaryMinWaitFor(rl)), true
	case rl != nil: // primary: worth waiting only until a reset that is near enough
		return p.resetWait(rl.Wait(now))
	case transient(err):
		return d, true
	}
	return 0, false
}

// resetWait is the wait for a primary rate limit that resets untilReset
// from now, and whether p allows it: MaxResetWait must cover it. A nil p
// (no WithRetry) never waits.
func (p *RetryPolicy) resetWait(untilReset time.Duration) (time.Duration, bool) {
	if p == nil || p.MaxResetWait <= 0 || untilReset <= 0 || untilReset > p.MaxResetWait {
		return 0, false
	}
	return untilReset + time.Second, true // the reset is to the second
}

// transient reports whether err may go away by itself: a 5xx answer, or no
// answer at all for a reason other than the caller's context (a token
// source's failure included).
func transient(err error) bool {
	var e *Error
	if !errors.As(err, &e) {
		return false
	}
	switch {
	case e.StatusCode >= 500:
		return true
	case e.StatusCode != 0 || e.kind != nil || e.cause == nil || isContextError(e.cause):
		return false
	}
	return true
}

// secondaryMinWaitFor is the floor GitHub asks for after a secondary limit:
// its Retry-After when sent (0 included), else a minute.
func secondaryMinWaitFor(rl *RateLimitError) time.Duration {
	if rl.retryAfterSent() {
		return rl.RetryAfter
	}
	return secondaryMinWait
}

func isContextError(err error) bool {
	return errors.Is(err, context.Canceled) || errors.Is(err, context.DeadlineExceeded)
}
