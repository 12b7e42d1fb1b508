package runners

import (
	"context"
	"encoding/json"
	"iter"
	"net/http"
)

// This file is who is in a runner group (its runners) and who may use it (its
// repositories at organization scope, its organizations at enterprise
// scope), written once for both scopes on groupScope.

// GroupAccessList is one page of the repositories (organization scope) or
// organizations (enterprise scope) that may use a runner group.
type GroupAccessList struct {
	TotalCount int
	Access     []*GroupAccess
	// NextPage is the page to ask for next: the Link header's, or, when
	// GitHub sends none, the next one while TotalCount says more follow; 0
	// on the last page.
	NextPage int
}

// GroupAccess is a repository (organization scope) or an organization
// (enterprise scope) that may use a runner group.
type GroupAccess struct {
	ID       int64  `json:"id"`
	NodeID   string `json:"node_id"`
	Name     string `json:"name"`                // the repository's name, or the organization's login
	FullName string `json:"full_name,omitempty"` // repositories only: "owner/name"
}

// groupAccessJSON is what GitHub sends for a [GroupAccess]: the fields we
// keep of a minimal-repository, or of an organization-simple.
type groupAccessJSON struct {
	ID       int64  `json:"id"`
	NodeID   string `json:"node_id"`
	Name     string `json:"name"`      // a repository's
	FullName string `json:"full_name"` // a repository's
	Login    string `json:"login"`     // an organization's
}

// UnmarshalJSON decodes a repository (its name) or an organization (its
// login, as Name).
func (a *GroupAccess) UnmarshalJSON(b []byte) error {
	var w groupAccessJSON
	if err := json.Unmarshal(b, &w); err != nil {
		return err
	}
	*a = GroupAccess{ID: w.ID, NodeID: w.NodeID, Name: w.Name, FullName: w.FullName}
	if a.Name == "" {
		a.Name = w.Login
	}
	return nil
}

// groupAccessPage is the body of an access list, which GitHub names after
// the scope's kind of member.
type groupAccessPage struct {
	TotalCount    int            `json:"total_count"`
	Repositories  []*GroupAccess `json:"repositories"`  // organization scope
	Organizations []*GroupAccess `json:"organizations"` // enterprise scope
}

func (p *groupAccessPage) checkDecoded() error {
	if err := noNil("repositories", p.Repositories); err != nil {
		return err
	}
	return noNil("organizations", p.Organizations)
}

// ListRunnerGroupRunners lists one page of the runners in a runner group.
// Use [GroupScope.AllRunnerGroupRunners] to walk every page. To see the
// runners of every group, list the scope's runners once
// ([Scope.AllRunners]) and look at Runner.RunnerGroupID: one listing costs
// fewer requests than one per group.
//
// At enterprise scope GitHub refuses GitHub App installation tokens: use a
// personal access token (classic) with the manage_runners:enterprise scope.
//
// GitHub docs:
//   - enterprise: https://docs.github.com/enterprise-cloud@latest/rest/actions/self-hosted-runner-groups#list-self-hosted-runners-in-a-group-for-an-enterprise
//   - organization: https://docs.github.com/rest/actions/self-hosted-runner-groups#list-self-hosted-runners-in-a-group-for-an-organization
//
// Endpoints:
//
//	GET /enterprises/{enterprise}/actions/runner-groups/{runner_group_id}/runners
//	GET /orgs/{org}/actions/runner-groups/{runner_group_id}/runners
func (g groupScope) ListRunnerGroupRunners(ctx context.Context, groupID int64, opts *ListOptions) (*RunnerList, error) {
	p, err := g.runnerPage(ctx, groupID, deref(opts))
	if err != nil {
		return nil, err
	}
	return &RunnerList{TotalCount: p.total, Runners: p.items, NextPage: p.next}, nil
}

