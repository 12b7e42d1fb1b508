package fleet

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/fleetkit/runners"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// groupRequest is one request the group test server received.
type groupRequest struct {
	Method, Path, Query string
	Body                []byte
}

// groupServer plays GitHub's runner group endpoints of one scope: it lists
// its groups page by page (with a Link header, as GitHub sends), gets one,
// answers an update with the group as changed, and records every request.
type groupServer struct {
	t      *testing.T
	groups []map[string]any // in list order; "id" and "name" at least

	mu     sync.Mutex
	reqs   []groupRequest
	status []int         // the statuses of the next answers, first first; 200 when none is left
	gate   chan struct{} // when set, a list request waits for it to close
	onList func()        // when set, called as a list request arrives
}

func newGroupServer(t *testing.T, groups ...map[string]any) (*groupServer, *runners.Client) {
	t.Helper()
	s := &groupServer{t: t, groups: groups}
	srv := httptest.NewServer(s)
	t.Cleanup(srv.Close)
	c, err := runners.NewClient(runners.WithBaseURL(srv.URL), runners.WithToken("test-token"))
	require.NoError(t, err)
	return s, c
}

// namedGroups returns n groups named group-1 to group-n, IDs 1 to n.
func namedGroups(n int) []map[string]any {
	var gs []map[string]any
	for i := 1; i <= n; i++ {
		gs = append(gs, map[string]any{"id": i, "name": "group-" + strconv.Itoa(i), "visibility": "all", "default": i == 1,
			"runners_url": "u", "allows_public_repositories": false})
	}
	return gs
}

func (s *groupServer) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	body, _ := io.ReadAll(r.Body)
	s.mu.Lock()
	s.reqs = append(s.reqs, groupRequest{r.Method, r.URL.Path, r.URL.RawQuery, body})
	status := http.StatusOK
	if len(s.status) > 0 {
		status, s.status = s.status[0], s.status[1:]
	}
	gate, onList := s.gate, s.onList
	s.mu.Unlock()
	w.Header().Set("Content-Type", "application/json")
	if status != http.StatusOK {
		w.WriteHeader(status)
		fmt.Fprintf(w, `{"message":%q}`, http.StatusText(status))
		return
	}
	_, rest, _ := strings.Cut(r.URL.Path, "/actions/runner-groups")
	switch {
	case rest == "" && r.Method == http.MethodGet:
		if onList != nil {
			onList()
		}
		if gate != nil {
			<-gate
		}
		page, per := 1, 30
		if v := r.URL.Query().Get("page"); v != "" {
			page, _ = strconv.Atoi(v)
		}
		if v := r.URL.Query().Get("per_page"); v != "" {
			per, _ = strconv.Atoi(v)
		}
		items := s.groups[min((page-1)*per, len(s.groups)):min(page*per, len(s.groups))]
		if page*per < len(s.groups) {
			w.Header().Set("Link", fmt.Sprintf(`<https://api.github.com/x?page=%d&per_page=%d>; rel="next"`, page+1, per))
		}
		json.NewEncoder(w).Encode(map[string]any{"total_count": len(s.groups), "runner_groups": items})
	case r.Method == http.MethodGet || r.Method == http.MethodPatch:
		id, _ := strconv.Atoi(strings.TrimPrefix(rest, "/"))
		for _, g := range s.groups {
			if g["id"] == id {
				out := map[string]any{}
				for k, v := range g {
					out[k] = v
				}
				if r.Method == http.MethodPatch {
					var changes map[string]any
					json.Unmarshal(body, &changes)
					for k, v := range changes {
						out[k] = v
					}
				}
				json.NewEncoder(w).Encode(out)
				return
			}
		}
		w.WriteHeader(http.StatusNotFound)
		io.WriteString(w, `{"message":"Not Found"}`)
	default:
		s.t.Errorf("unexpected %s %s", r.Method, r.URL)
		w.WriteHeader(http.StatusTeapot)
	}
}

func (s *groupServer) requests() []groupRequest {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]groupRequest(nil), s.reqs...)
}

func (s *groupServer) queries() []string {
	var qs []string
	for _, r := range s.requests() {
		qs = append(qs, r.Query)
	}
	return qs
}

