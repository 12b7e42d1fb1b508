package runnerstest_test

import (
	"bytes"
	"context"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"io"
	"iter"
	"net/http"
	"net/http/httptest"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"sync"
	"testing"

	"github.com/fleetkit/runners"
	"github.com/fleetkit/runners/runnerstest"
	"github.com/fleetkit/runners/webhook"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// fakeHost is the host the tests send raw requests to through srv.Transport().
const fakeHost = "runnerstest.localhost"

// testToken is the credential of raw requests.
const testToken = "t0ken-of-the-test"

// authed is the header of an authenticated raw request.
func authed() http.Header { return http.Header{"Authorization": {"Bearer " + testToken}} }

// ghError is GitHub's error body (basic-error, validation-error-simple).
type ghError struct {
	Message          string            `json:"message"`
	DocumentationURL string            `json:"documentation_url"`
	Status           string            `json:"status"`
	Errors           []json.RawMessage `json:"errors"`
}

// rawResponse is what a raw request got back.
type rawResponse struct {
	Status int
	Header http.Header
	Body   []byte
}

// roundTrip sends one request through rt with header added, and reads the
// whole answer.
func roundTrip(t *testing.T, rt http.RoundTripper, method, rawURL, body string, header http.Header) rawResponse {
	t.Helper()
	var rd io.Reader
	if body != "" {
		rd = strings.NewReader(body)
	}
	req, err := http.NewRequestWithContext(t.Context(), method, rawURL, rd)
	require.NoError(t, err)
	req.Header.Set("Accept", "application/vnd.github+json")
	if body != "" {
		req.Header.Set("Content-Type", "application/json")
	}
	for k, v := range header {
		req.Header[k] = v
	}
	resp, err := rt.RoundTrip(req)
	require.NoError(t, err)
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	require.NoError(t, err)
	return rawResponse{Status: resp.StatusCode, Header: resp.Header, Body: b}
}

// raw sends an authenticated request for path (relative to the fake's host)
// through srv.Transport(), as a client that skipped its own checks would.
func raw(t *testing.T, srv *runnerstest.Server, method, path, body string) rawResponse {
	t.Helper()
	return roundTrip(t, srv.Transport(), method, "http://"+fakeHost+"/"+path, body, authed())
}

// decodeError decodes GitHub's error shape and checks it has every field.
func decodeError(t *testing.T, r rawResponse) ghError {
	t.Helper()
	var e ghError
	require.NoError(t, json.Unmarshal(r.Body, &e), "body %s", r.Body)
	assert.NotEmpty(t, e.Message, "message")
	assert.True(t, strings.HasPrefix(e.DocumentationURL, "https://docs.github.com/"), "documentation_url %q", e.DocumentationURL)
	assert.Equal(t, strconv.Itoa(r.Status), e.Status, "status")
	assert.Contains(t, r.Header.Get("Content-Type"), "application/json")
	return e
}

// apiError returns the *runners.Error in err.
func apiError(t *testing.T, err error) *runners.Error {
	t.Helper()
	var apiErr *runners.Error
	require.ErrorAs(t, err, &apiErr)
	return apiErr
}

// bodySwap replaces the body of every request with body: it gets a request
// the client refuses to build (it validates first) to the fake, so the client's
// handling of the answer can be checked.
type bodySwap struct {
	body string
	rt   http.RoundTripper
}

func (b bodySwap) RoundTrip(req *http.Request) (*http.Response, error) {
	r := req.Clone(req.Context())
	r.Body = io.NopCloser(strings.NewReader(b.body))
	r.ContentLength = int64(len(b.body))
	return b.rt.RoundTrip(r)
}

// swapClient is a client whose requests carry body instead of their own.
func swapClient(t *testing.T, srv *runnerstest.Server, body string) *runners.Client {
	t.Helper()
	c, err := runners.NewClient(
		runners.WithBaseURL("http://"+fakeHost+"/"),
		runners.WithToken(testToken),
		runners.WithHTTPClient(&http.Client{Transport: bodySwap{body, srv.Transport()}}),
	)
	require.NoError(t, err)
	return c
}

// socketClient serves h (the fake, or a handler in front of it) on a real
// socket and returns a client for it.
func socketClient(t *testing.T, h http.Handler, opts ...runners.Option) (*runners.Client, *httptest.Server) {
	t.Helper()
	ts := httptest.NewServer(h)
	t.Cleanup(ts.Close)
	c, err := runners.NewClient(append([]runners.Option{runners.WithBaseURL(ts.URL), runners.WithToken(testToken)}, opts...)...)
	require.NoError(t, err)
	return c, ts
}

// seed adds n runners named runner-001... to st and returns their IDs.
func seed(t *testing.T, st *runnerstest.ScopeState, n int) []int64 {
	t.Helper()
	rs := make([]runners.Runner, n)
	for i := range rs {
		rs[i] = runners.Runner{Name: fmt.Sprintf("runner-%03d", i+1), OS: "linux"}
	}
	return runnerIDs(st.AddRunners(rs...))
}

func seedDocumented(t *testing.T, st *runnerstest.ScopeState) {
	t.Helper()
	st.AddRunners(runnerstest.DocumentedRunners()...)
}

// documentedOrg is a fresh fake whose octo-org holds the documented runners,
// its state, and octo-org through the fake's client.
func documentedOrg(t *testing.T) (*runnerstest.Server, *runnerstest.ScopeState, runners.Scope) {
	t.Helper()
	srv := runnerstest.NewServer()
	org := srv.Org("octo-org")
	seedDocumented(t, org)
	return srv, org, srv.Client().Org("octo-org")
}

// links parses a Link header into its URLs by relation.
func links(t *testing.T, header string) map[string]*url.URL {
	t.Helper()
	out := map[string]*url.URL{}
	if header == "" {
		return out
	}
	for part := range strings.SplitSeq(header, ",") {
		target, params, ok := strings.Cut(strings.TrimSpace(part), ";")
		require.True(t, ok, "link %q", part)
		require.True(t, strings.HasPrefix(target, "<") && strings.HasSuffix(target, ">"), "link %q", part)
		u, err := url.Parse(target[1 : len(target)-1])
		require.NoError(t, err)
		rel := strings.TrimSpace(params)
		require.True(t, strings.HasPrefix(rel, `rel="`) && strings.HasSuffix(rel, `"`), "link %q", part)
		rel = strings.TrimSuffix(strings.TrimPrefix(rel, `rel="`), `"`)
		require.NotContains(t, out, rel, "relation %q twice", rel)
		out[rel] = u
	}
	return out
}

// linkPages returns the page number of each relation of a Link header.
func linkPages(t *testing.T, header string) map[string]int {
	t.Helper()
	out := map[string]int{}
	for rel, u := range links(t, header) {
		n, err := strconv.Atoi(u.Query().Get("page"))
		require.NoError(t, err, "%s link %s", rel, u)
		out[rel] = n
	}
	return out
}

type listBody struct {
	TotalCount int              `json:"total_count"`
	Runners    []runners.Runner `json:"runners"`
}

func decodeList(t *testing.T, r rawResponse) listBody {
	t.Helper()
	require.Equal(t, http.StatusOK, r.Status, "body %s", r.Body)
	var l listBody
	require.NoError(t, json.Unmarshal(r.Body, &l))
	return l
}

// eachRunner returns f of each runner, given as values or as pointers.
func eachRunner[R runners.Runner | *runners.Runner, T any](rs []R, f func(r *runners.Runner) T) []T {
	out := make([]T, 0, len(rs))
	for _, r := range rs {
		switch r := any(r).(type) {
		case runners.Runner:
			out = append(out, f(&r))
		case *runners.Runner:
			out = append(out, f(r))
		}
	}
	return out
}

func runnerIDs[R runners.Runner | *runners.Runner](rs []R) []int64 {
	return eachRunner(rs, func(r *runners.Runner) int64 { return r.ID })
}

// labelSet is a runner's labels as "name:type", in order.
func labelSet(ls []*runners.Label) []string {
	out := make([]string, 0, len(ls))
	for _, l := range ls {
		out = append(out, l.Name+":"+string(l.Type))
	}
	return out
}

func namesOf[R runners.Runner | *runners.Runner](rs []R) []string {
	return eachRunner(rs, func(r *runners.Runner) string { return r.Name })
}

// collect walks an All… iterator of the client to its end.
func collect[T any](t *testing.T, seq iter.Seq2[T, error]) []T {
	t.Helper()
	var out []T
	for v, err := range seq {
		require.NoError(t, err)
		out = append(out, v)
	}
	return out
}

// labelNames returns n label names: l000, l001, ...
func labelNames(n int) []string {
	out := make([]string, n)
	for i := range out {
		out[i] = fmt.Sprintf("l%03d", i)
	}
	return out
}

// quotedLabels returns n label names as JSON strings.
func quotedLabels(n int) []string {
	out := labelNames(n)
	for i, l := range out {
		out[i] = strconv.Quote(l)
	}
	return out
}

// assertRefused sends each body raw to method path (relative to the fake's
// host) and expects GitHub's 422 validation-error-simple; then it sends the
// body through a client with send, which must see ErrValidation (and not
// ErrRunnerBusy).
func assertRefused(t *testing.T, srv *runnerstest.Server, method, path string, bodies []string, send func(ctx context.Context, s runners.Scope) error) {
	t.Helper()
	for _, body := range bodies {
		r := raw(t, srv, method, path, body)
		if assert.Equal(t, http.StatusUnprocessableEntity, r.Status, "body %s: answer %s", body, r.Body) {
			assert.NotEmpty(t, decodeError(t, r).Errors, "body %s: validation-error-simple has errors", body)
		}
		err := send(t.Context(), swapClient(t, srv, body).Org("octo-org"))
		assert.ErrorIs(t, err, runners.ErrValidation, "body %s", body)
		assert.NotErrorIs(t, err, runners.ErrRunnerBusy, "body %s", body)
	}
}

// webhookSecret signs the fake's deliveries in the tests, which check that it
// never leaks.
const webhookSecret = "whsec-runnerstest-0123456789"

// receiver is a user's webhook behind a real socket: the fake delivers to a
// handler that forwards each delivery over loopback HTTP to an
// httptest.Server running webhook.NewHandler, which records it and calls fn.
type receiver struct {
	mu  sync.Mutex
	got []*webhook.Delivery
	raw []rawDelivery
	fn  func(ctx context.Context, d *webhook.Delivery) error // nil: accept
}

// rawDelivery is a delivery's headers and body as they came off the socket.
type rawDelivery struct {
	Header http.Header
	Body   []byte
}

// listen sets up a receiver as srv's webhook, signed with webhookSecret.
func listen(t *testing.T, srv *runnerstest.Server, fn func(ctx context.Context, d *webhook.Delivery) error) *receiver {
	t.Helper()
	rec := &receiver{fn: fn}
	hook := webhook.NewHandler(rec.handle, []byte(webhookSecret))
	ts := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		body, err := io.ReadAll(r.Body)
		if err != nil {
			http.Error(w, err.Error(), http.StatusBadRequest)
			return
		}
		rec.mu.Lock()
		rec.raw = append(rec.raw, rawDelivery{Header: r.Header.Clone(), Body: body})
		rec.mu.Unlock()
		r.Body = io.NopCloser(bytes.NewReader(body))
		hook.ServeHTTP(w, r)
	}))
	t.Cleanup(ts.Close)
	srv.SendWebhooks(forwarder{url: ts.URL, client: ts.Client()}, []byte(webhookSecret))
	return rec
}

