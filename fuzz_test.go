// Cross-cutting: the fuzz targets of every file that reads from the network
// or from the caller.

package runners

// Fuzz targets for everything the client reads from the network or from its
// caller (issue 6). Plain `go test` runs the seeds: the f.Add calls below and
// the files under testdata/fuzz/<FuzzName>/. To fuzz one target, as recorded
// in SECURITY.md:
//
//	go test -run='^$' -fuzz='^FuzzDecodeBody$' -fuzztime=2m -parallel 1 .

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"reflect"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"
)

const (
	fzToken    = "ghp_fuzzTOKENsecret0123456789" // the auth token of the fuzzed clients
	fzPassword = "fuzzPASSWORDsecret"            // a password in a URL's userinfo
)

// fzJSONFixtures are the testdata response bodies the decoding targets start from.
var fzJSONFixtures = []string{
	"get_runner.json", "get_runner_ghes.json", "get_runner_versioned.json",
	"list_runners.json", "list_runners_ghes.json",
	"labels.json", "labels_readonly.json",
	"runner_applications.json",
	"registration_token.json", "registration_token_ghes.json", "remove_token.json",
	"jitconfig.json",
	"error_validation.json", "error_validation_simple.json", "error_not_found.json",
}

// fzHostileBodies are hand-written hostile bodies added to every decoding target.
var fzHostileBodies = []string{
	``, ` `, `null`, " \n\tnull\r\n", `nul`, `nullx`, `[null]`, `{}`, `[]`, `"x"`, `0`, `true`,
	`{"runners":[null]}`, `{"total_count":1,"runners":[{"id":1,"labels":[null]}]}`,
	`{"labels":[null]}`, `{"labels":[{"id":1,"name":"a"},null]}`,
	`{"id":9223372036854775808}`, `{"id":-9223372036854775809}`, `{"id":1e400}`, `{"id":1.5}`, `{"id":"1"}`,
	"{\"id\":1,\"name\":\"\xff\xfe\xc0\x80\"}", `{"name":"\ud800"}`,
	`{"id":1,"unknown":{"deep":[1,2,3]},"name":"x"}`,
	`{"id":1}{"id":2}`, `{"id":1} x`, `{"id":1`, `[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[`,
	`{"runner":null,"encoded_jit_config":"x"}`, `{"runner":{"labels":[null]}}`,
	`{"token":"x","repositories":[null]}`, `{"token":"x","expires_at":"not a time"}`,
	`{"token":"x","permissions":{"a":1}}`,
}

// fzNilElement returns the path of the first nil pointer inside a slice in
// v, or "". Pointers outside slices may be nil (JITConfig.Runner,
// Repository.Owner); elements of lists may not.
func fzNilElement(v reflect.Value, path string) string {
	switch v.Kind() {
	case reflect.Pointer, reflect.Interface:
		if v.IsNil() {
			return ""
		}
		return fzNilElement(v.Elem(), path)
	case reflect.Slice:
		for i := range v.Len() {
			e := v.Index(i)
			if e.Kind() == reflect.Pointer && e.IsNil() {
				return fmt.Sprintf("%s[%d]", path, i)
			}
			if p := fzNilElement(e, fmt.Sprintf("%s[%d]", path, i)); p != "" {
				return p
			}
		}
	case reflect.Struct:
		for i := range v.NumField() {
			if f := v.Type().Field(i); f.IsExported() {
				if p := fzNilElement(v.Field(i), path+"."+f.Name); p != "" {
					return p
				}
			}
		}
	}
	return ""
}

// fzModels returns a fresh pointer to every response model, as the
// operations decode them.
func fzModels() map[string]any {
	return map[string]any{
		"Runner":             new(Runner),
		"RunnerList":         new(RunnerList),
		"labelList":          new(labelList),
		"runnerApplications": new(runnerApplications),
		"Token":              new(Token),
		"JITConfig":          new(JITConfig),
	}
}

