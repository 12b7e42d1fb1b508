// Package cli is what the example programs share: the flags that name a
// scope, and the client behind it — GitHub when GITHUB_TOKEN is set, else the
// built-in fake (package runnerstest), which plays GitHub.com in memory.
package cli

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

// ScopeFlags are the flags -org, -repo, -enterprise, -url and -base-url.
type ScopeFlags struct {
	org, repo, enterprise, url, baseURL string
}

// AddScopeFlags defines the scope flags on fs.
func AddScopeFlags(fs *flag.FlagSet) *ScopeFlags {
	f := new(ScopeFlags)
	fs.StringVar(&f.org, "org", "", "organization")
	fs.StringVar(&f.repo, "repo", "", "repository, as OWNER/REPO")
	fs.StringVar(&f.enterprise, "enterprise", "", "enterprise slug")
	fs.StringVar(&f.url, "url", "", "scope as a GitHub URL, such as https://github.com/octo-org/octo-repo")
	fs.StringVar(&f.baseURL, "base-url", "", "API base URL, for GitHub Enterprise Server or GHE.com")
	return f
}

// Open returns the scope the flags name, of a client with the options
// given. With a token it is on GitHub (or the -base-url host). Without one it
// is on a new fake, returned so that the program can seed it, and the scope
// defaults to -org octo-org.
func (f *ScopeFlags) Open(token string, opts ...runners.Option) (runners.Scope, *runnerstest.Server, error) {
	var srv *runnerstest.Server
	var c *runners.Client
	if token != "" {
		opts = append([]runners.Option{runners.WithToken(token)}, opts...)
		if f.baseURL != "" {
			opts = append(opts, runners.WithBaseURL(f.baseURL))
		}
		var err error
		if c, err = runners.NewClient(opts...); err != nil {
			return nil, nil, err
		}
	} else {
		if f.org == "" && f.repo == "" && f.enterprise == "" && f.url == "" {
			f.org = "octo-org"
		}
		srv = runnerstest.NewServer()
		c = srv.Client(opts...)
	}
	scope, err := f.scope(c)
	if err != nil {
		return nil, nil, err
	}
	if srv != nil {
		srv.State(scope) // the fake knows the scope
	}
	return scope, srv, nil
}

// scope turns the flags into a scope of c; exactly one must be given.
func (f *ScopeFlags) scope(c *runners.Client) (runners.Scope, error) {
	given := 0
	for _, v := range []string{f.org, f.repo, f.enterprise, f.url} {
		if v != "" {
			given++
		}
	}
	if given != 1 {
		return nil, errors.New("give exactly one of -org, -repo, -enterprise or -url")
	}
	switch {
	case f.org != "":
		return c.Org(f.org), nil
	case f.enterprise != "":
		return c.Enterprise(f.enterprise), nil
	case f.url != "":
		return c.ScopeFromURL(f.url)
	}
	owner, name, ok := strings.Cut(f.repo, "/")
	if !ok {
		return nil, fmt.Errorf("-repo %q: want OWNER/REPO", f.repo)
	}
	return c.Repo(owner, name), nil
}

// SeedDocumented adds the runners of GitHub's documentation to the scope of a fake.
func SeedDocumented(srv *runnerstest.Server, scope runners.Scope) {
	for _, r := range runnerstest.DocumentedRunners() {
		srv.State(scope).AddRunner(r)
	}
}

// Main runs a program's run function with the process's arguments,
// environment and output, stopping on an interrupt, and exits 1 when run
// fails, after printing the error prefixed with name.
func Main(name string, run func(ctx context.Context, args []string, getenv func(string) string, stdout, stderr io.Writer) error) {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt)
	defer stop()
	if err := run(ctx, os.Args[1:], os.Getenv, os.Stdout, os.Stderr); err != nil {
		fmt.Fprintln(os.Stderr, name+":", err)
		stop()
		os.Exit(1)
	}
}
