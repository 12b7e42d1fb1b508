package bench

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"net/http"
	"reflect"
	"testing"

	"github.com/fleetkit/runners"
	"github.com/google/go-github/v92/github"
)

// TestClientsDecodeAlike: the three clients decode the same fixture to the
// same values (one runner, one page, every page), with the same next page,
// and make the requests the benchmarks say they make, so the benchmarks
// compare like with like.
func TestClientsDecodeAlike(t *testing.T) {
	ctx := context.Background()
	fx := fixture(t)
	all := fx.Runners()
	wantOne := all[getID-RunnerIDBase-1]
	if wantOne.ID != getID || len(wantOne.Labels) != 4 {
		t.Fatalf("fixture runner %d: %+v", getID, wantOne)
	}
	for _, tr := range transports(t, fx) {
		t.Run(tr.name, func(t *testing.T) {
			floor := newFloor(tr)
			org := newRunners(t, tr).Org(Org)
			gh := newGoGitHub(t, tr)

			// One runner.
			fr, err := floor.GetRunner(ctx, Org, getID)
			if err != nil {
				t.Fatal(err)
			}
			rr, err := org.GetRunner(ctx, getID)
			if err != nil {
				t.Fatal(err)
			}
			gr, _, err := gh.Actions.GetOrganizationRunner(ctx, Org, getID)
			if err != nil {
				t.Fatal(err)
			}
			same(t, "get: floor", fr, wantOne)
			same(t, "get: runners", fromRunners(rr), wantOne)
			same(t, "get: go-github", fromGoGitHub(gr), wantOne)

			// One page of 100 (page 2: the Link header has prev, next, last and first).
			fl, fnext, err := floor.ListRunners(ctx, Org, 100, 2)
			if err != nil {
				t.Fatal(err)
			}
			rl, err := org.ListRunners(ctx, &runners.ListRunnersOptions{ListOptions: runners.ListOptions{PerPage: 100, Page: 2}})
			if err != nil {
				t.Fatal(err)
			}
			gl, gresp, err := gh.Actions.ListOrganizationRunners(ctx, Org, &github.ListRunnersOptions{ListOptions: github.ListOptions{PerPage: 100, Page: 2}})
			if err != nil {
				t.Fatal(err)
			}
			want := RunnerList{TotalCount: len(all), Runners: all[100:200]}
			same(t, "page: floor", fl, want)
			same(t, "page: runners", RunnerList{TotalCount: rl.TotalCount, Runners: mapAll(rl.Runners, fromRunners)}, want)
			same(t, "page: go-github", RunnerList{TotalCount: gl.TotalCount, Runners: mapAll(gl.Runners, fromGoGitHub)}, want)
			same(t, "next page: floor, runners, go-github", []int{fnext, rl.NextPage, gresp.NextPage}, []int{3, 3, 3})
			if gresp.LastPage != 10 || gresp.PrevPage != 1 || gresp.FirstPage != 1 {
				t.Errorf("go-github read Link as prev %d, last %d, first %d; want 1, 10, 1", gresp.PrevPage, gresp.LastPage, gresp.FirstPage)
			}

			// Every page: 10 requests of 100 for the floor, this library and
			// go-github at 100; 34 of GitHub's default 30 for go-github at its default.
			var got []Runner
			fx.ResetCounts()
			if err := floor.AllRunners(ctx, Org, 100, func(r *Runner) { got = append(got, *r) }); err != nil {
				t.Fatal(err)
			}
			same(t, "all: floor", got, all)
			requests(t, fx, "all: floor", 10)

			got = got[:0]
			for r, err := range org.AllRunners(ctx, nil) {
				if err != nil {
					t.Fatal(err)
				}
				got = append(got, fromRunners(r))
			}
			same(t, "all: runners", got, all)
			requests(t, fx, "all: runners", 10)

			for _, c := range []struct {
				perPage  int
				requests int64
			}{{100, 10}, {0, 34}} {
				got = got[:0]
				opts := &github.ListRunnersOptions{ListOptions: github.ListOptions{PerPage: c.perPage}}
				for {
					list, resp, err := gh.Actions.ListOrganizationRunners(ctx, Org, opts)
					if err != nil {
						t.Fatal(err)
					}
					got = append(got, mapAll(list.Runners, fromGoGitHub)...)
					if resp.NextPage == 0 {
						break
					}
					opts.Page = resp.NextPage
				}
				what := fmt.Sprintf("all: go-github per_page=%d", c.perPage)
				same(t, what, got, all)
				requests(t, fx, what, c.requests)
			}
		})
	}
}

