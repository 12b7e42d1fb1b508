package fleet_test

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/fleetkit/runners"
	"github.com/fleetkit/runners/fleet"
	"github.com/fleetkit/runners/runnerstest"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// entryNames returns "name: reason" for each entry.
func entryNames(es []fleet.PruneEntry) []string {
	out := make([]string, len(es))
	for i, e := range es {
		out[i] = e.Runner.Name + ": " + string(e.Reason)
	}
	return out
}

// seedPrune adds a mixed fleet: the "ci-" runners are the ones a prune with
// NamePrefix "ci-" selects.
func seedPrune(st *runnerstest.ScopeState) {
	gpu := []*runners.Label{{Name: "gpu"}}
	st.AddRunner(runners.Runner{ID: 1, Name: "ci-a", Labels: gpu})                                   // offline, idle
	st.AddRunner(runners.Runner{ID: 2, Name: "ci-b"})                                                // offline, idle
	st.AddRunner(runners.Runner{ID: 3, Name: "ci-c", Status: runners.RunnerOnline})                  // online, idle
	st.AddRunner(runners.Runner{ID: 4, Name: "ci-d", Status: runners.RunnerOnline, Busy: true})      // running a job
	st.AddRunner(runners.Runner{ID: 5, Name: "ci-e", Busy: true})                                    // offline, but busy
	st.AddRunner(runners.Runner{ID: 6, Name: "other-1"})                                             // not selected
	st.AddRunner(runners.Runner{ID: 7, Name: "ci-f", Labels: gpu, Status: runners.RunnerOnline})     // online, gpu
	st.AddRunner(runners.Runner{ID: 8, Name: "ci-g", Labels: []*runners.Label{{Name: "GPU-large"}}}) // offline, another label
}

func TestPrune(t *testing.T) {
	t.Parallel()
	srv, st, s := newFake(t, nil)
	seedPrune(st)

	rep, err := fleet.Prune(t.Context(), s, &fleet.PruneOptions{NamePrefix: "ci-"})
	require.NoError(t, err)
	assert.Equal(t, []string{"ci-a", "ci-b", "ci-g"}, runnerNames(rep.Deleted))
	assert.Equal(t, []string{"ci-c: online", "ci-d: busy", "ci-e: busy", "ci-f: online"}, entryNames(rep.Skipped))
	assert.Equal(t, []fleet.PruneReason{fleet.SkipOnline, fleet.SkipBusy, fleet.SkipBusy, fleet.SkipOnline},
		[]fleet.PruneReason{rep.Skipped[0].Reason, rep.Skipped[1].Reason, rep.Skipped[2].Reason, rep.Skipped[3].Reason})
	assert.Empty(t, rep.Failed)
	assert.False(t, rep.DryRun)
	for _, e := range rep.Skipped {
		assert.NoError(t, e.Err, "%s was skipped from the list, with no request", e.Runner.Name)
	}
	assert.Equal(t, []string{"ci-c", "ci-d", "ci-e", "other-1", "ci-f"}, stateNames(st.Runners()))
	assert.Equal(t, 3, countRequests(t, srv, http.MethodDelete, ""), "one DELETE per deleted runner")
	for _, id := range []string{"3", "4", "5", "6", "7"} {
		assert.Zero(t, countRequests(t, srv, http.MethodDelete, "/actions/runners/"+id), "runner %s is never deleted", id)
	}
}

func TestPruneDryRun(t *testing.T) {
	t.Parallel()
	srv, st, s := newFake(t, nil)
	seedPrune(st)
	before := st.Runners()

	rep, err := fleet.Prune(t.Context(), s, &fleet.PruneOptions{NamePrefix: "ci-", DryRun: true})
	require.NoError(t, err)
	assert.Equal(t, []string{"ci-a", "ci-b", "ci-g"}, runnerNames(rep.Deleted), "what would be deleted")
	assert.Equal(t, []string{"ci-c: online", "ci-d: busy", "ci-e: busy", "ci-f: online"}, entryNames(rep.Skipped))
	assert.Empty(t, rep.Failed)
	assert.True(t, rep.DryRun)
	assert.Equal(t, before, st.Runners(), "nothing changed")
	for _, r := range srv.Requests() {
		assert.Equal(t, http.MethodGet, r.Method, "%s %s", r.Method, r.Path)
		assert.True(t, strings.HasSuffix(r.Path, "/actions/runners"), "only the list is read: %s", r.Path)
	}
}

