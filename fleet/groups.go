package fleet

import (
	"context"
	"errors"
	"fmt"
	"reflect"
	"slices"
	"sync"
	"time"

	"github.com/fleetkit/runners"
)

// This file is what runner managers write by hand around runner groups: the
// name → ID lookup a JIT config needs (FindRunnerGroup, GroupCache), and a
// read-modify-write update (ModifyRunnerGroup).

// FindRunnerGroup returns the runner group of g named exactly name (case
// and all), such as the group a JIT runner config must name by ID
// ([runners.JITConfigRequest] RunnerGroupID). It asks for 100 groups a page,
// so one request finds it among up to 100 groups; a further page is asked
// for only while the name has not been found. At organization scope the
// list holds the enterprise's groups the organization may use too; when two
// groups share the name, the first GitHub lists wins.
//
// An empty name is an error matching [runners.ErrInvalidArgument], never
// the default group; no group of that name is one matching
// [runners.ErrNotFound]. A nil context or scope is ErrInvalidArgument, with
// nothing sent.
//
// GitHub docs: https://docs.github.com/rest/actions/self-hosted-runner-groups#list-self-hosted-runner-groups-for-an-organization
//
//	GET /{scope}/actions/runner-groups?per_page=100
func FindRunnerGroup(ctx context.Context, g runners.GroupScope, name string) (*runners.RunnerGroup, error) {
	const what = "FindRunnerGroup"
	if err := checkArgs(what, ctx, g); err != nil {
		return nil, err
	}
	if name == "" {
		return nil, newError(runners.ErrInvalidArgument, what, "the runner group name is empty (give the default group's name to mean it)")
	}
	opts := &runners.ListRunnerGroupsOptions{ListOptions: runners.ListOptions{PerPage: 100}}
	for grp, err := range g.AllRunnerGroups(ctx, opts) {
		if err != nil {
			return nil, err
		}
		if grp.Name == name {
			return grp, nil
		}
	}
	return nil, newError(runners.ErrNotFound, what, "no runner group named %q in %v", name, g)
}

// GroupCache remembers the IDs of the runner groups of one scope by name,
// for a time: an autoscaler that makes a JIT config for every job asks
// GitHub once per name and TTL, not once per job. A hit costs no request;
// callers that ask for a name while its lookup is in flight wait for it
// rather than send their own. Failed lookups are not remembered. It is safe
// for concurrent use.
type GroupCache struct {
	g     runners.GroupScope
	ttl   time.Duration
	clock runners.Clock // nil: the system clock
	err   error         // a bad argument to NewGroupCache, returned by every ID

	mu      sync.Mutex
	ids     map[string]groupEntry
	pending map[string]*groupLookup // the lookups in flight, by name

	onWait func() // tests: called when a caller starts waiting for another's lookup
}

// groupEntry is a remembered ID and when it stops being good.
type groupEntry struct {
	id      int64
	expires time.Time
}

// groupLookup is one FindRunnerGroup, shared by the callers that wait for it.
type groupLookup struct {
	done chan struct{} // closed when id and err are set
	id   int64
	err  error
}

// NewGroupCache returns a cache of the IDs of g's runner groups, each
// remembered for ttl (one hour, say: groups are rarely renamed). A nil scope
// or a ttl that is not positive is reported by every [GroupCache.ID], as an
// error matching [runners.ErrInvalidArgument]. The cache reads the time from
// the system clock; see [GroupCache.WithClock].
func NewGroupCache(g runners.GroupScope, ttl time.Duration) *GroupCache {
	c := &GroupCache{g: g, ttl: ttl, ids: map[string]groupEntry{}, pending: map[string]*groupLookup{}}
	if err := checkArgs("NewGroupCache", context.Background(), g); err != nil {
		c.err = err
	} else if ttl <= 0 {
		c.err = newError(runners.ErrInvalidArgument, "NewGroupCache", "the TTL must be positive, got %v", ttl)
	}
	return c
}

// WithClock returns a new, empty cache of the same scope and TTL that reads
// the time from clk, such as a clock a test moves by hand. A nil clk is the
// system clock.
func (c *GroupCache) WithClock(clk runners.Clock) *GroupCache {
	if c == nil {
		return nil
	}
	n := NewGroupCache(c.g, c.ttl)
	n.clock = clk
	return n
}

// ID returns the ID of the runner group named exactly name: the remembered
// one while it is younger than the TTL, else one found with
// [FindRunnerGroup] (whose errors it returns, none of them remembered).
// When ctx ends while it waits for another caller's lookup, it returns at
// once with an error matching ctx's.
func (c *GroupCache) ID(ctx context.Context, name string) (int64, error) {
	const what = "GroupCache.ID"
	switch {
	case c == nil:
		return 0, newError(runners.ErrInvalidArgument, what, "the cache is nil")
	case c.err != nil:
		return 0, c.err
	case ctx == nil:
		return 0, newError(runners.ErrInvalidArgument, what, "the context is nil")
	case name == "":
		return 0, newError(runners.ErrInvalidArgument, what, "the runner group name is empty (give the default group's name to mean it)")
	}
	for {
		c.mu.Lock()
		if e, ok := c.ids[name]; ok && c.now().Before(e.expires) {
			c.mu.Unlock()
			return e.id, nil
		}
		l := c.pending[name]
		if l == nil {
			l = &groupLookup{done: make(chan struct{})}
			c.pending[name] = l
			c.mu.Unlock()
			c.lookup(ctx, name, l)
			return l.id, l.err
		}
		onWait := c.onWait
		c.mu.Unlock()
		if onWait != nil {
			onWait()
		}
		select {
		case <-l.done:
		case <-ctx.Done():
			return 0, fmt.Errorf("fleet: %s: waiting for the lookup of runner group %q: %w", what, name, ctx.Err())
		}
		if l.err == nil {
			return l.id, nil
		}
		if (errors.Is(l.err, context.Canceled) || errors.Is(l.err, context.DeadlineExceeded)) && ctx.Err() == nil {
			continue // the caller that looked it up gave up; this one has not
		}
		return 0, l.err
	}
}

