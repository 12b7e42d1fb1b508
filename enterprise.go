package runners

// EnterpriseService holds the self-hosted runner operations of one enterprise,
// under the path prefix enterprises/{enterprise}. Its methods are those of
// [Scope].
type EnterpriseService struct{ scope }

// Enterprise returns the runner operations of the enterprise with the given
// slug. A bad slug (empty, or containing '/') is reported by every operation
// as [ErrInvalidArgument], before any request is sent.
func (c *Client) Enterprise(enterprise string) *EnterpriseService {
	return &EnterpriseService{newScope(c, enterpriseScope, [2]string{"enterprise", enterprise})}
}
