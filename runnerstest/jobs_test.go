package runnerstest_test

import (
	"context"
	"fmt"
	"net/http"
	"strings"
	"sync"
	"testing"

	"github.com/fleetkit/runners"
	"github.com/fleetkit/runners/runnerstest"
	"github.com/fleetkit/runners/webhook"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// The whole loop of a webhook-driven autoscaler, over a real socket: the
// handler only records the queued job, the autoscaler then creates a JIT
// runner for it, which connects and takes the job; completing it removes the
// runner.
func TestAutoscalerLoopOverHTTP(t *testing.T) {
	t.Parallel()
	ctx := t.Context()
	srv := runnerstest.NewServer()
	org := srv.Org("octo-org")
	srv.ConnectRunners(true)
	s := srv.Client().Org("octo-org")
	var mu sync.Mutex
	var pending []*webhook.WorkflowJob // what the handler recorded, for the autoscaler to act on
	rec := listen(t, srv, func(_ context.Context, d *webhook.Delivery) error {
		if d.Job.Action == "queued" {
			mu.Lock()
			pending = append(pending, &d.Job.WorkflowJob)
			mu.Unlock()
		}
		return nil
	})
	scaleUp := func() {
		mu.Lock()
		jobs := pending
		pending = nil
		mu.Unlock()
		for _, j := range jobs {
			_, err := s.GenerateJITConfig(ctx, &runners.JITConfigRequest{Name: fmt.Sprintf("jit-%d", j.ID), RunnerGroupID: 1, Labels: j.Labels})
			require.NoError(t, err)
		}
	}

	a := org.QueueJob("self-hosted", "linux")
	b := org.QueueJob("self-hosted", "gpu")
	assert.Equal(t, []string{"1 queued", "2 queued"}, rec.actions())
	scaleUp() // each JIT call returns once the in_progress it caused is delivered
	assert.Equal(t, []string{"1 queued", "2 queued", "1 in_progress", "2 in_progress"}, rec.actions())
	rs := org.Runners()
	require.Len(t, rs, 2)
	assert.Equal(t, []string{fmt.Sprintf("1 in_progress %d", rs[0].ID), fmt.Sprintf("2 in_progress %d", rs[1].ID)}, jobStates(srv))
	for _, r := range rs {
		assert.Equal(t, runners.RunnerOnline, r.Status, r.Name)
		assert.True(t, r.Busy, r.Name)
		assert.Equal(t, "2.164.0", r.Version, "%s: connected, with the version of the fake's downloads", r.Name)
	}

	require.NoError(t, srv.CompleteJob(a.ID, "success"))
	require.NoError(t, srv.CompleteJob(b.ID, "failure"))
	assert.Equal(t, []string{"1 queued", "2 queued", "1 in_progress", "2 in_progress", "1 completed", "2 completed"}, rec.actions())
	assert.Empty(t, org.Runners(), "both ephemeral runners are gone")
	list, err := s.ListRunners(ctx, nil)
	require.NoError(t, err)
	assert.Zero(t, list.TotalCount, "gone through the API too")
	got := rec.deliveries()
	assert.Equal(t, "jit-1", got[2].Job.WorkflowJob.RunnerName)
	assert.Equal(t, "failure", got[5].Job.WorkflowJob.Conclusion)
}

// A job queued at an organization runs in its repository "repo": that
// repository's runners serve it, as do the organization's, and no other
// repository's or organization's.
func TestOrgJobRunsInTheOrgsRepo(t *testing.T) {
	t.Parallel()
	srv := runnerstest.NewServer()
	org := srv.Org("octo-org")
	other := srv.Repo("octo-org", "other").AddRunner(onlineRunner("other-repo", "self-hosted"))
	elsewhere := srv.Org("other-org").AddRunner(onlineRunner("other-org", "self-hosted"))
	srv.Enterprise("octo-ent").AddRunner(onlineRunner("enterprise", "self-hosted"))
	repoRunner := srv.Repo("Octo-Org", "REPO").AddRunner(onlineRunner("repo-runner", "self-hosted"))

	j1 := org.QueueJob("self-hosted")
	assert.Equal(t, "octo-org/repo", j1.Repository)
	assert.Equal(t, repoRunner.ID, j1.RunnerID, "the repository's own runner, named in any letter case")

	j2 := org.QueueJob("self-hosted")
	assert.Equal(t, "queued", j2.Status, "no runner of another repository (%d), organization (%d) or an enterprise takes it", other.ID, elsewhere.ID)
	orgRunner := org.AddRunner(onlineRunner("org-runner", "self-hosted"))
	assert.Equal(t, []string{fmt.Sprintf("1 in_progress %d", repoRunner.ID), fmt.Sprintf("2 in_progress %d", orgRunner.ID)}, jobStates(srv))
}

func TestRepoJobIsServedByTheRepoAndItsOrg(t *testing.T) {
	t.Parallel()
	t.Run("the organization's runner", func(t *testing.T) {
		t.Parallel()
		srv := runnerstest.NewServer()
		r := srv.Org("octo-org").AddRunner(onlineRunner("org-runner", "self-hosted"))
		j := srv.Repo("octo-org", "app").QueueJob("self-hosted")
		assert.Equal(t, "octo-org/app", j.Repository)
		assert.Equal(t, r.ID, j.RunnerID)
	})
	t.Run("the lowest ID of both", func(t *testing.T) {
		t.Parallel()
		srv := runnerstest.NewServer()
		repo := srv.Repo("octo-org", "app")
		repo.AddRunner(runners.Runner{ID: 20, Name: "repo-runner", Status: runners.RunnerOnline})
		srv.Org("octo-org").AddRunner(runners.Runner{ID: 10, Name: "org-runner", Status: runners.RunnerOnline})
		assert.Equal(t, int64(10), repo.QueueJob().RunnerID, "the organization's runner has the lower ID")
		assert.Equal(t, int64(20), repo.QueueJob().RunnerID, "then the repository's")
		assert.Equal(t, "queued", repo.QueueJob().Status, "both busy")
	})
	t.Run("a user's repository", func(t *testing.T) {
		t.Parallel()
		srv := runnerstest.NewServer()
		rec := listen(t, srv, nil)
		mine := srv.Repo("octocat", "hello-world").AddRunner(onlineRunner("mine", "self-hosted"))
		srv.Repo("octocat", "other").AddRunner(onlineRunner("not-mine", "self-hosted"))
		j := srv.Repo("octocat", "hello-world").QueueJob("self-hosted")
		assert.Equal(t, mine.ID, j.RunnerID)
		got := rec.deliveries()
		require.Len(t, got, 2)
		assert.Nil(t, got[0].Job.Organization)
		assert.Equal(t, "User", got[0].Job.Repository.Owner.Type)
		assert.Equal(t, "octocat/hello-world", got[0].Job.Repository.FullName)
	})
}

// Labels match as webhook.MatchLabels says: every job label, in any letter
// case; the runner may have more.
func TestJobLabelsMatchCaseInsensitively(t *testing.T) {
	t.Parallel()
	srv := runnerstest.NewServer()
	org := srv.Org("octo-org")
	linux := org.AddRunner(onlineRunner("linux", "Self-Hosted", "LINUX", "X64"))
	arm := org.AddRunner(onlineRunner("arm", "self-hosted", "Linux", "ARM64", "gpu"))

	gpu := org.QueueJob("SELF-HOSTED", "linux", "arm64", "GPU")
	x64 := org.QueueJob("self-hosted", "x64")
	mac := org.QueueJob("self-hosted", "macOS")
	assert.Equal(t, arm.ID, gpu.RunnerID, "the only runner with every label, though linux has a lower ID")
	assert.Equal(t, linux.ID, x64.RunnerID)
	assert.Equal(t, "queued", mac.Status, "no runner has macOS")
}

// Waiting jobs are matched oldest first; of several runners, the lowest ID
// takes the job.
func TestWaitingJobsOldestFirstLowestID(t *testing.T) {
	t.Parallel()
	srv := runnerstest.NewServer()
	org := srv.Org("octo-org")
	rec := listen(t, srv, nil)
	org.QueueJob("gpu")
	org.QueueJob("cpu")
	org.QueueJob("gpu")
	org.QueueJob("gpu")
	org.AddRunners(
		runners.Runner{ID: 30, Name: "gpu-b", Status: runners.RunnerOnline, Labels: []*runners.Label{{Name: "gpu"}}},
		runners.Runner{ID: 10, Name: "gpu-a", Status: runners.RunnerOnline, Labels: []*runners.Label{{Name: "gpu"}}},
	)
	assert.Equal(t, []string{"1 in_progress 10", "2 queued 0", "3 in_progress 30", "4 queued 0"}, jobStates(srv))

	require.NoError(t, srv.CompleteJob(3, "success"))
	assert.Equal(t, []string{"1 in_progress 10", "2 queued 0", "3 completed 30", "4 in_progress 30"}, jobStates(srv),
		"a runner freed by a completed job takes the oldest waiting job it can")
	assert.Equal(t, []string{
		"1 queued", "2 queued", "3 queued", "4 queued", "1 in_progress", "3 in_progress", "3 completed", "4 in_progress",
	}, rec.actions(), "completed is delivered before the in_progress it led to")
}

// Matching runs again whenever a runner may have become able to take a
// waiting job.
func TestWaitingJobIsTakenWhen(t *testing.T) {
	t.Parallel()
	gpu := []*runners.Label{{Name: "self-hosted"}, {Name: "gpu"}}
	for _, tc := range []struct {
		name string
		// prepare sets up a runner that cannot take a gpu job yet and returns its ID.
		prepare func(t *testing.T, srv *runnerstest.Server, org *runnerstest.ScopeState) int64
		// change makes it able to.
		change func(t *testing.T, srv *runnerstest.Server, org *runnerstest.ScopeState, id int64)
	}{{
		"a runner comes online",
		func(t *testing.T, _ *runnerstest.Server, org *runnerstest.ScopeState) int64 {
			return org.AddRunner(runners.Runner{Name: "r", Labels: gpu}).ID // offline
		},
		func(t *testing.T, _ *runnerstest.Server, org *runnerstest.ScopeState, id int64) {
			require.True(t, org.UpdateRunner(id, func(r *runners.Runner) { r.Status = runners.RunnerOnline }))
		},
	}, {
		"a runner the test made busy is idle again",
		func(t *testing.T, _ *runnerstest.Server, org *runnerstest.ScopeState) int64 {
			return org.AddRunner(runners.Runner{Name: "r", Status: runners.RunnerOnline, Busy: true, Labels: gpu}).ID
		},
		func(t *testing.T, _ *runnerstest.Server, org *runnerstest.ScopeState, id int64) {
			require.True(t, org.UpdateRunner(id, func(r *runners.Runner) { r.Busy = false }))
		},
	}, {
		"a label is added through the API",
		func(t *testing.T, _ *runnerstest.Server, org *runnerstest.ScopeState) int64 {
			return org.AddRunner(onlineRunner("r", "self-hosted")).ID
		},
		func(t *testing.T, srv *runnerstest.Server, _ *runnerstest.ScopeState, id int64) {
			_, err := srv.Client().Org("octo-org").AddLabels(t.Context(), id, "GPU")
			require.NoError(t, err)
		},
	}, {
		"labels are set through the API",
		func(t *testing.T, _ *runnerstest.Server, org *runnerstest.ScopeState) int64 {
			return org.AddRunner(onlineRunner("r", "self-hosted", "cpu")).ID
		},
		func(t *testing.T, srv *runnerstest.Server, _ *runnerstest.ScopeState, id int64) {
			_, err := srv.Client().Org("octo-org").SetLabels(t.Context(), id, "self-hosted", "gpu")
			require.NoError(t, err)
		},
	}, {
		"a runner is added",
		func(t *testing.T, _ *runnerstest.Server, _ *runnerstest.ScopeState) int64 { return 0 },
		func(t *testing.T, _ *runnerstest.Server, org *runnerstest.ScopeState, _ int64) {
			org.AddRunner(runners.Runner{ID: 77, Name: "r", Status: runners.RunnerOnline, Labels: gpu})
		},
	}, {
		"a runner finishes its job",
		func(t *testing.T, _ *runnerstest.Server, org *runnerstest.ScopeState) int64 {
			id := org.AddRunner(runners.Runner{Name: "r", Status: runners.RunnerOnline, Labels: gpu}).ID
			require.Equal(t, id, org.QueueJob("gpu").RunnerID)
			return id
		},
		func(t *testing.T, srv *runnerstest.Server, _ *runnerstest.ScopeState, _ int64) {
			require.NoError(t, srv.CompleteJob(1, "success"))
		},
	}, {
		"a JIT runner connects",
		func(t *testing.T, srv *runnerstest.Server, _ *runnerstest.ScopeState) int64 {
			srv.ConnectRunners(true)
			return 0
		},
		func(t *testing.T, srv *runnerstest.Server, _ *runnerstest.ScopeState, _ int64) {
			jit, err := srv.Client().Org("octo-org").GenerateJITConfig(t.Context(), &runners.JITConfigRequest{Name: "jit", RunnerGroupID: 1, Labels: []string{"gpu"}})
			require.NoError(t, err)
			assert.Equal(t, runners.RunnerOffline, jit.Runner.Status, "the answer shows the runner as created")
		},
	}} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			srv := runnerstest.NewServer()
			org := srv.Org("octo-org")
			rec := listen(t, srv, nil)
			id := tc.prepare(t, srv, org)
			job := org.QueueJob("gpu")
			require.Equal(t, "queued", job.Status)
			tc.change(t, srv, org, id)

			jobs := srv.Jobs()
			got := jobs[len(jobs)-1]
			require.Equal(t, job.ID, got.ID)
			assert.Equal(t, "in_progress", got.Status)
			if id == 0 { // the runner came with the change: the only one
				rs := org.Runners()
				require.Len(t, rs, 1)
				id = rs[0].ID
			}
			assert.Equal(t, id, got.RunnerID)
			r, ok := org.Runner(id)
			require.True(t, ok)
			assert.True(t, r.Busy)
			actions := rec.actions()
			assert.Equal(t, fmt.Sprintf("%d in_progress", job.ID), actions[len(actions)-1])
		})
	}
}

