// Cross-cutting: conformance with GitHub's own OpenAPI description of the
// self-hosted runner endpoints, testdata/openapi/runners.api.github.com.json
// (62 operations: the 12 runner operations at each of the enterprise,
// organization and repository scopes, and the 13 runner group operations at
// each of the enterprise and organization scopes). Plain Go, no network:
// prism_test.go (build tag "prism") runs the same client against a Prism mock
// of that file.

package runners

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"maps"
	"mime"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"reflect"
	"slices"
	"sort"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// specFile is GitHub's OpenAPI description, cut down to the runner endpoints.
var specFile = filepath.Join("testdata", "openapi", "runners.api.github.com.json")

// specOperationCount is how many operations the description holds: 36
// runner operations and 26 runner group operations.
const specOperationCount = 62

// specLeftOut lists the properties of the checked response schemas that our
// models deliberately do not have, as "schema.property" -> the reason. The
// test fails on a missing property that is not listed here, and on a listed
// property that our model does have (a stale entry). Every property of
// runner, runner-label, runner-application, authentication-token, the JIT
// config response, runner-groups-org, runner-groups-enterprise and the lists
// is modelled today, so the list is empty.
var specLeftOut = map[string]string{}

// ---- the OpenAPI document ------------------------------------------------

type oaDoc struct {
	Paths      map[string]map[string]json.RawMessage `json:"paths"`
	Components struct {
		Schemas    map[string]*oaSchema    `json:"schemas"`
		Responses  map[string]*oaResponse  `json:"responses"`
		Parameters map[string]*oaParameter `json:"parameters"`
		Examples   map[string]*oaExample   `json:"examples"`
	} `json:"components"`

	ops []*specOp // every operation, sorted by path then method
}

type oaOperation struct {
	OperationID string                 `json:"operationId"`
	Parameters  []*oaParameter         `json:"parameters"`
	RequestBody *oaRequestBody         `json:"requestBody"`
	Responses   map[string]*oaResponse `json:"responses"`
}

type oaParameter struct {
	Ref    string    `json:"$ref"`
	Name   string    `json:"name"`
	In     string    `json:"in"`
	Schema *oaSchema `json:"schema"`
}

type oaRequestBody struct {
	Required bool               `json:"required"`
	Content  map[string]oaMedia `json:"content"`
}

type oaResponse struct {
	Ref     string             `json:"$ref"`
	Content map[string]oaMedia `json:"content"`
}

type oaMedia struct {
	Schema   *oaSchema             `json:"schema"`
	Examples map[string]*oaExample `json:"examples"`
}

type oaExample struct {
	Ref   string          `json:"$ref"`
	Value json.RawMessage `json:"value"`
}

type oaSchema struct {
	Ref        string               `json:"$ref"`
	Type       string               `json:"type"`
	Format     string               `json:"format"`
	Properties map[string]*oaSchema `json:"properties"`
	Required   []string             `json:"required"`
	Items      *oaSchema            `json:"items"`
	Enum       []any                `json:"enum"`
	Nullable   bool                 `json:"nullable"`
}

// specOp is one operation: a method on a path template.
type specOp struct {
	Method   string   // upper case
	Path     string   // the template, such as /orgs/{org}/actions/runners/{runner_id}
	Segments []string // Path split at "/", without the empty first one
	*oaOperation
}

func (op *specOp) String() string { return op.Method + " " + op.Path }

var specHTTPMethods = []string{"get", "put", "post", "delete", "options", "head", "patch", "trace"}

// loadSpec reads and parses the OpenAPI description.
func loadSpec(t testing.TB) *oaDoc {
	t.Helper()
	raw, err := os.ReadFile(specFile)
	require.NoError(t, err, "reading the OpenAPI description")
	doc := new(oaDoc)
	require.NoError(t, json.Unmarshal(raw, doc), "parsing %s", specFile)
	for path, item := range doc.Paths {
		for method, rawOp := range item {
			if !slices.Contains(specHTTPMethods, method) {
				continue // "parameters", "summary", ... of the path item
			}
			op := &specOp{Method: strings.ToUpper(method), Path: path, Segments: strings.Split(strings.TrimPrefix(path, "/"), "/")}
			require.NoError(t, json.Unmarshal(rawOp, &op.oaOperation), "%s %s", method, path)
			doc.ops = append(doc.ops, op)
		}
	}
	sort.Slice(doc.ops, func(i, j int) bool {
		if doc.ops[i].Path != doc.ops[j].Path {
			return doc.ops[i].Path < doc.ops[j].Path
		}
		return doc.ops[i].Method < doc.ops[j].Method
	})
	require.Len(t, doc.ops, specOperationCount, "operations in %s", specFile)
	return doc
}

// refName returns the name a local reference such as
// "#/components/schemas/runner" points to, after checking its kind.
func refName(t testing.TB, ref, kind string) string {
	t.Helper()
	prefix := "#/components/" + kind + "/"
	require.True(t, strings.HasPrefix(ref, prefix), "reference %q is not to components/%s", ref, kind)
	return strings.TrimPrefix(ref, prefix)
}

func (d *oaDoc) schema(t testing.TB, s *oaSchema) *oaSchema {
	t.Helper()
	for s != nil && s.Ref != "" {
		name := refName(t, s.Ref, "schemas")
		next, ok := d.Components.Schemas[name]
		require.True(t, ok, "schema %q is not in components", name)
		s = next
	}
	return s
}

func (d *oaDoc) response(t testing.TB, r *oaResponse) (*oaResponse, string) {
	t.Helper()
	var name string
	for r != nil && r.Ref != "" {
		name = refName(t, r.Ref, "responses")
		next, ok := d.Components.Responses[name]
		require.True(t, ok, "response %q is not in components", name)
		r = next
	}
	return r, name
}

func (d *oaDoc) parameter(t testing.TB, p *oaParameter) *oaParameter {
	t.Helper()
	for p != nil && p.Ref != "" {
		name := refName(t, p.Ref, "parameters")
		next, ok := d.Components.Parameters[name]
		require.True(t, ok, "parameter %q is not in components", name)
		p = next
	}
	return p
}

// success is an operation's 2xx answer: its status, the name of the
// components/responses entry it refers to (if any), the media type the client
// asks for, and the example the description gives (nil for no body).
type specSuccess struct {
	Status       int
	ResponseName string
	Media        *oaMedia
	Example      json.RawMessage
}

func (d *oaDoc) success(t testing.TB, op *specOp) specSuccess {
	t.Helper()
	var codes []string
	for code := range op.Responses {
		if strings.HasPrefix(code, "2") {
			codes = append(codes, code)
		}
	}
	require.Len(t, codes, 1, "%s: 2xx responses", op)
	status, err := strconv.Atoi(codes[0])
	require.NoError(t, err, "%s: status %q", op, codes[0])
	resp, name := d.response(t, op.Responses[codes[0]])
	out := specSuccess{Status: status, ResponseName: name}
	if len(resp.Content) == 0 {
		return out
	}
	media, ok := resp.Content[mediaType] // the media type the client sends in Accept
	require.True(t, ok, "%s: no %s content for %d", op, mediaType, status)
	out.Media = &media
	ex, ok := media.Examples["default"]
	require.True(t, ok, "%s: no default example for %d", op, status)
	for ex.Ref != "" {
		name := refName(t, ex.Ref, "examples")
		ex = d.Components.Examples[name]
		require.NotNil(t, ex, "example %q is not in components", name)
	}
	require.NotEmpty(t, ex.Value, "%s: empty example", op)
	out.Example = ex.Value
	return out
}

// ---- matching requests to operations ------------------------------------

