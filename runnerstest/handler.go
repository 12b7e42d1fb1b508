package runnerstest

import (
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/fleetkit/runners"
)

const docsURL = "https://docs.github.com/rest/actions/self-hosted-runners"

// reply is a response worked out under the server's lock and written after it.
type reply struct {
	status int
	header http.Header
	body   []byte
}

func jsonReply(status int, v any) reply {
	b, err := json.Marshal(v)
	if err != nil {
		panic("runnerstest: " + err.Error())
	}
	return reply{status: status, header: http.Header{"Content-Type": {"application/json; charset=utf-8"}}, body: b}
}

// ghError is a reply in GitHub's error shape (basic-error, or
// validation-error-simple when details are given).
func ghError(status int, message string, details ...string) reply {
	body := map[string]any{"message": message, "documentation_url": docsURL, "status": strconv.Itoa(status)}
	if len(details) > 0 {
		body["errors"] = details
	}
	return jsonReply(status, body)
}

func notFound() reply { return ghError(http.StatusNotFound, "Not Found") }

func invalid(reason string) reply {
	return ghError(http.StatusUnprocessableEntity, "Invalid request.\n\n"+reason, reason)
}

// ServeHTTP serves the runners API. Paths may carry GitHub Enterprise
// Server's /api/v3 prefix.
func (s *Server) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	body, _ := io.ReadAll(io.LimitReader(r.Body, 1<<20))
	rep := func() reply {
		s.mu.Lock()
		defer s.mu.Unlock() // a panic must not leave the fake locked for every later request
		return s.handle(r, body)
	}()
	h := w.Header()
	for k, v := range rep.header {
		h[k] = v
	}
	h.Set("X-GitHub-Request-Id", randomToken(10))
	w.WriteHeader(rep.status)
	w.Write(rep.body)
}

func (s *Server) handle(r *http.Request, body []byte) reply {
	if len(s.requests) == s.maxRecords {
		s.requests = slices.Delete(s.requests, 0, 1)
	}
	s.requests = append(s.requests, Request{
		Method: r.Method, Path: r.URL.EscapedPath(), Query: r.URL.Query(), Header: r.Header.Clone(), Body: body,
	})
	if r.Header.Get("Authorization") == "" {
		return ghError(http.StatusUnauthorized, "Requires authentication")
	}
	if f := s.takeFault(r); f != nil {
		rep := ghError(f.Status, http.StatusText(f.Status))
		if f.Body != "" {
			rep.body = []byte(f.Body)
		}
		for k, v := range f.Header {
			rep.header[k] = v
		}
		return rep
	}
	segs, ok := splitPath(r.URL.EscapedPath())
	if !ok {
		return notFound()
	}
	if len(segs) == 4 && segs[0] == "app" && segs[1] == "installations" && segs[3] == "access_tokens" && r.Method == http.MethodPost {
		return s.installationToken()
	}
	var key string
	switch {
	case len(segs) >= 2 && (segs[0] == "enterprises" || segs[0] == "orgs"):
		key, segs = segs[0]+"/"+segs[1], segs[2:]
	case len(segs) >= 3 && segs[0] == "repos":
		key, segs = "repos/"+segs[1]+"/"+segs[2], segs[3:]
	default:
		return notFound()
	}
	sd := s.scopes[key]
	if sd == nil || len(segs) < 2 || segs[0] != "actions" || segs[1] != "runners" {
		return notFound()
	}
	return s.route(r, sd, key, segs[2:], body)
}

// splitPath splits an escaped path into unescaped segments, dropping the
// leading slash and an /api/v3 prefix.
func splitPath(escaped string) ([]string, bool) {
	escaped = strings.TrimPrefix(strings.TrimPrefix(escaped, "/"), "api/v3/")
	segs := strings.Split(escaped, "/")
	for i, seg := range segs {
		u, err := url.PathUnescape(seg)
		if err != nil || u == "" {
			return nil, false
		}
		segs[i] = u
	}
	return segs, true
}