func (rec *receiver) handle(ctx context.Context, d *webhook.Delivery) error {
	rec.mu.Lock()
	rec.got = append(rec.got, d)
	rec.mu.Unlock()
	if rec.fn == nil {
		return nil
	}
	return rec.fn(ctx, d)
}

// deliveries returns what webhook.NewHandler handed over, in order.
func (rec *receiver) deliveries() []*webhook.Delivery {
	rec.mu.Lock()
	defer rec.mu.Unlock()
	return slices.Clone(rec.got)
}

// raws returns every request the socket received, in order.
func (rec *receiver) raws() []rawDelivery {
	rec.mu.Lock()
	defer rec.mu.Unlock()
	return slices.Clone(rec.raw)
}

// actions returns "<job ID> <action>" for each delivery handed over.
func (rec *receiver) actions() []string {
	var out []string
	for _, d := range rec.deliveries() {
		out = append(out, fmt.Sprintf("%d %s", d.Job.WorkflowJob.ID, d.Job.Action))
	}
	return out
}

// forwarder is the handler the fake delivers to: it sends each delivery on
// to url over a real socket and answers as that server did.
type forwarder struct {
	url    string
	client *http.Client
}

func (f forwarder) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	req, err := http.NewRequestWithContext(r.Context(), r.Method, f.url, r.Body)
	if err != nil {
		http.Error(w, err.Error(), http.StatusInternalServerError)
		return
	}
	req.Header = r.Header.Clone()
	resp, err := f.client.Do(req)
	if err != nil {
		http.Error(w, err.Error(), http.StatusBadGateway)
		return
	}
	defer resp.Body.Close()
	body, _ := io.ReadAll(resp.Body)
	w.WriteHeader(resp.StatusCode)
	w.Write(body)
}

