package fleet

import (
	"context"
	"errors"

	"github.com/fleetkit/runners"
)

// GenerateJITConfigReplacing creates a JIT runner config like the scope's
// GenerateJITConfig, and recovers from the usual cause of its 409: a runner
// of the same name left behind, often by an earlier try whose answer was
// lost. When the name is taken by a runner that owns reports as the caller's
// and that is not busy, it deletes that runner and tries once more.
// Otherwise the conflict ([runners.ErrConflict]) is returned and nothing is
// deleted; a nil owns owns nothing.
//
// owns decides what may be deleted: a typical one accepts only ephemeral,
// offline runners with the caller's name prefix.
//
// GitHub docs (enterprise, organization, repository):
// https://docs.github.com/enterprise-cloud@latest/rest/actions/self-hosted-runners#create-configuration-for-a-just-in-time-runner-for-an-enterprise,
// https://docs.github.com/rest/actions/self-hosted-runners#create-configuration-for-a-just-in-time-runner-for-an-organization,
// https://docs.github.com/rest/actions/self-hosted-runners#create-configuration-for-a-just-in-time-runner-for-a-repository
//
//	POST   /{scope}/actions/runners/generate-jitconfig
//	GET    /{scope}/actions/runners?name={name}   (after a 409)
//	DELETE /{scope}/actions/runners/{runner_id}   (the runner owns accepts)
func GenerateJITConfigReplacing(ctx context.Context, s runners.Scope, req *runners.JITConfigRequest, owns func(*runners.Runner) bool) (*runners.JITConfig, error) {
	if err := checkArgs("GenerateJITConfigReplacing", ctx, s); err != nil {
		return nil, err
	}
	jit, err := s.GenerateJITConfig(ctx, req)
	if !errors.Is(err, runners.ErrConflict) {
		return jit, err
	}
	conflict := err
	old, err := FindRunner(ctx, s, req.Name)
	switch {
	case errors.Is(err, runners.ErrNotFound):
		// gone since the 409: nothing is in the way any more
	case err != nil:
		return nil, err
	case owns == nil || old.Busy || !owns(old):
		return nil, conflict
	default:
		if err := s.DeleteRunner(ctx, old.ID); err != nil && !errors.Is(err, runners.ErrNotFound) {
			if errors.Is(err, runners.ErrRunnerBusy) {
				return nil, conflict // it took a job since it was found
			}
			return nil, err
		}
	}
	return s.GenerateJITConfig(ctx, req)
}