// route serves actions/runners/{rest...} in one scope.
func (s *Server) route(r *http.Request, sd *scopeData, key string, rest []string, body []byte) reply {
	m := r.Method
	switch {
	case len(rest) == 0 && m == http.MethodGet:
		return s.list(r, sd)
	case len(rest) == 1 && rest[0] == "downloads" && m == http.MethodGet:
		return jsonReply(http.StatusOK, applications)
	case len(rest) == 1 && (rest[0] == "registration-token" || rest[0] == "remove-token") && m == http.MethodPost:
		return jsonReply(http.StatusCreated, map[string]any{"token": randomToken(18), "expires_at": s.now().Add(time.Hour).UTC().Format(time.RFC3339Nano)})
	case len(rest) == 1 && rest[0] == "generate-jitconfig" && m == http.MethodPost:
		return s.generateJIT(sd, key, body)
	case len(rest) == 2 && rest[0] == "deprecations" && m == http.MethodGet:
		d, ok := s.deprecations[rest[1]]
		if !ok {
			return notFound()
		}
		return jsonReply(http.StatusOK, d)
	}
	if len(rest) == 0 {
		return notFound() // another method on actions/runners
	}
	id, err := strconv.ParseInt(rest[0], 10, 64)
	if err != nil {
		return notFound()
	}
	runner := sd.runners[id]
	if runner == nil {
		return notFound()
	}
	switch {
	case len(rest) == 1 && m == http.MethodGet:
		return jsonReply(http.StatusOK, runner)
	case len(rest) == 1 && m == http.MethodDelete:
		if runner.Busy {
			return ghError(http.StatusUnprocessableEntity, fmt.Sprintf("Bad request - Runner %q is still running a job\"", runner.Name))
		}
		delete(sd.runners, id)
		return reply{status: http.StatusNoContent, header: http.Header{}}
	case len(rest) >= 2 && rest[1] == "labels":
		return s.labels(r, runner, rest[2:], body)
	}
	return notFound()
}

