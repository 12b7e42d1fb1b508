package runners

import (
	"context"
	"errors"
	"iter"
	"net/http"
	"net/url"
	"strings"
)

// This file is the runner group endpoint group: the group models, what
// differs between organization and enterprise groups, and the group
// operations themselves (groupaccess.go holds the member and access
// operations). Every operation is written once, on groupScope, which only
// [OrgService] and [EnterpriseService] embed: repositories have no runner
// groups.

// GroupScope is a scope that has runner groups: an organization
// ([Client.Org]) or an enterprise ([Client.Enterprise]), never a repository.
// Methods may be added to it in later versions; a test double should embed
// the interface.
//
// Enterprise runner group operations refuse GitHub App installation tokens
// (GitHub's description: enabledForGitHubApps false); they need a personal
// access token (classic) or OAuth app token with the manage_runners:enterprise
// scope. A 403 answer to one says so in its [Error] message.
type GroupScope interface {
	Scope
	ListRunnerGroups(ctx context.Context, opts *ListRunnerGroupsOptions) (*RunnerGroupList, error)
	AllRunnerGroups(ctx context.Context, opts *ListRunnerGroupsOptions) iter.Seq2[*RunnerGroup, error]
	GetRunnerGroup(ctx context.Context, groupID int64) (*RunnerGroup, error)
	CreateRunnerGroup(ctx context.Context, req *RunnerGroupRequest) (*RunnerGroup, error)
	UpdateRunnerGroup(ctx context.Context, groupID int64, upd *RunnerGroupUpdate) (*RunnerGroup, error)
	DeleteRunnerGroup(ctx context.Context, groupID int64) error

	ListRunnerGroupRunners(ctx context.Context, groupID int64, opts *ListOptions) (*RunnerList, error)
	AllRunnerGroupRunners(ctx context.Context, groupID int64, opts *ListOptions) iter.Seq2[*Runner, error]
	SetRunnerGroupRunners(ctx context.Context, groupID int64, runnerIDs ...int64) error
	AddRunnerToGroup(ctx context.Context, groupID, runnerID int64) error
	RemoveRunnerFromGroup(ctx context.Context, groupID, runnerID int64) error

	// Repositories (organization scope) or organizations (enterprise scope) that may use the group.
	ListRunnerGroupAccess(ctx context.Context, groupID int64, opts *ListOptions) (*GroupAccessList, error)
	AllRunnerGroupAccess(ctx context.Context, groupID int64, opts *ListOptions) iter.Seq2[*GroupAccess, error]
	SetRunnerGroupAccess(ctx context.Context, groupID int64, ids ...int64) error
	AddRunnerGroupAccess(ctx context.Context, groupID, id int64) error
	RemoveRunnerGroupAccess(ctx context.Context, groupID, id int64) error
}

// GroupVisibility is which repositories (organization scope) or
// organizations (enterprise scope) may use a runner group.
type GroupVisibility string

// The visibilities GitHub's description lists.
const (
	GroupVisibilityAll      GroupVisibility = "all"      // every repository, or every organization
	GroupVisibilitySelected GroupVisibility = "selected" // those given access ([GroupScope.SetRunnerGroupAccess])
	GroupVisibilityPrivate  GroupVisibility = "private"  // organization scope only: the private repositories
)

