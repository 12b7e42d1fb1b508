package runners

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"iter"
	"math"
	"net/http"
	"net/http/httptest"
	"net/url"
	"runtime"
	"runtime/pprof"
	"slices"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestPaginationNextPage(t *testing.T) {
	t.Parallel()
	const gh = "https://api.github.com/organizations/9919/actions/runners"
	tests := []struct {
		name  string
		links []string // one Link header value each; none means no Link header
		want  int
	}{
		{"no Link header", nil, 0},
		{"empty Link header", []string{""}, 0},
		{"GitHub first page", []string{`<` + gh + `?per_page=2&page=2>; rel="next", <` + gh + `?per_page=2&page=5>; rel="last"`}, 2},
		{"GitHub middle page with prev, next, last and first", []string{
			`<` + gh + `?per_page=2&page=2>; rel="prev", <` + gh + `?per_page=2&page=4>; rel="next", <` + gh + `?per_page=2&page=5>; rel="last", <` + gh + `?per_page=2&page=1>; rel="first"`,
		}, 4},
		{"GitHub last page", []string{`<` + gh + `?per_page=2&page=4>; rel="prev", <` + gh + `?per_page=2&page=1>; rel="first"`}, 0},
		{"next after last", []string{`<` + gh + `?page=9>; rel="last", <` + gh + `?page=3>; rel="next"`}, 3},
		{"rel list next last", []string{`<` + gh + `?page=5>; rel="next last"`}, 5},
		{"rel list last next", []string{`<` + gh + `?page=5>; rel="last next"`}, 5},
		{"rel list without next", []string{`<` + gh + `?page=5>; rel="prev first"`}, 0},
		{"upper case rel", []string{`<` + gh + `?page=6>; REL="NEXT"`}, 6},
		{"mixed case rel", []string{`<` + gh + `?page=6>; Rel="Next"`}, 6},
		{"unquoted rel", []string{`<` + gh + `?page=7>; rel=next`}, 7},
		{"white space everywhere", []string{"  <" + gh + "?page=8>  ;  rel = \"next\"  ,\t<" + gh + "?page=9> ;\trel=\"last\" "}, 8},
		{"no white space", []string{`<` + gh + `?page=1>;rel="prev",<` + gh + `?page=3>;rel="next"`}, 3},
		{"other parameters before rel", []string{`<` + gh + `?page=4>; type="application/json"; rel="next"`}, 4},
		{"page among other query parameters", []string{`<` + gh + `?name=linux&page=12&per_page=100>; rel="next"`}, 12},
		{"missing page", []string{`<` + gh + `?per_page=100>; rel="next"`}, 0},
		{"empty page", []string{`<` + gh + `?page=>; rel="next"`}, 0},
		{"page=0", []string{`<` + gh + `?page=0>; rel="next"`}, 0},
		{"negative page", []string{`<` + gh + `?page=-2>; rel="next"`}, 0},
		{"page=abc", []string{`<` + gh + `?page=abc>; rel="next"`}, 0},
		{"fractional page", []string{`<` + gh + `?page=2.5>; rel="next"`}, 0},
		{"page too large for an int", []string{`<` + gh + `?page=99999999999999999999999>; rel="next"`}, 0},
		{"garbage", []string{"garbage"}, 0},
		{"garbage with commas and semicolons", []string{";;,,;rel=next,<>;rel=next"}, 0},
		{"no angle brackets", []string{gh + `?page=2; rel="next"`}, 0},
		{"unclosed angle bracket", []string{`<` + gh + `?page=2; rel="next"`}, 0},
		{"no rel", []string{`<` + gh + `?page=2>`}, 0},
		{"rel without value", []string{`<` + gh + `?page=2>; rel`}, 0},
		{"nextish rel", []string{`<` + gh + `?page=2>; rel="nextpage"`}, 0},
		{"next in another parameter", []string{`<` + gh + `?page=2>; title="next"`}, 0},
		{"bad URL escape", []string{`<%zz?page=2>; rel="next"`}, 0},
		{"relative URL", []string{`</orgs/o/actions/runners?page=3>; rel="next"`}, 3},
		{"several Link header values", []string{
			`<` + gh + `?page=1>; rel="prev", <` + gh + `?page=1>; rel="first"`,
			`<` + gh + `?page=3>; rel="next", <` + gh + `?page=4>; rel="last"`,
		}, 3},
		{"several Link header values, the first without a page", []string{
			`<` + gh + `?per_page=3>; rel="next"`,
			`<` + gh + `?page=4>; rel="next"`,
		}, 4},
		{"next on another host: the page number only", []string{`<https://evil.example.com/steal?page=11>; rel="next"`}, 11},
		{"next with another scheme", []string{`<ftp://files.example.com/x?page=13>; rel="next"`}, 13},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			h := http.Header{}
			for _, v := range tc.links {
				h.Add("Link", v)
			}
			assert.Equal(t, tc.want, nextPage(h), "Link: %q", tc.links)
		})
	}
}