// matchOperation maps a request to the operation whose method and path
// template it matches: a template segment {param} matches any one non-empty
// segment, any other segment only itself. When several templates match (such
// as .../runners/downloads and .../runners/{runner_id}), the one with the
// most literal segments wins, as OpenAPI says concrete paths match first; a
// tie is ambiguous. It returns the operation (nil when none matches, or the
// match is ambiguous) and the path parameters, unescaped.
func matchOperation(ops []*specOp, method, escapedPath string) (*specOp, map[string]string, error) {
	segs := strings.Split(strings.TrimPrefix(escapedPath, "/"), "/")
	var best *specOp
	var bestParams map[string]string
	bestLiterals, tie := -1, false
	for _, op := range ops {
		if op.Method != method || len(op.Segments) != len(segs) {
			continue
		}
		params, literals, ok := map[string]string{}, 0, true
		for i, tmpl := range op.Segments {
			if strings.HasPrefix(tmpl, "{") && strings.HasSuffix(tmpl, "}") {
				v, err := url.PathUnescape(segs[i])
				if segs[i] == "" || err != nil {
					ok = false
					break
				}
				params[strings.Trim(tmpl, "{}")] = v
				continue
			}
			if tmpl != segs[i] {
				ok = false
				break
			}
			literals++
		}
		switch {
		case !ok:
		case literals > bestLiterals:
			best, bestParams, bestLiterals, tie = op, params, literals, false
		case literals == bestLiterals:
			tie = true
		}
	}
	switch {
	case best == nil:
		return nil, nil, fmt.Errorf("%s %s matches no operation", method, escapedPath)
	case tie:
		return nil, nil, fmt.Errorf("%s %s matches more than one operation as well as %s", method, escapedPath, best)
	}
	return best, bestParams, nil
}

func TestSchemaMatchOperation(t *testing.T) {
	t.Parallel()
	doc := loadSpec(t)
	for _, tc := range []struct {
		method, path, want string
		params             map[string]string
	}{
		{"GET", "/orgs/o/actions/runners/downloads", "GET /orgs/{org}/actions/runners/downloads", map[string]string{"org": "o"}},
		{"GET", "/orgs/o/actions/runners/7", "GET /orgs/{org}/actions/runners/{runner_id}", map[string]string{"org": "o", "runner_id": "7"}},
		{"DELETE", "/repos/a/b/actions/runners/7/labels/x%2Fy%20z", "DELETE /repos/{owner}/{repo}/actions/runners/{runner_id}/labels/{name}",
			map[string]string{"owner": "a", "repo": "b", "runner_id": "7", "name": "x/y z"}},
		{"POST", "/enterprises/e/actions/runners/generate-jitconfig", "POST /enterprises/{enterprise}/actions/runners/generate-jitconfig", map[string]string{"enterprise": "e"}},
	} {
		op, params, err := matchOperation(doc.ops, tc.method, tc.path)
		if assert.NoError(t, err, tc.path) {
			assert.Equal(t, tc.want, op.String(), tc.path)
			assert.Equal(t, tc.params, params, tc.path)
		}
	}
	for _, tc := range []struct{ method, path string }{
		{"PATCH", "/orgs/o/actions/runners/7"},          // no such method
		{"GET", "/orgs/o/actions/runnerz"},              // no such path
		{"GET", "/orgs/o/actions/runners/"},             // empty parameter
		{"GET", "/orgs/o/actions/runners/7/labels/x/y"}, // one segment too many
		{"GET", "/v3/orgs/o/actions/runners"},           // a prefix
	} {
		op, _, err := matchOperation(doc.ops, tc.method, tc.path)
		assert.Error(t, err, "%s %s", tc.method, tc.path)
		assert.Nil(t, op, "%s %s", tc.method, tc.path)
	}
}

// ---- a transport that answers from the description ---------------------

// specRequest is one request the spec transport saw.
type specRequest struct {
	Method      string
	Path        string // escaped
	Query       url.Values
	ContentType string
	Body        []byte
	Op          *specOp // nil when the request matched no operation
	Params      map[string]string
	MatchErr    error
}

// specTransport is an http.RoundTripper that sends nothing: it records each
// request, matches it to an operation of the description, and answers in
// memory with that operation's success status and its example body (404 when
// nothing matches).
type specTransport struct {
	ops     []*specOp
	answers map[*specOp]specSuccess

	mu   sync.Mutex
	reqs []specRequest
}

// newSpecTransport prepares the answers of every operation of doc.
func newSpecTransport(t testing.TB, doc *oaDoc) *specTransport {
	t.Helper()
	s := &specTransport{ops: doc.ops, answers: map[*specOp]specSuccess{}}
	for _, op := range doc.ops {
		s.answers[op] = doc.success(t, op)
	}
	return s
}

func (s *specTransport) RoundTrip(req *http.Request) (*http.Response, error) {
	var body []byte
	if req.Body != nil {
		var err error
		body, err = io.ReadAll(req.Body)
		req.Body.Close()
		if err != nil {
			return nil, err
		}
	}
	rec := specRequest{Method: req.Method, Path: req.URL.EscapedPath(), Query: req.URL.Query(), ContentType: req.Header.Get("Content-Type"), Body: body}
	rec.Op, rec.Params, rec.MatchErr = matchOperation(s.ops, req.Method, rec.Path)
	s.mu.Lock()
	s.reqs = append(s.reqs, rec)
	s.mu.Unlock()

	status, respBody := http.StatusNotFound, []byte(`{"message":"Not Found","documentation_url":"https://docs.github.com/rest"}`)
	if rec.Op != nil {
		ok := s.answers[rec.Op]
		status, respBody = ok.Status, ok.Example
	}
	h := http.Header{}
	if respBody != nil {
		h.Set("Content-Type", "application/json; charset=utf-8")
	}
	return &http.Response{
		Status:        strconv.Itoa(status) + " " + http.StatusText(status),
		StatusCode:    status,
		Proto:         "HTTP/1.1",
		ProtoMajor:    1,
		ProtoMinor:    1,
		Header:        h,
		Body:          io.NopCloser(bytes.NewReader(respBody)),
		ContentLength: int64(len(respBody)),
		Request:       req,
	}, nil
}

func (s *specTransport) all() []specRequest {
	s.mu.Lock()
	defer s.mu.Unlock()
	return slices.Clone(s.reqs)
}

// ---- the calls -----------------------------------------------------------

// specScopes are the three scopes, with the path parameter values their
// requests must carry.
var specScopes = []struct {
	name   string // as in operation IDs: ...-for-enterprise, -for-org, -for-repo
	build  func(*Client) Scope
	params map[string]string
}{
	{"enterprise", func(c *Client) Scope { return c.Enterprise("acme") }, map[string]string{"enterprise": "acme"}},
	{"org", func(c *Client) Scope { return c.Org("octo-org") }, map[string]string{"org": "octo-org"}},
	{"repo", func(c *Client) Scope { return c.Repo("octo-org", "octo-repo") }, map[string]string{"owner": "octo-org", "repo": "octo-repo"}},
}

const (
	specRunnerID  = 23       // the runner of the description's examples
	specLabelName = "no-gpu" // a custom label of the description's examples
)

// specJITRequest is the request body example of generate-jitconfig.
func specJITRequest() *JITConfigRequest {
	return &JITConfigRequest{Name: "New runner", RunnerGroupID: 1, Labels: []string{"self-hosted", "X64", "macOS", "no-gpu"}, WorkFolder: "_work"}
}

// specCall is one Scope method, called with valid input. stem is the
// operation ID it must reach, without the group ("actions/") and the scope
// ("-for-org"); status is the success status the description declares; check
// compares what the method returned with the description's example.
type specCall struct {
	method string
	stem   string
	status int
	call   func(ctx context.Context, s Scope) (any, error)
	check  func(t *testing.T, got any)
}

