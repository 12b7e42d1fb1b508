package runners

import (
	"context"
	"errors"
	"strconv"
	"sync/atomic"
)

// WithApp authenticates as a GitHub App without naming an installation:
// issuer is the App's Client ID ("Iv23li...", GitHub's recommendation for
// the JWT's "iss", sent as a string) or its numeric App ID in decimal (sent
// as a number), and privateKeyPEM its private key as [WithAppInstallation]
// takes it. One client then serves every organization, repository and
// enterprise the App is installed on: c.Org("a") and c.Org("b") just work.
//
// The installation of each scope is found on first use, with the App's JWT,
// and kept; then its token is exchanged, cached and renewed as with
// [WithAppInstallation]. An organization and its repositories share an
// installation, and so one token. Concurrent callers share one lookup per
// scope and one exchange per installation. A scope the App is not installed
// on fails the call with [ErrNotFound] (an [*AppAuthError] at step
// "installation" inside it), and nothing is sent to the scope's endpoint; the
// next call looks again.
//
// The enterprise lookup is GitHub.com's and GHE.com's (GitHub Enterprise
// Cloud); GitHub Enterprise Server has none, so there an enterprise scope
// fails with [ErrInvalidArgument] before anything is sent: use
// [WithAppInstallation] with the enterprise installation's ID.
//
// An empty issuer, one that is neither a positive decimal number nor a
// Client ID (letters, digits, '.', '_' and '-', a letter among them), and a
// key that does not parse make [NewClient] fail with [ErrInvalidArgument].
// [WithAppPool] spreads the requests over several Apps.
//
// GitHub docs:
//   - enterprise: https://docs.github.com/enterprise-cloud@latest/rest/apps/apps#get-an-enterprise-installation-for-the-authenticated-app
//   - organization: https://docs.github.com/rest/apps/apps#get-an-organization-installation-for-the-authenticated-app
//   - repository: https://docs.github.com/rest/apps/apps#get-a-repository-installation-for-the-authenticated-app
//
// Endpoints:
//
//	GET /enterprises/{enterprise}/installation
//	GET /orgs/{org}/installation
//	GET /repos/{owner}/{repo}/installation
//	POST /app/installations/{installation_id}/access_tokens
func WithApp(issuer string, privateKeyPEM []byte) Option {
	return func(s *settings) error {
		spec, err := newAppSpec("WithApp", issuer, privateKeyPEM, 0)
		if err != nil {
			return err
		}
		return s.setAuth("WithApp", appsAuth(spec))
	}
}

// newAppSpec checks the issuer, key and installation ID of an App for the
// option name.
func newAppSpec(name, issuer string, privateKeyPEM []byte, installationID int64) (appSpec, error) {
	var spec appSpec
	switch {
	case issuer == "":
		return spec, invalidArgf("%s: the issuer is empty; give the App's Client ID or its App ID", name)
	case isDecimal(issuer):
		id, err := strconv.ParseInt(issuer, 10, 64)
		if err != nil || id <= 0 {
			return spec, invalidArgf("%s: the App ID %q is not a positive 64-bit number", name, cleanText(issuer, maxMessage))
		}
		spec.appID = id
	case !isClientID(issuer):
		return spec, invalidArgf("%s: the issuer %q is neither an App ID nor a Client ID (letters, digits, '.', '_', '-')", name, cleanText(issuer, maxMessage))
	default:
		spec.clientID = issuer
	}
	if installationID < 0 {
		return spec, invalidArgf("%s: the installation ID must be positive, got %d", name, installationID)
	}
	key, err := appPrivateKey(name, privateKeyPEM)
	if err != nil {
		return spec, err
	}
	spec.installationID, spec.key, spec.pub = installationID, key, &key.PublicKey
	return spec, nil
}

func isDecimal(s string) bool {
	for _, c := range []byte(s) {
		if c < '0' || c > '9' {
			return false
		}
	}
	return s != ""
}