// The filters combine: prefix, labels (any case) and Match must all agree;
// nil options select every runner.
func TestPruneFilters(t *testing.T) {
	t.Parallel()
	cases := []struct {
		name string
		opts *fleet.PruneOptions
		want []string // deleted
	}{
		{"nil options", nil, []string{"ci-a", "ci-b", "other-1", "ci-g"}},
		{"everything offline and idle", &fleet.PruneOptions{}, []string{"ci-a", "ci-b", "other-1", "ci-g"}},
		{"label, any case", &fleet.PruneOptions{Labels: []string{"GPU"}}, []string{"ci-a"}},
		{"labels all required", &fleet.PruneOptions{Labels: []string{"gpu", "self-hosted"}}, nil},
		{"match", &fleet.PruneOptions{Match: func(r *runners.Runner) bool { return r.ID%2 == 0 }}, []string{"ci-b", "other-1", "ci-g"}},
		{"prefix and match", &fleet.PruneOptions{NamePrefix: "ci-", Match: func(r *runners.Runner) bool { return r.ID != 2 }}, []string{"ci-a", "ci-g"}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			_, st, s := newFake(t, nil)
			seedPrune(st)
			rep, err := fleet.Prune(t.Context(), s, tc.opts)
			require.NoError(t, err)
			assert.Equal(t, tc.want, runnerNames(rep.Deleted))
			assert.Len(t, st.Runners(), 8-len(tc.want))
		})
	}
}

// Pruning one runner group filters the scope's one listing on
// Runner.RunnerGroupID: one list request, no request per group, and only
// that group's offline idle runners deleted.
func TestPruneByRunnerGroup(t *testing.T) {
	t.Parallel()
	srv, st, s := newFake(t, nil)
	st.AddRunner(runners.Runner{ID: 1, Name: "gpu-a", RunnerGroupID: 2})
	st.AddRunner(runners.Runner{ID: 2, Name: "gpu-b", RunnerGroupID: 2, Status: runners.RunnerOnline})
	st.AddRunner(runners.Runner{ID: 3, Name: "cpu-a", RunnerGroupID: 3})
	st.AddRunner(runners.Runner{ID: 4, Name: "gpu-c", RunnerGroupID: 2})

	rep, err := fleet.Prune(t.Context(), s, &fleet.PruneOptions{RunnerGroupID: 2})
	require.NoError(t, err)
	assert.Equal(t, []string{"gpu-a", "gpu-c"}, runnerNames(rep.Deleted))
	assert.Equal(t, []string{"gpu-b: online"}, entryNames(rep.Skipped))
	assert.Equal(t, []string{"gpu-b", "cpu-a"}, stateNames(st.Runners()))
	lists := 0
	for _, r := range srv.Requests() {
		if r.Method == http.MethodGet && strings.HasSuffix(r.Path, "/actions/runners") {
			lists++
		}
		assert.NotContains(t, r.Path, "runner-groups", "no per-group listing")
	}
	assert.Equal(t, 1, lists, "one listing of the scope")
}