// failNext makes the next answers fail with the statuses given.
func (s *groupServer) failNext(statuses ...int) {
	s.mu.Lock()
	s.status = append(s.status, statuses...)
	s.mu.Unlock()
}

// groupClock is a clock a test moves by hand.
type groupClock struct{ ns atomic.Int64 } // Unix nanoseconds

func (c *groupClock) Now() time.Time { return time.Unix(0, c.ns.Load()).UTC() }

func (c *groupClock) Sleep(ctx context.Context, _ time.Duration) error { return ctx.Err() }

func (c *groupClock) advance(d time.Duration) { c.ns.Add(int64(d)) }

// assertInvalid checks err is bad input in this package's words.
func assertInvalid(t *testing.T, err error, what string) {
	t.Helper()
	require.ErrorIs(t, err, runners.ErrInvalidArgument)
	assert.True(t, strings.HasPrefix(err.Error(), "fleet: "+what+": "), "message %q", err)
}

// ---- FindRunnerGroup -------------------------------------------------------

func TestFindRunnerGroup(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		name      string
		groups    int
		find      string
		wantID    int64
		wantPages []string
	}{
		{"on the first page: one request", 3, "group-2", 2, []string{"per_page=100"}},
		{"the 100th: still one request", 250, "group-100", 100, []string{"per_page=100"}},
		{"on the second page", 150, "group-120", 120, []string{"per_page=100", "page=2&per_page=100"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			srv, c := newGroupServer(t, namedGroups(tc.groups)...)
			grp, err := FindRunnerGroup(t.Context(), c.Org("octo-org"), tc.find)
			require.NoError(t, err)
			assert.Equal(t, tc.wantID, grp.ID)
			assert.Equal(t, tc.find, grp.Name)
			assert.Equal(t, tc.wantPages, srv.queries())
			for _, r := range srv.requests() {
				assert.Equal(t, "/orgs/octo-org/actions/runner-groups", r.Path)
			}
		})
	}
}

func TestFindRunnerGroupExactName(t *testing.T) {
	t.Parallel()
	groups := []map[string]any{{"id": 1, "name": "Default"}, {"id": 2, "name": "GPU"}, {"id": 3, "name": "gpu-large"}, {"id": 4, "name": "gpu"}}
	srv, c := newGroupServer(t, groups...)
	grp, err := FindRunnerGroup(t.Context(), c.Enterprise("acme"), "gpu")
	require.NoError(t, err)
	assert.Equal(t, int64(4), grp.ID, "exact, case and all")
	assert.Equal(t, "/enterprises/acme/actions/runner-groups", srv.requests()[0].Path)
}

func TestFindRunnerGroupNotFound(t *testing.T) {
	t.Parallel()
	srv, c := newGroupServer(t, namedGroups(250)...)
	grp, err := FindRunnerGroup(t.Context(), c.Org("octo-org"), "group-251")
	assert.Nil(t, grp)
	require.ErrorIs(t, err, runners.ErrNotFound)
	assert.NotErrorIs(t, err, runners.ErrInvalidArgument)
	assert.Equal(t, `fleet: FindRunnerGroup: no runner group named "group-251" in orgs/octo-org`, err.Error())
	assert.Equal(t, []string{"per_page=100", "page=2&per_page=100", "page=3&per_page=100"}, srv.queries(), "every page, once")
}

// An empty name is an error, never the default group (garm#237).
func TestFindRunnerGroupBadInput(t *testing.T) {
	t.Parallel()
	srv, c := newGroupServer(t, namedGroups(3)...)
	var nilCtx context.Context
	for _, tc := range []struct {
		name string
		call func() error
	}{
		{"empty name", func() error { return opErr(FindRunnerGroup(t.Context(), c.Org("octo-org"), "")) }},
		{"nil scope", func() error { return opErr(FindRunnerGroup(t.Context(), nil, "group-1")) }},
		{"typed nil scope", func() error { return opErr(FindRunnerGroup(t.Context(), (*runners.OrgService)(nil), "group-1")) }},
		{"nil context", func() error { return opErr(FindRunnerGroup(nilCtx, c.Org("octo-org"), "group-1")) }},
	} {
		assertInvalid(t, tc.call(), "FindRunnerGroup")
	}
	assert.Empty(t, srv.requests(), "nothing sent")
}

