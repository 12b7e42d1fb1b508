package runners

// Fleet helpers: what runner managers write by hand around the operations of
// a [Scope], written once. Each uses only the Scope interface, so it works at
// any scope and against any test double.

import (
	"context"
	"errors"
	"fmt"
	"io"
	"math/rand/v2"
	"slices"
	"strings"
	"sync"
	"time"
)

// FindRunner returns the runner of the scope named exactly name, found with
// GitHub's name filter: one request, however big the fleet. No such runner
// is an error matching [ErrNotFound].
func FindRunner(ctx context.Context, s Scope, name string) (*Runner, error) {
	if name == "" {
		return nil, invalidArgf("FindRunner: the runner name is empty")
	}
	for r, err := range s.AllRunners(ctx, &ListRunnersOptions{Name: name}) {
		if err != nil {
			return nil, err
		}
		if r.Name == name {
			return r, nil
		}
	}
	return nil, notFoundf("no runner named %q", name)
}

// DeleteOptions tunes [DeleteRunnerWhenIdle]; nil means the defaults.
type DeleteOptions struct {
	// PollInterval is how long to wait before asking again while the runner
	// is running a job: 10 seconds when 0. Each wait is jittered between half
	// and one and a half times it, so that many deleters do not ask in step.
	PollInterval time.Duration
	// MissingOK makes a runner that does not exist (404) a success: it is
	// gone either way.
	MissingOK bool
}

// DeleteRunnerWhenIdle deletes a runner, waiting for it to finish its job
// first: while GitHub refuses the delete with [ErrRunnerBusy], it waits and
// tries again, until the delete succeeds, another error comes back, or ctx
// ends. An end of ctx during a wait returns an error that matches both ctx's
// error and [ErrRunnerBusy].
func DeleteRunnerWhenIdle(ctx context.Context, s Scope, runnerID int64, opts *DeleteOptions) error {
	var o DeleteOptions
	if opts != nil {
		o = *opts
	}
	switch {
	case o.PollInterval < 0:
		return invalidArgf("DeleteRunnerWhenIdle: the poll interval must not be negative, got %v", o.PollInterval)
	case o.PollInterval == 0:
		o.PollInterval = 10 * time.Second
	}
	for {
		err := s.DeleteRunner(ctx, runnerID)
		switch {
		case err == nil, o.MissingOK && errors.Is(err, ErrNotFound):
			return nil
		case !errors.Is(err, ErrRunnerBusy):
			return err
		}
		wait := o.PollInterval/2 + rand.N(o.PollInterval)
		if werr := (systemClock{}).Sleep(ctx, wait); werr != nil {
			// The last answer, busy, with why the wait stopped: errors.Is finds
			// both ErrRunnerBusy and the context's error.
			var last *Error
			if !errors.As(err, &last) {
				return err
			}
			stopped := *last
			stopped.Message = fmt.Sprintf("stopped waiting for runner %d to finish its job (last answer: %s)", runnerID, last.Message)
			stopped.cause = werr
			return &stopped
		}
	}
}

// PruneOptions selects the runners [PruneRunners] deletes. A runner is
// selected when it matches every filter set; busy and online runners are
// never deleted, whatever the selection.
type PruneOptions struct {
	// Match selects runners; nil selects every runner. It is called once
	// for each listed runner that passes NamePrefix and Labels, from the
	// goroutine that called PruneRunners.
	Match func(*Runner) bool
	// NamePrefix, when set, selects only runners whose name starts with it.
	NamePrefix string
	// Labels, when set, selects only runners that carry all of these labels,
	// compared without regard to case, as GitHub does.
	Labels []string
	// Concurrency is how many runners are deleted at once: 4 when 0.
	Concurrency int
	// DryRun sends no DELETE: the report's Deleted lists the runners that
	// would be deleted.
	DryRun bool
}

// PruneReport is what [PruneRunners] did with the runners it selected, each
// list in the order GitHub listed them.
type PruneReport struct {
	Deleted []*Runner    // deleted; with DryRun, those that would be
	Skipped []PruneEntry // left alone: Reason says why
	Failed  []PruneEntry // the requests for it failed: Err says why
}

// PruneEntry is a runner [PruneRunners] selected but did not delete.
type PruneEntry struct {
	Runner *Runner // as last seen
	// Reason says why a skipped runner was left alone: "busy", "online",
	// "took a job since it was listed", "came online since it was listed" or
	// "already gone"; for a failed one, what failed: "get failed", "delete
	// failed", or "not tried" when ctx ended first.
	Reason string
	Err    error // the failure; for a skipped runner, GitHub's answer that said so, if any
}

