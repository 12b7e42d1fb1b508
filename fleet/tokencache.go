package fleet

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"sync"
	"time"

	"github.com/fleetkit/runners"
)

// TokenCacheOptions tunes [NewTokenCache]; nil means the defaults.
type TokenCacheOptions struct {
	// Margin is how much of its life a token must have left to be handed
	// out again: 30 minutes when 0, so a token handed out is good for at
	// least that long; negative is an error. GitHub's tokens live an hour.
	Margin time.Duration
	// Clock is what tells the time; nil is the real time.
	Clock runners.Clock
}

// TokenCache hands out registration tokens for one scope, making a new one
// only when the last has less than a margin of its hour left: machines that
// start often (pods, VMs) share one token instead of each asking GitHub.
// Concurrent callers share one request. It is safe for concurrent use, and
// what fmt and slog print of it never holds the token.
type TokenCache struct {
	s      runners.Scope
	margin time.Duration
	clock  runners.Clock
	err    error // a bad argument to NewTokenCache, returned by every Get

	mu      sync.Mutex
	tok     *runners.Token
	pending *tokenCall // the request in flight, if any
}

// tokenCall is one CreateRegistrationToken request, shared by the callers
// that wait for it.
type tokenCall struct {
	done chan struct{} // closed when tok and err are set
	tok  *runners.Token
	err  error
}

// NewTokenCache returns a cache of the registration tokens of s. A nil
// scope or bad options are reported by every [TokenCache.Get], as an error
// matching [runners.ErrInvalidArgument].
func NewTokenCache(s runners.Scope, opts *TokenCacheOptions) *TokenCache {
	var o TokenCacheOptions
	if opts != nil {
		o = *opts
	}
	c := &TokenCache{s: s, margin: o.Margin, clock: clockOr(o.Clock)}
	switch {
	case isNil(s):
		c.err = invalid("NewTokenCache", "the scope is nil")
	case o.Margin < 0:
		c.err = invalid("NewTokenCache", "the margin must not be negative, got %v", o.Margin)
	case o.Margin == 0:
		c.margin = 30 * time.Minute
	}
	return c
}

// Get returns a registration token with more than the cache's margin of life
// left: the cached one, or a new one from the scope's
// CreateRegistrationToken. Callers that ask while a request is in flight wait
// for it rather than send their own. Each caller gets its own copy of the
// token (whose map and slice are shared: do not change them).
//
// GitHub docs (enterprise, organization, repository):
// https://docs.github.com/enterprise-cloud@latest/rest/actions/self-hosted-runners#create-a-registration-token-for-an-enterprise,
// https://docs.github.com/rest/actions/self-hosted-runners#create-a-registration-token-for-an-organization,
// https://docs.github.com/rest/actions/self-hosted-runners#create-a-registration-token-for-a-repository
//
//	POST /{scope}/actions/runners/registration-token
func (c *TokenCache) Get(ctx context.Context) (*runners.Token, error) {
	const what = "TokenCache.Get"
	switch {
	case c == nil:
		return nil, invalid(what, "the cache is nil")
	case c.err != nil:
		return nil, c.err
	case ctx == nil:
		return nil, invalid(what, "the context is nil")
	}
	for {
		c.mu.Lock()
		now := c.clock.Now()
		if c.tok != nil && c.tok.ExpiresAt.Sub(now) > c.margin {
			tok := *c.tok
			c.mu.Unlock()
			return &tok, nil
		}
		if call := c.pending; call != nil {
			c.mu.Unlock()
			select {
			case <-call.done:
			case <-ctx.Done():
				return nil, fmt.Errorf("fleet: %s: waiting for a registration token: %w", what, ctx.Err())
			}
			if call.err == nil {
				tok := *call.tok
				return &tok, nil
			}
			if isContextError(call.err) && ctx.Err() == nil {
				continue // the caller that asked gave up; this one has not
			}
			return nil, call.err
		}
		call := &tokenCall{done: make(chan struct{})}
		c.pending = call
		c.mu.Unlock()

		call.tok, call.err = c.s.CreateRegistrationToken(ctx)
		if call.tok == nil && call.err == nil {
			call.err = fmt.Errorf("fleet: %s: the scope answered no token and no error", what)
		}
		c.mu.Lock()
		c.pending = nil
		if call.err == nil {
			c.tok = call.tok
		}
		c.mu.Unlock()
		close(call.done)
		if call.err != nil {
			return nil, call.err
		}
		tok := *call.tok
		return &tok, nil
	}
}

func isContextError(err error) bool {
	return errors.Is(err, context.Canceled) || errors.Is(err, context.DeadlineExceeded)
}

// Format prints the cache without its token, for every verb: fmt cannot call
// the token's own Format on the unexported field that holds it, and with a
// verb such as %s or %q it would print the token.
func (c *TokenCache) Format(f fmt.State, verb rune) {
	s := c.describe()
	if verb == 'q' {
		s = fmt.Sprintf("%q", s)
	}
	io.WriteString(f, s)
}

// LogValue is what slog logs for the cache: what Format prints.
func (c *TokenCache) LogValue() slog.Value { return slog.StringValue(c.describe()) }

// describe returns the cache's scope, margin and the expiry of its token.
func (c *TokenCache) describe() string {
	if c == nil {
		return "<nil>"
	}
	c.mu.Lock()
	expires := ""
	if c.tok != nil {
		expires = c.tok.ExpiresAt.Format(time.RFC3339)
	}
	c.mu.Unlock()
	return fmt.Sprintf("fleet.TokenCache{Scope: %v, Margin: %v, ExpiresAt: %q}", c.s, c.margin, expires)
}
