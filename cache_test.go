package runners

import (
	"context"
	"crypto/sha256"
	"encoding/json"
	"fmt"
	"net/http"
	"slices"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// etagServer serves orgs/octo-org/actions/runners (runners 1 to 3, named
// for the list's version) with an ETag per URL and content, and answers 304
// with no body and no Link header when If-None-Match names the current ETag.
type etagServer struct {
	mu          sync.Mutex
	version     int
	full        int
	notModified int
	ifNoneMatch []string // of each request, "" when none
	etags       []string // the ETag of each answer
}

func (s *etagServer) bump() {
	s.mu.Lock()
	s.version++
	s.mu.Unlock()
}

func (s *etagServer) stats() (full, notModified int, ifNoneMatch, etags []string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.full, s.notModified, slices.Clone(s.ifNoneMatch), slices.Clone(s.etags)
}

func (s *etagServer) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if r.Method != http.MethodGet || r.URL.Path != "/orgs/octo-org/actions/runners" {
		http.NotFound(w, r)
		return
	}
	q := r.URL.Query()
	var matched []*Runner
	for id := int64(1); id <= 3; id++ {
		rn := &Runner{ID: id, Name: fmt.Sprintf("runner-%d-v%d", id, s.version), OS: "linux", Status: RunnerOnline, Labels: []*Label{}}
		if name, ok := q["name"]; !ok || name[0] == rn.Name {
			matched = append(matched, rn)
		}
	}
	perPage, page := positiveOr(q.Get("per_page"), 30), positiveOr(q.Get("page"), 1)
	pageRunners := []*Runner{}
	if start := (page - 1) * perPage; start < len(matched) {
		pageRunners = matched[start:min(start+perPage, len(matched))]
	}
	body, _ := json.Marshal(map[string]any{"total_count": len(matched), "runners": pageRunners})
	etag := fmt.Sprintf(`W/"%x"`, sha256.Sum256(body))
	inm := r.Header.Get("If-None-Match")
	s.ifNoneMatch = append(s.ifNoneMatch, inm)
	s.etags = append(s.etags, etag)
	w.Header().Set("ETag", etag)
	if inm == etag {
		s.notModified++
		w.WriteHeader(http.StatusNotModified)
		return
	}
	s.full++
	if page*perPage < len(matched) {
		w.Header().Set("Link", fmt.Sprintf(`<http://%s%s?page=%d&per_page=%d>; rel="next"`, r.Host, r.URL.Path, page+1, perPage))
	}
	w.Header().Set("Content-Type", "application/json; charset=utf-8")
	w.Write(body)
}

// TestCachePollingUnchangedList polls an unchanged page 100 times: one
// full response and 99 304s, every result equal, NextPage from the cached
// Link header; then a change is seen at once, and polls are 304s again.
func TestCachePollingUnchangedList(t *testing.T) {
	t.Parallel()
	srv := &etagServer{}
	c, _ := newTestClient(t, srv.ServeHTTP, WithETagCache(1<<20))
	opts := &ListRunnersOptions{ListOptions: ListOptions{PerPage: 2}}
	poll := func() *RunnerList {
		t.Helper()
		list, err := c.Org("octo-org").ListRunners(t.Context(), opts)
		require.NoError(t, err)
		return list
	}

	first := poll()
	want := &RunnerList{TotalCount: 3, NextPage: 2, Runners: []*Runner{
		{ID: 1, Name: "runner-1-v0", OS: "linux", Status: RunnerOnline, Labels: []*Label{}},
		{ID: 2, Name: "runner-2-v0", OS: "linux", Status: RunnerOnline, Labels: []*Label{}},
	}}
	require.Equal(t, want, first)
	for i := 2; i <= 100; i++ {
		got := poll()
		require.Equal(t, want, got, "poll %d", i)
		assert.NotSame(t, first.Runners[0], got.Runners[0], "each poll decodes its own values")
		got.Runners[0].Name = "changed by the caller" // must not reach later polls
		got.NextPage = 99
	}
	full, notModified, inm, etags := srv.stats()
	assert.Equal(t, 1, full, "one full response")
	assert.Equal(t, 99, notModified, "then 304s")
	require.Len(t, inm, 100)
	assert.Empty(t, inm[0], "nothing to revalidate on the first request")
	for i := 1; i < 100; i++ {
		assert.Equal(t, etags[0], inm[i], "request %d revalidates the ETag", i+1)
	}

	// The list changes: a 200 with a new ETag, and the client returns it.
	srv.bump()
	changed := poll()
	require.Equal(t, "runner-1-v1", changed.Runners[0].Name)
	require.Equal(t, "runner-2-v1", changed.Runners[1].Name)
	assert.Equal(t, 2, changed.NextPage)
	assert.Equal(t, 3, changed.TotalCount)
	for range 10 {
		assert.Equal(t, changed, poll())
	}
	full, notModified, inm, etags = srv.stats()
	assert.Equal(t, 2, full)
	assert.Equal(t, 109, notModified)
	assert.Equal(t, etags[0], inm[100], "the changed list was asked for with the old ETag")
	assert.NotEqual(t, etags[0], etags[100])
	for i := 101; i < 111; i++ {
		assert.Equal(t, etags[100], inm[i], "request %d revalidates the new ETag", i+1)
	}
}

