package runnerstest

import (
	"cmp"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/fleetkit/runners"
	"github.com/fleetkit/runners/webhook"
)

// Job is a workflow job the fake queued, as a test sees it: a snapshot,
// which later changes do not touch.
type Job struct {
	ID       int64    // the workflow_job.id of its deliveries
	Labels   []string // the labels of its runs-on, as queued
	Status   string   // "queued", "in_progress", "completed"
	RunnerID int64    // the runner that took it; 0 until one did

	RunID      int64  // the workflow run it belongs to: each job is the only one of its run
	Name       string // "build"
	Repository string // the full name of its repository, "octo-org/repo"
	Conclusion string // "" until completed

	RunnerName      string // "" until a runner took it
	RunnerGroupID   int64  // 0 until a runner took it
	RunnerGroupName string // "" until a runner took it, and for a group the fake cannot name

	// The times, from the fake's clock, to the second as GitHub sends them.
	CreatedAt   time.Time
	StartedAt   time.Time // CreatedAt while queued, as GitHub sends it; then when a runner took it
	CompletedAt time.Time // zero until completed
}

// The job statuses a Job goes through.
const (
	statusQueued     = "queued"
	statusInProgress = "in_progress"
	statusCompleted  = "completed"
)

// What every job is, the fake having no workflow file: one job named
// "build" of the workflow "CI" on main, in its first attempt.
const (
	jobName      = "build"
	workflowName = "CI"
	headBranch   = "main"
	// orgJobRepo is the repository a job queued at an organization runs in.
	orgJobRepo = "repo"
	// runIDBase keeps run IDs apart from job IDs (1, 2, ...), so that a test
	// notices code that takes one for the other.
	runIDBase = 1000
)

// conclusions are the conclusions GitHub documents for a completed workflow job.
var conclusions = []string{"success", "failure", "neutral", "cancelled", "skipped", "timed_out", "action_required"}

// job is a job as the fake holds it, under Server.mu.
type job struct {
	Job
	owner, repo string // the repository's owner and name, as declared
	repoKey     string // scopeKey of the repository
	orgKey      string // scopeKey of the owner as an organization
}

// fleet is the part of the fake that plays GitHub Actions and its webhook:
// the jobs, which runners took them, and the deliveries about them. It is
// guarded by Server.mu.
type fleet struct {
	jobs    []*job // in ID order: jobs[i].ID == i+1
	waiting []*job // the queued ones, oldest first
	connect bool   // runners registered through the API come online at once

	ids    map[string]int64 // account and repository IDs, by kind and lower-case name
	lastID int64

	hook       *hookConfig // nil: no webhook
	lastHookID int64
	outbox     []outgoing // made, not yet delivered, in order
	delivering bool       // a goroutine is making the outbox's deliveries
	deliveries []Delivery // the deliveries made, oldest first
}

// QueueJob queues a job asking for labels at the scope, as a workflow run
// does, and returns a snapshot of it once the deliveries it caused are made
// (see [Server.SendWebhooks]): the fake delivers "queued"; once an online,
// idle runner that serves the scope (the repository's own runners, or its
// organization's) has every label (compared as [webhook.MatchLabels] does),
// it takes the job (the runner becomes busy) and the fake delivers
// "in_progress" with the runner's ID, name and group. Matching runs again
// whenever a runner may have become able to take a waiting job: AddRunner,
// UpdateRunner, a label change through the API, a completed job, a runner
// coming online ([Server.ConnectRunners]). Waiting jobs are matched oldest
// first, and of several runners that can take a job, the one with the lowest
// ID does.
//
// A job runs in a repository. A job queued at a repository runs there; a job
// queued at an organization runs in the organization's repository named
// "repo" (octo-org/repo), whose own runners are those of
// srv.Repo("octo-org", "repo") when the test declared it. The payload names
// the repository and, where the owner is an organization (declared with
// [Server.Org]), the organization. A job with no labels can run on any
// runner, as MatchLabels says. An enterprise holds no repository of its own,
// so queueing a job at one is a mistake in the test's set-up: QueueJob
// panics, as [ScopeState.AddRunner] does for its mistakes.
//
// GitHub docs: https://docs.github.com/webhooks/webhook-events-and-payloads#workflow_job
func (st *ScopeState) QueueJob(labels ...string) *Job {
	var id int64
	st.locked(func(sd *scopeData) { id = st.s.queue(sd, slices.Clone(labels)).ID })
	st.s.mu.Lock()
	defer st.s.mu.Unlock()
	return st.s.st.fleet.jobs[id-1].snapshot()
}