// specCalls are the 12 Scope methods that each send one request (AllRunners
// walks ListRunners' operation, and is tested on its own).
func specCalls(labelName string) []specCall {
	return []specCall{
		{"ListRunners", "list-self-hosted-runners", http.StatusOK,
			func(ctx context.Context, s Scope) (any, error) { return s.ListRunners(ctx, nil) },
			func(t *testing.T, got any) {
				t.Helper()
				list := got.(*RunnerList)
				assert.Equal(t, specExampleRunnerPaginated(), list.Runners, "runners (example runner-paginated)")
				assert.Equal(t, 2, list.TotalCount, "total_count")
			}},
		{"GetRunner", "get-self-hosted-runner", http.StatusOK,
			func(ctx context.Context, s Scope) (any, error) { return s.GetRunner(ctx, specRunnerID) },
			func(t *testing.T, got any) {
				t.Helper()
				assert.Equal(t, specExampleRunner(), got, "runner (example runner)")
			}},
		{"DeleteRunner", "delete-self-hosted-runner", http.StatusNoContent,
			func(ctx context.Context, s Scope) (any, error) { return nil, s.DeleteRunner(ctx, specRunnerID) },
			nil},
		{"ListRunnerApplications", "list-runner-applications", http.StatusOK,
			func(ctx context.Context, s Scope) (any, error) { return s.ListRunnerApplications(ctx) },
			func(t *testing.T, got any) {
				t.Helper()
				assert.Equal(t, specExampleRunnerApplications(), got, "applications (example runner-application-items)")
			}},
		{"CreateRegistrationToken", "create-registration-token", http.StatusCreated,
			func(ctx context.Context, s Scope) (any, error) { return s.CreateRegistrationToken(ctx) },
			func(t *testing.T, got any) {
				t.Helper()
				assertSpecToken(t, specExampleToken("LLBF3JGZDX3P5PMEXLND6TS6FCWO6", 22), got.(*Token), "authentication-token")
			}},
		{"CreateRemoveToken", "create-remove-token", http.StatusCreated,
			func(ctx context.Context, s Scope) (any, error) { return s.CreateRemoveToken(ctx) },
			func(t *testing.T, got any) {
				t.Helper()
				assertSpecToken(t, specExampleToken("AABF3JGZDX3P5PMEXLND6TS6FCWO6", 29), got.(*Token), "authentication-token-2")
			}},
		{"GenerateJITConfig", "generate-runner-jitconfig", http.StatusCreated,
			func(ctx context.Context, s Scope) (any, error) { return s.GenerateJITConfig(ctx, specJITRequest()) },
			func(t *testing.T, got any) {
				t.Helper()
				jit := got.(*JITConfig)
				assert.Equal(t, specExampleJITRunner(), jit.Runner, "runner (example runner-jitconfig)")
				assert.True(t, jit.EncodedJITConfig == "abc123", "encoded_jit_config is not the example's") // not printed: a secret
			}},
		{"ListLabels", "list-labels-for-self-hosted-runner", http.StatusOK,
			func(ctx context.Context, s Scope) (any, error) { return s.ListLabels(ctx, specRunnerID) },
			func(t *testing.T, got any) {
				t.Helper()
				assert.Equal(t, specExampleLabels(), got, "labels (example runner-labels)")
			}},
		{"AddLabels", "add-custom-labels-to-self-hosted-runner", http.StatusOK,
			func(ctx context.Context, s Scope) (any, error) { return s.AddLabels(ctx, specRunnerID, "no-gpu") },
			func(t *testing.T, got any) {
				t.Helper()
				assert.Equal(t, specExampleLabels(), got, "labels (example runner-labels)")
			}},
		{"SetLabels", "set-custom-labels-for-self-hosted-runner", http.StatusOK,
			func(ctx context.Context, s Scope) (any, error) { return s.SetLabels(ctx, specRunnerID, "no-gpu") },
			func(t *testing.T, got any) {
				t.Helper()
				assert.Equal(t, specExampleLabels(), got, "labels (example runner-labels)")
			}},
		{"RemoveAllLabels", "remove-all-custom-labels-from-self-hosted-runner", http.StatusOK,
			func(ctx context.Context, s Scope) (any, error) { return s.RemoveAllLabels(ctx, specRunnerID) },
			func(t *testing.T, got any) {
				t.Helper()
				assert.Equal(t, specExampleLabels()[:3], got, "labels (example runner-labels-readonly)")
			}},
		{"RemoveLabel", "remove-custom-label-from-self-hosted-runner", http.StatusOK,
			func(ctx context.Context, s Scope) (any, error) { return s.RemoveLabel(ctx, specRunnerID, labelName) },
			func(t *testing.T, got any) {
				t.Helper()
				assert.Equal(t, specExampleLabels(), got, "labels (example runner-labels)")
			}},
	}
}

// wantOperationID reports whether id is the operation ID of stem at scope,
// such as "actions/list-self-hosted-runners-for-org",
// "enterprise-admin/delete-self-hosted-runner-from-enterprise" or
// "actions/add-repo-access-to-self-hosted-runner-group-in-org".
func wantOperationID(id, stem, scope string) bool {
	_, rest, ok := strings.Cut(id, "/")
	return ok && (rest == stem+"-for-"+scope || rest == stem+"-from-"+scope || rest == stem+"-in-"+scope)
}

// specScopedCall is one call at one scope.
type specScopedCall struct {
	scope  string // as in operation IDs: "enterprise", "org", "repo"
	build  func(*Client) Scope
	params map[string]string // the scope's path parameters
	specCall
}

func (c specScopedCall) String() string { return c.scope + "." + c.method }

const (
	specGroupID  = 2  // the group of the description's examples
	specAccessID = 32 // a repository or organization ID of the description's examples
)

// specGroupCalls are the 13 GroupScope methods that each send one request
// (the All… iterators walk the list operations), at scope "org" or
// "enterprise".
func specGroupCalls(scope string) []specCall {
	access := "repo" // as the access operation IDs name the scope's members
	if scope == "enterprise" {
		access = "org"
	}
	g := func(s Scope) GroupScope { return s.(GroupScope) }
	checkGroup := func(op string) func(t *testing.T, got any) {
		return func(t *testing.T, got any) {
			t.Helper()
			assertGroupFields(t, exampleGroup(scope, op), got.(*RunnerGroup))
		}
	}
	accessIDs := map[string]func(*RunnerGroupRequest){
		"repo": func(r *RunnerGroupRequest) { r.SelectedRepositoryIDs = []int64{32, 91} },
		"org":  func(r *RunnerGroupRequest) { r.SelectedOrganizationIDs = []int64{32, 91} },
	}[access]
	return []specCall{
		{"ListRunnerGroups", "list-self-hosted-runner-groups", http.StatusOK,
			func(ctx context.Context, s Scope) (any, error) { return g(s).ListRunnerGroups(ctx, nil) },
			func(t *testing.T, got any) {
				t.Helper()
				list := got.(*RunnerGroupList)
				assertGroupListFields(t, exampleGroups(scope), list.RunnerGroups)
				assert.Equal(t, 3, list.TotalCount, "total_count")
			}},
		{"CreateRunnerGroup", "create-self-hosted-runner-group", http.StatusCreated,
			func(ctx context.Context, s Scope) (any, error) {
				req := &RunnerGroupRequest{Name: "Expensive hardware runners", Visibility: GroupVisibilitySelected, RunnerIDs: []int64{9, 2}}
				accessIDs(req) // the description's example body
				return g(s).CreateRunnerGroup(ctx, req)
			}, checkGroup("CreateRunnerGroup")},
		{"GetRunnerGroup", "get-self-hosted-runner-group", http.StatusOK,
			func(ctx context.Context, s Scope) (any, error) { return g(s).GetRunnerGroup(ctx, specGroupID) },
			checkGroup("GetRunnerGroup")},
		{"UpdateRunnerGroup", "update-self-hosted-runner-group", http.StatusOK,
			func(ctx context.Context, s Scope) (any, error) {
				return g(s).UpdateRunnerGroup(ctx, specGroupID, &RunnerGroupUpdate{Name: Ptr("Expensive hardware runners"), Visibility: Ptr(GroupVisibilitySelected)})
			}, checkGroup("UpdateRunnerGroup")},
		{"DeleteRunnerGroup", "delete-self-hosted-runner-group", http.StatusNoContent,
			func(ctx context.Context, s Scope) (any, error) { return nil, g(s).DeleteRunnerGroup(ctx, specGroupID) }, nil},
		{"ListRunnerGroupAccess", "list-" + access + "-access-to-self-hosted-runner-group", http.StatusOK,
			func(ctx context.Context, s Scope) (any, error) {
				return g(s).ListRunnerGroupAccess(ctx, specGroupID, nil)
			},
			func(t *testing.T, got any) {
				t.Helper()
				list := got.(*GroupAccessList)
				assert.Equal(t, exampleAccess(scope), list.Access)
				assert.Equal(t, 1, list.TotalCount, "total_count")
			}},
		{"SetRunnerGroupAccess", "set-" + access + "-access-to-self-hosted-runner-group", http.StatusNoContent,
			func(ctx context.Context, s Scope) (any, error) {
				return nil, g(s).SetRunnerGroupAccess(ctx, specGroupID, 32, 91)
			}, nil},
		{"AddRunnerGroupAccess", "add-" + access + "-access-to-self-hosted-runner-group", http.StatusNoContent,
			func(ctx context.Context, s Scope) (any, error) {
				return nil, g(s).AddRunnerGroupAccess(ctx, specGroupID, specAccessID)
			}, nil},
		{"RemoveRunnerGroupAccess", "remove-" + access + "-access-to-self-hosted-runner-group", http.StatusNoContent,
			func(ctx context.Context, s Scope) (any, error) {
				return nil, g(s).RemoveRunnerGroupAccess(ctx, specGroupID, specAccessID)
			}, nil},
		{"ListRunnerGroupRunners", "list-self-hosted-runners-in-group", http.StatusOK,
			func(ctx context.Context, s Scope) (any, error) {
				return g(s).ListRunnerGroupRunners(ctx, specGroupID, nil)
			},
			func(t *testing.T, got any) {
				t.Helper()
				list := got.(*RunnerList)
				assert.Equal(t, specExampleRunnerPaginated(), list.Runners, "runners (example runner-paginated)")
				assert.Equal(t, 2, list.TotalCount, "total_count")
			}},
		{"SetRunnerGroupRunners", "set-self-hosted-runners-in-group", http.StatusNoContent,
			func(ctx context.Context, s Scope) (any, error) {
				return nil, g(s).SetRunnerGroupRunners(ctx, specGroupID, 9, 2)
			}, nil},
		{"AddRunnerToGroup", "add-self-hosted-runner-to-group", http.StatusNoContent,
			func(ctx context.Context, s Scope) (any, error) {
				return nil, g(s).AddRunnerToGroup(ctx, specGroupID, specRunnerID)
			}, nil},
		{"RemoveRunnerFromGroup", "remove-self-hosted-runner-from-group", http.StatusNoContent,
			func(ctx context.Context, s Scope) (any, error) {
				return nil, g(s).RemoveRunnerFromGroup(ctx, specGroupID, specRunnerID)
			}, nil},
	}
}