// FuzzDecodeBody decodes a body into every response model through
// decodeBody. It must never panic, and must agree with the reference (same
// value, or both refuse): encoding/json, refusing what it would accept but
// would hand the caller a zero or nil-filled value (a top-level null, a null
// list element) and, for the runner models, which decodeBody decodes with
// runnerjson.go, a runner, list or label without a member GitHub always
// sends (see fzReference).
func FuzzDecodeBody(f *testing.F) {
	for _, name := range fzJSONFixtures {
		f.Add(fixture(f, name))
	}
	for _, b := range fzHostileBodies {
		f.Add([]byte(b))
	}
	f.Fuzz(func(t *testing.T, body []byte) {
		var generic any
		isNull := json.Unmarshal(body, &generic) == nil && generic == nil
		for name, out := range fzModels() {
			err := decodeBody(body, out)
			ref, refErr := fzReference(out, body)
			wantOK := refErr == nil && !isNull

			switch {
			case err == nil && !wantOK:
				t.Fatalf("%s: decodeBody accepted %q (reference: %v, null: %t)", name, body, refErr, isNull)
			case err != nil && wantOK:
				t.Fatalf("%s: decodeBody refused %q, which the reference decodes: %v", name, body, err)
			case err == nil && !reflect.DeepEqual(out, ref):
				t.Fatalf("%s: decodeBody and the reference disagree on %q:\n%#v\n%#v", name, body, out, ref)
			case err == nil && !json.Valid(body):
				t.Fatalf("%s: decodeBody accepted invalid JSON %q", name, body)
			}
			if err != nil && err.Error() == "" {
				t.Fatalf("%s: an error without text for %q", name, body)
			}
		}
	})
}

// fzReference decodes body into a new value of out's type the reference
// way: encoding/json, then no nil list element. For the runner models it
// decodes into shadow types, so that no UnmarshalJSON of the library runs,
// and applies runnerjson.go's rules the plain way: a pointer field stays nil
// when its member is missing or null (which is "absent"), and a shadow
// runner or label replaces itself whole when its key comes again.
func fzReference(out any, body []byte) (any, error) {
	switch out.(type) {
	case *RunnerList:
		var ref refRunnerList
		if err := json.Unmarshal(body, &ref); err != nil {
			return nil, err
		}
		return ref.model()
	case *Runner:
		var ref refRunner
		if err := json.Unmarshal(body, &ref); err != nil {
			return nil, err
		}
		return ref.model()
	case *labelList:
		var ref struct {
			TotalCount int         `json:"total_count"`
			Labels     []*refLabel `json:"labels"`
		}
		if err := json.Unmarshal(body, &ref); err != nil {
			return nil, err
		}
		labels, err := refLabels(ref.Labels, true)
		return &labelList{TotalCount: ref.TotalCount, Labels: labels}, err
	case *JITConfig:
		var ref struct {
			Runner           *refRunner `json:"runner"`
			EncodedJITConfig string     `json:"encoded_jit_config"`
		}
		if err := json.Unmarshal(body, &ref); err != nil {
			return nil, err
		}
		jit := &JITConfig{EncodedJITConfig: ref.EncodedJITConfig}
		if ref.Runner != nil {
			r, err := ref.Runner.model()
			if err != nil {
				return nil, fmt.Errorf("runner: %w", err)
			}
			jit.Runner = r
		}
		return jit, nil
	}
	ref := reflect.New(reflect.TypeOf(out).Elem()).Interface()
	if err := json.Unmarshal(body, ref); err != nil {
		return nil, err
	}
	if at := fzNilElement(reflect.ValueOf(ref), "value"); at != "" {
		return nil, fmt.Errorf("%s is null", at)
	}
	return ref, nil
}

// The shadow types of the runner models: the same json tags, a pointer
// wherever a member is required.
type (
	refRunnerList struct {
		TotalCount *int         `json:"total_count"`
		Runners    []*refRunner `json:"runners"`
	}
	refRunner struct {
		ID            *int64      `json:"id"`
		RunnerGroupID int64       `json:"runner_group_id"`
		Name          *string     `json:"name"`
		OS            *string     `json:"os"`
		Status        *string     `json:"status"`
		Busy          *bool       `json:"busy"`
		Ephemeral     bool        `json:"ephemeral"`
		Version       string      `json:"version"`
		Labels        []*refLabel `json:"labels"`
	}
	refLabel struct {
		ID   int64   `json:"id"`
		Name *string `json:"name"`
		Type string  `json:"type"`
	}
)

