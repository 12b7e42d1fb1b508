package runnerstest_test

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"sync"
	"time"

	"github.com/fleetkit/runners"
	"github.com/fleetkit/runners/runnerstest"
	"github.com/fleetkit/runners/webhook"
)

// Seed a fake with the runners of GitHub's documentation and list them
// through the real client.
func ExampleNewServer() {
	srv := runnerstest.NewServer()
	for _, r := range runnerstest.DocumentedRunners() {
		srv.Org("octo-org").AddRunner(r)
	}
	c := srv.Client() // wired to the fake, with a token set

	list, err := c.Org("octo-org").ListRunners(context.Background(), nil)
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println("total:", list.TotalCount)
	for _, r := range list.Runners {
		fmt.Println(r.ID, r.Name, r.Status, "busy:", r.Busy, "labels:", len(r.Labels))
	}
	// Output:
	// total: 2
	// 23 linux_runner online busy: true labels: 3
	// 24 mac_runner offline busy: false labels: 4
}

// removeOfflineRunners is code under test, as a user of package runners would
// write it: it deletes the scope's offline runners that are not running a
// job, and returns their names. A runner that took a job after it was listed
// is left alone.
func removeOfflineRunners(ctx context.Context, s runners.Scope) (removed []string, err error) {
	// Collect first, delete after: deleting while walking the pages would
	// shift later runners onto pages already read.
	var idle []*runners.Runner
	for r, err := range s.AllRunners(ctx, nil) {
		if err != nil {
			return nil, err
		}
		if r.Status == runners.RunnerOffline && !r.Busy {
			idle = append(idle, r)
		}
	}
	for _, r := range idle {
		err := s.DeleteRunner(ctx, r.ID)
		switch {
		case errors.Is(err, runners.ErrRunnerBusy):
			continue // it picked up a job since it was listed
		case err != nil:
			return removed, err
		}
		removed = append(removed, r.Name)
	}
	return removed, nil
}

// A user's test of their own code: the fake plays GitHub, and UpdateRunner
// plays what happens on GitHub's side between two runs.
func ExampleScopeState_UpdateRunner() {
	ctx := context.Background()
	srv := runnerstest.NewServer()
	org := srv.Org("octo-org")
	for _, r := range runnerstest.DocumentedRunners() { // 23 online and busy, 24 offline and idle
		org.AddRunner(r)
	}
	org.AddRunner(runners.Runner{ID: 25, Name: "stale-1"}) // offline by default
	s := srv.Client().Org("octo-org")

	removed, err := removeOfflineRunners(ctx, s)
	fmt.Println("first run:", removed, err)

	// linux_runner finishes its job and goes offline.
	org.UpdateRunner(23, func(r *runners.Runner) {
		r.Busy = false
		r.Status = runners.RunnerOffline
	})
	// A new runner is offline when listed but takes a job before the delete:
	// GitHub answers 422 "still running a job".
	org.AddRunner(runners.Runner{ID: 26, Name: "racy"})
	srv.FailNext(1, runnerstest.Fault{
		Status:     http.StatusUnprocessableEntity,
		Method:     http.MethodDelete,
		PathSuffix: "/actions/runners/26",
		Body:       `{"message":"Bad request - Runner \"racy\" is still running a job\"","documentation_url":"https://docs.github.com/rest/actions/self-hosted-runners","status":"422"}`,
	})

	removed, err = removeOfflineRunners(ctx, s)
	fmt.Println("second run:", removed, err)
	for _, r := range org.Runners() {
		fmt.Println("left:", r.ID, r.Name)
	}
	// Output:
	// first run: [mac_runner stale-1] <nil>
	// second run: [linux_runner] <nil>
	// left: 26 racy
}