// specAllCalls is every call at every scope that has it: the 12 runner calls
// at each of the three scopes, then the 13 group calls at the enterprise and
// the organization, one per operation of the description.
func specAllCalls(labelName string) []specScopedCall {
	var all []specScopedCall
	for _, sc := range specScopes {
		for _, call := range specCalls(labelName) {
			all = append(all, specScopedCall{sc.name, sc.build, sc.params, call})
		}
	}
	for _, sc := range specScopes[:2] { // enterprise and org: no repository groups
		for _, call := range specGroupCalls(sc.name) {
			all = append(all, specScopedCall{sc.name, sc.build, sc.params, call})
		}
	}
	return all
}

func TestSchemaCallCounts(t *testing.T) {
	t.Parallel()
	require.Equal(t, "enterprise org repo", specScopes[0].name+" "+specScopes[1].name+" "+specScopes[2].name)
	assert.Len(t, specCalls(specLabelName), 12, "Scope methods that send one request")
	assert.Len(t, specGroupCalls("org"), 13, "GroupScope methods that send one request")
	assert.Len(t, specAllCalls(specLabelName), specOperationCount)
}

// TestSchemaOperations calls each Scope method at each scope, and each
// GroupScope method at each scope with groups, through a
// transport that matches every request to an operation of the description,
// and checks that this is a bijection: every operation reached exactly once,
// by the method and scope its operation ID names, and no request unmatched.
func TestSchemaOperations(t *testing.T) {
	t.Parallel()
	doc := loadSpec(t)
	rt := newSpecTransport(t, doc)
	c, err := NewClient(WithHTTPClient(&http.Client{Transport: rt}), WithBaseURL("http://127.0.0.1:1/"), WithToken("x"))
	require.NoError(t, err)

	const labelName = "gpu/a b?#%" // one path segment, however it is spelt
	hits := map[*specOp][]string{}
	for _, call := range specAllCalls(labelName) {
		who := call.String()
		before := len(rt.all())
		_, err := call.call(t.Context(), call.build(c))
		assert.NoError(t, err, who)
		reqs := rt.all()[before:]
		if !assert.Len(t, reqs, 1, "%s: requests sent", who) {
			continue
		}
		req := reqs[0]
		if !assert.NoError(t, req.MatchErr, "%s: unmatched request", who) {
			continue
		}
		op := req.Op
		hits[op] = append(hits[op], who)
		assert.True(t, wantOperationID(op.OperationID, call.stem, call.scope),
			"%s reached %s (%s), want operation %s at scope %s", who, op, op.OperationID, call.stem, call.scope)

		// The path parameters carry the values given, and match their schema.
		want := maps.Clone(call.params)
		for _, p := range op.Parameters {
			p = doc.parameter(t, p)
			switch {
			case p.In != "path":
			case p.Name == "runner_id":
				want[p.Name] = strconv.Itoa(specRunnerID)
			case p.Name == "name":
				want[p.Name] = labelName
			case p.Name == "runner_group_id":
				want[p.Name] = strconv.Itoa(specGroupID)
			case p.Name == "repository_id", p.Name == "org_id":
				want[p.Name] = strconv.Itoa(specAccessID)
			}
			if p.In == "path" && doc.schema(t, p.Schema).Type == "integer" {
				_, err := strconv.ParseInt(req.Params[p.Name], 10, 64)
				assert.NoError(t, err, "%s: path parameter %s=%q is not an integer", who, p.Name, req.Params[p.Name])
			}
		}
		assert.Equal(t, want, req.Params, "%s: path parameters", who)

		// A body exactly when the operation takes one: JSON with the required properties.
		if op.RequestBody == nil {
			assert.Empty(t, req.Body, "%s: %s takes no body", who, op)
			continue
		}
		media, ok := op.RequestBody.Content["application/json"]
		require.True(t, ok, "%s: request body is not application/json", op)
		ct, _, err := mime.ParseMediaType(req.ContentType)
		assert.NoError(t, err, "%s: Content-Type", who)
		assert.Equal(t, "application/json", ct, "%s: Content-Type", who)
		var body map[string]any
		if assert.NoError(t, json.Unmarshal(req.Body, &body), "%s: body %s", who, req.Body) {
			for _, name := range doc.schema(t, media.Schema).Required {
				assert.Contains(t, body, name, "%s: body %s lacks required %q", who, req.Body, name)
			}
		}
	}
	for _, op := range doc.ops {
		assert.Len(t, hits[op], 1, "%s (%s) reached by %v", op, op.OperationID, hits[op])
	}
	assert.Len(t, hits, specOperationCount, "distinct operations reached")
	assert.Len(t, rt.all(), specOperationCount, "requests sent")
}

// TestSchemaExamples decodes each operation's example, as the description
// gives it, through the client, and compares the result with the Go values
// the Prism test also expects.
func TestSchemaExamples(t *testing.T) {
	t.Parallel()
	doc := loadSpec(t)
	rt := newSpecTransport(t, doc)
	c, err := NewClient(WithHTTPClient(&http.Client{Transport: rt}), WithBaseURL("http://127.0.0.1:1/"))
	require.NoError(t, err)
	calls := specAllCalls(specLabelName)
	for _, call := range calls {
		t.Run(call.scope+"/"+call.method, func(t *testing.T) {
			got, err := call.call(t.Context(), call.build(c))
			require.NoError(t, err)
			if call.check != nil {
				call.check(t, got)
			}
		})
	}
	// Each call was answered with the status the table expects.
	reqs := rt.all()
	require.Len(t, reqs, len(calls))
	for i, req := range reqs {
		require.NoError(t, req.MatchErr)
		assert.Equal(t, calls[i].status, doc.success(t, req.Op).Status, "%s: success status", req.Op)
	}
}