func TestFindRunnerGroupErrorsPassThrough(t *testing.T) {
	t.Parallel()
	srv, c := newGroupServer(t, namedGroups(150)...)
	srv.failNext(http.StatusOK, http.StatusForbidden) // page 1 fine, page 2 refused
	_, err := FindRunnerGroup(t.Context(), c.Org("octo-org"), "group-150")
	require.ErrorIs(t, err, runners.ErrForbidden)
	var apiErr *runners.Error
	require.ErrorAs(t, err, &apiErr)
	assert.Equal(t, http.StatusForbidden, apiErr.StatusCode)
	assert.Len(t, srv.requests(), 2)
}

// opErr drops a result and keeps the error.
func opErr[T any](_ T, err error) error { return err }

// ---- GroupCache -------------------------------------------------------------

func newTestGroupCache(t *testing.T, ttl time.Duration, groups int) (*groupServer, *GroupCache, *groupClock) {
	t.Helper()
	srv, c := newGroupServer(t, namedGroups(groups)...)
	clock := &groupClock{}
	clock.ns.Store(time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC).UnixNano())
	return srv, NewGroupCache(c.Org("octo-org"), ttl).WithClock(clock), clock
}

func TestGroupCacheHitCostsNothing(t *testing.T) {
	t.Parallel()
	srv, cache, _ := newTestGroupCache(t, time.Hour, 3)
	for range 5 {
		id, err := cache.ID(t.Context(), "group-3")
		require.NoError(t, err)
		assert.Equal(t, int64(3), id)
	}
	assert.Len(t, srv.requests(), 1, "one lookup, then hits")

	id, err := cache.ID(t.Context(), "group-2")
	require.NoError(t, err)
	assert.Equal(t, int64(2), id)
	assert.Len(t, srv.requests(), 2, "another name is another lookup")
}

func TestGroupCacheExpires(t *testing.T) {
	t.Parallel()
	srv, cache, clock := newTestGroupCache(t, time.Hour, 3)
	_, err := cache.ID(t.Context(), "group-1")
	require.NoError(t, err)
	clock.advance(time.Hour - time.Nanosecond)
	_, err = cache.ID(t.Context(), "group-1")
	require.NoError(t, err)
	assert.Len(t, srv.requests(), 1, "still good just before the TTL")
	clock.advance(time.Nanosecond)
	_, err = cache.ID(t.Context(), "group-1")
	require.NoError(t, err)
	assert.Len(t, srv.requests(), 2, "looked up again at the TTL")
	clock.advance(time.Hour - time.Nanosecond)
	_, err = cache.ID(t.Context(), "group-1")
	require.NoError(t, err)
	assert.Len(t, srv.requests(), 2, "the TTL runs from the new lookup")
}

func TestGroupCacheErrorsNotCached(t *testing.T) {
	t.Parallel()
	srv, cache, _ := newTestGroupCache(t, time.Hour, 3)
	srv.failNext(http.StatusBadGateway)
	_, err := cache.ID(t.Context(), "group-1")
	require.Error(t, err)
	id, err := cache.ID(t.Context(), "group-1")
	require.NoError(t, err)
	assert.Equal(t, int64(1), id)
	assert.Len(t, srv.requests(), 2)

	for range 2 { // not found is not remembered either: the group may be created
		_, err = cache.ID(t.Context(), "group-9")
		require.ErrorIs(t, err, runners.ErrNotFound)
	}
	assert.Len(t, srv.requests(), 4)
}

func TestGroupCacheForget(t *testing.T) {
	t.Parallel()
	srv, cache, _ := newTestGroupCache(t, time.Hour, 3)
	_, err := cache.ID(t.Context(), "group-1")
	require.NoError(t, err)
	cache.Forget("group-1")
	cache.Forget("never looked up")
	_, err = cache.ID(t.Context(), "group-1")
	require.NoError(t, err)
	assert.Len(t, srv.requests(), 2)
}

