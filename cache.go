package runners

import (
	"bytes"
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

// prepare makes req conditional when the cache keeps an answer for it: a
// GET whose body is decoded. It returns the cache key ("" when req is not
// cached at all) and the kept answer (nil when there is none). A nil cache
// caches nothing.
func (c *etagCache) prepare(req *http.Request, out any) (key string, kept *cached) {
	if c == nil || req.Method != http.MethodGet || out == nil {
		return "", nil
	}
	key = req.URL.String()
	if kept = c.get(key); kept != nil {
		req.Header.Set("If-None-Match", kept.etag)
	} else {
		req.Header.Del("If-None-Match") // a retry's, for a body evicted meanwhile
	}
	return key, kept
}

// answer decodes the kept body into out for a 304 Not Modified, and gives the
// response the kept Link header when the 304 has none.
func (e *cached) answer(req *http.Request, resp *http.Response, out any) error {
	if len(resp.Header.Values("Link")) == 0 && len(e.link) > 0 {
		resp.Header["Link"] = e.link
	}
	if err := decodeBody(e.body, out); err != nil {
		return decodeError(req, resp, err)
	}
	return nil
}

// keep keeps a 200 answer's body (a copy) under key, the key prepare gave.
func (c *etagCache) keep(key string, resp *http.Response, body []byte) {
	if c != nil && key != "" {
		c.put(key, resp.Header.Get("ETag"), resp.Header, bytes.Clone(body))
	}
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
