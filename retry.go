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
// refused GitHub App token exchange, and the end of the caller's context.
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
// is safe to repeat, as gax-go's invoke does. The error of the last attempt
// says how many attempts were made.
func (c *Client) invoke(ctx context.Context, r *request, req *http.Request) (*http.Response, error) {
	if c.retry == nil || !r.idempotent {
		return c.attempt(req, r)
	}
	var waited time.Duration
	for n := 1; ; n++ {
		resp, err := c.attempt(req, r)
		if err == nil {
			return resp, nil
		}
		wait, ok := c.retry.backoff(n, err, c.clock.Now())
		if !ok || waited+wait > c.retry.MaxWait {
			return resp, withAttempts(err, n)
		}
		if serr := c.clock.Sleep(ctx, wait); serr != nil {
			return resp, &Error{Method: req.Method, URL: req.URL.Redacted(), Message: "waiting to retry",
				Attempts: n, cause: fmt.Errorf("%w, after: %w", serr, err)}
		}
		waited += wait
		if req, err = rewind(req); err != nil {
			return nil, err
		}
	}
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
		wait := rl.Wait(now)
		if p.MaxResetWait <= 0 || wait <= 0 || wait > p.MaxResetWait {
			return 0, false
		}
		return wait + time.Second, true // the reset is to the second
	case transient(err):
		return d, true
	}
	return 0, false
}

// transient reports whether err may go away by itself: a 5xx answer, or no
// answer at all for a reason other than the caller's context. The failure
// behind a failed credential (a GitHub App token exchange) decides for it: a
// refused exchange (401, say) is final, an exchange that got no answer is not.
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
	var auth *AppAuthError
	if errors.As(e.cause, &auth) {
		return auth.Step == "exchange" && transient(auth.Err)
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
