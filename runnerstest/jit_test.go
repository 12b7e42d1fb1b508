package runnerstest_test

import (
	"context"
	"encoding/base64"
	"encoding/json"
	"net/http"
	"strings"
	"testing"

	"github.com/fleetkit/runners"
	"github.com/fleetkit/runners/runnerstest"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestGenerateJITConfig(t *testing.T) {
	t.Parallel()
	ctx := t.Context()
	srv, org, s := documentedOrg(t)

	// GitHub's documented example.
	jit, err := s.GenerateJITConfig(ctx, &runners.JITConfigRequest{
		Name: "New runner", RunnerGroupID: 1, Labels: []string{"self-hosted", "X64", "macOS", "no-gpu"}, WorkFolder: "_work",
	})
	require.NoError(t, err)
	require.NotNil(t, jit.Runner)
	r := jit.Runner
	assert.Greater(t, r.ID, int64(24), "a new ID")
	assert.Equal(t, "New runner", r.Name)
	assert.Equal(t, int64(1), r.RunnerGroupID)
	assert.Equal(t, runners.RunnerOffline, r.Status)
	assert.False(t, r.Busy)
	assert.Equal(t, []string{"self-hosted:read-only", "X64:read-only", "macOS:read-only", "no-gpu:custom"}, labelSet(r.Labels))
	// Label IDs are those the documented runners use for the same names.
	for i, id := range []int64{5, 7, 20, 21} {
		assert.Equal(t, id, r.Labels[i].ID, r.Labels[i].Name)
	}
	require.NotEmpty(t, jit.EncodedJITConfig)
	decoded, err := base64.StdEncoding.DecodeString(jit.EncodedJITConfig)
	require.NoError(t, err)
	assert.NotEmpty(t, decoded)
	require.True(t, json.Valid(decoded), "the config decodes to JSON, as GitHub's does")

	// It is in the scope's state and served by the API.
	stored, ok := org.Runner(r.ID)
	require.True(t, ok)
	assert.Equal(t, "New runner", stored.Name)
	assert.Equal(t, int64(1), stored.RunnerGroupID)
	assert.Equal(t, []int64{23, 24, r.ID}, runnerIDs(org.Runners()))
	list, err := s.ListRunners(ctx, &runners.ListRunnersOptions{Name: "New runner"})
	require.NoError(t, err)
	require.Len(t, list.Runners, 1)
	assert.Equal(t, r.ID, list.Runners[0].ID)
	got, err := s.GetRunner(ctx, r.ID)
	require.NoError(t, err)
	assert.Equal(t, labelSet(r.Labels), labelSet(got.Labels))

	// Custom labels only: self-hosted is added, read-only; another group of the scope is kept.
	org.AddRunnerGroup(runners.RunnerGroup{ID: 42, Name: "gpu"})
	org.AddRunnerGroup(runners.RunnerGroup{ID: 3, Name: "arm"})
	jit2, err := s.GenerateJITConfig(ctx, &runners.JITConfigRequest{Name: "gpu-1", RunnerGroupID: 42, Labels: []string{"gpu", "linux-large"}})
	require.NoError(t, err)
	assert.Equal(t, int64(42), jit2.Runner.RunnerGroupID)
	assert.Equal(t, []string{"self-hosted:read-only", "gpu:custom", "linux-large:custom"}, labelSet(jit2.Runner.Labels))
	assert.Greater(t, jit2.Runner.ID, r.ID)
	assert.NotEqual(t, jit.EncodedJITConfig, jit2.EncodedJITConfig)

	// The raw answer is 201 with GitHub's field names.
	resp := raw(t, srv, http.MethodPost, "orgs/octo-org/actions/runners/generate-jitconfig", `{"name":"raw-1","runner_group_id":3,"labels":["arm64","big"]}`)
	require.Equal(t, http.StatusCreated, resp.Status, "%s", resp.Body)
	var body struct {
		Runner struct {
			ID            int64  `json:"id"`
			Name          string `json:"name"`
			Status        string `json:"status"`
			RunnerGroupID int64  `json:"runner_group_id"`
		} `json:"runner"`
		EncodedJITConfig string `json:"encoded_jit_config"`
	}
	require.NoError(t, json.Unmarshal(resp.Body, &body))
	assert.Equal(t, "raw-1", body.Runner.Name)
	assert.Equal(t, "offline", body.Runner.Status)
	assert.Equal(t, int64(3), body.Runner.RunnerGroupID)
	assert.NotEmpty(t, body.EncodedJITConfig)
	assert.Len(t, org.Runners(), 5)
}

func TestGenerateJITConfigNameTakenIsConflict(t *testing.T) {
	t.Parallel()
	ctx := t.Context()
	srv := runnerstest.NewServer()
	org := srv.Org("octo-org")
	seedDocumented(t, org)
	srv.Org("other-org")
	srv.Repo("octo-org", "octo-repo")
	srv.Enterprise("octo-org")
	c := srv.Client()
	req := &runners.JITConfigRequest{Name: "jit-1", RunnerGroupID: 1, Labels: []string{"gpu"}}

	first, err := c.Org("octo-org").GenerateJITConfig(ctx, req)
	require.NoError(t, err)
	_, err = c.Org("octo-org").GenerateJITConfig(ctx, req)
	require.ErrorIs(t, err, runners.ErrConflict)
	var apiErr *runners.Error
	require.ErrorAs(t, err, &apiErr)
	assert.Equal(t, http.StatusConflict, apiErr.StatusCode)

	// A name taken by a seeded runner conflicts too.
	_, err = c.Org("octo-org").GenerateJITConfig(ctx, &runners.JITConfigRequest{Name: "mac_runner", RunnerGroupID: 1, Labels: []string{"gpu"}})
	require.ErrorIs(t, err, runners.ErrConflict)

	assert.Equal(t, []string{"linux_runner", "mac_runner", "jit-1"}, namesOf(org.Runners()), "a conflict creates nothing")

	// The same name is free in every other scope.
	for _, s := range []runners.Scope{c.Org("other-org"), c.Repo("octo-org", "octo-repo"), c.Enterprise("octo-org")} {
		jit, err := s.GenerateJITConfig(ctx, req)
		require.NoError(t, err, "%v", s)
		assert.Equal(t, "jit-1", jit.Runner.Name)
		assert.NotEqual(t, first.Runner.ID, jit.Runner.ID, "runner IDs are unique across scopes")
	}
	assert.Equal(t, []string{"jit-1"}, namesOf(srv.Org("other-org").Runners()))

	// Once the runner is gone, its name is free again.
	require.True(t, org.RemoveRunner(first.Runner.ID))
	_, err = c.Org("octo-org").GenerateJITConfig(ctx, req)
	assert.NoError(t, err)
}

func TestGenerateJITConfigValidatesTheBody(t *testing.T) {
	t.Parallel()
	srv := runnerstest.NewServer()
	org := srv.Org("octo-org")
	const path = "orgs/octo-org/actions/runners/generate-jitconfig"
	labels101 := quotedLabels(101)

	assertRefused(t, srv, http.MethodPost, path, []string{
		`{"runner_group_id":1,"labels":["a"]}`,                                             // no name
		`{"name":"r","labels":["a"]}`,                                                      // no runner_group_id
		`{"name":"r","runner_group_id":1}`,                                                 // no labels
		`{"name":"r","runner_group_id":1,"labels":"gpu"}`,                                  // labels not an array
		`{"name":"r","runner_group_id":"1","labels":["a"]}`,                                // runner_group_id a string
		`{"name":5,"runner_group_id":1,"labels":["a"]}`,                                    // name a number
		`{"name":"r","runner_group_id":1,"labels":[1]}`,                                    // a label not a string
		`{"name":"r","runner_group_id":1.5,"labels":["a"]}`,                                // runner_group_id not an integer
		`{"name":null,"runner_group_id":1,"labels":["a"]}`,                                 // null name
		`{"name":"r","runner_group_id":1,"labels":null}`,                                   // null labels
		`{"name":"r","runner_group_id":1,"labels":["a"],"work_folder":7}`,                  // work_folder not a string
		`{"name":"r","runner_group_id":1,"labels":[]}`,                                     // 0 labels
		`{"name":"r","runner_group_id":1,"labels":[` + strings.Join(labels101, ",") + `]}`, // 101 labels
		`["r"]`, // not an object
		`"r"`,
		`null`,
		``,
		`{`,
	}, func(ctx context.Context, s runners.Scope) error {
		_, err := s.GenerateJITConfig(ctx, &runners.JITConfigRequest{Name: "ok", RunnerGroupID: 1, Labels: []string{"a"}})
		return err
	})
	assert.Empty(t, org.Runners(), "a refused body creates nothing")

	// 1 and 100 labels are fine.
	labels100 := strings.Join(labels101[:100], ",")
	r := raw(t, srv, http.MethodPost, path, `{"name":"r100","runner_group_id":1,"labels":[`+labels100+`]}`)
	require.Equal(t, http.StatusCreated, r.Status, "%s", r.Body)
	r = raw(t, srv, http.MethodPost, path, `{"name":"r1","runner_group_id":1,"labels":["a"]}`)
	require.Equal(t, http.StatusCreated, r.Status, "%s", r.Body)
	rs := org.Runners()
	require.Len(t, rs, 2)
	assert.Len(t, rs[0].Labels, 101, "self-hosted and 100 custom labels")
}