// UnmarshalJSON decodes a fresh value: a repeated runner replaces the
// earlier one, where encoding/json would decode it into the earlier one.
func (r *refRunner) UnmarshalJSON(b []byte) error {
	type plain refRunner
	var p plain
	err := json.Unmarshal(b, &p)
	*r = refRunner(p)
	return err
}

func (l *refLabel) UnmarshalJSON(b []byte) error {
	type plain refLabel
	var p plain
	err := json.Unmarshal(b, &p)
	*l = refLabel(p)
	return err
}

func (l *refRunnerList) model() (*RunnerList, error) {
	if l.TotalCount == nil || l.Runners == nil {
		return nil, errors.New("no total_count or runners")
	}
	out := &RunnerList{TotalCount: *l.TotalCount, Runners: make([]*Runner, len(l.Runners))}
	for i, r := range l.Runners {
		if r == nil {
			return nil, fmt.Errorf("runners[%d] is null", i)
		}
		var err error
		if out.Runners[i], err = r.model(); err != nil {
			return nil, fmt.Errorf("runners[%d]: %w", i, err)
		}
	}
	return out, nil
}

func (r *refRunner) model() (*Runner, error) {
	if r.ID == nil || r.Name == nil || r.OS == nil || r.Status == nil || r.Busy == nil {
		return nil, errors.New("no id, name, os, status or busy")
	}
	labels, err := refLabels(r.Labels, false)
	if err != nil {
		return nil, err
	}
	return &Runner{
		ID: *r.ID, RunnerGroupID: r.RunnerGroupID, Name: *r.Name, OS: *r.OS, Status: RunnerStatus(*r.Status),
		Busy: *r.Busy, Ephemeral: r.Ephemeral, Version: r.Version, Labels: labels,
	}, nil
}

// refLabels converts a labels array; it must be there unless nilOK.
func refLabels(ref []*refLabel, nilOK bool) ([]*Label, error) {
	if ref == nil {
		if nilOK {
			return nil, nil
		}
		return nil, errors.New("no labels")
	}
	labels := make([]*Label, len(ref))
	for i, l := range ref {
		if l == nil || l.Name == nil {
			return nil, fmt.Errorf("labels[%d] is null or has no name", i)
		}
		labels[i] = &Label{ID: l.ID, Name: *l.Name, Type: LabelType(l.Type)}
	}
	return labels, nil
}

// fzTransport answers every request in memory with a canned response and
// records the requests.
type fzTransport struct {
	status int
	header http.Header
	body   []byte

	mu   sync.Mutex
	reqs []*http.Request
}

func (rt *fzTransport) RoundTrip(req *http.Request) (*http.Response, error) {
	if req.Body != nil {
		io.Copy(io.Discard, req.Body)
		req.Body.Close()
	}
	rt.mu.Lock()
	rt.reqs = append(rt.reqs, req)
	rt.mu.Unlock()
	return &http.Response{
		Status:        strconv.Itoa(rt.status) + " " + http.StatusText(rt.status),
		StatusCode:    rt.status,
		Proto:         "HTTP/1.1",
		ProtoMajor:    1,
		ProtoMinor:    1,
		Header:        rt.header.Clone(),
		Body:          io.NopCloser(bytes.NewReader(rt.body)),
		ContentLength: int64(len(rt.body)),
		Request:       req,
	}, nil
}

func (rt *fzTransport) requests() []*http.Request {
	rt.mu.Lock()
	defer rt.mu.Unlock()
	return append([]*http.Request(nil), rt.reqs...)
}

// fzClient returns a client on a loopback base URL whose requests rt answers.
func fzClient(t testing.TB, rt http.RoundTripper) *Client {
	t.Helper()
	c, err := NewClient(WithBaseURL("http://127.0.0.1:9/"), WithToken(fzToken), WithHTTPClient(&http.Client{Transport: rt}))
	if err != nil {
		t.Fatalf("NewClient: %v", err)
	}
	return c
}