// pgOnlyHost is a transport that sends requests to one host only and
// records the host of every request asked of it; a request elsewhere fails
// without leaving the machine.
type pgOnlyHost struct {
	base http.RoundTripper
	mu   sync.Mutex
	seen []string
	host string
}

func (p *pgOnlyHost) RoundTrip(req *http.Request) (*http.Response, error) {
	p.mu.Lock()
	p.seen = append(p.seen, req.URL.Host)
	host := p.host
	p.mu.Unlock()
	if req.URL.Host != host {
		return nil, fmt.Errorf("request to %s refused by the test", req.URL.Host)
	}
	return p.base.RoundTrip(req)
}

func (p *pgOnlyHost) hosts() []string {
	p.mu.Lock()
	defer p.mu.Unlock()
	return append([]string(nil), p.seen...)
}

// pgQuery parses one recorded request's query.
func pgQuery(t *testing.T, got received) url.Values {
	t.Helper()
	q, err := url.ParseQuery(got.RawQuery)
	require.NoError(t, err)
	return q
}

func TestPaginationListRunnersNextPage(t *testing.T) {
	t.Parallel()
	c, rec := newTestClient(t, (&pageServer{total: 250}).ServeHTTP)
	org := c.Org("octo-org")

	first, err := org.ListRunners(t.Context(), &ListRunnersOptions{ListOptions: ListOptions{PerPage: 100}})
	require.NoError(t, err)
	assert.Equal(t, 250, first.TotalCount)
	assert.Len(t, first.Runners, 100)
	assert.Equal(t, 2, first.NextPage)

	second, err := org.ListRunners(t.Context(), &ListRunnersOptions{ListOptions: ListOptions{PerPage: 100, Page: first.NextPage}})
	require.NoError(t, err)
	assert.Equal(t, 3, second.NextPage)
	assert.Equal(t, int64(101), second.Runners[0].ID)

	last, err := org.ListRunners(t.Context(), &ListRunnersOptions{ListOptions: ListOptions{PerPage: 100, Page: second.NextPage}})
	require.NoError(t, err)
	assert.Equal(t, 0, last.NextPage, "0 on the last page")
	assert.Len(t, last.Runners, 50)

	reqs := rec.all()
	require.Len(t, reqs, 3)
	for i, want := range []string{"per_page=100", "page=2&per_page=100", "page=3&per_page=100"} {
		assert.Equal(t, "/orgs/octo-org/actions/runners", reqs[i].Path)
		assert.Equal(t, want, reqs[i].RawQuery, "request %d", i)
	}
}

func TestPaginationListRunnersNoLink(t *testing.T) {
	t.Parallel()
	c, _ := newTestClient(t, respond(t, http.StatusOK, "list_runners.json"))
	list, err := c.Repo("octo-org", "octo-repo").ListRunners(t.Context(), nil)
	require.NoError(t, err)
	assert.Equal(t, 0, list.NextPage, "no Link header: the only page")
	assert.Equal(t, 2, list.TotalCount)
	assert.Len(t, list.Runners, 2)
}

func TestPaginationAllRunnersThreePages(t *testing.T) {
	t.Parallel()
	transport := &pgOnlyHost{base: &http.Transport{}}
	t.Cleanup(transport.base.(*http.Transport).CloseIdleConnections)
	c, rec := newTestClient(t, (&pageServer{total: 250}).ServeHTTP, WithHTTPClient(&http.Client{Transport: transport}))
	base, err := url.Parse(c.BaseURL())
	require.NoError(t, err)
	transport.mu.Lock()
	transport.host = base.Host
	transport.mu.Unlock()

	ids, errs, _ := walkIDs(t, c.Org("octo-org").AllRunners(t.Context(), nil), nil)
	assert.Empty(t, errs)
	assert.Equal(t, idRange(1, 250), ids, "250 runners, in order")

	for _, h := range transport.hosts() {
		assert.Equal(t, base.Host, h, "every request goes to the client's base URL, never to the Link's host")
	}
	reqs := rec.all()
	require.Len(t, reqs, 3, "three requests")
	for i, got := range reqs {
		assert.Equal(t, http.MethodGet, got.Method)
		assert.Equal(t, "/orgs/octo-org/actions/runners", got.Path, "request %d", i)
		q := pgQuery(t, got)
		assert.Equal(t, []string{"100"}, q["per_page"], "request %d asks for 100 a page", i)
		if i == 0 {
			assert.Contains(t, []string{"", "1"}, q.Get("page"), "the first request asks for the first page")
		} else {
			assert.Equal(t, []string{strconv.Itoa(i + 1)}, q["page"], "request %d", i)
		}
		for k := range q {
			assert.Contains(t, []string{"page", "per_page"}, k, "request %d query parameter", i)
		}
		assert.Equal(t, "Bearer "+testToken, got.Header.Get("Authorization"))
	}
}

