package webhook

import (
	"bytes"
	"encoding/json"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func utc(s string) time.Time {
	t, err := time.Parse(time.RFC3339, s)
	if err != nil {
		panic(err)
	}
	return t
}

// wantFixtures is each fixture's event, read off the JSON by hand.
var wantFixtures = map[string]*WorkflowJobEvent{
	"workflow_job_docs.json": {
		Action: "queued",
		WorkflowJob: WorkflowJob{
			ID:              2832853555,
			RunID:           940463255,
			Name:            "Test workflow",
			Status:          "queued",
			Labels:          []string{"gpu", "db-app", "dc-03"},
			RunnerID:        1,
			RunnerName:      "my runner",
			RunnerGroupID:   2,
			RunnerGroupName: "my runner group",
			StartedAt:       utc("2021-06-15T19:22:27Z"),
			HTMLURL:         "https://github.com/octo-org/example-workflow/runs/2832853555",
		},
		Repository: &Repository{
			ID:       376034443,
			NodeID:   "MDEwOlJlcG9zaXRvcnkzNzYwMzQ0ND55",
			Name:     "example-workflow",
			FullName: "octo-org/example-workflow",
			Private:  true,
			HTMLURL:  "https://github.com/octo-org/example-workflow",
			Owner:    &User{ID: 33435655, Login: "octo-org", Type: "Organization"},
		},
		Organization: &Organization{ID: 33435655, Login: "octo-org"},
		Sender:       &User{ID: 319655, Login: "octocat", Type: "User"},
	},
	"workflow_job_queued.json": {
		Action: "queued",
		WorkflowJob: WorkflowJob{
			ID:           12877621891,
			RunID:        4747967848,
			RunAttempt:   1,
			Name:         "test",
			WorkflowName: "Env Test",
			HeadBranch:   "main",
			Status:       "waiting",
			Labels:       []string{"self-hosted", "k8s"},
			CreatedAt:    utc("2023-04-19T21:12:12Z"),
			StartedAt:    utc("2023-04-19T21:12:12Z"),
			HTMLURL:      "https://github.com/lineville/elastic-machines-testing/actions/runs/4747967848/jobs/8433573014",
		},
		Repository: &Repository{
			ID:       591427149,
			NodeID:   "R_kgDOI0B2TQ",
			Name:     "elastic-machines-testing",
			FullName: "lineville/elastic-machines-testing",
			HTMLURL:  "https://github.com/lineville/elastic-machines-testing",
			Owner:    &User{ID: 25349044, Login: "lineville", Type: "User"},
		},
		Installation: &Installation{ID: 23154469},
		Sender:       &User{ID: 25349044, Login: "lineville", Type: "User"},
	},
	"workflow_job_in_progress.json": {
		Action: "in_progress",
		WorkflowJob: WorkflowJob{
			ID:              14541957942,
			RunID:           5373506832,
			RunAttempt:      1,
			Name:            "Do examples need to be regenerated?",
			WorkflowName:    "Test",
			HeadBranch:      "renovate/got-13.x",
			Status:          "in_progress",
			Labels:          []string{"ubuntu-latest"},
			RunnerID:        6,
			RunnerName:      "GitHub Actions 6",
			RunnerGroupID:   2,
			RunnerGroupName: "GitHub Actions",
			CreatedAt:       utc("2023-06-26T03:31:29Z"),
			StartedAt:       utc("2023-06-26T03:31:36Z"),
			HTMLURL:         "https://github.com/wolfy1339/github-events-schemas/actions/runs/5373506832/jobs/9747952373",
		},
		Repository: &Repository{
			ID:       445650657,
			NodeID:   "R_kgDOGpAW4Q",
			Name:     "github-events-schemas",
			FullName: "wolfy1339/github-events-schemas",
			HTMLURL:  "https://github.com/wolfy1339/github-events-schemas",
			Owner:    &User{ID: 4595477, Login: "wolfy1339", Type: "User"},
		},
		Installation: &Installation{ID: 3456996},
		Sender:       &User{ID: 29139614, Login: "renovate[bot]", Type: "Bot"},
	},
	"workflow_job_completed.json": {
		Action: "completed",
		WorkflowJob: WorkflowJob{
			ID:              289782451,
			RunID:           2202229078,
			RunAttempt:      1,
			Name:            "linters",
			Status:          "completed",
			Conclusion:      "success",
			Labels:          []string{"ubuntu-latest"},
			RunnerID:        5,
			RunnerName:      "GitHub Actions 5",
			RunnerGroupID:   2,
			RunnerGroupName: "GitHub Actions",
			StartedAt:       utc("2021-08-05T10:34:58Z"),
			CompletedAt:     utc("2021-08-05T10:38:16Z"),
			HTMLURL:         "https://github.com/octo-org/octo-repo/runs/1291536064",
		},
		Repository: &Repository{
			ID:       186853002,
			NodeID:   "MDEwOlJlcG9zaXRvcnkxODY4NTMwMDI=",
			Name:     "Hello-World",
			FullName: "Codertocat/Hello-World",
			HTMLURL:  "https://github.com/Codertocat/Hello-World",
			Owner:    &User{ID: 38302899, Login: "Octocoders", Type: "Organization"},
		},
		Organization: &Organization{ID: 38302899, Login: "Octocoders"},
		Sender:       &User{ID: 21031067, Login: "Codertocat", Type: "User"},
	},
}

func TestParseWorkflowJobGitHubExamples(t *testing.T) {
	t.Parallel()
	require.Len(t, wantFixtures, len(fixtures))
	for _, name := range fixtures {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			got, err := ParseWorkflowJob(fixture(t, name))
			require.NoError(t, err)
			want := wantFixtures[name]
			// Field by field first, for a readable failure; then the whole.
			assert.Equal(t, want.Action, got.Action)
			assert.Equal(t, want.WorkflowJob, got.WorkflowJob)
			assert.Equal(t, want.Repository, got.Repository)
			assert.Equal(t, want.Organization, got.Organization)
			assert.Equal(t, want.Enterprise, got.Enterprise)
			assert.Equal(t, want.Installation, got.Installation)
			assert.Equal(t, want.Sender, got.Sender)
			assert.Equal(t, want, got)
		})
	}
}

