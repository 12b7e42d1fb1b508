package runners

import (
	"bytes"
	"context"
	"encoding/json"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// opScope is one of the three scopes every operation is tested in.
type opScope struct {
	name   string
	build  func(*Client) Scope
	prefix string // the escaped path prefix the scope's requests must carry
}

// operationScopes are the enterprise, organization and repository scopes, so the
// scope plumbing is tested once per operation.
var operationScopes = []opScope{
	{"enterprise", func(c *Client) Scope { return c.Enterprise("acme") }, "/enterprises/acme"},
	{"org", func(c *Client) Scope { return c.Org("octo-org") }, "/orgs/octo-org"},
	{"repo", func(c *Client) Scope { return c.Repo("octo-org", "octo-repo") }, "/repos/octo-org/octo-repo"},
}

// The values of the fixtures in testdata, written out by hand from the JSON.
func fixtureLabels() []*Label {
	return []*Label{
		{ID: 5, Name: "self-hosted", Type: LabelReadOnly},
		{ID: 7, Name: "X64", Type: LabelReadOnly},
		{ID: 20, Name: "macOS", Type: LabelReadOnly},
		{ID: 21, Name: "no-gpu", Type: LabelCustom},
	}
}

func fixtureReadOnlyLabels() []*Label {
	return []*Label{
		{ID: 5, Name: "self-hosted", Type: LabelReadOnly},
		{ID: 7, Name: "X64", Type: LabelReadOnly},
		{ID: 20, Name: "macOS", Type: LabelReadOnly},
	}
}

// fixtureMBP is get_runner.json (and get_runner_ghes.json, which only lacks
// "ephemeral").
func fixtureMBP() *Runner {
	return &Runner{ID: 23, Name: "MBP", OS: "macos", Status: RunnerOnline, Busy: true, Ephemeral: false, Labels: fixtureLabels()}
}

// fixtureRunnerList is the runners of list_runners.json (and of
// list_runners_ghes.json, which only lacks "ephemeral").
func fixtureRunnerList() []*Runner {
	return []*Runner{
		{ID: 23, Name: "linux_runner", OS: "linux", Status: RunnerOnline, Busy: true, Ephemeral: false, Labels: []*Label{
			{ID: 5, Name: "self-hosted", Type: LabelReadOnly},
			{ID: 7, Name: "X64", Type: LabelReadOnly},
			{ID: 11, Name: "Linux", Type: LabelReadOnly},
		}},
		{ID: 24, Name: "mac_runner", OS: "macos", Status: RunnerOffline, Busy: false, Ephemeral: false, Labels: fixtureLabels()},
	}
}

var fixtureZone = time.FixedZone("", -8*3600)

// assertOpHeaders checks the headers every request carries.
func assertOpHeaders(t *testing.T, got received) {
	t.Helper()
	assert.Equal(t, "application/vnd.github+json", got.Header.Get("Accept"), "Accept")
	assert.Equal(t, "2022-11-28", got.Header.Get("X-GitHub-Api-Version"), "X-GitHub-Api-Version on a loopback host")
	assert.True(t, strings.HasPrefix(got.Header.Get("User-Agent"), "fleetkit-runners/"), "User-Agent %q", got.Header.Get("User-Agent"))
	assert.Equal(t, "Bearer "+testToken, got.Header.Get("Authorization"), "Authorization")
}

// assertOpRequest checks the single request rec received: method, escaped path,
// raw query, headers, and the body compared as decoded JSON (wantBody "" means
// no body and no Content-Type).
func assertOpRequest(t *testing.T, rec *recorder, method, path, rawQuery, wantBody string) received {
	t.Helper()
	got := rec.only(t)
	assert.Equal(t, method, got.Method, "method")
	assert.Equal(t, path, got.Path, "escaped path")
	assert.Equal(t, rawQuery, got.RawQuery, "query")
	assertOpHeaders(t, got)
	if wantBody == "" {
		assert.Empty(t, got.Body, "request body")
		assert.Empty(t, got.Header.Get("Content-Type"), "Content-Type without a body")
	} else {
		assert.Equal(t, "application/json", got.Header.Get("Content-Type"), "Content-Type")
		assert.JSONEq(t, wantBody, string(got.Body), "request body")
	}
	return got
}

// assertLabelFields compares labels field by field.
func assertLabelFields(t *testing.T, want, got []*Label) {
	t.Helper()
	require.Len(t, got, len(want), "labels")
	for i := range want {
		require.NotNil(t, got[i], "label %d", i)
		assert.Equal(t, want[i].ID, got[i].ID, "label %d ID", i)
		assert.Equal(t, want[i].Name, got[i].Name, "label %d Name", i)
		assert.Equal(t, want[i].Type, got[i].Type, "label %d Type", i)
	}
}

// assertRunnerFields compares a runner field by field.
func assertRunnerFields(t *testing.T, want, got *Runner) {
	t.Helper()
	require.NotNil(t, got, "runner")
	assert.Equal(t, want.ID, got.ID, "ID")
	assert.Equal(t, want.RunnerGroupID, got.RunnerGroupID, "RunnerGroupID")
	assert.Equal(t, want.Name, got.Name, "Name")
	assert.Equal(t, want.OS, got.OS, "OS")
	assert.Equal(t, want.Status, got.Status, "Status")
	assert.Equal(t, want.Busy, got.Busy, "Busy")
	assert.Equal(t, want.Ephemeral, got.Ephemeral, "Ephemeral")
	assert.Equal(t, want.Version, got.Version, "Version")
	assertLabelFields(t, want.Labels, got.Labels)
	assert.Equal(t, want, got, "the whole runner")
}

func assertRunnerListFields(t *testing.T, want, got []*Runner) {
	t.Helper()
	require.Len(t, got, len(want), "runners")
	for i := range want {
		assertRunnerFields(t, want[i], got[i])
	}
}

const (
	fixtureLinkNextLast = `<https://api.github.com/resource?page=3>; rel="next", <https://api.github.com/resource?page=5>; rel="last"`
)

func TestOperationsListRunners(t *testing.T) {
	t.Parallel()
	cases := []struct {
		name      string
		fixture   string
		link      string
		opts      *ListRunnersOptions
		wantQuery string
		wantNext  int
	}{
		{
			name:      "options and Link",
			fixture:   "list_runners.json",
			link:      fixtureLinkNextLast,
			opts:      &ListRunnersOptions{Name: "linux runner", ListOptions: ListOptions{Page: 2, PerPage: 50}},
			wantQuery: "name=linux+runner&page=2&per_page=50",
			wantNext:  3,
		},
		{
			name:      "nil options, last page",
			fixture:   "list_runners.json",
			wantQuery: "",
			wantNext:  0,
		},
		{
			name:      "GHES shape",
			fixture:   "list_runners_ghes.json",
			link:      fixtureLinkNextLast,
			opts:      &ListRunnersOptions{},
			wantQuery: "",
			wantNext:  3,
		},
	}
	for _, sc := range operationScopes {
		for _, tc := range cases {
			t.Run(sc.name+"/"+tc.name, func(t *testing.T) {
				t.Parallel()
				body := respond(t, http.StatusOK, tc.fixture)
				c, rec := newTestClient(t, func(w http.ResponseWriter, r *http.Request) {
					if tc.link != "" {
						w.Header().Set("Link", tc.link)
					}
					body(w, r)
				})
				list, err := sc.build(c).ListRunners(context.Background(), tc.opts)
				require.NoError(t, err)
				assertOpRequest(t, rec, http.MethodGet, sc.prefix+"/actions/runners", tc.wantQuery, "")

				require.NotNil(t, list)
				assert.Equal(t, 2, list.TotalCount, "TotalCount")
				assert.Equal(t, tc.wantNext, list.NextPage, "NextPage")
				assertRunnerListFields(t, fixtureRunnerList(), list.Runners)
			})
		}
	}
}

func TestOperationsGetRunner(t *testing.T) {
	t.Parallel()
	versioned := fixtureMBP()
	versioned.Version = "2.323.0"
	// Every documented sample has "ephemeral": false and no
	// "runner_group_id"; this variant of get_runner.json sets both, so their
	// decoding is checked too.
	ephemeral := fixtureMBP()
	ephemeral.Ephemeral, ephemeral.RunnerGroupID = true, 3
	cases := []struct {
		fixture string
		edit    func([]byte) []byte // applied to the fixture, when set
		want    *Runner
	}{
		{"get_runner.json", nil, fixtureMBP()},
		{"get_runner_ghes.json", nil, fixtureMBP()},
		{"get_runner_versioned.json", nil, versioned},
		{"get_runner.json", func(b []byte) []byte {
			return bytes.Replace(b, []byte(`"ephemeral": false,`), []byte(`"ephemeral": true, "runner_group_id": 3,`), 1)
		}, ephemeral},
	}
	for _, sc := range operationScopes {
		for _, tc := range cases {
			name := tc.fixture
			if tc.edit != nil {
				name += " ephemeral in group 3"
			}
			t.Run(sc.name+"/"+name, func(t *testing.T) {
				t.Parallel()
				body := fixture(t, tc.fixture)
				if tc.edit != nil {
					edited := tc.edit(body)
					require.NotEqual(t, body, edited, "the fixture edit applies")
					body = edited
				}
				c, rec := newTestClient(t, func(w http.ResponseWriter, r *http.Request) {
					w.Header().Set("Content-Type", "application/json; charset=utf-8")
					w.Write(body)
				})
				r, err := sc.build(c).GetRunner(context.Background(), 23)
				require.NoError(t, err)
				assertOpRequest(t, rec, http.MethodGet, sc.prefix+"/actions/runners/23", "", "")
				assertRunnerFields(t, tc.want, r)
			})
		}
	}
}

func TestOperationsDeleteRunner(t *testing.T) {
	t.Parallel()
	for _, sc := range operationScopes {
		t.Run(sc.name, func(t *testing.T) {
			t.Parallel()
			c, rec := newTestClient(t, respond(t, http.StatusNoContent, ""))
			err := sc.build(c).DeleteRunner(context.Background(), 23)
			require.NoError(t, err)
			assertOpRequest(t, rec, http.MethodDelete, sc.prefix+"/actions/runners/23", "", "")
		})
	}
}

func TestOperationsListRunnerApplications(t *testing.T) {
	t.Parallel()
	const rel = "https://github.com/actions/runner/releases/download/v2.164.0/"
	want := []RunnerApplication{
		{OS: "osx", Architecture: "x64", DownloadURL: rel + "actions-runner-osx-x64-2.164.0.tar.gz", Filename: "actions-runner-osx-x64-2.164.0.tar.gz"},
		{OS: "linux", Architecture: "x64", DownloadURL: rel + "actions-runner-linux-x64-2.164.0.tar.gz", Filename: "actions-runner-linux-x64-2.164.0.tar.gz"},
		{OS: "linux", Architecture: "arm", DownloadURL: rel + "actions-runner-linux-arm-2.164.0.tar.gz", Filename: "actions-runner-linux-arm-2.164.0.tar.gz"},
		{OS: "win", Architecture: "x64", DownloadURL: rel + "actions-runner-win-x64-2.164.0.zip", Filename: "actions-runner-win-x64-2.164.0.zip"},
		{OS: "linux", Architecture: "arm64", DownloadURL: rel + "actions-runner-linux-arm64-2.164.0.tar.gz", Filename: "actions-runner-linux-arm64-2.164.0.tar.gz"},
	}
	for _, sc := range operationScopes {
		t.Run(sc.name, func(t *testing.T) {
			t.Parallel()
			c, rec := newTestClient(t, respond(t, http.StatusOK, "runner_applications.json"))
			apps, err := sc.build(c).ListRunnerApplications(context.Background())
			require.NoError(t, err)
			assertOpRequest(t, rec, http.MethodGet, sc.prefix+"/actions/runners/downloads", "", "")

			require.Len(t, apps, len(want))
			for i, w := range want {
				got := apps[i]
				require.NotNil(t, got, "application %d", i)
				assert.Equal(t, w.OS, got.OS, "application %d OS", i)
				assert.Equal(t, w.Architecture, got.Architecture, "application %d Architecture", i)
				assert.Equal(t, w.DownloadURL, got.DownloadURL, "application %d DownloadURL", i)
				assert.Equal(t, w.Filename, got.Filename, "application %d Filename", i)
				assert.Empty(t, got.TempDownloadToken, "application %d TempDownloadToken", i)
				assert.Empty(t, got.SHA256Checksum, "application %d SHA256Checksum", i)
			}
		})
	}
}

// assertGitHubComToken checks a token decoded from a GitHub.com fixture: only
// the token and its expiry.
func assertGitHubComToken(t *testing.T, tok *Token, wantToken string, wantExpiry time.Time) {
	t.Helper()
	require.NotNil(t, tok)
	assert.Equal(t, wantToken, tok.Token, "Token")
	assert.True(t, tok.ExpiresAt.Equal(wantExpiry), "ExpiresAt %v, want %v", tok.ExpiresAt, wantExpiry)
	assert.Empty(t, tok.Permissions, "Permissions")
	assert.Empty(t, tok.Repositories, "Repositories")
	assert.Empty(t, tok.SingleFile, "SingleFile")
	assert.Empty(t, tok.RepositorySelection, "RepositorySelection")
}

// assertGHESToken checks a token decoded from registration_token_ghes.json.
func assertGHESToken(t *testing.T, tok *Token) {
	t.Helper()
	require.NotNil(t, tok)
	assert.Equal(t, "v1.1f699f1069f60xxx", tok.Token, "Token")
	want := time.Date(2016, 7, 11, 22, 14, 10, 0, time.UTC)
	assert.True(t, tok.ExpiresAt.Equal(want), "ExpiresAt %v, want %v", tok.ExpiresAt, want)
	assert.Equal(t, map[string]string{"issues": "read", "deployments": "write"}, tok.Permissions, "Permissions")
	require.Len(t, tok.Repositories, 1, "Repositories")
	repo := tok.Repositories[0]
	require.NotNil(t, repo)
	assert.Equal(t, int64(42), repo.ID, "repository ID")
	assert.Equal(t, "MDEwOlJlcG9zaXRvcnkxMjk2MjY5", repo.NodeID, "repository NodeID")
	assert.Equal(t, "Team Environment", repo.Name, "repository Name")
	assert.Equal(t, "octocat/Hello-World", repo.FullName, "repository FullName")
	assert.False(t, repo.Private, "repository Private")
	assert.Equal(t, "https://github.com/octocat/Hello-World", repo.HTMLURL, "repository HTMLURL")
	require.NotNil(t, repo.Owner, "repository Owner")
	assert.Equal(t, "octocat", repo.Owner.Login, "owner Login")
	assert.Equal(t, "config.yaml", tok.SingleFile, "SingleFile")
	assert.Equal(t, "selected", tok.RepositorySelection, "RepositorySelection")
}

func TestOperationsCreateRegistrationToken(t *testing.T) {
	t.Parallel()
	for _, sc := range operationScopes {
		t.Run(sc.name, func(t *testing.T) {
			t.Parallel()
			c, rec := newTestClient(t, respond(t, http.StatusCreated, "registration_token.json"))
			tok, err := sc.build(c).CreateRegistrationToken(context.Background())
			require.NoError(t, err)
			assertOpRequest(t, rec, http.MethodPost, sc.prefix+"/actions/runners/registration-token", "", "")
			assertGitHubComToken(t, tok, "LLBF3JGZDX3P5PMEXLND6TS6FCWO6", time.Date(2020, 1, 22, 12, 13, 35, 123000000, fixtureZone))
		})
		t.Run(sc.name+"/GHES shape", func(t *testing.T) {
			t.Parallel()
			c, rec := newTestClient(t, respond(t, http.StatusCreated, "registration_token_ghes.json"))
			tok, err := sc.build(c).CreateRegistrationToken(context.Background())
			require.NoError(t, err)
			assertOpRequest(t, rec, http.MethodPost, sc.prefix+"/actions/runners/registration-token", "", "")
			assertGHESToken(t, tok)
		})
	}
}

func TestOperationsCreateRemoveToken(t *testing.T) {
	t.Parallel()
	for _, sc := range operationScopes {
		t.Run(sc.name, func(t *testing.T) {
			t.Parallel()
			c, rec := newTestClient(t, respond(t, http.StatusCreated, "remove_token.json"))
			tok, err := sc.build(c).CreateRemoveToken(context.Background())
			require.NoError(t, err)
			assertOpRequest(t, rec, http.MethodPost, sc.prefix+"/actions/runners/remove-token", "", "")
			assertGitHubComToken(t, tok, "AABF3JGZDX3P5PMEXLND6TS6FCWO6", time.Date(2020, 1, 29, 12, 13, 35, 123000000, fixtureZone))
		})
		t.Run(sc.name+"/GHES shape", func(t *testing.T) {
			t.Parallel()
			c, rec := newTestClient(t, respond(t, http.StatusCreated, "registration_token_ghes.json"))
			tok, err := sc.build(c).CreateRemoveToken(context.Background())
			require.NoError(t, err)
			assertOpRequest(t, rec, http.MethodPost, sc.prefix+"/actions/runners/remove-token", "", "")
			assertGHESToken(t, tok)
		})
	}
}

func TestOperationsGenerateJITConfig(t *testing.T) {
	t.Parallel()
	labels := []string{"self-hosted", "X64", "macOS", "no-gpu"}
	cases := []struct {
		name     string
		req      *JITConfigRequest
		wantBody string
	}{
		{
			name:     "work folder",
			req:      &JITConfigRequest{Name: "New runner", RunnerGroupID: 1, Labels: labels, WorkFolder: "_work"},
			wantBody: `{"name":"New runner","runner_group_id":1,"labels":["self-hosted","X64","macOS","no-gpu"],"work_folder":"_work"}`,
		},
		{
			name:     "default work folder",
			req:      &JITConfigRequest{Name: "New runner", RunnerGroupID: 42, Labels: labels},
			wantBody: `{"name":"New runner","runner_group_id":42,"labels":["self-hosted","X64","macOS","no-gpu"]}`,
		},
	}
	want := &Runner{ID: 23, Name: "New runner", OS: "unknown", Status: RunnerOffline, Busy: false, Labels: fixtureLabels()}
	for _, sc := range operationScopes {
		for _, tc := range cases {
			t.Run(sc.name+"/"+tc.name, func(t *testing.T) {
				t.Parallel()
				c, rec := newTestClient(t, respond(t, http.StatusCreated, "jitconfig.json"))
				jit, err := sc.build(c).GenerateJITConfig(context.Background(), tc.req)
				require.NoError(t, err)
				got := assertOpRequest(t, rec, http.MethodPost, sc.prefix+"/actions/runners/generate-jitconfig", "", tc.wantBody)
				var fields map[string]json.RawMessage
				require.NoError(t, json.Unmarshal(got.Body, &fields))
				if tc.req.WorkFolder == "" {
					assert.NotContains(t, fields, "work_folder", "work_folder is omitted when empty")
				}

				require.NotNil(t, jit)
				assert.Equal(t, "abc123", jit.EncodedJITConfig, "EncodedJITConfig")
				assertRunnerFields(t, want, jit.Runner)
			})
		}
	}
}

func TestOperationsListLabels(t *testing.T) {
	t.Parallel()
	for _, sc := range operationScopes {
		t.Run(sc.name, func(t *testing.T) {
			t.Parallel()
			c, rec := newTestClient(t, respond(t, http.StatusOK, "labels.json"))
			labels, err := sc.build(c).ListLabels(context.Background(), 23)
			require.NoError(t, err)
			assertOpRequest(t, rec, http.MethodGet, sc.prefix+"/actions/runners/23/labels", "", "")
			assertLabelFields(t, fixtureLabels(), labels)
		})
	}
}

func TestOperationsAddLabels(t *testing.T) {
	t.Parallel()
	for _, sc := range operationScopes {
		t.Run(sc.name, func(t *testing.T) {
			t.Parallel()
			c, rec := newTestClient(t, respond(t, http.StatusOK, "labels.json"))
			labels, err := sc.build(c).AddLabels(context.Background(), 23, "no-gpu", "gpu/a b?#%")
			require.NoError(t, err)
			assertOpRequest(t, rec, http.MethodPost, sc.prefix+"/actions/runners/23/labels", "", `{"labels":["no-gpu","gpu/a b?#%"]}`)
			assertLabelFields(t, fixtureLabels(), labels)
		})
	}
}

func TestOperationsSetLabels(t *testing.T) {
	t.Parallel()
	cases := []struct {
		name     string
		labels   []string
		fixture  string
		want     []*Label
		wantBody string
	}{
		{"some", []string{"no-gpu"}, "labels.json", fixtureLabels(), `{"labels":["no-gpu"]}`},
		{"none", nil, "labels_readonly.json", fixtureReadOnlyLabels(), `{"labels":[]}`},
		{"empty slice", []string{}, "labels_readonly.json", fixtureReadOnlyLabels(), `{"labels":[]}`},
	}
	for _, sc := range operationScopes {
		for _, tc := range cases {
			t.Run(sc.name+"/"+tc.name, func(t *testing.T) {
				t.Parallel()
				c, rec := newTestClient(t, respond(t, http.StatusOK, tc.fixture))
				labels, err := sc.build(c).SetLabels(context.Background(), 23, tc.labels...)
				require.NoError(t, err)
				got := assertOpRequest(t, rec, http.MethodPut, sc.prefix+"/actions/runners/23/labels", "", tc.wantBody)
				var fields map[string]json.RawMessage
				require.NoError(t, json.Unmarshal(got.Body, &fields))
				assert.NotEqual(t, "null", string(fields["labels"]), "labels must be an array, never null")
				assertLabelFields(t, tc.want, labels)
			})
		}
	}
}

func TestOperationsRemoveAllLabels(t *testing.T) {
	t.Parallel()
	for _, sc := range operationScopes {
		t.Run(sc.name, func(t *testing.T) {
			t.Parallel()
			c, rec := newTestClient(t, respond(t, http.StatusOK, "labels_readonly.json"))
			labels, err := sc.build(c).RemoveAllLabels(context.Background(), 23)
			require.NoError(t, err)
			assertOpRequest(t, rec, http.MethodDelete, sc.prefix+"/actions/runners/23/labels", "", "")
			assertLabelFields(t, fixtureReadOnlyLabels(), labels)
		})
	}
}

func TestOperationsRemoveLabel(t *testing.T) {
	t.Parallel()
	cases := []struct {
		name    string
		label   string
		escaped string
	}{
		{"plain", "no-gpu", "no-gpu"},
		{"escaped", "gpu/a b?#%", "gpu%2Fa%20b%3F%23%25"},
	}
	for _, sc := range operationScopes {
		for _, tc := range cases {
			t.Run(sc.name+"/"+tc.name, func(t *testing.T) {
				t.Parallel()
				c, rec := newTestClient(t, respond(t, http.StatusOK, "labels.json"))
				labels, err := sc.build(c).RemoveLabel(context.Background(), 23, tc.label)
				require.NoError(t, err)
				assertOpRequest(t, rec, http.MethodDelete, sc.prefix+"/actions/runners/23/labels/"+tc.escaped, "", "")
				assertLabelFields(t, fixtureLabels(), labels)
			})
		}
	}
}

// Statuses and label types decode to the constants, and any other value
// (a status GitHub adds later, an escaped string) as itself.
func TestOperationsStatusAndLabelTypeDecoding(t *testing.T) {
	t.Parallel()
	var r Runner
	require.NoError(t, decodeBody([]byte(`{"id":1,"name":"r","os":"linux","status":"offline","busy":false,"labels":[
		{"name":"a","type":"read-only"},{"name":"b","type":"custom"},{"name":"c","type":"c\u0075stom"},{"name":"d","type":"future"}]}`), &r))
	assert.Equal(t, RunnerOffline, r.Status)
	assert.Equal(t, []LabelType{LabelReadOnly, LabelCustom, LabelCustom, "future"},
		[]LabelType{r.Labels[0].Type, r.Labels[1].Type, r.Labels[2].Type, r.Labels[3].Type})
	for body, want := range map[string]RunnerStatus{`"online"`: RunnerOnline, `"\u006fnline"`: RunnerOnline, `"idle"`: "idle", `""`: ""} {
		var s RunnerStatus
		require.NoError(t, json.Unmarshal([]byte(body), &s), body)
		assert.Equal(t, want, s, body)
	}
	var s RunnerStatus
	assert.Error(t, json.Unmarshal([]byte(`5`), &s))
	var lt LabelType
	assert.Error(t, json.Unmarshal([]byte(`{}`), &lt))
}