// fzOps are the operations FuzzClientResponse calls, each returning what it
// got (nil for DeleteRunner) and its error.
var fzOps = []struct {
	name string
	call func(ctx context.Context, s Scope) (any, error)
}{
	{"GetRunner", func(ctx context.Context, s Scope) (any, error) { return s.GetRunner(ctx, 23) }},
	{"ListRunners", func(ctx context.Context, s Scope) (any, error) { return s.ListRunners(ctx, nil) }},
	{"AllRunners", func(ctx context.Context, s Scope) (any, error) {
		var all []*Runner
		for r, err := range s.AllRunners(ctx, nil) {
			if err != nil {
				return nil, err
			}
			all = append(all, r)
		}
		return all, nil
	}},
	{"DeleteRunner", func(ctx context.Context, s Scope) (any, error) { return nil, s.DeleteRunner(ctx, 23) }},
	{"ListRunnerApplications", func(ctx context.Context, s Scope) (any, error) { return s.ListRunnerApplications(ctx) }},
	{"CreateRegistrationToken", func(ctx context.Context, s Scope) (any, error) { return s.CreateRegistrationToken(ctx) }},
	{"CreateRemoveToken", func(ctx context.Context, s Scope) (any, error) { return s.CreateRemoveToken(ctx) }},
	{"GenerateJITConfig", func(ctx context.Context, s Scope) (any, error) {
		return s.GenerateJITConfig(ctx, &JITConfigRequest{Name: "r", RunnerGroupID: 1, Labels: []string{"gpu"}})
	}},
	{"ListLabels", func(ctx context.Context, s Scope) (any, error) { return s.ListLabels(ctx, 23) }},
	{"AddLabels", func(ctx context.Context, s Scope) (any, error) { return s.AddLabels(ctx, 23, "gpu") }},
	{"SetLabels", func(ctx context.Context, s Scope) (any, error) { return s.SetLabels(ctx, 23, "gpu") }},
	{"RemoveAllLabels", func(ctx context.Context, s Scope) (any, error) { return s.RemoveAllLabels(ctx, 23) }},
	{"RemoveLabel", func(ctx context.Context, s Scope) (any, error) { return s.RemoveLabel(ctx, 23, "gpu") }},
}

// FuzzClientResponse answers one operation with a fuzzed 2xx status, body
// and Link header, through the whole client (transport, status check,
// decoding, paging). The client must not panic; it either returns a value
// without nil list elements, or an *Error for that response that names no
// secret.
func FuzzClientResponse(f *testing.F) {
	fixtures := map[string]int{ // fixture -> the operation it answers
		"get_runner.json": 0, "list_runners.json": 1, "list_runners_ghes.json": 2,
		"runner_applications.json": 4, "registration_token.json": 5, "remove_token.json": 6,
		"jitconfig.json": 7, "labels.json": 8, "labels_readonly.json": 11,
	}
	for name, op := range fixtures {
		f.Add(uint8(op), uint16(200), fixture(f, name), "")
	}
	f.Add(uint8(1), uint16(200), fixture(f, "list_runners.json"), `<https://api.github.com/orgs/o/actions/runners?page=2>; rel="next"`)
	f.Add(uint8(2), uint16(200), fixture(f, "list_runners.json"), `<https://evil.example/x?page=3>; rel="next", <x?page=1>; rel="prev"`)
	f.Add(uint8(3), uint16(204), []byte(nil), "")
	for i, b := range fzHostileBodies {
		f.Add(uint8(i), uint16(200+i%8), []byte(b), "garbage;;,<>")
	}
	f.Fuzz(func(t *testing.T, opIndex uint8, status uint16, body []byte, link string) {
		op := fzOps[int(opIndex)%len(fzOps)]
		code := 200 + int(status)%100 // 2xx: the error statuses are FuzzCheckResponse's
		h := http.Header{"Content-Type": {"application/json; charset=utf-8"}}
		if link != "" {
			h.Set("Link", link)
		}
		rt := &fzTransport{status: code, header: h, body: body}
		got, err := op.call(context.Background(), fzClient(t, rt).Org("octo-org"))

		n := len(rt.requests())
		most := 1
		if op.name == "AllRunners" {
			most = 2 // the Link header names the same next page each time: the walk stops after it
		}
		if n < 1 || n > most {
			t.Fatalf("%s: %d requests, want 1 to %d", op.name, n, most)
		}
		if err != nil {
			var apiErr *Error
			if !errors.As(err, &apiErr) {
				t.Fatalf("%s: error %T is not an *Error: %v", op.name, err, err)
			}
			if errors.Is(err, ErrInvalidArgument) {
				t.Fatalf("%s: a response is not bad input: %v", op.name, err)
			}
			if apiErr.StatusCode != code && !(op.name == "AllRunners" && apiErr.StatusCode == 0) {
				t.Fatalf("%s: StatusCode %d, want %d", op.name, apiErr.StatusCode, code)
			}
			for _, s := range []string{err.Error(), fmt.Sprintf("%+v|%#v", err, err)} {
				if strings.Contains(s, fzToken) {
					t.Fatalf("%s: the error shows the token: %s", op.name, s)
				}
			}
			return
		}
		if op.name == "DeleteRunner" {
			return
		}
		v := reflect.ValueOf(got)
		if !v.IsValid() || (v.Kind() == reflect.Pointer && v.IsNil()) {
			t.Fatalf("%s: no error and no value for %q", op.name, body)
		}
		if p := fzNilElement(v, op.name); p != "" {
			t.Fatalf("%s: a nil element at %s for %q", op.name, p, body)
		}
		if list, ok := got.(*RunnerList); ok && list.NextPage < 0 {
			t.Fatalf("ListRunners: NextPage %d", list.NextPage)
		}
	})
}