func TestPaginationAllRunnersPerPage(t *testing.T) {
	t.Parallel()
	c, rec := newTestClient(t, (&pageServer{total: 250}).ServeHTTP)
	opts := &ListRunnersOptions{ListOptions: ListOptions{PerPage: 60}}
	ids, errs, _ := walkIDs(t, c.Enterprise("acme").AllRunners(t.Context(), opts), nil)
	assert.Empty(t, errs)
	assert.Equal(t, idRange(1, 250), ids)
	assert.Equal(t, &ListRunnersOptions{ListOptions: ListOptions{PerPage: 60}}, opts, "opts are not modified")

	reqs := rec.all()
	require.Len(t, reqs, 5, "250 runners at 60 a page")
	for i, got := range reqs {
		assert.Equal(t, "/enterprises/acme/actions/runners", got.Path)
		q := pgQuery(t, got)
		assert.Equal(t, "60", q.Get("per_page"), "request %d", i)
		if i > 0 {
			assert.Equal(t, strconv.Itoa(i+1), q.Get("page"), "request %d", i)
		}
	}
}

func TestPaginationAllRunnersStartPage(t *testing.T) {
	t.Parallel()
	c, rec := newTestClient(t, (&pageServer{total: 250}).ServeHTTP)
	opts := &ListRunnersOptions{Name: "", ListOptions: ListOptions{Page: 2}}
	ids, errs, _ := walkIDs(t, c.Repo("octo-org", "octo-repo").AllRunners(t.Context(), opts), nil)
	assert.Empty(t, errs)
	assert.Equal(t, idRange(101, 250), ids, "from page 2 on, at 100 a page")
	assert.Equal(t, &ListRunnersOptions{ListOptions: ListOptions{Page: 2}}, opts, "opts are not modified")

	reqs := rec.all()
	require.Len(t, reqs, 2)
	assert.Equal(t, "page=2&per_page=100", reqs[0].RawQuery)
	assert.Equal(t, "page=3&per_page=100", reqs[1].RawQuery)
}

func TestPaginationAllRunnersNameAndOptsUnmodified(t *testing.T) {
	t.Parallel()
	c, rec := newTestClient(t, (&pageServer{total: 150}).ServeHTTP)
	opts := &ListRunnersOptions{Name: "linux runner"}
	before := *opts
	ids, errs, _ := walkIDs(t, c.Org("octo-org").AllRunners(t.Context(), opts), nil)
	assert.Empty(t, errs)
	assert.Len(t, ids, 150)
	assert.Equal(t, before, *opts, "opts are not modified")
	reqs := rec.all()
	require.Len(t, reqs, 2)
	for i, got := range reqs {
		assert.Equal(t, "linux runner", pgQuery(t, got).Get("name"), "request %d keeps the name filter", i)
	}

	// The same options walk the same pages again.
	ids2, errs2, _ := walkIDs(t, c.Org("octo-org").AllRunners(t.Context(), opts), nil)
	assert.Empty(t, errs2)
	assert.Equal(t, ids, ids2)
}

func TestPaginationAllRunnersEarlyBreak(t *testing.T) {
	t.Parallel()
	c, rec := newTestClient(t, (&pageServer{total: 250}).ServeHTTP)
	var ids []int64
	for r, err := range c.Org("octo-org").AllRunners(t.Context(), nil) {
		require.NoError(t, err)
		ids = append(ids, r.ID)
		if len(ids) == 3 {
			break
		}
	}
	assert.Equal(t, []int64{1, 2, 3}, ids)
	assert.Len(t, rec.all(), 1, "no request after the loop breaks")

	// Breaking at the last runner of a page asks for no further page either.
	c2, rec2 := newTestClient(t, (&pageServer{total: 250}).ServeHTTP)
	n := 0
	for _, err := range c2.Org("octo-org").AllRunners(t.Context(), nil) {
		require.NoError(t, err)
		n++
		if n == 100 {
			break
		}
	}
	assert.Len(t, rec2.all(), 1, "no request for page 2 after breaking at the end of page 1")
}

func TestPaginationAllRunnersErrorOnPage2(t *testing.T) {
	t.Parallel()
	pages := &pageServer{total: 250}
	c, rec := newTestClient(t, func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Query().Get("page") == "2" {
			w.Header().Set("X-GitHub-Request-Id", "PAGE:2")
			w.Header().Set("Content-Type", "application/json")
			w.WriteHeader(http.StatusInternalServerError)
			w.Write([]byte(`{"message":"Server Error"}`))
			return
		}
		pages.ServeHTTP(w, r)
	})
	ids, errs, errAt := walkIDs(t, c.Org("octo-org").AllRunners(t.Context(), nil), nil)
	assert.Equal(t, idRange(1, 100), ids, "the runners of page 1")
	require.Len(t, errs, 1, "exactly one error")
	assert.Equal(t, len(ids), errAt[0], "the error comes last")
	assert.Equal(t, 101, len(ids)+len(errs), "100 runners and the error")

	apiErr := apiError(t, errs[0])
	assert.Equal(t, http.StatusInternalServerError, apiErr.StatusCode)
	assert.Equal(t, "Server Error", apiErr.Message)
	assert.Equal(t, "PAGE:2", apiErr.RequestID)
	assert.Contains(t, apiErr.URL, "page=2")
	assert.NotContains(t, errs[0].Error(), testToken)
	assert.Len(t, rec.all(), 2, "no request after the error")
}

