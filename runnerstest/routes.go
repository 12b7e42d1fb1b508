package runnerstest

import (
	"encoding/json"
	"fmt"
	"net/http"
	"strconv"
	"strings"

	"github.com/fleetkit/runners"
)

// routes registers every operation the fake serves, one line each. A scoped
// pattern is served under each scope kind's prefix (enterprises/{enterprise},
// orgs/{org}, repos/{owner}/{repo}); every pattern is also served under
// GitHub Enterprise Server's /api/v3.
func (s *Server) routes() {
	s.handle("POST /app/installations/{installation_id}/access_tokens", s.createInstallationToken)
	s.handle("GET /enterprises/{enterprise}/installation", s.getInstallation)
	s.handle("GET /orgs/{org}/installation", s.getInstallation)
	s.handle("GET /repos/{owner}/{repo}/installation", s.getInstallation)

	s.scoped("GET /actions/runners", s.listRunners)
	s.scoped("GET /actions/runners/downloads", s.listApplications)
	s.scoped("POST /actions/runners/registration-token", s.createToken)
	s.scoped("POST /actions/runners/remove-token", s.createToken)
	s.scoped("POST /actions/runners/generate-jitconfig", s.generateJITConfig)
	// {deprecations} rather than the literal: Go's ServeMux refuses
	// .../deprecations/{version} next to .../{runner_id}/labels, as both match
	// .../deprecations/labels; the handler checks the literal.
	s.scoped("GET /actions/runners/{deprecations}/{version}", s.getDeprecation)
	s.scoped("GET /actions/runners/{runner_id}", withRunner(s.getRunner))
	s.scoped("DELETE /actions/runners/{runner_id}", withRunner(s.deleteRunner))
	s.scoped("GET /actions/runners/{runner_id}/labels", withRunner(s.listLabels))
	s.scoped("POST /actions/runners/{runner_id}/labels", withRunner(s.addLabels))
	s.scoped("PUT /actions/runners/{runner_id}/labels", withRunner(s.setLabels))
	s.scoped("DELETE /actions/runners/{runner_id}/labels", withRunner(s.removeAllLabels))
	s.scoped("DELETE /actions/runners/{runner_id}/labels/{name}", withRunner(s.removeLabel))

	// Runner groups: organizations and enterprises only. {access} is
	// "repositories" at an organization, "organizations" at an enterprise.
	s.grouped("GET /actions/runner-groups", s.listGroups)
	s.grouped("POST /actions/runner-groups", s.createGroup)
	s.grouped("GET /actions/runner-groups/{runner_group_id}", s.getGroup)
	s.grouped("PATCH /actions/runner-groups/{runner_group_id}", withGroup(s.updateGroup))
	s.grouped("DELETE /actions/runner-groups/{runner_group_id}", withGroup(s.deleteGroup))
	s.grouped("GET /actions/runner-groups/{runner_group_id}/runners", withGroup(s.listGroupRunners))
	s.grouped("PUT /actions/runner-groups/{runner_group_id}/runners", withGroup(s.setGroupRunners))
	s.grouped("PUT /actions/runner-groups/{runner_group_id}/runners/{runner_id}", withGroupRunner(s.addGroupRunner))
	s.grouped("DELETE /actions/runner-groups/{runner_group_id}/runners/{runner_id}", withGroupRunner(s.removeGroupRunner))
	s.grouped("GET /actions/runner-groups/{runner_group_id}/{access}", withAccess(s.listAccess))
	s.grouped("PUT /actions/runner-groups/{runner_group_id}/{access}", withAccess(s.setAccess))
	s.grouped("PUT /actions/runner-groups/{runner_group_id}/{access}/{member_id}", s.withMember(s.addAccess))
	s.grouped("DELETE /actions/runner-groups/{runner_group_id}/{access}/{member_id}", s.withMember(s.removeAccess))

	s.mux.Handle("/", s.serve(func(*call) reply { return notFound() }))
}

// call is one request as a handler sees it, under the server's lock.
type call struct {
	r     *http.Request
	body  []byte
	scope *scopeData // for scoped routes: the scope the path names
	who   *caller    // who sent it
}

// handler works out the answer to a call, under the server's lock.
type handler func(c *call) reply

