package runnerstest

import (
	"bytes"
	"cmp"
	"fmt"
	"net/http"
	"slices"
	"strconv"
	"strings"

	"github.com/fleetkit/runners"
)

// This file is the runner groups of organizations and enterprises: the
// state (each scope's own groups, an organization's enterprise), what a test
// seeds and reads, and the group operations themselves (groupaccess.go holds
// who is in a group and who may use it).

// group is a runner group as the fake holds it, under Server.mu. Its
// settings are a [runners.RunnerGroup] with ID, Name, Visibility, Default,
// AllowsPublicRepositories, RestrictedToWorkflows, SelectedWorkflows and
// NetworkConfigurationID set; the URLs, Inherited and the read-only flag are
// made for each answer. Its members are the runners whose RunnerGroupID is
// its ID: membership is kept on the runner alone, so it is never out of step.
type group struct {
	runners.RunnerGroup
	access []int64 // visibility "selected": the IDs of the repositories or organizations given access, ascending
}

// defaultGroupID and defaultGroupName are those of the default group, which
// every organization and enterprise has, as GitHub's examples show it.
const (
	defaultGroupID   = 1
	defaultGroupName = "Default"
)

// groupRules is what differs between an organization's runner groups and an
// enterprise's, as GitHub's description has them.
type groupRules struct {
	access       string                    // the access list's path segment and JSON name
	accessIDs    string                    // the JSON name of the access IDs in bodies
	visibleTo    string                    // the list's filter
	visibilities []runners.GroupVisibility // what a request may set
	updateName   bool                      // every update carries the name
}

var (
	orgRules = &groupRules{access: "repositories", accessIDs: "selected_repository_ids", visibleTo: "visible_to_repository", updateName: true,
		visibilities: []runners.GroupVisibility{runners.GroupVisibilityAll, runners.GroupVisibilitySelected, runners.GroupVisibilityPrivate}}
	enterpriseRules = &groupRules{access: "organizations", accessIDs: "selected_organization_ids", visibleTo: "visible_to_organization",
		visibilities: []runners.GroupVisibility{runners.GroupVisibilityAll, runners.GroupVisibilitySelected}}
)

// newScopeData is a scope as declared: an organization and an enterprise
// start with the default group.
func newScopeData(key, path string) *scopeData {
	sd := &scopeData{key: key, path: path, runners: map[int64]*runners.Runner{}}
	if sd.rules() != nil {
		sd.groups = map[int64]*group{defaultGroupID: {RunnerGroup: runners.RunnerGroup{
			ID: defaultGroupID, Name: defaultGroupName, Visibility: runners.GroupVisibilityAll, Default: true, SelectedWorkflows: []string{},
		}}}
	}
	return sd
}

// kind is the scope's kind: "enterprises", "orgs" or "repos".
func (sd *scopeData) kind() string {
	kind, _, _ := strings.Cut(sd.path, "/")
	return kind
}

// name is the scope's name as first declared: the organization's login, the
// enterprise's slug, or the repository's "owner/name".
func (sd *scopeData) name() string { return sd.path[len(sd.kind())+1:] }

// rules are the scope's group rules; nil for a repository, which has none.
func (sd *scopeData) rules() *groupRules {
	switch sd.kind() {
	case "orgs":
		return orgRules
	case "enterprises":
		return enterpriseRules
	}
	return nil
}

// placeInGroup puts a runner without a group into the default group at an
// organization or enterprise, and keeps created groups off the IDs runners
// were seeded with; the caller holds Server.mu.
func (s *state) placeInGroup(sd *scopeData, r *runners.Runner) {
	if sd.groups != nil && r.RunnerGroupID == 0 {
		r.RunnerGroupID = defaultGroupID
	}
	s.lastGroup = max(s.lastGroup, r.RunnerGroupID, defaultGroupID)
}

// newGroupID hands out the next runner group ID: unique across the fake, so
// that an organization's groups and those it inherits never share one (but
// for the default group, 1, which is every scope's own).
func (s *state) newGroupID() int64 {
	s.lastGroup = max(s.lastGroup, defaultGroupID) + 1
	return s.lastGroup
}