// TestParseWorkflowJobNullsAreZero checks the fields GitHub sends as null
// until they are known, in the example of a job no runner has taken yet.
func TestParseWorkflowJobNullsAreZero(t *testing.T) {
	t.Parallel()
	body := fixture(t, "workflow_job_queued.json")
	for _, null := range []string{`"runner_id": null`, `"runner_name": null`, `"runner_group_id": null`,
		`"runner_group_name": null`, `"conclusion": null`, `"completed_at": null`} {
		require.Contains(t, string(body), null, "the fixture sends it")
	}
	ev, err := ParseWorkflowJob(body)
	require.NoError(t, err)
	j := ev.WorkflowJob
	assert.Zero(t, j.RunnerID)
	assert.Empty(t, j.RunnerName)
	assert.Zero(t, j.RunnerGroupID)
	assert.Empty(t, j.RunnerGroupName)
	assert.Empty(t, j.Conclusion)
	assert.True(t, j.CompletedAt.IsZero())
	assert.False(t, j.StartedAt.IsZero())
	assert.Nil(t, ev.Organization, "a user's repository")
	assert.Nil(t, ev.Enterprise)
}

func TestParseWorkflowJobEnterprise(t *testing.T) {
	t.Parallel()
	// None of GitHub's examples has an enterprise: add one with the fields of
	// GitHub's enterprise-webhooks schema to the docs' example.
	var payload map[string]json.RawMessage
	require.NoError(t, json.Unmarshal(fixture(t, "workflow_job_docs.json"), &payload))
	payload["enterprise"] = json.RawMessage(`{
		"description": "The octo business", "html_url": "https://github.com/enterprises/octo-business",
		"website_url": null, "id": 42, "node_id": "MDEwOkVudGVycHJpc2U0Mg==", "name": "Octo Business",
		"slug": "octo-business", "created_at": "2019-01-26T19:01:12Z", "updated_at": "2019-01-26T19:14:43Z",
		"avatar_url": "https://avatars.githubusercontent.com/b/42?v=4"}`)
	body, err := json.Marshal(payload)
	require.NoError(t, err)

	ev, err := ParseWorkflowJob(body)
	require.NoError(t, err)
	assert.Equal(t, &Enterprise{ID: 42, Slug: "octo-business", Name: "Octo Business"}, ev.Enterprise)
	want := *wantFixtures["workflow_job_docs.json"]
	want.Enterprise = ev.Enterprise
	assert.Equal(t, &want, ev, "the rest as without it")
}