// A runner that is offline, busy or lacks a label takes no job.
func TestRunnersThatCannotTakeAJob(t *testing.T) {
	t.Parallel()
	srv := runnerstest.NewServer()
	org := srv.Org("octo-org")
	org.AddRunners(
		runners.Runner{Name: "offline", Labels: []*runners.Label{{Name: "gpu"}}},
		runners.Runner{Name: "busy", Status: runners.RunnerOnline, Busy: true, Labels: []*runners.Label{{Name: "gpu"}}},
		onlineRunner("no-gpu", "self-hosted", "cpu"),
	)
	j := org.QueueJob("self-hosted", "gpu")
	assert.Equal(t, "queued", j.Status)
	assert.Zero(t, j.RunnerID)
	for _, r := range org.Runners() {
		assert.Equal(t, r.Name == "busy", r.Busy, r.Name)
	}
}

// A runner AddRunner stores that takes a waiting job at once comes back busy.
func TestAddRunnerReturnsTheRunnerAsItIs(t *testing.T) {
	t.Parallel()
	srv := runnerstest.NewServer()
	org := srv.Org("octo-org")
	org.QueueJob("self-hosted")
	r := org.AddRunner(onlineRunner("r", "self-hosted"))
	assert.True(t, r.Busy)
	idle := org.AddRunner(onlineRunner("idle", "self-hosted"))
	assert.False(t, idle.Busy)
}

