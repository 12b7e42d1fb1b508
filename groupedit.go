package runners

import (
	"context"
	"encoding/json"
	"net/http"
	"slices"
)

// This file is the create and update of a runner group: the bodies sent, and
// the checks that differ between organization and enterprise scope.

// groupCreateBody is the body of CreateRunnerGroup. Only the scope's own
// list of access IDs is ever set.
type groupCreateBody struct {
	Name                     string          `json:"name"`
	Visibility               GroupVisibility `json:"visibility,omitempty"`
	SelectedRepositoryIDs    []int64         `json:"selected_repository_ids,omitempty"`
	SelectedOrganizationIDs  []int64         `json:"selected_organization_ids,omitempty"`
	Runners                  []int64         `json:"runners,omitempty"`
	AllowsPublicRepositories bool            `json:"allows_public_repositories"`
	RestrictedToWorkflows    bool            `json:"restricted_to_workflows"`
	SelectedWorkflows        []string        `json:"selected_workflows,omitempty"`
	NetworkConfigurationID   string          `json:"network_configuration_id,omitempty"`
}

// CreateRunnerGroup creates a runner group. Name is required; visibility
// "private" and SelectedRepositoryIDs are for organization scope,
// SelectedOrganizationIDs for enterprise scope. A create is not safe to
// repeat: a retry after a lost answer could create a second group.
//
// At enterprise scope GitHub refuses GitHub App installation tokens: use a
// personal access token (classic) with the manage_runners:enterprise scope.
//
// GitHub docs:
//   - enterprise: https://docs.github.com/enterprise-cloud@latest/rest/actions/self-hosted-runner-groups#create-a-self-hosted-runner-group-for-an-enterprise
//   - organization: https://docs.github.com/rest/actions/self-hosted-runner-groups#create-a-self-hosted-runner-group-for-an-organization
//
// Endpoints:
//
//	POST /enterprises/{enterprise}/actions/runner-groups
//	POST /orgs/{org}/actions/runner-groups
func (g groupScope) CreateRunnerGroup(ctx context.Context, req *RunnerGroupRequest) (*RunnerGroup, error) {
	if req == nil {
		return nil, invalidArgf("runner group request is nil")
	}
	// Copied first, then checked: the request sent is the one checked.
	body := &groupCreateBody{
		Name: req.Name, Visibility: req.Visibility,
		SelectedRepositoryIDs: slices.Clone(req.SelectedRepositoryIDs), SelectedOrganizationIDs: slices.Clone(req.SelectedOrganizationIDs),
		Runners: slices.Clone(req.RunnerIDs), AllowsPublicRepositories: req.AllowsPublicRepositories,
		RestrictedToWorkflows: req.RestrictedToWorkflows, SelectedWorkflows: slices.Clone(req.SelectedWorkflows),
		NetworkConfigurationID: req.NetworkConfigurationID,
	}
	if err := g.kind.checkCreate(body); err != nil {
		return nil, err
	}
	return g.group(ctx, post("CreateRunnerGroup", "actions/runner-groups", body, nil))
}

func (k *groupKind) checkCreate(b *groupCreateBody) error {
	own, foreign, foreignField := b.SelectedRepositoryIDs, b.SelectedOrganizationIDs, "SelectedOrganizationIDs"
	if k != orgGroups {
		own, foreign, foreignField = foreign, own, "SelectedRepositoryIDs"
	}
	switch {
	case b.Name == "":
		return invalidArgf("runner group request has no name")
	case len(foreign) > 0:
		return invalidArgf("runner group request: %s is not for %s scope", foreignField, k.scope)
	}
	if err := k.checkVisibility(b.Visibility); err != nil {
		return err
	}
	if err := positiveIDs(k.accessWhat, own); err != nil {
		return err
	}
	return positiveIDs("runner", b.Runners)
}

// checkVisibility refuses "private" where it does not exist.
func (k *groupKind) checkVisibility(v GroupVisibility) error {
	if v == GroupVisibilityPrivate && !k.private {
		return invalidArgf("runner group visibility %q exists at organization scope only", v)
	}
	return nil
}

