// Command jitrunner creates the configuration of an ephemeral just-in-time
// runner and prints the command that starts it:
//
//	./run.sh --jitconfig <encoded config>
//
// If the name is taken by a runner this program owns (ephemeral, and never
// started: typically left by an earlier try whose answer was lost), that
// runner is deleted and the config made again, once, with
// fleet.GenerateJITConfigReplacing; any other runner of that name is left
// alone and the 409 reported.
//
// The runner joins the runner group named by -runner-group, whose ID is
// found by name (fleet.FindRunnerGroup: one request for up to 100 groups),
// or the group with the ID -group; with neither, the default group (ID 1).
// A repository has no runner groups: its runners take the default.
//
// With GITHUB_TOKEN set and a scope flag given it asks GitHub; otherwise it
// runs against the built-in fake (package runnerstest), seeded with such a
// leftover runner (and the group -runner-group names), so the config it
// prints is fake, and says so on stderr:
//
//	go run ./examples/jitrunner
//	go run ./examples/jitrunner -runner-group gpu
//	GITHUB_TOKEN=... go run ./examples/jitrunner -org octo-org -name build-42 -labels linux,x64,gpu -runner-group gpu
//	GITHUB_TOKEN=... go run ./examples/jitrunner -base-url https://ghes.example.com -enterprise acme -group 3
//
// The config is printed on purpose: handing it to run.sh is this program's
// job. It holds the runner's credentials. The requests have 30 seconds in
// all (-timeout).
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"os/signal"
	"slices"
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
		fmt.Fprintln(os.Stderr, "jitrunner:", err)
		os.Exit(1)
	}
}

func run(ctx context.Context, args []string, getenv func(string) string, stdout, stderr io.Writer) error {
	fs := flag.NewFlagSet("jitrunner", flag.ContinueOnError)
	fs.SetOutput(stderr)
	var where target
	where.flags(fs, 30*time.Second)
	name := fs.String("name", "jit-runner-1", "runner name, unique in the scope")
	group := fs.Int64("group", 1, "runner group `ID` (1 is the default group)")
	groupName := fs.String("runner-group", "", "runner group `NAME`, looked up by name (instead of -group)")
	labels := fs.String("labels", "self-hosted,linux,x64", "comma-separated runner labels")
	if err := fs.Parse(args); err != nil {
		return err
	}
	if *groupName != "" && isSet(fs, "group") {
		return errors.New("give -group ID or -runner-group NAME, not both")
	}
	scope, fake, err := where.open(getenv("GITHUB_TOKEN"), stderr)
	if err != nil {
		return err
	}
	groups, hasGroups := scope.(runners.GroupScope)
	if *groupName != "" && !hasGroups {
		return fmt.Errorf("-runner-group %q: a repository has no runner groups (its runners join the default group)", *groupName)
	}
	if fake != nil && !slices.ContainsFunc(fake.Runners(), func(r runners.Runner) bool { return r.Name == *name }) {
		fake.AddRunner(runners.Runner{Name: *name, Ephemeral: true}) // an earlier try's, never started
		fmt.Fprintf(stderr, "The fake holds a leftover runner named %q; the config printed is fake.\n", *name)
	}
	if fake != nil && *groupName != "" && !slices.ContainsFunc(fake.RunnerGroups(), func(g runners.RunnerGroup) bool { return g.Name == *groupName }) {
		fake.AddRunnerGroup(runners.RunnerGroup{Name: *groupName})
		fmt.Fprintf(stderr, "The fake holds a runner group named %q.\n", *groupName)
	}
	ctx, cancel := context.WithTimeout(ctx, where.timeout)
	defer cancel()

	if *groupName != "" {
		g, err := fleet.FindRunnerGroup(ctx, groups, *groupName)
		if err != nil {
			return err
		}
		*group = g.ID
	}
	req := &runners.JITConfigRequest{Name: *name, RunnerGroupID: *group, Labels: strings.Split(*labels, ",")}
	owns := func(r *runners.Runner) bool { // ours: made by a JIT config, and never started
		return r.Ephemeral && r.Status == runners.RunnerOffline
	}
	jit, err := fleet.GenerateJITConfigReplacing(ctx, scope, req, owns)
	if err != nil {
		return err
	}
	fmt.Fprintf(stderr, "Runner %q (ID %d, runner group %d) is waiting for its machine: it runs one job, then GitHub removes it.\n",
		jit.Runner.Name, jit.Runner.ID, *group)
	fmt.Fprintf(stdout, "./run.sh --jitconfig %s\n", jit.EncodedJITConfig)
	return nil
}

// isSet reports whether the command line gave the flag.
func isSet(fs *flag.FlagSet, name string) bool {
	set := false
	fs.Visit(func(f *flag.Flag) { set = set || f.Name == name })
	return set
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