// AllRunnerGroupRunners walks every page of the runners in a runner group,
// from opts.Page on, asking for 100 a page unless opts.PerPage says
// otherwise. It yields each runner in order; on failure it yields one error
// and stops.
//
// At enterprise scope GitHub refuses GitHub App installation tokens: use a
// personal access token (classic) with the manage_runners:enterprise scope.
//
// GitHub docs:
//   - enterprise: https://docs.github.com/enterprise-cloud@latest/rest/actions/self-hosted-runner-groups#list-self-hosted-runners-in-a-group-for-an-enterprise
//   - organization: https://docs.github.com/rest/actions/self-hosted-runner-groups#list-self-hosted-runners-in-a-group-for-an-organization
//
// Endpoints:
//
//	GET /enterprises/{enterprise}/actions/runner-groups/{runner_group_id}/runners
//	GET /orgs/{org}/actions/runner-groups/{runner_group_id}/runners
func (g groupScope) AllRunnerGroupRunners(ctx context.Context, groupID int64, opts *ListOptions) iter.Seq2[*Runner, error] {
	return walkList(ctx, g.scope, deref(opts), func(ctx context.Context, o ListOptions) (page[*Runner], error) {
		return g.runnerPage(ctx, groupID, o)
	})
}

func (g groupScope) runnerPage(ctx context.Context, groupID int64, o ListOptions) (page[*Runner], error) {
	path, err := groupPath(groupID, "/runners")
	if err != nil {
		return page[*Runner]{}, err
	}
	var list RunnerList
	return fetchPage(ctx, g, "ListRunnerGroupRunners", path, o, &o, &list,
		func() ([]*Runner, int) { return list.Runners, list.TotalCount })
}

// SetRunnerGroupRunners replaces the runners of a runner group with
// runnerIDs; the runners it held go back to the default group. No IDs
// empties the group.
//
// At enterprise scope GitHub refuses GitHub App installation tokens: use a
// personal access token (classic) with the manage_runners:enterprise scope.
//
// GitHub docs:
//   - enterprise: https://docs.github.com/enterprise-cloud@latest/rest/actions/self-hosted-runner-groups#set-self-hosted-runners-in-a-group-for-an-enterprise
//   - organization: https://docs.github.com/rest/actions/self-hosted-runner-groups#set-self-hosted-runners-in-a-group-for-an-organization
//
// Endpoints:
//
//	PUT /enterprises/{enterprise}/actions/runner-groups/{runner_group_id}/runners
//	PUT /orgs/{org}/actions/runner-groups/{runner_group_id}/runners
func (g groupScope) SetRunnerGroupRunners(ctx context.Context, groupID int64, runnerIDs ...int64) error {
	return g.set(ctx, "SetRunnerGroupRunners", groupID, "runners", "runner", "runners", runnerIDs)
}

// AddRunnerToGroup moves a runner of the scope into a runner group.
//
// At enterprise scope GitHub refuses GitHub App installation tokens: use a
// personal access token (classic) with the manage_runners:enterprise scope.
//
// GitHub docs:
//   - enterprise: https://docs.github.com/enterprise-cloud@latest/rest/actions/self-hosted-runner-groups#add-a-self-hosted-runner-to-a-group-for-an-enterprise
//   - organization: https://docs.github.com/rest/actions/self-hosted-runner-groups#add-a-self-hosted-runner-to-a-group-for-an-organization
//
// Endpoints:
//
//	PUT /enterprises/{enterprise}/actions/runner-groups/{runner_group_id}/runners/{runner_id}
//	PUT /orgs/{org}/actions/runner-groups/{runner_group_id}/runners/{runner_id}
func (g groupScope) AddRunnerToGroup(ctx context.Context, groupID, runnerID int64) error {
	return g.member(ctx, "AddRunnerToGroup", http.MethodPut, groupID, "runners", "runner", runnerID)
}

// RemoveRunnerFromGroup takes a runner out of a runner group, back into the
// default group.
//
// At enterprise scope GitHub refuses GitHub App installation tokens: use a
// personal access token (classic) with the manage_runners:enterprise scope.
//
// GitHub docs:
//   - enterprise: https://docs.github.com/enterprise-cloud@latest/rest/actions/self-hosted-runner-groups#remove-a-self-hosted-runner-from-a-group-for-an-enterprise
//   - organization: https://docs.github.com/rest/actions/self-hosted-runner-groups#remove-a-self-hosted-runner-from-a-group-for-an-organization
//
// Endpoints:
//
//	DELETE /enterprises/{enterprise}/actions/runner-groups/{runner_group_id}/runners/{runner_id}
//	DELETE /orgs/{org}/actions/runner-groups/{runner_group_id}/runners/{runner_id}
func (g groupScope) RemoveRunnerFromGroup(ctx context.Context, groupID, runnerID int64) error {
	return g.member(ctx, "RemoveRunnerFromGroup", http.MethodDelete, groupID, "runners", "runner", runnerID)
}

