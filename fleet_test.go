package runners_test

import (
	"context"
	"fmt"
	"net/http"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/fleetkit/runners"
	"github.com/fleetkit/runners/runnerstest"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// The fleet helpers, tested against the fake: each test has its own server
// and works in the organization "octo-org".

const fleetOrg = "octo-org"

// fleetScope returns a fresh fake and the org scope of a client wired to it.
// wrap, when not nil, wraps the transport, so a test can watch or steer the
// requests.
func fleetScope(t *testing.T, wrap func(http.RoundTripper) http.RoundTripper) (*runnerstest.Server, *runnerstest.ScopeState, runners.Scope) {
	t.Helper()
	srv := runnerstest.NewServer()
	var rt http.RoundTripper = srv.Transport()
	if wrap != nil {
		rt = wrap(rt)
	}
	c, err := runners.NewClient(
		runners.WithBaseURL("http://runnerstest.localhost/"),
		runners.WithToken("ghp_fleet_test"),
		runners.WithHTTPClient(&http.Client{Transport: rt}),
	)
	require.NoError(t, err)
	return srv, srv.Org(fleetOrg), c.Org(fleetOrg)
}

// roundTripFunc is an http.RoundTripper written as a function.
type roundTripFunc func(*http.Request) (*http.Response, error)

func (f roundTripFunc) RoundTrip(r *http.Request) (*http.Response, error) { return f(r) }

// after calls fn with each request and its response once the response has
// come back, before the client sees it.
func after(fn func(*http.Request, *http.Response)) func(http.RoundTripper) http.RoundTripper {
	return func(rt http.RoundTripper) http.RoundTripper {
		return roundTripFunc(func(r *http.Request) (*http.Response, error) {
			resp, err := rt.RoundTrip(r)
			if err == nil {
				fn(r, resp)
			}
			return resp, err
		})
	}
}

// countRequests counts the requests srv received with method whose path
// ends in suffix.
func countRequests(t *testing.T, srv *runnerstest.Server, method, suffix string) int {
	t.Helper()
	n := 0
	for _, r := range srv.Requests() {
		if r.Method == method && strings.HasSuffix(r.Path, suffix) {
			n++
		}
	}
	return n
}

// busyFault is the 422 GitHub answers for deleting a runner that is running
// a job, for the next DELETE of runner id.
func busyFault(id int64) runnerstest.Fault {
	return runnerstest.Fault{
		Status:     http.StatusUnprocessableEntity,
		Method:     http.MethodDelete,
		PathSuffix: "/actions/runners/" + strconv.FormatInt(id, 10),
		Body:       `{"message":"Bad request - Runner \"r\" is still running a job\"","documentation_url":"https://docs.github.com/rest/actions/self-hosted-runners","status":"422"}`,
	}
}

func runnerNames(rs []*runners.Runner) []string {
	var out []string // nil for none
	for _, r := range rs {
		out = append(out, r.Name)
	}
	return out
}

func stateNames(rs []runners.Runner) []string {
	out := make([]string, len(rs))
	for i, r := range rs {
		out[i] = r.Name
	}
	return out
}

// entryNames returns "name: reason" for each entry.
func entryNames(es []runners.PruneEntry) []string {
	out := make([]string, len(es))
	for i, e := range es {
		out[i] = e.Runner.Name + ": " + e.Reason
	}
	return out
}

func TestFindRunner(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	srv, st, s := fleetScope(t, nil)
	st.AddRunner(runners.Runner{ID: 10, Name: "build-10"})
	st.AddRunner(runners.Runner{ID: 11, Name: "build-1", Status: runners.RunnerOnline})
	st.AddRunner(runners.Runner{ID: 12, Name: "build-1x"})

	r, err := runners.FindRunner(ctx, s, "build-1")
	require.NoError(t, err)
	assert.Equal(t, int64(11), r.ID)
	assert.Equal(t, runners.RunnerOnline, r.Status)
	reqs := srv.Requests()
	require.Len(t, reqs, 1, "one request, with the name filter")
	assert.Equal(t, "build-1", reqs[0].Query.Get("name"))

	_, err = runners.FindRunner(ctx, s, "build-2")
	assert.ErrorIs(t, err, runners.ErrNotFound)
	var apiErr *runners.Error
	require.ErrorAs(t, err, &apiErr)
	assert.Equal(t, 0, apiErr.StatusCode, "no 404 was answered: the list was empty")
	assert.Contains(t, err.Error(), `"build-2"`)

	before := len(srv.Requests())
	_, err = runners.FindRunner(ctx, s, "")
	assert.ErrorIs(t, err, runners.ErrInvalidArgument)
	assert.Len(t, srv.Requests(), before, "an empty name sends nothing")

	srv.FailNext(1, runnerstest.Fault{Status: http.StatusForbidden})
	_, err = runners.FindRunner(ctx, s, "build-1")
	assert.ErrorIs(t, err, runners.ErrForbidden, "an API error comes back as it is")
	assert.NotErrorIs(t, err, runners.ErrNotFound)
}

func TestDeleteRunnerWhenIdleDeletesIdleRunner(t *testing.T) {
	t.Parallel()
	srv, st, s := fleetScope(t, nil)
	st.AddRunner(runners.Runner{ID: 7, Name: "idle"})

	require.NoError(t, runners.DeleteRunnerWhenIdle(context.Background(), s, 7, nil))
	assert.Empty(t, st.Runners())
	assert.Equal(t, 1, countRequests(t, srv, http.MethodDelete, "/actions/runners/7"))
}

// A busy runner is asked for again until it has finished its job.
func TestDeleteRunnerWhenIdleWaitsWhileBusy(t *testing.T) {
	t.Parallel()
	var st *runnerstest.ScopeState
	var mu sync.Mutex
	refused := 0
	srv, st, s := fleetScope(t, after(func(r *http.Request, resp *http.Response) {
		if r.Method != http.MethodDelete || resp.StatusCode != http.StatusUnprocessableEntity {
			return
		}
		mu.Lock()
		defer mu.Unlock()
		if refused++; refused == 3 { // the job ends after the third refusal
			st.UpdateRunner(7, func(r *runners.Runner) { r.Busy = false })
		}
	}))
	st.AddRunner(runners.Runner{ID: 7, Name: "busy", Status: runners.RunnerOnline, Busy: true})

	err := runners.DeleteRunnerWhenIdle(context.Background(), s, 7, &runners.DeleteOptions{PollInterval: time.Millisecond})
	require.NoError(t, err)
	assert.Empty(t, st.Runners(), "deleted once idle")
	assert.Equal(t, 4, countRequests(t, srv, http.MethodDelete, "/actions/runners/7"), "3 refused, then deleted")
}

// The end of the context ends the wait, however long the poll interval.
func TestDeleteRunnerWhenIdleStopsWithContext(t *testing.T) {
	t.Parallel()
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	srv, st, s := fleetScope(t, after(func(r *http.Request, resp *http.Response) {
		if resp.StatusCode == http.StatusUnprocessableEntity {
			cancel()
		}
	}))
	st.AddRunner(runners.Runner{ID: 7, Name: "busy", Status: runners.RunnerOnline, Busy: true})

	err := runners.DeleteRunnerWhenIdle(ctx, s, 7, &runners.DeleteOptions{PollInterval: time.Hour})
	assert.ErrorIs(t, err, context.Canceled)
	assert.ErrorIs(t, err, runners.ErrRunnerBusy, "the error also says why it waited")
	var apiErr *runners.Error
	require.ErrorAs(t, err, &apiErr)
	assert.Equal(t, http.StatusUnprocessableEntity, apiErr.StatusCode)
	assert.Len(t, st.Runners(), 1, "the busy runner is still there")
	assert.Equal(t, 1, countRequests(t, srv, http.MethodDelete, "/actions/runners/7"))
}

func TestDeleteRunnerWhenIdleMissingOK(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	srv, _, s := fleetScope(t, nil)

	err := runners.DeleteRunnerWhenIdle(ctx, s, 404, nil)
	assert.ErrorIs(t, err, runners.ErrNotFound, "a missing runner is an error by default")
	assert.NoError(t, runners.DeleteRunnerWhenIdle(ctx, s, 404, &runners.DeleteOptions{MissingOK: true}))
	assert.Equal(t, 2, countRequests(t, srv, http.MethodDelete, "/actions/runners/404"))
}

// Errors other than "busy" are not waited on; bad options send nothing.
func TestDeleteRunnerWhenIdleOtherErrors(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	srv, st, s := fleetScope(t, nil)
	st.AddRunner(runners.Runner{ID: 7, Name: "idle"})

	srv.FailNext(1, runnerstest.Fault{Status: http.StatusForbidden, Method: http.MethodDelete})
	err := runners.DeleteRunnerWhenIdle(ctx, s, 7, &runners.DeleteOptions{PollInterval: time.Millisecond})
	assert.ErrorIs(t, err, runners.ErrForbidden)
	assert.Equal(t, 1, countRequests(t, srv, http.MethodDelete, "/actions/runners/7"), "not tried again")

	err = runners.DeleteRunnerWhenIdle(ctx, s, 7, &runners.DeleteOptions{PollInterval: -time.Second})
	assert.ErrorIs(t, err, runners.ErrInvalidArgument)
	err = runners.DeleteRunnerWhenIdle(ctx, s, 0, nil)
	assert.ErrorIs(t, err, runners.ErrInvalidArgument)
	assert.Equal(t, 1, countRequests(t, srv, http.MethodDelete, ""), "bad input sends nothing")
	assert.Len(t, st.Runners(), 1)
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

func TestPruneRunners(t *testing.T) {
	t.Parallel()
	srv, st, s := fleetScope(t, nil)
	seedPrune(st)

	rep, err := runners.PruneRunners(context.Background(), s, runners.PruneOptions{NamePrefix: "ci-"})
	require.NoError(t, err)
	assert.Equal(t, []string{"ci-a", "ci-b", "ci-g"}, runnerNames(rep.Deleted))
	assert.Equal(t, []string{"ci-c: online", "ci-d: busy", "ci-e: busy", "ci-f: online"}, entryNames(rep.Skipped))
	assert.Empty(t, rep.Failed)
	for _, e := range rep.Skipped {
		assert.NoError(t, e.Err, "%s was skipped from the list, with no request", e.Runner.Name)
	}
	assert.Equal(t, []string{"ci-c", "ci-d", "ci-e", "other-1", "ci-f"}, stateNames(st.Runners()))
	assert.Equal(t, 3, countRequests(t, srv, http.MethodDelete, ""), "one DELETE per deleted runner")
	for _, id := range []string{"3", "4", "5", "6", "7"} {
		assert.Zero(t, countRequests(t, srv, http.MethodDelete, "/actions/runners/"+id), "runner %s is never deleted", id)
	}
}

func TestPruneRunnersDryRun(t *testing.T) {
	t.Parallel()
	srv, st, s := fleetScope(t, nil)
	seedPrune(st)
	before := st.Runners()

	rep, err := runners.PruneRunners(context.Background(), s, runners.PruneOptions{NamePrefix: "ci-", DryRun: true})
	require.NoError(t, err)
	assert.Equal(t, []string{"ci-a", "ci-b", "ci-g"}, runnerNames(rep.Deleted), "what would be deleted")
	assert.Equal(t, []string{"ci-c: online", "ci-d: busy", "ci-e: busy", "ci-f: online"}, entryNames(rep.Skipped))
	assert.Empty(t, rep.Failed)
	assert.Equal(t, before, st.Runners(), "nothing changed")
	for _, r := range srv.Requests() {
		assert.Equal(t, http.MethodGet, r.Method, "%s %s", r.Method, r.Path)
		assert.True(t, strings.HasSuffix(r.Path, "/actions/runners"), "only the list is read: %s", r.Path)
	}
}

// The filters combine: prefix, labels (any case) and Match must all agree.
func TestPruneRunnersFilters(t *testing.T) {
	t.Parallel()
	cases := []struct {
		name string
		opts runners.PruneOptions
		want []string // deleted
	}{
		{"everything offline and idle", runners.PruneOptions{}, []string{"ci-a", "ci-b", "other-1", "ci-g"}},
		{"label, any case", runners.PruneOptions{Labels: []string{"GPU"}}, []string{"ci-a"}},
		{"labels all required", runners.PruneOptions{Labels: []string{"gpu", "self-hosted"}}, nil},
		{"match", runners.PruneOptions{Match: func(r *runners.Runner) bool { return r.ID%2 == 0 }}, []string{"ci-b", "other-1", "ci-g"}},
		{"prefix and match", runners.PruneOptions{NamePrefix: "ci-", Match: func(r *runners.Runner) bool { return r.ID != 2 }}, []string{"ci-a", "ci-g"}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			_, st, s := fleetScope(t, nil)
			seedPrune(st)
			rep, err := runners.PruneRunners(context.Background(), s, tc.opts)
			require.NoError(t, err)
			assert.Equal(t, tc.want, runnerNames(rep.Deleted))
			assert.Len(t, st.Runners(), 8-len(tc.want))
		})
	}
}

// A runner that takes a job between the list and the delete is refused by
// GitHub (422): it is skipped, not failed, and stays.
func TestPruneRunnersRunnerTurnsBusyBeforeDelete(t *testing.T) {
	t.Parallel()
	srv, st, s := fleetScope(t, nil)
	seedPrune(st)
	srv.FailNext(1, busyFault(2))

	rep, err := runners.PruneRunners(context.Background(), s, runners.PruneOptions{NamePrefix: "ci-"})
	require.NoError(t, err)
	assert.Equal(t, []string{"ci-a", "ci-g"}, runnerNames(rep.Deleted))
	assert.Equal(t, []string{"ci-b: took a job since it was listed", "ci-c: online", "ci-d: busy", "ci-e: busy", "ci-f: online"}, entryNames(rep.Skipped))
	assert.ErrorIs(t, rep.Skipped[0].Err, runners.ErrRunnerBusy)
	assert.Empty(t, rep.Failed)
	_, stays := st.Runner(2)
	assert.True(t, stays, "ci-b is still registered")
}

// A runner that comes online or takes a job after the list is seen when the
// runner is looked at again, and no DELETE is sent for it.
func TestPruneRunnersRechecksBeforeDelete(t *testing.T) {
	t.Parallel()
	srv, st, s := fleetScope(t, nil)
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

	rep, err := runners.PruneRunners(context.Background(), s, runners.PruneOptions{NamePrefix: "ci-", Match: match})
	require.NoError(t, err)
	assert.Empty(t, rep.Deleted)
	assert.Equal(t, []string{
		"ci-a: came online since it was listed", "ci-b: took a job since it was listed",
		"ci-c: online", "ci-d: busy", "ci-e: busy", "ci-f: online", "ci-g: already gone",
	}, entryNames(rep.Skipped))
	assert.Equal(t, runners.RunnerOnline, rep.Skipped[0].Runner.Status, "the runner as seen again")
	assert.ErrorIs(t, rep.Skipped[6].Err, runners.ErrNotFound)
	assert.Empty(t, rep.Failed)
	assert.Zero(t, countRequests(t, srv, http.MethodDelete, ""), "no DELETE")
	assert.Len(t, st.Runners(), 7)
}

// A delete that fails is reported with its error; the others go ahead.
func TestPruneRunnersReportsFailures(t *testing.T) {
	t.Parallel()
	srv, st, s := fleetScope(t, nil)
	seedPrune(st)
	srv.FailNext(1, runnerstest.Fault{Status: http.StatusBadGateway, Method: http.MethodDelete, PathSuffix: "/actions/runners/1"})
	srv.FailNext(1, runnerstest.Fault{Status: http.StatusForbidden, Method: http.MethodGet, PathSuffix: "/actions/runners/8"})

	rep, err := runners.PruneRunners(context.Background(), s, runners.PruneOptions{NamePrefix: "ci-"})
	require.NoError(t, err, "failed deletes are in the report")
	assert.Equal(t, []string{"ci-b"}, runnerNames(rep.Deleted))
	assert.Equal(t, []string{"ci-a: delete failed", "ci-g: get failed"}, entryNames(rep.Failed))
	var apiErr *runners.Error
	require.ErrorAs(t, rep.Failed[0].Err, &apiErr)
	assert.Equal(t, http.StatusBadGateway, apiErr.StatusCode)
	assert.ErrorIs(t, rep.Failed[1].Err, runners.ErrForbidden)
	assert.Len(t, rep.Skipped, 4)
	assert.Equal(t, []string{"ci-a", "ci-c", "ci-d", "ci-e", "other-1", "ci-f", "ci-g"}, stateNames(st.Runners()))
}

// Every runner is listed before the first DELETE: deleting while paging
// would shift runners onto pages already read and miss them.
func TestPruneRunnersListsEverythingFirst(t *testing.T) {
	t.Parallel()
	srv, st, s := fleetScope(t, nil)
	for i := range 250 {
		st.AddRunner(runners.Runner{Name: fmt.Sprintf("stale-%03d", i)})
	}

	rep, err := runners.PruneRunners(context.Background(), s, runners.PruneOptions{Concurrency: 8})
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

// gate holds each request for a runner until n are in flight (or a moment
// has passed, for a tail shorter than n), and records the most in flight at
// once. List requests pass straight through.
type gate struct {
	rt       http.RoundTripper
	n        int
	mu       sync.Mutex
	inFlight int
	most     int
	open     chan struct{}
}

func (g *gate) RoundTrip(r *http.Request) (*http.Response, error) {
	if strings.HasSuffix(r.URL.Path, "/actions/runners") {
		return g.rt.RoundTrip(r)
	}
	g.mu.Lock()
	g.inFlight++
	g.most = max(g.most, g.inFlight)
	open := g.open
	if g.inFlight >= g.n {
		close(open)
		g.open = make(chan struct{})
	}
	g.mu.Unlock()
	select {
	case <-open:
	case <-time.After(200 * time.Millisecond):
	}
	resp, err := g.rt.RoundTrip(r)
	g.mu.Lock()
	g.inFlight--
	g.mu.Unlock()
	return resp, err
}

func TestPruneRunnersConcurrencyBound(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct{ concurrency, want int }{{0, 4}, {3, 3}, {1, 1}} {
		t.Run(strconv.Itoa(tc.concurrency), func(t *testing.T) {
			t.Parallel()
			g := &gate{n: tc.want, open: make(chan struct{})}
			_, st, s := fleetScope(t, func(rt http.RoundTripper) http.RoundTripper { g.rt = rt; return g })
			for i := range 24 {
				st.AddRunner(runners.Runner{Name: fmt.Sprintf("stale-%02d", i)})
			}

			rep, err := runners.PruneRunners(context.Background(), s, runners.PruneOptions{Concurrency: tc.concurrency})
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
func TestPruneRunnersContextEnds(t *testing.T) {
	t.Parallel()
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	_, st, s := fleetScope(t, after(func(r *http.Request, resp *http.Response) {
		if r.Method == http.MethodDelete {
			cancel() // after the first delete
		}
	}))
	for i := range 10 {
		st.AddRunner(runners.Runner{Name: fmt.Sprintf("stale-%d", i)})
	}

	rep, err := runners.PruneRunners(ctx, s, runners.PruneOptions{Concurrency: 1})
	assert.ErrorIs(t, err, context.Canceled)
	require.NotNil(t, rep)
	assert.Equal(t, []string{"stale-0"}, runnerNames(rep.Deleted))
	assert.Len(t, rep.Failed, 9)
	for _, e := range rep.Failed {
		assert.ErrorIs(t, e.Err, context.Canceled, e.Runner.Name)
	}
	assert.Len(t, st.Runners(), 9)
}

func TestPruneRunnersListFails(t *testing.T) {
	t.Parallel()
	srv, st, s := fleetScope(t, nil)
	seedPrune(st)
	srv.FailNext(1, runnerstest.Fault{Status: http.StatusInternalServerError})

	rep, err := runners.PruneRunners(context.Background(), s, runners.PruneOptions{})
	assert.Nil(t, rep)
	var apiErr *runners.Error
	require.ErrorAs(t, err, &apiErr)
	assert.Equal(t, http.StatusInternalServerError, apiErr.StatusCode)
	assert.Len(t, st.Runners(), 8, "nothing deleted")

	_, err = runners.PruneRunners(context.Background(), s, runners.PruneOptions{Concurrency: -1})
	assert.ErrorIs(t, err, runners.ErrInvalidArgument)
	assert.Zero(t, countRequests(t, srv, http.MethodDelete, ""))
	assert.Len(t, srv.Requests(), 1, "bad options send nothing")
}

const tokenPath = "/actions/runners/registration-token"

// A token is reused while more than the margin of its hour is left.
func TestTokenCacheMargin(t *testing.T) {
	t.Parallel()
	t0 := time.Date(2026, 3, 10, 12, 0, 0, 0, time.UTC)
	for _, tc := range []struct {
		margin, reuseUntil time.Duration // reused at t0+reuseUntil-1s, renewed at t0+reuseUntil
	}{
		{0, 30 * time.Minute}, // the default margin: 30 minutes
		{5 * time.Minute, 55 * time.Minute},
		{-time.Minute, 30 * time.Minute},
	} {
		t.Run(tc.margin.String(), func(t *testing.T) {
			t.Parallel()
			ctx := context.Background()
			clock := runnerstest.NewClock(t0)
			srv, _, s := fleetScope(t, nil)
			srv.SetClock(clock)
			cache := runners.NewTokenCache(s, tc.margin)
			runners.SetTokenCacheClock(cache, clock.Now)

			first, err := cache.Get(ctx)
			require.NoError(t, err)
			assert.True(t, first.ExpiresAt.Equal(t0.Add(time.Hour)), "expires at %v", first.ExpiresAt)
			assert.NotEmpty(t, first.Token)

			clock.Set(t0.Add(tc.reuseUntil - time.Second))
			again, err := cache.Get(ctx)
			require.NoError(t, err)
			assert.True(t, again.Token == first.Token, "reused while more than the margin is left")
			assert.Equal(t, 1, countRequests(t, srv, http.MethodPost, tokenPath))

			clock.Set(t0.Add(tc.reuseUntil))
			renewed, err := cache.Get(ctx)
			require.NoError(t, err)
			assert.False(t, renewed.Token == first.Token, "renewed once only the margin is left")
			assert.True(t, renewed.ExpiresAt.Equal(t0.Add(tc.reuseUntil+time.Hour)), "expires at %v", renewed.ExpiresAt)
			assert.Equal(t, 2, countRequests(t, srv, http.MethodPost, tokenPath))
		})
	}
}

// Callers that ask at the same time share one request.
func TestTokenCacheConcurrentCallersShareOneRequest(t *testing.T) {
	t.Parallel()
	for _, callers := range []int{2, 50} {
		t.Run(strconv.Itoa(callers), func(t *testing.T) {
			t.Parallel()
			release := make(chan struct{})
			hold := func(rt http.RoundTripper) http.RoundTripper {
				return roundTripFunc(func(r *http.Request) (*http.Response, error) {
					if r.Method == http.MethodPost {
						<-release // the token request is slow: every caller asks meanwhile
					}
					return rt.RoundTrip(r)
				})
			}
			srv, _, s := fleetScope(t, hold)
			cache := runners.NewTokenCache(s, 0)

			var started, done sync.WaitGroup
			tokens := make([]string, callers)
			errs := make([]error, callers)
			for i := range callers {
				started.Add(1)
				done.Add(1)
				go func() {
					defer done.Done()
					started.Done()
					tok, err := cache.Get(context.Background())
					errs[i] = err
					if tok != nil {
						tokens[i] = tok.Token
					}
				}()
			}
			started.Wait()
			time.Sleep(20 * time.Millisecond) // let every caller reach Get while the request is held
			close(release)
			done.Wait()

			for i := range callers {
				require.NoError(t, errs[i], "caller %d", i)
				assert.True(t, tokens[i] != "" && tokens[i] == tokens[0], "caller %d got the shared token", i)
			}
			assert.Equal(t, 1, countRequests(t, srv, http.MethodPost, tokenPath), "one request for %d callers", callers)
		})
	}
}

// An error is returned, not kept: the next call asks again.
func TestTokenCacheErrorNotCached(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	srv, _, s := fleetScope(t, nil)
	cache := runners.NewTokenCache(s, 0)
	srv.FailNext(1, runnerstest.Fault{Status: http.StatusForbidden, Method: http.MethodPost})

	tok, err := cache.Get(ctx)
	assert.Nil(t, tok)
	assert.ErrorIs(t, err, runners.ErrForbidden)
	tok, err = cache.Get(ctx)
	require.NoError(t, err)
	assert.NotEmpty(t, tok.Token)
	assert.Equal(t, 2, countRequests(t, srv, http.MethodPost, tokenPath))

	tok.Token = "changed by the caller"
	again, err := cache.Get(ctx)
	require.NoError(t, err)
	assert.False(t, again.Token == "changed by the caller", "each caller gets its own copy")
	assert.Equal(t, 2, countRequests(t, srv, http.MethodPost, tokenPath))
}

// A caller whose context ends stops waiting; a caller whose request was
// sent by one that gave up asks for itself.
func TestTokenCacheContexts(t *testing.T) {
	t.Parallel()
	arrived := make(chan struct{}, 1)
	var mu sync.Mutex
	posts := 0
	srv, _, s := fleetScope(t, func(rt http.RoundTripper) http.RoundTripper {
		return roundTripFunc(func(r *http.Request) (*http.Response, error) {
			if r.Method == http.MethodPost {
				mu.Lock()
				posts++
				first := posts == 1
				mu.Unlock()
				if first { // the first request hangs until its caller gives up
					arrived <- struct{}{}
					<-r.Context().Done()
					return nil, r.Context().Err()
				}
			}
			return rt.RoundTrip(r)
		})
	})
	cache := runners.NewTokenCache(s, 0)

	leaderCtx, cancelLeader := context.WithCancel(context.Background())
	leaderErr := make(chan error, 1)
	go func() {
		_, err := cache.Get(leaderCtx)
		leaderErr <- err
	}()
	<-arrived // the leader's request hangs

	// A waiter whose context ends gives up at once.
	shortCtx, cancelShort := context.WithCancel(context.Background())
	cancelShort()
	_, err := cache.Get(shortCtx)
	assert.ErrorIs(t, err, context.Canceled)

	// A patient waiter outlives the leader's cancellation and gets a token.
	waiter := make(chan *runners.Token, 1)
	go func() {
		tok, err := cache.Get(context.Background())
		assert.NoError(t, err)
		waiter <- tok
	}()
	time.Sleep(10 * time.Millisecond) // let the waiter wait on the leader's request
	cancelLeader()
	assert.ErrorIs(t, <-leaderErr, context.Canceled)
	tok := <-waiter
	require.NotNil(t, tok)
	assert.NotEmpty(t, tok.Token)
	assert.Equal(t, 1, countRequests(t, srv, http.MethodPost, tokenPath), "the fake saw only the waiter's request")
}

func TestGenerateJITConfigReplacingNoConflict(t *testing.T) {
	t.Parallel()
	srv, st, s := fleetScope(t, nil)
	req := &runners.JITConfigRequest{Name: "jit-1", RunnerGroupID: 1, Labels: []string{"linux"}}
	called := false
	jit, err := runners.GenerateJITConfigReplacing(context.Background(), s, req, func(*runners.Runner) bool { called = true; return true })
	require.NoError(t, err)
	assert.Equal(t, "jit-1", jit.Runner.Name)
	assert.NotEmpty(t, jit.EncodedJITConfig)
	assert.False(t, called, "owns is only asked after a conflict")
	assert.Len(t, srv.Requests(), 1)
	assert.Len(t, st.Runners(), 1)
}

// ownsEphemeralOffline is what a JIT autoscaler typically owns.
func ownsEphemeralOffline(r *runners.Runner) bool {
	return r.Ephemeral && r.Status == runners.RunnerOffline && strings.HasPrefix(r.Name, "jit-")
}

// The usual 409: a runner of that name left behind by an earlier try. It is
// deleted, and the config made again, once.
func TestGenerateJITConfigReplacingReplacesOwnedIdleRunner(t *testing.T) {
	t.Parallel()
	srv, st, s := fleetScope(t, nil)
	st.AddRunner(runners.Runner{ID: 5, Name: "jit-1", Ephemeral: true})
	st.AddRunner(runners.Runner{ID: 6, Name: "jit-2", Ephemeral: true})
	req := &runners.JITConfigRequest{Name: "jit-1", RunnerGroupID: 1, Labels: []string{"linux"}}

	var seen []*runners.Runner
	jit, err := runners.GenerateJITConfigReplacing(context.Background(), s, req, func(r *runners.Runner) bool {
		seen = append(seen, r)
		return ownsEphemeralOffline(r)
	})
	require.NoError(t, err)
	require.Len(t, seen, 1)
	assert.Equal(t, int64(5), seen[0].ID, "owns is asked about the runner in the way")
	assert.Equal(t, "jit-1", jit.Runner.Name)
	assert.NotEqual(t, int64(5), jit.Runner.ID, "a new runner")
	assert.Equal(t, []string{"jit-2", "jit-1"}, stateNames(st.Runners()))

	var got []string
	for _, r := range srv.Requests() {
		got = append(got, r.Method+" "+strings.TrimPrefix(r.Path, "/orgs/octo-org")+" "+r.Query.Encode())
	}
	assert.Equal(t, []string{
		"POST /actions/runners/generate-jitconfig ",
		"GET /actions/runners name=jit-1&per_page=100",
		"DELETE /actions/runners/5 ",
		"POST /actions/runners/generate-jitconfig ",
	}, got)
}

// A runner that is not the caller's, or is busy, is never deleted: the
// conflict comes back.
func TestGenerateJITConfigReplacingKeepsOthers(t *testing.T) {
	t.Parallel()
	cases := []struct {
		name   string
		runner runners.Runner
		owns   func(*runners.Runner) bool
	}{
		{"not owned", runners.Runner{ID: 5, Name: "jit-1"}, ownsEphemeralOffline},
		{"busy", runners.Runner{ID: 5, Name: "jit-1", Ephemeral: true, Busy: true}, ownsEphemeralOffline},
		{"busy, owns everything", runners.Runner{ID: 5, Name: "jit-1", Busy: true, Status: runners.RunnerOnline}, func(*runners.Runner) bool { return true }},
		{"nil owns", runners.Runner{ID: 5, Name: "jit-1", Ephemeral: true}, nil},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			srv, st, s := fleetScope(t, nil)
			st.AddRunner(tc.runner)
			req := &runners.JITConfigRequest{Name: "jit-1", RunnerGroupID: 1, Labels: []string{"linux"}}

			jit, err := runners.GenerateJITConfigReplacing(context.Background(), s, req, tc.owns)
			assert.Nil(t, jit)
			assert.ErrorIs(t, err, runners.ErrConflict)
			var apiErr *runners.Error
			require.ErrorAs(t, err, &apiErr)
			assert.Equal(t, http.StatusConflict, apiErr.StatusCode)
			assert.Zero(t, countRequests(t, srv, http.MethodDelete, ""), "nothing deleted")
			assert.Equal(t, 1, countRequests(t, srv, http.MethodPost, "/generate-jitconfig"), "not tried again")
			assert.Len(t, st.Runners(), 1)
		})
	}
}

// The second try is the last: a second 409 is returned.
func TestGenerateJITConfigReplacingTriesOnce(t *testing.T) {
	t.Parallel()
	var srv *runnerstest.Server
	var mu sync.Mutex
	deleted := false
	srv, st, s := fleetScope(t, func(rt http.RoundTripper) http.RoundTripper {
		return roundTripFunc(func(r *http.Request) (*http.Response, error) {
			mu.Lock()
			if deleted && r.Method == http.MethodPost { // someone takes the name again
				srv.FailNext(1, runnerstest.Fault{Status: http.StatusConflict, Method: http.MethodPost})
			}
			deleted = deleted || r.Method == http.MethodDelete
			mu.Unlock()
			return rt.RoundTrip(r)
		})
	})
	st.AddRunner(runners.Runner{ID: 5, Name: "jit-1", Ephemeral: true})
	req := &runners.JITConfigRequest{Name: "jit-1", RunnerGroupID: 1, Labels: []string{"linux"}}

	_, err := runners.GenerateJITConfigReplacing(context.Background(), s, req, ownsEphemeralOffline)
	assert.ErrorIs(t, err, runners.ErrConflict)
	assert.Equal(t, 2, countRequests(t, srv, http.MethodPost, "/generate-jitconfig"))
	assert.Equal(t, 1, countRequests(t, srv, http.MethodDelete, "/actions/runners/5"))
}

// A runner that takes a job between the look and the delete is refused by
// GitHub: the conflict comes back and the runner stays; a runner gone since
// the 409 leaves the way free.
func TestGenerateJITConfigReplacingRaces(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	req := &runners.JITConfigRequest{Name: "jit-1", RunnerGroupID: 1, Labels: []string{"linux"}}

	srv, st, s := fleetScope(t, nil)
	st.AddRunner(runners.Runner{ID: 5, Name: "jit-1", Ephemeral: true})
	srv.FailNext(1, busyFault(5))
	_, err := runners.GenerateJITConfigReplacing(ctx, s, req, ownsEphemeralOffline)
	assert.ErrorIs(t, err, runners.ErrConflict)
	assert.Equal(t, 1, countRequests(t, srv, http.MethodPost, "/generate-jitconfig"))
	_, stays := st.Runner(5)
	assert.True(t, stays)

	var st2 *runnerstest.ScopeState
	srv2, st2, s2 := fleetScope(t, after(func(r *http.Request, resp *http.Response) {
		if resp.StatusCode == http.StatusConflict {
			st2.RemoveRunner(5) // the runner ends on its own
		}
	}))
	st2.AddRunner(runners.Runner{ID: 5, Name: "jit-1", Ephemeral: true})
	jit, err := runners.GenerateJITConfigReplacing(ctx, s2, req, func(*runners.Runner) bool {
		t.Error("owns is not asked about a runner that is gone")
		return false
	})
	require.NoError(t, err)
	assert.Equal(t, "jit-1", jit.Runner.Name)
	assert.Zero(t, countRequests(t, srv2, http.MethodDelete, ""))
	assert.Equal(t, 2, countRequests(t, srv2, http.MethodPost, "/generate-jitconfig"))

	_, err = runners.GenerateJITConfigReplacing(ctx, s2, nil, ownsEphemeralOffline)
	assert.ErrorIs(t, err, runners.ErrInvalidArgument, "a bad request is refused before sending")
	assert.Equal(t, 2, countRequests(t, srv2, http.MethodPost, "/generate-jitconfig"))
}

// Prune a fleet: offline, idle runners go; busy and online ones stay.
func ExamplePruneRunners() {
	srv := runnerstest.NewServer()
	for _, r := range runnerstest.DocumentedRunners() { // linux_runner: online, busy; mac_runner: offline
		srv.Org("octo-org").AddRunner(r)
	}
	org := srv.Client().Org("octo-org")

	rep, err := runners.PruneRunners(context.Background(), org, runners.PruneOptions{DryRun: true})
	if err != nil {
		fmt.Println(err)
		return
	}
	for _, r := range rep.Deleted {
		fmt.Println("would delete", r.Name)
	}
	for _, s := range rep.Skipped {
		fmt.Println("skip", s.Runner.Name+":", s.Reason)
	}
	// Output:
	// would delete mac_runner
	// skip linux_runner: busy
}

// A JIT runner whose name is left over from an earlier try is replaced.
func ExampleGenerateJITConfigReplacing() {
	srv := runnerstest.NewServer()
	srv.Org("octo-org").AddRunner(runners.Runner{ID: 41, Name: "pool-a-7", Ephemeral: true}) // never started
	org := srv.Client().Org("octo-org")

	req := &runners.JITConfigRequest{Name: "pool-a-7", RunnerGroupID: 1, Labels: []string{"linux"}}
	owns := func(r *runners.Runner) bool {
		return r.Ephemeral && r.Status == runners.RunnerOffline && strings.HasPrefix(r.Name, "pool-a-")
	}
	jit, err := runners.GenerateJITConfigReplacing(context.Background(), org, req, owns)
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println(jit.Runner.Name, "replaces runner 41:", jit.Runner.ID != 41)
	// Output:
	// pool-a-7 replaces runner 41: true
}