// sortedGroups returns the scope's own groups in ID order.
func (sd *scopeData) sortedGroups() []*group {
	gs := make([]*group, 0, len(sd.groups))
	for _, g := range sd.groups {
		gs = append(gs, g)
	}
	slices.SortFunc(gs, func(a, b *group) int { return cmp.Compare(a.ID, b.ID) })
	return gs
}

// groupNamed returns the scope's own group of that name, in any letter case.
func (sd *scopeData) groupNamed(name string) *group {
	for _, g := range sd.groups {
		if strings.EqualFold(g.Name, name) {
			return g
		}
	}
	return nil
}

// cloneGroup returns a copy of g's settings that shares nothing with it.
func cloneGroup(g *group) *runners.RunnerGroup {
	c := g.RunnerGroup
	c.SelectedWorkflows = slices.Clone(g.SelectedWorkflows)
	return &c
}

// AddRunnerGroup stores a copy of g as a runner group of the organization or
// enterprise, as an administrator would create it, and returns the stored
// copy. An ID of 0 gets the next free one; an empty visibility is "all". Only
// the settings are kept (ID, Name, Visibility, AllowsPublicRepositories,
// RestrictedToWorkflows, SelectedWorkflows, NetworkConfigurationID): Default,
// Inherited, the URLs and WorkflowRestrictionsReadOnly are the fake's to
// say. Runners already seeded with the group's ID are its members. It panics
// at a repository (repositories have no runner groups), on an empty name, an
// ID or a name (in any letter case) the scope's groups already have, ID 1
// (the default group's) included, or a visibility that is none of "all",
// "selected" and "private": all are mistakes in a test's set-up. Give a
// "selected" group access with [runners.GroupScope.SetRunnerGroupAccess].
func (st *ScopeState) AddRunnerGroup(g runners.RunnerGroup) *runners.RunnerGroup {
	var out *runners.RunnerGroup
	st.locked(func(sd *scopeData) {
		switch {
		case sd.groups == nil:
			panic("runnerstest: AddRunnerGroup: " + sd.path + ": a repository has no runner groups")
		case g.Name == "":
			panic("runnerstest: AddRunnerGroup: " + sd.path + ": a runner group needs a name")
		case g.ID < 0:
			panic(fmt.Sprintf("runnerstest: AddRunnerGroup: %s: runner group ID %d: want 0 (the next free one) or more", sd.path, g.ID))
		case sd.groups[g.ID] != nil:
			panic(fmt.Sprintf("runnerstest: AddRunnerGroup: %s: runner group ID %d is taken", sd.path, g.ID))
		case sd.groupNamed(g.Name) != nil:
			panic(fmt.Sprintf("runnerstest: AddRunnerGroup: %s: a runner group named %q already exists", sd.path, g.Name))
		}
		if g.Visibility == "" {
			g.Visibility = runners.GroupVisibilityAll
		}
		if !slices.Contains(orgRules.visibilities, g.Visibility) {
			panic(fmt.Sprintf("runnerstest: AddRunnerGroup: %s: visibility %q: want all, selected or private", sd.path, g.Visibility))
		}
		if g.ID == 0 {
			g.ID = st.s.st.newGroupID()
		}
		st.s.st.lastGroup = max(st.s.st.lastGroup, g.ID)
		stored := &group{RunnerGroup: runners.RunnerGroup{
			ID: g.ID, Name: g.Name, Visibility: g.Visibility, AllowsPublicRepositories: g.AllowsPublicRepositories,
			RestrictedToWorkflows: g.RestrictedToWorkflows, SelectedWorkflows: append([]string{}, g.SelectedWorkflows...),
			NetworkConfigurationID: g.NetworkConfigurationID,
		}}
		sd.groups[g.ID] = stored
		out = cloneGroup(stored)
	})
	return out
}

