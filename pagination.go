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

// This file is the paging machinery every list shares: the page options, the
// sequential and the concurrent walk behind every All… iterator, and the
// Link header.

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

// page is one page of a list, as the walks need it.
type page[T any] struct {
	items []T
	next  int // the next page's number, from the Link header; 0 after the last
	total int // the total count the page reported, on all pages
}

// pager fetches page n of a list (0 is the first page).
type pager[T any] func(ctx context.Context, n int) (page[T], error)

// maxPageConcurrency bounds [WithPageConcurrency]: GitHub's secondary limits
// allow no more than 100 concurrent requests.
const maxPageConcurrency = 100

// walkPages is every All… iterator: the items of every page from page first
// on, perPage a page, fetched k pages at once when k > 1 and one after
// another otherwise. Each range over it walks the list anew.
func walkPages[T any](ctx context.Context, k, first, perPage int, fetch pager[T]) iter.Seq2[T, error] {
	if k > 1 {
		return walkConcurrently(ctx, min(k, maxPageConcurrency), first, perPage, fetch)
	}
	return walk(ctx, first, fetch)
}

// walk yields the items of successive pages from page first on. It ends
// after the page without a next link, or at an empty page whatever its Link
// says; a next page that does not come after the current one ends the walk
// with an error rather than looping for ever.
func walk[T any](ctx context.Context, first int, fetch pager[T]) iter.Seq2[T, error] {
	return func(yield func(T, error) bool) {
		var zero T
		for n := first; ; {
			p, err := fetch(ctx, n)
			if err != nil {
				yield(zero, err)
				return
			}
			if !yieldAll(yield, p.items) || p.next == 0 || len(p.items) == 0 {
				return
			}
			if p.next <= max(n, 1) {
				yield(zero, &Error{Message: "the Link header's next page " + strconv.Itoa(p.next) +
					" does not come after page " + strconv.Itoa(max(n, 1))})
				return
			}
			n = p.next
		}
	}
}

// walkConcurrently is walk with up to k pages in flight: the first page
// tells how many pages there are, the pages after it are fetched by up to k
// goroutines, at most k of them held, and their items are yielded in order.
// It ends as walk does. Breaking the loop, or the end of ctx, cancels what is
// in flight, and no goroutine outlives the loop.
func walkConcurrently[T any](ctx context.Context, k, first, perPage int, fetch pager[T]) iter.Seq2[T, error] {
	return func(yield func(T, error) bool) {
		var zero T
		if ctx == nil {
			yield(zero, invalidArgf("the context is nil"))
			return
		}
		ctx, cancel := context.WithCancel(ctx)
		defer cancel()
		n := max(first, 1)
		p, err := fetch(ctx, n)
		if err != nil {
			yield(zero, err)
			return
		}
		if !yieldAll(yield, p.items) || p.next == 0 || len(p.items) == 0 {
			return
		}
		last := (p.total + perPage - 1) / perPage // as the first page counted them
		next := p.next
		if next == n+1 && last > n {
			type result struct {
				p   page[T]
				err error
			}
			// Each page in flight has a slot, queued in page order: the queue
			// holds k-1 slots and the loop below the one it waits on.
			slots := make(chan chan result, min(k, last-n)-1)
			var fetching sync.WaitGroup
			go func() {
				defer close(slots)
				for page := n + 1; page <= last; page++ {
					slot := make(chan result, 1)
					select {
					case slots <- slot:
					case <-ctx.Done():
						return
					}
					fetching.Add(1)
					go func() {
						defer fetching.Done()
						p, err := fetch(ctx, page)
						slot <- result{p, err}
					}()
				}
			}()
			defer func() {
				cancel()
				for range slots { // until the producer has stopped
				}
				fetching.Wait()
			}()
			for slot := range slots {
				res := <-slot
				if res.err != nil {
					yield(zero, res.err)
					return
				}
				if !yieldAll(yield, res.p.items) || res.p.next == 0 || len(res.p.items) == 0 {
					return
				}
				next = res.p.next
			}
		}
		// Items added since the first page made more pages, or ctx ended and
		// the producer stopped early: the walk goes on one page at a time,
		// which then yields ctx's error rather than ending as if complete.
		for v, err := range walk(ctx, next, fetch) {
			if !yield(v, err) {
				return
			}
		}
	}
}

// yieldAll yields each item, and reports whether the loop wants more.
func yieldAll[T any](yield func(T, error) bool, items []T) bool {
	for _, v := range items {
		if !yield(v, nil) {
			return false
		}
	}
	return true
}

// walkList is an All… iterator over a list of the scope s: the pages from
// o.Page on, 100 a page unless o.PerPage says otherwise, each fetched by
// fetch with its own copy of the options.
func walkList[T any](ctx context.Context, s scope, o ListOptions, fetch func(context.Context, ListOptions) (page[T], error)) iter.Seq2[T, error] {
	if o.PerPage == 0 {
		o.PerPage = maxPerPage
	}
	return walkPages(ctx, s.pageConcurrency(), o.Page, o.PerPage, func(ctx context.Context, n int) (page[T], error) {
		lo := o
		lo.Page = n
		return fetch(ctx, lo)
	})
}

// listNextPage is the page after one of a group list: the Link header's
// next page, or, when GitHub sent none (its description declares no Link
// header for the group and access lists), the page after o's while
// total_count says more items follow the ones so far.
func listNextPage(h http.Header, o ListOptions, items, total int) int {
	if n := nextPage(h); n > 0 {
		return n
	}
	page, per := max(o.Page, 1), o.PerPage
	if per == 0 {
		per = 30 // GitHub's default
	}
	if items > 0 && (page-1)*per+items < total {
		return page + 1
	}
	return 0
}

// deref returns *p, or the zero value for nil.
func deref[T any](p *T) T {
	var v T
	if p != nil {
		v = *p
	}
	return v
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