func TestParseWorkflowJobRefuses(t *testing.T) {
	t.Parallel()
	docs := fixture(t, "workflow_job_docs.json")
	cases := []struct {
		name, body, inMessage string
	}{
		{"empty", ``, "unexpected end of JSON input"},
		{"white space", " \n", "unexpected end of JSON input"},
		{"null", `null`, `no "action"`},
		{"an array", `[]`, "cannot unmarshal array"},
		{"an empty object", `{}`, `no "action"`},
		{"no action", `{"workflow_job":{"id":1},"repository":{"id":2}}`, `no "action"`},
		{"an empty action", `{"action":"","workflow_job":{"id":1},"repository":{"id":2}}`, `no "action"`},
		{"no workflow_job", `{"action":"queued","repository":{"id":2}}`, `no "workflow_job" object with an "id"`},
		{"a null workflow_job", `{"action":"queued","workflow_job":null,"repository":{"id":2}}`, `no "workflow_job" object`},
		{"an empty workflow_job", `{"action":"queued","workflow_job":{},"repository":{"id":2}}`, `no "workflow_job" object`},
		{"a null id", `{"action":"queued","workflow_job":{"id":null},"repository":{"id":2}}`, `no "workflow_job" object`},
		{"a negative id", `{"action":"queued","workflow_job":{"id":-1},"repository":{"id":2}}`, `no "workflow_job" object`},
		{"no repository", `{"action":"queued","workflow_job":{"id":1}}`, `no "repository" object`},
		{"a null repository", `{"action":"queued","workflow_job":{"id":1},"repository":null}`, `no "repository" object`},
		{"a string workflow_job", `{"action":"queued","workflow_job":"1","repository":{"id":2}}`, "cannot unmarshal string"},
		{"a string id", `{"action":"queued","workflow_job":{"id":"1"},"repository":{"id":2}}`, "cannot unmarshal string"},
		{"a fractional id", `{"action":"queued","workflow_job":{"id":1.5},"repository":{"id":2}}`, "cannot unmarshal number"},
		{"an id beyond int64", `{"action":"queued","workflow_job":{"id":9223372036854775808},"repository":{"id":2}}`, "cannot unmarshal number"},
		{"a bad time", `{"action":"queued","workflow_job":{"id":1,"started_at":"yesterday"},"repository":{"id":2}}`, "cannot parse"},
		{"a string label list", `{"action":"queued","workflow_job":{"id":1,"labels":"linux"},"repository":{"id":2}}`, "cannot unmarshal string"},
		{"a ping payload", `{"zen":"Design for failure.","hook_id":1,"hook":{"type":"Organization"}}`, `no "action"`},
		{"a workflow_run payload", `{"action":"requested","workflow_run":{"id":1},"repository":{"id":2}}`, `no "workflow_job" object`},
		{"cut off", string(docs[:len(docs)/2]), "unexpected end of JSON input"},
		{"trailing data", string(docs) + "{}", "invalid character"},
		{"form-encoded", "payload=" + string(docs[:10]), "invalid character"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			ev, err := ParseWorkflowJob([]byte(tc.body))
			require.Error(t, err)
			assert.Nil(t, ev, "no event with an error")
			assert.True(t, strings.HasPrefix(err.Error(), "webhook: workflow_job payload: "), err.Error())
			assert.Contains(t, err.Error(), tc.inMessage)
		})
	}
}