func TestPaginationAllRunnersErrorOnPage1(t *testing.T) {
	t.Parallel()
	c, rec := newTestClient(t, respond(t, http.StatusNotFound, "error_not_found.json"))
	ids, errs, _ := walkIDs(t, c.Org("octo-org").AllRunners(t.Context(), nil), nil)
	assert.Empty(t, ids)
	require.Len(t, errs, 1)
	assert.ErrorIs(t, errs[0], ErrNotFound)
	assert.Len(t, rec.all(), 1)
}

func TestPaginationAllRunnersLinkLoop(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name     string
		start    int
		next     func(page int) int // the next page the Link header names on page
		wantIDs  []int64
		maxCalls int
	}{
		{"next is always page 1", 0, func(int) int { return 1 }, idRange(1, 2), 1},
		{"next is always page 2", 0, func(int) int { return 2 }, []int64{1, 2, 3, 4}, 2},
		{"next is the current page", 3, func(p int) int { return p }, idRange(5, 6), 1},
		{"next goes back", 0, func(p int) int {
			if p >= 3 {
				return 1
			}
			return p + 1
		}, idRange(1, 6), 3},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			var mu sync.Mutex
			calls := 0
			c, rec := newTestClient(t, func(w http.ResponseWriter, r *http.Request) {
				mu.Lock()
				calls++
				n := calls
				mu.Unlock()
				if n > 20 { // the client is looping: stop it with an error the test then sees
					w.WriteHeader(http.StatusTeapot)
					return
				}
				page := 1
				if v := r.URL.Query().Get("page"); v != "" {
					page, _ = strconv.Atoi(v)
				}
				w.Header().Set("Link", fmt.Sprintf(`<https://api.github.com/orgs/octo-org/actions/runners?page=%d>; rel="next"`, tc.next(page)))
				w.Header().Set("Content-Type", "application/json")
				json.NewEncoder(w).Encode(map[string]any{"total_count": 1000, "runners": []any{pageRunner(2*page - 1), pageRunner(2 * page)}})
			})
			opts := &ListRunnersOptions{ListOptions: ListOptions{Page: tc.start, PerPage: 2}}
			ids, errs, errAt := walkIDs(t, c.Org("octo-org").AllRunners(t.Context(), opts), nil)
			assert.Equal(t, tc.wantIDs, ids)
			require.Len(t, errs, 1, "the walk ends with one error")
			assert.Equal(t, len(ids), errAt[0], "the error comes last")
			apiErr := apiError(t, errs[0])
			assert.NotEqual(t, http.StatusTeapot, apiErr.StatusCode, "the client stopped by itself")
			assert.Contains(t, errs[0].Error(), "next page")
			assert.Len(t, rec.all(), tc.maxCalls, "a bounded number of requests")
		})
	}
}

func TestPaginationAllRunnersInvalidOptions(t *testing.T) {
	t.Parallel()
	for _, opts := range []ListRunnersOptions{
		{ListOptions: ListOptions{PerPage: 101}},
		{ListOptions: ListOptions{PerPage: -1}},
		{ListOptions: ListOptions{Page: -1}},
	} {
		t.Run(fmt.Sprintf("page=%d,per_page=%d", opts.Page, opts.PerPage), func(t *testing.T) {
			t.Parallel()
			c, rec := newTestClient(t, (&pageServer{total: 250}).ServeHTTP)
			ids, errs, _ := walkIDs(t, c.Org("octo-org").AllRunners(t.Context(), &opts), nil)
			assert.Empty(t, ids)
			require.Len(t, errs, 1, "one error")
			assert.ErrorIs(t, errs[0], ErrInvalidArgument)
			var apiErr *Error
			assert.True(t, errors.As(errs[0], &apiErr))
			assert.Empty(t, rec.all(), "no request")
		})
	}
	t.Run("bad scope", func(t *testing.T) {
		t.Parallel()
		c, rec := newTestClient(t, (&pageServer{total: 250}).ServeHTTP)
		ids, errs, _ := walkIDs(t, c.Org("").AllRunners(t.Context(), nil), nil)
		assert.Empty(t, ids)
		require.Len(t, errs, 1)
		assert.ErrorIs(t, errs[0], ErrInvalidArgument)
		assert.Empty(t, rec.all(), "no request")
	})
}

