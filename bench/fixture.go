// Package bench compares github.com/fleetkit/runners with go-github and with a
// plain net/http + encoding/json floor, against one in-process fixture of
// GitHub's self-hosted runners API. It is its own module so that go-github
// never enters the library's go.mod. See BENCHMARKS.md at the repository root.
package bench

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"net/http"
	"strconv"
	"strings"
	"sync/atomic"
	"time"
)

// Org is the organization every fixture serves.
const Org = "octo-org"

// LinkBase is the absolute URL GitHub's Link headers point at for an
// organization's runner list (GitHub uses the organization's numeric ID).
// It is the same for the in-memory and the loopback fixture, so both serve
// byte-identical Link headers; every client only reads the page number.
const LinkBase = "https://api.github.com/organizations/9919/actions/runners"

// DefaultPerPage is GitHub's page size when per_page is not sent.
const DefaultPerPage = 30

// Label and Runner are the value-typed models the floor decodes into; the
// fixture generates its runners as these, and the equivalence test maps the
// other clients' models onto them.
type Label struct {
	ID   int64  `json:"id"`
	Name string `json:"name"`
	Type string `json:"type"`
}

type Runner struct {
	ID            int64   `json:"id"`
	RunnerGroupID int64   `json:"runner_group_id,omitempty"`
	Name          string  `json:"name"`
	OS            string  `json:"os"`
	Status        string  `json:"status"`
	Busy          bool    `json:"busy"`
	Ephemeral     bool    `json:"ephemeral"`
	Version       string  `json:"version,omitempty"`
	Labels        []Label `json:"labels"`
}

type RunnerList struct {
	TotalCount int      `json:"total_count"`
	Runners    []Runner `json:"runners"`
}

// canned is one pre-built response: the 200 with its body, and the 304 the
// same resource answers to a matching If-None-Match.
type canned struct {
	header   http.Header // of the 200, Content-Length included
	body     []byte
	etag     string      // W/"..."
	nmHeader http.Header // of the 304: no body, no Content-Type
}

type pageKey struct{ perPage, page int } // perPage 0: per_page not sent

// Fixture serves GitHub's runner endpoints for one organization from
// responses built once by NewFixture:
//
//	GET /orgs/octo-org/actions/runners[?per_page=N][&page=P]
//	GET /orgs/octo-org/actions/runners/{id}
//
// with GitHub's headers (Link with prev/next/last/first, ETag, the rate
// limit headers, ...). It answers 304 without a body when If-None-Match
// matches the ETag, and 401 without "Authorization: Bearer ...". It is both
// an http.RoundTripper (in memory, no socket) and an http.Handler (wrap it in
// httptest.NewServer for loopback). It is safe for concurrent use.
type Fixture struct {
	// Latency, when set, is slept before every response (set it before use).
	Latency time.Duration

	total    int
	runners  []Runner
	pages    map[pageKey]*canned
	byID     map[int64]*canned
	perPages []int

	requests, full, notModified atomic.Int64
}

// RunnerIDBase is added to a runner's 1-based position to give its ID.
const RunnerIDBase = 10_000

// NewFixture builds a fixture of total runners with 4 labels each, pre-built
// as list pages for each per_page value in perPages (0 stands for per_page
// not sent: GitHub's default of 30) and, when withGets is true, as one
// GET response per runner.
func NewFixture(total int, withGets bool, perPages ...int) *Fixture {
	f := &Fixture{
		total:    total,
		pages:    map[pageKey]*canned{},
		byID:     map[int64]*canned{},
		perPages: perPages,
	}
	oses := []struct{ os, label string }{{"linux", "Linux"}, {"macos", "macOS"}, {"windows", "Windows"}}
	for i := 1; i <= total; i++ {
		o := oses[i%len(oses)]
		status := "online"
		if i%4 == 0 {
			status = "offline"
		}
		f.runners = append(f.runners, Runner{
			ID:        RunnerIDBase + int64(i),
			Name:      fmt.Sprintf("runner-%05d", i),
			OS:        o.os,
			Status:    status,
			Busy:      i%3 == 0,
			Ephemeral: i%5 == 0,
			Labels: []Label{
				{ID: 5, Name: "self-hosted", Type: "read-only"},
				{ID: 7, Name: "X64", Type: "read-only"},
				{ID: 11 + int64(i%len(oses)), Name: o.label, Type: "read-only"},
				{ID: 100 + int64(i%10), Name: "pool-" + strconv.Itoa(i%10), Type: "custom"},
			},
		})
	}
	for _, pp := range perPages {
		size := pp
		if size == 0 {
			size = DefaultPerPage
		}
		last := max(1, (total+size-1)/size)
		for page := 1; page <= last; page++ {
			lo, hi := (page-1)*size, min(page*size, total)
			list := RunnerList{TotalCount: total, Runners: f.runners[lo:hi]}
			f.pages[pageKey{pp, page}] = newCanned(list, linkHeader(pp, page, last))
		}
	}
	if withGets {
		for _, r := range f.runners {
			f.byID[r.ID] = newCanned(r, "")
		}
	}
	return f
}