func TestCompleteJob(t *testing.T) {
	t.Parallel()
	t.Run("an ephemeral runner is removed", func(t *testing.T) {
		t.Parallel()
		srv := runnerstest.NewServer()
		org := srv.Org("octo-org")
		r := org.AddRunner(runners.Runner{Name: "once", Status: runners.RunnerOnline, Ephemeral: true})
		j := org.QueueJob()
		require.Equal(t, r.ID, j.RunnerID)
		require.NoError(t, srv.CompleteJob(j.ID, "success"))
		_, ok := org.Runner(r.ID)
		assert.False(t, ok)
		_, err := srv.Client().Org("octo-org").GetRunner(t.Context(), r.ID)
		assert.ErrorIs(t, err, runners.ErrNotFound)
		assert.Equal(t, "queued", org.QueueJob().Status, "it takes no second job")
	})
	t.Run("another runner stays, idle", func(t *testing.T) {
		t.Parallel()
		srv := runnerstest.NewServer()
		org := srv.Org("octo-org")
		r := org.AddRunner(onlineRunner("kept", "self-hosted"))
		j := org.QueueJob("self-hosted")
		got, err := srv.Client().Org("octo-org").GetRunner(t.Context(), r.ID)
		require.NoError(t, err)
		assert.True(t, got.Busy, "busy through the API while it runs the job")
		require.NoError(t, srv.CompleteJob(j.ID, "cancelled"))
		got, err = srv.Client().Org("octo-org").GetRunner(t.Context(), r.ID)
		require.NoError(t, err)
		assert.False(t, got.Busy)
		assert.Equal(t, runners.RunnerOnline, got.Status)
		assert.Equal(t, []string{fmt.Sprintf("1 completed %d", r.ID)}, jobStates(srv))
		assert.Equal(t, r.ID, org.QueueJob("self-hosted").RunnerID, "and takes the next job")
	})
	t.Run("a runner the test removed", func(t *testing.T) {
		t.Parallel()
		srv := runnerstest.NewServer()
		org := srv.Org("octo-org")
		r := org.AddRunner(onlineRunner("gone", "self-hosted"))
		j := org.QueueJob()
		require.True(t, org.RemoveRunner(r.ID))
		assert.Equal(t, "in_progress", srv.Jobs()[0].Status, "nothing fails the job")
		require.NoError(t, srv.CompleteJob(j.ID, "success"))
		assert.Equal(t, "completed", srv.Jobs()[0].Status)
	})
}

