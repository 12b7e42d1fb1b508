package runnerstest

import (
	"crypto/rand"
	"encoding/base32"
	"fmt"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/fleetkit/runners"
)

// listRunners serves one page of the scope's runners, filtered by name.
func (s *Server) listRunners(c *call) reply {
	name, filtered := c.r.URL.Query()["name"]
	var matched []*runners.Runner
	for _, rn := range c.scope.sorted() {
		if !filtered || rn.Name == name[0] {
			matched = append(matched, rn)
		}
	}
	return paged(c, "runners", matched)
}

// paged answers one page of items as GitHub's lists are answered,
// {"total_count": n, key: [...]}, with per_page (default 30, at most 100),
// page (from 1) and the Link header.
func paged[T any](c *call, key string, items []T) reply {
	q := c.r.URL.Query()
	perPage := min(positive(q.Get("per_page"), 30), 100)
	page := positive(q.Get("page"), 1)
	total := len(items)
	onPage := []T{}
	if start := (page - 1) * perPage; start < total {
		onPage = items[start:min(start+perPage, total)]
	}
	rep := jsonReply(http.StatusOK, map[string]any{"total_count": total, key: onPage})
	if link := linkHeader(c.r, page, perPage, total); link != "" {
		rep.header.Set("Link", link)
	}
	return rep
}

func positive(v string, def int) int {
	if n, err := strconv.Atoi(v); err == nil && n > 0 {
		return n
	}
	return def
}

// linkHeader builds GitHub's Link header (prev, next, last, first), with URLs
// on the request's own host; none when everything fits on one page.
func linkHeader(r *http.Request, page, perPage, total int) string {
	last := max(1, (total+perPage-1)/perPage)
	if last == 1 && page == 1 {
		return ""
	}
	scheme := "http"
	if r.TLS != nil {
		scheme = "https"
	}
	link := func(p int, rel string) string {
		q := r.URL.Query()
		q.Set("page", strconv.Itoa(p))
		q.Set("per_page", strconv.Itoa(perPage))
		u := url.URL{Scheme: scheme, Host: r.Host, Path: r.URL.Path, RawPath: r.URL.RawPath, RawQuery: q.Encode()}
		return fmt.Sprintf("<%s>; rel=%q", u.String(), rel)
	}
	var links []string
	if page > 1 {
		links = append(links, link(min(page-1, last), "prev"))
	}
	if page < last {
		links = append(links, link(page+1, "next"), link(last, "last"))
	}
	if page > 1 {
		links = append(links, link(1, "first"))
	}
	return strings.Join(links, ", ")
}

func (s *Server) getRunner(_ *call, r *runners.Runner) reply { return jsonReply(http.StatusOK, r) }

// deleteRunner removes an idle runner; a busy one is GitHub's 422.
func (s *Server) deleteRunner(c *call, r *runners.Runner) reply {
	if r.Busy {
		return ghError(http.StatusUnprocessableEntity, fmt.Sprintf("Bad request - Runner %q is still running a job\"", r.Name))
	}
	delete(c.scope.runners, r.ID)
	return noContent()
}

func (s *Server) listApplications(*call) reply { return jsonReply(http.StatusOK, applications) }

// createToken answers a registration or remove token request with a token
// valid for one hour.
func (s *Server) createToken(*call) reply {
	return jsonReply(http.StatusCreated, map[string]any{
		"token":      randomToken(18),
		"expires_at": s.now().Add(time.Hour).UTC().Format(time.RFC3339Nano),
	})
}

// randomToken returns a token shaped like GitHub's registration tokens.
func randomToken(n int) string {
	b := make([]byte, n)
	rand.Read(b)
	return base32.StdEncoding.WithPadding(base32.NoPadding).EncodeToString(b)
}

// applications is the runner software list of GitHub's documentation.
var applications = []runners.RunnerApplication{
	{OS: "osx", Architecture: "x64", DownloadURL: "https://github.com/actions/runner/releases/download/v2.164.0/actions-runner-osx-x64-2.164.0.tar.gz", Filename: "actions-runner-osx-x64-2.164.0.tar.gz"},
	{OS: "linux", Architecture: "x64", DownloadURL: "https://github.com/actions/runner/releases/download/v2.164.0/actions-runner-linux-x64-2.164.0.tar.gz", Filename: "actions-runner-linux-x64-2.164.0.tar.gz"},
	{OS: "linux", Architecture: "arm", DownloadURL: "https://github.com/actions/runner/releases/download/v2.164.0/actions-runner-linux-arm-2.164.0.tar.gz", Filename: "actions-runner-linux-arm-2.164.0.tar.gz"},
	{OS: "win", Architecture: "x64", DownloadURL: "https://github.com/actions/runner/releases/download/v2.164.0/actions-runner-win-x64-2.164.0.zip", Filename: "actions-runner-win-x64-2.164.0.zip"},
	{OS: "linux", Architecture: "arm64", DownloadURL: "https://github.com/actions/runner/releases/download/v2.164.0/actions-runner-linux-arm64-2.164.0.tar.gz", Filename: "actions-runner-linux-arm64-2.164.0.tar.gz"},
}