// Runners returns the fixture's runners, in order.
func (f *Fixture) Runners() []Runner { return f.runners }

// Total is how many runners the fixture holds.
func (f *Fixture) Total() int { return f.total }

// Counts returns the requests served, and of them the full (200) and the
// 304 Not Modified responses.
func (f *Fixture) Counts() (requests, full, notModified int64) {
	return f.requests.Load(), f.full.Load(), f.notModified.Load()
}

// ResetCounts zeroes the counters.
func (f *Fixture) ResetCounts() {
	f.requests.Store(0)
	f.full.Store(0)
	f.notModified.Store(0)
}

// linkHeader is GitHub's Link header for page of last: prev, next, last,
// first, in GitHub's order, each only when it applies.
func linkHeader(perPage, page, last int) string {
	u := func(p int) string {
		if perPage == 0 {
			return "<" + LinkBase + "?page=" + strconv.Itoa(p) + ">"
		}
		return "<" + LinkBase + "?per_page=" + strconv.Itoa(perPage) + "&page=" + strconv.Itoa(p) + ">"
	}
	var links []string
	if page > 1 {
		links = append(links, u(page-1)+`; rel="prev"`)
	}
	if page < last {
		links = append(links, u(page+1)+`; rel="next"`, u(last)+`; rel="last"`)
	}
	if page > 1 {
		links = append(links, u(1)+`; rel="first"`)
	}
	return strings.Join(links, ", ")
}

func newCanned(v any, link string) *canned {
	body, err := json.Marshal(v)
	if err != nil {
		panic(err)
	}
	sum := sha256.Sum256(body)
	etag := `W/"` + hex.EncodeToString(sum[:16]) + `"`
	common := http.Header{}
	common.Set("Cache-Control", "private, max-age=60, s-maxage=60")
	common.Set("Vary", "Accept, Authorization, Cookie, X-GitHub-OTP, Accept-Encoding, Accept, X-Requested-With")
	common.Set("ETag", etag)
	common.Set("X-GitHub-Api-Version-Selected", "2022-11-28")
	common.Set("X-RateLimit-Limit", "5000")
	common.Set("X-RateLimit-Remaining", "4999")
	common.Set("X-RateLimit-Reset", "4102444800") // 2100-01-01: never reached during a run
	common.Set("X-RateLimit-Used", "1")
	common.Set("X-RateLimit-Resource", "core")
	common.Set("X-GitHub-Media-Type", "github.v3; format=json")
	common.Set("X-GitHub-Request-Id", "C0DE:3F1A:2B4C5D:3E6F7A:6745B2C1")
	h := common.Clone()
	h.Set("Content-Type", "application/json; charset=utf-8")
	h.Set("Content-Length", strconv.Itoa(len(body)))
	if link != "" {
		h.Set("Link", link)
	}
	return &canned{header: h, body: body, etag: etag, nmHeader: common}
}

// lookup routes a request to its canned response, or to an error status.
func (f *Fixture) lookup(r *http.Request) (*canned, int) {
	if r.Method != http.MethodGet {
		return nil, http.StatusMethodNotAllowed
	}
	if !strings.HasPrefix(r.Header.Get("Authorization"), "Bearer ") {
		return nil, http.StatusUnauthorized
	}
	const list = "/orgs/" + Org + "/actions/runners"
	path := r.URL.Path
	if !strings.HasPrefix(path, list) {
		return nil, http.StatusNotFound
	}
	rest := path[len(list):]
	if rest == "" {
		perPage, page, ok := parseQuery(r.URL.RawQuery)
		if !ok {
			return nil, http.StatusBadRequest
		}
		c := f.pages[pageKey{perPage, max(page, 1)}]
		if c == nil {
			return nil, http.StatusNotFound // a per_page the fixture was not built for, or past the last page
		}
		return c, http.StatusOK
	}
	id, err := strconv.ParseInt(strings.TrimPrefix(rest, "/"), 10, 64)
	if err != nil || rest[0] != '/' {
		return nil, http.StatusNotFound
	}
	c := f.byID[id]
	if c == nil {
		return nil, http.StatusNotFound
	}
	return c, http.StatusOK
}

