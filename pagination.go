package runners

import (
	"context"
	"iter"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"sync"
)

// maxPerPage is the largest page GitHub serves.
const maxPerPage = 100

// ListOptions selects one page of a list. Zero values leave the choice to
// GitHub: page 1, 30 a page.
type ListOptions struct {
	Page    int `url:"page,omitempty"`     // 1-based; 0 means the first page
	PerPage int `url:"per_page,omitempty"` // 1 to 100; 0 means GitHub's default of 30
}

func (o ListOptions) validate() error {
	if o.Page < 0 {
		return invalidArgf("page must not be negative, got %d", o.Page)
	}
	if o.PerPage < 0 || o.PerPage > maxPerPage {
		return invalidArgf("per page must be 0 to %d, got %d", maxPerPage, o.PerPage)
	}
	return nil
}

// ListRunnersOptions filters and pages [Scope.ListRunners] and [Scope.AllRunners].
type ListRunnersOptions struct {
	// Name keeps only the runner with exactly this name.
	Name string `url:"name,omitempty"`
	ListOptions
	// Concurrency, for AllRunners only, is how many pages may be fetched at
	// once after the first page has told how many there are. 0 or 1 fetches
	// them one after another, as GitHub asks of clients; more trades burst
	// for speed. Runners are yielded in order either way, and at most
	// Concurrency pages are held in memory.
	Concurrency int `url:"-"`
}

// RunnerList is one page of runners.
type RunnerList struct {
	TotalCount int       `json:"total_count"` // runners in the scope (matching the name filter), on all pages
	Runners    []*Runner `json:"runners"`
	// NextPage is the page to ask for next, read from the Link header; 0 on
	// the last page. Pass it as ListOptions.Page to resume.
	NextPage int `json:"-"`
}

// ListRunners lists one page of the scope's self-hosted runners. Use
// [Scope.AllRunners] to walk every page.
//
// GitHub docs: https://docs.github.com/rest/actions/self-hosted-runners#list-self-hosted-runners-for-an-organization
//
//	GET /{scope}/actions/runners
func (s scope) ListRunners(ctx context.Context, opts *ListRunnersOptions) (*RunnerList, error) {
	if opts == nil {
		opts = &ListRunnersOptions{}
	}
	if err := opts.validate(); err != nil {
		return nil, err
	}
	list := new(RunnerList)
	resp, err := s.call(ctx, http.MethodGet, "actions/runners", opts, nil, list)
	if err != nil {
		return nil, err
	}
	list.NextPage = nextPage(resp.Header)
	return list, nil
}

// AllRunners walks every page of the scope's self-hosted runners, from
// opts.Page on, asking for 100 a page unless opts.PerPage says otherwise. It
// yields each runner in order; on failure it yields one error and stops. It
// stops early when the loop breaks.
//
//	for r, err := range c.Org("octo-org").AllRunners(ctx, nil) { ... }
func (s scope) AllRunners(ctx context.Context, opts *ListRunnersOptions) iter.Seq2[*Runner, error] {
	o := ListRunnersOptions{}
	if opts != nil {
		o = *opts // the caller's options are not modified
	}
	if o.PerPage == 0 {
		o.PerPage = maxPerPage
	}
	if o.Concurrency > 1 {
		return s.allRunnersConcurrently(ctx, o)
	}
	return allPages(o.Page, s.pageFetcher(ctx, o))
}

// pageFetcher returns the fetch function of allPages for the options o.
func (s scope) pageFetcher(ctx context.Context, o ListRunnersOptions) func(page int) ([]*Runner, int, error) {
	return func(page int) ([]*Runner, int, error) {
		o := o // each call its own copy: concurrent fetches must not share o.Page
		o.Page = page
		list, err := s.ListRunners(ctx, &o)
		if err != nil {
			return nil, 0, err
		}
		return list.Runners, list.NextPage, nil
	}
}

