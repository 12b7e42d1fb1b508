package runners

// EnterpriseService holds the self-hosted runner operations of one enterprise,
// under the path prefix enterprises/{enterprise}: those of [Scope], and its
// runner groups, those of [GroupScope]. GitHub's enterprise runner group
// endpoints refuse GitHub App installation tokens.
type EnterpriseService struct{ groupScope }

// Enterprise returns the runner operations of the enterprise with the given
// slug. A bad slug (empty, or containing '/') is reported by every operation
// as [ErrInvalidArgument], before any request is sent.
func (c *Client) Enterprise(enterprise string) *EnterpriseService {
	return &EnterpriseService{groupScope{newScope(c, enterpriseScope, [2]string{"enterprise", enterprise}), enterpriseGroups}}
}