func TestCompleteJobErrors(t *testing.T) {
	t.Parallel()
	srv := runnerstest.NewServer()
	org := srv.Org("octo-org")
	listen(t, srv, nil)
	org.AddRunner(onlineRunner("r", "self-hosted"))
	running := org.QueueJob("self-hosted")
	waiting := org.QueueJob("gpu")
	done := org.QueueJob("gpu")
	require.NoError(t, srv.CancelJob(done.ID))
	before, deliveries := srv.Jobs(), len(srv.Deliveries())

	for _, tc := range []struct {
		id         int64
		conclusion string
		want       error
		says       string
	}{
		{0, "success", runners.ErrNotFound, "job 0: no such job"},
		{99, "success", runners.ErrNotFound, "job 99: no such job"},
		{waiting.ID, "success", runners.ErrConflict, "is queued, not in_progress"},
		{done.ID, "success", runners.ErrConflict, "is completed, not in_progress"},
		{running.ID, "", runners.ErrInvalidArgument, `conclusion ""`},
		{running.ID, "succeeded", runners.ErrInvalidArgument, `conclusion "succeeded"`},
	} {
		err := srv.CompleteJob(tc.id, tc.conclusion)
		assert.ErrorIs(t, err, tc.want, "job %d %q", tc.id, tc.conclusion)
		if assert.Error(t, err) {
			assert.True(t, strings.HasPrefix(err.Error(), "runnerstest: CompleteJob: "), err.Error())
			assert.Contains(t, err.Error(), tc.says)
		}
	}
	assert.Equal(t, before, srv.Jobs(), "nothing changed")
	assert.Len(t, srv.Deliveries(), deliveries, "nothing delivered")
}