// TestObserverAndPoolWalkAlike: the variants of AllRunners1000 walk the same
// runners with the same 10 requests; the pool's Apps each look their
// installation up and exchange a token once, on the first walk only, and
// the observer sees every page.
func TestObserverAndPoolWalkAlike(t *testing.T) {
	ctx := context.Background()
	fx := fixture(t)
	afx := &AppsFixture{Fixture: fx}
	for i, tr := range transports(t, afx) {
		t.Run(tr.name, func(t *testing.T) {
			var seen []runners.RequestInfo
			observer := runners.WithObserver(func(ri runners.RequestInfo) { seen = append(seen, ri) })
			for _, c := range []struct {
				name string
				org  *runners.OrgService
			}{
				{"observer", newRunners(t, tr, observer).Org(Org)},
				{"pool", newPool(t, tr).Org(Org)},
			} {
				for walk := 1; walk <= 2; walk++ {
					fx.ResetCounts()
					var got []Runner
					for r, err := range c.org.AllRunners(ctx, nil) {
						if err != nil {
							t.Fatal(err)
						}
						got = append(got, fromRunners(r))
					}
					same(t, c.name+": all", got, fx.Runners())
					requests(t, fx, c.name+": all", 10)
				}
			}
			if len(seen) != 20 || seen[0].Path != "orgs/{org}/actions/runners" || seen[19].StatusCode != http.StatusOK {
				t.Errorf("the observer saw %d requests, the first %+v", len(seen), seen[0])
			}
			lookups, exchanges := afx.AppCounts()
			if want := int64(poolSize * (i + 1)); lookups != want || exchanges != want {
				t.Errorf("pool: %d lookups and %d exchanges in all, want %d of each: one per App and transport", lookups, exchanges, want)
			}
		})
	}
}