// TestCachePerURL: pages and name filters are cached separately.
func TestCachePerURL(t *testing.T) {
	t.Parallel()
	srv := &etagServer{}
	c, _ := newTestClient(t, srv.ServeHTTP, WithETagCache(1<<20))
	org := c.Org("octo-org")
	page1 := &ListRunnersOptions{ListOptions: ListOptions{PerPage: 2}}
	page2 := &ListRunnersOptions{ListOptions: ListOptions{PerPage: 2, Page: 2}}
	byName := &ListRunnersOptions{Name: "runner-3-v0"}
	check := func() {
		t.Helper()
		l1, err := org.ListRunners(t.Context(), page1)
		require.NoError(t, err)
		assert.Equal(t, []int64{1, 2}, idsOfRunners(l1.Runners))
		assert.Equal(t, 2, l1.NextPage)
		l2, err := org.ListRunners(t.Context(), page2)
		require.NoError(t, err)
		assert.Equal(t, []int64{3}, idsOfRunners(l2.Runners))
		assert.Equal(t, 0, l2.NextPage)
		assert.Equal(t, 3, l2.TotalCount)
		ln, err := org.ListRunners(t.Context(), byName)
		require.NoError(t, err)
		assert.Equal(t, []int64{3}, idsOfRunners(ln.Runners))
		assert.Equal(t, 1, ln.TotalCount)
		assert.Equal(t, 0, ln.NextPage)
	}
	check()
	check()
	check()
	full, notModified, inm, etags := srv.stats()
	assert.Equal(t, 3, full)
	assert.Equal(t, 6, notModified)
	require.Len(t, inm, 9)
	assert.Equal(t, []string{"", "", ""}, inm[:3])
	assert.Len(t, slices.Compact(slices.Sorted(slices.Values(etags[:3]))), 3, "three URLs, three ETags")
	for i := 3; i < 9; i++ {
		assert.Equal(t, etags[i%3], inm[i], "request %d revalidates its own URL's ETag", i+1)
	}
}

// runnerByID serves GET orgs/octo-org/actions/runners/{1-9} with bodies
// of one length and an ETag each, answering 304 to a matching If-None-Match.
// It records each request's runner ID and If-None-Match.
type runnerByID struct {
	mu   sync.Mutex
	seen []string // "ID If-None-Match"
	// status, when set, answers instead for the runner ID and the count of
	// requests for that ID so far (1-based); 0 serves as usual.
	status func(id, n int) int
	count  map[int]int
}

func runnerBody(id int) string {
	return fmt.Sprintf(`{"id":%d,"name":"runner-%d","os":"linux","status":"online","busy":false,"ephemeral":false,"labels":[]}`, id, id)
}

