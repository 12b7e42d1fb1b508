package runnerstest

import (
	"cmp"
	"fmt"
	"net/url"
	"reflect"
	"slices"
	"strings"

	"github.com/fleetkit/runners"
)

// state is what the fake holds about GitHub's side, guarded by Server.mu.
type state struct {
	scopes    map[string]*scopeData // by scopeKey
	nextID    int64                 // the last runner ID handed out, across scopes as on GitHub
	labelIDs  map[string]int64      // label IDs by lower-case name, shared across runners as on GitHub
	nextLabel int64
	// deprecations are the runner version end-of-life schedules, by
	// version; the same at every scope, as on GitHub.
	deprecations map[string]runners.RunnerDeprecation
	fleet        fleet // the jobs and the webhook deliveries: jobs.go, webhooks.go
	lastGroup    int64 // the last runner group ID handed out, across scopes: groups.go
}

// scopeData is one enterprise, organization or repository.
type scopeData struct {
	key     string // its scopeKey
	path    string // "orgs/Octo-Org": the kind and the names as first declared, for display
	runners map[int64]*runners.Runner
	// groups are an organization's or an enterprise's own runner groups,
	// by ID, 1 the default group; nil for a repository (groups.go).
	groups map[int64]*group
	// enterprise is the scopeKey of an organization's enterprise; "" for
	// none ([ScopeState.SetEnterprise]).
	enterprise string
}

// scopeKey is the key of a scope in state.scopes: the kind and the names,
// each escaped (so "/" in a name cannot fake another scope) and in lower
// case, as GitHub's names are case-insensitive.
func scopeKey(kind string, names ...string) string {
	key := kind
	for _, n := range names {
		key += "/" + strings.ToLower(url.PathEscape(n))
	}
	return key
}

// ScopeState is the fake's state for one enterprise, organization or
// repository. Its methods change what GitHub holds, as GitHub itself would:
// a runner that registers, takes a job, goes offline.
type ScopeState struct {
	s   *Server
	key string
}

// Server returns the fake the scope's state belongs to: for code handed a
// ScopeState (such as [Server.State]'s) that needs the server's side too,
// its webhooks ([Server.SendWebhooks]) or jobs ([Server.CompleteJob]).
func (st *ScopeState) Server() *Server { return st.s }

// Enterprise returns the state of an enterprise, creating it empty on first
// use. The slug is case-insensitive, as on GitHub.
func (s *Server) Enterprise(enterprise string) *ScopeState {
	return s.declare("enterprises", enterprise)
}

// Org returns the state of an organization, creating it empty on first use.
// The name is case-insensitive, as on GitHub: Org("Octo-Org") and
// Org("octo-org") are one organization, shown as first declared.
func (s *Server) Org(org string) *ScopeState { return s.declare("orgs", org) }

// Repo returns the state of a repository, creating it empty on first use.
// Owner and name are case-insensitive, as on GitHub.
func (s *Server) Repo(owner, repo string) *ScopeState {
	return s.declare("repos", owner, repo)
}

// State returns the fake's state for a scope of a client wired to it,
// creating it empty on first use: srv.State(c.Org("octo-org")) is
// srv.Org("octo-org"). The scope is the one its ConfigURL names (the path of
// https://github.com/enterprises/acme, https://github.com/octo-org or
// https://github.com/octo-org/octo-repo, on any host); State is nil for a
// scope whose ConfigURL names none, such as a test's own Scope double.
func (s *Server) State(scope runners.Scope) *ScopeState {
	if v := reflect.ValueOf(scope); !v.IsValid() || v.Kind() == reflect.Pointer && v.IsNil() {
		return nil // nil, or a nil *OrgService, whose ConfigURL would panic
	}
	u, err := url.Parse(scope.ConfigURL())
	if err != nil || u.Host == "" {
		return nil
	}
	names := strings.Split(strings.TrimPrefix(u.EscapedPath(), "/"), "/")
	for i, n := range names {
		if names[i], err = url.PathUnescape(n); err != nil || names[i] == "" {
			return nil
		}
	}
	switch {
	case len(names) == 1:
		return s.Org(names[0])
	case len(names) == 2 && names[0] == "enterprises":
		return s.Enterprise(names[1])
	case len(names) == 2:
		return s.Repo(names[0], names[1])
	}
	return nil
}