// ---- the expected values: the description's examples as Go literals -----

func specExampleLabels() []*Label { // example runner-labels; the first 3 are runner-labels-readonly
	return []*Label{
		{ID: 5, Name: "self-hosted", Type: LabelReadOnly},
		{ID: 7, Name: "X64", Type: LabelReadOnly},
		{ID: 20, Name: "macOS", Type: LabelReadOnly},
		{ID: 21, Name: "no-gpu", Type: LabelCustom},
	}
}

func specExampleRunner() *Runner { // example runner
	return &Runner{ID: 23, Name: "MBP", OS: "macos", Status: RunnerOnline, Busy: true, Ephemeral: false, Version: "2.323.0", Labels: specExampleLabels()}
}

func specExampleJITRunner() *Runner { // the runner of example runner-jitconfig
	return &Runner{ID: 23, Name: "New runner", OS: "unknown", Status: RunnerOffline, Busy: false, Labels: specExampleLabels()}
}

func specExampleRunnerPaginated() []*Runner { // example runner-paginated
	return []*Runner{
		{ID: 23, Name: "linux_runner", OS: "linux", Status: RunnerOnline, Busy: true, Ephemeral: false, Version: "2.323.0", Labels: []*Label{
			{ID: 5, Name: "self-hosted", Type: LabelReadOnly},
			{ID: 7, Name: "X64", Type: LabelReadOnly},
			{ID: 11, Name: "Linux", Type: LabelReadOnly},
		}},
		{ID: 24, Name: "mac_runner", OS: "macos", Status: RunnerOffline, Busy: false, Ephemeral: false, Version: "2.323.0", Labels: specExampleLabels()},
	}
}

func specExampleRunnerApplications() []*RunnerApplication { // example runner-application-items
	const dl = "https://github.com/actions/runner/releases/download/v2.164.0/"
	return []*RunnerApplication{
		{OS: "osx", Architecture: "x64", DownloadURL: dl + "actions-runner-osx-x64-2.164.0.tar.gz", Filename: "actions-runner-osx-x64-2.164.0.tar.gz"},
		{OS: "linux", Architecture: "x64", DownloadURL: dl + "actions-runner-linux-x64-2.164.0.tar.gz", Filename: "actions-runner-linux-x64-2.164.0.tar.gz"},
		{OS: "linux", Architecture: "arm", DownloadURL: dl + "actions-runner-linux-arm-2.164.0.tar.gz", Filename: "actions-runner-linux-arm-2.164.0.tar.gz"},
		{OS: "win", Architecture: "x64", DownloadURL: dl + "actions-runner-win-x64-2.164.0.zip", Filename: "actions-runner-win-x64-2.164.0.zip"},
		{OS: "linux", Architecture: "arm64", DownloadURL: dl + "actions-runner-linux-arm64-2.164.0.tar.gz", Filename: "actions-runner-linux-arm64-2.164.0.tar.gz"},
	}
}

// specExampleToken is example authentication-token (day 22) or
// authentication-token-2 (day 29): "2020-01-DDT12:13:35.123-08:00".
func specExampleToken(token string, day int) *Token {
	return &Token{Token: token, ExpiresAt: time.Date(2020, time.January, day, 12, 13, 35, 123e6, time.FixedZone("", -8*60*60))}
}

// assertSpecToken compares tokens without printing the secret, and the
// expiry as an instant.
func assertSpecToken(t *testing.T, want, got *Token, example string) {
	t.Helper()
	if !assert.NotNil(t, got, example) {
		return
	}
	assert.True(t, want.Token == got.Token, "%s: token is not the example's", example)
	assert.True(t, want.ExpiresAt.Equal(got.ExpiresAt), "%s: expires_at %s, want %s", example, got.ExpiresAt, want.ExpiresAt)
	_, offset := got.ExpiresAt.Zone()
	assert.Equal(t, -8*60*60, offset, "%s: expires_at keeps the -08:00 offset", example)
	w, g := *want, *got
	w.Token, w.ExpiresAt, g.Token, g.ExpiresAt = "", time.Time{}, "", time.Time{}
	assert.Equal(t, w, g, "%s: the other fields", example)
}

// ---- request and response types against the schemas ---------------------

// jsonField is one JSON property of a Go struct, as encoding/json sees it.
type jsonField struct {
	GoName    string
	Type      reflect.Type
	OmitEmpty bool
}

// jsonFields returns the JSON properties of struct type t (or *t), following
// encoding/json: `json` tags, "-" skipped, unexported fields skipped,
// untagged embedded structs promoted.
func jsonFields(t reflect.Type) map[string]jsonField {
	for t.Kind() == reflect.Pointer {
		t = t.Elem()
	}
	out := map[string]jsonField{}
	for i := range t.NumField() {
		f := t.Field(i)
		tag := f.Tag.Get("json")
		if tag == "-" {
			continue
		}
		name, opts, _ := strings.Cut(tag, ",")
		if f.Anonymous && name == "" {
			ft := f.Type
			for ft.Kind() == reflect.Pointer {
				ft = ft.Elem()
			}
			if ft.Kind() == reflect.Struct {
				for k, v := range jsonFields(ft) {
					if _, shadowed := out[k]; !shadowed {
						out[k] = v
					}
				}
				continue
			}
		}
		if !f.IsExported() {
			continue
		}
		if name == "" {
			name = f.Name
		}
		out[name] = jsonField{GoName: f.Name, Type: f.Type, OmitEmpty: slices.Contains(strings.Split(opts, ","), "omitempty")}
	}
	return out
}

// specModels maps the component schemas to the Go types that decode them.
var specModels = map[string]reflect.Type{
	"runner-groups-org":        reflect.TypeFor[RunnerGroup](),
	"runner-groups-enterprise": reflect.TypeFor[RunnerGroup](),
	"minimal-repository":       reflect.TypeFor[GroupAccess](),
	"organization-simple":      reflect.TypeFor[GroupAccess](),
	"runner":                   reflect.TypeFor[Runner](),
	"runner-label":             reflect.TypeFor[Label](),
	"runner-application":       reflect.TypeFor[RunnerApplication](),
	"authentication-token":     reflect.TypeFor[Token](),
	"repository":               reflect.TypeFor[Repository](),
	"simple-user":              reflect.TypeFor[User](),
}

var timeType = reflect.TypeFor[time.Time]()

// typeProblem says how Go type t cannot hold a value of schema s ("" when it can).
func (d *oaDoc) typeProblem(tb testing.TB, s *oaSchema, t reflect.Type) string {
	tb.Helper()
	for t.Kind() == reflect.Pointer {
		t = t.Elem()
	}
	if s.Ref != "" {
		name := refName(tb, s.Ref, "schemas")
		if want, ok := specModels[name]; ok && t != want {
			return fmt.Sprintf("%s holds a %s, want %s", t, name, want)
		}
		s = d.schema(tb, s)
	}
	k := t.Kind()
	switch s.Type {
	case "integer":
		if k < reflect.Int || k > reflect.Uint64 {
			return fmt.Sprintf("integer in a %s", t)
		}
	case "number":
		if k < reflect.Int || k > reflect.Float64 {
			return fmt.Sprintf("number in a %s", t)
		}
	case "boolean":
		if k != reflect.Bool {
			return fmt.Sprintf("boolean in a %s", t)
		}
	case "string":
		if s.Format == "date-time" && t == timeType {
			return ""
		}
		if k != reflect.String {
			return fmt.Sprintf("string in a %s", t)
		}
	case "array":
		if k != reflect.Slice {
			return fmt.Sprintf("array in a %s", t)
		}
		if s.Items != nil {
			if p := d.typeProblem(tb, s.Items, t.Elem()); p != "" {
				return "items: " + p
			}
		}
	case "object":
		if k != reflect.Struct && k != reflect.Map {
			return fmt.Sprintf("object in a %s", t)
		}
	}
	return ""
}

