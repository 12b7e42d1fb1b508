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
	"flag"
	"fmt"
	"io"
	"time"

	"github.com/fleetkit/runners/examples/internal/cli"
)

func main() { cli.Main("register", run) }

func run(ctx context.Context, args []string, getenv func(string) string, stdout, stderr io.Writer) error {
	fs := flag.NewFlagSet("register", flag.ContinueOnError)
	fs.SetOutput(stderr)
	scopeFlags := cli.AddScopeFlags(fs)
	if err := fs.Parse(args); err != nil {
		return err
	}

	scope, srv, err := scopeFlags.Open(getenv("GITHUB_TOKEN"))
	if err != nil {
		return err
	}
	if srv != nil {
		fmt.Fprintln(stderr, "GITHUB_TOKEN is not set: asking the built-in fake, whose token is fake.")
	}

	// One token per run. A program that starts many runners would share one
	// with runners.NewTokenCache instead of asking each time.
	tok, err := scope.CreateRegistrationToken(ctx)
	if err != nil {
		return err
	}
	fmt.Fprintf(stderr, "The token expires at %s.\n", tok.ExpiresAt.Format(time.RFC3339))
	fmt.Fprintf(stdout, "./config.sh --url %s --token %s\n", scope.ConfigURL(), tok.Token)
	return nil
}