// Callers asking for the same name while its lookup is in flight share it:
// one request for all of them.
func TestGroupCacheConcurrentCallersShareOneLookup(t *testing.T) {
	t.Parallel()
	const callers = 8
	srv, cache, _ := newTestGroupCache(t, time.Hour, 3)
	gate := make(chan struct{})
	// Each caller after the first signals once it waits for the first one's
	// lookup, or (were it to send its own request) once that request arrives.
	signals := make(chan struct{}, 2*callers)
	var lists int
	srv.mu.Lock()
	srv.gate, srv.onList = gate, func() {
		srv.mu.Lock()
		lists++
		n := lists
		srv.mu.Unlock()
		if n > 1 {
			signals <- struct{}{}
		}
		signals <- struct{}{} // the first: its lookup is at the server
	}
	srv.mu.Unlock()
	cache.onWait = func() { signals <- struct{}{} }

	ids := make(chan int64, callers)
	errs := make(chan error, callers)
	ask := func() {
		id, err := cache.ID(t.Context(), "group-2")
		ids <- id
		errs <- err
	}
	go ask()
	<-signals // the first caller's lookup waits at the server
	for range callers - 1 {
		go ask()
	}
	for range callers - 1 {
		<-signals
	}
	close(gate)
	for range callers {
		require.NoError(t, <-errs)
		assert.Equal(t, int64(2), <-ids)
	}
	assert.Len(t, srv.requests(), 1, "one lookup for every caller")
}

// A waiting caller whose context ends returns at once; the lookup goes on
// for the others. When the caller that looks up gives up, one still waiting
// looks up itself.
func TestGroupCacheContexts(t *testing.T) {
	t.Parallel()
	srv, cache, _ := newTestGroupCache(t, time.Hour, 3)
	gate := make(chan struct{})
	arrived := make(chan struct{})
	srv.mu.Lock()
	srv.gate, srv.onList = gate, func() {
		select {
		case <-arrived:
		default:
			close(arrived)
		}
	}
	srv.mu.Unlock()
	waits := make(chan struct{}, 2)
	cache.onWait = func() { waits <- struct{}{} }

	lookerCtx, cancelLooker := context.WithCancel(t.Context())
	lookerErr := make(chan error, 1)
	go func() { lookerErr <- opErr(cache.ID(lookerCtx, "group-2")) }()
	<-arrived

	// A waiter that gives up.
	waiterCtx, cancelWaiter := context.WithCancel(t.Context())
	waiterErr := make(chan error, 1)
	go func() { waiterErr <- opErr(cache.ID(waiterCtx, "group-2")) }()
	<-waits
	cancelWaiter()
	err := <-waiterErr
	require.ErrorIs(t, err, context.Canceled)
	assert.Contains(t, err.Error(), `fleet: GroupCache.ID: waiting for the lookup of runner group "group-2"`)

	// A waiter that stays, while the looker gives up.
	stayed := make(chan error, 1)
	var id int64
	go func() {
		var err error
		id, err = cache.ID(t.Context(), "group-2")
		stayed <- err
	}()
	<-waits
	cancelLooker()
	require.ErrorIs(t, <-lookerErr, context.Canceled)
	close(gate) // the stayer's own lookup is answered
	require.NoError(t, <-stayed)
	assert.Equal(t, int64(2), id)
	assert.Len(t, srv.requests(), 2, "the looker's, then the stayer's own")
}

func TestGroupCacheBadInput(t *testing.T) {
	t.Parallel()
	srv, c := newGroupServer(t, namedGroups(3)...)
	var nilCtx context.Context
	var nilCache *GroupCache
	good := NewGroupCache(c.Org("octo-org"), time.Hour)
	for _, tc := range []struct {
		name, what string
		err        error
	}{
		{"nil scope", "NewGroupCache", opErr(NewGroupCache(nil, time.Hour).ID(t.Context(), "group-1"))},
		{"typed nil scope", "NewGroupCache", opErr(NewGroupCache((*runners.EnterpriseService)(nil), time.Hour).ID(t.Context(), "group-1"))},
		{"zero TTL", "NewGroupCache", opErr(NewGroupCache(c.Org("octo-org"), 0).ID(t.Context(), "group-1"))},
		{"negative TTL", "NewGroupCache", opErr(NewGroupCache(c.Org("octo-org"), -time.Second).WithClock(nil).ID(t.Context(), "group-1"))},
		{"nil cache", "GroupCache.ID", opErr(nilCache.ID(t.Context(), "group-1"))},
		{"nil context", "GroupCache.ID", opErr(good.ID(nilCtx, "group-1"))},
		{"empty name", "GroupCache.ID", opErr(good.ID(t.Context(), ""))},
	} {
		t.Run(tc.name, func(t *testing.T) { assertInvalid(t, tc.err, tc.what) })
	}
	assert.Empty(t, srv.requests(), "nothing sent")
	assert.Nil(t, nilCache.WithClock(&groupClock{}))
	nilCache.Forget("x") // no panic
}

