package runners

// OrgService holds the self-hosted runner operations of one organization,
// under the path prefix orgs/{org}: those of [Scope], and its runner groups,
// those of [GroupScope].
type OrgService struct{ groupScope }

// Org returns the runner operations of an organization. A bad name (empty, or
// containing '/') is reported by every operation as [ErrInvalidArgument],
// before any request is sent.
func (c *Client) Org(org string) *OrgService {
	return &OrgService{groupScope{newScope(c, orgScope, [2]string{"org", org}), orgGroups}}
}
