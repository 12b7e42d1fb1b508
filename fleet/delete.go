package fleet

import (
	"context"
	"errors"
	"fmt"
	"math/rand/v2"
	"time"

	"github.com/fleetkit/runners"
)

// DeleteOptions tunes [DeleteWhenIdle]; nil means the defaults.
type DeleteOptions struct {
	// PollInterval is how long to wait before asking again while the runner
	// is running a job: 10 seconds when 0; negative is an error. Each wait is
	// jittered between half and one and a half times it, so that many
	// deleters do not ask in step.
	PollInterval time.Duration
	// MissingOK makes a runner that does not exist (404) a success: it is
	// gone either way.
	MissingOK bool
	// Clock is what waits between tries; nil is the real time. Tests give
	// one that moves by hand.
	Clock runners.Clock
}

// DeleteWhenIdle deletes a runner, waiting for it to finish its job first:
// while GitHub refuses the delete with [runners.ErrRunnerBusy], it waits and
// tries again, until the delete succeeds, another error comes back, or ctx
// ends. An end of ctx during a wait returns an error that matches both ctx's
// error and [runners.ErrRunnerBusy] (and errors.As finds GitHub's last
// answer, a [*runners.Error]).
//
// GitHub docs (enterprise, organization, repository):
// https://docs.github.com/enterprise-cloud@latest/rest/actions/self-hosted-runners#delete-a-self-hosted-runner-from-an-enterprise,
// https://docs.github.com/rest/actions/self-hosted-runners#delete-a-self-hosted-runner-from-an-organization,
// https://docs.github.com/rest/actions/self-hosted-runners#delete-a-self-hosted-runner-from-a-repository
//
//	DELETE /{scope}/actions/runners/{runner_id}
func DeleteWhenIdle(ctx context.Context, s runners.Scope, runnerID int64, opts *DeleteOptions) error {
	const what = "DeleteWhenIdle"
	if err := checkArgs(what, ctx, s); err != nil {
		return err
	}
	var o DeleteOptions
	if opts != nil {
		o = *opts
	}
	switch {
	case o.PollInterval < 0:
		return invalid(what, "the poll interval must not be negative, got %v", o.PollInterval)
	case o.PollInterval == 0:
		o.PollInterval = 10 * time.Second
	}
	clock := clockOr(o.Clock)
	for {
		err := s.DeleteRunner(ctx, runnerID)
		switch {
		case err == nil, o.MissingOK && errors.Is(err, runners.ErrNotFound):
			return nil
		case !errors.Is(err, runners.ErrRunnerBusy):
			return err
		}
		wait := o.PollInterval/2 + rand.N(o.PollInterval)
		if werr := clock.Sleep(ctx, wait); werr != nil {
			return fmt.Errorf("fleet: %s: stopped waiting for runner %d to finish its job: %w (last answer: %w)", what, runnerID, werr, err)
		}
	}
}