// parseQuery reads per_page and page from a raw query without allocating.
func parseQuery(q string) (perPage, page int, ok bool) {
	for q != "" {
		var kv string
		kv, q, _ = strings.Cut(q, "&")
		k, v, _ := strings.Cut(kv, "=")
		switch k {
		case "per_page":
			n, err := strconv.Atoi(v)
			if err != nil {
				return 0, 0, false
			}
			perPage = n
		case "page":
			n, err := strconv.Atoi(v)
			if err != nil {
				return 0, 0, false
			}
			page = n
		}
	}
	return perPage, page, true
}

// notModified reports whether the request's If-None-Match matches etag
// (weak comparison, as GitHub does: W/ prefixes are ignored).
func notModified(r *http.Request, etag string) bool {
	inm := r.Header.Get("If-None-Match")
	if inm == "" {
		return false
	}
	want := strings.TrimPrefix(etag, "W/")
	for t := range strings.SplitSeq(inm, ",") {
		t = strings.TrimSpace(t)
		if t == "*" || strings.TrimPrefix(t, "W/") == want {
			return true
		}
	}
	return false
}

// body is a response body over pre-built bytes: one allocation.
type body struct{ bytes.Reader }

func (*body) Close() error { return nil }

var emptyHeader = http.Header{}

// RoundTrip serves the request in memory, building a fresh *http.Response
// (with its own copy of the headers and a new reader over the pre-built body)
// each time, as a transport would.
func (f *Fixture) RoundTrip(r *http.Request) (*http.Response, error) {
	if r.Body != nil {
		r.Body.Close()
	}
	f.requests.Add(1)
	if f.Latency > 0 {
		time.Sleep(f.Latency)
	}
	c, status := f.lookup(r)
	resp := &http.Response{
		Proto: "HTTP/1.1", ProtoMajor: 1, ProtoMinor: 1,
		Request: r,
	}
	b := new(body)
	switch {
	case c == nil:
		resp.StatusCode, resp.Header = status, emptyHeader.Clone()
		msg := []byte(`{"message":"` + http.StatusText(status) + `","documentation_url":"https://docs.github.com/rest","status":"` + strconv.Itoa(status) + `"}`)
		resp.Header.Set("Content-Type", "application/json; charset=utf-8")
		resp.Header.Set("Content-Length", strconv.Itoa(len(msg)))
		b.Reset(msg)
		resp.ContentLength = int64(len(msg))
	case notModified(r, c.etag):
		f.notModified.Add(1)
		resp.StatusCode, resp.Header = http.StatusNotModified, c.nmHeader.Clone()
		b.Reset(nil)
	default:
		f.full.Add(1)
		resp.StatusCode, resp.Header = http.StatusOK, c.header.Clone()
		b.Reset(c.body)
		resp.ContentLength = int64(len(c.body))
	}
	resp.Status = strconv.Itoa(resp.StatusCode) + " " + http.StatusText(resp.StatusCode)
	resp.Body = b
	return resp, nil
}

// ServeHTTP serves the same responses over a socket.
func (f *Fixture) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	f.requests.Add(1)
	if f.Latency > 0 {
		time.Sleep(f.Latency)
	}
	c, status := f.lookup(r)
	h := w.Header()
	switch {
	case c == nil:
		h.Set("Content-Type", "application/json; charset=utf-8")
		w.WriteHeader(status)
		fmt.Fprintf(w, `{"message":%q,"documentation_url":"https://docs.github.com/rest","status":"%d"}`, http.StatusText(status), status)
	case notModified(r, c.etag):
		f.notModified.Add(1)
		for k, v := range c.nmHeader {
			h[k] = v
		}
		w.WriteHeader(http.StatusNotModified)
	default:
		f.full.Add(1)
		for k, v := range c.header {
			h[k] = v
		}
		w.WriteHeader(http.StatusOK)
		w.Write(c.body)
	}
}