// A rate limit set up with FailNext reaches the client as a
// *runners.RateLimitError; the next request is served.
func ExampleServer_FailNext() {
	ctx := context.Background()
	srv := runnerstest.NewServer()
	srv.Org("octo-org").AddRunner(runners.Runner{Name: "build-1", Status: runners.RunnerOnline})
	c := srv.Client()

	srv.FailNext(1, runnerstest.SecondaryRateLimit(30*time.Second))
	_, err := c.Org("octo-org").ListRunners(ctx, nil)
	var rl *runners.RateLimitError
	if errors.As(err, &rl) {
		fmt.Println("rate limited:", errors.Is(err, runners.ErrRateLimited), "secondary:", rl.Secondary, "retry after:", rl.RetryAfter)
	}

	reset := time.Date(2026, 3, 10, 13, 0, 0, 0, time.UTC)
	srv.FailNext(1, runnerstest.PrimaryRateLimit(reset))
	_, err = c.Org("octo-org").ListRunners(ctx, nil)
	if errors.As(err, &rl) {
		fmt.Println("rate limited:", errors.Is(err, runners.ErrRateLimited), "secondary:", rl.Secondary, "resets at:", rl.Reset.UTC().Format(time.RFC3339))
	}

	list, err := c.Org("octo-org").ListRunners(ctx, nil)
	fmt.Println("then:", list.TotalCount, err)
	// Output:
	// rate limited: true secondary: true retry after: 30s
	// rate limited: true secondary: false resets at: 2026-03-10T13:00:00Z
	// then: 1 <nil>
}

// Each scope is its own: the same name in two scopes is two runners.
func ExampleServer_State() {
	srv := runnerstest.NewServer()
	c := srv.Client()
	org := c.Org("acme")
	repo := c.Repo("acme", "acme")

	srv.State(org).AddRunner(runners.Runner{Name: "build"}) // srv.State(org) is srv.Org("acme")
	srv.Repo("acme", "acme").AddRunner(runners.Runner{Name: "build"})

	for _, s := range []runners.Scope{org, repo} {
		list, _ := s.ListRunners(context.Background(), &runners.ListRunnersOptions{Name: "build"})
		fmt.Println(s, list.TotalCount, list.Runners[0].ID)
	}
	fmt.Println(len(srv.Org("acme").Runners()), len(srv.State(repo).Runners()))
	// Output:
	// orgs/acme 1 1
	// repos/acme/acme 1 2
	// 1 1
}

// A client that retries after a secondary rate limit waits on the fake's
// clock: the minute GitHub asks for passes at once.
func ExampleClock() {
	clk := runnerstest.NewClock(time.Date(2026, 3, 10, 12, 0, 0, 0, time.UTC))
	srv := runnerstest.NewServer()
	srv.SetClock(clk)
	srv.Org("octo-org").AddRunners(runnerstest.DocumentedRunners()...)
	c := srv.Client(runners.WithRetry(runners.RetryPolicy{MaxAttempts: 2}))

	srv.FailNext(1, runnerstest.SecondaryRateLimit(time.Minute))
	list, err := c.Org("octo-org").ListRunners(context.Background(), nil)
	fmt.Println(list.TotalCount, err, "requests:", len(srv.Requests()))
	fmt.Println("now:", clk.Now().Format(time.TimeOnly))
	// Output:
	// 2 <nil> requests: 2
	// now: 12:01:00
}

// The fake counts each credential's requests as GitHub does, and refuses
// them once the hourly budget is spent.
func ExampleServer_SetRateLimit() {
	ctx := context.Background()
	srv := runnerstest.NewServer()
	srv.SetRateLimit(2)
	srv.Org("octo-org")
	c := srv.Client()

	for range 3 {
		_, err := c.Org("octo-org").ListRunners(ctx, nil)
		core := c.RateLimits()["core"]
		fmt.Println("remaining:", core.Remaining, "rate limited:", errors.Is(err, runners.ErrRateLimited))
	}
	// Output:
	// remaining: 1 rate limited: false
	// remaining: 0 rate limited: false
	// remaining: 0 rate limited: true
}

