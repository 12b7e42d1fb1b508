package runners

import (
	"context"
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"sync/atomic"
	"time"

	"golang.org/x/oauth2"
)

// origin is a URL's scheme, host and port: the unit a credential is bound to.
type origin struct{ scheme, host string } // lower case; host without a default port

func originOf(u *url.URL) origin {
	scheme, host := strings.ToLower(u.Scheme), strings.ToLower(u.Host)
	switch {
	case scheme == "https" && strings.HasSuffix(host, ":443"):
		host = strings.TrimSuffix(host, ":443")
	case scheme == "http" && strings.HasSuffix(host, ":80"):
		host = strings.TrimSuffix(host, ":80")
	}
	return origin{scheme, host}
}

func (o origin) owns(u *url.URL) bool { return originOf(u) == o }

// credential is what one attempt of a request is sent with: its
// Authorization header and the rate-limit budget GitHub keeps for it.
type credential struct {
	header *authHeader // nil sends none
	limits *rateLimits // what GitHub last reported for this credential
	// app is the GitHub App whose credential this is (an installation
	// token, or its JWT when installationID is 0); nil for a token.
	app            *app
	installationID int64
}

// isAppJWT says cred is a GitHub App's JWT, which only its own requests use.
func (cred *credential) isAppJWT() bool { return cred.app != nil && cred.installationID == 0 }

// authHeader is an Authorization value, built once per token.
type authHeader struct {
	token string
	value []string // {"Bearer " + token}
}

func newAuthHeader(token string) *authHeader {
	return &authHeader{token: token, value: []string{"Bearer " + token}}
}

// authenticator picks the credential of each attempt: the client's token
// (tokenAuth), or an installation token of one of its GitHub Apps
// (appPool).
type authenticator interface {
	// credential returns the credential for the next attempt of a request
	// for scope s, using none of the Apps in avoid (they refused it with a
	// rate limit).
	credential(ctx context.Context, s scopeRef, avoid []*app) (*credential, error)
	// another reports whether a credential other than those of the Apps in
	// avoid could send a request for s now: one not cooling down after a
	// secondary rate limit, whose quota is not spent.
	another(s scopeRef, avoid []*app, now time.Time) bool
	// rateLimits is [Client.RateLimitsByCredential].
	rateLimits() []CredentialRateLimits
}

// tokenAuth is the authenticator of WithToken and WithTokenSource (source
// set), and of a client without credentials (source nil).
type tokenAuth struct {
	source oauth2.TokenSource
	limits *rateLimits                // the client's
	last   atomic.Pointer[credential] // the credential of the last token, reused while it lasts
}

func (a *tokenAuth) credential(context.Context, scopeRef, []*app) (*credential, error) {
	if a.source == nil {
		if c := a.last.Load(); c != nil {
			return c, nil
		}
		c := &credential{limits: a.limits}
		a.last.Store(c)
		return c, nil
	}
	tok, err := a.source.Token()
	if err != nil {
		return nil, fmt.Errorf("getting the auth token: %w", err)
	}
	if c := a.last.Load(); c != nil && c.header.token == tok.AccessToken {
		return c, nil
	}
	c := &credential{header: newAuthHeader(tok.AccessToken), limits: a.limits}
	a.last.Store(c)
	return c, nil
}

func (*tokenAuth) another(scopeRef, []*app, time.Time) bool { return false }

func (a *tokenAuth) rateLimits() []CredentialRateLimits {
	if m := a.limits.snapshot(); len(m) > 0 {
		return []CredentialRateLimits{{RateLimits: m}}
	}
	return nil
}

// credentialKey is the context key of a request's *credentialSlot.
type credentialKey struct{}

// credentialSlot is the context of a request: its caller's, plus the
// Authorization header of its current attempt (one allocation where
// context.WithValue and a slot would make two). The pipeline sets h before
// each attempt (a retry may go out with another credential), and the auth
// transport reads it on each hop of that attempt, on the same goroutine:
// http.Client.Do calls the transport before it returns.
type credentialSlot struct {
	context.Context
	h *authHeader
}

// Value returns the slot itself for credentialKey, and the caller's
// context's values for every other key.
func (s *credentialSlot) Value(key any) any {
	if key == (credentialKey{}) {
		return s
	}
	return s.Context.Value(key)
}

// authTransport adds the Authorization header to requests for the client's own
// origin (scheme, host and port), and to no other: a redirect to another host,
// port or to plain http never carries a credential. The header is set on a
// copy of each request, hop by hop, never on the request the caller (or
// net/http's redirect logic, which copies headers to a redirect's target on
// the same host or a sub-domain) holds.
type authTransport struct {
	base   http.RoundTripper
	origin origin
}

func (t *authTransport) RoundTrip(req *http.Request) (*http.Response, error) {
	base := t.base
	if base == nil {
		base = http.DefaultTransport
	}
	slot, _ := req.Context().Value(credentialKey{}).(*credentialSlot)
	if slot == nil || slot.h == nil || !t.origin.owns(req.URL) {
		return base.RoundTrip(req) // another origin never gets a credential
	}
	// A RoundTripper must not modify the request: send a copy with its own
	// header map (the values, which nobody modifies, are shared).
	r2 := new(http.Request)
	*r2 = *req
	r2.Header = make(http.Header, len(req.Header)+1)
	for k, v := range req.Header {
		r2.Header[k] = v
	}
	r2.Header["Authorization"] = slot.h.value
	return base.RoundTrip(r2)
}