// Issue 11, item 8: the page concurrency is checked: a negative one is bad
// input; a huge one costs no more than the pages walked.
func TestPaginationConcurrencyBounds(t *testing.T) {
	t.Parallel()
	_, err := NewClient(WithPageConcurrency(-1))
	assert.ErrorIs(t, err, ErrInvalidArgument)

	for _, k := range []int{math.MaxInt, 1 << 40, 1 << 24} {
		p := &pageServer{total: 250}
		c, trk, _ := pagerClient(t, p)
		var before, after runtime.MemStats
		runtime.ReadMemStats(&before)
		ids, errs, _ := walkIDs(t, withConcurrency(c, k).Org("octo-org").AllRunners(t.Context(), &ListRunnersOptions{}), nil)
		runtime.ReadMemStats(&after)
		assert.Empty(t, errs, "k=%d", k)
		assert.Equal(t, idRange(1, 250), ids, "k=%d", k)
		pages, _ := p.requested()
		assert.Len(t, pages, 3, "k=%d: one request a page", k)
		maxInFlight, _ := trk.stats()
		assert.LessOrEqual(t, maxInFlight, 2, "k=%d: no more in flight than pages after the first", k)
		assert.Less(t, after.TotalAlloc-before.TotalAlloc, uint64(16<<20), "k=%d: allocations bounded by the pages, not by k", k)
	}
}

// Issue 11, item 9: the concurrent walk ends at an empty page as the
// sequential one does, whatever total the first page claimed.
func TestPaginationConcurrentStopsAtEmptyPage(t *testing.T) {
	t.Parallel()
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		page, _ := strconv.Atoi(r.URL.Query().Get("page"))
		runners := "[]"
		if page <= 1 {
			runners = `[{"id":1,"name":"a","os":"linux","status":"online","busy":false,"labels":[]}]`
		}
		w.Header().Set("Link", fmt.Sprintf(`<http://%s%s?page=%d&per_page=100>; rel="next"`, r.Host, r.URL.Path, max(page, 1)+1))
		fmt.Fprintf(w, `{"total_count":100000000,"runners":%s}`, runners)
	}))
	t.Cleanup(srv.Close)
	var requests atomic.Int64
	c, err := NewClient(WithBaseURL(srv.URL), WithPageConcurrency(8), WithHTTPClient(&http.Client{Transport: roundTripperFunc(func(r *http.Request) (*http.Response, error) {
		requests.Add(1)
		return http.DefaultTransport.RoundTrip(r)
	})}))
	require.NoError(t, err)
	var got []int64
	for r, err := range c.Org("octo-org").AllRunners(t.Context(), nil) {
		require.NoError(t, err)
		got = append(got, r.ID)
	}
	assert.Equal(t, []int64{1}, got)
	assert.LessOrEqual(t, requests.Load(), int64(1+8), "page 1, then at most one round of 8 pages in flight")
}

// ---- the concurrent walk (WithPageConcurrency) ------------------------------

// withConcurrency is a copy of c whose All… iterators fetch k pages at once,
// as WithPageConcurrency(k) makes it.
func withConcurrency(c *Client, k int) *Client {
	c2 := *c
	c2.concurrency = k
	return &c2
}

// inFlightTracker counts the client's requests in flight: from RoundTrip to the
// close of the response body.
type inFlightTracker struct {
	base     http.RoundTripper
	mu       sync.Mutex
	inFlight int
	max      int
	done     int
}

func (tr *inFlightTracker) RoundTrip(req *http.Request) (*http.Response, error) {
	tr.mu.Lock()
	tr.inFlight++
	tr.max = max(tr.max, tr.inFlight)
	tr.mu.Unlock()
	resp, err := tr.base.RoundTrip(req)
	if err != nil {
		tr.finish()
		return nil, err
	}
	resp.Body = &trackedBody{ReadCloser: resp.Body, finish: sync.OnceFunc(tr.finish)}
	return resp, nil
}

func (tr *inFlightTracker) finish() {
	tr.mu.Lock()
	tr.inFlight--
	tr.done++
	tr.mu.Unlock()
}

func (tr *inFlightTracker) stats() (maxInFlight, done int) {
	tr.mu.Lock()
	defer tr.mu.Unlock()
	return tr.max, tr.done
}

type trackedBody struct {
	io.ReadCloser
	finish func()
}

func (b *trackedBody) Close() error {
	err := b.ReadCloser.Close()
	b.finish()
	return err
}

// pagerClient serves p, for GET orgs/octo-org/actions/runners only, and
// returns a client for it with its own transport (so the test can close its
// idle connections) and a tracker of its requests in flight.
func pagerClient(t *testing.T, p *pageServer) (*Client, *inFlightTracker, *http.Transport) {
	t.Helper()
	p.path = "/orgs/octo-org/actions/runners"
	srv := httptest.NewServer(p)
	t.Cleanup(srv.Close)
	tr := &http.Transport{MaxIdleConnsPerHost: 16}
	t.Cleanup(tr.CloseIdleConnections)
	trk := &inFlightTracker{base: tr}
	c, err := NewClient(WithBaseURL(srv.URL), WithToken(testToken), WithHTTPClient(&http.Client{Transport: trk}))
	require.NoError(t, err)
	return c, trk, tr
}

// labeled runs f with a profiler label naming the test: every goroutine
// f starts, and every one those start, carries it.
func labeled(t *testing.T, f func()) {
	t.Helper()
	pprof.Do(t.Context(), pprof.Labels("paging-test", t.Name()), func(context.Context) { f() })
}

