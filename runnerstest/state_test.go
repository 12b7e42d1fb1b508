package runnerstest_test

import (
	"encoding/base64"
	"encoding/json"
	"fmt"
	"net/http"
	"testing"

	"github.com/fleetkit/runners"
	"github.com/fleetkit/runners/runnerstest"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestEachScopeHasItsOwnState(t *testing.T) {
	t.Parallel()
	ctx := t.Context()
	srv := runnerstest.NewServer()
	// Scopes named alike: an org and a repo "acme/acme", an enterprise and an org "acme".
	org := srv.Org("acme")
	repo := srv.Repo("acme", "acme")
	ent := srv.Enterprise("acme")
	org.AddRunner(runners.Runner{Name: "org-runner"})
	repo.AddRunner(runners.Runner{Name: "repo-runner"})
	ent.AddRunner(runners.Runner{Name: "enterprise-runner"})
	// The same name in three scopes is fine.
	for _, st := range []*runnerstest.ScopeState{org, repo, ent} {
		st.AddRunner(runners.Runner{Name: "shared-name"})
	}
	c := srv.Client()
	for _, tc := range []struct {
		scope runners.Scope
		state *runnerstest.ScopeState
		want  []string
	}{
		{c.Org("acme"), org, []string{"org-runner", "shared-name"}},
		{c.Repo("acme", "acme"), repo, []string{"repo-runner", "shared-name"}},
		{c.Enterprise("acme"), ent, []string{"enterprise-runner", "shared-name"}},
	} {
		list, err := tc.scope.ListRunners(ctx, nil)
		require.NoError(t, err)
		assert.Equal(t, len(tc.want), list.TotalCount)
		var names []string
		for _, r := range list.Runners {
			names = append(names, r.Name)
		}
		assert.Equal(t, tc.want, names, "%v", tc.scope)
		assert.Equal(t, tc.want, namesOf(tc.state.Runners()))
	}

	// A JIT runner made in the org does not appear in the repo or the enterprise.
	_, err := c.Org("acme").GenerateJITConfig(ctx, &runners.JITConfigRequest{Name: "jit", RunnerGroupID: 1, Labels: []string{"a"}})
	require.NoError(t, err)
	assert.Len(t, org.Runners(), 3)
	assert.Len(t, repo.Runners(), 2)
	assert.Len(t, ent.Runners(), 2)

	// Deleting in one scope leaves the others alone.
	require.NoError(t, c.Enterprise("acme").DeleteRunner(ctx, ent.Runners()[0].ID))
	assert.Equal(t, []string{"shared-name"}, namesOf(ent.Runners()))
	assert.Equal(t, []string{"org-runner", "shared-name", "jit"}, namesOf(org.Runners()))
}

func TestAddRunnerAssignsIDs(t *testing.T) {
	t.Parallel()
	ctx := t.Context()
	srv := runnerstest.NewServer()
	org, repo, ent := srv.Org("o"), srv.Repo("o", "r"), srv.Enterprise("e")

	a := org.AddRunner(runners.Runner{Name: "a"})
	b := repo.AddRunner(runners.Runner{Name: "b"})
	c := ent.AddRunner(runners.Runner{Name: "c"})
	assert.Positive(t, a.ID)
	assert.Greater(t, b.ID, a.ID, "IDs increase across scopes")
	assert.Greater(t, c.ID, b.ID)

	// A given ID is kept, and later IDs come after it.
	d := org.AddRunner(runners.Runner{ID: 500, Name: "d"})
	assert.Equal(t, int64(500), d.ID)
	e := repo.AddRunner(runners.Runner{Name: "e"})
	assert.Greater(t, e.ID, int64(500))
	// A smaller given ID is fine when free.
	f := ent.AddRunner(runners.Runner{ID: 200, Name: "f"})
	assert.Equal(t, int64(200), f.ID)

	// JIT runners get IDs from the same sequence.
	jit, err := srv.Client().Org("o").GenerateJITConfig(ctx, &runners.JITConfigRequest{Name: "j", RunnerGroupID: 1, Labels: []string{"x"}})
	require.NoError(t, err)
	assert.Greater(t, jit.Runner.ID, e.ID)

	got, err := srv.Client().Org("o").GetRunner(ctx, 500)
	require.NoError(t, err)
	assert.Equal(t, "d", got.Name)
}

func TestAddRunnerPanicsOnDuplicates(t *testing.T) {
	t.Parallel()
	ctx := t.Context()
	srv := runnerstest.NewServer()
	org, repo := srv.Org("o"), srv.Repo("o", "r")
	org.AddRunner(runners.Runner{ID: 7, Name: "seven"})

	assert.Panics(t, func() { org.AddRunner(runners.Runner{ID: 7, Name: "other"}) }, "duplicate ID, same scope")
	assert.Panics(t, func() { repo.AddRunner(runners.Runner{ID: 7, Name: "other"}) }, "duplicate ID, another scope")
	assert.Panics(t, func() { org.AddRunner(runners.Runner{Name: "seven"}) }, "duplicate name, same scope")
	assert.Panics(t, func() { org.AddRunner(runners.Runner{ID: 8, Name: "seven"}) }, "duplicate name with a free ID")
	assert.NotPanics(t, func() { repo.AddRunner(runners.Runner{Name: "seven"}) }, "the same name in another scope")

	// A panic leaves the server usable and unchanged.
	assert.Equal(t, []string{"seven"}, namesOf(org.Runners()))
	list, err := srv.Client().Org("o").ListRunners(ctx, nil)
	require.NoError(t, err)
	assert.Equal(t, 1, list.TotalCount)
}

func TestAddRunnerDefaultsAndLabels(t *testing.T) {
	t.Parallel()
	ctx := t.Context()
	srv := runnerstest.NewServer()
	org := srv.Org("o")

	r := org.AddRunner(runners.Runner{Name: "plain", Labels: []*runners.Label{{Name: "gpu"}, {Name: "Linux", Type: runners.LabelReadOnly}}})
	assert.Equal(t, runners.RunnerOffline, r.Status, "status defaults to offline")
	require.Len(t, r.Labels, 2)
	assert.Equal(t, runners.LabelCustom, r.Labels[0].Type, "type defaults to custom")
	assert.Equal(t, runners.LabelReadOnly, r.Labels[1].Type)
	assert.NotZero(t, r.Labels[0].ID)
	assert.NotZero(t, r.Labels[1].ID)
	assert.NotEqual(t, r.Labels[0].ID, r.Labels[1].ID)

	online := org.AddRunner(runners.Runner{Name: "online", Status: runners.RunnerOnline, Labels: []*runners.Label{{Name: "gpu"}, {Name: "GPU-2"}}})
	assert.Equal(t, runners.RunnerOnline, online.Status)
	assert.Equal(t, r.Labels[0].ID, online.Labels[0].ID, "label IDs are stable per name")
	assert.NotEqual(t, r.Labels[0].ID, online.Labels[1].ID)

	// A given label ID is kept and is the name's ID from then on.
	given := srv.Repo("o", "r").AddRunner(runners.Runner{Name: "given", Labels: []*runners.Label{{ID: 900, Name: "fast"}}})
	assert.Equal(t, int64(900), given.Labels[0].ID)
	ls, err := srv.Client().Org("o").AddLabels(ctx, r.ID, "fast")
	require.NoError(t, err)
	assert.Equal(t, int64(900), ls[2].ID)

	// The returned copy is not the stored runner.
	r.Name = "changed"
	r.Labels[0].Name = "changed"
	stored, ok := org.Runner(r.ID)
	require.True(t, ok)
	assert.Equal(t, "plain", stored.Name)
	assert.Equal(t, "gpu", stored.Labels[0].Name)

	// The runner as the API serves it.
	got, err := srv.Client().Org("o").GetRunner(ctx, online.ID)
	require.NoError(t, err)
	assert.Equal(t, online, got)
}

func TestRunnersIsASnapshotInIDOrder(t *testing.T) {
	t.Parallel()
	srv := runnerstest.NewServer()
	org := srv.Org("o")
	for _, id := range []int64{30, 10, 20, 1<<32 + 25} {
		org.AddRunner(runners.Runner{ID: id, Name: fmt.Sprintf("r%d", id), Labels: []*runners.Label{{Name: "gpu"}}})
	}
	snap := org.Runners()
	assert.Equal(t, []int64{10, 20, 30, 1<<32 + 25}, runnerIDs(snap))

	snap[0].Name = "mutated"
	snap[0].Busy = true
	snap[0].Labels[0].Name = "mutated"
	snap[0].Labels = append(snap[0].Labels, &runners.Label{Name: "extra"})

	again := org.Runners()
	require.Len(t, again, 4)
	assert.Equal(t, "r10", again[0].Name)
	assert.False(t, again[0].Busy)
	assert.Equal(t, []string{"gpu:custom"}, labelSet(again[0].Labels))

	one, ok := org.Runner(20)
	require.True(t, ok)
	one.Labels[0].Name = "mutated"
	one2, _ := org.Runner(20)
	assert.Equal(t, "gpu", one2.Labels[0].Name)
	_, ok = org.Runner(99)
	assert.False(t, ok)
	_, ok = srv.Org("other").Runner(20)
	assert.False(t, ok, "Runner looks in its own scope only")
}

func TestUpdateAndRemoveRunner(t *testing.T) {
	t.Parallel()
	ctx := t.Context()
	srv := runnerstest.NewServer()
	org := srv.Org("o")
	r := org.AddRunner(runners.Runner{Name: "r", Labels: []*runners.Label{{Name: "gpu"}}})
	s := srv.Client().Org("o")

	ok := org.UpdateRunner(r.ID, func(r *runners.Runner) {
		r.ID = 12345 // ignored
		r.Status = runners.RunnerOnline
		r.Busy = true
		r.Version = "2.330.0"
		r.Labels = append(r.Labels, &runners.Label{Name: "big"})
	})
	require.True(t, ok)
	got, err := s.GetRunner(ctx, r.ID)
	require.NoError(t, err)
	assert.Equal(t, runners.RunnerOnline, got.Status)
	assert.True(t, got.Busy)
	assert.Equal(t, "2.330.0", got.Version)
	assert.Equal(t, []string{"gpu:custom", "big:custom"}, labelSet(got.Labels))
	assert.NotZero(t, got.Labels[1].ID, "a new label gets an ID")
	_, err = s.GetRunner(ctx, 12345)
	assert.ErrorIs(t, err, runners.ErrNotFound, "the ID cannot be changed")

	assert.False(t, org.UpdateRunner(999, func(*runners.Runner) { t.Error("update called for a missing runner") }))
	assert.False(t, srv.Org("other").UpdateRunner(r.ID, func(*runners.Runner) { t.Error("update called in another scope") }))

	assert.False(t, srv.Org("other").RemoveRunner(r.ID), "RemoveRunner looks in its own scope only")
	assert.True(t, org.RemoveRunner(r.ID))
	assert.False(t, org.RemoveRunner(r.ID))
	assert.Empty(t, org.Runners())
	_, err = s.GetRunner(ctx, r.ID)
	assert.ErrorIs(t, err, runners.ErrNotFound)
}

func TestStateOfAClientScope(t *testing.T) {
	t.Parallel()
	ctx := t.Context()
	srv := runnerstest.NewServer()
	c := srv.Client()

	srv.State(c.Org("x")).AddRunner(runners.Runner{Name: "via-state"})
	assert.Equal(t, []string{"via-state"}, namesOf(srv.Org("x").Runners()))
	srv.Org("x").AddRunner(runners.Runner{Name: "via-org"})
	assert.Equal(t, []string{"via-state", "via-org"}, namesOf(srv.State(c.Org("x")).Runners()))

	srv.State(c.Repo("x", "y")).AddRunner(runners.Runner{Name: "repo"})
	assert.Equal(t, []string{"repo"}, namesOf(srv.Repo("x", "y").Runners()))
	srv.State(c.Enterprise("x")).AddRunner(runners.Runner{Name: "ent"})
	assert.Equal(t, []string{"ent"}, namesOf(srv.Enterprise("x").Runners()))
	assert.Len(t, srv.Org("x").Runners(), 2, "each scope is its own")
	assert.Same(t, srv, srv.State(c.Org("x")).Server(), "a state leads back to its server")
	assert.NotSame(t, srv, runnerstest.NewServer().Org("x").Server())

	// A name that needs escaping.
	srv.State(c.Org("a b")).AddRunner(runners.Runner{Name: "spaced"})
	assert.Equal(t, []string{"spaced"}, namesOf(srv.Org("a b").Runners()))
	list, err := c.Org("a b").ListRunners(ctx, nil)
	require.NoError(t, err)
	assert.Equal(t, 1, list.TotalCount)

	// Clients on a socket, at the root or under /api/v3, name the same scopes.
	sock, ts := socketClient(t, srv)
	ghes, err := runners.NewClient(runners.WithBaseURL(ts.URL+"/api/v3"), runners.WithToken(testToken))
	require.NoError(t, err)
	for i, c := range []*runners.Client{sock, ghes} {
		srv.State(c.Repo("x", "y")).AddRunner(runners.Runner{Name: fmt.Sprintf("repo-%d", i)})
	}
	assert.Equal(t, []string{"repo", "repo-0", "repo-1"}, namesOf(srv.Repo("x", "y").Runners()))
}

func TestAddRunnersAddsAllOrNone(t *testing.T) {
	t.Parallel()
	srv := runnerstest.NewServer()
	org := srv.Org("o")
	org.AddRunner(runners.Runner{ID: 7, Name: "seven"})

	got := org.AddRunners(
		runners.Runner{Name: "a", Labels: []*runners.Label{{Name: "gpu"}}},
		runners.Runner{ID: 100, Name: "b", Status: runners.RunnerOnline},
		runners.Runner{Name: "c"},
	)
	require.Len(t, got, 3)
	assert.Equal(t, []string{"a", "b", "c"}, []string{got[0].Name, got[1].Name, got[2].Name}, "in the order given")
	assert.Equal(t, []int64{8, 100, 101}, runnerIDs(got), "IDs assigned in order, after a given one")
	assert.Equal(t, runners.RunnerOffline, got[0].Status)
	assert.Equal(t, runners.RunnerOnline, got[1].Status)
	assert.Equal(t, []string{"gpu:custom"}, labelSet(got[0].Labels))
	got[0].Name = "changed" // a copy
	assert.Equal(t, []string{"seven", "a", "b", "c"}, namesOf(org.Runners()))

	// A mistake anywhere in the list adds nothing.
	repo := srv.Repo("o", "r")
	for _, tc := range []struct {
		name string
		st   *runnerstest.ScopeState
		rs   []runners.Runner
	}{
		{"a name taken in the scope", org, []runners.Runner{{Name: "d"}, {Name: "a"}}},
		{"a name twice in the list", repo, []runners.Runner{{Name: "d"}, {Name: "d"}}},
		{"an ID taken in another scope", repo, []runners.Runner{{Name: "d"}, {ID: 7, Name: "e"}}},
		{"an ID twice in the list", repo, []runners.Runner{{ID: 300, Name: "d"}, {ID: 300, Name: "e"}}},
	} {
		before := org.Runners()
		assert.Panics(t, func() { tc.st.AddRunners(tc.rs...) }, tc.name)
		assert.Equal(t, before, org.Runners(), "%s: nothing added", tc.name)
		assert.Empty(t, repo.Runners(), "%s: nothing added", tc.name)
	}
	assert.Equal(t, int64(102), repo.AddRunner(runners.Runner{Name: "d"}).ID, "no ID was used up")
	assert.Empty(t, org.AddRunners(), "none is fine")

	list, err := srv.Client().Org("o").ListRunners(t.Context(), nil)
	require.NoError(t, err)
	assert.Equal(t, 4, list.TotalCount, "the fake still serves")
	assert.Len(t, repo.Runners(), 1)
}

// scopeDouble is a user's own Scope: the fake knows it only by its ConfigURL.
type scopeDouble struct {
	runners.Scope // nil: a method the test does not need panics
	configURL     string
}

func (d scopeDouble) ConfigURL() string { return d.configURL }

func TestStateOfAScopeDouble(t *testing.T) {
	t.Parallel()
	srv := runnerstest.NewServer()
	srv.Org("octo-org").AddRunner(runners.Runner{Name: "org-runner"})

	// A double that names a scope gets that scope, on any host.
	for url, want := range map[string]*runnerstest.ScopeState{
		"https://github.com/octo-org":           srv.Org("octo-org"),
		"http://127.0.0.1:8080/octo-org":        srv.Org("octo-org"),
		"https://github.com/octo-org/octo-repo": srv.Repo("octo-org", "octo-repo"),
		"https://github.com/enterprises/acme":   srv.Enterprise("acme"),
		"https://github.com/a%20b/c%2Fd":        srv.Repo("a b", "c/d"),
	} {
		st := srv.State(scopeDouble{configURL: url})
		require.NotNil(t, st, url)
		st.AddRunner(runners.Runner{Name: "via " + url})
		assert.Contains(t, namesOf(want.Runners()), "via "+url, url)
	}
	assert.ElementsMatch(t, []string{"org-runner", "via https://github.com/octo-org", "via http://127.0.0.1:8080/octo-org"}, namesOf(srv.Org("octo-org").Runners()),
		"the map above is walked in any order")

	// One that names none gets nil, not an empty scope under a made-up key.
	for _, url := range []string{"", "octo-org", "https://github.com/", "https://github.com/a/b/c", "https://github.com//b", "https://github.com/a%zz", "://"} {
		assert.Nil(t, srv.State(scopeDouble{configURL: url}), "%q", url)
	}
	assert.Nil(t, srv.State(nil))
	assert.Nil(t, srv.State((*runners.OrgService)(nil)))
	var unknown *runnerstest.ScopeState
	assert.PanicsWithValue(t, "runnerstest: a nil *ScopeState: Server.State was given a scope the fake does not know",
		func() { unknown.AddRunner(runners.Runner{Name: "x"}) })
}

func TestScopeNamesAreCaseInsensitive(t *testing.T) {
	t.Parallel()
	ctx := t.Context()
	srv := runnerstest.NewServer()
	org := srv.Org("Octo-Org")
	seedDocumented(t, org)
	srv.Repo("Octo-Org", "Octo-Repo").AddRunner(runners.Runner{Name: "repo-runner"})
	srv.Enterprise("Acme").AddRunner(runners.Runner{Name: "ent-runner"})
	c := srv.Client()

	// One organization, however it is spelled, through the API and the state.
	for _, name := range []string{"Octo-Org", "octo-org", "OCTO-ORG"} {
		list, err := c.Org(name).ListRunners(ctx, nil)
		require.NoError(t, err, name)
		assert.Equal(t, []int64{23, 24}, runnerIDs(list.Runners), name)
		assert.Equal(t, []int64{23, 24}, runnerIDs(srv.Org(name).Runners()), name)
	}
	for _, s := range []runners.Scope{c.Repo("octo-org", "octo-repo"), c.Repo("OCTO-ORG", "Octo-Repo")} {
		list, err := s.ListRunners(ctx, nil)
		require.NoError(t, err, "%v", s)
		assert.Equal(t, 1, list.TotalCount, "%v", s)
	}
	list, err := c.Enterprise("acme").ListRunners(ctx, nil)
	require.NoError(t, err)
	assert.Equal(t, 1, list.TotalCount)
	assert.Len(t, srv.State(c.Enterprise("ACME")).Runners(), 1)
	assert.Equal(t, 200, raw(t, srv, http.MethodGet, "api/v3/orgs/oCtO-oRg/actions/runners/24", "").Status)

	// A change through one spelling is seen through the others.
	require.NoError(t, c.Org("octo-org").DeleteRunner(ctx, 24))
	assert.Equal(t, []int64{23}, runnerIDs(srv.Org("OCTO-org").Runners()))
	assert.Panics(t, func() { srv.Org("octo-org").AddRunner(runners.Runner{Name: "linux_runner"}) }, "one scope: the name is taken")

	// The case declared first is the one shown.
	jit, err := c.Org("octo-org").GenerateJITConfig(ctx, &runners.JITConfigRequest{Name: "jit", RunnerGroupID: 1, Labels: []string{"a"}})
	require.NoError(t, err)
	cfg, err := base64.StdEncoding.DecodeString(jit.EncodedJITConfig)
	require.NoError(t, err)
	var decoded struct {
		Runner struct {
			Scope string `json:"scope"`
		} `json:".runner"`
	}
	require.NoError(t, json.Unmarshal(cfg, &decoded))
	assert.Equal(t, "orgs/Octo-Org", decoded.Runner.Scope)
	assert.PanicsWithValue(t, `runnerstest: AddRunners: a runner named "jit" already exists in orgs/Octo-Org`,
		func() { srv.Org("OCTO-ORG").AddRunner(runners.Runner{Name: "jit"}) })

	// Different names are still different scopes.
	assert.Empty(t, srv.Org("octo-org2").Runners())
	_, err = c.Org("octo-orgs").ListRunners(ctx, nil)
	assert.ErrorIs(t, err, runners.ErrNotFound)
}