// scopeKind is one kind of scope: its path prefix and the wildcards naming it.
type scopeKind struct {
	kind      string   // "repos"
	wildcards []string // "owner", "repo"
}

var scopeKinds = []scopeKind{
	{"enterprises", []string{"enterprise"}},
	{"orgs", []string{"org"}},
	{"repos", []string{"owner", "repo"}},
}

// prefix is the kind's pattern prefix, such as /repos/{owner}/{repo}.
func (k scopeKind) prefix() string {
	p := "/" + k.kind
	for _, w := range k.wildcards {
		p += "/{" + w + "}"
	}
	return p
}

// key is the scopeKey of the scope a request's path names.
func (k scopeKind) key(r *http.Request) string {
	names := make([]string, len(k.wildcards))
	for i, w := range k.wildcards {
		names[i] = r.PathValue(w)
	}
	return scopeKey(k.kind, names...)
}

// scoped registers h for "METHOD /path" under every scope kind's prefix; a
// scope the test has not declared is 404, as GitHub answers for an
// organization that does not exist, and one the caller's GitHub App
// installation does not cover is 403 (apps.go).
func (s *Server) scoped(pattern string, h handler) { s.scopedAt(scopeKinds, pattern, h) }

// grouped registers h as scoped does, under the prefixes of the scopes that
// have runner groups: enterprises and organizations. A repository's path is
// GitHub's 404.
func (s *Server) grouped(pattern string, h handler) { s.scopedAt(scopeKinds[:2], pattern, h) }

func (s *Server) scopedAt(kinds []scopeKind, pattern string, h handler) {
	method, path, _ := strings.Cut(pattern, " ")
	for _, k := range kinds {
		s.handle(method+" "+k.prefix()+path, func(c *call) reply {
			key := k.key(c.r)
			if c.scope = s.st.scopes[key]; c.scope == nil {
				return notFound()
			}
			if !c.who.mayAccess(key) {
				return notAccessible()
			}
			return h(c)
		})
	}
}

// handle registers h for "METHOD /path", at the root and under /api/v3.
func (s *Server) handle(pattern string, h handler) {
	method, path, _ := strings.Cut(pattern, " ")
	for _, root := range []string{"", "/api/v3"} {
		s.mux.Handle(method+" "+root+path, s.serve(h))
	}
}

// withRunner looks up the scope's runner {runner_id}: 404 when there is none.
func withRunner(h func(c *call, r *runners.Runner) reply) handler {
	return func(c *call) reply {
		id, err := strconv.ParseInt(c.r.PathValue("runner_id"), 10, 64)
		r := c.scope.runners[id]
		if err != nil || r == nil {
			return notFound()
		}
		return h(c, r)
	}
}

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

const docsURL = "https://docs.github.com/rest/actions/self-hosted-runners"

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

// field is a field of a request body: its JSON name, where its value goes,
// whether the body must have it, and whether null is a value (the zero
// value) rather than the wrong type.
type field struct {
	name     string
	into     any
	required bool
	nullable bool
}

// decodeBody decodes a JSON object into fields as GitHub's schema checks
// it: a body that is not an object, a required field left out, or a field
// of the wrong type (null included, unless nullable) is 422; fields not
// listed are ignored, as the schemas allow. It returns the names of the
// fields the body has.
func decodeBody(body []byte, fields ...field) (map[string]bool, reply, bool) {
	var raw map[string]json.RawMessage
	if err := json.Unmarshal(body, &raw); err != nil || raw == nil {
		return nil, invalid("the body must be a JSON object"), false
	}
	present := map[string]bool{}
	for _, f := range fields {
		v, ok := raw[f.name]
		switch {
		case !ok && f.required:
			return nil, invalid(fmt.Sprintf("%q wasn't supplied.", f.name)), false
		case !ok:
			continue
		case string(v) == "null" && f.nullable:
		case string(v) == "null" || json.Unmarshal(v, f.into) != nil:
			return nil, invalid(fmt.Sprintf("%q has the wrong type.", f.name)), false
		}
		present[f.name] = true
	}
	return present, reply{}, true
}

func invalid(reason string) reply {
	return ghError(http.StatusUnprocessableEntity, "Invalid request.\n\n"+reason, reason)
}
