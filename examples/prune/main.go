// Command prune deletes the offline, idle self-hosted runners of a GitHub
// organization, repository or enterprise, such as those that pile up until a
// runner group reaches its limit, with fleet.Prune. Busy and online runners
// are never deleted.
//
// It is a dry run unless -apply is given: it prints what it would delete.
//
// With GITHUB_TOKEN set and a scope flag given it asks GitHub; otherwise it
// runs against the built-in fake (package runnerstest), seeded with the
// runners of GitHub's documentation, and says so on stderr:
//
//	go run ./examples/prune
//	GITHUB_TOKEN=... go run ./examples/prune -org octo-org -prefix ci- -label linux
//	GITHUB_TOKEN=... go run ./examples/prune -org octo-org -prefix ci- -apply
//	GITHUB_TOKEN=... go run ./examples/prune -base-url https://ghes.example.com -enterprise acme
//
// Its requests (two for each runner deleted) have 5 minutes in all
// (-timeout); when time runs out or an interrupt comes, the runners not yet
// handled are reported as not tried, and a later run picks them up.
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

	"github.com/fleetkit/runners/fleet"
	"github.com/fleetkit/runners/runnerstest"
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt)
	err := run(ctx, os.Args[1:], os.Getenv, os.Stdout, os.Stderr)
	stop()
	if err != nil && !errors.Is(err, flag.ErrHelp) { // -h: the usage is printed
		fmt.Fprintln(os.Stderr, "prune:", err)
		os.Exit(1)
	}
}

func run(ctx context.Context, args []string, getenv func(string) string, stdout, stderr io.Writer) error {
	fs := flag.NewFlagSet("prune", flag.ContinueOnError)
	fs.SetOutput(stderr)
	var where runnerstest.ScopeFlags
	where.Register(fs, 5*time.Minute)
	prefix := fs.String("prefix", "", "only runners whose name starts with this")
	label := fs.String("label", "", "only runners with all of these comma-separated labels")
	concurrency := fs.Int("concurrency", 4, "runners deleted at once")
	apply := fs.Bool("apply", false, "delete; without it, only print what would be deleted")
	if err := fs.Parse(args); err != nil {
		return err
	}
	scope, _, err := where.Open(getenv("GITHUB_TOKEN"), stderr)
	if err != nil {
		return err
	}
	ctx, cancel := context.WithTimeout(ctx, where.Timeout)
	defer cancel()

	opts := &fleet.PruneOptions{NamePrefix: *prefix, Concurrency: *concurrency, DryRun: !*apply}
	if *label != "" {
		opts.Labels = strings.Split(*label, ",")
	}
	rep, err := fleet.Prune(ctx, scope, opts)
	if rep == nil {
		return err // the runners could not be listed: nothing was deleted
	}
	deleted := "deleted"
	if rep.DryRun {
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
	if rep.DryRun && len(rep.Deleted) > 0 {
		fmt.Fprintln(stderr, "Dry run: nothing was deleted. Run again with -apply to delete.")
	}
	if err == nil && len(rep.Failed) > 0 {
		err = fmt.Errorf("%d runners could not be deleted", len(rep.Failed))
	}
	return err
}