// list serves one page of runners, filtered by name.
func (s *Server) list(r *http.Request, sd *scopeData) reply {
	q := r.URL.Query()
	perPage := positive(q.Get("per_page"), 30)
	perPage = min(perPage, 100)
	page := positive(q.Get("page"), 1)
	var matched []*runners.Runner
	for _, rn := range sd.sorted() {
		if name, ok := q["name"]; !ok || rn.Name == name[0] {
			matched = append(matched, rn)
		}
	}
	total := len(matched)
	pageRunners := []*runners.Runner{}
	if start := (page - 1) * perPage; start < total {
		pageRunners = matched[start:min(start+perPage, total)]
	}
	rep := jsonReply(http.StatusOK, map[string]any{"total_count": total, "runners": pageRunners})
	if link := linkHeader(r, page, perPage, total); link != "" {
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

// systemLabels are the names GitHub applies itself; in a JIT request they
// become read-only labels, as in GitHub's documented example.
var systemLabels = []string{"self-hosted", "x64", "x86", "arm", "arm64", "linux", "macos", "windows"}

func isSystemLabel(name string) bool { return slices.Contains(systemLabels, strings.ToLower(name)) }

// generateJIT validates the body as the OpenAPI schema does and creates an
// offline, ephemeral runner.
func (s *Server) generateJIT(sd *scopeData, key string, body []byte) reply {
	var raw map[string]json.RawMessage
	if err := json.Unmarshal(body, &raw); err != nil || raw == nil {
		return invalid("the body must be a JSON object")
	}
	var req struct {
		Name          string
		RunnerGroupID int64
		Labels        []string
		WorkFolder    string
	}
	for _, f := range []struct {
		name     string
		into     any
		required bool
	}{
		{"name", &req.Name, true},
		{"runner_group_id", &req.RunnerGroupID, true},
		{"labels", &req.Labels, true},
		{"work_folder", &req.WorkFolder, false},
	} {
		v, ok := raw[f.name]
		if !ok {
			if f.required {
				return invalid(fmt.Sprintf("%q wasn't supplied.", f.name))
			}
			continue
		}
		if err := json.Unmarshal(v, f.into); err != nil || string(v) == "null" {
			return invalid(fmt.Sprintf("%q has the wrong type.", f.name))
		}
	}
	if rep, ok := checkLabels(req.Labels, 1); !ok {
		return rep
	}
	if req.Name == "" {
		return invalid(`"name" must not be empty.`)
	}
	if req.RunnerGroupID < 1 {
		return ghError(http.StatusNotFound, "Not Found - runner group not found")
	}
	if sd.byName(req.Name) != nil {
		return ghError(http.StatusConflict, "Already exists - A runner with the name "+req.Name+" already exists.")
	}
	runner := &runners.Runner{
		ID: s.newRunnerID(), RunnerGroupID: req.RunnerGroupID, Name: req.Name, OS: "unknown",
		Status: runners.RunnerOffline, Ephemeral: true,
		Labels: []*runners.Label{s.label("self-hosted", runners.LabelReadOnly, 0)},
	}
	for _, name := range req.Labels {
		if hasLabel(runner, name) {
			continue
		}
		typ := runners.LabelCustom
		if isSystemLabel(name) {
			typ = runners.LabelReadOnly
		}
		runner.Labels = append(runner.Labels, s.label(name, typ, 0))
	}
	sd.runners[runner.ID] = runner
	return jsonReply(http.StatusCreated, map[string]any{"runner": runner, "encoded_jit_config": encodeJITConfig(runner, key)})
}

// checkLabels applies the schema of a labels array: minItems (1 for add and
// JIT, 0 for set), maxItems 100, non-empty strings.
func checkLabels(labels []string, minItems int) (reply, bool) {
	if len(labels) < minItems || len(labels) > 100 {
		return invalid(fmt.Sprintf(`"labels" must have %d to 100 items, got %d.`, minItems, len(labels))), false
	}
	for _, l := range labels {
		if l == "" {
			return invalid(`"labels" must not hold an empty name.`), false
		}
	}
	return reply{}, true
}

func hasLabel(r *runners.Runner, name string) bool {
	return slices.ContainsFunc(r.Labels, func(l *runners.Label) bool { return strings.EqualFold(l.Name, name) })
}

// labels serves actions/runners/{id}/labels[/{name}].
func (s *Server) labels(r *http.Request, runner *runners.Runner, rest []string, body []byte) reply {
	switch {
	case len(rest) == 0 && r.Method == http.MethodGet:
	case len(rest) == 0 && (r.Method == http.MethodPost || r.Method == http.MethodPut):
		var req struct {
			Labels *[]string `json:"labels"`
		}
		if err := json.Unmarshal(body, &req); err != nil || req.Labels == nil {
			return invalid(`"labels" wasn't supplied as an array of strings.`)
		}
		minItems := 1
		if r.Method == http.MethodPut {
			minItems = 0
		}
		if rep, ok := checkLabels(*req.Labels, minItems); !ok {
			return rep // checked before any change: a refused request changes nothing
		}
		if r.Method == http.MethodPut {
			runner.Labels = readOnly(runner.Labels)
		}
		for _, name := range *req.Labels {
			if !hasLabel(runner, name) {
				runner.Labels = append(runner.Labels, s.label(name, runners.LabelCustom, 0))
			}
		}
	case len(rest) == 0 && r.Method == http.MethodDelete:
		runner.Labels = readOnly(runner.Labels)
	case len(rest) == 1 && r.Method == http.MethodDelete:
		i := slices.IndexFunc(runner.Labels, func(l *runners.Label) bool { return strings.EqualFold(l.Name, rest[0]) })
		switch {
		case i < 0:
			return ghError(http.StatusNotFound, "Not Found - label "+strconv.Quote(rest[0])+" not found on runner")
		case runner.Labels[i].Type == runners.LabelReadOnly:
			return invalid("read-only label " + strconv.Quote(rest[0]) + " cannot be removed.")
		}
		runner.Labels = slices.Delete(runner.Labels, i, i+1)
	default:
		return notFound()
	}
	return jsonReply(http.StatusOK, map[string]any{"total_count": len(runner.Labels), "labels": runner.Labels})
}

func readOnly(labels []*runners.Label) []*runners.Label {
	return slices.DeleteFunc(slices.Clone(labels), func(l *runners.Label) bool { return l.Type != runners.LabelReadOnly })
}

// installationToken answers a GitHub App's token exchange with a token valid
// for one hour.
func (s *Server) installationToken() reply {
	return jsonReply(http.StatusCreated, map[string]any{
		"token":                "ghs_" + randomToken(20),
		"expires_at":           s.now().Add(time.Hour).UTC().Format(time.RFC3339),
		"permissions":          map[string]string{"organization_self_hosted_runners": "write"},
		"repository_selection": "all",
	})
}

// applications is the runner software list of GitHub's documentation.
var applications = []runners.RunnerApplication{
	{OS: "osx", Architecture: "x64", DownloadURL: "https://github.com/actions/runner/releases/download/v2.164.0/actions-runner-osx-x64-2.164.0.tar.gz", Filename: "actions-runner-osx-x64-2.164.0.tar.gz"},
	{OS: "linux", Architecture: "x64", DownloadURL: "https://github.com/actions/runner/releases/download/v2.164.0/actions-runner-linux-x64-2.164.0.tar.gz", Filename: "actions-runner-linux-x64-2.164.0.tar.gz"},
	{OS: "linux", Architecture: "arm", DownloadURL: "https://github.com/actions/runner/releases/download/v2.164.0/actions-runner-linux-arm-2.164.0.tar.gz", Filename: "actions-runner-linux-arm-2.164.0.tar.gz"},
	{OS: "win", Architecture: "x64", DownloadURL: "https://github.com/actions/runner/releases/download/v2.164.0/actions-runner-win-x64-2.164.0.zip", Filename: "actions-runner-win-x64-2.164.0.zip"},
	{OS: "linux", Architecture: "arm64", DownloadURL: "https://github.com/actions/runner/releases/download/v2.164.0/actions-runner-linux-arm64-2.164.0.tar.gz", Filename: "actions-runner-linux-arm64-2.164.0.tar.gz"},
}
