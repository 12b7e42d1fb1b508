package bench

import (
	"context"
	"runtime"
	"runtime/debug"
	"runtime/metrics"
	"testing"
	"time"

	"github.com/fleetkit/runners"
)

// Latency is the server-side delay of every response in the concurrent
// paging benchmark.
const Latency = 20 * time.Millisecond

// BenchmarkConcurrentPaging10k: AllRunners over 10,000 runners, 100 pages of
// 100, each response 20 ms late, sequentially (WithPageConcurrency 0) and with up to
// 8 pages in flight (WithPageConcurrency 8). Besides time it reports the heap during
// the run, sampled every millisecond:
//
//   - peak-heap-B: the peak of /memory/classes/heap/objects:bytes (live and
//     not yet swept objects), absolute, so it includes the fixture's 100
//     pre-built pages (about 2.9 MB) and depends on when the GC runs;
//   - base-heap-B: the same metric right after a forced GC before the run;
//   - peak-live-B: the peak of /gc/heap/live:bytes, the heap the GC found
//     live at the end of each cycle during the run: what the iterator
//     actually holds, up to the sampling.
func BenchmarkConcurrentPaging10k(b *testing.B) {
	ctx := context.Background()
	fx := NewFixture(10_000, false, 100)
	fx.Latency = Latency
	want, all := fx.Total(), fx.Runners()
	for _, tr := range transports(b, fx) {
		for _, m := range []struct {
			name        string
			concurrency int
		}{{"sequential", 0}, {"concurrency8", 8}} {
			b.Run("transport="+tr.name+"/mode="+m.name, func(b *testing.B) {
				org := newRunners(b, tr, runners.WithPageConcurrency(m.concurrency)).Org(Org)
				opts := &runners.ListRunnersOptions{ListOptions: runners.ListOptions{PerPage: 100}}
				fx.ResetCounts()
				b.ReportAllocs()
				peak := startHeapPeak()
				wrong := 0 // runners not where the fixture has them; TestConcurrentPagingInOrder fails on any
				for b.Loop() {
					n := 0
					for r, err := range org.AllRunners(ctx, opts) {
						if err != nil {
							b.Fatal(err)
						}
						if n >= want || r.ID != all[n].ID {
							wrong++
						}
						n++
					}
					if n != want {
						b.Fatal(n)
					}
				}
				peak.report(b)
				req, _, _ := fx.Counts()
				b.ReportMetric(float64(req)/float64(b.N), "requests/op")
				b.ReportMetric(float64(wrong)/float64(b.N), "wrong/op")
			})
		}
	}
}

// BenchmarkPagingMemory10k is the memory side of BenchmarkConcurrentPaging10k
// made sensitive to what the iterator holds. At the default GOGC the peak heap
// of a run is mostly the process's baseline (the fixtures) plus whatever
// garbage the pacer lets pile up before the next GC, which hides a few hundred
// kilobytes of pages in flight. Here the GC runs at GOGC=1 during the walk
// (about every 1% of the live heap allocated, i.e. dozens of times per walk,
// spread by allocation rather than wall time), and the benchmark reports the
// peak of the marked-live heap above the live heap before the walk:
//
//   - inflight-live-B: peak /gc/heap/live:bytes minus its value after a
//     forced GC just before the walk: the runners, bodies and buffers the
//     walk keeps reachable at once;
//   - inflight-heap-B: the same for /memory/classes/heap/objects:bytes
//     (live plus not yet swept; at GOGC=1 close to live).
//
// Its time is not a result (the GC runs constantly); the in-memory transport
// keeps the server's own buffers out of the numbers.
func BenchmarkPagingMemory10k(b *testing.B) {
	ctx := context.Background()
	fx := NewFixture(10_000, false, 100)
	fx.Latency = Latency
	tr := transports(b, fx)[0]
	for _, m := range []struct {
		name        string
		concurrency int
	}{{"sequential", 0}, {"concurrency8", 8}} {
		b.Run("transport="+tr.name+"/mode="+m.name, func(b *testing.B) {
			org := newRunners(b, tr, runners.WithPageConcurrency(m.concurrency)).Org(Org)
			opts := &runners.ListRunnersOptions{ListOptions: runners.ListOptions{PerPage: 100}}
			defer debug.SetGCPercent(debug.SetGCPercent(1))
			peak := startHeapPeak()
			for b.Loop() {
				n := 0
				for _, err := range org.AllRunners(ctx, opts) {
					if err != nil {
						b.Fatal(err)
					}
					n++
				}
				if n != fx.Total() {
					b.Fatal(n)
				}
			}
			peak.reportInflight(b)
		})
	}
}