func (s *Server) declare(kind string, names ...string) *ScopeState {
	key := scopeKey(kind, names...)
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.st.scopes[key] == nil {
		s.st.scopes[key] = newScopeData(key, kind+"/"+strings.Join(names, "/"))
	}
	return &ScopeState{s: s, key: key}
}

// locked runs f on the scope's data under the server's lock; then waiting
// jobs may find a runner, and the deliveries that caused are made, outside
// the lock.
func (st *ScopeState) locked(f func(sd *scopeData)) {
	if st == nil {
		panic("runnerstest: a nil *ScopeState: Server.State was given a scope the fake does not know")
	}
	st.s.update(func() { f(st.s.st.scopes[st.key]) })
}

// AddRunner stores a copy of r in the scope and returns the stored copy. An
// ID of 0 gets the next free one; a label without an ID gets the one its name
// has everywhere; a label without a type is custom; an empty status is
// offline. At an organization or enterprise, a runner without a group
// (RunnerGroupID 0) is in the default group, 1; a group ID the scope does not
// have is kept as given (see [ScopeState.AddRunnerGroup]). It panics on an ID already used in any scope or a name already
// used in this one: both are mistakes in a test's set-up.
func (st *ScopeState) AddRunner(r runners.Runner) *runners.Runner {
	return st.AddRunners(r)[0]
}

// AddRunners stores copies of rs in the scope, as [ScopeState.AddRunner]
// does, and returns the stored copies in the order given. It adds all or,
// when one of them is a set-up mistake (an ID or name taken, here or earlier
// in rs), panics having added none.
func (st *ScopeState) AddRunners(rs ...runners.Runner) []*runners.Runner {
	out := make([]*runners.Runner, 0, len(rs))
	st.locked(func(sd *scopeData) {
		ids, names := map[int64]bool{}, map[string]bool{}
		for _, r := range rs {
			switch {
			case r.ID != 0 && (ids[r.ID] || st.s.st.findRunner(r.ID) != nil):
				panic(fmt.Sprintf("runnerstest: AddRunners: runner ID %d already exists", r.ID))
			case names[r.Name] || sd.byName(r.Name) != nil:
				panic(fmt.Sprintf("runnerstest: AddRunners: a runner named %q already exists in %s", r.Name, sd.path))
			}
			ids[r.ID], names[r.Name] = r.ID != 0, true
		}
		stored := make([]*runners.Runner, 0, len(rs))
		for _, r := range rs {
			stored = append(stored, st.s.st.store(sd, r))
		}
		st.s.matchJobs() // before the copies: a runner that takes a waiting job is busy
		for _, r := range stored {
			out = append(out, cloneRunner(r))
		}
	})
	return out
}

// store adds r to sd, filling in what AddRunner documents.
func (s *state) store(sd *scopeData, r runners.Runner) *runners.Runner {
	if r.ID == 0 {
		r.ID = s.newRunnerID()
	}
	s.nextID = max(s.nextID, r.ID)
	s.placeInGroup(sd, &r)
	if r.Status == "" {
		r.Status = runners.RunnerOffline
	}
	labels := make([]*runners.Label, 0, len(r.Labels))
	for _, l := range r.Labels {
		labels = append(labels, s.label(l.Name, l.Type, l.ID))
	}
	r.Labels = labels
	sd.runners[r.ID] = &r
	return &r
}

// Runners returns a snapshot of the scope's runners, in ID order.
func (st *ScopeState) Runners() []runners.Runner {
	var out []runners.Runner
	st.locked(func(sd *scopeData) {
		out = make([]runners.Runner, 0, len(sd.runners))
		for _, r := range sd.sorted() {
			out = append(out, *cloneRunner(r))
		}
	})
	return out
}

// Runner returns a copy of one runner of the scope.
func (st *ScopeState) Runner(id int64) (r runners.Runner, ok bool) {
	st.locked(func(sd *scopeData) {
		if stored := sd.runners[id]; stored != nil {
			r, ok = *cloneRunner(stored), true
		}
	})
	return r, ok
}