// labeledGoroutines returns how many goroutines carry the test's label,
// and their stacks.
func labeledGoroutines(t *testing.T) (int, string) {
	t.Helper()
	var buf bytes.Buffer
	if err := pprof.Lookup("goroutine").WriteTo(&buf, 1); err != nil {
		t.Fatalf("goroutine profile: %v", err)
	}
	label := fmt.Sprintf("%q:%q", "paging-test", t.Name())
	n := 0
	var stacks strings.Builder
	for _, record := range strings.Split(buf.String(), "\n\n") {
		if !strings.Contains(record, label) {
			continue
		}
		for _, line := range strings.Split(record, "\n") {
			// A record opens with "COUNT @ PC PC ...".
			if count, rest, ok := strings.Cut(line, " @ "); ok && rest != "" {
				if c, err := strconv.Atoi(count); err == nil {
					n += c
					break
				}
			}
		}
		stacks.WriteString(record + "\n\n")
	}
	return n, stacks.String()
}

// assertNoGoroutineLeft waits, for a bounded time, until no goroutine
// started under labeled is left. Idle connections are closed first: the
// goroutines of a kept-alive connection are the transport's, not a leak.
// (runtime.NumGoroutine cannot be compared to a baseline here: the tests run
// in parallel.)
func assertNoGoroutineLeft(t *testing.T, tr *http.Transport) {
	t.Helper()
	deadline := time.Now().Add(10 * time.Second)
	for {
		tr.CloseIdleConnections()
		n, stacks := labeledGoroutines(t)
		if n == 0 {
			return
		}
		if time.Now().After(deadline) {
			t.Fatalf("%d goroutines of the walk are left 10s after it ended:\n%s", n, stacks)
		}
		time.Sleep(10 * time.Millisecond)
	}
}

// walkIDs collects a walk: the runners' IDs, and the errors with the number
// of runners yielded before each; a runner comes without an error, an error
// without a runner. stop, when set, breaks the loop when it returns true.
func walkIDs(t *testing.T, seq iter.Seq2[*Runner, error], stop func(r *Runner) bool) (ids []int64, errs []error, errAt []int) {
	t.Helper()
	for r, err := range seq {
		if err != nil {
			assert.Nil(t, r, "no runner with an error")
			errs = append(errs, err)
			errAt = append(errAt, len(ids))
			continue
		}
		require.NotNil(t, r, "a nil runner without an error")
		ids = append(ids, r.ID)
		if stop != nil && stop(r) {
			break
		}
	}
	return ids, errs, errAt
}

// labeledWalk is walkIDs under labeled: every goroutine of the walk carries
// the test's label, for assertNoGoroutineLeft.
func labeledWalk(t *testing.T, seq iter.Seq2[*Runner, error], stop func(r *Runner) bool) (ids []int64, errs []error, errAt []int) {
	t.Helper()
	labeled(t, func() { ids, errs, errAt = walkIDs(t, seq, stop) })
	return ids, errs, errAt
}

// idRange returns the IDs from to to.
func idRange(from, to int) []int64 {
	ids := make([]int64, 0, to-from+1)
	for id := from; id <= to; id++ {
		ids = append(ids, int64(id))
	}
	return ids
}

// TestPaginationConcurrentAllRunnersInOrder: 1,000 runners, 100 a page, four
// pages at once: every runner once, in ID order, the same values as a
// sequential walk; at most four requests in flight, and more than one.
func TestPaginationConcurrentAllRunnersInOrder(t *testing.T) {
	t.Parallel()
	for name, opts := range map[string]ListRunnersOptions{
		"PerPage 100":     {ListOptions: ListOptions{PerPage: 100}},
		"PerPage default": {},
	} {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			page3 := make(chan struct{})
			var page3Once sync.Once
			p := &pageServer{total: 1000, delay: 5 * time.Millisecond, hold: func(r *http.Request, page int) {
				switch page {
				case 3:
					page3Once.Do(func() { close(page3) })
				case 2:
					// Page 2 is answered once page 3 has been asked for: a
					// client that fetches one page at a time fails below.
					select {
					case <-page3:
					case <-time.After(10 * time.Second):
					case <-r.Context().Done():
					}
				}
			}}
			c, trk, tr := pagerClient(t, p)
			o := opts
			var got []*Runner
			labeled(t, func() {
				for r, err := range withConcurrency(c, 4).Org("octo-org").AllRunners(t.Context(), &o) {
					require.NoError(t, err)
					got = append(got, r)
				}
			})
			assert.Equal(t, opts, o, "the caller's options are not modified")
			assert.Equal(t, idRange(1, 1000), idsOfRunners(got), "every runner once, in ID order")

			maxInFlight, _ := trk.stats()
			assert.LessOrEqual(t, maxInFlight, 4, "at most Concurrency requests in flight")
			assert.Greater(t, maxInFlight, 1, "pages are fetched concurrently")

			pages, perPages := p.requested()
			assert.ElementsMatch(t, []int{1, 2, 3, 4, 5, 6, 7, 8, 9, 10}, pages, "each page asked for once")
			assert.Equal(t, 1, pages[0], "page 1 first, to learn the total")
			for _, pp := range perPages {
				assert.Equal(t, "100", pp)
			}
			assertNoGoroutineLeft(t, tr)

			// A sequential walk of the same runners yields the same values.
			seqPager := &pageServer{total: 1000}
			seqClient, seqTrk, _ := pagerClient(t, seqPager)
			var want []*Runner
			for r, err := range seqClient.Org("octo-org").AllRunners(t.Context(), &ListRunnersOptions{ListOptions: opts.ListOptions}) {
				require.NoError(t, err)
				want = append(want, r)
			}
			require.Len(t, want, 1000)
			assert.Equal(t, want, got)
			seqMax, _ := seqTrk.stats()
			assert.Equal(t, 1, seqMax)
		})
	}
}

