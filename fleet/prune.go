package fleet

import (
	"context"
	"errors"
	"slices"
	"strconv"
	"strings"
	"sync"

	"github.com/fleetkit/runners"
)

// PruneOptions selects the runners [Prune] deletes; nil selects every
// runner. A runner is selected when it matches every filter set; busy and
// online runners are never deleted, whatever the selection.
type PruneOptions struct {
	// Match selects runners; nil selects every runner. It is called once
	// for each listed runner that passes NamePrefix and Labels, from the
	// goroutine that called Prune.
	Match func(*runners.Runner) bool
	// NamePrefix, when set, selects only runners whose name starts with it.
	NamePrefix string
	// RunnerGroupID, when not 0, selects only runners in that runner group,
	// as the scope's one listing reports them (Runner.RunnerGroupID): no
	// request per group, which would spend quota for nothing. Find the ID of
	// a group by name with [FindRunnerGroup] or a [GroupCache]. Negative is
	// an error.
	RunnerGroupID int64
	// Labels, when set, selects only runners that carry all of these labels,
	// compared without regard to case, as GitHub does. An empty label is an
	// error.
	Labels []string
	// Concurrency is how many runners are deleted at once: 4 when 0;
	// negative is an error.
	Concurrency int
	// DryRun sends no DELETE: the report's Deleted lists the runners that
	// would be deleted.
	DryRun bool
}

// PruneReason says why [Prune] did not delete a runner it selected.
type PruneReason string

// The reasons of a skipped runner, left alone on purpose.
const (
	SkipBusy       PruneReason = "busy"                            // running a job when listed
	SkipOnline     PruneReason = "online"                          // online when listed
	SkipTookJob    PruneReason = "took a job since it was listed"  // busy when looked at again, or the delete was refused as busy
	SkipCameOnline PruneReason = "came online since it was listed" // online when looked at again
	SkipGone       PruneReason = "already gone"                    // 404 when looked at again or deleted
)

// The reasons of a failed runner, whose requests did not succeed.
const (
	FailGet      PruneReason = "get failed"    // looking at it again failed
	FailDelete   PruneReason = "delete failed" // the DELETE failed
	FailNotTried PruneReason = "not tried"     // ctx ended before its turn
)

// PruneReport is what [Prune] did with the runners it selected, each list in
// the order GitHub listed them. Its String method prints it on one line.
type PruneReport struct {
	Deleted []*runners.Runner // deleted; with DryRun, those that would be
	Skipped []PruneEntry      // left alone: Reason says why
	Failed  []PruneEntry      // the requests for it failed: Err says why
	DryRun  bool              // the options' DryRun: nothing was deleted
}

// PruneEntry is a runner [Prune] selected but did not delete.
type PruneEntry struct {
	Runner *runners.Runner // as last seen
	Reason PruneReason     // a Skip… constant in Skipped, a Fail… one in Failed
	Err    error           // the failure; for a skipped runner, GitHub's answer that said so, if any
}

// String returns the report on one line, such as
// "deleted 1 [mac_runner (ID 24)]; skipped 1 [linux_runner (ID 23): busy]; failed 0".
func (r PruneReport) String() string {
	verb := "deleted"
	if r.DryRun {
		verb = "would delete"
	}
	var b strings.Builder
	writeList(&b, verb, r.Deleted, runnerString)
	writeList(&b, "; skipped", r.Skipped, PruneEntry.String)
	writeList(&b, "; failed", r.Failed, PruneEntry.String)
	return b.String()
}

// writeList writes "label N [a, b]", or "label 0".
func writeList[T any](b *strings.Builder, label string, items []T, str func(T) string) {
	b.WriteString(label + " " + strconv.Itoa(len(items)))
	for i, it := range items {
		if i == 0 {
			b.WriteString(" [")
		} else {
			b.WriteString(", ")
		}
		b.WriteString(str(it))
	}
	if len(items) > 0 {
		b.WriteString("]")
	}
}

// String returns the entry as "NAME (ID N): REASON", and ": ERROR" when it
// has one.
func (e PruneEntry) String() string {
	s := runnerString(e.Runner) + ": " + string(e.Reason)
	if e.Err != nil {
		s += ": " + e.Err.Error()
	}
	return s
}

func runnerString(r *runners.Runner) string {
	if r == nil {
		return "<nil runner>"
	}
	return r.Name + " (ID " + strconv.FormatInt(r.ID, 10) + ")"
}

