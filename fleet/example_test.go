package fleet_test

// The examples of the package documentation, each against the fake of
// package runnerstest seeded with the runners of GitHub's documentation.

import (
	"context"
	"fmt"
	"strings"
	"time"

	"github.com/fleetkit/runners"
	"github.com/fleetkit/runners/fleet"
	"github.com/fleetkit/runners/runnerstest"
)

// documentedOrg returns the organization octo-org of a new fake, holding
// linux_runner (ID 23, online, busy) and mac_runner (ID 24, offline, idle).
func documentedOrg() (*runnerstest.ScopeState, runners.Scope) {
	srv := runnerstest.NewServer()
	st := srv.Org("octo-org")
	for _, r := range runnerstest.DocumentedRunners() {
		st.AddRunner(r)
	}
	return st, srv.Client().Org("octo-org")
}

// Prune a fleet: offline, idle runners go; busy and online ones stay.
func ExamplePrune() {
	_, org := documentedOrg()
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()

	rep, err := fleet.Prune(ctx, org, &fleet.PruneOptions{DryRun: true})
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println(rep)
	for _, s := range rep.Skipped {
		if s.Reason == fleet.SkipBusy {
			fmt.Println(s.Runner.Name, "is running a job")
		}
	}
	// Output:
	// would delete 1 [mac_runner (ID 24)]; skipped 1 [linux_runner (ID 23): busy]; failed 0
	// linux_runner is running a job
}

// Find a runner by name and delete it, once its job is done: while GitHub
// answers that it is busy, DeleteWhenIdle waits (10 seconds, jittered) and
// asks again.
func ExampleDeleteWhenIdle() {
	_, org := documentedOrg()
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()

	r, err := fleet.FindRunner(ctx, org, "mac_runner")
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println("found", r.ID, "busy:", r.Busy)
	fmt.Println("deleted:", fleet.DeleteWhenIdle(ctx, org, r.ID, nil) == nil)

	_, err = fleet.FindRunner(ctx, org, "mac_runner")
	fmt.Println(err)
	fmt.Println("gone either way:", fleet.DeleteWhenIdle(ctx, org, r.ID, &fleet.DeleteOptions{MissingOK: true}) == nil)
	// Output:
	// found 24 busy: false
	// deleted: true
	// fleet: FindRunner: no runner named "mac_runner"
	// gone either way: true
}

// Share one registration token between the machines that start.
func ExampleTokenCache() {
	_, org := documentedOrg()
	tokens := fleet.NewTokenCache(org, nil) // renewed when less than 30 minutes are left
	ctx := context.Background()

	a, err := tokens.Get(ctx)
	if err != nil {
		fmt.Println(err)
		return
	}
	b, _ := tokens.Get(ctx)
	fmt.Println("one token for both:", a.Token == b.Token)
	fmt.Println("good for more than 30 minutes:", time.Until(a.ExpiresAt) > 30*time.Minute)
	// Output:
	// one token for both: true
	// good for more than 30 minutes: true
}

// A JIT runner whose name is left over from an earlier try is replaced.
func ExampleGenerateJITConfigReplacing() {
	st, org := documentedOrg()
	st.AddRunner(runners.Runner{ID: 41, Name: "pool-a-7", Ephemeral: true}) // never started

	req := &runners.JITConfigRequest{Name: "pool-a-7", RunnerGroupID: 1, Labels: []string{"linux"}}
	owns := func(r *runners.Runner) bool {
		return r.Ephemeral && r.Status == runners.RunnerOffline && strings.HasPrefix(r.Name, "pool-a-")
	}
	jit, err := fleet.GenerateJITConfigReplacing(context.Background(), org, req, owns)
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println(jit.Runner.Name, "replaces runner 41:", jit.Runner.ID != 41)
	// Output:
	// pool-a-7 replaces runner 41: true
}
