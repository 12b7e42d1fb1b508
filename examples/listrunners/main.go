// Command listrunners prints the self-hosted runners of a GitHub organization,
// repository or enterprise as a table.
//
// With no GITHUB_TOKEN it runs against the built-in fake (package
// runnerstest), seeded with the runners of GitHub's documentation; with
// GITHUB_TOKEN it asks GitHub:
//
//	go run ./examples/listrunners
//	GITHUB_TOKEN=... go run ./examples/listrunners -org octo-org
//	GITHUB_TOKEN=... go run ./examples/listrunners -repo octo-org/octo-repo
//	GITHUB_TOKEN=... go run ./examples/listrunners -url https://github.com/enterprises/acme
//	GITHUB_TOKEN=... go run ./examples/listrunners -base-url https://ghes.example.com -org octo-org
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
	"text/tabwriter"

	"github.com/fleetkit/runners"
	"github.com/fleetkit/runners/runnerstest"
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt)
	defer stop()
	if err := run(ctx, os.Args[1:], os.Getenv, os.Stdout, os.Stderr); err != nil {
		fmt.Fprintln(os.Stderr, "listrunners:", err)
		os.Exit(1)
	}
}

func run(ctx context.Context, args []string, getenv func(string) string, stdout, stderr io.Writer) error {
	fs := flag.NewFlagSet("listrunners", flag.ContinueOnError)
	fs.SetOutput(stderr)
	org := fs.String("org", "", "organization")
	repo := fs.String("repo", "", "repository, as OWNER/REPO")
	enterprise := fs.String("enterprise", "", "enterprise slug")
	scopeURL := fs.String("url", "", "scope as a GitHub URL, such as https://github.com/octo-org/octo-repo")
	baseURL := fs.String("base-url", "", "API base URL, for GitHub Enterprise Server or GHE.com")
	name := fs.String("name", "", "only the runner with this exact name")
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
		fmt.Fprintln(stderr, "GITHUB_TOKEN is not set: listing the documented runners from the built-in fake.")
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
		for _, r := range runnerstest.DocumentedRunners() {
			srv.State(scope).AddRunner(r)
		}
	}

	tw := tabwriter.NewWriter(stdout, 0, 4, 2, ' ', 0)
	fmt.Fprintln(tw, "ID\tNAME\tOS\tSTATUS\tBUSY\tLABELS")
	n := 0
	for r, err := range scope.AllRunners(ctx, &runners.ListRunnersOptions{Name: *name}) {
		if err != nil {
			return err
		}
		labels := make([]string, len(r.Labels))
		for i, l := range r.Labels {
			labels[i] = l.Name
		}
		fmt.Fprintf(tw, "%d\t%s\t%s\t%s\t%t\t%s\n", r.ID, r.Name, r.OS, r.Status, r.Busy, strings.Join(labels, ","))
		n++
	}
	if err := tw.Flush(); err != nil {
		return err
	}
	fmt.Fprintf(stdout, "%d runners\n", n)
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
