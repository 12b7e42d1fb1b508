// Command register prints the command that registers a new self-hosted
// runner with a GitHub organization, repository or enterprise:
//
//	./config.sh --url https://github.com/octo-org --token AABF...
//
// With GITHUB_TOKEN set and a scope flag given it asks GitHub for a real
// token; otherwise it asks the built-in fake (package runnerstest), so the
// token it prints is fake, and says so on stderr:
//
//	go run ./examples/register
//	GITHUB_TOKEN=... go run ./examples/register -org octo-org
//	GITHUB_TOKEN=... go run ./examples/register -url https://github.com/octo-org/octo-repo
//	GITHUB_TOKEN=... go run ./examples/register -base-url https://ghes.example.com -enterprise acme
//
// The registration token is printed on purpose: handing it to config.sh is
// this program's job. It is a secret for its hour: whoever has it can add
// runners to the scope. The request has 30 seconds (-timeout).
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
	"github.com/fleetkit/runners/runnerstest"
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt)
	err := run(ctx, os.Args[1:], os.Getenv, os.Stdout, os.Stderr)
	stop()
	if err != nil && !errors.Is(err, flag.ErrHelp) { // -h: the usage is printed
		fmt.Fprintln(os.Stderr, "register:", err)
		os.Exit(1)
	}
}

func run(ctx context.Context, args []string, getenv func(string) string, stdout, stderr io.Writer) error {
	fs := flag.NewFlagSet("register", flag.ContinueOnError)
	fs.SetOutput(stderr)
	var where target
	where.flags(fs, 30*time.Second)
	if err := fs.Parse(args); err != nil {
		return err
	}
	scope, _, err := where.open(getenv("GITHUB_TOKEN"), stderr)
	if err != nil {
		return err
	}
	ctx, cancel := context.WithTimeout(ctx, where.timeout)
	defer cancel()

	// One token per run. A program that starts many runners would share one
	// with fleet.NewTokenCache instead of asking each time.
	tok, err := scope.CreateRegistrationToken(ctx)
	if err != nil {
		return err
	}
	fmt.Fprintf(stderr, "The token expires at %s.\n", tok.ExpiresAt.Format(time.RFC3339))
	fmt.Fprintf(stdout, "./config.sh --url %s --token %s\n", scope.ConfigURL(), tok.Token)
	return nil
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