// modelProblems compares the properties of schema s (named name in messages
// and in leftOut) with the JSON fields of Go type t:
//   - a property t lacks is a problem unless leftOut lists "name.property";
//   - a listed property t has is a stale entry;
//   - a field whose Go type cannot hold the property's value is a problem;
//   - a required property sent with omitempty is a problem when required
//     properties must always be encoded (request bodies, and the models the
//     runnerstest fake encodes);
//   - a JSON field of t that is not a property of s is a problem (a
//     misspelt name never decodes anything).
func (d *oaDoc) modelProblems(tb testing.TB, name string, s *oaSchema, t reflect.Type, leftOut map[string]string) []string {
	tb.Helper()
	s = d.schema(tb, s)
	fields := jsonFields(t)
	var problems []string
	for _, prop := range slices.Sorted(maps.Keys(s.Properties)) {
		key := name + "." + prop
		f, ok := fields[prop]
		_, listed := leftOut[key]
		switch {
		case !ok && !listed:
			problems = append(problems, fmt.Sprintf("%s: %s has no field with JSON name %q", key, t, prop))
		case ok && listed:
			problems = append(problems, fmt.Sprintf("%s: listed as left out, but %s.%s has it (stale entry)", key, t, f.GoName))
		case ok:
			if p := d.typeProblem(tb, s.Properties[prop], f.Type); p != "" {
				problems = append(problems, fmt.Sprintf("%s: %s.%s: %s", key, t, f.GoName, p))
			}
			if f.OmitEmpty && slices.Contains(s.Required, prop) {
				problems = append(problems, fmt.Sprintf("%s: required, but %s.%s is omitempty", key, t, f.GoName))
			}
		}
	}
	for prop, f := range fields {
		if _, ok := s.Properties[prop]; !ok {
			problems = append(problems, fmt.Sprintf("%s: %s.%s has JSON name %q, which %s does not have", name, t, f.GoName, prop, name))
		}
	}
	for _, req := range s.Required {
		if _, ok := s.Properties[req]; !ok {
			problems = append(problems, fmt.Sprintf("%s: required %q is not a property", name, req))
		}
	}
	sort.Strings(problems)
	return problems
}

// TestSchemaRequestBodies checks our request body types against the request
// body schema of every runner operation: each required property exists
// under the same JSON name and is always sent, and we send nothing the
// schema lacks. TestSchemaGroupRequestBodies checks the group operations'.
func TestSchemaRequestBodies(t *testing.T) {
	t.Parallel()
	doc := loadSpec(t)
	bodies := map[string]reflect.Type{ // operation ID stem -> request type
		"generate-runner-jitconfig":                reflect.TypeFor[JITConfigRequest](),
		"add-custom-labels-to-self-hosted-runner":  reflect.TypeFor[labelNames](),
		"set-custom-labels-for-self-hosted-runner": reflect.TypeFor[labelNames](),
	}
	checked := 0
	for _, op := range doc.ops {
		if op.RequestBody == nil || isGroupOp(op) {
			continue
		}
		var typ reflect.Type
		for _, sc := range specScopes {
			for stem, bt := range bodies {
				if wantOperationID(op.OperationID, stem, sc.name) {
					typ = bt
				}
			}
		}
		if !assert.NotNil(t, typ, "%s (%s) takes a body no Go type is mapped to", op, op.OperationID) {
			continue
		}
		assert.True(t, op.RequestBody.Required, "%s: body required", op)
		media, ok := op.RequestBody.Content["application/json"]
		if !assert.True(t, ok, "%s: no application/json body", op) {
			continue
		}
		s := doc.schema(t, media.Schema)
		assert.NotEmpty(t, s.Required, "%s: the body schema requires nothing", op)
		fields := jsonFields(typ)
		for _, req := range s.Required {
			f, ok := fields[req]
			if assert.True(t, ok, "%s: required body property %q has no field in %s", op, req, typ) {
				assert.False(t, f.OmitEmpty, "%s: required body property %q is omitempty in %s", op, req, typ)
			}
		}
		assert.Empty(t, doc.modelProblems(t, op.OperationID, s, typ, nil), "%s: body schema vs %s", op, typ)
		checked++
	}
	assert.Equal(t, 9, checked, "operations with a request body (3 scopes x jitconfig, add, set)")
}

// isGroupOp reports whether op is a runner group operation.
func isGroupOp(op *specOp) bool { return strings.Contains(op.Path, "/actions/runner-groups") }

// union returns a schema with the properties of all of ss (a property's
// schema is the first one's that has it), requiring what all of them
// require: what one Go type must hold to model them all.
func (d *oaDoc) union(tb testing.TB, ss ...*oaSchema) *oaSchema {
	tb.Helper()
	u := &oaSchema{Type: "object", Properties: map[string]*oaSchema{}}
	for i, s := range ss {
		s = d.schema(tb, s)
		for name, p := range s.Properties {
			if _, ok := u.Properties[name]; !ok {
				u.Properties[name] = p
			}
		}
		if i == 0 {
			u.Required = slices.Clone(s.Required)
		} else {
			u.Required = slices.DeleteFunc(u.Required, func(r string) bool { return !slices.Contains(s.Required, r) })
		}
	}
	return u
}

// specOpByID returns the operation with the operation ID id.
func (d *oaDoc) specOpByID(tb testing.TB, id string) *specOp {
	tb.Helper()
	for _, op := range d.ops {
		if op.OperationID == id {
			return op
		}
	}
	tb.Fatalf("no operation %s", id)
	return nil
}

// bodySchema is the application/json request body schema of operation id.
func (d *oaDoc) bodySchema(tb testing.TB, id string) *oaSchema {
	tb.Helper()
	op := d.specOpByID(tb, id)
	require.NotNil(tb, op.RequestBody, id)
	return d.schema(tb, op.RequestBody.Content["application/json"].Schema)
}

// valueProblem says how the JSON value v does not match schema s ("" when it does).
func (d *oaDoc) valueProblem(tb testing.TB, s *oaSchema, v any) string {
	tb.Helper()
	s = d.schema(tb, s)
	if v == nil {
		if s.Nullable {
			return ""
		}
		return "null where the schema is not nullable"
	}
	if len(s.Enum) > 0 && !slices.Contains(s.Enum, v) {
		return fmt.Sprintf("%v is not one of %v", v, s.Enum)
	}
	ok := false
	switch s.Type {
	case "string":
		_, ok = v.(string)
	case "boolean":
		_, ok = v.(bool)
	case "integer":
		f, isNum := v.(float64)
		ok = isNum && f == float64(int64(f))
	case "number":
		_, ok = v.(float64)
	case "object":
		_, ok = v.(map[string]any)
	case "array":
		items, isArray := v.([]any)
		if !isArray {
			break
		}
		for i, item := range items {
			if p := d.valueProblem(tb, s.Items, item); p != "" {
				return fmt.Sprintf("[%d]: %s", i, p)
			}
		}
		ok = true
	}
	if !ok {
		return fmt.Sprintf("%#v is not a %s", v, s.Type)
	}
	return ""
}

// bodyProblems compares a JSON body sent with schema s: every property of s
// is sent (the body was made with every field set), nothing else is, each
// value matches its property, and every required property is there.
func (d *oaDoc) bodyProblems(tb testing.TB, s *oaSchema, body []byte) []string {
	tb.Helper()
	var m map[string]any
	if err := json.Unmarshal(body, &m); err != nil {
		return []string{fmt.Sprintf("body %s: %v", body, err)}
	}
	var problems []string
	for name, p := range s.Properties {
		v, ok := m[name]
		switch {
		case !ok:
			problems = append(problems, fmt.Sprintf("property %q is not sent", name))
		default:
			if pr := d.valueProblem(tb, p, v); pr != "" {
				problems = append(problems, fmt.Sprintf("property %q: %s", name, pr))
			}
		}
	}
	for name := range m {
		if _, ok := s.Properties[name]; !ok {
			problems = append(problems, fmt.Sprintf("%q is sent, but is not a property", name))
		}
	}
	for _, r := range s.Required {
		if _, ok := m[r]; !ok {
			problems = append(problems, fmt.Sprintf("required %q is not sent", r))
		}
	}
	sort.Strings(problems)
	return problems
}