// TestPaginationConcurrentZeroOrOneIsSequential: Concurrency 0 and 1 fetch one
// page after another, in order.
func TestPaginationConcurrentZeroOrOneIsSequential(t *testing.T) {
	t.Parallel()
	for _, k := range []int{0, 1, -1} {
		t.Run(strconv.Itoa(k), func(t *testing.T) {
			t.Parallel()
			p := &pageServer{total: 1000, delay: time.Millisecond}
			c, trk, _ := pagerClient(t, p)
			ids, errs, _ := walkIDs(t, withConcurrency(c, k).Org("octo-org").AllRunners(t.Context(), &ListRunnersOptions{}), nil)
			assert.Empty(t, errs)
			assert.Equal(t, idRange(1, 1000), ids)
			maxInFlight, _ := trk.stats()
			assert.Equal(t, 1, maxInFlight, "one request at a time")
			pages, perPages := p.requested()
			assert.Equal(t, []int{1, 2, 3, 4, 5, 6, 7, 8, 9, 10}, pages, "in order")
			assert.Equal(t, slices.Repeat([]string{"100"}, 10), perPages, "100 a page by default")
		})
	}
}

func TestPaginationConcurrentStartPage(t *testing.T) {
	t.Parallel()
	p := &pageServer{total: 1000}
	c, trk, tr := pagerClient(t, p)
	ids, errs, _ := labeledWalk(t, withConcurrency(c, 3).Org("octo-org").AllRunners(t.Context(), &ListRunnersOptions{ListOptions: ListOptions{Page: 3, PerPage: 100}}), nil)
	assert.Empty(t, errs)
	assert.Equal(t, idRange(201, 1000), ids)
	pages, _ := p.requested()
	assert.Equal(t, 3, pages[0])
	assert.ElementsMatch(t, []int{3, 4, 5, 6, 7, 8, 9, 10}, pages)
	maxInFlight, _ := trk.stats()
	assert.LessOrEqual(t, maxInFlight, 3)
	assertNoGoroutineLeft(t, tr)
}

// TestPaginationConcurrentEarlyBreak: breaking the loop stops the walk: no
// page is asked for beyond those the concurrency bound allows, and no
// goroutine is left behind.
func TestPaginationConcurrentEarlyBreak(t *testing.T) {
	t.Parallel()
	const k = 4
	for _, tc := range []struct {
		name    string
		after   int // runners yielded before the break
		onPage  int // the page of the last one
		perPage int
	}{
		{"on page 1", 3, 1, 100},
		{"at the end of page 1", 100, 1, 100},
		{"on page 3", 250, 3, 100},
		{"small pages", 25, 3, 10},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			p := &pageServer{total: 1000, delay: 5 * time.Millisecond}
			c, trk, tr := pagerClient(t, p)
			ids, errs, _ := labeledWalk(t, withConcurrency(c, k).Org("octo-org").AllRunners(t.Context(), &ListRunnersOptions{ListOptions: ListOptions{PerPage: tc.perPage}}),
				func(r *Runner) bool { return r.ID == int64(tc.after) })
			assert.Empty(t, errs)
			assert.Equal(t, idRange(1, tc.after), ids)
			assertNoGoroutineLeft(t, tr)

			// Every goroutine is gone: nothing more will be asked for.
			pages, _ := p.requested()
			assert.Equal(t, 1, pages[0])
			// The page being yielded, and up to k-1 more fetched ahead.
			assert.LessOrEqual(t, len(pages), tc.onPage+k-1, "pages asked for: %v", pages)
			assert.LessOrEqual(t, slices.Max(pages), tc.onPage+k-1, "pages asked for: %v", pages)
			assert.Len(t, slices.Compact(slices.Sorted(slices.Values(pages))), len(pages), "no page twice: %v", pages)
			maxInFlight, _ := trk.stats()
			assert.LessOrEqual(t, maxInFlight, k)
		})
	}
}