// allRunnersConcurrently is AllRunners with o.Concurrency pages in flight:
// page 1 tells the total, pages 2..N are fetched by up to o.Concurrency
// goroutines and yielded in order. Breaking the loop, or the end of ctx,
// cancels what is in flight, and no goroutine outlives the loop.
func (s scope) allRunnersConcurrently(ctx context.Context, o ListRunnersOptions) iter.Seq2[*Runner, error] {
	return func(yield func(*Runner, error) bool) {
		ctx, cancel := context.WithCancel(ctx)
		fetch := s.pageFetcher(ctx, o)
		o.Page = max(o.Page, 1)
		list, err := s.ListRunners(ctx, &o)
		if err != nil {
			cancel()
			yield(nil, err)
			return
		}
		next, last := list.NextPage, (list.TotalCount+o.PerPage-1)/o.PerPage // as the first page counted them

		type result struct {
			items []*Runner
			next  int
			err   error
		}
		// Each page in flight has a slot, queued in page order; the queue
		// holds Concurrency-1 slots and the loop below the one it waits on.
		slots := make(chan chan result, o.Concurrency-1)
		var inFlight sync.WaitGroup
		producerDone := make(chan struct{})
		go func(start int) {
			defer close(producerDone)
			defer close(slots)
			for page := start; start != 0 && page <= last; page++ {
				slot := make(chan result, 1)
				select {
				case slots <- slot:
				case <-ctx.Done():
					return
				}
				inFlight.Add(1)
				go func() {
					defer inFlight.Done()
					items, next, err := fetch(page)
					slot <- result{items, next, err}
				}()
			}
		}(next)
		defer func() {
			cancel()
			<-producerDone
			inFlight.Wait()
		}()

		for _, r := range list.Runners {
			if !yield(r, nil) {
				return
			}
		}
		for slot := range slots {
			res := <-slot
			if res.err != nil {
				yield(nil, res.err)
				return
			}
			for _, r := range res.items {
				if !yield(r, nil) {
					return
				}
			}
			if next = res.next; next == 0 {
				return // the server says this was the last page
			}
		}
		// Runners added since page 1 made more pages; or ctx ended and the
		// producer stopped early: fetching the next page then yields ctx's
		// error rather than ending the walk as if it were complete.
		if next > last || (next != 0 && ctx.Err() != nil) {
			for r, err := range allPages(next, fetch) {
				if !yield(r, err) {
					return
				}
			}
		}
	}
}

// allPages yields the items of successive pages, starting at page first (0
// is the first page). fetch returns a page's items and the next page number,
// 0 after the last. A next page that does not come after the current one
// ends the walk with an error rather than looping for ever.
func allPages[T any](first int, fetch func(page int) (items []T, next int, err error)) iter.Seq2[T, error] {
	return func(yield func(T, error) bool) {
		var zero T
		for page := first; ; {
			items, next, err := fetch(page)
			if err != nil {
				yield(zero, err)
				return
			}
			for _, item := range items {
				if !yield(item, nil) {
					return
				}
			}
			if next == 0 || len(items) == 0 {
				return // the last page; an empty page has nothing after it, whatever its Link says
			}
			if next <= max(page, 1) {
				yield(zero, &Error{Message: "the Link header's next page " + strconv.Itoa(next) +
					" does not come after page " + strconv.Itoa(max(page, 1))})
				return
			}
			page = next
		}
	}
}

// nextPage returns the page number of the rel="next" link in h's Link header,
// or 0 when there is none (the last page) or it carries no valid page number.
// Only the page number is read: the link's host and path are ignored, so a
// client never follows a link to another host.
func nextPage(h http.Header) int {
	for _, v := range h.Values("Link") {
		for link := range strings.SplitSeq(v, ",") {
			target, params, ok := strings.Cut(link, ";")
			if !ok || !hasRelNext(params) {
				continue
			}
			target = strings.TrimSpace(target)
			if len(target) < 2 || target[0] != '<' || target[len(target)-1] != '>' {
				continue
			}
			u, err := url.Parse(target[1 : len(target)-1])
			if err != nil {
				continue
			}
			if n, err := strconv.Atoi(u.Query().Get("page")); err == nil && n > 0 {
				return n
			}
		}
	}
	return 0
}

// hasRelNext reports whether link parameters such as ` rel="next"` name the
// next relation (rel may list several, space-separated).
func hasRelNext(params string) bool {
	for p := range strings.SplitSeq(params, ";") {
		k, v, ok := strings.Cut(p, "=")
		if !ok || !strings.EqualFold(strings.TrimSpace(k), "rel") {
			continue
		}
		for rel := range strings.FieldsSeq(strings.Trim(strings.TrimSpace(v), `"`)) {
			if strings.EqualFold(rel, "next") {
				return true
			}
		}
	}
	return false
}