// lookup finds name's ID for l and the callers waiting for it, and
// remembers it on success. Whatever happens, l is done when it returns.
func (c *GroupCache) lookup(ctx context.Context, name string, l *groupLookup) {
	l.err = errors.New("fleet: GroupCache.ID: the lookup did not finish") // replaced unless FindRunnerGroup panics
	defer func() {
		c.mu.Lock()
		delete(c.pending, name)
		if l.err == nil {
			c.ids[name] = groupEntry{id: l.id, expires: c.now().Add(c.ttl)}
		}
		c.mu.Unlock()
		close(l.done)
	}()
	grp, err := FindRunnerGroup(ctx, c.g, name)
	if err == nil {
		l.id = grp.ID
	}
	l.err = err
}

// Forget drops the remembered ID of name, so that the next [GroupCache.ID]
// looks it up again: after a JIT config request named a group GitHub no
// longer has (404), say.
func (c *GroupCache) Forget(name string) {
	if c == nil {
		return
	}
	c.mu.Lock()
	delete(c.ids, name)
	c.mu.Unlock()
}

// now is the time on the cache's clock.
func (c *GroupCache) now() time.Time {
	if c.clock == nil {
		return time.Now()
	}
	return c.clock.Now()
}

// ModifyRunnerGroup changes a runner group and keeps every setting it was
// not asked to change. It gets the group, hands modify an update that holds
// every setting the group has (its name, visibility, public repository and
// workflow settings, selected workflows and network configuration, as
// GitHub sent them), and sends that update, changed as modify left it, with
// [runners.GroupScope.UpdateRunnerGroup]: so a partial change never lets a
// default reset a field (GitHub's enterprise update gives visibility a
// default of "all"), and the organization update's name requirement is met.
// The workflow settings are left out when GitHub marks them read-only
// (WorkflowRestrictionsReadOnly), unless modify sets them.
//
// modify may set a field to nil to leave it out of the update. When it
// returns an error, nothing more is sent and ModifyRunnerGroup returns that
// error; when it changes nothing, nothing more is sent and the group as it
// was is returned. Otherwise it returns the group as updated.
//
// A read-modify-write is not atomic: GitHub has no conditional update, so a
// change someone else makes between the GET and the PATCH is overwritten by
// what the GET read.
//
// GitHub docs:
//   - https://docs.github.com/rest/actions/self-hosted-runner-groups#get-a-self-hosted-runner-group-for-an-organization
//   - https://docs.github.com/rest/actions/self-hosted-runner-groups#update-a-self-hosted-runner-group-for-an-organization
//
// Endpoints:
//
//	GET /{scope}/actions/runner-groups/{runner_group_id}
//	PATCH /{scope}/actions/runner-groups/{runner_group_id}
func ModifyRunnerGroup(ctx context.Context, g runners.GroupScope, groupID int64, modify func(*runners.RunnerGroupUpdate) error) (*runners.RunnerGroup, error) {
	const what = "ModifyRunnerGroup"
	if err := checkArgs(what, ctx, g); err != nil {
		return nil, err
	}
	if modify == nil {
		return nil, newError(runners.ErrInvalidArgument, what, "the modify function is nil")
	}
	cur, err := g.GetRunnerGroup(ctx, groupID)
	if err != nil {
		return nil, err
	}
	upd := updateFrom(cur)
	if err := modify(upd); err != nil {
		return nil, fmt.Errorf("fleet: %s: runner group %d: %w", what, groupID, err)
	}
	if reflect.DeepEqual(upd, updateFrom(cur)) {
		return cur, nil
	}
	return g.UpdateRunnerGroup(ctx, groupID, upd)
}

// updateFrom is an update that sets every setting grp has, as GitHub sent
// it: a fresh value each call, sharing nothing with grp.
func updateFrom(grp *runners.RunnerGroup) *runners.RunnerGroupUpdate {
	u := &runners.RunnerGroupUpdate{
		Name:                     runners.Ptr(grp.Name),
		AllowsPublicRepositories: runners.Ptr(grp.AllowsPublicRepositories),
	}
	if grp.Visibility != "" {
		u.Visibility = runners.Ptr(grp.Visibility)
	}
	if !grp.WorkflowRestrictionsReadOnly {
		u.RestrictedToWorkflows = runners.Ptr(grp.RestrictedToWorkflows)
		if grp.SelectedWorkflows != nil {
			u.SelectedWorkflows = runners.Ptr(slices.Clone(grp.SelectedWorkflows))
		}
	}
	if grp.NetworkConfigurationID != "" {
		u.NetworkConfigurationID = runners.Ptr(grp.NetworkConfigurationID)
	}
	return u
}