// fzLinkPages returns every page number a rel=next link in the Link values
// names: the oracle for nextPage, kept loose (any parameter mentioning next).
func fzLinkPages(values []string) map[int]bool {
	pages := map[int]bool{}
	for _, v := range values {
		for _, link := range strings.Split(v, ",") {
			target, params, ok := strings.Cut(link, ";")
			if !ok || !strings.Contains(strings.ToLower(params), "next") {
				continue
			}
			target = strings.TrimSpace(target)
			if !strings.HasPrefix(target, "<") || !strings.HasSuffix(target, ">") || len(target) < 2 {
				continue
			}
			u, err := url.Parse(target[1 : len(target)-1])
			if err != nil {
				continue
			}
			if n, err := strconv.Atoi(u.Query().Get("page")); err == nil {
				pages[n] = true
			}
		}
	}
	return pages
}

// FuzzNextPage parses fuzzed Link headers. The result is 0 or a positive
// page number that a rel=next link of the header carries; a header that
// never says "next" has no next page; a later Link value never overrides an
// earlier next page.
func FuzzNextPage(f *testing.F) {
	const gh = "https://api.github.com/organizations/9919/actions/runners"
	for _, s := range [][2]string{
		{`<` + gh + `?per_page=2&page=2>; rel="next", <` + gh + `?per_page=2&page=5>; rel="last"`, ""},
		{`<` + gh + `?page=4>; rel="prev", <` + gh + `?page=1>; rel="first"`, `<` + gh + `?page=3>; rel="next"`},
		{`<` + gh + `?page=5>; rel="last next"`, ""},
		{`<` + gh + `?page=6>; REL=NEXT`, ""},
		{`<` + gh + `?page=99999999999999999999999>; rel="next"`, ""},
		{`<` + gh + `?page=-2>; rel="next"`, `<%zz?page=2>; rel="next"`},
		{`<https://evil.example.com/steal?page=11>; rel="next"`, ""},
		{";;,,;rel=next,<>;rel=next", "garbage"},
		{`<?page=+7>; rel="next"`, `<?page=0x10>; rel="next"`},
		{`<?page=1&page=2>; rel="next"`, ""},
	} {
		f.Add(s[0], s[1])
	}
	f.Fuzz(func(t *testing.T, link1, link2 string) {
		h := http.Header{}
		h.Add("Link", link1)
		if link2 != "" {
			h.Add("Link", link2)
		}
		n := nextPage(h)
		switch {
		case n < 0:
			t.Fatalf("nextPage(%q) = %d, negative", h.Values("Link"), n)
		case n > 0 && !fzLinkPages(h.Values("Link"))[n]:
			t.Fatalf("nextPage(%q) = %d, which no rel=next link names", h.Values("Link"), n)
		case n > 0 && !strings.Contains(strings.ToLower(link1+link2), "next"):
			t.Fatalf("nextPage(%q) = %d without a next link", h.Values("Link"), n)
		}
		if n > 0 {
			h.Add("Link", `<https://api.github.com/x?page=`+strconv.Itoa(n+1)+`>; rel="next"`)
			if again := nextPage(h); again != n {
				t.Fatalf("a later Link value changed the next page from %d to %d", n, again)
			}
		}
	})
}