// RunnerGroups returns a snapshot of the organization's or enterprise's own
// runner groups (not those an organization inherits), in ID order, with
// their settings as [ScopeState.AddRunnerGroup] keeps them; none for a
// repository.
func (st *ScopeState) RunnerGroups() []runners.RunnerGroup {
	var out []runners.RunnerGroup
	st.locked(func(sd *scopeData) {
		for _, g := range sd.sortedGroups() {
			out = append(out, *cloneGroup(g))
		}
	})
	return out
}

// SetEnterprise makes the organization one of the enterprise's (declaring
// the enterprise when the test has not) and returns the enterprise's state:
// from then on the enterprise's runner groups the organization may use
// (visibility "all", or "selected" with the organization given access)
// appear in the organization's list, Inherited, and the enterprise may give
// the organization access to its groups. An organization belongs to one
// enterprise at most: a new one replaces the old, and "" leaves it, returning
// nil; the old enterprise's groups lose the organization's access. It panics
// for a scope other than an organization.
func (st *ScopeState) SetEnterprise(enterprise string) *ScopeState {
	var ent *ScopeState
	if enterprise != "" {
		ent = st.s.Enterprise(enterprise)
	}
	st.locked(func(sd *scopeData) {
		if sd.kind() != "orgs" {
			panic("runnerstest: SetEnterprise: " + sd.path + ": only an organization belongs to an enterprise")
		}
		if old := st.s.st.scopes[sd.enterprise]; old != nil {
			id := st.s.st.fleet.id(idKey(sd))
			for _, g := range old.groups {
				g.access = slices.DeleteFunc(g.access, func(a int64) bool { return a == id })
			}
		}
		sd.enterprise = ""
		if ent != nil {
			sd.enterprise = ent.key
		}
	})
	return ent
}

// ID returns the fake's ID of the scope: an organization's (the account ID
// its webhook payloads carry), a repository's (the repository ID), or an
// enterprise's. It is the ID a runner group's access names: repository IDs
// at an organization, organization IDs at an enterprise.
func (st *ScopeState) ID() int64 {
	var id int64
	st.locked(func(sd *scopeData) { id = st.s.st.fleet.id(idKey(sd)) })
	return id
}

// idKey is the key of a scope's ID among the fake's account and repository
// IDs (fleet.id): an organization's is its account's, as in the payloads.
func idKey(sd *scopeData) string {
	switch sd.kind() {
	case "orgs":
		return "account:" + strings.ToLower(sd.name())
	case "repos":
		return "repo:" + sd.key
	}
	return "enterprise:" + sd.key
}

// scopeWithID returns the scope of a kind whose ID is id, among the IDs
// handed out so far; nil when there is none. The caller holds Server.mu.
func (s *state) scopeWithID(kind string, id int64) *scopeData {
	for _, sd := range s.scopes {
		if sd.kind() == kind && id > 0 && s.fleet.ids[idKey(sd)] == id {
			return sd
		}
	}
	return nil
}

// inherited returns the groups of an organization's enterprise that the
// organization may use and does not have an ID of its own for (the
// enterprise's default group shares the organization's ID 1), in ID order;
// none for an organization of no enterprise. The caller holds Server.mu.
func (s *state) inherited(org *scopeData) []*group {
	ent := s.scopes[org.enterprise]
	if ent == nil {
		return nil
	}
	var out []*group
	for _, g := range ent.sortedGroups() {
		if org.groups[g.ID] == nil && s.visibleToOrg(ent, g, org) {
			out = append(out, g)
		}
	}
	return out
}

// visibleToOrg reports whether an organization of the enterprise may use
// the enterprise's group g.
func (s *state) visibleToOrg(ent *scopeData, g *group, org *scopeData) bool {
	if org == nil || org.enterprise != ent.key {
		return false
	}
	switch g.Visibility {
	case runners.GroupVisibilityAll:
		return true
	case runners.GroupVisibilitySelected:
		return slices.Contains(g.access, s.fleet.id(idKey(org)))
	}
	return false
}

// visibleToRepo reports whether the organization's own group g may be used
// by its repository named name: every repository for "all" and "private"
// (the fake knows no private repositories), those given access for
// "selected".
func (s *state) visibleToRepo(g *group, name string) bool {
	if g.Visibility != runners.GroupVisibilitySelected {
		return true
	}
	for _, id := range g.access {
		if repo := s.scopeWithID("repos", id); repo != nil && strings.EqualFold(repoName(repo), name) {
			return true
		}
	}
	return false
}

