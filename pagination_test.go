package runners

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"math"
	"net/http"
	"net/http/httptest"
	"net/url"
	"runtime"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"testing"

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

// pgRunner is the runner with ID id, as pgServer serves it.
func pgRunner(id int) map[string]any {
	return map[string]any{
		"id": id, "name": fmt.Sprintf("runner-%03d", id), "os": "linux", "status": "online",
		"busy": false, "ephemeral": false, "labels": []any{map[string]any{"id": 5, "name": "self-hosted", "type": "read-only"}},
	}
}

// pgServer serves total runners (IDs 1 to total) a page at a time, the way
// GitHub does: per_page (default 30) and page are honoured, and the Link
// header names next, last, prev and first with absolute URLs on linkBase,
// which is not the test server.
func pgServer(total int, linkBase string) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		q := r.URL.Query()
		perPage, page := 30, 1
		if v := q.Get("per_page"); v != "" {
			perPage, _ = strconv.Atoi(v)
		}
		if v := q.Get("page"); v != "" {
			page, _ = strconv.Atoi(v)
		}
		if perPage < 1 || perPage > 100 || page < 1 {
			w.WriteHeader(http.StatusUnprocessableEntity)
			return
		}
		last := max((total+perPage-1)/perPage, 1)
		link := func(p int, rel string) string {
			return fmt.Sprintf(`<%s/orgs/octo-org/actions/runners?per_page=%d&page=%d>; rel="%s"`, linkBase, perPage, p, rel)
		}
		var links []string
		if page > 1 {
			links = append(links, link(page-1, "prev"))
		}
		if page < last {
			links = append(links, link(page+1, "next"), link(last, "last"))
		}
		if page > 1 {
			links = append(links, link(1, "first"))
		}
		if len(links) > 0 {
			w.Header().Set("Link", strings.Join(links, ", "))
		}
		runners := []any{}
		for id := (page-1)*perPage + 1; id <= min(page*perPage, total); id++ {
			runners = append(runners, pgRunner(id))
		}
		w.Header().Set("Content-Type", "application/json; charset=utf-8")
		json.NewEncoder(w).Encode(map[string]any{"total_count": total, "runners": runners})
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

// pgCollect runs seq to the end and returns the runner IDs and the errors,
// in the order they came.
func pgCollect(t *testing.T, seq func(func(*Runner, error) bool)) (ids []int64, errs []error, order []string) {
	t.Helper()
	for r, err := range seq {
		if err != nil {
			assert.Nil(t, r, "no runner with an error")
			errs = append(errs, err)
			order = append(order, "error")
			continue
		}
		require.NotNil(t, r, "a nil runner without an error")
		ids = append(ids, r.ID)
		order = append(order, "runner")
	}
	return ids, errs, order
}

func pgIDs(from, to int) []int64 {
	var ids []int64
	for id := from; id <= to; id++ {
		ids = append(ids, int64(id))
	}
	return ids
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
	c, rec := newTestClient(t, pgServer(250, "https://api.github.com"))
	org := c.Org("octo-org")

	first, err := org.ListRunners(context.Background(), &ListRunnersOptions{ListOptions: ListOptions{PerPage: 100}})
	require.NoError(t, err)
	assert.Equal(t, 250, first.TotalCount)
	assert.Len(t, first.Runners, 100)
	assert.Equal(t, 2, first.NextPage)

	second, err := org.ListRunners(context.Background(), &ListRunnersOptions{ListOptions: ListOptions{PerPage: 100, Page: first.NextPage}})
	require.NoError(t, err)
	assert.Equal(t, 3, second.NextPage)
	assert.Equal(t, int64(101), second.Runners[0].ID)

	last, err := org.ListRunners(context.Background(), &ListRunnersOptions{ListOptions: ListOptions{PerPage: 100, Page: second.NextPage}})
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
	list, err := c.Repo("octo-org", "octo-repo").ListRunners(context.Background(), nil)
	require.NoError(t, err)
	assert.Equal(t, 0, list.NextPage, "no Link header: the only page")
	assert.Equal(t, 2, list.TotalCount)
	assert.Len(t, list.Runners, 2)
}

func TestPaginationAllRunnersThreePages(t *testing.T) {
	t.Parallel()
	transport := &pgOnlyHost{base: &http.Transport{}}
	t.Cleanup(transport.base.(*http.Transport).CloseIdleConnections)
	c, rec := newTestClient(t, pgServer(250, "https://api.github.com"), WithHTTPClient(&http.Client{Transport: transport}))
	base, err := url.Parse(c.BaseURL())
	require.NoError(t, err)
	transport.mu.Lock()
	transport.host = base.Host
	transport.mu.Unlock()

	ids, errs, _ := pgCollect(t, c.Org("octo-org").AllRunners(context.Background(), nil))
	assert.Empty(t, errs)
	assert.Equal(t, pgIDs(1, 250), ids, "250 runners, in order")

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
	c, rec := newTestClient(t, pgServer(250, "https://api.github.com"))
	opts := &ListRunnersOptions{ListOptions: ListOptions{PerPage: 60}}
	ids, errs, _ := pgCollect(t, c.Enterprise("acme").AllRunners(context.Background(), opts))
	assert.Empty(t, errs)
	assert.Equal(t, pgIDs(1, 250), ids)
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
	c, rec := newTestClient(t, pgServer(250, "https://api.github.com"))
	opts := &ListRunnersOptions{Name: "", ListOptions: ListOptions{Page: 2}}
	ids, errs, _ := pgCollect(t, c.Repo("octo-org", "octo-repo").AllRunners(context.Background(), opts))
	assert.Empty(t, errs)
	assert.Equal(t, pgIDs(101, 250), ids, "from page 2 on, at 100 a page")
	assert.Equal(t, &ListRunnersOptions{ListOptions: ListOptions{Page: 2}}, opts, "opts are not modified")

	reqs := rec.all()
	require.Len(t, reqs, 2)
	assert.Equal(t, "page=2&per_page=100", reqs[0].RawQuery)
	assert.Equal(t, "page=3&per_page=100", reqs[1].RawQuery)
}

