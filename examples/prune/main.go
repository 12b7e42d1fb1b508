// Command prune deletes the offline, idle self-hosted runners of a GitHub
// organization, repository or enterprise, such as those that pile up until a
// runner group reaches its limit, with fleet.Prune. Busy and online runners
// are never deleted.
//
// It is a dry run unless -apply is given: it prints what it would delete.
//
// With GITHUB_TOKEN set and a scope flag given it asks GitHub; otherwise it
// runs against the built-in fake (package runnerstest), seeded with the
// runners of GitHub's documentation, and says so on stderr:
//
//	go run ./examples/prune
//	GITHUB_TOKEN=... go run ./examples/prune -org octo-org -prefix ci- -label linux
//	GITHUB_TOKEN=... go run ./examples/prune -org octo-org -prefix ci- -apply
//	GITHUB_TOKEN=... go run ./examples/prune -base-url https://ghes.example.com -enterprise acme
//
// Its requests (two for each runner deleted) have 5 minutes in all
// (-timeout); when time runs out or an interrupt comes, the runners not yet
// handled are reported as not tried, and a later run picks them up.
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"os/signal"
	"strings"
	"time"

	"github.com/fleetkit/runners"
	"github.com/fleetkit/runners/fleet"
	"github.com/fleetkit/runners/runnerstest"
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt)
	err := run(ctx, os.Args[1:], os.Getenv, os.Stdout, os.Stderr)
	stop()
	if err != nil && !errors.Is(err, flag.ErrHelp) { // -h: the usage is printed
		fmt.Fprintln(os.Stderr, "prune:", err)
		os.Exit(1)
	}
}

func run(ctx context.Context, args []string, getenv func(string) string, stdout, stderr io.Writer) error {
	fs := flag.NewFlagSet("prune", flag.ContinueOnError)
	fs.SetOutput(stderr)
	var where target
	where.flags(fs, 5*time.Minute)
	prefix := fs.String("prefix", "", "only runners whose name starts with this")
	label := fs.String("label", "", "only runners with all of these comma-separated labels")
	concurrency := fs.Int("concurrency", 4, "runners deleted at once")
	apply := fs.Bool("apply", false, "delete; without it, only print what would be deleted")
	if err := fs.Parse(args); err != nil {
		return err
	}
	scope, _, err := where.open(getenv("GITHUB_TOKEN"), stderr)
	if err != nil {
		return err
	}
	ctx, cancel := context.WithTimeout(ctx, where.timeout)
	defer cancel()

	opts := &fleet.PruneOptions{NamePrefix: *prefix, Concurrency: *concurrency, DryRun: !*apply}
	if *label != "" {
		opts.Labels = strings.Split(*label, ",")
	}
	rep, err := fleet.Prune(ctx, scope, opts)
	if rep == nil {
		return err // the runners could not be listed: nothing was deleted
	}
	deleted := "deleted"
	if rep.DryRun {
		deleted = "would delete"
	}
	for _, r := range rep.Deleted {
		fmt.Fprintf(stdout, "%s %d %s\n", deleted, r.ID, r.Name)
	}
	for _, e := range rep.Skipped {
		fmt.Fprintf(stdout, "skipped %d %s: %s\n", e.Runner.ID, e.Runner.Name, e.Reason)
	}
	for _, e := range rep.Failed {
		fmt.Fprintf(stdout, "failed %d %s: %s: %v\n", e.Runner.ID, e.Runner.Name, e.Reason, e.Err)
	}
	fmt.Fprintf(stdout, "%s: %d, skipped: %d, failed: %d\n", deleted, len(rep.Deleted), len(rep.Skipped), len(rep.Failed))
	if rep.DryRun && len(rep.Deleted) > 0 {
		fmt.Fprintln(stderr, "Dry run: nothing was deleted. Run again with -apply to delete.")
	}
	if err == nil && len(rep.Failed) > 0 {
		err = fmt.Errorf("%d runners could not be deleted", len(rep.Failed))
	}
	return err
}

// The rest of this file is the same in every example, so that each can be
// copied out of the repository alone: where the program runs.

// target is a scope on GitHub, or on the built-in fake (package runnerstest).
type target struct {
	org, repo, enterprise, url, baseURL string
	fake                                bool
	timeout                             time.Duration
}

func (t *target) flags(fs *flag.FlagSet, timeout time.Duration) {
	fs.StringVar(&t.org, "org", "", "organization `NAME`")
	fs.StringVar(&t.repo, "repo", "", "repository `OWNER/REPO`")
	fs.StringVar(&t.enterprise, "enterprise", "", "enterprise `SLUG`")
	fs.StringVar(&t.url, "url", "", "the scope's GitHub `URL`, such as https://github.com/octo-org/octo-repo")
	fs.StringVar(&t.baseURL, "base-url", "https://api.github.com", "API base `URL`, for GitHub Enterprise Server or GHE.com")
	fs.BoolVar(&t.fake, "fake", false, "use the built-in fake, even with GITHUB_TOKEN set")
	fs.DurationVar(&t.timeout, "timeout", timeout, "the most the program's requests may take, all together")
}

// open returns the scope the flags name, on a client with opts: on GitHub
// with a token and a scope flag; otherwise on a new fake, seeded with the
// runners of GitHub's documentation (its state is returned too), at -org
// octo-org unless a flag names a scope.
func (t *target) open(token string, stderr io.Writer, opts ...runners.Option) (runners.Scope, *runnerstest.ScopeState, error) {
	named := 0
	for _, v := range []string{t.org, t.repo, t.enterprise, t.url} {
		named += min(len(v), 1)
	}
	switch {
	case named > 1:
		return nil, nil, errors.New("give at most one of -org, -repo, -enterprise or -url")
	case t.timeout <= 0:
		return nil, nil, fmt.Errorf("-timeout %v: want a positive duration", t.timeout)
	case token != "" && named == 1 && !t.fake:
		c, err := runners.NewClient(append([]runners.Option{runners.WithToken(token), runners.WithBaseURL(t.baseURL)}, opts...)...)
		if err != nil {
			return nil, nil, err
		}
		s, err := t.scope(c)
		return s, nil, err
	}
	fmt.Fprintln(stderr, "Using the built-in fake, seeded with the runners of GitHub's documentation. To ask GitHub, set\n"+
		"GITHUB_TOKEN and give -org NAME, -repo OWNER/REPO, -enterprise SLUG or -url URL (and -base-url URL for GHES).")
	if named == 0 {
		t.org = "octo-org"
	}
	srv := runnerstest.NewServer()
	s, err := t.scope(srv.Client(opts...))
	if err != nil {
		return nil, nil, err
	}
	st := srv.State(s) // the fake's state of the scope s names
	for _, r := range runnerstest.DocumentedRunners() {
		st.AddRunner(r)
	}
	return s, st, nil
}

func (t *target) scope(c *runners.Client) (runners.Scope, error) {
	switch {
	case t.org != "":
		return c.Org(t.org), nil
	case t.enterprise != "":
		return c.Enterprise(t.enterprise), nil
	case t.url != "":
		return c.ScopeFromURL(t.url)
	}
	owner, name, ok := strings.Cut(t.repo, "/")
	if !ok {
		return nil, fmt.Errorf("-repo %q: want OWNER/REPO", t.repo)
	}
	return c.Repo(owner, name), nil
}