// BenchmarkPollUnchanged: 100 polls of an unchanged runner list (page 1 of
// 100 runners) by a fresh client: with WithETagCache it must cost one full
// response and 99 304s. The same polling without the cache, and by the floor
// keeping the last ETag itself, for reference. full/op and 304/op count the
// fixture's responses per 100 polls.
func BenchmarkPollUnchanged(b *testing.B) {
	ctx := context.Background()
	fx := fixture(b)
	const polls = 100
	for _, tr := range transports(b, fx) {
		run := func(name string, poll100 func(b *testing.B)) {
			b.Run("transport="+tr.name+"/client="+name, func(b *testing.B) {
				fx.ResetCounts()
				b.ReportAllocs()
				for b.Loop() {
					poll100(b)
				}
				_, full, nm := fx.Counts()
				b.ReportMetric(float64(full)/float64(b.N), "full/op")
				b.ReportMetric(float64(nm)/float64(b.N), "304/op")
			})
		}
		floor := newFloor(tr)
		run("floor-etag", func(b *testing.B) {
			p := &Poller{F: floor} // a fresh ETag per op
			for range polls {
				list, err := p.Poll(ctx, Org, 100)
				if err != nil || len(list.Runners) != 100 {
					b.Fatal(len(list.Runners), err)
				}
			}
		})
		opts := &runners.ListRunnersOptions{ListOptions: runners.ListOptions{PerPage: 100}}
		hc := tr.newHC() // one connection pool; a fresh client (and cache) per op
		for _, c := range []struct {
			name  string
			extra []runners.Option
		}{
			{"runners-etag", []runners.Option{runners.WithETagCache(1 << 20)}},
			{"runners-nocache", nil},
		} {
			run(c.name, func(b *testing.B) {
				org := newRunnersHC(b, tr.base, hc, c.extra...).Org(Org)
				for range polls {
					list, err := org.ListRunners(ctx, opts)
					if err != nil || len(list.Runners) != 100 || list.NextPage != 2 {
						b.Fatal(list, err)
					}
				}
			})
		}
	}
}

// heapPeak samples the heap every millisecond until report.
type heapPeak struct {
	stop, done                  chan struct{}
	base, peakObjects, peakLive uint64
	baseLive                    uint64
}

func startHeapPeak() *heapPeak {
	runtime.GC()
	s := []metrics.Sample{{Name: "/memory/classes/heap/objects:bytes"}, {Name: "/gc/heap/live:bytes"}}
	metrics.Read(s)
	h := &heapPeak{stop: make(chan struct{}), done: make(chan struct{}), base: s[0].Value.Uint64(), baseLive: s[1].Value.Uint64()}
	go func() {
		defer close(h.done)
		t := time.NewTicker(time.Millisecond)
		defer t.Stop()
		for {
			metrics.Read(s)
			h.peakObjects = max(h.peakObjects, s[0].Value.Uint64())
			h.peakLive = max(h.peakLive, s[1].Value.Uint64())
			select {
			case <-h.stop:
				return
			case <-t.C:
			}
		}
	}()
	return h
}

func (h *heapPeak) report(b *testing.B) {
	close(h.stop)
	<-h.done
	b.ReportMetric(float64(h.peakObjects), "peak-heap-B")
	b.ReportMetric(float64(h.base), "base-heap-B")
	b.ReportMetric(float64(h.peakLive), "peak-live-B")
}

func (h *heapPeak) reportInflight(b *testing.B) {
	close(h.stop)
	<-h.done
	b.ReportMetric(float64(h.peakLive-min(h.peakLive, h.baseLive)), "inflight-live-B")
	b.ReportMetric(float64(h.peakObjects-min(h.peakObjects, h.base)), "inflight-heap-B")
}

// TestConcurrentPagingInOrder: with pages in flight at once, AllRunners still
// yields every runner exactly once and in order, like the sequential walk.
func TestConcurrentPagingInOrder(t *testing.T) {
	ctx := context.Background()
	fx := NewFixture(10_000, false, 100)
	for _, tr := range transports(t, fx) {
		for _, conc := range []int{0, 2, 8} {
			org := newRunners(t, tr, runners.WithPageConcurrency(conc)).Org(Org)
			for range 5 {
				fx.ResetCounts()
				opts := &runners.ListRunnersOptions{ListOptions: runners.ListOptions{PerPage: 100}}
				i := 0
				for r, err := range org.AllRunners(ctx, opts) {
					if err != nil {
						t.Fatal(err)
					}
					if want := fx.Runners()[i].ID; r.ID != want {
						t.Fatalf("%s, concurrency %d: runner %d is %d, want %d", tr.name, conc, i, r.ID, want)
					}
					i++
				}
				if req, _, _ := fx.Counts(); i != fx.Total() || req != 100 {
					t.Fatalf("%s, concurrency %d: %d runners in %d requests, want %d in 100", tr.name, conc, i, req, fx.Total())
				}
			}
		}
	}
}