func TestPaginationAllRunnersNameAndOptsUnmodified(t *testing.T) {
	t.Parallel()
	c, rec := newTestClient(t, pgServer(150, "https://api.github.com"))
	opts := &ListRunnersOptions{Name: "linux runner"}
	before := *opts
	ids, errs, _ := pgCollect(t, c.Org("octo-org").AllRunners(context.Background(), opts))
	assert.Empty(t, errs)
	assert.Len(t, ids, 150)
	assert.Equal(t, before, *opts, "opts are not modified")
	reqs := rec.all()
	require.Len(t, reqs, 2)
	for i, got := range reqs {
		assert.Equal(t, "linux runner", pgQuery(t, got).Get("name"), "request %d keeps the name filter", i)
	}

	// The same options walk the same pages again.
	ids2, errs2, _ := pgCollect(t, c.Org("octo-org").AllRunners(context.Background(), opts))
	assert.Empty(t, errs2)
	assert.Equal(t, ids, ids2)
}

func TestPaginationAllRunnersEarlyBreak(t *testing.T) {
	t.Parallel()
	c, rec := newTestClient(t, pgServer(250, "https://api.github.com"))
	var ids []int64
	for r, err := range c.Org("octo-org").AllRunners(context.Background(), nil) {
		require.NoError(t, err)
		ids = append(ids, r.ID)
		if len(ids) == 3 {
			break
		}
	}
	assert.Equal(t, []int64{1, 2, 3}, ids)
	assert.Len(t, rec.all(), 1, "no request after the loop breaks")

	// Breaking at the last runner of a page asks for no further page either.
	c2, rec2 := newTestClient(t, pgServer(250, "https://api.github.com"))
	n := 0
	for _, err := range c2.Org("octo-org").AllRunners(context.Background(), nil) {
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
	pages := pgServer(250, "https://api.github.com")
	c, rec := newTestClient(t, func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Query().Get("page") == "2" {
			w.Header().Set("X-GitHub-Request-Id", "PAGE:2")
			w.Header().Set("Content-Type", "application/json")
			w.WriteHeader(http.StatusInternalServerError)
			w.Write([]byte(`{"message":"Server Error"}`))
			return
		}
		pages(w, r)
	})
	ids, errs, order := pgCollect(t, c.Org("octo-org").AllRunners(context.Background(), nil))
	assert.Equal(t, pgIDs(1, 100), ids, "the runners of page 1")
	require.Len(t, errs, 1, "exactly one error")
	assert.Equal(t, "error", order[len(order)-1], "the error comes last")
	assert.Len(t, order, 101)

	var apiErr *Error
	require.True(t, errors.As(errs[0], &apiErr))
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
	ids, errs, _ := pgCollect(t, c.Org("octo-org").AllRunners(context.Background(), nil))
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
		{"next is always page 1", 0, func(int) int { return 1 }, pgIDs(1, 2), 1},
		{"next is always page 2", 0, func(int) int { return 2 }, []int64{1, 2, 3, 4}, 2},
		{"next is the current page", 3, func(p int) int { return p }, pgIDs(5, 6), 1},
		{"next goes back", 0, func(p int) int {
			if p >= 3 {
				return 1
			}
			return p + 1
		}, pgIDs(1, 6), 3},
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
				json.NewEncoder(w).Encode(map[string]any{"total_count": 1000, "runners": []any{pgRunner(2*page - 1), pgRunner(2 * page)}})
			})
			opts := &ListRunnersOptions{ListOptions: ListOptions{Page: tc.start, PerPage: 2}}
			ids, errs, order := pgCollect(t, c.Org("octo-org").AllRunners(context.Background(), opts))
			assert.Equal(t, tc.wantIDs, ids)
			require.Len(t, errs, 1, "the walk ends with one error")
			assert.Equal(t, "error", order[len(order)-1])
			var apiErr *Error
			require.True(t, errors.As(errs[0], &apiErr))
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
			c, rec := newTestClient(t, pgServer(250, "https://api.github.com"))
			ids, errs, _ := pgCollect(t, c.Org("octo-org").AllRunners(context.Background(), &opts))
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
		c, rec := newTestClient(t, pgServer(250, "https://api.github.com"))
		ids, errs, _ := pgCollect(t, c.Org("").AllRunners(context.Background(), nil))
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
		p := &scalePager{total: 250}
		c, trk, _ := scalePagerClient(t, p)
		var before, after runtime.MemStats
		runtime.ReadMemStats(&before)
		ids, errs, _ := scaleWalk(withConcurrency(c, k).Org("octo-org").AllRunners(t.Context(), &ListRunnersOptions{}), nil)
		runtime.ReadMemStats(&after)
		assert.Empty(t, errs, "k=%d", k)
		assert.Equal(t, scaleIDRange(1, 250), ids, "k=%d", k)
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