// TestSchemaGroupRequestBodies sends the body of every runner group
// operation that takes one, at both scopes, with every field set, and
// compares what went on the wire with the operation's body schema: every
// property is one of our fields by its JSON name, we send nothing else, and
// each value has the property's type. The body types are also checked
// against the union of both scopes' schemas.
func TestSchemaGroupRequestBodies(t *testing.T) {
	t.Parallel()
	doc := loadSpec(t)
	every := func(scope string) *RunnerGroupRequest {
		r := &RunnerGroupRequest{Name: "n", Visibility: GroupVisibilitySelected, RunnerIDs: []int64{9, 2},
			AllowsPublicRepositories: true, RestrictedToWorkflows: true, SelectedWorkflows: []string{exampleWorkflow}, NetworkConfigurationID: "nc"}
		if scope == "org" {
			r.SelectedRepositoryIDs = []int64{32, 91}
		} else {
			r.SelectedOrganizationIDs = []int64{32, 91}
		}
		return r
	}
	update := func(networkConfigurationID string) *RunnerGroupUpdate {
		return &RunnerGroupUpdate{Name: Ptr("n"), Visibility: Ptr(GroupVisibilityAll), AllowsPublicRepositories: Ptr(true),
			RestrictedToWorkflows: Ptr(true), SelectedWorkflows: &[]string{exampleWorkflow}, NetworkConfigurationID: Ptr(networkConfigurationID)}
	}
	type bodyCall struct {
		name, stem string
		call       func(context.Context, string, GroupScope) error
	}
	calls := []bodyCall{
		{"create", "create-self-hosted-runner-group", func(ctx context.Context, scope string, g GroupScope) error {
			return opErr(g.CreateRunnerGroup(ctx, every(scope)))
		}},
		{"update", "update-self-hosted-runner-group", func(ctx context.Context, _ string, g GroupScope) error {
			return opErr(g.UpdateRunnerGroup(ctx, 2, update("nc")))
		}},
		{"update to null", "update-self-hosted-runner-group", func(ctx context.Context, _ string, g GroupScope) error {
			return opErr(g.UpdateRunnerGroup(ctx, 2, update(""))) // network_configuration_id: null, which the schema allows
		}},
		{"set access", "set-{access}-access-to-self-hosted-runner-group", func(ctx context.Context, _ string, g GroupScope) error {
			return g.SetRunnerGroupAccess(ctx, 2, 32, 91)
		}},
		{"set access to none", "set-{access}-access-to-self-hosted-runner-group", func(ctx context.Context, _ string, g GroupScope) error {
			return g.SetRunnerGroupAccess(ctx, 2)
		}},
		{"set runners", "set-self-hosted-runners-in-group", func(ctx context.Context, _ string, g GroupScope) error {
			return g.SetRunnerGroupRunners(ctx, 2, 9, 2)
		}},
	}
	reached := map[*specOp]bool{}
	for _, sc := range specScopes[:2] {
		access := map[string]string{"org": "repo", "enterprise": "org"}[sc.name]
		for _, bc := range calls {
			rt := newSpecTransport(t, doc)
			c, err := NewClient(WithHTTPClient(&http.Client{Transport: rt}), WithBaseURL("http://127.0.0.1:1/"))
			require.NoError(t, err)
			who := sc.name + " " + bc.name
			require.NoError(t, bc.call(t.Context(), sc.name, sc.build(c).(GroupScope)), who)
			reqs := rt.all()
			require.Len(t, reqs, 1, who)
			op := reqs[0].Op
			require.NotNil(t, op, who)
			stem := strings.ReplaceAll(bc.stem, "{access}", access)
			require.True(t, wantOperationID(op.OperationID, stem, sc.name), "%s reached %s", who, op.OperationID)
			media := op.RequestBody.Content["application/json"]
			assert.Empty(t, doc.bodyProblems(t, doc.schema(t, media.Schema), reqs[0].Body), "%s: %s vs the body schema of %s", who, reqs[0].Body, op.OperationID)
			reached[op] = true
		}
	}
	bodies := 0
	for _, op := range doc.ops {
		if isGroupOp(op) && op.RequestBody != nil {
			bodies++
			assert.True(t, reached[op], "%s takes a body that no call sent", op.OperationID)
		}
	}
	assert.Equal(t, 8, bodies, "group operations with a body (2 scopes x create, update, set access, set runners)")

	// The Go body types hold both scopes' properties, under their JSON names.
	for _, tc := range []struct {
		typ reflect.Type
		ids []string
	}{
		{reflect.TypeFor[groupCreateBody](), []string{"actions/create-self-hosted-runner-group-for-org", "enterprise-admin/create-self-hosted-runner-group-for-enterprise"}},
		{reflect.TypeFor[groupUpdateBody](), []string{"actions/update-self-hosted-runner-group-for-org", "enterprise-admin/update-self-hosted-runner-group-for-enterprise"}},
	} {
		u := doc.union(t, doc.bodySchema(t, tc.ids[0]), doc.bodySchema(t, tc.ids[1]))
		assert.Empty(t, doc.modelProblems(t, strings.Join(tc.ids, "+"), u, tc.typ, nil), "%s", tc.typ)
	}
}

// TestSchemaResponseModels checks our models against the response schemas:
// every property has a field with the same JSON name and a type that holds
// it, or is listed in specLeftOut with the reason; specLeftOut has no stale
// entries; and no field carries a JSON name the schema lacks.
func TestSchemaResponseModels(t *testing.T) {
	t.Parallel()
	doc := loadSpec(t)
	jit, _ := doc.response(t, &oaResponse{Ref: "#/components/responses/actions_runner_jitconfig"})
	labels, _ := doc.response(t, &oaResponse{Ref: "#/components/responses/actions_runner_labels"})
	labelsRO, _ := doc.response(t, &oaResponse{Ref: "#/components/responses/actions_runner_labels_readonly"})
	type model struct {
		name   string
		schema *oaSchema
		typ    reflect.Type
	}
	models := []model{
		{"runner", doc.Components.Schemas["runner"], reflect.TypeFor[Runner]()},
		{"runner-label", doc.Components.Schemas["runner-label"], reflect.TypeFor[Label]()},
		{"runner-application", doc.Components.Schemas["runner-application"], reflect.TypeFor[RunnerApplication]()},
		{"authentication-token", doc.Components.Schemas["authentication-token"], reflect.TypeFor[Token]()},
		{"actions_runner_jitconfig", jit.Content[mediaType].Schema, reflect.TypeFor[JITConfig]()},
		{"actions_runner_labels", labels.Content[mediaType].Schema, reflect.TypeFor[labelList]()},
		{"actions_runner_labels_readonly", labelsRO.Content[mediaType].Schema, reflect.TypeFor[labelList]()},
	}
	for _, op := range doc.ops { // the lists are inline schemas of each list operation
		switch {
		case op.Method != http.MethodGet:
		case strings.HasSuffix(op.Path, "/actions/runners"), strings.HasSuffix(op.Path, "/{runner_group_id}/runners"):
			models = append(models, model{op.OperationID, doc.success(t, op).Media.Schema, reflect.TypeFor[RunnerList]()})
		case strings.HasSuffix(op.Path, "/actions/runner-groups"):
			models = append(models, model{op.OperationID, doc.success(t, op).Media.Schema, reflect.TypeFor[RunnerGroupList]()})
		}
	}
	// RunnerGroup models both scopes' groups, and groupAccessPage both
	// scopes' access lists: each is checked against the union of the two.
	const (
		orgAccessList        = "actions/list-repo-access-to-self-hosted-runner-group-in-org"
		enterpriseAccessList = "enterprise-admin/list-org-access-to-self-hosted-runner-group-in-enterprise"
	)
	models = append(models,
		model{"runner-groups-org+runner-groups-enterprise",
			doc.union(t, doc.Components.Schemas["runner-groups-org"], doc.Components.Schemas["runner-groups-enterprise"]), reflect.TypeFor[RunnerGroup]()},
		model{orgAccessList + "+" + enterpriseAccessList,
			doc.union(t, doc.success(t, doc.specOpByID(t, orgAccessList)).Media.Schema, doc.success(t, doc.specOpByID(t, enterpriseAccessList)).Media.Schema),
			reflect.TypeFor[groupAccessPage]()})
	require.Len(t, models, 16)
	used := map[string]bool{}
	for _, m := range models {
		require.NotNil(t, m.schema, m.name)
		require.NotEmpty(t, doc.schema(t, m.schema).Properties, m.name)
		assert.Empty(t, doc.modelProblems(t, m.name, m.schema, m.typ, specLeftOut), "%s vs %s", m.name, m.typ)
		for k := range specLeftOut {
			if strings.HasPrefix(k, m.name+".") {
				used[k] = true
			}
		}
	}
	for k, reason := range specLeftOut {
		assert.True(t, used[k], "specLeftOut[%q] (%s) names no checked schema", k, reason)
		assert.NotEmpty(t, strings.TrimSpace(reason), "specLeftOut[%q] gives no reason", k)
	}

	// Every operation answers with one of the schemas checked above, or with no body.
	checked := map[string]bool{}
	for _, m := range models {
		for _, name := range strings.Split(m.name, "+") {
			checked[name] = true
		}
	}
	for _, op := range doc.ops {
		ok := doc.success(t, op)
		var got string
		switch {
		case ok.Media == nil:
			assert.Equal(t, http.StatusNoContent, ok.Status, "%s: a success without a body", op)
			continue
		case ok.ResponseName != "":
			got = ok.ResponseName
		case ok.Media.Schema.Ref != "":
			got = refName(t, ok.Media.Schema.Ref, "schemas")
		case ok.Media.Schema.Type == "array" && ok.Media.Schema.Items != nil:
			got = refName(t, ok.Media.Schema.Items.Ref, "schemas")
		default:
			got = op.OperationID
		}
		assert.True(t, checked[got], "%s answers with %q, which is not checked", op, got)
	}
}