// ---- ModifyRunnerGroup --------------------------------------------------------

// selectedGroup is a group with every setting, as GitHub's example has it.
func selectedGroup() map[string]any {
	return map[string]any{"id": 2, "name": "octo-runner-group", "visibility": "selected", "default": false,
		"runners_url": "u", "inherited": false, "allows_public_repositories": true, "restricted_to_workflows": true,
		"selected_workflows":       []any{"octo-org/octo-repo/.github/workflows/deploy.yaml@refs/heads/main"},
		"network_configuration_id": "nc-1", "workflow_restrictions_read_only": false}
}

func TestModifyRunnerGroupKeepsEveryOtherSetting(t *testing.T) {
	t.Parallel()
	for _, sc := range []struct {
		name  string
		scope func(*runners.Client) runners.GroupScope
		path  string
	}{
		{"org", func(c *runners.Client) runners.GroupScope { return c.Org("octo-org") }, "/orgs/octo-org/actions/runner-groups/2"},
		{"enterprise", func(c *runners.Client) runners.GroupScope { return c.Enterprise("acme") }, "/enterprises/acme/actions/runner-groups/2"},
	} {
		t.Run(sc.name, func(t *testing.T) {
			t.Parallel()
			srv, c := newGroupServer(t, selectedGroup())
			grp, err := ModifyRunnerGroup(t.Context(), sc.scope(c), 2, func(u *runners.RunnerGroupUpdate) error {
				assert.Equal(t, "octo-runner-group", *u.Name, "the update holds the group's settings")
				u.AllowsPublicRepositories = runners.Ptr(false)
				return nil
			})
			require.NoError(t, err)
			assert.False(t, grp.AllowsPublicRepositories, "the group as updated")
			assert.Equal(t, runners.GroupVisibilitySelected, grp.Visibility)
			reqs := srv.requests()
			require.Len(t, reqs, 2)
			assert.Equal(t, http.MethodGet, reqs[0].Method)
			assert.Equal(t, sc.path, reqs[0].Path)
			assert.Equal(t, http.MethodPatch, reqs[1].Method)
			assert.Equal(t, sc.path, reqs[1].Path)
			// Every setting is sent: the name (the organization update needs
			// it) and the visibility (the enterprise update defaults it to
			// "all") among them.
			assert.JSONEq(t, `{"name":"octo-runner-group","visibility":"selected","allows_public_repositories":false,"restricted_to_workflows":true,
				"selected_workflows":["octo-org/octo-repo/.github/workflows/deploy.yaml@refs/heads/main"],"network_configuration_id":"nc-1"}`, string(reqs[1].Body))
		})
	}
}

// What GitHub did not send is not sent back; read-only workflow settings are
// left out unless the caller sets them.
func TestModifyRunnerGroupSendsOnlyWhatGitHubSent(t *testing.T) {
	t.Parallel()
	ghes := map[string]any{"id": 2, "name": "g", "visibility": "all", "allows_public_repositories": false,
		"restricted_to_workflows": true, "selected_workflows": []any{"w"}, "workflow_restrictions_read_only": true}
	srv, c := newGroupServer(t, ghes)
	_, err := ModifyRunnerGroup(t.Context(), c.Enterprise("acme"), 2, func(u *runners.RunnerGroupUpdate) error {
		assert.Nil(t, u.NetworkConfigurationID, "not sent by GitHub")
		assert.Nil(t, u.RestrictedToWorkflows, "read-only")
		assert.Nil(t, u.SelectedWorkflows, "read-only")
		u.Name = runners.Ptr("renamed")
		return nil
	})
	require.NoError(t, err)
	reqs := srv.requests()
	require.Len(t, reqs, 2)
	assert.JSONEq(t, `{"name":"renamed","visibility":"all","allows_public_repositories":false}`, string(reqs[1].Body))
}

