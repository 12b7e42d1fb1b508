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
	"flag"
	"fmt"
	"io"
	"strings"
	"text/tabwriter"

	"github.com/fleetkit/runners"
	"github.com/fleetkit/runners/examples/internal/cli"
)

func main() { cli.Main("listrunners", run) }

func run(ctx context.Context, args []string, getenv func(string) string, stdout, stderr io.Writer) error {
	fs := flag.NewFlagSet("listrunners", flag.ContinueOnError)
	fs.SetOutput(stderr)
	scopeFlags := cli.AddScopeFlags(fs)
	name := fs.String("name", "", "only the runner with this exact name")
	if err := fs.Parse(args); err != nil {
		return err
	}

	scope, srv, err := scopeFlags.Open(getenv("GITHUB_TOKEN"))
	if err != nil {
		return err
	}
	if srv != nil {
		fmt.Fprintln(stderr, "GITHUB_TOKEN is not set: listing the documented runners from the built-in fake.")
		cli.SeedDocumented(srv, scope)
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