func TestCancelJob(t *testing.T) {
	t.Parallel()
	srv := runnerstest.NewServer()
	org := srv.Org("octo-org")
	rec := listen(t, srv, nil)
	r := org.AddRunner(runners.Runner{Name: "jit", Status: runners.RunnerOnline, Ephemeral: true, Labels: []*runners.Label{{Name: "cpu"}}})
	running := org.QueueJob("cpu")
	waiting := org.QueueJob("gpu")

	require.NoError(t, srv.CancelJob(waiting.ID))
	require.NoError(t, srv.CancelJob(running.ID))
	assert.Equal(t, []string{fmt.Sprintf("1 completed %d", r.ID), "2 completed 0"}, jobStates(srv))
	assert.Empty(t, org.Runners(), "a cancelled job's ephemeral runner is gone too")
	got := rec.deliveries()
	require.Len(t, got, 5) // 1 queued, 1 in_progress, 2 queued, 2 completed, 1 completed
	cancelled := got[3].Job.WorkflowJob
	assert.Equal(t, "completed", got[3].Job.Action)
	assert.Equal(t, "cancelled", cancelled.Conclusion)
	assert.Zero(t, cancelled.RunnerID, "a job cancelled while queued names no runner")
	assert.Equal(t, "", cancelled.RunnerName)
	assert.False(t, cancelled.CompletedAt.IsZero())

	org.AddRunner(onlineRunner("late", "gpu"))
	assert.Equal(t, "completed", srv.Jobs()[1].Status, "a cancelled job is not taken")
	assert.ErrorIs(t, srv.CancelJob(waiting.ID), runners.ErrConflict)
	assert.ErrorIs(t, srv.CancelJob(3), runners.ErrNotFound)
}

