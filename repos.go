package runners

// RepoService holds the self-hosted runner operations of one repository,
// under the path prefix repos/{owner}/{repo}. Its methods are those of [Scope].
type RepoService struct{ scope }

// Repo returns the runner operations of a repository. A bad owner or name
// (empty, or containing '/') is reported by every operation as
// [ErrInvalidArgument], before any request is sent.
func (c *Client) Repo(owner, repo string) *RepoService {
	return &RepoService{newScope(c, repoScope, [2]string{"owner", owner}, [2]string{"repo", repo})}
}