// RunnerGroup is a self-hosted runner group. It models both of GitHub's
// schemas, runner-groups-org and runner-groups-enterprise; a field the
// scope's schema lacks is left zero. Visibility is whatever GitHub sent.
type RunnerGroup struct {
	ID         int64           `json:"id"` // typed "number" in GitHub's description; always an integer
	Name       string          `json:"name"`
	Visibility GroupVisibility `json:"visibility"`
	Default    bool            `json:"default"` // the scope's default group, which runners join unless told otherwise
	// Inherited is true at organization scope for a group that comes from
	// the enterprise.
	Inherited                bool     `json:"inherited"`
	AllowsPublicRepositories bool     `json:"allows_public_repositories"`
	RestrictedToWorkflows    bool     `json:"restricted_to_workflows"` // only SelectedWorkflows may use the group
	SelectedWorkflows        []string `json:"selected_workflows,omitempty"`
	RunnersURL               string   `json:"runners_url"`
	// SelectedRepositoriesURL is sent at organization scope for visibility
	// "selected", SelectedOrganizationsURL at enterprise scope.
	SelectedRepositoriesURL  string `json:"selected_repositories_url,omitempty"`
	SelectedOrganizationsURL string `json:"selected_organizations_url,omitempty"`
	// InheritedAllowsPublicRepositories is the enterprise's setting for an
	// inherited group.
	InheritedAllowsPublicRepositories bool `json:"inherited_allows_public_repositories,omitempty"`
	// WorkflowRestrictionsReadOnly means RestrictedToWorkflows and
	// SelectedWorkflows cannot be changed.
	WorkflowRestrictionsReadOnly bool `json:"workflow_restrictions_read_only"`
	// HostedRunnersURL and NetworkConfigurationID are sent by GitHub.com and
	// GHE.com, not by GitHub Enterprise Server.
	HostedRunnersURL       string `json:"hosted_runners_url,omitempty"`
	NetworkConfigurationID string `json:"network_configuration_id,omitempty"`
}

// ListRunnerGroupsOptions filters and pages [GroupScope.ListRunnerGroups]
// and [GroupScope.AllRunnerGroups].
type ListRunnerGroupsOptions struct {
	// VisibleTo keeps the groups a repository (organization scope: its name;
	// "owner/name" sends only the name, as GitHub wants) or an organization
	// (enterprise scope: its login) may use.
	VisibleTo string
	ListOptions
}

// RunnerGroupList is one page of runner groups.
type RunnerGroupList struct {
	TotalCount   int            `json:"total_count"`
	RunnerGroups []*RunnerGroup `json:"runner_groups"`
	// NextPage is the page to ask for next: the Link header's, or, when
	// GitHub sends none, the next one while TotalCount says more groups
	// follow; 0 on the last page.
	NextPage int `json:"-"`
}

func (l *RunnerGroupList) checkDecoded() error { return noNil("runner_groups", l.RunnerGroups) }

// RunnerGroupRequest describes a runner group to create.
type RunnerGroupRequest struct {
	Name string // required
	// Visibility is GitHub's default when "": "all" at organization scope.
	Visibility               GroupVisibility
	SelectedRepositoryIDs    []int64 // organization scope, with visibility "selected"
	SelectedOrganizationIDs  []int64 // enterprise scope, with visibility "selected"
	RunnerIDs                []int64 // runners to move into the group
	AllowsPublicRepositories bool
	RestrictedToWorkflows    bool
	SelectedWorkflows        []string // such as "octo-org/octo-repo/.github/workflows/deploy.yaml@main"
	NetworkConfigurationID   string   // GitHub.com and GHE.com; not sent when ""
}

// RunnerGroupUpdate is a change to a runner group: only the fields set (not
// nil) are sent. At organization scope GitHub's description requires Name on
// every update, so Name must be set (to the current name to keep it).
//
// At enterprise scope GitHub's description gives visibility a default of
// "all"; whether an update without it resets the group's visibility is not
// documented, so set Visibility too when the group is "selected", or use a
// read-modify-write that sends every field.
type RunnerGroupUpdate struct {
	Name                     *string
	Visibility               *GroupVisibility
	AllowsPublicRepositories *bool
	RestrictedToWorkflows    *bool
	SelectedWorkflows        *[]string // &[]string{} clears the list
	NetworkConfigurationID   *string   // Ptr("") sends null, which unsets it
}

// Ptr returns a pointer to v, for the fields of [RunnerGroupUpdate]:
// Ptr("gpu"), Ptr(false), Ptr(GroupVisibilitySelected).
func Ptr[T any](v T) *T { return &v }

// groupKind is what differs between the runner groups of an organization and
// those of an enterprise.
type groupKind struct {
	scope       string // "organization" or "enterprise", in errors
	access      string // the access list's path segment and JSON name: "repositories" or "organizations"
	accessWhat  string // one of them, in errors: "repository" or "organization"
	accessIDs   string // the JSON name of their IDs in bodies: "selected_repository_ids" or ..._organization_ids
	visibleTo   string // the list's filter: "visible_to_repository" or "visible_to_organization"
	private     bool   // visibility "private" exists
	needsName   bool   // every update carries the name
	appsRefused bool   // GitHub App installation tokens are refused
}