func TestJobsIsASnapshotInIDOrder(t *testing.T) {
	t.Parallel()
	srv := runnerstest.NewServer()
	org := srv.Org("octo-org")
	labels := []string{"self-hosted", "linux"}
	j := org.QueueJob(labels...)
	labels[0] = "changed"
	srv.Repo("octocat", "hello").QueueJob("b")
	j.Labels[1] = "changed"
	jobs := srv.Jobs()
	jobs[0].Labels[0] = "changed"

	again := srv.Jobs()
	require.Len(t, again, 2)
	assert.Equal(t, []int64{1, 2}, []int64{again[0].ID, again[1].ID})
	assert.Equal(t, []string{"self-hosted", "linux"}, again[0].Labels)
	assert.Equal(t, "octocat/hello", again[1].Repository)
}

func TestQueueJobAtAnEnterprisePanics(t *testing.T) {
	t.Parallel()
	srv := runnerstest.NewServer()
	ent := srv.Enterprise("octo-ent")
	assert.PanicsWithValue(t, "runnerstest: QueueJob: enterprises/octo-ent: a job runs in a repository: queue it at an organization or a repository", func() {
		ent.QueueJob("self-hosted")
	})
	assert.Empty(t, srv.Jobs())
	assert.Equal(t, "queued", srv.Org("octo-org").QueueJob("x").Status, "the fake is not left locked")
}

