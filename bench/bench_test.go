package bench

import (
	"context"
	"sync"
	"testing"

	"github.com/fleetkit/runners"
	"github.com/google/go-github/v92/github"
)

// The fixture of the main benchmarks: 1,000 runners, pre-built as pages of
// 100 (per_page=100) and of GitHub's default 30 (per_page not sent), and as
// one GET response per runner.
var (
	fixtureOnce sync.Once
	fixture1000 *Fixture
)

func fixture(tb testing.TB) *Fixture {
	fixtureOnce.Do(func() { fixture1000 = NewFixture(1000, true, 0, 100) })
	return fixture1000
}

var (
	sinkRunner   *runners.Runner
	sinkGHRunner *github.Runner
	sinkFloor    Runner
)

// BenchmarkGetRunner: GET /orgs/{org}/actions/runners/{id}, one runner.
func BenchmarkGetRunner(b *testing.B) {
	ctx := context.Background()
	for _, tr := range transports(b, fixture(b)) {
		b.Run("transport="+tr.name+"/client=floor", func(b *testing.B) {
			f := newFloor(tr)
			b.ReportAllocs()
			defer cpuPerOp(b)()
			for b.Loop() {
				r, err := f.GetRunner(ctx, Org, getID)
				if err != nil || r.ID != getID {
					b.Fatal(r.ID, err)
				}
				sinkFloor = r
			}
		})
		b.Run("transport="+tr.name+"/client=runners", func(b *testing.B) {
			org := newRunners(b, tr).Org(Org)
			b.ReportAllocs()
			defer cpuPerOp(b)()
			for b.Loop() {
				r, err := org.GetRunner(ctx, getID)
				if err != nil || r.ID != getID {
					b.Fatal(r, err)
				}
				sinkRunner = r
			}
		})
		b.Run("transport="+tr.name+"/client=gogithub", func(b *testing.B) {
			gh := newGoGitHub(b, tr)
			b.ReportAllocs()
			defer cpuPerOp(b)()
			for b.Loop() {
				r, _, err := gh.Actions.GetOrganizationRunner(ctx, Org, getID)
				if err != nil || r.GetID() != getID {
					b.Fatal(r, err)
				}
				sinkGHRunner = r
			}
		})
	}
}

// BenchmarkListPage100: one page of 100 runners (page 2 of 10, so the Link
// header has all four relations).
func BenchmarkListPage100(b *testing.B) {
	ctx := context.Background()
	const page = 2
	for _, tr := range transports(b, fixture(b)) {
		b.Run("transport="+tr.name+"/client=floor", func(b *testing.B) {
			f := newFloor(tr)
			b.ReportAllocs()
			defer cpuPerOp(b)()
			for b.Loop() {
				list, next, err := f.ListRunners(ctx, Org, 100, page)
				if err != nil || len(list.Runners) != 100 || next != page+1 {
					b.Fatal(len(list.Runners), next, err)
				}
			}
		})
		b.Run("transport="+tr.name+"/client=runners", func(b *testing.B) {
			org := newRunners(b, tr).Org(Org)
			opts := &runners.ListRunnersOptions{ListOptions: runners.ListOptions{PerPage: 100, Page: page}}
			b.ReportAllocs()
			defer cpuPerOp(b)()
			for b.Loop() {
				list, err := org.ListRunners(ctx, opts)
				if err != nil || len(list.Runners) != 100 || list.NextPage != page+1 {
					b.Fatal(list, err)
				}
			}
		})
		b.Run("transport="+tr.name+"/client=gogithub", func(b *testing.B) {
			gh := newGoGitHub(b, tr)
			opts := &github.ListRunnersOptions{ListOptions: github.ListOptions{PerPage: 100, Page: page}}
			b.ReportAllocs()
			defer cpuPerOp(b)()
			for b.Loop() {
				list, resp, err := gh.Actions.ListOrganizationRunners(ctx, Org, opts)
				if err != nil || len(list.Runners) != 100 || resp.NextPage != page+1 {
					b.Fatal(list, err)
				}
			}
		})
	}
}