var (
	orgGroups = &groupKind{scope: "organization", access: "repositories", accessWhat: "repository",
		accessIDs: "selected_repository_ids", visibleTo: "visible_to_repository", private: true, needsName: true}
	enterpriseGroups = &groupKind{scope: "enterprise", access: "organizations", accessWhat: "organization",
		accessIDs: "selected_organization_ids", visibleTo: "visible_to_organization", appsRefused: true}
)

// groupScope is the one implementation of every runner group operation, for
// the organization and enterprise services, which embed it.
type groupScope struct {
	scope
	kind *groupKind
}

// appTokenHint is added to the message of a 403 from an enterprise group
// operation.
const appTokenHint = " (enterprise runner group endpoints refuse GitHub App installation tokens: " +
	"they need a personal access token (classic) or OAuth app token with the manage_runners:enterprise scope)"

// send sends r through the scope; a 403 from an enterprise group operation
// gets appTokenHint.
func (g groupScope) send(ctx context.Context, r *request) (*http.Response, error) {
	resp, err := g.scope.send(ctx, r)
	var e *Error
	if g.kind.appsRefused && errors.As(err, &e) && e.kind == ErrForbidden {
		e.Message += appTokenHint
	}
	return resp, err
}

// groupPath is "actions/runner-groups/{runner_group_id}" followed by more,
// already escaped.
func groupPath(groupID int64, more string) (string, error) {
	id, err := pathID("runner group", groupID)
	if err != nil {
		return "", err
	}
	return "actions/runner-groups" + id + more, nil
}

// groupListQuery is the query of ListRunnerGroups.
type groupListQuery struct {
	VisibleTo queryParam `url:"visible_to"` // its key is the kind's
	ListOptions
}

// queryParam is a query parameter whose key is chosen at run time; it is
// not sent when its value is "".
type queryParam struct{ key, value string }

func (p queryParam) EncodeValues(_ string, v *url.Values) error {
	if p.value != "" {
		v.Set(p.key, p.value)
	}
	return nil
}

// ListRunnerGroups lists one page of the scope's runner groups; at
// organization scope with the enterprise's groups the organization may use
// (Inherited true). Use [GroupScope.AllRunnerGroups] to walk every page.
//
// At enterprise scope GitHub refuses GitHub App installation tokens: use a
// personal access token (classic) with the manage_runners:enterprise scope.
//
// GitHub docs:
//   - enterprise: https://docs.github.com/enterprise-cloud@latest/rest/actions/self-hosted-runner-groups#list-self-hosted-runner-groups-for-an-enterprise
//   - organization: https://docs.github.com/rest/actions/self-hosted-runner-groups#list-self-hosted-runner-groups-for-an-organization
//
// Endpoints:
//
//	GET /enterprises/{enterprise}/actions/runner-groups
//	GET /orgs/{org}/actions/runner-groups
func (g groupScope) ListRunnerGroups(ctx context.Context, opts *ListRunnerGroupsOptions) (*RunnerGroupList, error) {
	p, err := g.groupPage(ctx, deref(opts))
	if err != nil {
		return nil, err
	}
	return &RunnerGroupList{TotalCount: p.total, RunnerGroups: p.items, NextPage: p.next}, nil
}

func (g groupScope) groupPage(ctx context.Context, o ListRunnerGroupsOptions) (page[*RunnerGroup], error) {
	visibleTo := o.VisibleTo
	if g.kind == orgGroups {
		visibleTo = visibleTo[strings.LastIndexByte(visibleTo, '/')+1:] // "owner/name": GitHub wants the name
	}
	q := &groupListQuery{VisibleTo: queryParam{g.kind.visibleTo, visibleTo}, ListOptions: o.ListOptions}
	var list RunnerGroupList
	return fetchPage(ctx, g, "ListRunnerGroups", "actions/runner-groups", o.ListOptions, q, &list,
		func() ([]*RunnerGroup, int) { return list.RunnerGroups, list.TotalCount })
}

