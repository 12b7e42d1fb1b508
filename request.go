package runners

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"net/http"
	"strings"
	"sync"

	"github.com/google/go-querystring/query"
)

// This file is the request pipeline: one request value goes in; it is built
// into an *http.Request once, sent (again, when the retry policy allows and
// the request is safe to repeat: retry.go), and its answer is classified
// (errors.go) and decoded (decode.go).

// request is one API call as an operation describes it: everything the
// pipeline needs to send it, decode its answer and decide whether it may be
// sent again.
type request struct {
	op     string // the operation, such as "ListRunners"; opTemplates has its path template
	method string
	kind   scopeKind // the scope it is for, which picks a GitHub App's installation; noScope for none
	prefix string    // the scope's path prefix, such as "orgs/octo-org/", escaped; "" for none
	path   string    // the rest of the path, relative to the prefix, escaped
	query  any       // encoded with go-querystring when not nil
	body   any       // sent as JSON when not nil
	out    any       // a 2xx body is decoded into it; nil when none is expected
	// idempotent says that sending the request twice does no more than
	// sending it once (GET, PUT, DELETE, the token POSTs), so the retry loop
	// may repeat it. A JIT config POST is not: a retry after a lost answer
	// could meet the runner the first try created.
	idempotent bool
	// credential says the answer is a credential (a GitHub App installation
	// token) or decides which one to use (an installation lookup): it is
	// accepted only from the client's own origin, never after a redirect
	// elsewhere.
	credential bool
	// auth is the credential of a GitHub App's own request (its JWT, for an
	// installation lookup or a token exchange); nil lets the client's
	// authenticator pick one for each attempt.
	auth *credential
}

// opTemplates is GitHub's path template of each operation, relative to the
// template of its scope's prefix (scopeKind.template): [RequestInfo.Path]
// is the two together, such as "orgs/{org}/actions/runners/{runner_id}".
// Every operation has its line here; TestObserverPathTemplates checks them
// against GitHub's OpenAPI description.
var opTemplates = map[string]string{
	// runners.go
	"ListRunners":            "actions/runners",
	"GetRunner":              "actions/runners/{runner_id}",
	"DeleteRunner":           "actions/runners/{runner_id}",
	"ListRunnerApplications": "actions/runners/downloads",
	"GetRunnerDeprecation":   "actions/runners/deprecations/{version}",
	// tokens.go
	"CreateRegistrationToken": "actions/runners/registration-token",
	"CreateRemoveToken":       "actions/runners/remove-token",
	// jitconfig.go
	"GenerateJITConfig": "actions/runners/generate-jitconfig",
	// labels.go
	"ListLabels":      "actions/runners/{runner_id}/labels",
	"AddLabels":       "actions/runners/{runner_id}/labels",
	"SetLabels":       "actions/runners/{runner_id}/labels",
	"RemoveAllLabels": "actions/runners/{runner_id}/labels",
	"RemoveLabel":     "actions/runners/{runner_id}/labels/{name}",
	// groups.go, groupedit.go and groupaccess.go; {access} and {access_id}
	// are the scope's members (accessTemplates)
	"ListRunnerGroups":        "actions/runner-groups",
	"CreateRunnerGroup":       "actions/runner-groups",
	"GetRunnerGroup":          "actions/runner-groups/{runner_group_id}",
	"UpdateRunnerGroup":       "actions/runner-groups/{runner_group_id}",
	"DeleteRunnerGroup":       "actions/runner-groups/{runner_group_id}",
	"ListRunnerGroupRunners":  "actions/runner-groups/{runner_group_id}/runners",
	"SetRunnerGroupRunners":   "actions/runner-groups/{runner_group_id}/runners",
	"AddRunnerToGroup":        "actions/runner-groups/{runner_group_id}/runners/{runner_id}",
	"RemoveRunnerFromGroup":   "actions/runner-groups/{runner_group_id}/runners/{runner_id}",
	"ListRunnerGroupAccess":   "actions/runner-groups/{runner_group_id}/{access}",
	"SetRunnerGroupAccess":    "actions/runner-groups/{runner_group_id}/{access}",
	"AddRunnerGroupAccess":    "actions/runner-groups/{runner_group_id}/{access}/{access_id}",
	"RemoveRunnerGroupAccess": "actions/runner-groups/{runner_group_id}/{access}/{access_id}",
	// installations.go and appauth.go: a GitHub App's own requests
	"GetEnterpriseInstallation": "installation",
	"GetOrgInstallation":        "installation",
	"GetRepoInstallation":       "installation",
	"CreateInstallationToken":   "app/installations/{installation_id}/access_tokens",
}

// scopeRef names the scope of a request, for the authenticator: a GitHub
// App's installation is per scope. It is a value, so that a request does not
// escape to the heap through the authenticator's interface.
type scopeRef struct {
	kind   scopeKind
	prefix string // as request.prefix: the key of the scope
}

func (r *request) scope() scopeRef { return scopeRef{r.kind, r.prefix} }

// pathTemplate is GitHub's path template of r, without the leading slash.
func (r *request) pathTemplate() string {
	if t, ok := pathTemplates()[r.kind][r.op]; ok {
		return t
	}
	return r.kind.template() + opTemplates[r.op]
}