// PruneRunners deletes the scope's offline, idle runners that opts selects,
// such as the offline runners that pile up until a runner group reaches its
// limit, and reports what it did.
//
// It lists every runner first and deletes afterwards (deleting while paging
// would shift later runners onto pages already read). Before deleting a
// runner it gets it again and leaves it alone if it has come online or taken
// a job since it was listed; a runner that takes a job between that look and
// the delete is refused by GitHub ([ErrRunnerBusy]) and reported as skipped,
// not failed. Each deleted runner costs one GET and one DELETE.
//
// A runner just made from a JIT config or a registration token is offline
// until its machine starts it: use opts to leave alone the runners an
// autoscaler is still bringing up.
//
// The error is nil unless the runners could not be listed (nothing is
// deleted then, and the report is nil) or ctx ended before every selected
// runner was handled (the report says what was done). Failed deletes are in
// the report.
func PruneRunners(ctx context.Context, s Scope, opts PruneOptions) (*PruneReport, error) {
	n := opts.Concurrency
	switch {
	case n < 0:
		return nil, invalidArgf("PruneRunners: the concurrency must not be negative, got %d", n)
	case n == 0:
		n = 4
	}
	var selected []*Runner
	for r, err := range s.AllRunners(ctx, nil) {
		if err != nil {
			return nil, err
		}
		if opts.selects(r) {
			selected = append(selected, r)
		}
	}

	outcomes := make([]pruneOutcome, len(selected)) // by index: reported in list order
	sem := make(chan struct{}, n)
	var wg sync.WaitGroup
	for i, r := range selected {
		switch {
		case r.Busy:
			outcomes[i] = pruneOutcome{pruneSkipped, PruneEntry{Runner: r, Reason: "busy"}}
			continue
		case r.Status == RunnerOnline:
			outcomes[i] = pruneOutcome{pruneSkipped, PruneEntry{Runner: r, Reason: "online"}}
			continue
		case opts.DryRun:
			outcomes[i] = pruneOutcome{pruneDeleted, PruneEntry{Runner: r}}
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
			outcomes[i] = pruneOutcome{pruneFailed, PruneEntry{Runner: r, Reason: "not tried", Err: ctx.Err()}}
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

	rep := &PruneReport{}
	interrupted := false
	for _, o := range outcomes {
		switch o.kind {
		case pruneDeleted:
			rep.Deleted = append(rep.Deleted, o.entry.Runner)
		case pruneSkipped:
			rep.Skipped = append(rep.Skipped, o.entry)
		case pruneFailed:
			rep.Failed = append(rep.Failed, o.entry)
			interrupted = interrupted || (ctx.Err() != nil && errors.Is(o.entry.Err, ctx.Err()))
		}
	}
	if interrupted {
		return rep, ctx.Err()
	}
	return rep, nil
}

type pruneKind int

const (
	pruneDeleted pruneKind = iota
	pruneSkipped
	pruneFailed
)

// pruneOutcome is what became of one selected runner.
type pruneOutcome struct {
	kind  pruneKind
	entry PruneEntry
}

// pruneOne gets a listed runner again and deletes it if it is still offline
// and idle.
func pruneOne(ctx context.Context, s Scope, listed *Runner) pruneOutcome {
	r, err := s.GetRunner(ctx, listed.ID)
	switch {
	case errors.Is(err, ErrNotFound):
		return pruneOutcome{pruneSkipped, PruneEntry{Runner: listed, Reason: "already gone", Err: err}}
	case err != nil:
		return pruneOutcome{pruneFailed, PruneEntry{Runner: listed, Reason: "get failed", Err: err}}
	case r.Busy:
		return pruneOutcome{pruneSkipped, PruneEntry{Runner: r, Reason: "took a job since it was listed"}}
	case r.Status == RunnerOnline:
		return pruneOutcome{pruneSkipped, PruneEntry{Runner: r, Reason: "came online since it was listed"}}
	}
	err = s.DeleteRunner(ctx, r.ID)
	switch {
	case err == nil:
		return pruneOutcome{pruneDeleted, PruneEntry{Runner: r}}
	case errors.Is(err, ErrRunnerBusy):
		return pruneOutcome{pruneSkipped, PruneEntry{Runner: r, Reason: "took a job since it was listed", Err: err}}
	case errors.Is(err, ErrNotFound):
		return pruneOutcome{pruneSkipped, PruneEntry{Runner: r, Reason: "already gone", Err: err}}
	}
	return pruneOutcome{pruneFailed, PruneEntry{Runner: r, Reason: "delete failed", Err: err}}
}

// selects reports whether o selects r, Match last.
func (o *PruneOptions) selects(r *Runner) bool {
	if !strings.HasPrefix(r.Name, o.NamePrefix) {
		return false
	}
	for _, want := range o.Labels {
		if !slices.ContainsFunc(r.Labels, func(l *Label) bool { return l != nil && strings.EqualFold(l.Name, want) }) {
			return false
		}
	}
	return o.Match == nil || o.Match(r)
}

// TokenCache hands out registration tokens for one scope, making a new one
// only when the last has less than a margin of its hour left: machines that
// start often (pods, VMs) share one token instead of each asking GitHub.
// Concurrent callers share one request. It is safe for concurrent use.
type TokenCache struct {
	s      Scope
	margin time.Duration
	now    func() time.Time // the clock; tests replace it

	mu      sync.Mutex
	tok     *Token
	pending *tokenCall // the request in flight, if any
}

// tokenCall is one CreateRegistrationToken request, shared by the callers
// that wait for it.
type tokenCall struct {
	done chan struct{} // closed when tok and err are set
	tok  *Token
	err  error
}

// NewTokenCache returns a cache of the registration tokens of s. A token is
// reused while more than margin of its life remains; margin 0 (or less)
// means 30 minutes, so a token handed out is good for at least that long.
func NewTokenCache(s Scope, margin time.Duration) *TokenCache {
	if margin <= 0 {
		margin = 30 * time.Minute
	}
	return &TokenCache{s: s, margin: margin, now: time.Now}
}

// Get returns a registration token with more than the cache's margin of life
// left: the cached one, or a new one from [Scope.CreateRegistrationToken].
// Callers that ask while a request is in flight wait for it rather than send
// their own. Each caller gets its own copy of the token (whose map and slice
// are shared: do not change them).
func (c *TokenCache) Get(ctx context.Context) (*Token, error) {
	for {
		c.mu.Lock()
		if c.tok != nil && c.tok.ExpiresAt.Sub(c.now()) > c.margin {
			tok := *c.tok
			c.mu.Unlock()
			return &tok, nil
		}
		if call := c.pending; call != nil {
			c.mu.Unlock()
			select {
			case <-call.done:
			case <-ctx.Done():
				return nil, &Error{Message: "waiting for a registration token", cause: ctx.Err()}
			}
			if call.err == nil {
				tok := *call.tok
				return &tok, nil
			}
			if isContextError(call.err) && ctx.Err() == nil {
				continue // the caller that asked gave up; this one has not
			}
			return nil, call.err
		}
		call := &tokenCall{done: make(chan struct{})}
		c.pending = call
		c.mu.Unlock()

		call.tok, call.err = c.s.CreateRegistrationToken(ctx)
		c.mu.Lock()
		c.pending = nil
		if call.err == nil {
			c.tok = call.tok
		}
		c.mu.Unlock()
		close(call.done)
		if call.err != nil {
			return nil, call.err
		}
		tok := *call.tok
		return &tok, nil
	}
}

// GenerateJITConfigReplacing creates a JIT runner config like
// [Scope.GenerateJITConfig], and recovers from the usual cause of its 409:
// a runner of the same name left behind, often by an earlier try whose answer
// was lost. When the name is taken by a runner that owns reports as the
// caller's and that is not busy, it deletes that runner and tries once more.
// Otherwise the conflict ([ErrConflict]) is returned and nothing is deleted;
// a nil owns owns nothing.
//
// owns decides what may be deleted: a typical one accepts only ephemeral,
// offline runners with the caller's name prefix.
func GenerateJITConfigReplacing(ctx context.Context, s Scope, req *JITConfigRequest, owns func(*Runner) bool) (*JITConfig, error) {
	jit, err := s.GenerateJITConfig(ctx, req)
	if !errors.Is(err, ErrConflict) {
		return jit, err
	}
	conflict := err
	old, err := FindRunner(ctx, s, req.Name)
	switch {
	case errors.Is(err, ErrNotFound):
		// gone since the 409: nothing is in the way any more
	case err != nil:
		return nil, err
	case owns == nil || old.Busy || !owns(old):
		return nil, conflict
	default:
		if err := s.DeleteRunner(ctx, old.ID); err != nil && !errors.Is(err, ErrNotFound) {
			if errors.Is(err, ErrRunnerBusy) {
				return nil, conflict // it took a job since it was found
			}
			return nil, err
		}
	}
	return s.GenerateJITConfig(ctx, req)
}

// Format prints the cache without its token, for every verb: fmt cannot call
// Token's own Format on the unexported field that holds it, and with a verb
// such as %s or %q it would print the token.
func (c *TokenCache) Format(f fmt.State, verb rune) {
	if c == nil {
		io.WriteString(f, "<nil>")
		return
	}
	c.mu.Lock()
	expires := ""
	if c.tok != nil {
		expires = c.tok.ExpiresAt.Format(time.RFC3339)
	}
	c.mu.Unlock()
	formatRedacted(f, verb, fmt.Sprintf("runners.TokenCache{Scope: %v, Margin: %v, ExpiresAt: %q}", c.s, c.margin, expires))
}
