package runnerstest

import (
	"encoding/base64"
	"fmt"
	"net/url"
	"slices"
	"strconv"

	"github.com/fleetkit/runners"
)

// This file is who is in a runner group (the runners whose RunnerGroupID is
// its ID) and who may use it (its repositories at an organization, its
// organizations at an enterprise).

// runnersOf returns the scope's runners with the IDs (422 for an ID the
// scope does not have); the caller holds Server.mu.
func runnersOf(sd *scopeData, ids []int64) ([]*runners.Runner, reply, bool) {
	out := make([]*runners.Runner, 0, len(ids))
	for _, id := range ids {
		r := sd.runners[id]
		if r == nil {
			return nil, invalid(fmt.Sprintf("runner %d is not a runner of %s.", id, sd.path)), false
		}
		out = append(out, r)
	}
	return out, reply{}, true
}

// member is the scope that an access ID names: a repository of the
// organization, or an organization of the enterprise; nil when it names
// none. The caller holds Server.mu.
func (s *state) member(sd *scopeData, id int64) *scopeData {
	if sd.rules() == orgRules {
		repo := s.scopeWithID("repos", id)
		if repo == nil || !isRepoOf(repo, sd) {
			return nil
		}
		return repo
	}
	org := s.scopeWithID("orgs", id)
	if org == nil || org.enterprise != sd.key {
		return nil
	}
	return org
}

// isRepoOf reports whether repo belongs to the organization org.
func isRepoOf(repo, org *scopeData) bool {
	owner := scopeKey("repos", org.name()) + "/"
	return len(repo.key) > len(owner) && repo.key[:len(owner)] == owner
}

// accessList checks access IDs (422 for one that names no repository of the
// organization, or no organization of the enterprise) and returns them in
// ascending order, each once.
func (s *Server) accessList(sd *scopeData, ids []int64) ([]int64, reply, bool) {
	for _, id := range ids {
		if s.st.member(sd, id) == nil {
			return nil, invalid(fmt.Sprintf("%q: %d is not %s.", sd.rules().accessIDs, id, memberWhat(sd))), false
		}
	}
	out := slices.Clone(ids)
	slices.Sort(out)
	return slices.Compact(out), reply{}, true
}

// memberWhat says what an access ID must name, for errors.
func memberWhat(sd *scopeData) string {
	if sd.rules() == orgRules {
		return "the ID of a repository of " + sd.path
	}
	return "the ID of an organization of " + sd.path
}

// listGroupRunners serves one page of the group's runners, in ID order.
func (s *Server) listGroupRunners(c *call, g *group) reply {
	var in []*runners.Runner
	for _, r := range c.scope.sorted() {
		if r.RunnerGroupID == g.ID {
			in = append(in, r)
		}
	}
	return paged(c, "runners", in)
}

// setGroupRunners replaces the group's runners: those listed move in (422
// for a runner the scope does not have, and nothing moves), its others
// return to the default group.
func (s *Server) setGroupRunners(c *call, g *group) reply {
	var ids []int64
	if _, rep, ok := decodeBody(c.body, field{name: "runners", into: &ids, required: true}); !ok {
		return rep
	}
	members, rep, ok := runnersOf(c.scope, ids)
	if !ok {
		return rep
	}
	for _, r := range c.scope.runners {
		if r.RunnerGroupID == g.ID {
			r.RunnerGroupID = defaultGroupID
		}
	}
	for _, r := range members {
		r.RunnerGroupID = g.ID
	}
	return noContent()
}

// withGroupRunner looks up the group and the scope's runner {runner_id}: 404
// when either is missing.
func withGroupRunner(h func(c *call, g *group, r *runners.Runner) reply) handler {
	return withGroup(func(c *call, g *group) reply {
		return withRunner(func(c *call, r *runners.Runner) reply { return h(c, g, r) })(c)
	})
}

// addGroupRunner moves a runner of the scope into the group.
func (s *Server) addGroupRunner(_ *call, g *group, r *runners.Runner) reply {
	r.RunnerGroupID = g.ID
	return noContent()
}

// removeGroupRunner returns a runner of the group to the default group; a
// runner of the scope that is not in the group stays where it is.
func (s *Server) removeGroupRunner(_ *call, g *group, r *runners.Runner) reply {
	if r.RunnerGroupID == g.ID {
		r.RunnerGroupID = defaultGroupID
	}
	return noContent()
}

// withAccess looks up the group of an access route: 404 also when the path
// names the other scope kind's access list (an organization's is
// "repositories", an enterprise's "organizations").
func withAccess(h func(c *call, g *group) reply) handler {
	return withGroup(func(c *call, g *group) reply {
		if c.r.PathValue("access") != c.scope.rules().access {
			return notFound()
		}
		return h(c, g)
	})
}