// FuzzCheckResponse builds the error for a fuzzed status, body and headers.
// A non-2xx answer is always an *Error with that status, matching the
// sentinels its status allows and no other, whose text names neither the
// request's token nor the password of its URL.
func FuzzCheckResponse(f *testing.F) {
	for _, s := range []struct {
		status int
		name   string
	}{
		{401, "error_unauthorized.json"}, {403, "error_forbidden.json"}, {404, "error_not_found.json"},
		{409, "error_conflict.json"}, {422, "error_validation.json"}, {422, "error_validation_simple.json"},
		{422, "error_runner_busy.json"}, {403, "error_rate_limit.json"}, {429, "error_secondary_rate_limit.json"},
		{502, "error_bad_gateway.html"}, {200, "get_runner.json"},
	} {
		f.Add(s.status, fixture(f, s.name), "", "0", "1767225600", "REQ:ID")
	}
	f.Add(403, []byte(`{"message":"x"}`), "Wed, 21 Oct 2015 07:28:00 GMT", "", "", "")
	f.Add(429, []byte(`{"errors":["a",{"code":"b"},null,1]}`), "-1", "abc", "-99999999999999999999", "")
	f.Add(0, []byte(`{"message":"`+fzToken+`"}`), "99999999999999999999", "", "", "")
	f.Add(-1, []byte(nil), "", "", "", "")
	f.Add(304, []byte(`null`), "", "", "", "")
	f.Fuzz(func(t *testing.T, status int, body []byte, retryAfter, remaining, reset, requestID string) {
		req, err := http.NewRequest(http.MethodGet, "https://x-access-token:"+fzPassword+"@api.github.com/orgs/o/actions/runners?page=2", nil)
		if err != nil {
			t.Fatal(err)
		}
		req.Header.Set("Authorization", "Bearer "+fzToken)
		h := http.Header{}
		for k, v := range map[string]string{"Retry-After": retryAfter, "X-RateLimit-Remaining": remaining, "X-RateLimit-Reset": reset, "X-GitHub-Request-Id": requestID} {
			if v != "" {
				h.Set(k, v)
			}
		}
		resp := &http.Response{StatusCode: status, Header: h, Body: io.NopCloser(bytes.NewReader(body)), Request: req}
		err = checkResponse(req, resp, time.Now())
		if status >= 200 && status < 300 {
			if err != nil {
				t.Fatalf("status %d: %v", status, err)
			}
			return
		}
		if err == nil {
			t.Fatalf("status %d: no error", status)
		}
		var apiErr *Error
		if !errors.As(err, &apiErr) {
			t.Fatalf("status %d: %T is not an *Error", status, err)
		}
		if apiErr.StatusCode != status || apiErr.Method != http.MethodGet || apiErr.RequestID != cleanText(requestID, maxRequestID) {
			t.Fatalf("status %d: got StatusCode %d, Method %q, RequestID %q", status, apiErr.StatusCode, apiErr.Method, apiErr.RequestID)
		}
		// Only what the fuzzer itself put in the response may show a secret.
		echoed := bytes.Contains(body, []byte(fzToken)) || bytes.Contains(body, []byte(fzPassword)) ||
			strings.Contains(requestID, fzToken) || strings.Contains(requestID, fzPassword)
		text := err.Error() + "|" + fmt.Sprintf("%v|%+v|%#v|%#v", err, err, err, *apiErr) + "|" + apiErr.URL
		if !echoed && (strings.Contains(text, fzToken) || strings.Contains(text, fzPassword)) {
			t.Fatalf("status %d: the error shows a secret: %s", status, text)
		}
		var rl *RateLimitError
		isRL := errors.As(err, &rl)
		if isRL != errors.Is(err, ErrRateLimited) {
			t.Fatalf("status %d: *RateLimitError %t but ErrRateLimited %t", status, isRL, errors.Is(err, ErrRateLimited))
		}
		if isRL && (status != 403 && status != 429 || rl.RetryAfter < 0 || rl.Err != apiErr) {
			t.Fatalf("status %d: rate limit %+v", status, rl)
		}
		for _, c := range []struct {
			sentinel error
			allowed  bool // the status allows it
			required bool // the status requires it
		}{
			{ErrInvalidArgument, false, false},
			{ErrUnauthorized, status == 401, status == 401},
			{ErrForbidden, status == 403 && !isRL, status == 403 && !isRL},
			{ErrNotFound, status == 404, status == 404},
			{ErrConflict, status == 409, status == 409},
			{ErrValidation, status == 422, status == 422},
			{ErrRunnerBusy, status == 422, false},
			{ErrRateLimited, status == 403 || status == 429, false},
		} {
			if is := errors.Is(err, c.sentinel); (is && !c.allowed) || (!is && c.required) {
				t.Fatalf("status %d: errors.Is(err, %v) = %t", status, c.sentinel, is)
			}
		}
	})
}