// queue adds a job at sd and makes its "queued" delivery; the caller holds s.mu.
func (s *Server) queue(sd *scopeData, labels []string) *job {
	kind, names, _ := strings.Cut(sd.path, "/")
	owner, repo, _ := strings.Cut(names, "/")
	switch kind {
	case "orgs":
		repo = orgJobRepo
	case "enterprises":
		panic("runnerstest: QueueJob: " + sd.path + ": a job runs in a repository: queue it at an organization or a repository")
	}
	f := &s.st.fleet
	now := s.now().UTC().Truncate(time.Second)
	id := int64(len(f.jobs)) + 1
	j := &job{
		Job: Job{
			ID: id, RunID: runIDBase + id, Labels: labels, Status: statusQueued, Name: jobName,
			Repository: owner + "/" + repo, CreatedAt: now, StartedAt: now,
		},
		owner: owner, repo: repo, repoKey: scopeKey("repos", owner, repo), orgKey: scopeKey("orgs", owner),
	}
	f.jobs = append(f.jobs, j)
	f.waiting = append(f.waiting, j)
	s.event(j, statusQueued)
	return j
}

// CompleteJob finishes a job that a runner took, with a conclusion GitHub
// documents ("success", "failure", "cancelled", "neutral", "skipped",
// "timed_out", "action_required"): the fake delivers "completed" with the
// conclusion and completed_at, the runner is idle again, and an ephemeral
// runner (a JIT runner is one) is removed, as GitHub does; the freed runner
// may then take a waiting job. It returns once the deliveries it caused are
// made. A runner the test removed meanwhile is not looked for.
//
// An empty or unknown conclusion is an error matching
// [runners.ErrInvalidArgument]; an unknown job, [runners.ErrNotFound]; a job
// no runner took, or one already completed, [runners.ErrConflict]. Nothing
// changes on an error.
func (s *Server) CompleteJob(jobID int64, conclusion string) error {
	var err error
	s.update(func() {
		var j *job
		if j, err = s.jobIn("CompleteJob", jobID, statusInProgress); err != nil {
			return
		}
		if !slices.Contains(conclusions, conclusion) {
			err = &jobError{fmt.Sprintf("CompleteJob: job %d: conclusion %q: want one of %s", jobID, conclusion, strings.Join(conclusions, ", ")), runners.ErrInvalidArgument}
			return
		}
		s.complete(j, conclusion)
	})
	return err
}

// CancelJob cancels a job, as when its workflow run is cancelled: the fake
// delivers "completed" with the conclusion "cancelled". A job a runner took
// ends as with [Server.CompleteJob]; a queued one never gets a runner, so its
// delivery names none (and a runner an autoscaler started for it stays idle).
// An unknown job is an error matching [runners.ErrNotFound], a completed one
// [runners.ErrConflict].
func (s *Server) CancelJob(jobID int64) error {
	var err error
	s.update(func() {
		var j *job
		if j, err = s.jobIn("CancelJob", jobID, statusQueued, statusInProgress); err == nil {
			s.complete(j, "cancelled")
		}
	})
	return err
}

// jobIn returns the job with the ID when its status is one of statuses; the
// caller holds s.mu.
func (s *Server) jobIn(op string, jobID int64, statuses ...string) (*job, error) {
	jobs := s.st.fleet.jobs
	if jobID < 1 || jobID > int64(len(jobs)) {
		return nil, &jobError{fmt.Sprintf("%s: job %d: no such job", op, jobID), runners.ErrNotFound}
	}
	j := jobs[jobID-1]
	if !slices.Contains(statuses, j.Status) {
		return nil, &jobError{fmt.Sprintf("%s: job %d is %s, not %s", op, jobID, j.Status, strings.Join(statuses, " or ")), runners.ErrConflict}
	}
	return j, nil
}

// complete ends a queued or running job and frees its runner; the caller
// holds s.mu.
func (s *Server) complete(j *job, conclusion string) {
	f := &s.st.fleet
	f.waiting = slices.DeleteFunc(f.waiting, func(w *job) bool { return w == j })
	j.Status, j.Conclusion, j.CompletedAt = statusCompleted, conclusion, s.now().UTC().Truncate(time.Second)
	s.event(j, statusCompleted)
	if j.RunnerID == 0 {
		return
	}
	for _, sd := range s.st.scopes {
		r := sd.runners[j.RunnerID]
		switch {
		case r == nil:
			continue
		case r.Ephemeral:
			delete(sd.runners, r.ID) // an ephemeral runner unregisters after its one job
		default:
			r.Busy = false
		}
		return
	}
}

// Jobs returns a snapshot of every job queued so far, in ID order.
func (s *Server) Jobs() []Job {
	s.mu.Lock()
	defer s.mu.Unlock()
	out := make([]Job, 0, len(s.st.fleet.jobs))
	for _, j := range s.st.fleet.jobs {
		out = append(out, *j.snapshot())
	}
	return out
}