// groupUpdateBody is the body of UpdateRunnerGroup: nil fields are not sent.
type groupUpdateBody struct {
	Name                     *string          `json:"name,omitempty"`
	Visibility               *GroupVisibility `json:"visibility,omitempty"`
	AllowsPublicRepositories *bool            `json:"allows_public_repositories,omitempty"`
	RestrictedToWorkflows    *bool            `json:"restricted_to_workflows,omitempty"`
	SelectedWorkflows        *[]string        `json:"selected_workflows,omitempty"` // never a nil slice: GitHub refuses null
	NetworkConfigurationID   *nullString      `json:"network_configuration_id,omitempty"`
}

// nullString is a string sent as null when empty.
type nullString string

func (s nullString) MarshalJSON() ([]byte, error) {
	if s == "" {
		return []byte("null"), nil
	}
	return json.Marshal(string(s))
}

// UpdateRunnerGroup changes a runner group and returns it as updated. Only
// the fields of upd that are set are sent: &[]string{} sends an empty
// SelectedWorkflows, Ptr("") a null NetworkConfigurationID. At organization
// scope Name is required (GitHub's description requires it on every update);
// visibility "private" exists at organization scope only. A PATCH that sets
// the same fields again changes nothing more, so a retry may repeat it.
//
// At enterprise scope GitHub refuses GitHub App installation tokens: use a
// personal access token (classic) with the manage_runners:enterprise scope.
//
// GitHub docs:
//   - enterprise: https://docs.github.com/enterprise-cloud@latest/rest/actions/self-hosted-runner-groups#update-a-self-hosted-runner-group-for-an-enterprise
//   - organization: https://docs.github.com/rest/actions/self-hosted-runner-groups#update-a-self-hosted-runner-group-for-an-organization
//
// Endpoints:
//
//	PATCH /enterprises/{enterprise}/actions/runner-groups/{runner_group_id}
//	PATCH /orgs/{org}/actions/runner-groups/{runner_group_id}
func (g groupScope) UpdateRunnerGroup(ctx context.Context, groupID int64, upd *RunnerGroupUpdate) (*RunnerGroup, error) {
	path, err := groupPath(groupID, "")
	if err != nil {
		return nil, err
	}
	body, err := g.kind.updateBody(upd)
	if err != nil {
		return nil, err
	}
	r := &request{op: "UpdateRunnerGroup", method: http.MethodPatch, path: path, body: body, idempotent: true}
	return g.group(ctx, r)
}

// updateBody copies upd into the body to send, and checks the copy.
func (k *groupKind) updateBody(upd *RunnerGroupUpdate) (*groupUpdateBody, error) {
	if upd == nil {
		return nil, invalidArgf("runner group update is nil")
	}
	b := &groupUpdateBody{
		Name: copyPtr(upd.Name), Visibility: copyPtr(upd.Visibility),
		AllowsPublicRepositories: copyPtr(upd.AllowsPublicRepositories), RestrictedToWorkflows: copyPtr(upd.RestrictedToWorkflows),
	}
	if upd.SelectedWorkflows != nil {
		b.SelectedWorkflows = Ptr(append([]string{}, *upd.SelectedWorkflows...))
	}
	if upd.NetworkConfigurationID != nil {
		b.NetworkConfigurationID = Ptr(nullString(*upd.NetworkConfigurationID))
	}
	switch {
	case b.Name == nil && k.needsName:
		return nil, invalidArgf("runner group update has no name, which every %s update needs (the current name keeps it)", k.scope)
	case b.Name != nil && *b.Name == "":
		return nil, invalidArgf("runner group update has an empty name")
	case b.Visibility != nil:
		if err := k.checkVisibility(*b.Visibility); err != nil {
			return nil, err
		}
	}
	return b, nil
}

// copyPtr returns a pointer to a copy of *p, or nil.
func copyPtr[T any](p *T) *T {
	if p == nil {
		return nil
	}
	return Ptr(*p)
}