// ListRunnerGroupAccess lists one page of the repositories (organization
// scope) or organizations (enterprise scope) that may use a runner group of
// visibility "selected". Use [GroupScope.AllRunnerGroupAccess] to walk every
// page.
//
// At enterprise scope GitHub refuses GitHub App installation tokens: use a
// personal access token (classic) with the manage_runners:enterprise scope.
//
// GitHub docs:
//   - enterprise: https://docs.github.com/enterprise-cloud@latest/rest/actions/self-hosted-runner-groups#list-organization-access-to-a-self-hosted-runner-group-in-an-enterprise
//   - organization: https://docs.github.com/rest/actions/self-hosted-runner-groups#list-repository-access-to-a-self-hosted-runner-group-in-an-organization
//
// Endpoints:
//
//	GET /enterprises/{enterprise}/actions/runner-groups/{runner_group_id}/organizations
//	GET /orgs/{org}/actions/runner-groups/{runner_group_id}/repositories
func (g groupScope) ListRunnerGroupAccess(ctx context.Context, groupID int64, opts *ListOptions) (*GroupAccessList, error) {
	p, err := g.accessPage(ctx, groupID, deref(opts))
	if err != nil {
		return nil, err
	}
	return &GroupAccessList{TotalCount: p.total, Access: p.items, NextPage: p.next}, nil
}

// AllRunnerGroupAccess walks every page of the repositories (organization
// scope) or organizations (enterprise scope) that may use a runner group,
// from opts.Page on, asking for 100 a page unless opts.PerPage says
// otherwise. It yields each in order; on failure it yields one error and
// stops.
//
// At enterprise scope GitHub refuses GitHub App installation tokens: use a
// personal access token (classic) with the manage_runners:enterprise scope.
//
// GitHub docs:
//   - enterprise: https://docs.github.com/enterprise-cloud@latest/rest/actions/self-hosted-runner-groups#list-organization-access-to-a-self-hosted-runner-group-in-an-enterprise
//   - organization: https://docs.github.com/rest/actions/self-hosted-runner-groups#list-repository-access-to-a-self-hosted-runner-group-in-an-organization
//
// Endpoints:
//
//	GET /enterprises/{enterprise}/actions/runner-groups/{runner_group_id}/organizations
//	GET /orgs/{org}/actions/runner-groups/{runner_group_id}/repositories
func (g groupScope) AllRunnerGroupAccess(ctx context.Context, groupID int64, opts *ListOptions) iter.Seq2[*GroupAccess, error] {
	return walkList(ctx, g.scope, deref(opts), func(ctx context.Context, o ListOptions) (page[*GroupAccess], error) {
		return g.accessPage(ctx, groupID, o)
	})
}

func (g groupScope) accessPage(ctx context.Context, groupID int64, o ListOptions) (page[*GroupAccess], error) {
	path, err := groupPath(groupID, "/"+g.kind.access)
	if err != nil {
		return page[*GroupAccess]{}, err
	}
	var p groupAccessPage
	items := &p.Organizations
	if g.kind == orgGroups {
		items = &p.Repositories
	}
	return fetchPage(ctx, g, "ListRunnerGroupAccess", path, o, &o, &p,
		func() ([]*GroupAccess, int) { return *items, p.TotalCount })
}

