// Command prune deletes the offline, idle self-hosted runners of a GitHub
// organization, repository or enterprise, such as those that pile up until a
// runner group reaches its limit. Busy and online runners are never deleted.
//
// It is a dry run unless -apply is given: it prints what it would delete.
//
// With no GITHUB_TOKEN it runs against the built-in fake (package
// runnerstest), seeded with the runners of GitHub's documentation; with
// GITHUB_TOKEN it asks GitHub:
//
//	go run ./examples/prune
//	GITHUB_TOKEN=... go run ./examples/prune -org octo-org -prefix ci- -label linux
//	GITHUB_TOKEN=... go run ./examples/prune -org octo-org -prefix ci- -apply
//	GITHUB_TOKEN=... go run ./examples/prune -base-url https://ghes.example.com -enterprise acme
package main

import (
	"context"
	"flag"
	"fmt"
	"io"
	"strings"

	"github.com/fleetkit/runners"
	"github.com/fleetkit/runners/examples/internal/cli"
)

func main() { cli.Main("prune", run) }

func run(ctx context.Context, args []string, getenv func(string) string, stdout, stderr io.Writer) error {
	fs := flag.NewFlagSet("prune", flag.ContinueOnError)
	fs.SetOutput(stderr)
	scopeFlags := cli.AddScopeFlags(fs)
	prefix := fs.String("prefix", "", "only runners whose name starts with this")
	label := fs.String("label", "", "only runners with all of these comma-separated labels")
	concurrency := fs.Int("concurrency", 4, "runners deleted at once")
	apply := fs.Bool("apply", false, "delete; without it, only print what would be deleted")
	if err := fs.Parse(args); err != nil {
		return err
	}

	scope, srv, err := scopeFlags.Open(getenv("GITHUB_TOKEN"))
	if err != nil {
		return err
	}
	if srv != nil {
		fmt.Fprintln(stderr, "GITHUB_TOKEN is not set: pruning the documented runners of the built-in fake.")
		cli.SeedDocumented(srv, scope)
	}

	opts := runners.PruneOptions{NamePrefix: *prefix, Concurrency: *concurrency, DryRun: !*apply}
	if *label != "" {
		opts.Labels = strings.Split(*label, ",")
	}
	rep, err := runners.PruneRunners(ctx, scope, opts)
	if rep == nil {
		return err // the runners could not be listed: nothing was deleted
	}
	deleted := "deleted"
	if opts.DryRun {
		deleted = "would delete"
	}
	for _, r := range rep.Deleted {
		fmt.Fprintf(stdout, "%s %d %s\n", deleted, r.ID, r.Name)
	}
	for _, e := range rep.Skipped {
		fmt.Fprintf(stdout, "skipped %d %s: %s\n", e.Runner.ID, e.Runner.Name, e.Reason)
	}
	for _, e := range rep.Failed {
		fmt.Fprintf(stdout, "failed %d %s: %s: %v\n", e.Runner.ID, e.Runner.Name, e.Reason, e.Err)
	}
	fmt.Fprintf(stdout, "%s: %d, skipped: %d, failed: %d\n", deleted, len(rep.Deleted), len(rep.Skipped), len(rep.Failed))
	if opts.DryRun && len(rep.Deleted) > 0 {
		fmt.Fprintln(stderr, "Dry run: nothing was deleted. Run again with -apply to delete.")
	}
	if err == nil && len(rep.Failed) > 0 {
		err = fmt.Errorf("%d runners could not be deleted", len(rep.Failed))
	}
	return err
}
