// Package fleet holds the policies runner managers otherwise write by hand
// around the operations of a [runners.Scope]: find a runner by name, delete
// one once its job is done, prune the offline ones, share registration
// tokens, and make JIT configs that recover from a name left behind. It uses
// only the Scope interface, as net/http/httputil uses only net/http, so each
// policy works at enterprise, organization and repository scope, and against
// any test double (package runnerstest's fake among them).
//
//	org := c.Org("octo-org") // any runners.Scope
//	r, err := fleet.FindRunner(ctx, org, "build-7")
//	err = fleet.DeleteWhenIdle(ctx, org, r.ID, &fleet.DeleteOptions{MissingOK: true})
//	rep, err := fleet.Prune(ctx, org, &fleet.PruneOptions{NamePrefix: "ci-", DryRun: true})
//	fmt.Println(rep) // would delete 2 [ci-7 (ID 7), ci-9 (ID 9)]; skipped 1 [ci-8 (ID 8): busy]; failed 0
//
// # Finding and deleting
//
// [FindRunner] asks with GitHub's name filter: one request, however big the
// fleet. [DeleteWhenIdle] deletes a runner, and while GitHub answers 422
// "still running a job" ([runners.ErrRunnerBusy]) it waits (10 seconds,
// jittered) and asks again, until ctx ends.
//
// # Pruning
//
// [Prune] deletes offline, idle runners, such as those that pile up until a
// runner group reaches its limit. It lists every runner first, looks at each
// again before deleting it, never deletes a busy or online one, and reports
// each runner it selected as deleted, skipped (with a [PruneReason]) or
// failed (with the error).
//
// # Registration tokens and JIT configs
//
// A [TokenCache] hands out one registration token to every machine that
// starts, renewed when less than 30 minutes of its hour is left; concurrent
// callers share one request. [GenerateJITConfigReplacing] makes a JIT runner
// config, and on 409 deletes the runner in the way when the caller owns it.
//
// # Options, errors and time
//
// Options are passed by pointer, and nil means the defaults. Bad input (a nil
// context or scope, a negative interval) is an error matching
// [runners.ErrInvalidArgument], found before anything is sent; a missing
// runner matches [runners.ErrNotFound]. Errors from GitHub come back as the
// scope returned them, so errors.Is and errors.As work on them as on any
// error of package runners. This package's own errors read
// "fleet: <what>: <problem>".
//
// Give every call a context with a deadline. GitHub ends a request it cannot
// answer in 10 seconds, so 30 seconds is ample for one request; a policy
// makes several (Prune lists every page, then two per runner deleted), and it
// stops when ctx ends. What waits
// ([DeleteOptions].Clock) and what tells the time ([TokenCacheOptions].Clock)
// is a [runners.Clock]; nil is the real time, and tests give a clock they move
// by hand, so that no test waits in real time.
//
// # Testing
//
// Run the policies against runnerstest's fake: seed it with plain literals,
// steer GitHub's side with UpdateRunner and FailNext, and look at its state
// and requests afterwards.
package fleet