// isClientID reports whether s is shaped like a GitHub App's Client ID
// ("Iv23li8oRCTeUHzUE6bC", "Iv1.8a61f9b3a7aba766"): letters, digits, '.',
// '_' and '-', a letter among them.
func isClientID(s string) bool {
	letter := false
	for _, c := range []byte(s) {
		switch {
		case 'a' <= c && c <= 'z', 'A' <= c && c <= 'Z':
			letter = true
		case '0' <= c && c <= '9', c == '.', c == '_', c == '-':
		default:
			return false
		}
	}
	return letter && len(s) <= 100
}

// scopeInstallation is what an App knows of one scope's installation.
type scopeInstallation struct {
	found atomic.Pointer[installation] // nil until the lookup answered
	// sem is held across the lookup, so concurrent callers share one; a
	// waiting caller can give up on it when its context ends.
	sem chan struct{}
}

// known returns the installation of scope s if it is known, without
// looking it up.
func (a *app) known(s scopeRef) *installation {
	if a.fixed != nil {
		return a.fixed
	}
	a.mu.Lock()
	si := a.scopes[s.prefix]
	a.mu.Unlock()
	if si == nil {
		return nil
	}
	return si.found.Load()
}

// installationFor returns the installation of scope s, looking it up on
// first use.
func (a *app) installationFor(ctx context.Context, s scopeRef) (*installation, error) {
	if a.fixed != nil {
		return a.fixed, nil
	}
	switch {
	case s.kind == noScope:
		return nil, a.fail("installation", 0, "", errors.New("the request is for no scope"))
	case s.kind == enterpriseScope && a.c.onServer():
		return nil, a.fail("installation", 0, s.prefix, invalidArgf(
			"GitHub Enterprise Server has no enterprise installation lookup; give the installation's ID with WithAppInstallation"))
	}
	a.mu.Lock()
	si := a.scopes[s.prefix]
	if si == nil {
		si = &scopeInstallation{sem: make(chan struct{}, 1)}
		a.scopes[s.prefix] = si
	}
	a.mu.Unlock()
	if in := si.found.Load(); in != nil {
		return in, nil
	}
	select {
	case si.sem <- struct{}{}:
	case <-ctx.Done():
		return nil, a.fail("installation", 0, s.prefix, ctx.Err())
	}
	defer func() { <-si.sem }()
	if in := si.found.Load(); in != nil {
		return in, nil // another caller's lookup
	}
	id, err := a.lookup(ctx, s)
	if err != nil {
		return nil, err
	}
	in := a.installation(id)
	si.found.Store(in)
	return in, nil
}

// lookup asks GitHub for the App's installation on scope s.
//
// GitHub docs:
//   - enterprise: https://docs.github.com/enterprise-cloud@latest/rest/apps/apps#get-an-enterprise-installation-for-the-authenticated-app
//   - organization: https://docs.github.com/rest/apps/apps#get-an-organization-installation-for-the-authenticated-app
//   - repository: https://docs.github.com/rest/apps/apps#get-a-repository-installation-for-the-authenticated-app
//
// Endpoints:
//
//	GET /enterprises/{enterprise}/installation
//	GET /orgs/{org}/installation
//	GET /repos/{owner}/{repo}/installation
func (a *app) lookup(ctx context.Context, s scopeRef) (int64, error) {
	jwt, err := a.jwtCredential(a.c.clock.Now())
	if err != nil {
		return 0, a.fail("jwt", 0, s.prefix, err)
	}
	ctx, cancel := context.WithTimeout(ctx, appExchangeTimeout)
	defer cancel()
	var out struct {
		ID int64 `json:"id"`
	}
	r := get(scopeKinds[s.kind].lookup, "installation", &out)
	r.kind, r.prefix, r.credential, r.auth = s.kind, s.prefix, true, jwt // its answer picks the token: from our own origin only
	resp, err := a.c.send(ctx, r)
	switch {
	case err != nil:
		return 0, a.fail("installation", 0, s.prefix, err)
	case out.ID <= 0:
		return 0, a.fail("installation", 0, s.prefix, decodeError(resp.Request, resp, errors.New(`the response has no positive "id"`)))
	}
	return out.ID, nil
}