// pathTemplates are the templates of every operation at every scope kind,
// joined once rather than for each request an observer sees.
var pathTemplates = sync.OnceValue(func() (all [len(scopeKinds)]map[string]string) {
	for k := range all {
		all[k] = make(map[string]string, len(opTemplates))
		for op, t := range opTemplates {
			if r := accessTemplates[scopeKind(k)]; r != nil {
				t = r.Replace(t)
			}
			all[k][op] = scopeKind(k).template() + t
		}
	}
	return all
})

// accessTemplates name the members of a runner group's access list in the
// templates: repositories at organization scope, organizations at enterprise
// scope.
var accessTemplates = map[scopeKind]*strings.Replacer{
	orgScope:        strings.NewReplacer("{access}", "repositories", "{access_id}", "{repository_id}"),
	enterpriseScope: strings.NewReplacer("{access}", "organizations", "{access_id}", "{org_id}"),
}

// get, put, post and del start a request for the common cases; GET, PUT and
// DELETE are idempotent, a POST is not unless the operation says so.
func get(op, path string, out any) *request {
	return &request{op: op, method: http.MethodGet, path: path, out: out, idempotent: true}
}

func put(op, path string, body, out any) *request {
	return &request{op: op, method: http.MethodPut, path: path, body: body, out: out, idempotent: true}
}

func post(op, path string, body, out any) *request {
	return &request{op: op, method: http.MethodPost, path: path, body: body, out: out}
}

func del(op, path string, out any) *request {
	return &request{op: op, method: http.MethodDelete, path: path, out: out, idempotent: true}
}

// send sends r and decodes its answer into r.out. The returned response's
// body is already closed; it is nil when no response came back.
func (c *Client) send(ctx context.Context, r *request) (*http.Response, error) {
	if ctx == nil {
		return nil, invalidArgf("%s: the context is nil", r.op)
	}
	// The request carries a slot for the credential of each attempt, which
	// the auth transport reads on every hop to the client's own origin.
	var slot *credentialSlot
	reqCtx := ctx
	if c.authed {
		slot = &credentialSlot{Context: ctx}
		reqCtx = slot
	}
	req, err := c.newHTTPRequest(reqCtx, r)
	if err != nil {
		return nil, err
	}
	return c.invoke(ctx, r, req, slot)
}

// newHTTPRequest is the one place a request is built and its headers are set.
func (c *Client) newHTTPRequest(ctx context.Context, r *request) (*http.Request, error) {
	var rd io.Reader
	if r.body != nil {
		buf, err := json.Marshal(r.body)
		if err != nil {
			return nil, invalidArgf("%s: the request body: %v", r.op, err)
		}
		rd = bytes.NewReader(buf)
	}
	req, err := http.NewRequestWithContext(ctx, r.method, c.base+r.prefix+r.path, rd)
	if err != nil {
		return nil, invalidArgf("%s: %v", r.op, urlParseError(err))
	}
	if r.query != nil {
		v, err := query.Values(r.query)
		if err != nil {
			return nil, invalidArgf("%s: the query: %v", r.op, err)
		}
		req.URL.RawQuery = v.Encode()
	}
	for k, v := range c.header { // the values are shared, never modified
		req.Header[k] = v
	}
	if r.body != nil {
		req.Header["Content-Type"] = jsonContentType
	}
	return req, nil
}

var jsonContentType = []string{"application/json"}

// attempt sends req once with cred: a conditional request when the ETag
// cache keeps an answer, then the answer classified, its rate limit
// recorded for cred (ratelimit.go) and its body decoded into r.out.
func (c *Client) attempt(req *http.Request, r *request, cred *credential) (out outcome) {
	key, kept := c.cache.prepare(req, r.out)
	resp, err := c.hc.Do(req)
	if err != nil {
		return outcome{err: transportError(req, err)}
	}
	out.resp = resp
	switch {
	case resp.StatusCode < 200:
		// 101 Switching Protocols: the body is the raw connection, which the
		// context no longer reaches. Never read it.
		resp.Body.Close()
		out.err = &Error{StatusCode: resp.StatusCode, Method: req.Method, URL: req.URL.Redacted(),
			Message: "unexpected " + resp.Status + " answer"}
		return out
	case resp.Request != nil && !c.origin.owns(resp.Request.URL):
		// After a redirect elsewhere: what that origin says of rate limits is
		// not GitHub's, and a credential it hands out is refused.
		if r.credential {
			closeBody(resp.Body)
			out.err = &Error{StatusCode: resp.StatusCode, Method: req.Method, URL: req.URL.Redacted(),
				Message: "the answer came from another origin after a redirect; refused"}
			return out
		}
	default:
		out.limit = c.recordRateLimit(cred, resp.Header)
	}
	if kept != nil && resp.StatusCode == http.StatusNotModified {
		closeBody(resp.Body)
		out.fromCache, out.err = true, kept.answer(req, resp, r.out)
		return out
	}
	now := c.clock.Now()
	if out.err = checkResponse(req, resp, now); out.err != nil {
		closeBody(resp.Body)
		cred.cool(out.err, now)
		return out
	}
	if r.out == nil {
		closeBody(resp.Body)
		return out
	}
	body, err := decodeResponse(req, resp, r.out)
	defer body.free()
	if out.err = err; err != nil {
		return out
	}
	c.cache.keep(key, resp, body.Bytes())
	return out
}