func TestModifyRunnerGroupChangesNothing(t *testing.T) {
	t.Parallel()
	srv, c := newGroupServer(t, selectedGroup())
	grp, err := ModifyRunnerGroup(t.Context(), c.Org("octo-org"), 2, func(u *runners.RunnerGroupUpdate) error {
		*u.SelectedWorkflows = append([]string(nil), *u.SelectedWorkflows...) // the same list, copied
		return nil
	})
	require.NoError(t, err)
	assert.Equal(t, "octo-runner-group", grp.Name)
	assert.Len(t, srv.requests(), 1, "the GET only: nothing changed, nothing sent")
}

func TestModifyRunnerGroupClears(t *testing.T) {
	t.Parallel()
	srv, c := newGroupServer(t, selectedGroup())
	_, err := ModifyRunnerGroup(t.Context(), c.Org("octo-org"), 2, func(u *runners.RunnerGroupUpdate) error {
		u.SelectedWorkflows = &[]string{}
		u.NetworkConfigurationID = runners.Ptr("")
		return nil
	})
	require.NoError(t, err)
	reqs := srv.requests()
	require.Len(t, reqs, 2)
	assert.JSONEq(t, `{"name":"octo-runner-group","visibility":"selected","allows_public_repositories":true,"restricted_to_workflows":true,
		"selected_workflows":[],"network_configuration_id":null}`, string(reqs[1].Body))
}

func TestModifyRunnerGroupFailures(t *testing.T) {
	t.Parallel()
	t.Run("modify fails", func(t *testing.T) {
		t.Parallel()
		srv, c := newGroupServer(t, selectedGroup())
		errStop := errors.New("not this one")
		_, err := ModifyRunnerGroup(t.Context(), c.Org("octo-org"), 2, func(*runners.RunnerGroupUpdate) error { return errStop })
		require.ErrorIs(t, err, errStop)
		assert.Equal(t, "fleet: ModifyRunnerGroup: runner group 2: not this one", err.Error())
		assert.Len(t, srv.requests(), 1, "no PATCH")
	})
	t.Run("no such group", func(t *testing.T) {
		t.Parallel()
		srv, c := newGroupServer(t, selectedGroup())
		called := false
		_, err := ModifyRunnerGroup(t.Context(), c.Org("octo-org"), 7, func(*runners.RunnerGroupUpdate) error { called = true; return nil })
		require.ErrorIs(t, err, runners.ErrNotFound)
		assert.False(t, called)
		assert.Len(t, srv.requests(), 1)
	})
	t.Run("private at enterprise scope", func(t *testing.T) {
		t.Parallel()
		srv, c := newGroupServer(t, selectedGroup())
		_, err := ModifyRunnerGroup(t.Context(), c.Enterprise("acme"), 2, func(u *runners.RunnerGroupUpdate) error {
			u.Visibility = runners.Ptr(runners.GroupVisibilityPrivate)
			return nil
		})
		require.ErrorIs(t, err, runners.ErrInvalidArgument)
		assert.Len(t, srv.requests(), 1, "refused before the PATCH")
	})
	t.Run("bad input", func(t *testing.T) {
		t.Parallel()
		srv, c := newGroupServer(t, selectedGroup())
		var nilCtx context.Context
		keep := func(*runners.RunnerGroupUpdate) error { return nil }
		assertInvalid(t, opErr(ModifyRunnerGroup(t.Context(), c.Org("octo-org"), 2, nil)), "ModifyRunnerGroup")
		assertInvalid(t, opErr(ModifyRunnerGroup(t.Context(), nil, 2, keep)), "ModifyRunnerGroup")
		assertInvalid(t, opErr(ModifyRunnerGroup(t.Context(), (*runners.OrgService)(nil), 2, keep)), "ModifyRunnerGroup")
		assertInvalid(t, opErr(ModifyRunnerGroup(nilCtx, c.Org("octo-org"), 2, keep)), "ModifyRunnerGroup")
		_, err := ModifyRunnerGroup(t.Context(), c.Org("octo-org"), 0, keep)
		require.ErrorIs(t, err, runners.ErrInvalidArgument)
		assert.Empty(t, srv.requests(), "nothing sent")
	})
}
