package runners

import (
	"context"
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"sync/atomic"

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

// authTransport adds the Authorization header to requests for the client's own
// origin (scheme, host and port), and to no other: a redirect to another host,
// port or to plain http never carries a credential. The header is set on a
// copy of each request, hop by hop, never on the request the caller (or
// net/http's redirect logic, which copies headers to a redirect's target on
// the same host or a sub-domain) holds.
type authTransport struct {
	base   http.RoundTripper
	source oauth2.TokenSource // nil: only a credential carried by the request's context (withCredential)
	origin origin
	last   atomic.Pointer[authHeader] // the header value of the last token, reused while it lasts
}

type authHeader struct {
	token string
	value []string // {"Bearer " + token}
}

// credentialKey carries a credential for one request in its context: the
// GitHub App JWT of a token exchange, which must obey the origin rule too.
type credentialKey struct{}

// withCredential returns ctx carrying token for the requests made with it.
func withCredential(ctx context.Context, token string) context.Context {
	return context.WithValue(ctx, credentialKey{}, &authHeader{token: token, value: []string{"Bearer " + token}})
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

func (t *authTransport) RoundTrip(req *http.Request) (*http.Response, error) {
	base := t.base
	if base == nil {
		base = http.DefaultTransport
	}
	if !t.origin.owns(req.URL) {
		return base.RoundTrip(req) // another origin never gets a credential
	}
	h, err := t.header(req.Context())
	if err != nil {
		if req.Body != nil {
			req.Body.Close()
		}
		return nil, err
	}
	if h == nil {
		return base.RoundTrip(req)
	}
	// A RoundTripper must not modify the request: send a copy with its own
	// header map (the values, which nobody modifies, are shared).
	r2 := new(http.Request)
	*r2 = *req
	r2.Header = make(http.Header, len(req.Header)+1)
	for k, v := range req.Header {
		r2.Header[k] = v
	}
	r2.Header["Authorization"] = h.value
	return base.RoundTrip(r2)
}

// header is the Authorization value for a request made with ctx: the
// credential ctx carries, else the token source's current token.
func (t *authTransport) header(ctx context.Context) (*authHeader, error) {
	if h, ok := ctx.Value(credentialKey{}).(*authHeader); ok {
		return h, nil
	}
	if t.source == nil {
		return nil, nil
	}
	tok, err := tokenFor(ctx, t.source)
	if err != nil {
		return nil, fmt.Errorf("getting the auth token: %w", err)
	}
	h := t.last.Load()
	if h == nil || h.token != tok.AccessToken {
		h = &authHeader{token: tok.AccessToken, value: []string{"Bearer " + tok.AccessToken}}
		t.last.Store(h)
	}
	return h, nil
}
