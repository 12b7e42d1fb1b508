// Cross-cutting: every runner operation of runners.go, labels.go, tokens.go
// and jitconfig.go, in one table run at each scope (enterprise, organization
// and repository): the one request it sends, and the fixture it decodes,
// field by field.

package runners

import (
	"bytes"
	"context"
	"encoding/json"
	"net/http"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

var fixtureZone = time.FixedZone("", -8*3600)

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

func TestOperations(t *testing.T) {
	t.Parallel()
	checkList := func(wantNext int) func(t *testing.T, _ testScope, got any) {
		return func(t *testing.T, _ testScope, got any) {
			t.Helper()
			list := got.(*RunnerList)
			require.NotNil(t, list)
			assert.Equal(t, 2, list.TotalCount, "TotalCount")
			assert.Equal(t, wantNext, list.NextPage, "NextPage")
			assertRunnerListFields(t, fixtureRunnerList(), list.Runners)
		}
	}
	checkRunner := func(want *Runner) func(t *testing.T, _ testScope, got any) {
		return func(t *testing.T, _ testScope, got any) {
			t.Helper()
			assertRunnerFields(t, want, got.(*Runner))
		}
	}
	checkLabels := func(want []*Label) func(t *testing.T, _ testScope, got any) {
		return func(t *testing.T, _ testScope, got any) {
			t.Helper()
			assertLabelFields(t, want, got.([]*Label))
		}
	}
	versioned := fixtureMBP()
	versioned.Version = "2.323.0"
	// Every documented sample has "ephemeral": false and no
	// "runner_group_id"; this variant of get_runner.json sets both, so their
	// decoding is checked too.
	ephemeral := fixtureMBP()
	ephemeral.Ephemeral, ephemeral.RunnerGroupID = true, 3
	getRunner := func(ctx context.Context, s Scope) (any, error) { return s.GetRunner(ctx, 23) }
	const rel = "https://github.com/actions/runner/releases/download/v2.164.0/"
	apps := []RunnerApplication{
		{OS: "osx", Architecture: "x64", DownloadURL: rel + "actions-runner-osx-x64-2.164.0.tar.gz", Filename: "actions-runner-osx-x64-2.164.0.tar.gz"},
		{OS: "linux", Architecture: "x64", DownloadURL: rel + "actions-runner-linux-x64-2.164.0.tar.gz", Filename: "actions-runner-linux-x64-2.164.0.tar.gz"},
		{OS: "linux", Architecture: "arm", DownloadURL: rel + "actions-runner-linux-arm-2.164.0.tar.gz", Filename: "actions-runner-linux-arm-2.164.0.tar.gz"},
		{OS: "win", Architecture: "x64", DownloadURL: rel + "actions-runner-win-x64-2.164.0.zip", Filename: "actions-runner-win-x64-2.164.0.zip"},
		{OS: "linux", Architecture: "arm64", DownloadURL: rel + "actions-runner-linux-arm64-2.164.0.tar.gz", Filename: "actions-runner-linux-arm64-2.164.0.tar.gz"},
	}
	checkToken := func(want func(t *testing.T, tok *Token)) func(t *testing.T, _ testScope, got any) {
		return func(t *testing.T, _ testScope, got any) {
			t.Helper()
			want(t, got.(*Token))
		}
	}
	jitLabels := []string{"self-hosted", "X64", "macOS", "no-gpu"}
	jitRunner := &Runner{ID: 23, Name: "New runner", OS: "unknown", Status: RunnerOffline, Busy: false, Labels: fixtureLabels()}
	checkJIT := func(t *testing.T, _ testScope, got any) {
		t.Helper()
		jit := got.(*JITConfig)
		require.NotNil(t, jit)
		assert.Equal(t, "abc123", jit.EncodedJITConfig, "EncodedJITConfig")
		assertRunnerFields(t, jitRunner, jit.Runner)
	}
	bodyFields := func(t *testing.T, req received) map[string]json.RawMessage {
		t.Helper()
		var fields map[string]json.RawMessage
		require.NoError(t, json.Unmarshal(req.Body, &fields))
		return fields
	}
	noWorkFolder := func(t *testing.T, req received) {
		t.Helper()
		assert.NotContains(t, bodyFields(t, req), "work_folder", "work_folder is omitted when empty")
	}
	labelsArray := func(t *testing.T, req received) {
		t.Helper()
		assert.NotEqual(t, "null", string(bodyFields(t, req)["labels"]), "labels must be an array, never null")
	}

	runOpCases(t, runnerScopes, []opCase[Scope]{
		{name: "ListRunners options and Link", status: http.StatusOK, fixture: fixed("list_runners.json"), link: fixtureLinkNextLast, method: http.MethodGet,
			call: func(ctx context.Context, s Scope) (any, error) {
				return s.ListRunners(ctx, &ListRunnersOptions{Name: "linux runner", ListOptions: ListOptions{Page: 2, PerPage: 50}})
			},
			path: fixed("/actions/runners"), query: "name=linux+runner&page=2&per_page=50",
			check: checkList(3)},
		{name: "ListRunners nil options, last page", status: http.StatusOK, fixture: fixed("list_runners.json"), method: http.MethodGet,
			call:  func(ctx context.Context, s Scope) (any, error) { return s.ListRunners(ctx, nil) },
			path:  fixed("/actions/runners"),
			check: checkList(0)},
		{name: "ListRunners GHES shape", status: http.StatusOK, fixture: fixed("list_runners_ghes.json"), link: fixtureLinkNextLast, method: http.MethodGet,
			call:  func(ctx context.Context, s Scope) (any, error) { return s.ListRunners(ctx, &ListRunnersOptions{}) },
			path:  fixed("/actions/runners"),
			check: checkList(3)},

		{name: "GetRunner get_runner.json", status: http.StatusOK, fixture: fixed("get_runner.json"), method: http.MethodGet,
			call: getRunner, path: fixed("/actions/runners/23"), check: checkRunner(fixtureMBP())},
		{name: "GetRunner get_runner_ghes.json", status: http.StatusOK, fixture: fixed("get_runner_ghes.json"), method: http.MethodGet,
			call: getRunner, path: fixed("/actions/runners/23"), check: checkRunner(fixtureMBP())},
		{name: "GetRunner get_runner_versioned.json", status: http.StatusOK, fixture: fixed("get_runner_versioned.json"), method: http.MethodGet,
			call: getRunner, path: fixed("/actions/runners/23"), check: checkRunner(versioned)},
		{name: "GetRunner get_runner.json ephemeral in group 3", status: http.StatusOK, fixture: fixed("get_runner.json"), method: http.MethodGet,
			edit: func(b []byte) []byte {
				return bytes.Replace(b, []byte(`"ephemeral": false,`), []byte(`"ephemeral": true, "runner_group_id": 3,`), 1)
			},
			call: getRunner, path: fixed("/actions/runners/23"), check: checkRunner(ephemeral)},

		{name: "DeleteRunner", status: http.StatusNoContent, fixture: noFixture, method: http.MethodDelete,
			call: func(ctx context.Context, s Scope) (any, error) { return nil, s.DeleteRunner(ctx, 23) },
			path: fixed("/actions/runners/23")},

		{name: "ListRunnerApplications", status: http.StatusOK, fixture: fixed("runner_applications.json"), method: http.MethodGet,
			call: func(ctx context.Context, s Scope) (any, error) { return s.ListRunnerApplications(ctx) },
			path: fixed("/actions/runners/downloads"),
			check: func(t *testing.T, _ testScope, got any) {
				t.Helper()
				list := got.([]*RunnerApplication)
				require.Len(t, list, len(apps))
				for i, w := range apps {
					got := list[i]
					require.NotNil(t, got, "application %d", i)
					assert.Equal(t, w.OS, got.OS, "application %d OS", i)
					assert.Equal(t, w.Architecture, got.Architecture, "application %d Architecture", i)
					assert.Equal(t, w.DownloadURL, got.DownloadURL, "application %d DownloadURL", i)
					assert.Equal(t, w.Filename, got.Filename, "application %d Filename", i)
					assert.Empty(t, got.TempDownloadToken, "application %d TempDownloadToken", i)
					assert.Empty(t, got.SHA256Checksum, "application %d SHA256Checksum", i)
				}
			}},

		{name: "CreateRegistrationToken", status: http.StatusCreated, fixture: fixed("registration_token.json"), method: http.MethodPost,
			call: func(ctx context.Context, s Scope) (any, error) { return s.CreateRegistrationToken(ctx) },
			path: fixed("/actions/runners/registration-token"),
			check: checkToken(func(t *testing.T, tok *Token) {
				assertGitHubComToken(t, tok, "LLBF3JGZDX3P5PMEXLND6TS6FCWO6", time.Date(2020, 1, 22, 12, 13, 35, 123000000, fixtureZone))
			})},
		{name: "CreateRegistrationToken GHES shape", status: http.StatusCreated, fixture: fixed("registration_token_ghes.json"), method: http.MethodPost,
			call:  func(ctx context.Context, s Scope) (any, error) { return s.CreateRegistrationToken(ctx) },
			path:  fixed("/actions/runners/registration-token"),
			check: checkToken(assertGHESToken)},
		{name: "CreateRemoveToken", status: http.StatusCreated, fixture: fixed("remove_token.json"), method: http.MethodPost,
			call: func(ctx context.Context, s Scope) (any, error) { return s.CreateRemoveToken(ctx) },
			path: fixed("/actions/runners/remove-token"),
			check: checkToken(func(t *testing.T, tok *Token) {
				assertGitHubComToken(t, tok, "AABF3JGZDX3P5PMEXLND6TS6FCWO6", time.Date(2020, 1, 29, 12, 13, 35, 123000000, fixtureZone))
			})},
		{name: "CreateRemoveToken GHES shape", status: http.StatusCreated, fixture: fixed("registration_token_ghes.json"), method: http.MethodPost,
			call:  func(ctx context.Context, s Scope) (any, error) { return s.CreateRemoveToken(ctx) },
			path:  fixed("/actions/runners/remove-token"),
			check: checkToken(assertGHESToken)},

		{name: "GenerateJITConfig work folder", status: http.StatusCreated, fixture: fixed("jitconfig.json"), method: http.MethodPost,
			call: func(ctx context.Context, s Scope) (any, error) {
				return s.GenerateJITConfig(ctx, &JITConfigRequest{Name: "New runner", RunnerGroupID: 1, Labels: jitLabels, WorkFolder: "_work"})
			},
			path:  fixed("/actions/runners/generate-jitconfig"),
			body:  fixed(`{"name":"New runner","runner_group_id":1,"labels":["self-hosted","X64","macOS","no-gpu"],"work_folder":"_work"}`),
			check: checkJIT},
		{name: "GenerateJITConfig default work folder", status: http.StatusCreated, fixture: fixed("jitconfig.json"), method: http.MethodPost,
			call: func(ctx context.Context, s Scope) (any, error) {
				return s.GenerateJITConfig(ctx, &JITConfigRequest{Name: "New runner", RunnerGroupID: 42, Labels: jitLabels})
			},
			path:  fixed("/actions/runners/generate-jitconfig"),
			body:  fixed(`{"name":"New runner","runner_group_id":42,"labels":["self-hosted","X64","macOS","no-gpu"]}`),
			sent:  noWorkFolder,
			check: checkJIT},

		{name: "ListLabels", status: http.StatusOK, fixture: fixed("labels.json"), method: http.MethodGet,
			call:  func(ctx context.Context, s Scope) (any, error) { return s.ListLabels(ctx, 23) },
			path:  fixed("/actions/runners/23/labels"),
			check: checkLabels(fixtureLabels())},
		{name: "AddLabels", status: http.StatusOK, fixture: fixed("labels.json"), method: http.MethodPost,
			call:  func(ctx context.Context, s Scope) (any, error) { return s.AddLabels(ctx, 23, "no-gpu", "gpu/a b?#%") },
			path:  fixed("/actions/runners/23/labels"),
			body:  fixed(`{"labels":["no-gpu","gpu/a b?#%"]}`),
			check: checkLabels(fixtureLabels())},
		{name: "SetLabels some", status: http.StatusOK, fixture: fixed("labels.json"), method: http.MethodPut,
			call:  func(ctx context.Context, s Scope) (any, error) { return s.SetLabels(ctx, 23, "no-gpu") },
			path:  fixed("/actions/runners/23/labels"),
			body:  fixed(`{"labels":["no-gpu"]}`),
			sent:  labelsArray,
			check: checkLabels(fixtureLabels())},
		{name: "SetLabels none", status: http.StatusOK, fixture: fixed("labels_readonly.json"), method: http.MethodPut,
			call:  func(ctx context.Context, s Scope) (any, error) { return s.SetLabels(ctx, 23) },
			path:  fixed("/actions/runners/23/labels"),
			body:  fixed(`{"labels":[]}`),
			sent:  labelsArray,
			check: checkLabels(fixtureReadOnlyLabels())},
		{name: "SetLabels empty slice", status: http.StatusOK, fixture: fixed("labels_readonly.json"), method: http.MethodPut,
			call:  func(ctx context.Context, s Scope) (any, error) { return s.SetLabels(ctx, 23, []string{}...) },
			path:  fixed("/actions/runners/23/labels"),
			body:  fixed(`{"labels":[]}`),
			sent:  labelsArray,
			check: checkLabels(fixtureReadOnlyLabels())},
		{name: "RemoveAllLabels", status: http.StatusOK, fixture: fixed("labels_readonly.json"), method: http.MethodDelete,
			call:  func(ctx context.Context, s Scope) (any, error) { return s.RemoveAllLabels(ctx, 23) },
			path:  fixed("/actions/runners/23/labels"),
			check: checkLabels(fixtureReadOnlyLabels())},
		{name: "RemoveLabel plain", status: http.StatusOK, fixture: fixed("labels.json"), method: http.MethodDelete,
			call:  func(ctx context.Context, s Scope) (any, error) { return s.RemoveLabel(ctx, 23, "no-gpu") },
			path:  fixed("/actions/runners/23/labels/no-gpu"),
			check: checkLabels(fixtureLabels())},
		{name: "RemoveLabel escaped", status: http.StatusOK, fixture: fixed("labels.json"), method: http.MethodDelete,
			call:  func(ctx context.Context, s Scope) (any, error) { return s.RemoveLabel(ctx, 23, "gpu/a b?#%") },
			path:  fixed("/actions/runners/23/labels/gpu%2Fa%20b%3F%23%25"),
			check: checkLabels(fixtureLabels())},
	})
}
