package runners

import (
	"cmp"
	"context"
	"errors"
	"math"
	"math/rand/v2"
	"slices"
	"strconv"
	"sync/atomic"
	"time"
)

// AppCredential is one GitHub App of a pool ([WithAppPool]).
type AppCredential struct {
	// Issuer is the App's Client ID or its App ID in decimal, as for [WithApp].
	Issuer string
	// PrivateKeyPEM is the App's private key, as for [WithApp].
	PrivateKeyPEM []byte
	// InstallationID, when not 0, is the installation used for every scope,
	// as with [WithAppInstallation]; 0 finds each scope's own, as [WithApp]
	// does.
	InstallationID int64
}

// WithAppPool authenticates as several GitHub Apps installed on the same
// scopes, to spread a fleet's requests over their budgets: GitHub gives each
// App installation its own hourly quota, and limits the bursts of each App.
// Each App works as with [WithApp] (or [WithAppInstallation] when its
// InstallationID is set).
//
// Each attempt of a request goes through the App with the most of its quota
// left for the request's scope, as GitHub last reported it: an App whose
// installation has not answered yet counts as full, and ties go round robin
// from a random start, so that processes started together do not all pick
// the same App. An App under a secondary rate limit is skipped until its
// Retry-After, or a minute, has passed; one whose quota is spent is skipped
// until its reset. When every App is cooling down, the one that is free
// first is used; when every quota is spent, the request is not sent (see
// [RetryPolicy.MaxResetWait]).
//
// A request refused with a rate limit goes out again at once through
// another free App when it is safe to repeat (every GET, PUT and DELETE, the
// registration and remove token POSTs), whether or not [WithRetry] is set;
// each App is tried once. A JIT config request never is: its error is
// returned, and the next one picks another App. [RequestInfo.App] says which
// App each attempt used; [Client.RateLimitsByCredential] reports each App's
// budgets.
//
// No App, or one whose issuer or key [WithApp] would refuse, a negative
// InstallationID, or the same issuer twice make [NewClient] fail with
// [ErrInvalidArgument].
func WithAppPool(apps ...AppCredential) Option {
	return func(s *settings) error {
		const name = "WithAppPool"
		if len(apps) == 0 {
			return invalidArgf("%s: no App given", name)
		}
		specs := make([]appSpec, len(apps))
		seen := map[string]int{}
		for i, ac := range apps {
			spec, err := newAppSpec(name+": App "+strconv.Itoa(i+1), ac.Issuer, ac.PrivateKeyPEM, ac.InstallationID)
			if err != nil {
				return err
			}
			if j, dup := seen[ac.Issuer]; dup {
				return invalidArgf("%s: Apps %d and %d are both %q", name, j+1, i+1, ac.Issuer)
			}
			seen[ac.Issuer] = i
			specs[i] = spec
		}
		return s.setAuth(name, appsAuth(specs...))
	}
}

// appsAuth is the auth of the App options: a pool of the Apps specs gives
// (one for WithApp and WithAppInstallation).
func appsAuth(specs ...appSpec) authFunc {
	return func(c *Client, margin time.Duration) (authenticator, error) {
		p := &appPool{apps: make([]*app, len(specs))}
		for i, spec := range specs {
			p.apps[i] = newApp(c, spec, margin)
		}
		p.next.Store(rand.Uint32N(uint32(len(specs)))) // the random start
		return p, nil
	}
}

// appPool is the authenticator of the App options: it picks an App for each
// attempt, and hands out that App's token for the request's scope.
type appPool struct {
	apps []*app
	next atomic.Uint32 // where the next pick starts looking, so that ties go round robin
}

func (p *appPool) credential(ctx context.Context, s scopeRef, avoid []*app) (*credential, error) {
	a := p.pick(s, avoid, p.apps[0].c.clock.Now())
	if a == nil {
		a = p.apps[0] // every App is avoided: invoke asks only after another said one is free
	}
	in, err := a.installationFor(ctx, s)
	if err != nil {
		return nil, err
	}
	return in.credential(ctx)
}

// pick returns the App with the best standing for scope s at now, of those
// not in avoid (nil when none is left).
func (p *appPool) pick(s scopeRef, avoid []*app, now time.Time) *app {
	n := uint32(len(p.apps))
	start := p.next.Add(1)
	var best *app
	var bestRank appRank
	for i := range n {
		a := p.apps[(start+i)%n]
		if slices.Contains(avoid, a) {
			continue
		}
		if rk := a.rank(s, now); best == nil || rk.better(bestRank) {
			best, bestRank = a, rk
		}
	}
	return best
}

func (p *appPool) another(s scopeRef, avoid []*app, now time.Time) bool {
	for _, a := range p.apps {
		if !slices.Contains(avoid, a) && a.rank(s, now).free {
			return true
		}
	}
	return false
}

func (p *appPool) rateLimits() []CredentialRateLimits {
	var out []CredentialRateLimits
	for _, a := range p.apps {
		if m := a.jwt.snapshot(); len(m) > 0 {
			out = append(out, CredentialRateLimits{App: a.issuer, RateLimits: m})
		}
		a.mu.Lock()
		ins := make([]*installation, 0, len(a.installations))
		for _, in := range a.installations {
			ins = append(ins, in)
		}
		a.mu.Unlock()
		for _, in := range ins {
			if m := in.limits.snapshot(); len(m) > 0 {
				out = append(out, CredentialRateLimits{App: a.issuer, InstallationID: in.id, RateLimits: m})
			}
		}
	}
	slices.SortFunc(out, func(x, y CredentialRateLimits) int {
		return cmp.Or(cmp.Compare(x.App, y.App), cmp.Compare(x.InstallationID, y.InstallationID))
	})
	return out
}

// appRank is an App's standing for one request: free Apps first, the one
// with the most quota left leading; then those cooling down after a
// secondary rate limit, and those whose quota is spent, each by when that
// ends.
type appRank struct {
	free      bool
	spent     bool      // when not free: the quota is spent (else it is cooling down)
	remaining int       // when free: the quota left, math.MaxInt when never reported
	until     time.Time // when not free: when that ends
}

func (x appRank) better(y appRank) bool {
	switch {
	case x.free != y.free:
		return x.free
	case x.free:
		return x.remaining > y.remaining
	case x.spent != y.spent:
		return !x.spent
	}
	return x.until.Before(y.until)
}

// rank is a's standing for scope s at now, as its installation for s last
// reported its budget (an installation not found yet counts as full).
func (a *app) rank(s scopeRef, now time.Time) appRank {
	rk := appRank{free: true, remaining: math.MaxInt}
	if in := a.known(s); in != nil {
		if st, ok := in.limits.state(budgetResource); ok {
			if st.spent && st.Reset.After(now) {
				return appRank{spent: true, until: st.Reset}
			}
			rk.remaining = st.Remaining
		}
	}
	if until := a.coolUntil.Load(); until != 0 && now.UnixNano() < until {
		return appRank{until: time.Unix(0, until)}
	}
	return rk
}

// cool starts the cooldown of cred's App after a secondary rate limit: a
// pool sends through its other Apps until it ends.
func (cred *credential) cool(err error, now time.Time) {
	var rl *RateLimitError
	if cred.app == nil || !errors.As(err, &rl) || !rl.Secondary {
		return
	}
	until := now.Add(secondaryMinWaitFor(rl)).UnixNano()
	for {
		old := cred.app.coolUntil.Load()
		if old >= until || cred.app.coolUntil.CompareAndSwap(old, until) {
			return
		}
	}
}