// TestSchemaPartialModels checks the models of the large schemas the token
// response nests (repository, simple-user). They are deliberately partial
// (the public API asks for id, node_id, name, full_name, private, html_url
// and the owner's login), so only our side is checked: every field exists in
// the schema with a type that holds it, and the promised fields are there.
func TestSchemaPartialModels(t *testing.T) {
	t.Parallel()
	doc := loadSpec(t)
	for name, want := range map[string][]string{
		"repository":  {"id", "node_id", "name", "full_name", "private", "html_url", "owner"},
		"simple-user": {"login", "id"},
		// GroupAccess keeps these of a repository, or of an organization.
		"minimal-repository":  {"id", "node_id", "name", "full_name"},
		"organization-simple": {"id", "node_id", "login"},
	} {
		s := doc.Components.Schemas[name]
		require.NotNil(t, s, name)
		typ := specModels[name]
		fields := jsonFields(typ)
		if name == "minimal-repository" || name == "organization-simple" {
			// What a GroupAccess is decoded from, the fields of this kind of member.
			typ = reflect.TypeFor[groupAccessJSON]()
			fields = jsonFields(typ)
			maps.DeleteFunc(fields, func(prop string, _ jsonField) bool { return !slices.Contains(want, prop) })
		}
		for _, prop := range want {
			assert.Contains(t, fields, prop, "%s: %s lacks %q", name, typ, prop)
		}
		for prop, f := range fields {
			ps, ok := s.Properties[prop]
			if assert.True(t, ok, "%s: %s.%s has JSON name %q, which the schema does not have", name, typ, f.GoName, prop) {
				assert.Empty(t, doc.typeProblem(t, ps, f.Type), "%s.%s: %s.%s", name, prop, typ, f.GoName)
			}
		}
	}
	for prop := range jsonFields(reflect.TypeFor[groupAccessJSON]()) {
		_, repo := doc.Components.Schemas["minimal-repository"].Properties[prop]
		_, org := doc.Components.Schemas["organization-simple"].Properties[prop]
		assert.True(t, repo || org, "groupAccessJSON decodes %q, which neither member schema has", prop)
	}
}

// TestSchemaEnums checks our string constants against the schema enums.
func TestSchemaEnums(t *testing.T) {
	t.Parallel()
	doc := loadSpec(t)
	assert.ElementsMatch(t, []any{string(LabelReadOnly), string(LabelCustom)}, doc.Components.Schemas["runner-label"].Properties["type"].Enum, "runner-label.type")
	assert.ElementsMatch(t, []any{"all", "selected"}, doc.Components.Schemas["authentication-token"].Properties["repository_selection"].Enum,
		"authentication-token.repository_selection (documented on Token.RepositorySelection)")
	// The group visibilities: "private" at organization scope only, as the
	// requests are checked.
	org := []any{string(GroupVisibilityAll), string(GroupVisibilitySelected), string(GroupVisibilityPrivate)}
	for id, want := range map[string][]any{
		"actions/create-self-hosted-runner-group-for-org":                 org,
		"actions/update-self-hosted-runner-group-for-org":                 org,
		"enterprise-admin/create-self-hosted-runner-group-for-enterprise": org[:2],
		"enterprise-admin/update-self-hosted-runner-group-for-enterprise": org[:2],
	} {
		assert.ElementsMatch(t, want, doc.bodySchema(t, id).Properties["visibility"].Enum, "%s visibility", id)
		_, scope, _ := strings.Cut(id, "-for-")
		err := map[string]*groupKind{"org": orgGroups, "enterprise": enterpriseGroups}[scope].checkVisibility(GroupVisibilityPrivate)
		assert.Equal(t, len(want) == 3, err == nil, "%s: private allowed", id)
	}
}

// TestSchemaModelChecker shows that the checks above fail where they should.
func TestSchemaModelChecker(t *testing.T) {
	t.Parallel()
	doc := loadSpec(t)
	type partialLabel struct { // no "type"; "id" a string; "name" omitempty; an extra "colour"
		ID     string `json:"id"`
		Name   string `json:"name,omitempty"`
		Colour string `json:"colour"`
	}
	s := doc.Components.Schemas["runner-label"]
	typ := reflect.TypeFor[partialLabel]()
	problems := doc.modelProblems(t, "runner-label", s, typ, nil)
	assert.Len(t, problems, 4, "%q", problems)
	for _, want := range []string{`no field with JSON name "type"`, "id: runners.partialLabel.ID: integer in a string", `required, but runners.partialLabel.Name is omitempty`, `JSON name "colour"`} {
		assert.True(t, slices.ContainsFunc(problems, func(p string) bool { return strings.Contains(p, want) }), "want a problem with %q in %q", want, problems)
	}
	// Listing "type" as left out accepts it; listing "name" is stale.
	problems = doc.modelProblems(t, "runner-label", s, typ, map[string]string{"runner-label.type": "reason", "runner-label.name": "reason"})
	assert.True(t, slices.ContainsFunc(problems, func(p string) bool { return strings.Contains(p, "stale entry") }), "%q", problems)
	assert.False(t, slices.ContainsFunc(problems, func(p string) bool { return strings.Contains(p, `"type"`) }), "%q", problems)
	// A model of the wrong schema is caught through $ref.
	assert.NotEmpty(t, doc.typeProblem(t, &oaSchema{Ref: "#/components/schemas/runner"}, reflect.TypeFor[*Label]()))
	// Embedded structs are promoted, "-" skipped: ListRunnersOptions has no json tags, RunnerList hides NextPage.
	assert.Equal(t, []string{"runners", "total_count"}, slices.Sorted(maps.Keys(jsonFields(reflect.TypeFor[RunnerList]()))))
}
