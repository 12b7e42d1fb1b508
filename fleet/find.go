package fleet

import (
	"context"

	"github.com/fleetkit/runners"
)

// FindRunner returns the runner of s named exactly name, found with GitHub's
// name filter: one request, however big the fleet. No such runner is an error
// matching [runners.ErrNotFound]; an empty name, a nil scope or a nil context
// one matching [runners.ErrInvalidArgument], with nothing sent.
//
// GitHub docs (enterprise, organization, repository):
// https://docs.github.com/enterprise-cloud@latest/rest/actions/self-hosted-runners#list-self-hosted-runners-for-an-enterprise,
// https://docs.github.com/rest/actions/self-hosted-runners#list-self-hosted-runners-for-an-organization,
// https://docs.github.com/rest/actions/self-hosted-runners#list-self-hosted-runners-for-a-repository
//
//	GET /{scope}/actions/runners?name={name}
func FindRunner(ctx context.Context, s runners.Scope, name string) (*runners.Runner, error) {
	const what = "FindRunner"
	if err := checkArgs(what, ctx, s); err != nil {
		return nil, err
	}
	if name == "" {
		return nil, invalid(what, "the runner name is empty")
	}
	for r, err := range s.AllRunners(ctx, &runners.ListRunnersOptions{Name: name}) {
		if err != nil {
			return nil, err
		}
		if r.Name == name {
			return r, nil
		}
	}
	return nil, newError(runners.ErrNotFound, what, "no runner named %q", name)
}