// repoName is a repository's name without its owner.
func repoName(repo *scopeData) string {
	_, name, _ := strings.Cut(repo.name(), "/")
	return name
}

// groupJSON is a runner group as GitHub sends it: runner-groups-org at an
// organization, runner-groups-enterprise at an enterprise.
type groupJSON struct {
	ID                                int64                   `json:"id"`
	Name                              string                  `json:"name"`
	Visibility                        runners.GroupVisibility `json:"visibility"`
	Default                           bool                    `json:"default"`
	SelectedRepositoriesURL           string                  `json:"selected_repositories_url,omitempty"`
	SelectedOrganizationsURL          string                  `json:"selected_organizations_url,omitempty"`
	RunnersURL                        string                  `json:"runners_url"`
	HostedRunnersURL                  string                  `json:"hosted_runners_url,omitempty"`
	NetworkConfigurationID            string                  `json:"network_configuration_id,omitempty"`
	Inherited                         *bool                   `json:"inherited,omitempty"` // organization scope only, and always there
	InheritedAllowsPublicRepositories *bool                   `json:"inherited_allows_public_repositories,omitempty"`
	AllowsPublicRepositories          bool                    `json:"allows_public_repositories"`
	RestrictedToWorkflows             bool                    `json:"restricted_to_workflows"`
	SelectedWorkflows                 []string                `json:"selected_workflows"`
	WorkflowRestrictionsReadOnly      bool                    `json:"workflow_restrictions_read_only"`
}

// groupBody is g as the call's scope shows it. Its URLs name the request's
// own host and scope; hosted_runners_url is left out under /api/v3, GitHub
// Enterprise Server having no hosted runners. An inherited group's workflow
// settings are read-only at the organization.
func groupBody(c *call, g *group, inherited bool) groupJSON {
	base := scopeURL(c.r)
	groupURL := base + "/actions/runner-groups/" + strconv.FormatInt(g.ID, 10)
	b := groupJSON{
		ID: g.ID, Name: g.Name, Visibility: g.Visibility, Default: g.Default, RunnersURL: groupURL + "/runners",
		NetworkConfigurationID: g.NetworkConfigurationID, AllowsPublicRepositories: g.AllowsPublicRepositories,
		RestrictedToWorkflows: g.RestrictedToWorkflows, SelectedWorkflows: g.SelectedWorkflows, WorkflowRestrictionsReadOnly: inherited,
	}
	if !strings.HasPrefix(c.r.URL.Path, "/api/v3/") {
		b.HostedRunnersURL = groupURL + "/hosted-runners"
	}
	selected := g.Visibility == runners.GroupVisibilitySelected
	if c.scope.rules() == orgRules {
		b.Inherited = &inherited
		if inherited {
			b.InheritedAllowsPublicRepositories = &g.AllowsPublicRepositories
		}
		if selected && !inherited {
			b.SelectedRepositoriesURL = groupURL + "/repositories"
		}
	} else if selected {
		b.SelectedOrganizationsURL = groupURL + "/organizations"
	}
	return b
}

// scopeURL is the API URL of the request's scope, on the request's own
// host: "http://host/orgs/octo-org" (with /api/v3 when the request had it).
func scopeURL(r *http.Request) string {
	scheme := "http"
	if r.TLS != nil {
		scheme = "https"
	}
	p := r.URL.EscapedPath()
	return scheme + "://" + r.Host + p[:strings.Index(p, "/actions/")]
}

// groupIDOf is the {runner_group_id} of the call's path; 0 when it is not a
// positive number.
func groupIDOf(c *call) int64 {
	id, err := strconv.ParseInt(c.r.PathValue("runner_group_id"), 10, 64)
	if err != nil || id < 1 {
		return 0
	}
	return id
}