func (s *runnerByID) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	id, err := strconv.Atoi(strings.TrimPrefix(r.URL.Path, "/orgs/octo-org/actions/runners/"))
	if err != nil || id < 1 || id > 9 {
		http.NotFound(w, r)
		return
	}
	inm := r.Header.Get("If-None-Match")
	s.mu.Lock()
	s.seen = append(s.seen, fmt.Sprintf("%d %s", id, inm))
	if s.count == nil {
		s.count = map[int]int{}
	}
	s.count[id]++
	st := 0
	if s.status != nil {
		st = s.status(id, s.count[id])
	}
	s.mu.Unlock()
	if st != 0 {
		respondError(st)(w, r)
		return
	}
	etag := fmt.Sprintf(`"e-%d"`, id)
	w.Header().Set("ETag", etag)
	if inm == etag {
		w.WriteHeader(http.StatusNotModified)
		return
	}
	respondBody(http.StatusOK, runnerBody(id))(w, r)
}

func (s *runnerByID) requests() []string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return slices.Clone(s.seen)
}

// TestCacheEvictsLeastRecentlyUsed: with room for two bodies, a third
// evicts the least recently used, whose next request is a full one without
// If-None-Match.
func TestCacheEvictsLeastRecentlyUsed(t *testing.T) {
	t.Parallel()
	srv := &runnerByID{}
	size := int64(len(runnerBody(1)))
	c, _ := newTestClient(t, srv.ServeHTTP, WithETagCache(2*size))
	get := func(id int) {
		t.Helper()
		r, err := c.Org("octo-org").GetRunner(t.Context(), int64(id))
		require.NoError(t, err)
		assert.Equal(t, &Runner{ID: int64(id), Name: fmt.Sprintf("runner-%d", id), OS: "linux", Status: RunnerOnline, Labels: []*Label{}}, r)
	}
	get(1) // cache: 1
	get(2) // cache: 2 1
	get(1) // 304; cache: 1 2
	get(3) // cache: 3 1, 2 evicted
	get(1) // 304; cache: 1 3
	get(2) // full; cache: 2 1, 3 evicted
	get(3) // full; cache: 3 2, 1 evicted
	get(2) // 304
	get(1) // full
	assert.Equal(t, []string{
		"1 ", "2 ", `1 "e-1"`, "3 ", `1 "e-1"`, "2 ", "3 ", `2 "e-2"`, "1 ",
	}, srv.requests())
}

// TestCacheBodyLargerThanBound: a body larger than the cache is not kept;
// one exactly its size is.
func TestCacheBodyLargerThanBound(t *testing.T) {
	t.Parallel()
	size := int64(len(runnerBody(1)))
	for _, tc := range []struct {
		maxBytes int64
		want     []string
	}{
		{size - 1, []string{"1 ", "1 ", "1 "}},
		{size, []string{"1 ", `1 "e-1"`, `1 "e-1"`}},
	} {
		t.Run(strconv.FormatInt(tc.maxBytes, 10), func(t *testing.T) {
			t.Parallel()
			srv := &runnerByID{}
			c, _ := newTestClient(t, srv.ServeHTTP, WithETagCache(tc.maxBytes))
			for range 3 {
				r, err := c.Org("octo-org").GetRunner(t.Context(), 1)
				require.NoError(t, err)
				assert.Equal(t, "runner-1", r.Name)
			}
			assert.Equal(t, tc.want, srv.requests())
		})
	}
}