// FuzzNormalizeBaseURL normalises fuzzed base URLs. A URL that is accepted
// ends in "/", is http or https, has a host and no userinfo, query or
// fragment, follows the GitHub host rules, and normalises to itself again.
// A URL with a password in it is refused without showing the password.
func FuzzNormalizeBaseURL(f *testing.F) {
	for _, s := range []string{
		"https://api.github.com", "https://github.com/", "https://ghes.example.com", "https://ghes.example.com/api/v3",
		"https://ghes.example.com/api/v3/", "https://ghes.example.com/prefix", "https://octo.ghe.com", "https://api.octo.ghe.com/",
		"http://127.0.0.1:8080", "http://localhost/api", "http://[::1]:9/x/", "HTTPS://GitHub.COM:443", " https://a.b/c%2Fd ",
		"ftp://x", "https://", "https:///path", "https://u:p@host", "https://host?q", "https://host#f", "https://host?",
		"//host", "host", "", "https://[::1", "https://a b", "https://h/%zz", "https://.ghe.com",
	} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, raw string) {
		u, err := normalizeBaseURL(raw)
		if err == nil {
			s := u.String()
			host := strings.ToLower(u.Hostname())
			switch {
			case !strings.HasSuffix(s, "/"):
				t.Fatalf("%q -> %q: no trailing slash", raw, s)
			case u.Scheme != "http" && u.Scheme != "https":
				t.Fatalf("%q -> %q: scheme %q", raw, s, u.Scheme)
			case host == "":
				t.Fatalf("%q -> %q: no host", raw, s)
			case u.User != nil || u.RawQuery != "" || u.Fragment != "" || u.ForceQuery || u.Opaque != "":
				t.Fatalf("%q -> %q: userinfo, query, fragment or opaque part", raw, s)
			case host == "github.com":
				t.Fatalf("%q -> %q: the web host, not the API host", raw, s)
			case strings.HasSuffix(host, ".ghe.com") && !strings.HasPrefix(host, "api."):
				t.Fatalf("%q -> %q: a GHE.com web host", raw, s)
			case host != "api.github.com" && !strings.HasSuffix(host, ".ghe.com") && !isLoopback(host) && !strings.HasSuffix(u.EscapedPath(), "/api/v3/"):
				t.Fatalf("%q -> %q: a GitHub Enterprise Server host without /api/v3/", raw, s)
			}
			again, err := normalizeBaseURL(s)
			if err != nil {
				t.Fatalf("%q -> %q, which is refused: %v", raw, s, err)
			}
			if again.String() != s {
				t.Fatalf("not idempotent: %q -> %q -> %q", raw, s, again)
			}
		} else if !errors.Is(err, ErrInvalidArgument) {
			t.Fatalf("%q: error %v is not ErrInvalidArgument", raw, err)
		}

		// The same URL with a password in it.
		trimmed := strings.TrimSpace(raw)
		if i := strings.Index(trimmed, "://"); i >= 0 {
			withCreds := trimmed[:i+3] + "user:" + fzPassword + "@" + trimmed[i+3:]
			// Only where the password really is the URL's: "://" may come later than the scheme.
			if pu, perr := url.Parse(withCreds); perr != nil || pu.User != nil {
				u, err := normalizeBaseURL(withCreds)
				if err == nil {
					t.Fatalf("%q accepted with credentials: %q", withCreds, u)
				}
				if strings.Contains(err.Error(), fzPassword) && !strings.Contains(raw, fzPassword) {
					t.Fatalf("%q: the error shows the password: %v", withCreds, err)
				}
			}
		}
	})
}