// TestPaginationConcurrentContextCanceled: the end of the context mid-walk
// ends it with exactly one error, a context error, and leaves no goroutine.
func TestPaginationConcurrentContextCanceled(t *testing.T) {
	t.Parallel()
	t.Run("pages ahead already fetched", func(t *testing.T) {
		t.Parallel()
		// Pages 3 to 5 (fetched ahead while page 2 is yielded) have all
		// arrived when the context is canceled; page 6 never is fetched.
		p := &pageServer{total: 1000}
		c, trk, tr := pagerClient(t, p)
		ctx, cancel := context.WithCancel(t.Context())
		defer cancel()
		ids, errs, errAt := labeledWalk(t, withConcurrency(c, 4).Org("octo-org").AllRunners(ctx, &ListRunnersOptions{}), func(r *Runner) bool {
			if r.ID == 101 {
				for deadline := time.Now().Add(5 * time.Second); time.Now().Before(deadline); time.Sleep(time.Millisecond) {
					if _, done := trk.stats(); done >= 5 {
						break
					}
				}
				cancel()
			}
			return false
		})
		require.Len(t, errs, 1, "exactly one error; %d runners yielded", len(ids))
		assert.ErrorIs(t, errs[0], context.Canceled)
		assert.Equal(t, len(ids), errAt[0], "the error comes last")
		assert.Equal(t, idRange(1, len(ids)), ids, "the runners before it, in order")
		assert.Less(t, len(ids), 1000)
		assertNoGoroutineLeft(t, tr)
	})
	t.Run("pages ahead blocked", func(t *testing.T) {
		t.Parallel()
		// Pages after 2 are answered only when their request is canceled.
		p := &pageServer{total: 1000, hold: func(r *http.Request, page int) {
			if page > 2 {
				select {
				case <-r.Context().Done():
				case <-time.After(10 * time.Second):
				}
			}
		}}
		c, _, tr := pagerClient(t, p)
		ctx, cancel := context.WithCancel(t.Context())
		defer cancel()
		ids, errs, errAt := labeledWalk(t, withConcurrency(c, 4).Org("octo-org").AllRunners(ctx, &ListRunnersOptions{}), func(r *Runner) bool {
			if r.ID == 150 {
				go cancel() // from another goroutine
			}
			return false
		})
		require.Len(t, errs, 1, "exactly one error")
		assert.ErrorIs(t, errs[0], context.Canceled)
		assert.Equal(t, 200, errAt[0], "after pages 1 and 2")
		assert.Equal(t, idRange(1, 200), ids)
		assertNoGoroutineLeft(t, tr)
	})
}

// TestPaginationConcurrentErrorOnPage3: pages 1 and 2 are yielded, then
// exactly one error, and nothing after it.
func TestPaginationConcurrentErrorOnPage3(t *testing.T) {
	t.Parallel()
	p := &pageServer{total: 1000, failPage: 3, delay: time.Millisecond}
	c, _, tr := pagerClient(t, p)
	ids, errs, errAt := labeledWalk(t, withConcurrency(c, 4).Org("octo-org").AllRunners(t.Context(), &ListRunnersOptions{}), nil)
	assert.Equal(t, idRange(1, 200), ids)
	require.Len(t, errs, 1)
	assert.Equal(t, 200, errAt[0])
	apiErr := apiError(t, errs[0])
	assert.Equal(t, http.StatusInternalServerError, apiErr.StatusCode)
	assert.Contains(t, apiErr.URL, "page=3")
	assertNoGoroutineLeft(t, tr)
}

// TestPaginationConcurrentRunnersAdded: runners added after page 1 make pages
// beyond the last page 1 counted; the walk goes on to them.
func TestPaginationConcurrentRunnersAdded(t *testing.T) {
	t.Parallel()
	p := &pageServer{total: 1000, grownTotal: 1150, delay: time.Millisecond}
	c, trk, tr := pagerClient(t, p)
	ids, errs, _ := labeledWalk(t, withConcurrency(c, 4).Org("octo-org").AllRunners(t.Context(), &ListRunnersOptions{}), nil)
	assert.Empty(t, errs)
	assert.Equal(t, idRange(1, 1150), ids, "every runner once, in order, the added ones too")
	pages, _ := p.requested()
	assert.ElementsMatch(t, []int{1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12}, pages)
	assert.Equal(t, []int{11, 12}, pages[10:], "the pages beyond the first count come last, one after another")
	maxInFlight, _ := trk.stats()
	assert.LessOrEqual(t, maxInFlight, 4)
	assertNoGoroutineLeft(t, tr)
}

// TestPaginationConcurrentNextZeroEndsWalk: a page without a next link ends
// the walk, though page 1's total promised more.
func TestPaginationConcurrentNextZeroEndsWalk(t *testing.T) {
	t.Parallel()
	p := &pageServer{total: 1000, stopAt: 5, delay: time.Millisecond}
	c, _, tr := pagerClient(t, p)
	ids, errs, _ := labeledWalk(t, withConcurrency(c, 4).Org("octo-org").AllRunners(t.Context(), &ListRunnersOptions{}), nil)
	assert.Empty(t, errs)
	assert.Equal(t, idRange(1, 500), ids)
	assertNoGoroutineLeft(t, tr)
	pages, _ := p.requested()
	assert.LessOrEqual(t, slices.Max(pages), 5+3, "no page beyond those in flight: %v", pages)
}
