// Command listrunners prints the self-hosted runners of a GitHub organization,
// repository or enterprise as a table.
//
// With GITHUB_TOKEN set and a scope flag given it asks GitHub; otherwise it
// runs against the built-in fake (package runnerstest), seeded with the
// runners of GitHub's documentation, and says so on stderr:
//
//	go run ./examples/listrunners
//	GITHUB_TOKEN=... go run ./examples/listrunners -org octo-org
//	GITHUB_TOKEN=... go run ./examples/listrunners -repo octo-org/octo-repo -name build-7
//	GITHUB_TOKEN=... go run ./examples/listrunners -url https://github.com/enterprises/acme
//	GITHUB_TOKEN=... go run ./examples/listrunners -base-url https://ghes.example.com -org octo-org
//
// Its requests have 30 seconds in all (-timeout), and an interrupt stops them.
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
	"time"

	"github.com/fleetkit/runners"
	"github.com/fleetkit/runners/runnerstest"
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt)
	err := run(ctx, os.Args[1:], os.Getenv, os.Stdout, os.Stderr)
	stop()
	if err != nil && !errors.Is(err, flag.ErrHelp) { // -h: the usage is printed
		fmt.Fprintln(os.Stderr, "listrunners:", err)
		os.Exit(1)
	}
}

func run(ctx context.Context, args []string, getenv func(string) string, stdout, stderr io.Writer) error {
	fs := flag.NewFlagSet("listrunners", flag.ContinueOnError)
	fs.SetOutput(stderr)
	var where runnerstest.ScopeFlags
	where.Register(fs, 30*time.Second)
	name := fs.String("name", "", "only the runner with this exact name")
	if err := fs.Parse(args); err != nil {
		return err
	}
	scope, _, err := where.Open(getenv("GITHUB_TOKEN"), stderr)
	if err != nil {
		return err
	}
	ctx, cancel := context.WithTimeout(ctx, where.Timeout)
	defer cancel()

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
