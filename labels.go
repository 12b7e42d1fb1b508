package runners

import (
	"context"
	"encoding/json"
	"net/http"
)

// maxLabels is the most labels one request may carry.
const maxLabels = 100

// Label is a label of a self-hosted runner.
type Label struct {
	ID   int64     `json:"id,omitempty"`
	Name string    `json:"name"`
	Type LabelType `json:"type,omitempty"`
}

// LabelType tells labels GitHub applies from those a user adds.
type LabelType string

// The label types.
const (
	// LabelReadOnly labels are applied when the runner is configured
	// ("self-hosted", the OS and the architecture); they cannot be removed.
	LabelReadOnly LabelType = "read-only"
	// LabelCustom labels are added by users.
	LabelCustom LabelType = "custom"
)

// UnmarshalJSON decodes the known types to their constants without
// allocating a string for each label of a page.
func (t *LabelType) UnmarshalJSON(b []byte) error {
	switch string(b) {
	case `"read-only"`:
		*t = LabelReadOnly
	case `"custom"`:
		*t = LabelCustom
	default:
		return json.Unmarshal(b, (*string)(t))
	}
	return nil
}

// labelList is the body GitHub answers every label operation with.
type labelList struct {
	TotalCount int      `json:"total_count"`
	Labels     []*Label `json:"labels"`
}

// labelNames is the body of add and set.
type labelNames struct {
	Labels []string `json:"labels"`
}

// ListLabels lists the labels of a self-hosted runner.
//
// GitHub docs:
//   - enterprise: https://docs.github.com/enterprise-cloud@latest/rest/actions/self-hosted-runners#list-labels-for-a-self-hosted-runner-for-an-enterprise
//   - organization: https://docs.github.com/rest/actions/self-hosted-runners#list-labels-for-a-self-hosted-runner-for-an-organization
//   - repository: https://docs.github.com/rest/actions/self-hosted-runners#list-labels-for-a-self-hosted-runner-for-a-repository
//
// Endpoints:
//
//	GET /enterprises/{enterprise}/actions/runners/{runner_id}/labels
//	GET /orgs/{org}/actions/runners/{runner_id}/labels
//	GET /repos/{owner}/{repo}/actions/runners/{runner_id}/labels
func (s scope) ListLabels(ctx context.Context, runnerID int64) ([]*Label, error) {
	return s.labels(ctx, "ListLabels", http.MethodGet, runnerID, "", nil)
}

// AddLabels adds 1 to 100 custom labels to a self-hosted runner and returns
// all its labels.
//
// GitHub docs:
//   - enterprise: https://docs.github.com/enterprise-cloud@latest/rest/actions/self-hosted-runners#add-custom-labels-to-a-self-hosted-runner-for-an-enterprise
//   - organization: https://docs.github.com/rest/actions/self-hosted-runners#add-custom-labels-to-a-self-hosted-runner-for-an-organization
//   - repository: https://docs.github.com/rest/actions/self-hosted-runners#add-custom-labels-to-a-self-hosted-runner-for-a-repository
//
// Endpoints:
//
//	POST /enterprises/{enterprise}/actions/runners/{runner_id}/labels
//	POST /orgs/{org}/actions/runners/{runner_id}/labels
//	POST /repos/{owner}/{repo}/actions/runners/{runner_id}/labels
func (s scope) AddLabels(ctx context.Context, runnerID int64, labels ...string) ([]*Label, error) {
	if len(labels) == 0 {
		return nil, invalidArgf("AddLabels needs at least one label")
	}
	return s.setOrAdd(ctx, "AddLabels", http.MethodPost, runnerID, labels)
}