// Prune deletes the offline, idle runners of s that opts selects, such as
// the offline runners that pile up until a runner group reaches its limit,
// and reports what it did.
//
// It lists every runner first and deletes afterwards (deleting while paging
// would shift later runners onto pages already read). Before deleting a
// runner it gets it again and leaves it alone if it has come online or taken
// a job since it was listed; a runner that takes a job between that look and
// the delete is refused by GitHub ([runners.ErrRunnerBusy]) and reported as
// skipped, not failed. Each deleted runner costs one GET and one DELETE.
//
// A runner just made from a JIT config or a registration token is offline
// until its machine starts it: use opts to leave alone the runners an
// autoscaler is still bringing up.
//
// The error is nil unless the runners could not be listed or the arguments
// are bad (nothing is deleted then, and the report is nil), or ctx ended
// before every selected runner was handled (the report says what was done).
// Failed deletes are in the report.
//
// GitHub docs of the delete (enterprise, organization, repository; the list
// and the get are on the same pages):
// https://docs.github.com/enterprise-cloud@latest/rest/actions/self-hosted-runners#delete-a-self-hosted-runner-from-an-enterprise,
// https://docs.github.com/rest/actions/self-hosted-runners#delete-a-self-hosted-runner-from-an-organization,
// https://docs.github.com/rest/actions/self-hosted-runners#delete-a-self-hosted-runner-from-a-repository
//
//	GET    /{scope}/actions/runners
//	GET    /{scope}/actions/runners/{runner_id}
//	DELETE /{scope}/actions/runners/{runner_id}
func Prune(ctx context.Context, s runners.Scope, opts *PruneOptions) (*PruneReport, error) {
	const what = "Prune"
	if err := checkArgs(what, ctx, s); err != nil {
		return nil, err
	}
	var o PruneOptions
	if opts != nil {
		o = *opts
	}
	n := o.Concurrency
	switch {
	case n < 0:
		return nil, invalid(what, "the concurrency must not be negative, got %d", n)
	case n == 0:
		n = 4
	}
	if i := slices.Index(o.Labels, ""); i >= 0 {
		return nil, invalid(what, "label %d is empty", i)
	}
	if o.RunnerGroupID < 0 {
		return nil, invalid(what, "the runner group ID must not be negative, got %d", o.RunnerGroupID)
	}
	var selected []*runners.Runner
	for r, err := range s.AllRunners(ctx, nil) {
		if err != nil {
			return nil, err
		}
		if o.selects(r) {
			selected = append(selected, r)
		}
	}

	outcomes := make([]outcome, len(selected)) // by index: reported in list order
	sem := make(chan struct{}, n)
	var wg sync.WaitGroup
	for i, r := range selected {
		switch {
		case r.Busy:
			outcomes[i] = skipped(r, SkipBusy, nil)
			continue
		case r.Status == runners.RunnerOnline:
			outcomes[i] = skipped(r, SkipOnline, nil)
			continue
		case o.DryRun:
			outcomes[i] = outcome{entry: PruneEntry{Runner: r}}
			continue
		}
		acquired := false
		if ctx.Err() == nil {
			select {
			case sem <- struct{}{}:
				acquired = true
			case <-ctx.Done():
			}
		}
		if !acquired {
			outcomes[i] = failed(r, FailNotTried, ctx.Err())
			continue
		}
		wg.Add(1)
		go func() {
			defer wg.Done()
			defer func() { <-sem }()
			outcomes[i] = pruneOne(ctx, s, r)
		}()
	}
	wg.Wait()

	rep := &PruneReport{DryRun: o.DryRun}
	interrupted := false
	for _, oc := range outcomes {
		switch oc.kind {
		case deleted:
			rep.Deleted = append(rep.Deleted, oc.entry.Runner)
		case skip:
			rep.Skipped = append(rep.Skipped, oc.entry)
		case fail:
			rep.Failed = append(rep.Failed, oc.entry)
			interrupted = interrupted || (ctx.Err() != nil && errors.Is(oc.entry.Err, ctx.Err()))
		}
	}
	if interrupted {
		return rep, ctx.Err()
	}
	return rep, nil
}

type outcomeKind int

const (
	deleted outcomeKind = iota
	skip
	fail
)

// outcome is what became of one selected runner.
type outcome struct {
	kind  outcomeKind
	entry PruneEntry
}

func skipped(r *runners.Runner, why PruneReason, err error) outcome {
	return outcome{skip, PruneEntry{Runner: r, Reason: why, Err: err}}
}

func failed(r *runners.Runner, why PruneReason, err error) outcome {
	return outcome{fail, PruneEntry{Runner: r, Reason: why, Err: err}}
}

// pruneOne gets a listed runner again and deletes it if it is still offline
// and idle.
func pruneOne(ctx context.Context, s runners.Scope, listed *runners.Runner) outcome {
	r, err := s.GetRunner(ctx, listed.ID)
	switch {
	case errors.Is(err, runners.ErrNotFound):
		return skipped(listed, SkipGone, err)
	case err != nil:
		return failed(listed, FailGet, err)
	case r.Busy:
		return skipped(r, SkipTookJob, nil)
	case r.Status == runners.RunnerOnline:
		return skipped(r, SkipCameOnline, nil)
	}
	err = s.DeleteRunner(ctx, r.ID)
	switch {
	case err == nil:
		return outcome{entry: PruneEntry{Runner: r}}
	case errors.Is(err, runners.ErrRunnerBusy):
		return skipped(r, SkipTookJob, err)
	case errors.Is(err, runners.ErrNotFound):
		return skipped(r, SkipGone, err)
	}
	return failed(r, FailDelete, err)
}

// selects reports whether o selects r, Match last.
func (o *PruneOptions) selects(r *runners.Runner) bool {
	if !strings.HasPrefix(r.Name, o.NamePrefix) || (o.RunnerGroupID != 0 && r.RunnerGroupID != o.RunnerGroupID) {
		return false
	}
	for _, want := range o.Labels {
		if !slices.ContainsFunc(r.Labels, func(l *runners.Label) bool { return l != nil && strings.EqualFold(l.Name, want) }) {
			return false
		}
	}
	return o.Match == nil || o.Match(r)
}
