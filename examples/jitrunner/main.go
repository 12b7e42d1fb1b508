// Command jitrunner creates the configuration of an ephemeral just-in-time
// runner and prints the command that starts it:
//
//	./run.sh --jitconfig <encoded config>
//
// If the name is taken by a runner this program owns (ephemeral, and never
// started: typically left by an earlier try whose answer was lost), that
// runner is deleted and the config made again, once; any other runner of that
// name is left alone and the 409 reported.
//
// With no GITHUB_TOKEN it runs against the built-in fake (package
// runnerstest), seeded with such a leftover runner, so the config it prints
// is fake; with GITHUB_TOKEN it asks GitHub:
//
//	go run ./examples/jitrunner
//	GITHUB_TOKEN=... go run ./examples/jitrunner -org octo-org -name build-42 -labels linux,x64,gpu
//	GITHUB_TOKEN=... go run ./examples/jitrunner -base-url https://ghes.example.com -enterprise acme -group 3
//
// The config is printed on purpose: handing it to run.sh is this program's
// job. It holds the runner's credentials.
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

	"github.com/fleetkit/runners"
	"github.com/fleetkit/runners/runnerstest"
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt)
	defer stop()
	if err := run(ctx, os.Args[1:], os.Getenv, os.Stdout, os.Stderr); err != nil {
		fmt.Fprintln(os.Stderr, "jitrunner:", err)
		os.Exit(1)
	}
}

func run(ctx context.Context, args []string, getenv func(string) string, stdout, stderr io.Writer) error {
	fs := flag.NewFlagSet("jitrunner", flag.ContinueOnError)
	fs.SetOutput(stderr)
	org := fs.String("org", "", "organization")
	repo := fs.String("repo", "", "repository, as OWNER/REPO")
	enterprise := fs.String("enterprise", "", "enterprise slug")
	scopeURL := fs.String("url", "", "scope as a GitHub URL, such as https://github.com/octo-org/octo-repo")
	baseURL := fs.String("base-url", "", "API base URL, for GitHub Enterprise Server or GHE.com")
	name := fs.String("name", "jit-runner-1", "runner name, unique in the scope")
	group := fs.Int64("group", 1, "runner group ID (1 is the default group)")
	labels := fs.String("labels", "self-hosted,linux,x64", "comma-separated runner labels")
	if err := fs.Parse(args); err != nil {
		return err
	}

	token := getenv("GITHUB_TOKEN")
	var srv *runnerstest.Server
	var c *runners.Client
	if token != "" {
		opts := []runners.Option{runners.WithToken(token)}
		if *baseURL != "" {
			opts = append(opts, runners.WithBaseURL(*baseURL))
		}
		var err error
		if c, err = runners.NewClient(opts...); err != nil {
			return err
		}
	} else {
		fmt.Fprintln(stderr, "GITHUB_TOKEN is not set: asking the built-in fake, which holds a leftover runner of that name; its config is fake.")
		if *org == "" && *repo == "" && *enterprise == "" && *scopeURL == "" {
			*org = "octo-org"
		}
		srv = runnerstest.NewServer()
		c = srv.Client()
	}
	scope, err := pickScope(c, *org, *repo, *enterprise, *scopeURL)
	if err != nil {
		return err
	}
	if srv != nil {
		st := srv.State(scope)
		for _, r := range runnerstest.DocumentedRunners() {
			st.AddRunner(r)
		}
		st.AddRunner(runners.Runner{Name: *name, Ephemeral: true}) // an earlier try's, never started
	}

	req := &runners.JITConfigRequest{Name: *name, RunnerGroupID: *group, Labels: strings.Split(*labels, ",")}
	owns := func(r *runners.Runner) bool { // ours: made by a JIT config, and never started
		return r.Ephemeral && r.Status == runners.RunnerOffline
	}
	jit, err := runners.GenerateJITConfigReplacing(ctx, scope, req, owns)
	if err != nil {
		return err
	}
	fmt.Fprintf(stderr, "Runner %q (ID %d) is waiting for its machine: it runs one job, then GitHub removes it.\n", jit.Runner.Name, jit.Runner.ID)
	fmt.Fprintf(stdout, "./run.sh --jitconfig %s\n", jit.EncodedJITConfig)
	return nil
}

// pickScope turns the flags into a scope; exactly one must be given.
func pickScope(c *runners.Client, org, repo, enterprise, scopeURL string) (runners.Scope, error) {
	given := 0
	for _, f := range []string{org, repo, enterprise, scopeURL} {
		if f != "" {
			given++
		}
	}
	if given != 1 {
		return nil, errors.New("give exactly one of -org, -repo, -enterprise or -url")
	}
	switch {
	case org != "":
		return c.Org(org), nil
	case enterprise != "":
		return c.Enterprise(enterprise), nil
	case scopeURL != "":
		return c.ScopeFromURL(scopeURL)
	}
	owner, name, ok := strings.Cut(repo, "/")
	if !ok {
		return nil, fmt.Errorf("-repo %q: want OWNER/REPO", repo)
	}
	return c.Repo(owner, name), nil
}