// TestCacheOnlyGET: requests other than GET never send If-None-Match,
// and their answers are not cached for a later GET of the same URL.
func TestCacheOnlyGET(t *testing.T) {
	t.Parallel()
	jit := string(fixture(t, "jitconfig.json"))
	c, rec := newTestClient(t, func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("ETag", `"same"`)
		switch {
		case r.Method == http.MethodGet && r.Header.Get("If-None-Match") == `"same"`:
			w.WriteHeader(http.StatusNotModified)
		case strings.HasSuffix(r.URL.Path, "-token"):
			respondBody(http.StatusCreated, tokenJSON)(w, r)
		case strings.HasSuffix(r.URL.Path, "/generate-jitconfig"):
			respondBody(http.StatusCreated, jit)(w, r)
		case r.Method == http.MethodDelete && r.URL.Path == "/orgs/octo-org/actions/runners/42":
			w.WriteHeader(http.StatusNoContent)
		default:
			respondBody(http.StatusOK, labelsJSON)(w, r)
		}
	}, WithETagCache(1<<20))
	ctx, org := t.Context(), c.Org("octo-org")
	for range 2 {
		_, err := org.SetLabels(ctx, 42, "gpu")
		require.NoError(t, err)
		_, err = org.AddLabels(ctx, 42, "gpu")
		require.NoError(t, err)
		_, err = org.RemoveAllLabels(ctx, 42)
		require.NoError(t, err)
		_, err = org.RemoveLabel(ctx, 42, "gpu")
		require.NoError(t, err)
		require.NoError(t, org.DeleteRunner(ctx, 42))
		_, err = org.CreateRegistrationToken(ctx)
		require.NoError(t, err)
		_, err = org.CreateRemoveToken(ctx)
		require.NoError(t, err)
		_, err = org.GenerateJITConfig(ctx, &JITConfigRequest{Name: "j", RunnerGroupID: 1, Labels: []string{"x"}})
		require.NoError(t, err)
	}
	// The GET of the labels URL written above: first full, then revalidated.
	for range 2 {
		labels, err := org.ListLabels(ctx, 42)
		require.NoError(t, err)
		assert.Len(t, labels, 2)
	}
	reqs := rec.all()
	require.Len(t, reqs, 18)
	for _, r := range reqs[:16] {
		assert.NotEqual(t, http.MethodGet, r.Method)
		assert.Empty(t, r.Header.Values("If-None-Match"), "%s %s", r.Method, r.Path)
	}
	assert.Empty(t, reqs[16].Header.Get("If-None-Match"), "a PUT's answer is not cached for GET")
	assert.Equal(t, `"same"`, reqs[17].Header.Get("If-None-Match"))
}

func TestCacheInvalidSize(t *testing.T) {
	t.Parallel()
	for _, n := range []int64{0, -1, -1 << 40} {
		c, err := NewClient(WithETagCache(n))
		assert.ErrorIs(t, err, ErrInvalidArgument, "WithETagCache(%d)", n)
		assert.Nil(t, c)
	}
	c, err := NewClient(WithETagCache(1))
	require.NoError(t, err)
	assert.NotNil(t, c.cache)
}

// TestCache304WithoutEntryIsError: a 304 for a request the client has no
// body for is an error, not an empty value.
func TestCache304WithoutEntryIsError(t *testing.T) {
	t.Parallel()
	for name, opts := range map[string][]Option{"with cache": {WithETagCache(1 << 20)}, "without cache": nil} {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			c, rec := newTestClient(t, func(w http.ResponseWriter, r *http.Request) {
				w.Header().Set("ETag", `"x"`)
				w.WriteHeader(http.StatusNotModified)
			}, opts...)
			for range 2 {
				list, err := c.Org("octo-org").ListRunners(t.Context(), nil)
				require.Error(t, err)
				assert.Nil(t, list)
				assert.Equal(t, http.StatusNotModified, apiError(t, err).StatusCode)
				r, err := c.Org("octo-org").GetRunner(t.Context(), 1)
				require.Error(t, err)
				assert.Nil(t, r)
			}
			for _, r := range rec.all() {
				assert.Empty(t, r.Header.Get("If-None-Match"), "nothing was cached")
			}
		})
	}
}

// TestCacheRetryAfterEviction: when the cached body is evicted while a
// conditional GET waits to be retried, the retry must not revalidate a body
// the client no longer has (a 304 would then be an error).
func TestCacheRetryAfterEviction(t *testing.T) {
	t.Parallel()
	srv := &runnerByID{status: func(id, n int) int {
		if id == 1 && n == 2 {
			return http.StatusServiceUnavailable // the revalidation of runner 1 fails once
		}
		return 0
	}}
	c, _ := newTestClient(t, srv.ServeHTTP, WithETagCache(int64(len(runnerBody(1)))), WithRetry(RetryPolicy{}))
	var once sync.Once
	c.clock = sleeperClock{func(ctx context.Context, d time.Duration) error {
		once.Do(func() {
			// Meanwhile, another request fills the one-body cache.
			if _, err := c.Org("octo-org").GetRunner(ctx, 2); err != nil {
				t.Errorf("GetRunner(2): %v", err)
			}
		})
		return nil
	}}
	for range 2 {
		r, err := c.Org("octo-org").GetRunner(t.Context(), 1)
		require.NoError(t, err)
		assert.Equal(t, "runner-1", r.Name)
	}
	assert.Equal(t, []string{"1 ", `1 "e-1"`, "2 ", "1 "}, srv.requests())
}