// SetRunnerGroupAccess replaces the repositories (organization scope, by
// repository ID) or organizations (enterprise scope, by organization ID)
// that may use a runner group of visibility "selected". No IDs leaves none.
//
// At enterprise scope GitHub refuses GitHub App installation tokens: use a
// personal access token (classic) with the manage_runners:enterprise scope.
//
// GitHub docs:
//   - enterprise: https://docs.github.com/enterprise-cloud@latest/rest/actions/self-hosted-runner-groups#set-organization-access-for-a-self-hosted-runner-group-in-an-enterprise
//   - organization: https://docs.github.com/rest/actions/self-hosted-runner-groups#set-repository-access-for-a-self-hosted-runner-group-in-an-organization
//
// Endpoints:
//
//	PUT /enterprises/{enterprise}/actions/runner-groups/{runner_group_id}/organizations
//	PUT /orgs/{org}/actions/runner-groups/{runner_group_id}/repositories
func (g groupScope) SetRunnerGroupAccess(ctx context.Context, groupID int64, ids ...int64) error {
	return g.set(ctx, "SetRunnerGroupAccess", groupID, g.kind.access, g.kind.accessWhat, g.kind.accessIDs, ids)
}

// AddRunnerGroupAccess lets a repository (organization scope, by repository
// ID) or an organization (enterprise scope, by organization ID) use a runner
// group of visibility "selected".
//
// At enterprise scope GitHub refuses GitHub App installation tokens: use a
// personal access token (classic) with the manage_runners:enterprise scope.
//
// GitHub docs:
//   - enterprise: https://docs.github.com/enterprise-cloud@latest/rest/actions/self-hosted-runner-groups#add-organization-access-to-a-self-hosted-runner-group-in-an-enterprise
//   - organization: https://docs.github.com/rest/actions/self-hosted-runner-groups#add-repository-access-to-a-self-hosted-runner-group-in-an-organization
//
// Endpoints:
//
//	PUT /enterprises/{enterprise}/actions/runner-groups/{runner_group_id}/organizations/{org_id}
//	PUT /orgs/{org}/actions/runner-groups/{runner_group_id}/repositories/{repository_id}
func (g groupScope) AddRunnerGroupAccess(ctx context.Context, groupID, id int64) error {
	return g.member(ctx, "AddRunnerGroupAccess", http.MethodPut, groupID, g.kind.access, g.kind.accessWhat, id)
}

// RemoveRunnerGroupAccess stops a repository (organization scope, by
// repository ID) or an organization (enterprise scope, by organization ID)
// from using a runner group.
//
// At enterprise scope GitHub refuses GitHub App installation tokens: use a
// personal access token (classic) with the manage_runners:enterprise scope.
//
// GitHub docs:
//   - enterprise: https://docs.github.com/enterprise-cloud@latest/rest/actions/self-hosted-runner-groups#remove-organization-access-to-a-self-hosted-runner-group-in-an-enterprise
//   - organization: https://docs.github.com/rest/actions/self-hosted-runner-groups#remove-repository-access-to-a-self-hosted-runner-group-in-an-organization
//
// Endpoints:
//
//	DELETE /enterprises/{enterprise}/actions/runner-groups/{runner_group_id}/organizations/{org_id}
//	DELETE /orgs/{org}/actions/runner-groups/{runner_group_id}/repositories/{repository_id}
func (g groupScope) RemoveRunnerGroupAccess(ctx context.Context, groupID, id int64) error {
	return g.member(ctx, "RemoveRunnerGroupAccess", http.MethodDelete, groupID, g.kind.access, g.kind.accessWhat, id)
}

// set replaces the list {groupID}/{segment} with ids, sent as {field: ids}:
// an empty list for no IDs, never null.
func (g groupScope) set(ctx context.Context, op string, groupID int64, segment, what, field string, ids []int64) error {
	path, err := groupPath(groupID, "/"+segment)
	if err != nil {
		return err
	}
	ids = append([]int64{}, ids...) // copied, then checked: the list sent is the one checked
	if err := positiveIDs(what, ids); err != nil {
		return err
	}
	_, err = g.send(ctx, put(op, path, map[string][]int64{field: ids}, nil))
	return err
}

// member adds (PUT) or removes (DELETE) one entry, {groupID}/{segment}/{id},
// without a body.
func (g groupScope) member(ctx context.Context, op, method string, groupID int64, segment, what string, id int64) error {
	path, err := groupPath(groupID, "/"+segment)
	if err != nil {
		return err
	}
	idPath, err := pathID(what, id)
	if err != nil {
		return err
	}
	_, err = g.send(ctx, &request{op: op, method: method, path: path + idPath, idempotent: true})
	return err
}
