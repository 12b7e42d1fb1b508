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
	"time"

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
	var where runnerstest.ScopeFlags
	where.Register(fs, 30*time.Second)
	if err := fs.Parse(args); err != nil {
		return err
	}
	scope, _, err := where.Open(getenv("GITHUB_TOKEN"), stderr)
	if err != nil {
		return err
	}
	ctx, cancel := context.WithTimeout(ctx, where.Timeout)
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