// onlineRunner is an online runner with labels (read-only self-hosted first).
func onlineRunner(name string, labels ...string) runners.Runner {
	r := runners.Runner{Name: name, OS: "linux", Status: runners.RunnerOnline}
	for _, l := range labels {
		r.Labels = append(r.Labels, &runners.Label{Name: l})
	}
	return r
}

// jobStates returns "<job ID> <status> <runner ID>" for each job of srv.
func jobStates(srv *runnerstest.Server) []string {
	var out []string
	for _, j := range srv.Jobs() {
		out = append(out, fmt.Sprintf("%d %s %d", j.ID, j.Status, j.RunnerID))
	}
	return out
}

// groupsOf returns "<ID> <name>" for each runner group, in order, with
// " (inherited)" for an inherited one.
func groupsOf(gs []*runners.RunnerGroup) []string {
	out := make([]string, 0, len(gs))
	for _, g := range gs {
		s := fmt.Sprintf("%d %s", g.ID, g.Name)
		if g.Inherited {
			s += " (inherited)"
		}
		out = append(out, s)
	}
	return out
}

// allGroups lists every runner group of g through the client, in order.
func allGroups(t *testing.T, g runners.GroupScope, opts *runners.ListRunnerGroupsOptions) []string {
	t.Helper()
	return groupsOf(collect(t, g.AllRunnerGroups(t.Context(), opts)))
}

// groupOf returns the RunnerGroupID of each runner of st, by name.
func groupOf(st *runnerstest.ScopeState) map[string]int64 {
	out := map[string]int64{}
	for _, r := range st.Runners() {
		out[r.Name] = r.RunnerGroupID
	}
	return out
}

func base64Std(s string) string { return base64.StdEncoding.EncodeToString([]byte(s)) }