// UpdateRunner changes one runner of the scope under the server's lock, for
// what happens on GitHub's side: a runner coming online, taking a job
// (Busy), finishing it. It reports whether the runner exists. The ID cannot
// be changed; a RunnerGroupID set to 0 at an organization or enterprise is
// the default group, 1, as in [ScopeState.AddRunner].
func (st *ScopeState) UpdateRunner(id int64, update func(r *runners.Runner)) (ok bool) {
	st.locked(func(sd *scopeData) {
		r := sd.runners[id]
		if r == nil {
			return
		}
		c := cloneRunner(r)
		update(c)
		c.ID = id
		for i, l := range c.Labels {
			c.Labels[i] = st.s.st.label(l.Name, l.Type, l.ID)
		}
		st.s.st.placeInGroup(sd, c)
		sd.runners[id], ok = c, true
	})
	return ok
}

// RemoveRunner removes a runner from the scope, as when an ephemeral runner
// finishes its job. It reports whether the runner existed.
func (st *ScopeState) RemoveRunner(id int64) (ok bool) {
	st.locked(func(sd *scopeData) {
		_, ok = sd.runners[id]
		delete(sd.runners, id)
	})
	return ok
}

func (s *state) newRunnerID() int64 {
	s.nextID++
	return s.nextID
}

// findRunner looks a runner up in every scope.
func (s *state) findRunner(id int64) *runners.Runner {
	for _, sd := range s.scopes {
		if r := sd.runners[id]; r != nil {
			return r
		}
	}
	return nil
}

// label returns a label with a stable ID per name (case-insensitive, as on
// GitHub), the given type (custom when empty).
func (s *state) label(name string, typ runners.LabelType, id int64) *runners.Label {
	key := strings.ToLower(name)
	if id == 0 {
		id = s.labelIDs[key]
	}
	if id == 0 {
		s.nextLabel++
		id = s.nextLabel
	}
	s.labelIDs[key] = id
	s.nextLabel = max(s.nextLabel, id)
	if typ == "" {
		typ = runners.LabelCustom
	}
	return &runners.Label{ID: id, Name: name, Type: typ}
}

func (sd *scopeData) sorted() []*runners.Runner {
	rs := make([]*runners.Runner, 0, len(sd.runners))
	for _, r := range sd.runners {
		rs = append(rs, r)
	}
	slices.SortFunc(rs, func(a, b *runners.Runner) int { return cmp.Compare(a.ID, b.ID) })
	return rs
}

func (sd *scopeData) byName(name string) *runners.Runner {
	for _, r := range sd.runners {
		if r.Name == name {
			return r
		}
	}
	return nil
}

func cloneRunner(r *runners.Runner) *runners.Runner {
	c := *r
	c.Labels = make([]*runners.Label, len(r.Labels))
	for i, l := range r.Labels {
		lc := *l
		c.Labels[i] = &lc
	}
	return &c
}

// DocumentedRunners returns the runners of GitHub's documentation ("List
// self-hosted runners for an organization"): linux_runner (ID 23, online,
// busy) and mac_runner (ID 24, offline, idle, with a custom "no-gpu" label).
// Seed a scope with them:
//
//	srv.Org("octo-org").AddRunners(runnerstest.DocumentedRunners()...)
func DocumentedRunners() []runners.Runner {
	return []runners.Runner{
		{
			ID: 23, Name: "linux_runner", OS: "linux", Status: runners.RunnerOnline, Busy: true,
			Labels: []*runners.Label{
				{ID: 5, Name: "self-hosted", Type: runners.LabelReadOnly},
				{ID: 7, Name: "X64", Type: runners.LabelReadOnly},
				{ID: 11, Name: "Linux", Type: runners.LabelReadOnly},
			},
		},
		{
			ID: 24, Name: "mac_runner", OS: "macos", Status: runners.RunnerOffline, Busy: false,
			Labels: []*runners.Label{
				{ID: 5, Name: "self-hosted", Type: runners.LabelReadOnly},
				{ID: 7, Name: "X64", Type: runners.LabelReadOnly},
				{ID: 20, Name: "macOS", Type: runners.LabelReadOnly},
				{ID: 21, Name: "no-gpu", Type: runners.LabelCustom},
			},
		},
	}
}
