package runners

// OrgService holds the self-hosted runner operations of one organization,
// under the path prefix orgs/{org}. Its methods are those of [Scope].
type OrgService struct{ scope }

// Org returns the runner operations of an organization. A bad name (empty, or
// containing '/') is reported by every operation as [ErrInvalidArgument],
// before any request is sent.
func (c *Client) Org(org string) *OrgService {
	return &OrgService{newScope(c, orgScope, [2]string{"org", org})}
}