// AllRunnerGroups walks every page of the scope's runner groups, from
// opts.Page on, asking for 100 a page unless opts.PerPage says otherwise. It
// yields each group in order; on failure it yields one error and stops. It
// stops early when the loop breaks.
//
// At enterprise scope GitHub refuses GitHub App installation tokens: use a
// personal access token (classic) with the manage_runners:enterprise scope.
//
// GitHub docs:
//   - enterprise: https://docs.github.com/enterprise-cloud@latest/rest/actions/self-hosted-runner-groups#list-self-hosted-runner-groups-for-an-enterprise
//   - organization: https://docs.github.com/rest/actions/self-hosted-runner-groups#list-self-hosted-runner-groups-for-an-organization
//
// Endpoints:
//
//	GET /enterprises/{enterprise}/actions/runner-groups
//	GET /orgs/{org}/actions/runner-groups
func (g groupScope) AllRunnerGroups(ctx context.Context, opts *ListRunnerGroupsOptions) iter.Seq2[*RunnerGroup, error] {
	o := deref(opts) // the caller's options are not modified
	return walkList(ctx, g.scope, o.ListOptions, func(ctx context.Context, lo ListOptions) (page[*RunnerGroup], error) {
		o := o // each fetch its own copy: concurrent fetches must not share it
		o.ListOptions = lo
		return g.groupPage(ctx, o)
	})
}

// fetchPage sends the GET of page o of a group list with query, decoded into
// out, whose items and total count read returns.
func fetchPage[T any](ctx context.Context, g groupScope, op, path string, o ListOptions, query, out any, read func() ([]T, int)) (page[T], error) {
	if err := o.validate(); err != nil {
		return page[T]{}, err
	}
	r := get(op, path, out)
	r.query = query
	resp, err := g.send(ctx, r)
	if err != nil {
		return page[T]{}, err
	}
	items, total := read()
	return page[T]{items, listNextPage(resp.Header, o, len(items), total), total}, nil
}

// GetRunnerGroup gets one runner group.
//
// At enterprise scope GitHub refuses GitHub App installation tokens: use a
// personal access token (classic) with the manage_runners:enterprise scope.
//
// GitHub docs:
//   - enterprise: https://docs.github.com/enterprise-cloud@latest/rest/actions/self-hosted-runner-groups#get-a-self-hosted-runner-group-for-an-enterprise
//   - organization: https://docs.github.com/rest/actions/self-hosted-runner-groups#get-a-self-hosted-runner-group-for-an-organization
//
// Endpoints:
//
//	GET /enterprises/{enterprise}/actions/runner-groups/{runner_group_id}
//	GET /orgs/{org}/actions/runner-groups/{runner_group_id}
func (g groupScope) GetRunnerGroup(ctx context.Context, groupID int64) (*RunnerGroup, error) {
	path, err := groupPath(groupID, "")
	if err != nil {
		return nil, err
	}
	return g.group(ctx, get("GetRunnerGroup", path, nil))
}

// group sends r and decodes the runner group it answers with.
func (g groupScope) group(ctx context.Context, r *request) (*RunnerGroup, error) {
	grp := new(RunnerGroup)
	r.out = grp
	if _, err := g.send(ctx, r); err != nil {
		return nil, err
	}
	return grp, nil
}

// DeleteRunnerGroup deletes a runner group; its runners go to the default
// group.
//
// At enterprise scope GitHub refuses GitHub App installation tokens: use a
// personal access token (classic) with the manage_runners:enterprise scope.
//
// GitHub docs:
//   - enterprise: https://docs.github.com/enterprise-cloud@latest/rest/actions/self-hosted-runner-groups#delete-a-self-hosted-runner-group-from-an-enterprise
//   - organization: https://docs.github.com/rest/actions/self-hosted-runner-groups#delete-a-self-hosted-runner-group-from-an-organization
//
// Endpoints:
//
//	DELETE /enterprises/{enterprise}/actions/runner-groups/{runner_group_id}
//	DELETE /orgs/{org}/actions/runner-groups/{runner_group_id}
func (g groupScope) DeleteRunnerGroup(ctx context.Context, groupID int64) error {
	path, err := groupPath(groupID, "")
	if err != nil {
		return err
	}
	_, err = g.send(ctx, del("DeleteRunnerGroup", path, nil))
	return err
}