// withGroup looks up the scope's own group {runner_group_id}: 404 when there
// is none. An organization's inherited groups are not its own: it lists and
// gets them, and changes them at the enterprise.
func withGroup(h func(c *call, g *group) reply) handler {
	return func(c *call) reply {
		g := c.scope.groups[groupIDOf(c)]
		if g == nil {
			return notFound()
		}
		return h(c, g)
	}
}

// listGroups serves one page of the scope's runner groups, with an
// organization's inherited ones, in ID order, filtered by visible_to_repository
// (organization) or visible_to_organization (enterprise).
func (s *Server) listGroups(c *call) reply {
	type listed struct {
		g         *group
		inherited bool
	}
	var all []listed
	for _, g := range c.scope.sortedGroups() {
		all = append(all, listed{g, false})
	}
	for _, g := range s.st.inherited(c.scope) {
		all = append(all, listed{g, true})
	}
	slices.SortStableFunc(all, func(a, b listed) int { return cmp.Compare(a.g.ID, b.g.ID) })
	visibleTo, filtered := c.r.URL.Query()[c.scope.rules().visibleTo]
	var out []groupJSON
	for _, l := range all {
		if filtered && !s.visibleTo(c.scope, l.g, l.inherited, visibleTo[0]) {
			continue
		}
		out = append(out, groupBody(c, l.g, l.inherited))
	}
	return paged(c, "runner_groups", out)
}

// visibleTo is the list's filter: whether the scope's group g may be used by
// the organization's repository named name, or the enterprise's
// organization with the login name. An organization's inherited groups are
// visible to each of its repositories.
func (s *Server) visibleTo(sd *scopeData, g *group, inherited bool, name string) bool {
	switch {
	case inherited:
		return true
	case sd.rules() == orgRules:
		return s.st.visibleToRepo(g, name)
	}
	return s.st.visibleToOrg(sd, g, s.st.scopes[scopeKey("orgs", name)])
}

// getGroup serves one of the scope's groups, or one an organization
// inherits.
func (s *Server) getGroup(c *call) reply {
	id := groupIDOf(c)
	if g := c.scope.groups[id]; g != nil {
		return jsonReply(http.StatusOK, groupBody(c, g, false))
	}
	for _, g := range s.st.inherited(c.scope) {
		if g.ID == id {
			return jsonReply(http.StatusOK, groupBody(c, g, true))
		}
	}
	return notFound()
}

// groupSettings are the fields a create or an update may set.
type groupSettings struct {
	Name                     string
	Visibility               runners.GroupVisibility
	AllowsPublicRepositories bool
	RestrictedToWorkflows    bool
	SelectedWorkflows        []string
	NetworkConfigurationID   string
}

// fields are the body fields of the settings: the name required when
// nameRequired, network_configuration_id nullable in an update.
func (g *groupSettings) fields(nameRequired, update bool) []field {
	return []field{
		{name: "name", into: &g.Name, required: nameRequired},
		{name: "visibility", into: &g.Visibility},
		{name: "allows_public_repositories", into: &g.AllowsPublicRepositories},
		{name: "restricted_to_workflows", into: &g.RestrictedToWorkflows},
		{name: "selected_workflows", into: &g.SelectedWorkflows},
		{name: "network_configuration_id", into: &g.NetworkConfigurationID, nullable: update},
	}
}

// checkSettings refuses the name and visibility of a request, when it has them:
// an empty name (422), a visibility the scope's schema lacks (422), a name
// another of the scope's groups has, in any letter case (409).
func (s *Server) checkSettings(sd *scopeData, self *group, set *groupSettings, present map[string]bool) (reply, bool) {
	switch {
	case present["name"] && set.Name == "":
		return invalid(`"name" must not be empty.`), false
	case present["visibility"] && !slices.Contains(sd.rules().visibilities, set.Visibility):
		return invalid(fmt.Sprintf(`"visibility" %q is not one of %s.`, set.Visibility, joinVisibilities(sd.rules().visibilities))), false
	}
	if other := sd.groupNamed(set.Name); present["name"] && other != nil && other != self {
		return ghError(http.StatusConflict, "Already exists - A runner group named "+strconv.Quote(other.Name)+" already exists."), false
	}
	return reply{}, true
}