// BenchmarkAllRunners1000: every runner of 1,000, page after page. The floor
// and this library ask for 100 a page (10 requests); go-github is measured
// at per_page=100 (10 requests) and at its default page size, GitHub's 30
// (34 requests), which is what go-github code gets without ListOptions.
// This library is also measured with a no-op observer (WithObserver) and
// through a pool of three GitHub Apps (WithAppPool, warmed up: lookups and
// token exchanges done), right after its plain run, for the cost of each.
func BenchmarkAllRunners1000(b *testing.B) {
	ctx := context.Background()
	fx := fixture(b)
	want := fx.Total()
	poolTrs := transports(b, &AppsFixture{Fixture: fx})
	for i, tr := range transports(b, fx) {
		b.Run("transport="+tr.name+"/client=floor", func(b *testing.B) {
			f := newFloor(tr)
			b.ReportAllocs()
			defer cpuPerOp(b)()
			for b.Loop() {
				n := 0
				if err := f.AllRunners(ctx, Org, 100, func(*Runner) { n++ }); err != nil || n != want {
					b.Fatal(n, err)
				}
			}
		})
		for _, variant := range []struct {
			name   string
			client func(b *testing.B) *runners.Client
		}{
			{"runners", func(b *testing.B) *runners.Client { return newRunners(b, tr) }},
			{"runners-observer", func(b *testing.B) *runners.Client {
				return newRunners(b, tr, runners.WithObserver(func(runners.RequestInfo) {}))
			}},
			{"runners-pool", func(b *testing.B) *runners.Client { return newPool(b, poolTrs[i]) }},
		} {
			b.Run("transport="+tr.name+"/client="+variant.name, func(b *testing.B) {
				org := variant.client(b).Org(Org)
				walkAll(b, ctx, org, want) // warm: a pool has looked up and exchanged
				b.ReportAllocs()
				defer cpuPerOp(b)()
				for b.Loop() {
					walkAll(b, ctx, org, want)
				}
			})
		}
		for _, gh := range []struct {
			name    string
			perPage int
		}{{"gogithub100", 100}, {"gogithub30", 0}} {
			b.Run("transport="+tr.name+"/client="+gh.name, func(b *testing.B) {
				c := newGoGitHub(b, tr)
				b.ReportAllocs()
				defer cpuPerOp(b)()
				for b.Loop() {
					n := 0
					opts := &github.ListRunnersOptions{ListOptions: github.ListOptions{PerPage: gh.perPage}}
					for {
						list, resp, err := c.Actions.ListOrganizationRunners(ctx, Org, opts)
						if err != nil {
							b.Fatal(err)
						}
						n += len(list.Runners)
						if resp.NextPage == 0 {
							break
						}
						opts.Page = resp.NextPage
					}
					if n != want {
						b.Fatal(n)
					}
				}
			})
		}
	}
}

// walkAll walks every runner of org, failing b unless there are want.
func walkAll(b *testing.B, ctx context.Context, org *runners.OrgService, want int) {
	n := 0
	for _, err := range org.AllRunners(ctx, nil) { // nil: 100 a page
		if err != nil {
			b.Fatal(err)
		}
		n++
	}
	if n != want {
		b.Fatal(n)
	}
}

// BenchmarkFixture is the fixture's own cost per request in memory (routing,
// a fresh *http.Response with cloned headers, a reader over the pre-built
// body), which is included in every in-memory number above.
func BenchmarkFixture(b *testing.B) {
	fx := fixture(b)
	tr := transports(b, fx)[0]
	for _, c := range []struct{ name, url string }{
		{"get", tr.base + "orgs/" + Org + "/actions/runners/10023"},
		{"page100", tr.base + "orgs/" + Org + "/actions/runners?per_page=100&page=2"},
	} {
		b.Run("transport=mem/req="+c.name, func(b *testing.B) {
			req := newGet(b, c.url, nil) // built once: only the fixture is timed
			b.ReportAllocs()
			defer cpuPerOp(b)()
			for b.Loop() {
				resp, err := fx.RoundTrip(req)
				if err != nil || resp.StatusCode != 200 {
					b.Fatal(err)
				}
				discard(resp)
			}
		})
	}
}
