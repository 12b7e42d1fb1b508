// Command register prints the command that registers a new self-hosted
// runner with a GitHub organization, repository or enterprise:
//
//	./config.sh --url https://github.com/octo-org --token AABF...
//
// With no GITHUB_TOKEN it runs against the built-in fake (package
// runnerstest), so the token it prints is fake; with GITHUB_TOKEN it asks
// GitHub for a real one:
//
//	go run ./examples/register
//	GITHUB_TOKEN=... go run ./examples/register -org octo-org
//	GITHUB_TOKEN=... go run ./examples/register -url https://github.com/octo-org/octo-repo
//	GITHUB_TOKEN=... go run ./examples/register -base-url https://ghes.example.com -enterprise acme
//
// The registration token is printed on purpose: handing it to config.sh is
// this program's job. It is a secret for its hour: whoever has it can add
// runners to the scope.
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"net/url"
	"os"
	"os/signal"
	"strings"
	"time"

	"github.com/fleetkit/runners"
	"github.com/fleetkit/runners/runnerstest"
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt)
	defer stop()
	if err := run(ctx, os.Args[1:], os.Getenv, os.Stdout, os.Stderr); err != nil {
		fmt.Fprintln(os.Stderr, "register:", err)
		os.Exit(1)
	}
}

func run(ctx context.Context, args []string, getenv func(string) string, stdout, stderr io.Writer) error {
	fs := flag.NewFlagSet("register", flag.ContinueOnError)
	fs.SetOutput(stderr)
	org := fs.String("org", "", "organization")
	repo := fs.String("repo", "", "repository, as OWNER/REPO")
	enterprise := fs.String("enterprise", "", "enterprise slug")
	scopeURL := fs.String("url", "", "scope as a GitHub URL, such as https://github.com/octo-org/octo-repo")
	baseURL := fs.String("base-url", "", "API base URL, for GitHub Enterprise Server or GHE.com")
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
		fmt.Fprintln(stderr, "GITHUB_TOKEN is not set: asking the built-in fake, whose token is fake.")
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
	apiBase := c.BaseURL()
	if srv != nil {
		srv.State(scope)                    // the fake knows the scope
		apiBase = "https://api.github.com/" // and plays GitHub.com
	}

	// One token per run. A program that starts many runners would share one
	// with runners.NewTokenCache instead of asking each time.
	tok, err := scope.CreateRegistrationToken(ctx)
	if err != nil {
		return err
	}
	fmt.Fprintf(stderr, "The token expires at %s.\n", tok.ExpiresAt.Format(time.RFC3339))
	fmt.Fprintf(stdout, "./config.sh --url %s --token %s\n", webURL(apiBase, scope), tok.Token)
	return nil
}

// webURL is the scope's address on the web host, which config.sh --url
// wants: https://github.com/octo-org for the scope orgs/octo-org on
// https://api.github.com/, https://ghes.example.com/enterprises/acme for
// enterprises/acme on https://ghes.example.com/api/v3/.
func webURL(apiBase string, scope runners.Scope) string {
	u, err := url.Parse(apiBase)
	if err != nil {
		return apiBase
	}
	host := strings.ToLower(u.Host)
	if host == "api.github.com" || strings.HasSuffix(host, ".ghe.com") {
		host = strings.TrimPrefix(host, "api.")
	}
	path := strings.TrimSuffix(u.Path, "api/v3/")
	name := fmt.Sprint(scope) // the scopes print their path prefix: orgs/NAME, repos/OWNER/REPO, enterprises/SLUG
	name = strings.TrimPrefix(strings.TrimPrefix(name, "orgs/"), "repos/")
	return u.Scheme + "://" + host + path + name
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
