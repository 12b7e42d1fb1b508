package bench

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"strconv"
	"strings"
)

// Floor is the least a client can do with net/http and encoding/json: build
// the request with the same headers as the clients under test, send it, check
// the status, read the body in one allocation of its Content-Length and
// json.Unmarshal it into value-typed structs (no pointers; faster here than
// json.NewDecoder, whose buffer grows while it reads), and read the next page
// number from the Link header. No input checks, no error types, no
// size limits. It is the reference the library's time is measured against.
type Floor struct {
	HC         *http.Client
	Base       string // ends in "/"
	Auth       string // "Bearer <token>"
	APIVersion string
	UserAgent  string
}

func (f *Floor) get(ctx context.Context, url, etag string, out any) (http.Header, int, error) {
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, url, nil)
	if err != nil {
		return nil, 0, err
	}
	req.Header.Set("Accept", "application/vnd.github+json")
	req.Header.Set("X-GitHub-Api-Version", f.APIVersion)
	req.Header.Set("User-Agent", f.UserAgent)
	req.Header.Set("Authorization", f.Auth)
	if etag != "" {
		req.Header.Set("If-None-Match", etag)
	}
	resp, err := f.HC.Do(req)
	if err != nil {
		return nil, 0, err
	}
	defer resp.Body.Close()
	switch resp.StatusCode {
	case http.StatusOK:
		var b []byte
		if resp.ContentLength >= 0 && resp.ContentLength <= 32<<20 {
			b = make([]byte, resp.ContentLength)
			_, err = io.ReadFull(resp.Body, b)
		} else {
			b, err = io.ReadAll(resp.Body)
		}
		if err == nil {
			err = json.Unmarshal(b, out)
		}
	case http.StatusNotModified:
	default:
		err = fmt.Errorf("GET %s: %s", url, resp.Status)
	}
	io.Copy(io.Discard, resp.Body) // to EOF, so the connection is reused
	return resp.Header, resp.StatusCode, err
}

// GetRunner gets one runner of the organization.
func (f *Floor) GetRunner(ctx context.Context, org string, id int64) (Runner, error) {
	var r Runner
	_, _, err := f.get(ctx, f.Base+"orgs/"+org+"/actions/runners/"+strconv.FormatInt(id, 10), "", &r)
	return r, err
}

// ListRunners gets one page; next is 0 on the last page.
func (f *Floor) ListRunners(ctx context.Context, org string, perPage, page int) (list RunnerList, next int, err error) {
	h, _, err := f.get(ctx, f.listURL(org, perPage, page), "", &list)
	if err != nil {
		return list, 0, err
	}
	return list, NextPage(h.Get("Link")), nil
}

func (f *Floor) listURL(org string, perPage, page int) string {
	return f.Base + "orgs/" + org + "/actions/runners?per_page=" + strconv.Itoa(perPage) + "&page=" + strconv.Itoa(page)
}

// AllRunners calls fn with every runner of every page, in order.
func (f *Floor) AllRunners(ctx context.Context, org string, perPage int, fn func(*Runner)) error {
	for page := 1; page != 0; {
		list, next, err := f.ListRunners(ctx, org, perPage, page)
		if err != nil {
			return err
		}
		for i := range list.Runners {
			fn(&list.Runners[i])
		}
		page = next
	}
	return nil
}

// Poller is the floor's conditional polling: it keeps the last ETag and
// value and sends If-None-Match.
type Poller struct {
	F    *Floor
	etag string
	last RunnerList
}

// Poll gets page 1 of perPage, reusing the last value on 304.
func (p *Poller) Poll(ctx context.Context, org string, perPage int) (RunnerList, error) {
	var list RunnerList
	h, status, err := p.F.get(ctx, p.F.listURL(org, perPage, 1), p.etag, &list)
	if err != nil {
		return list, err
	}
	if status == http.StatusNotModified {
		return p.last, nil
	}
	p.etag, p.last = h.Get("Etag"), list
	return list, nil
}

// NextPage reads the page number of rel="next" from a Link header, without
// allocating; 0 when there is none.
func NextPage(link string) int {
	i := strings.Index(link, `rel="next"`)
	if i < 0 {
		return 0
	}
	link = link[:i]
	start := strings.LastIndexByte(link, '<')
	end := strings.LastIndexByte(link, '>')
	if start < 0 || end < start {
		return 0
	}
	target := link[start+1 : end]
	for q := target[strings.IndexByte(target, '?')+1:]; q != ""; {
		var kv string
		kv, q, _ = strings.Cut(q, "&")
		if v, ok := strings.CutPrefix(kv, "page="); ok {
			n, _ := strconv.Atoi(v)
			return n
		}
	}
	return 0
}