// Without ConnectRunners, a JIT runner stays offline until the test brings
// it online.
func TestConnectRunnersIsOffByDefault(t *testing.T) {
	t.Parallel()
	srv := runnerstest.NewServer()
	org := srv.Org("octo-org")
	job := org.QueueJob("self-hosted")
	jit, err := srv.Client().Org("octo-org").GenerateJITConfig(t.Context(), &runners.JITConfigRequest{Name: "jit", RunnerGroupID: 1, Labels: []string{"linux"}})
	require.NoError(t, err)
	r, _ := org.Runner(jit.Runner.ID)
	assert.Equal(t, runners.RunnerOffline, r.Status)
	assert.Equal(t, "queued", srv.Jobs()[0].Status)

	org.UpdateRunner(r.ID, func(r *runners.Runner) { r.Status = runners.RunnerOnline })
	assert.Equal(t, []string{fmt.Sprintf("%d in_progress %d", job.ID, r.ID)}, jobStates(srv))

	// Turned on, it applies to runners registered from then on only.
	srv.ConnectRunners(true)
	org.AddRunner(runners.Runner{Name: "added", Labels: []*runners.Label{{Name: "self-hosted"}}})
	added := org.Runners()[1]
	assert.Equal(t, runners.RunnerOffline, added.Status, "AddRunner keeps the status it is given")
}

// A runner in another group takes jobs with its group's ID and name; one
// seeded with a group the scope does not have, with its ID and a null name.
func TestJobTakenInTheRunnersGroup(t *testing.T) {
	t.Parallel()
	srv := runnerstest.NewServer()
	rec := listen(t, srv, nil)
	org := srv.Org("octo-org")
	org.AddRunnerGroup(runners.RunnerGroup{ID: 5, Name: "gpu-pool"})
	org.AddRunner(runners.Runner{Name: "grouped", RunnerGroupID: 5, Status: runners.RunnerOnline, Labels: []*runners.Label{{Name: "gpu"}}})
	org.AddRunner(runners.Runner{Name: "seeded", RunnerGroupID: 4, Status: runners.RunnerOnline})
	j := org.QueueJob("gpu")
	assert.Equal(t, int64(5), j.RunnerGroupID)
	assert.Equal(t, "gpu-pool", j.RunnerGroupName)
	j = org.QueueJob()
	assert.Equal(t, int64(4), j.RunnerGroupID)
	assert.Equal(t, "", j.RunnerGroupName)
	got := rec.deliveries()
	require.Len(t, got, 4)
	assert.Equal(t, int64(5), got[1].Job.WorkflowJob.RunnerGroupID)
	assert.Equal(t, "gpu-pool", got[1].Job.WorkflowJob.RunnerGroupName, "the group's name")
	assert.Equal(t, int64(4), got[3].Job.WorkflowJob.RunnerGroupID)
	assert.Equal(t, "", got[3].Job.WorkflowJob.RunnerGroupName, "sent as null: the fake does not know the group")
	assert.Contains(t, string(srv.Deliveries()[3].Payload), `"runner_group_name":null`)
	assert.Equal(t, http.StatusAccepted, srv.Deliveries()[1].StatusCode)

	// Renamed, the group's new name is sent.
	_, err := srv.Client().Org("octo-org").UpdateRunnerGroup(t.Context(), 5, &runners.RunnerGroupUpdate{Name: runners.Ptr("gpu-2")})
	require.NoError(t, err)
	require.NoError(t, srv.CompleteJob(1, "success"))
	assert.Equal(t, "gpu-2", org.QueueJob("gpu").RunnerGroupName)
}

// BenchmarkRequestWhileJobsWait is what each change to the fake costs while
// many jobs wait and every runner is busy: matching looks at idle runners
// only.
func BenchmarkRequestWhileJobsWait(b *testing.B) {
	srv := runnerstest.NewServer()
	org := srv.Org("octo-org")
	rs := make([]runners.Runner, 500)
	for i := range rs {
		rs[i] = runners.Runner{Name: fmt.Sprintf("r%03d", i), Status: runners.RunnerOnline, Busy: true}
	}
	org.AddRunners(rs...)
	for range 500 {
		org.QueueJob("self-hosted")
	}
	b.ReportAllocs()
	b.ResetTimer()
	for b.Loop() {
		org.UpdateRunner(1, func(*runners.Runner) {})
	}
}