// A runner that takes a job between the list and the delete is refused by
// GitHub (422): it is skipped, not failed, and stays.
func TestPruneRunnerTurnsBusyBeforeDelete(t *testing.T) {
	t.Parallel()
	srv, st, s := newFake(t, nil)
	seedPrune(st)
	srv.FailNext(1, busyFault(2))

	rep, err := fleet.Prune(t.Context(), s, &fleet.PruneOptions{NamePrefix: "ci-"})
	require.NoError(t, err)
	assert.Equal(t, []string{"ci-a", "ci-g"}, runnerNames(rep.Deleted))
	assert.Equal(t, []string{"ci-b: took a job since it was listed", "ci-c: online", "ci-d: busy", "ci-e: busy", "ci-f: online"}, entryNames(rep.Skipped))
	assert.Equal(t, fleet.SkipTookJob, rep.Skipped[0].Reason)
	assert.ErrorIs(t, rep.Skipped[0].Err, runners.ErrRunnerBusy)
	assert.Empty(t, rep.Failed)
	assert.True(t, hasRunner(st, 2), "ci-b is still registered")
}

// A runner that comes online or takes a job after the list is seen when the
// runner is looked at again, and no DELETE is sent for it.
func TestPruneRechecksBeforeDelete(t *testing.T) {
	t.Parallel()
	srv, st, s := newFake(t, nil)
	seedPrune(st)
	match := func(r *runners.Runner) bool { // called after the list: GitHub's side changes now
		switch r.ID {
		case 1:
			st.UpdateRunner(1, func(r *runners.Runner) { r.Status = runners.RunnerOnline })
		case 2:
			st.UpdateRunner(2, func(r *runners.Runner) { r.Status, r.Busy = runners.RunnerOnline, true })
		case 8:
			st.RemoveRunner(8) // removed by someone else
		}
		return true
	}

	rep, err := fleet.Prune(t.Context(), s, &fleet.PruneOptions{NamePrefix: "ci-", Match: match})
	require.NoError(t, err)
	assert.Empty(t, rep.Deleted)
	assert.Equal(t, []string{
		"ci-a: came online since it was listed", "ci-b: took a job since it was listed",
		"ci-c: online", "ci-d: busy", "ci-e: busy", "ci-f: online", "ci-g: already gone",
	}, entryNames(rep.Skipped))
	assert.Equal(t, fleet.SkipCameOnline, rep.Skipped[0].Reason)
	assert.Equal(t, runners.RunnerOnline, rep.Skipped[0].Runner.Status, "the runner as seen again")
	assert.Equal(t, fleet.SkipGone, rep.Skipped[6].Reason)
	assert.ErrorIs(t, rep.Skipped[6].Err, runners.ErrNotFound)
	assert.Empty(t, rep.Failed)
	assert.Zero(t, countRequests(t, srv, http.MethodDelete, ""), "no DELETE")
	assert.Len(t, st.Runners(), 7)
}

// A delete that fails is reported with its error; the others go ahead.
func TestPruneReportsFailures(t *testing.T) {
	t.Parallel()
	srv, st, s := newFake(t, nil)
	seedPrune(st)
	srv.FailNext(1, runnerstest.Fault{Status: http.StatusBadGateway, Method: http.MethodDelete, PathSuffix: "/actions/runners/1"})
	srv.FailNext(1, runnerstest.Fault{Status: http.StatusForbidden, Method: http.MethodGet, PathSuffix: "/actions/runners/8"})

	rep, err := fleet.Prune(t.Context(), s, &fleet.PruneOptions{NamePrefix: "ci-"})
	require.NoError(t, err, "failed deletes are in the report")
	assert.Equal(t, []string{"ci-b"}, runnerNames(rep.Deleted))
	assert.Equal(t, []string{"ci-a: delete failed", "ci-g: get failed"}, entryNames(rep.Failed))
	assert.Equal(t, fleet.FailDelete, rep.Failed[0].Reason)
	assert.Equal(t, fleet.FailGet, rep.Failed[1].Reason)
	var apiErr *runners.Error
	require.ErrorAs(t, rep.Failed[0].Err, &apiErr)
	assert.Equal(t, http.StatusBadGateway, apiErr.StatusCode)
	assert.ErrorIs(t, rep.Failed[1].Err, runners.ErrForbidden)
	assert.Len(t, rep.Skipped, 4)
	assert.Equal(t, []string{"ci-a", "ci-c", "ci-d", "ci-e", "other-1", "ci-f", "ci-g"}, stateNames(st.Runners()))
}