// SetLabels replaces the custom labels of a self-hosted runner with 0 to 100
// labels (none removes every custom label) and returns all its labels.
// Read-only labels stay.
//
// GitHub docs:
//   - enterprise: https://docs.github.com/enterprise-cloud@latest/rest/actions/self-hosted-runners#set-custom-labels-for-a-self-hosted-runner-for-an-enterprise
//   - organization: https://docs.github.com/rest/actions/self-hosted-runners#set-custom-labels-for-a-self-hosted-runner-for-an-organization
//   - repository: https://docs.github.com/rest/actions/self-hosted-runners#set-custom-labels-for-a-self-hosted-runner-for-a-repository
//
// Endpoints:
//
//	PUT /enterprises/{enterprise}/actions/runners/{runner_id}/labels
//	PUT /orgs/{org}/actions/runners/{runner_id}/labels
//	PUT /repos/{owner}/{repo}/actions/runners/{runner_id}/labels
func (s scope) SetLabels(ctx context.Context, runnerID int64, labels ...string) ([]*Label, error) {
	return s.setOrAdd(ctx, "SetLabels", http.MethodPut, runnerID, labels)
}

// RemoveAllLabels removes every custom label from a self-hosted runner and
// returns the read-only labels that remain.
//
// GitHub docs:
//   - enterprise: https://docs.github.com/enterprise-cloud@latest/rest/actions/self-hosted-runners#remove-all-custom-labels-from-a-self-hosted-runner-for-an-enterprise
//   - organization: https://docs.github.com/rest/actions/self-hosted-runners#remove-all-custom-labels-from-a-self-hosted-runner-for-an-organization
//   - repository: https://docs.github.com/rest/actions/self-hosted-runners#remove-all-custom-labels-from-a-self-hosted-runner-for-a-repository
//
// Endpoints:
//
//	DELETE /enterprises/{enterprise}/actions/runners/{runner_id}/labels
//	DELETE /orgs/{org}/actions/runners/{runner_id}/labels
//	DELETE /repos/{owner}/{repo}/actions/runners/{runner_id}/labels
func (s scope) RemoveAllLabels(ctx context.Context, runnerID int64) ([]*Label, error) {
	return s.labels(ctx, "RemoveAllLabels", http.MethodDelete, runnerID, "", nil)
}

// RemoveLabel removes one custom label from a self-hosted runner and returns
// the labels that remain. A label the runner does not have is [ErrNotFound].
//
// GitHub docs:
//   - enterprise: https://docs.github.com/enterprise-cloud@latest/rest/actions/self-hosted-runners#remove-a-custom-label-from-a-self-hosted-runner-for-an-enterprise
//   - organization: https://docs.github.com/rest/actions/self-hosted-runners#remove-a-custom-label-from-a-self-hosted-runner-for-an-organization
//   - repository: https://docs.github.com/rest/actions/self-hosted-runners#remove-a-custom-label-from-a-self-hosted-runner-for-a-repository
//
// Endpoints:
//
//	DELETE /enterprises/{enterprise}/actions/runners/{runner_id}/labels/{name}
//	DELETE /orgs/{org}/actions/runners/{runner_id}/labels/{name}
//	DELETE /repos/{owner}/{repo}/actions/runners/{runner_id}/labels/{name}
func (s scope) RemoveLabel(ctx context.Context, runnerID int64, name string) ([]*Label, error) {
	seg, err := segment("label name", name)
	if err != nil {
		return nil, err
	}
	return s.labels(ctx, "RemoveLabel", http.MethodDelete, runnerID, "/"+seg, nil)
}

func (s scope) setOrAdd(ctx context.Context, op, method string, runnerID int64, labels []string) ([]*Label, error) {
	if len(labels) > maxLabels {
		return nil, invalidArgf("at most %d labels, got %d", maxLabels, len(labels))
	}
	for i, l := range labels {
		if l == "" {
			return nil, invalidArgf("label %d is empty", i)
		}
	}
	// A copy, never nil: set with no labels must send [], not null.
	return s.labels(ctx, op, method, runnerID, "", labelNames{Labels: append([]string{}, labels...)})
}

// labels calls actions/runners/{runner_id}/labels{suffix} and returns the
// labels GitHub answers with. All but add (a POST) are safe to repeat.
func (s scope) labels(ctx context.Context, op, method string, runnerID int64, suffix string, body any) ([]*Label, error) {
	path, err := runnerPath(runnerID, "/labels"+suffix)
	if err != nil {
		return nil, err
	}
	var list labelList
	r := &request{op: op, method: method, path: path, body: body, out: &list, idempotent: method != http.MethodPost}
	if _, err := s.send(ctx, r); err != nil {
		return nil, err
	}
	return list.Labels, nil
}