func TestParseWorkflowJobMinimal(t *testing.T) {
	t.Parallel()
	ev, err := ParseWorkflowJob([]byte(`{"action":"some_new_action","workflow_job":{"id":7},"repository":{"id":2}}`))
	require.NoError(t, err, "an action GitHub adds later is not refused")
	assert.Equal(t, &WorkflowJobEvent{
		Action:      "some_new_action",
		WorkflowJob: WorkflowJob{ID: 7},
		Repository:  &Repository{ID: 2},
	}, ev)
}

// TestWorkflowJobEventMarshalRoundTrip checks that json.Marshal of an event
// gives a payload that ParseWorkflowJob reads back to the same event, with the
// fields GitHub sends as null left out.
func TestWorkflowJobEventMarshalRoundTrip(t *testing.T) {
	t.Parallel()
	for _, name := range fixtures {
		ev, err := ParseWorkflowJob(fixture(t, name))
		require.NoError(t, err)
		b, err := json.Marshal(ev)
		require.NoError(t, err)
		back, err := ParseWorkflowJob(b)
		require.NoError(t, err, name)
		assert.Equal(t, ev, back, name)
	}

	ev, err := ParseWorkflowJob(fixture(t, "workflow_job_queued.json"))
	require.NoError(t, err)
	b, err := json.Marshal(ev)
	require.NoError(t, err)
	for _, absent := range []string{"runner_id", "runner_name", "runner_group_id", "runner_group_name",
		"conclusion", "completed_at", "organization", "enterprise"} {
		assert.NotContains(t, string(b), `"`+absent+`"`)
	}
	assert.Contains(t, string(b), `"labels":["self-hosted","k8s"]`)
	assert.Contains(t, string(b), `"created_at":"2023-04-19T21:12:12Z"`)
}

// FuzzParseWorkflowJob checks that ParseWorkflowJob never panics, returns an
// event or an error (never both, never neither), that an event has what the
// parser promises, and that it survives json.Marshal and a second parse.
func FuzzParseWorkflowJob(f *testing.F) {
	for _, name := range fixtures {
		f.Add(fixture(f, name))
	}
	for _, s := range []string{``, `null`, `{}`, `[]`, `{"action":"queued","workflow_job":{"id":1},"repository":{}}`,
		`{"action":"queued","workflow_job":{"id":1,"completed_at":"2021-08-05T10:38:16+14:00"},"repository":{}}`,
		`{"ACTION":"queued","Workflow_Job":{"ID":1},"repository":{"owner":null}}`,
		`{"action":"\xff","workflow_job":{"id":1,"labels":[null,"x"]},"repository":{}}`,
	} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, body []byte) {
		ev, err := ParseWorkflowJob(body)
		if (ev == nil) == (err == nil) {
			t.Fatalf("got %v and %v", ev, err)
		}
		if err != nil {
			return
		}
		if ev.Action == "" || ev.WorkflowJob.ID <= 0 || ev.Repository == nil {
			t.Fatalf("an event without action, job ID or repository: %+v", ev)
		}
		b, err := json.Marshal(ev)
		if err != nil {
			t.Fatalf("marshal: %v", err)
		}
		back, err := ParseWorkflowJob(b)
		if err != nil {
			t.Fatalf("a marshalled event does not parse: %v\n%s", err, b)
		}
		b2, err := json.Marshal(back)
		if err != nil || !bytes.Equal(b, b2) {
			t.Fatalf("not the same after a round trip (%v):\n%s\n%s", err, b, b2)
		}
	})
}