// fzNameKinds are the names FuzzPathSegment puts in a path: label, org,
// enterprise, owner and repo, each with the operation that carries it and
// where the name lands in the escaped path's "/"-separated segments.
var fzNameKinds = []struct {
	kind     string
	call     func(c *Client, name string) error
	segments int // in the request path, counting the empty one before the leading "/"
	at       int
	slashOK  bool // a label may contain "/": it is escaped; a scope name may not
}{
	{"label", func(c *Client, name string) error {
		_, err := c.Org("octo-org").RemoveLabel(context.Background(), 23, name)
		return err
	}, 8, 7, true},
	{"org", func(c *Client, name string) error {
		_, err := c.Org(name).ListLabels(context.Background(), 23)
		return err
	}, 7, 2, false},
	{"enterprise", func(c *Client, name string) error {
		_, err := c.Enterprise(name).ListLabels(context.Background(), 23)
		return err
	}, 7, 2, false},
	{"owner", func(c *Client, name string) error {
		_, err := c.Repo(name, "octo-repo").ListLabels(context.Background(), 23)
		return err
	}, 8, 2, false},
	{"repo", func(c *Client, name string) error {
		_, err := c.Repo("octo-org", name).ListLabels(context.Background(), 23)
		return err
	}, 8, 3, false},
}

// FuzzPathSegment sends fuzzed names as a label, org, enterprise, owner or
// repo. Each is either refused with ErrInvalidArgument and nothing sent, or
// sent as exactly one escaped path segment that unescapes back to the name,
// with nothing in the query or fragment.
func FuzzPathSegment(f *testing.F) {
	for i := range fzNameKinds {
		for _, name := range []string{"octo-org", "gpu/a b?#%", "", ".", "..", "a/b", "/", "%2F", "%zz", "a%2e%2e", "..%2F..", "ü\x00\xff", "a;b=c", "?x=1", "#frag", "\\..\\", " ", "+", "a\nb", "%", "\u202e"} {
			f.Add(uint8(i), name)
		}
	}
	body := fixture(f, "labels.json")
	f.Fuzz(func(t *testing.T, kindIndex uint8, name string) {
		k := fzNameKinds[int(kindIndex)%len(fzNameKinds)]
		rt := &fzTransport{status: http.StatusOK, header: http.Header{"Content-Type": {"application/json"}}, body: body}
		err := k.call(fzClient(t, rt), name)
		reqs := rt.requests()

		invalid := name == "" || name == "." || name == ".." || (!k.slashOK && strings.Contains(name, "/"))
		if invalid {
			if !errors.Is(err, ErrInvalidArgument) || len(reqs) != 0 {
				t.Fatalf("%s %q: want ErrInvalidArgument and no request, got %v and %d requests", k.kind, name, err, len(reqs))
			}
			return
		}
		if err != nil || len(reqs) != 1 {
			t.Fatalf("%s %q: want one request and no error, got %v and %d requests", k.kind, name, err, len(reqs))
		}
		wire := reqs[0].URL.RequestURI() // the request target written on the wire
		if strings.ContainsAny(wire, "?#") || reqs[0].URL.RawQuery != "" || reqs[0].URL.Fragment != "" {
			t.Fatalf("%s %q: request target %q has a query or fragment", k.kind, name, wire)
		}
		parts := strings.Split(wire, "/")
		if len(parts) != k.segments {
			t.Fatalf("%s %q: request target %q has %d segments, want %d", k.kind, name, wire, len(parts), k.segments)
		}
		got, err := url.PathUnescape(parts[k.at])
		if err != nil || got != name {
			t.Fatalf("%s %q: segment %q unescapes to %q (%v)", k.kind, name, parts[k.at], got, err)
		}
		// What a server sees after parsing the request target.
		parsed, err := url.ParseRequestURI(wire)
		if err != nil {
			t.Fatalf("%s %q: request target %q does not parse: %v", k.kind, name, wire, err)
		}
		if len(strings.Split(parsed.EscapedPath(), "/")) != k.segments {
			t.Fatalf("%s %q: the server sees path %q", k.kind, name, parsed.EscapedPath())
		}
	})
}
