package webhook

import (
	"encoding/json"
	"fmt"
	"time"
)

// WorkflowJobEvent is the payload of a workflow_job delivery: a job was
// queued, is waiting (for a deployment's approval), started on a runner
// (in_progress) or completed.
//
// The JSON tags are GitHub's field names: [json.Marshal] of an event gives a
// payload [ParseWorkflowJob] reads back to an equal event (zero values and nil
// objects are left out where GitHub sends null).
//
// GitHub docs: https://docs.github.com/webhooks/webhook-events-and-payloads#workflow_job
type WorkflowJobEvent struct {
	Action       string        `json:"action"` // "queued", "waiting", "in_progress", "completed", or one GitHub adds later
	WorkflowJob  WorkflowJob   `json:"workflow_job"`
	Repository   *Repository   `json:"repository"`             // never nil in an event ParseWorkflowJob returns
	Organization *Organization `json:"organization,omitempty"` // nil for a user's repository
	Enterprise   *Enterprise   `json:"enterprise,omitempty"`   // nil when not sent (the webhook is not in an enterprise)
	Installation *Installation `json:"installation,omitempty"` // nil when not sent (not a GitHub App's webhook)
	Sender       *User         `json:"sender,omitempty"`       // who caused the event; nil when not sent
}

// WorkflowJob is the job a workflow_job delivery is about.
//
// Fields GitHub sends as null until they are known are zero until then:
// Conclusion until the job completed, CompletedAt likewise, and RunnerID,
// RunnerName, RunnerGroupID and RunnerGroupName until a runner took the job
// (GitHub documents them as null while the job is queued; they are decoded as
// the payload gives them, whatever the action).
type WorkflowJob struct {
	ID              int64     `json:"id"` // the job's ID; never 0 in an event ParseWorkflowJob returns
	RunID           int64     `json:"run_id"`
	RunAttempt      int       `json:"run_attempt,omitzero"`
	Name            string    `json:"name"`
	WorkflowName    string    `json:"workflow_name,omitzero"`
	HeadBranch      string    `json:"head_branch,omitzero"`
	Status          string    `json:"status"`               // "queued", "waiting", "in_progress", "completed"
	Conclusion      string    `json:"conclusion,omitzero"`  // "success", "failure", "cancelled", ...; "" until completed
	Labels          []string  `json:"labels"`               // the labels of the job's runs-on, as written in the workflow
	RunnerID        int64     `json:"runner_id,omitzero"`   // 0 until a runner took the job
	RunnerName      string    `json:"runner_name,omitzero"` // "" until a runner took the job
	RunnerGroupID   int64     `json:"runner_group_id,omitzero"`
	RunnerGroupName string    `json:"runner_group_name,omitzero"`
	CreatedAt       time.Time `json:"created_at,omitzero"` // zero in payloads that predate the field
	StartedAt       time.Time `json:"started_at,omitzero"`
	CompletedAt     time.Time `json:"completed_at,omitzero"` // zero until completed
	HTMLURL         string    `json:"html_url,omitzero"`
}

// Repository is the repository a workflow_job delivery is about.
type Repository struct {
	ID       int64  `json:"id"`
	NodeID   string `json:"node_id,omitzero"`
	Name     string `json:"name"`
	FullName string `json:"full_name"` // "owner/name"
	Private  bool   `json:"private"`
	HTMLURL  string `json:"html_url,omitzero"`
	Owner    *User  `json:"owner,omitempty"`
}

// User is a GitHub account: a user, an organization (as a repository's owner)
// or a bot.
type User struct {
	ID    int64  `json:"id"`
	Login string `json:"login"`
	Type  string `json:"type,omitzero"` // "User", "Organization" or "Bot"
}

// Organization is the organization that owns the repository.
type Organization struct {
	ID    int64  `json:"id"`
	Login string `json:"login"`
}

// Enterprise is the enterprise account the webhook belongs to, when it does.
type Enterprise struct {
	ID   int64  `json:"id"`
	Slug string `json:"slug"`
	Name string `json:"name,omitzero"`
}

// Installation is the GitHub App installation the delivery is for.
type Installation struct {
	ID int64 `json:"id"`
}

// ParseWorkflowJob decodes the JSON payload of a workflow_job delivery (for a
// form-encoded delivery, the value of its payload field).
//
// A payload that is not JSON, or is not a workflow_job payload (no "action",
// no "workflow_job" object with an "id", no "repository"), is an error, and no
// event comes with it. Fields the package does not model are ignored.
// ParseWorkflowJob does not check a signature: use [Verify] (or [NewHandler],
// which does both) on the body first.
//
// GitHub docs: https://docs.github.com/webhooks/webhook-events-and-payloads#workflow_job
func ParseWorkflowJob(body []byte) (*WorkflowJobEvent, error) {
	var ev WorkflowJobEvent
	if err := json.Unmarshal(body, &ev); err != nil {
		return nil, fmt.Errorf("webhook: workflow_job payload: %w", err)
	}
	switch {
	case ev.Action == "":
		return nil, notWorkflowJob(`no "action"`)
	case ev.WorkflowJob.ID <= 0:
		return nil, notWorkflowJob(`no "workflow_job" object with an "id"`)
	case ev.Repository == nil:
		return nil, notWorkflowJob(`no "repository" object`)
	}
	return &ev, nil
}

func notWorkflowJob(problem string) error {
	return fmt.Errorf("webhook: workflow_job payload: %s: not a workflow_job payload", problem)
}