// An autoscaler's whole loop against the fake: its webhook handler records
// each queued job (it must answer fast), the autoscaler then starts a JIT
// runner for it, which connects and takes the job; once the job completes,
// the ephemeral runner is gone.
func ExampleServer_SendWebhooks() {
	ctx := context.Background()
	srv := runnerstest.NewServer()
	org := srv.Org("octo-org")
	srv.ConnectRunners(true) // a JIT runner connects as soon as it is created
	s := srv.Client().Org("octo-org")

	var mu sync.Mutex
	var queued []webhook.WorkflowJob
	handler := webhook.NewHandler(func(_ context.Context, d *webhook.Delivery) error {
		j := d.Job.WorkflowJob
		switch d.Job.Action {
		case "queued":
			fmt.Println("queued:", j.ID, j.Labels, "in", d.Job.Repository.FullName)
			mu.Lock()
			queued = append(queued, j)
			mu.Unlock()
		case "in_progress":
			fmt.Println("taken:", j.ID, "by", j.RunnerName, "in group", j.RunnerGroupName)
		case "completed":
			fmt.Println("done:", j.ID, j.Conclusion)
		}
		return nil
	}, []byte("webhook-secret"))
	srv.SendWebhooks(handler, []byte("webhook-secret"))

	job := org.QueueJob("self-hosted", "linux", "x64")

	// The autoscaler's work: a runner for each queued job. The runner connects
	// and takes the job during the call, which returns once "in_progress" is
	// delivered.
	mu.Lock()
	work := queued
	queued = nil
	mu.Unlock()
	for _, j := range work {
		jit, err := s.GenerateJITConfig(ctx, &runners.JITConfigRequest{
			Name: fmt.Sprintf("jit-%d", j.ID), RunnerGroupID: 1, Labels: j.Labels,
		})
		if err != nil {
			fmt.Println(err)
			return
		}
		fmt.Println("runner created:", jit.Runner.Name)
	}

	if err := srv.CompleteJob(job.ID, "success"); err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println("runners left:", len(org.Runners()))
	for _, d := range srv.Deliveries() {
		fmt.Println("delivered:", d.Action, d.StatusCode)
	}
	// Output:
	// queued: 1 [self-hosted linux x64] in octo-org/repo
	// taken: 1 by jit-1 in group Default
	// runner created: jit-1
	// done: 1 success
	// runners left: 0
	// delivered: queued 202
	// delivered: in_progress 202
	// delivered: completed 202
}

// Runner groups: seed a group, create a JIT runner in it by the group's ID,
// move a runner in and out, and see the enterprise's groups an organization
// inherits.
func ExampleScopeState_AddRunnerGroup() {
	ctx := context.Background()
	srv := runnerstest.NewServer()
	org := srv.Org("octo-org")
	org.AddRunnerGroup(runners.RunnerGroup{Name: "gpu"}) // ID 2: the default group is 1
	org.SetEnterprise("acme").AddRunnerGroup(runners.RunnerGroup{Name: "acme-builders"})
	old := org.AddRunner(runners.Runner{Name: "old-1"}) // no group: the default group
	o := srv.Client().Org("octo-org")

	jit, err := o.GenerateJITConfig(ctx, &runners.JITConfigRequest{Name: "gpu-1", RunnerGroupID: 2, Labels: []string{"gpu"}})
	if err != nil {
		fmt.Println(err)
		return
	}
	if err := o.AddRunnerToGroup(ctx, 2, old.ID); err != nil {
		fmt.Println(err)
		return
	}
	_, err = o.GenerateJITConfig(ctx, &runners.JITConfigRequest{Name: "lost", RunnerGroupID: 9, Labels: []string{"gpu"}})
	fmt.Println("group 9:", errors.Is(err, runners.ErrNotFound))

	for g, err := range o.AllRunnerGroups(ctx, nil) {
		if err != nil {
			fmt.Println(err)
			return
		}
		fmt.Println(g.ID, g.Name, "default:", g.Default, "inherited:", g.Inherited)
	}
	for _, r := range org.Runners() {
		fmt.Println(r.Name, "in group", r.RunnerGroupID)
	}
	_ = o.RemoveRunnerFromGroup(ctx, 2, old.ID) // back to the default group
	r, _ := org.Runner(old.ID)
	fmt.Println(r.Name, "in group", r.RunnerGroupID, "; JIT runner", jit.Runner.Name, "in group", jit.Runner.RunnerGroupID)
	// Output:
	// group 9: true
	// 1 Default default: true inherited: false
	// 2 gpu default: false inherited: false
	// 3 acme-builders default: false inherited: true
	// old-1 in group 2
	// gpu-1 in group 2
	// old-1 in group 1 ; JIT runner gpu-1 in group 2
}