// Every runner is listed before the first DELETE: deleting while paging
// would shift runners onto pages already read and miss them.
func TestPruneListsEverythingFirst(t *testing.T) {
	t.Parallel()
	srv, st, s := newFake(t, nil)
	for i := range 250 {
		st.AddRunner(runners.Runner{Name: fmt.Sprintf("stale-%03d", i)})
	}

	rep, err := fleet.Prune(t.Context(), s, &fleet.PruneOptions{Concurrency: 8})
	require.NoError(t, err)
	assert.Len(t, rep.Deleted, 250)
	assert.Empty(t, st.Runners(), "none missed")
	for i, r := range rep.Deleted {
		assert.Equal(t, fmt.Sprintf("stale-%03d", i), r.Name, "the report is in list order")
	}
	lists, deleting := 0, false
	for _, r := range srv.Requests() {
		switch {
		case r.Method == http.MethodDelete:
			deleting = true
		case strings.HasSuffix(r.Path, "/actions/runners"):
			lists++
			assert.False(t, deleting, "a page was read after a DELETE")
		}
	}
	assert.Equal(t, 3, lists, "3 pages of 100")
}

// gate holds the first requests for a runner until n are in flight, then
// lets every request through, and records the most in flight at once. List
// requests pass straight through. Held for long means fewer than n could be
// in flight at once: the test fails.
type gate struct {
	t        *testing.T
	rt       http.RoundTripper
	n        int
	open     chan struct{} // closed once n were in flight
	mu       sync.Mutex
	inFlight int
	most     int
}

func (g *gate) RoundTrip(r *http.Request) (*http.Response, error) {
	if strings.HasSuffix(r.URL.Path, "/actions/runners") {
		return g.rt.RoundTrip(r)
	}
	g.mu.Lock()
	g.inFlight++
	if g.inFlight > g.most {
		if g.most = g.inFlight; g.most == g.n {
			close(g.open)
		}
	}
	g.mu.Unlock()
	select {
	case <-g.open:
	case <-time.After(10 * time.Second): // a watchdog: never reached when n can be in flight
		g.t.Errorf("fewer than %d requests in flight at once", g.n)
	}
	resp, err := g.rt.RoundTrip(r)
	g.mu.Lock()
	g.inFlight--
	g.mu.Unlock()
	return resp, err
}

func TestPruneConcurrencyBound(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct{ concurrency, want int }{{0, 4}, {3, 3}, {1, 1}} {
		t.Run(strconv.Itoa(tc.concurrency), func(t *testing.T) {
			t.Parallel()
			g := &gate{t: t, n: tc.want, open: make(chan struct{})}
			_, st, s := newFake(t, func(rt http.RoundTripper) http.RoundTripper { g.rt = rt; return g })
			for i := range 24 { // a multiple of each n: no short tail
				st.AddRunner(runners.Runner{Name: fmt.Sprintf("stale-%02d", i)})
			}

			rep, err := fleet.Prune(t.Context(), s, &fleet.PruneOptions{Concurrency: tc.concurrency})
			require.NoError(t, err)
			assert.Len(t, rep.Deleted, 24)
			g.mu.Lock()
			defer g.mu.Unlock()
			assert.Equal(t, tc.want, g.most, "most requests in flight at once")
		})
	}
}

