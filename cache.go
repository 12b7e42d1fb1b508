package runners

import (
	"container/list"
	"net/http"
	"sync"
)

// WithETagCache makes GET requests conditional: the client keeps the body and
// ETag of each response, sends If-None-Match when it asks again, and decodes
// the kept body when GitHub answers 304 Not Modified. GitHub does not count a
// 304 against the primary rate limit, so polling an unchanged runner list
// costs one full response and then nothing. The cache holds at most maxBytes
// of response bodies, dropping the least recently used first.
//
// Every use is revalidated with GitHub: a changed resource answers 200 with a
// new ETag, which replaces the kept one, so the cache never serves stale data.
func WithETagCache(maxBytes int64) Option {
	return func(s *settings) error {
		if maxBytes <= 0 {
			return invalidArgf("WithETagCache: the size must be positive, got %d", maxBytes)
		}
		s.cache = &etagCache{max: maxBytes, entries: map[string]*list.Element{}, lru: list.New()}
		return nil
	}
}

// etagCache is a size-bounded LRU of GET responses by URL.
type etagCache struct {
	mu      sync.Mutex
	max     int64
	size    int64
	entries map[string]*list.Element // of *cached
	lru     *list.List               // front: most recently used
}

type cached struct {
	key  string
	etag string
	link []string // the Link header, which a 304 need not repeat
	body []byte
}

// get returns the entry for key, marking it recently used.
func (c *etagCache) get(key string) *cached {
	c.mu.Lock()
	defer c.mu.Unlock()
	el := c.entries[key]
	if el == nil {
		return nil
	}
	c.lru.MoveToFront(el)
	return el.Value.(*cached)
}

// put keeps body under key, evicting the least recently used entries to
// stay within the size bound. A body larger than the bound is not kept.
func (c *etagCache) put(key, etag string, h http.Header, body []byte) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.remove(key)
	if etag == "" || int64(len(body)) > c.max {
		return
	}
	e := &cached{key: key, etag: etag, link: h.Values("Link"), body: body}
	c.entries[key] = c.lru.PushFront(e)
	c.size += int64(len(body))
	for c.size > c.max {
		c.remove(c.lru.Back().Value.(*cached).key)
	}
}

func (c *etagCache) remove(key string) {
	if el := c.entries[key]; el != nil {
		c.size -= int64(len(el.Value.(*cached).body))
		c.lru.Remove(el)
		delete(c.entries, key)
	}
}