// withMember looks up the group and the access ID {member_id}, which must
// name a repository of the organization or an organization of the
// enterprise (404 otherwise); the group must be "selected" (422), as
// GitHub's description says.
func (s *Server) withMember(h func(c *call, g *group, id int64) reply) handler {
	return withAccess(func(c *call, g *group) reply {
		id, err := strconv.ParseInt(c.r.PathValue("member_id"), 10, 64)
		if err != nil || s.st.member(c.scope, id) == nil {
			return notFound()
		}
		if rep, ok := mustBeSelected(g); !ok {
			return rep
		}
		return h(c, g, id)
	})
}

// mustBeSelected refuses to change the access of a group whose visibility
// is not "selected": 422.
func mustBeSelected(g *group) (reply, bool) {
	if g.Visibility != runners.GroupVisibilitySelected {
		return invalid(fmt.Sprintf("runner group %d has visibility %q: access is set for visibility \"selected\" only.", g.ID, g.Visibility)), false
	}
	return reply{}, true
}

// listAccess serves one page of the repositories (organization-scope
// minimal-repository) or organizations (organization-simple) given access
// to the group, in ID order.
func (s *Server) listAccess(c *call, g *group) reply {
	out := make([]any, 0, len(g.access))
	for _, id := range g.access {
		if m := s.st.member(c.scope, id); m != nil {
			out = append(out, s.accessBody(c.scope, m, id))
		}
	}
	return paged(c, c.scope.rules().access, out)
}

// setAccess replaces the group's access list.
func (s *Server) setAccess(c *call, g *group) reply {
	if rep, ok := mustBeSelected(g); !ok {
		return rep
	}
	var ids []int64
	if _, rep, ok := decodeBody(c.body, field{name: c.scope.rules().accessIDs, into: &ids, required: true}); !ok {
		return rep
	}
	access, rep, ok := s.accessList(c.scope, ids)
	if !ok {
		return rep
	}
	g.access = access
	return noContent()
}

// addAccess gives one repository or organization access to the group.
func (s *Server) addAccess(_ *call, g *group, id int64) reply {
	if !slices.Contains(g.access, id) {
		g.access = append(g.access, id)
		slices.Sort(g.access)
	}
	return noContent()
}

// removeAccess takes one repository's or organization's access away; one
// without access is left as it is.
func (s *Server) removeAccess(_ *call, g *group, id int64) reply {
	g.access = slices.DeleteFunc(g.access, func(a int64) bool { return a == id })
	return noContent()
}

// The access list's items, with GitHub's field names: a repository's
// identifying fields of minimal-repository (not its many *_url templates),
// and an organization-simple.
type (
	accessRepository struct {
		repository
		NodeID      string  `json:"node_id"`
		Description *string `json:"description"`
		Fork        bool    `json:"fork"`
	}
	accessOrganization struct {
		organization
		NodeID           string  `json:"node_id"`
		ReposURL         string  `json:"repos_url"`
		EventsURL        string  `json:"events_url"`
		HooksURL         string  `json:"hooks_url"`
		IssuesURL        string  `json:"issues_url"`
		MembersURL       string  `json:"members_url"`
		PublicMembersURL string  `json:"public_members_url"`
		AvatarURL        string  `json:"avatar_url"`
		Description      *string `json:"description"`
	}
)

// accessBody is m as a member of sd's access lists: a repository of the
// organization sd (owned by the organization as declared, as in the
// payloads) or an organization of the enterprise sd, with the ID id; the
// caller holds Server.mu.
func (s *Server) accessBody(sd, m *scopeData, id int64) any {
	if m.kind() == "repos" {
		repo := s.repository(s.account(sd.name(), "Organization"), repoName(m), m.key)
		return accessRepository{repository: repo, NodeID: nodeID("Repository", id)}
	}
	orgURL := apiURL + "/orgs/" + url.PathEscape(m.name())
	return accessOrganization{
		organization: organization{Login: m.name(), ID: id, URL: orgURL}, NodeID: nodeID("Organization", id),
		ReposURL: orgURL + "/repos", EventsURL: orgURL + "/events", HooksURL: orgURL + "/hooks", IssuesURL: orgURL + "/issues",
		MembersURL: orgURL + "/members{/member}", PublicMembersURL: orgURL + "/public_members{/member}",
		AvatarURL: fmt.Sprintf("https://avatars.githubusercontent.com/u/%d?v=4", id),
	}
}

// nodeID is a GraphQL node ID in GitHub's legacy form, the one its examples
// show: base64 of "010:Repository1296269".
func nodeID(typ string, id int64) string {
	return base64.StdEncoding.EncodeToString(fmt.Appendf(nil, "%03d:%s%d", len(typ), typ, id))
}