// When ctx ends, the runners not yet handled are reported as failed with
// ctx's error, and so is the result.
func TestPruneContextEnds(t *testing.T) {
	t.Parallel()
	ctx, cancel := context.WithCancel(t.Context())
	defer cancel()
	_, st, s := newFake(t, after(func(r *http.Request, resp *http.Response) {
		if r.Method == http.MethodDelete {
			cancel() // after the first delete
		}
	}))
	for i := range 10 {
		st.AddRunner(runners.Runner{Name: fmt.Sprintf("stale-%d", i)})
	}

	rep, err := fleet.Prune(ctx, s, &fleet.PruneOptions{Concurrency: 1})
	assert.ErrorIs(t, err, context.Canceled)
	require.NotNil(t, rep)
	assert.Equal(t, []string{"stale-0"}, runnerNames(rep.Deleted))
	assert.Len(t, rep.Failed, 9)
	for _, e := range rep.Failed {
		assert.Equal(t, fleet.FailNotTried, e.Reason, e.Runner.Name)
		assert.ErrorIs(t, e.Err, context.Canceled, e.Runner.Name)
	}
	assert.Len(t, st.Runners(), 9)
}

// A list that fails deletes nothing; bad options send nothing.
func TestPruneListFailsAndBadOptions(t *testing.T) {
	t.Parallel()
	srv, st, s := newFake(t, nil)
	seedPrune(st)
	srv.FailNext(1, runnerstest.Fault{Status: http.StatusInternalServerError})

	rep, err := fleet.Prune(t.Context(), s, nil)
	assert.Nil(t, rep)
	var apiErr *runners.Error
	require.ErrorAs(t, err, &apiErr)
	assert.Equal(t, http.StatusInternalServerError, apiErr.StatusCode)
	assert.Len(t, st.Runners(), 8, "nothing deleted")

	for opts, msg := range map[*fleet.PruneOptions]string{
		{Concurrency: -1}:               "fleet: Prune: the concurrency must not be negative, got -1",
		{Labels: []string{"linux", ""}}: "fleet: Prune: label 1 is empty",
		{RunnerGroupID: -2}:             "fleet: Prune: the runner group ID must not be negative, got -2",
	} {
		rep, err := fleet.Prune(t.Context(), s, opts)
		assert.Nil(t, rep)
		assert.ErrorIs(t, err, runners.ErrInvalidArgument)
		assert.EqualError(t, err, msg)
	}
	assert.Len(t, srv.Requests(), 1, "bad options send nothing")
}

// A report prints on one line, with each runner's name, ID and reason, and
// no pointers, whatever the verb.
func TestPruneReportString(t *testing.T) {
	t.Parallel()
	busyErr := errors.New("runners: DELETE https://api.github.com/orgs/octo-org/actions/runners/2: 422 still running a job")
	rep := &fleet.PruneReport{
		Deleted: []*runners.Runner{{ID: 1, Name: "ci-a"}, {ID: 3, Name: "ci-c"}},
		Skipped: []fleet.PruneEntry{{Runner: &runners.Runner{ID: 2, Name: "ci-b"}, Reason: fleet.SkipTookJob, Err: busyErr}},
		Failed:  []fleet.PruneEntry{{Runner: &runners.Runner{ID: 4, Name: "ci-d"}, Reason: fleet.FailNotTried, Err: context.Canceled}, {Reason: fleet.FailGet}},
	}
	want := "deleted 2 [ci-a (ID 1), ci-c (ID 3)]; " +
		"skipped 1 [ci-b (ID 2): took a job since it was listed: " + busyErr.Error() + "]; " +
		"failed 2 [ci-d (ID 4): not tried: context canceled, <nil runner>: get failed]"
	assert.Equal(t, want, rep.String())
	for _, verb := range []string{"%v", "%+v", "%s"} {
		assert.Equal(t, want, fmt.Sprintf(verb, rep), verb)
		assert.Equal(t, want, fmt.Sprintf(verb, *rep), verb)
	}
	assert.Equal(t, "ci-b (ID 2): took a job since it was listed: "+busyErr.Error(), fmt.Sprint(rep.Skipped[0]))

	assert.Equal(t, "would delete 0; skipped 0; failed 0", fleet.PruneReport{DryRun: true}.String())
	assert.Equal(t, "deleted 0; skipped 0; failed 0", fmt.Sprint(&fleet.PruneReport{}))
}