// TestFixtureMemEqualsLoopback: for every page, both page sizes, a GET and a
// conditional GET, the in-memory and the loopback fixture answer the same
// status, Link header (byte for byte), ETag and body.
func TestFixtureMemEqualsLoopback(t *testing.T) {
	fx := fixture(t)
	trs := transports(t, fx)
	mem, loop := trs[0], trs[1]
	if mem.name != "mem" || loop.name != "loopback" {
		t.Fatal(mem.name, loop.name)
	}
	memHC, loopHC := mem.newHC(), loop.newHC()
	paths := []string{"orgs/" + Org + "/actions/runners/10023", "orgs/" + Org + "/actions/runners/1", "orgs/" + Org + "/actions/runners?per_page=7"}
	for page := 1; page <= 10; page++ {
		paths = append(paths, fmt.Sprintf("orgs/%s/actions/runners?per_page=100&page=%d", Org, page))
	}
	for page := 1; page <= 34; page++ {
		paths = append(paths, fmt.Sprintf("orgs/%s/actions/runners?page=%d", Org, page))
	}
	paths = append(paths, "orgs/"+Org+"/actions/runners") // no page: page 1 of 30

	links := 0
	for _, p := range paths {
		do := func(hc *http.Client, base string, h http.Header) (*http.Response, []byte) {
			resp, err := hc.Do(newGet(t, base+p, h))
			if err != nil {
				t.Fatal(err)
			}
			defer resp.Body.Close()
			b, err := io.ReadAll(resp.Body)
			if err != nil {
				t.Fatal(err)
			}
			return resp, b
		}
		m, mb := do(memHC, mem.base, nil)
		l, lb := do(loopHC, loop.base, nil)
		if m.StatusCode != l.StatusCode || !bytes.Equal(mb, lb) {
			t.Errorf("%s: mem %d %q, loopback %d %q", p, m.StatusCode, mb, l.StatusCode, lb)
		}
		if !reflect.DeepEqual(m.Header.Values("Link"), l.Header.Values("Link")) {
			t.Errorf("%s: Link differs:\nmem      %q\nloopback %q", p, m.Header.Values("Link"), l.Header.Values("Link"))
		}
		if m.Header.Get("Link") != "" {
			links++
		}
		for _, k := range []string{"Etag", "Content-Type", "Content-Length", "X-Ratelimit-Remaining", "X-Ratelimit-Reset"} {
			if m.Header.Get(k) != l.Header.Get(k) {
				t.Errorf("%s: %s: mem %q, loopback %q", p, k, m.Header.Get(k), l.Header.Get(k))
			}
		}
		if m.StatusCode != http.StatusOK {
			continue
		}
		// The same request with the ETag it got: 304 without a body from both.
		cond := http.Header{"If-None-Match": {m.Header.Get("Etag")}}
		fx.ResetCounts()
		m2, mb2 := do(memHC, mem.base, cond)
		l2, lb2 := do(loopHC, loop.base, cond)
		if m2.StatusCode != http.StatusNotModified || l2.StatusCode != http.StatusNotModified || len(mb2) != 0 || len(lb2) != 0 {
			t.Errorf("%s with If-None-Match: mem %d %q, loopback %d %q; want 304 without body", p, m2.StatusCode, mb2, l2.StatusCode, lb2)
		}
		if m2.Header.Get("Etag") != m.Header.Get("Etag") || l2.Header.Get("Etag") != m.Header.Get("Etag") {
			t.Errorf("%s: 304 ETag: mem %q, loopback %q", p, m2.Header.Get("Etag"), l2.Header.Get("Etag"))
		}
		if req, full, nm := fx.Counts(); req != 2 || full != 0 || nm != 2 {
			t.Errorf("%s: counts after two 304s: %d requests, %d full, %d 304", p, req, full, nm)
		}
	}
	if links != 10+34+1 {
		t.Errorf("%d responses had a Link header; want %d", links, 10+34+1)
	}
	// The first and a middle page, as GitHub sends them.
	memLink := func(p string) string {
		resp, err := memHC.Do(newGet(t, mem.base+p, nil))
		if err != nil {
			t.Fatal(err)
		}
		discard(resp)
		return resp.Header.Get("Link")
	}
	for p, want := range map[string]string{
		"orgs/" + Org + "/actions/runners?per_page=100&page=1": `<` + LinkBase + `?per_page=100&page=2>; rel="next", <` + LinkBase + `?per_page=100&page=10>; rel="last"`,
		"orgs/" + Org + "/actions/runners?per_page=100&page=2": `<` + LinkBase + `?per_page=100&page=1>; rel="prev", <` + LinkBase + `?per_page=100&page=3>; rel="next", <` + LinkBase + `?per_page=100&page=10>; rel="last", <` + LinkBase + `?per_page=100&page=1>; rel="first"`,
		"orgs/" + Org + "/actions/runners?page=34":             `<` + LinkBase + `?page=33>; rel="prev", <` + LinkBase + `?page=1>; rel="first"`,
	} {
		if got := memLink(p); got != want {
			t.Errorf("%s: Link\n got %s\nwant %s", p, got, want)
		}
	}
	// And without a token: 401, as GitHub answers.
	req, _ := http.NewRequest(http.MethodGet, mem.base+"orgs/"+Org+"/actions/runners", nil)
	resp, err := memHC.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	discard(resp)
	if resp.StatusCode != http.StatusUnauthorized {
		t.Errorf("without a token: %d, want 401", resp.StatusCode)
	}
}

func TestFloorNextPage(t *testing.T) {
	for link, want := range map[string]int{
		"": 0,
		`<https://x/y?per_page=100&page=2>; rel="next", <https://x/y?per_page=100&page=10>; rel="last"`:                                            2,
		`<https://x/y?page=1>; rel="prev", <https://x/y?page=3>; rel="next", <https://x/y?page=34>; rel="last", <https://x/y?page=1>; rel="first"`: 3,
		`<https://x/y?page=33>; rel="prev", <https://x/y?page=1>; rel="first"`:                                                                     0,
	} {
		if got := NextPage(link); got != want {
			t.Errorf("NextPage(%q) = %d, want %d", link, got, want)
		}
	}
}

func same(t *testing.T, what string, got, want any) {
	t.Helper()
	if !reflect.DeepEqual(got, want) {
		t.Errorf("%s:\n got %+v\nwant %+v", what, got, want)
	}
}

func requests(t *testing.T, fx *Fixture, what string, want int64) {
	t.Helper()
	if req, _, _ := fx.Counts(); req != want {
		t.Errorf("%s: %d requests, want %d", what, req, want)
	}
	fx.ResetCounts()
}

func mapAll[T any](in []*T, f func(*T) Runner) []Runner {
	out := make([]Runner, 0, len(in))
	for _, r := range in {
		out = append(out, f(r))
	}
	return out
}