func joinVisibilities(vs []runners.GroupVisibility) string {
	out := make([]string, len(vs))
	for i, v := range vs {
		out[i] = strconv.Quote(string(v))
	}
	return strings.Join(out, ", ")
}

// createGroup creates a group of the scope: the body as the schema has it
// (name required; visibility "all" when left out), the access IDs (only
// with visibility "selected") and runners the scope must have (422
// otherwise), and a name no other group of the scope has (409). The runners
// listed move into it.
func (s *Server) createGroup(c *call) reply {
	rules := c.scope.rules()
	var set groupSettings
	var accessIDs, runnerIDs []int64
	present, rep, ok := decodeBody(c.body, append(set.fields(true, false),
		field{name: rules.accessIDs, into: &accessIDs}, field{name: "runners", into: &runnerIDs})...)
	if !ok {
		return rep
	}
	if !present["visibility"] {
		set.Visibility, present["visibility"] = runners.GroupVisibilityAll, true
	}
	if rep, ok := s.checkSettings(c.scope, nil, &set, present); !ok {
		return rep
	}
	if len(accessIDs) > 0 && set.Visibility != runners.GroupVisibilitySelected {
		return invalid(fmt.Sprintf("%q needs \"visibility\" \"selected\".", rules.accessIDs))
	}
	access, rep, ok := s.accessList(c.scope, accessIDs)
	if !ok {
		return rep
	}
	members, rep, ok := runnersOf(c.scope, runnerIDs)
	if !ok {
		return rep
	}
	g := &group{access: access}
	g.ID = s.st.newGroupID()
	applySettings(g, &set, present)
	c.scope.groups[g.ID] = g
	for _, r := range members {
		r.RunnerGroupID = g.ID
	}
	return jsonReply(http.StatusCreated, groupBody(c, g, false))
}

// applySettings sets on g what the body had.
func applySettings(g *group, set *groupSettings, present map[string]bool) {
	if present["name"] {
		g.Name = set.Name
	}
	if present["visibility"] {
		g.Visibility = set.Visibility
	}
	if present["allows_public_repositories"] {
		g.AllowsPublicRepositories = set.AllowsPublicRepositories
	}
	if present["restricted_to_workflows"] {
		g.RestrictedToWorkflows = set.RestrictedToWorkflows
	}
	if present["selected_workflows"] || g.SelectedWorkflows == nil {
		g.SelectedWorkflows = append([]string{}, set.SelectedWorkflows...)
	}
	if present["network_configuration_id"] {
		g.NetworkConfigurationID = set.NetworkConfigurationID
	}
}

// updateGroup changes the fields the body has and keeps every other one: an
// enterprise update without visibility keeps it. An organization's update
// must have the name, as its schema says; an enterprise's body may be left
// out. A group that is no longer "selected" loses its access list.
func (s *Server) updateGroup(c *call, g *group) reply {
	body := c.body
	if len(bytes.TrimSpace(body)) == 0 && !c.scope.rules().updateName {
		body = []byte("{}") // the enterprise schema's body is optional
	}
	var set groupSettings
	present, rep, ok := decodeBody(body, set.fields(c.scope.rules().updateName, true)...)
	if !ok {
		return rep
	}
	if rep, ok := s.checkSettings(c.scope, g, &set, present); !ok {
		return rep
	}
	applySettings(g, &set, present)
	if g.Visibility != runners.GroupVisibilitySelected {
		g.access = nil
	}
	return jsonReply(http.StatusOK, groupBody(c, g, false))
}

// deleteGroup deletes a group; its runners return to the default group,
// which cannot be deleted (422).
func (s *Server) deleteGroup(c *call, g *group) reply {
	if g.Default {
		return invalid("the default runner group cannot be deleted.")
	}
	for _, r := range c.scope.runners {
		if r.RunnerGroupID == g.ID {
			r.RunnerGroupID = defaultGroupID
		}
	}
	delete(c.scope.groups, g.ID)
	return noContent()
}

func noContent() reply { return reply{status: http.StatusNoContent, header: http.Header{}} }