func (j *job) snapshot() *Job {
	c := j.Job
	c.Labels = slices.Clone(j.Labels)
	return &c
}

// ConnectRunners sets whether runners registered through the API from now
// on (a JIT config's) come online at once, as the runner application does
// when it starts with its config and connects: then they may take a waiting
// job straight away. The JIT config's answer still shows the runner as
// created, offline; it comes online right after, before the call returns,
// with the version of the fake's runner downloads. Off by default: a test
// brings a runner online itself with [ScopeState.UpdateRunner].
func (s *Server) ConnectRunners(connect bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.st.fleet.connect = connect
}

// connectedVersion is the version a runner reports once connected: that of
// the runner software the fake lists for download.
const connectedVersion = "2.164.0"

// afterRequest brings the runners registered during a request (IDs above
// lastID) online when ConnectRunners is on, then matches waiting jobs; the
// caller holds s.mu.
func (s *Server) afterRequest(lastID int64) {
	if s.st.fleet.connect && s.st.nextID > lastID {
		for _, sd := range s.st.scopes {
			for id, r := range sd.runners {
				if id > lastID && r.Status == runners.RunnerOffline && r.Version == "" {
					r.Status, r.Version = runners.RunnerOnline, connectedVersion
				}
			}
		}
	}
	s.matchJobs()
}

// matchJobs gives each waiting job, oldest first, to the runner with the
// lowest ID that can take it, and delivers "in_progress" for each; the caller
// holds s.mu. It looks only at the runners that are online and idle, found
// once per scope, so a request costs little while jobs wait for runners that
// are all busy.
func (s *Server) matchJobs() {
	f := &s.st.fleet
	if len(f.waiting) == 0 {
		return
	}
	idle := map[string][]*runners.Runner{} // by scope key, in ID order
	kept := f.waiting[:0]
	for _, j := range f.waiting {
		r, sd := s.st.runnerFor(j, idle)
		if r == nil {
			kept = append(kept, j)
			continue
		}
		r.Busy = true
		j.Status, j.StartedAt, j.RunnerID, j.RunnerName = statusInProgress, s.now().UTC().Truncate(time.Second), r.ID, r.Name
		j.RunnerGroupID, j.RunnerGroupName = sd.runnerGroup(r)
		s.event(j, statusInProgress)
	}
	clear(f.waiting[len(kept):])
	f.waiting = kept
}

// runnerFor returns the idle runner with the lowest ID that serves j's
// repository (its own runners, and its organization's) and has every label j
// asks for, and its scope; nil when none can take it. idle caches each
// scope's online, idle runners.
func (s *state) runnerFor(j *job, idle map[string][]*runners.Runner) (*runners.Runner, *scopeData) {
	var best *runners.Runner
	var in *scopeData
	for _, key := range []string{j.repoKey, j.orgKey} {
		rs, found := idle[key]
		if !found {
			if sd := s.scopes[key]; sd != nil {
				for _, r := range sd.runners {
					if r.Status == runners.RunnerOnline && !r.Busy {
						rs = append(rs, r)
					}
				}
				slices.SortFunc(rs, func(a, b *runners.Runner) int { return cmp.Compare(a.ID, b.ID) })
			}
			idle[key] = rs
		}
		for _, r := range rs {
			if best != nil && r.ID > best.ID {
				break
			}
			if !r.Busy && webhook.MatchLabels(j.Labels, labelNamesOf(r)) { // Busy: it took a job in this pass
				best, in = r, s.scopes[key]
				break
			}
		}
	}
	return best, in
}

func labelNamesOf(r *runners.Runner) []string {
	names := make([]string, len(r.Labels))
	for i, l := range r.Labels {
		names[i] = l.Name
	}
	return names
}

// runnerGroup is the group a runner of sd takes a job in, and its name: its
// own group, or the default group for a repository's runner, which has none
// (GitHub names it "Default"). A group the scope does not have (a runner
// seeded with its ID) has no name the fake knows: "", sent as null.
func (sd *scopeData) runnerGroup(r *runners.Runner) (id int64, name string) {
	if sd.groups == nil || r.RunnerGroupID == 0 {
		return defaultGroupID, defaultGroupName
	}
	if g := sd.groups[r.RunnerGroupID]; g != nil {
		return g.ID, g.Name
	}
	return r.RunnerGroupID, ""
}

// jobError is a mistake in a test's use of the jobs: it matches kind.
type jobError struct {
	msg  string
	kind error
}

func (e *jobError) Error() string        { return "runnerstest: " + e.msg }
func (e *jobError) Is(target error) bool { return target == e.kind }
