// Command jitrunner creates the configuration of an ephemeral just-in-time
// runner and prints the command that starts it:
//
//	./run.sh --jitconfig <encoded config>
//
// If the name is taken by a runner this program owns (ephemeral, and never
// started: typically left by an earlier try whose answer was lost), that
// runner is deleted and the config made again, once, with
// fleet.GenerateJITConfigReplacing; any other runner of that name is left
// alone and the 409 reported.
//
// The runner joins the runner group named by -runner-group, whose ID is
// found by name (fleet.FindRunnerGroup: one request for up to 100 groups),
// or the group with the ID -group; with neither, the default group (ID 1).
// A repository has no runner groups: its runners take the default.
//
// With GITHUB_TOKEN set and a scope flag given it asks GitHub; otherwise it
// runs against the built-in fake (package runnerstest), seeded with such a
// leftover runner (and the group -runner-group names), so the config it
// prints is fake, and says so on stderr:
//
//	go run ./examples/jitrunner
//	go run ./examples/jitrunner -runner-group gpu
//	GITHUB_TOKEN=... go run ./examples/jitrunner -org octo-org -name build-42 -labels linux,x64,gpu -runner-group gpu
//	GITHUB_TOKEN=... go run ./examples/jitrunner -base-url https://ghes.example.com -enterprise acme -group 3
//
// The config is printed on purpose: handing it to run.sh is this program's
// job. It holds the runner's credentials. The requests have 30 seconds in
// all (-timeout).
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"os/signal"
	"slices"
	"strings"
	"time"

	"github.com/fleetkit/runners"
	"github.com/fleetkit/runners/fleet"
	"github.com/fleetkit/runners/runnerstest"
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt)
	err := run(ctx, os.Args[1:], os.Getenv, os.Stdout, os.Stderr)
	stop()
	if err != nil && !errors.Is(err, flag.ErrHelp) { // -h: the usage is printed
		fmt.Fprintln(os.Stderr, "jitrunner:", err)
		os.Exit(1)
	}
}

func run(ctx context.Context, args []string, getenv func(string) string, stdout, stderr io.Writer) error {
	fs := flag.NewFlagSet("jitrunner", flag.ContinueOnError)
	fs.SetOutput(stderr)
	var where runnerstest.ScopeFlags
	where.Register(fs, 30*time.Second)
	name := fs.String("name", "jit-runner-1", "runner name, unique in the scope")
	group := fs.Int64("group", 1, "runner group `ID` (1 is the default group)")
	groupName := fs.String("runner-group", "", "runner group `NAME`, looked up by name (instead of -group)")
	labels := fs.String("labels", "self-hosted,linux,x64", "comma-separated runner labels")
	if err := fs.Parse(args); err != nil {
		return err
	}
	if *groupName != "" && isSet(fs, "group") {
		return errors.New("give -group ID or -runner-group NAME, not both")
	}
	scope, fake, err := where.Open(getenv("GITHUB_TOKEN"), stderr)
	if err != nil {
		return err
	}
	groups, hasGroups := scope.(runners.GroupScope)
	if *groupName != "" && !hasGroups {
		return fmt.Errorf("-runner-group %q: a repository has no runner groups (its runners join the default group)", *groupName)
	}
	if fake != nil && !slices.ContainsFunc(fake.Runners(), func(r runners.Runner) bool { return r.Name == *name }) {
		fake.AddRunner(runners.Runner{Name: *name, Ephemeral: true}) // an earlier try's, never started
		fmt.Fprintf(stderr, "The fake holds a leftover runner named %q; the config printed is fake.\n", *name)
	}
	if fake != nil && *groupName != "" && !slices.ContainsFunc(fake.RunnerGroups(), func(g runners.RunnerGroup) bool { return g.Name == *groupName }) {
		fake.AddRunnerGroup(runners.RunnerGroup{Name: *groupName})
		fmt.Fprintf(stderr, "The fake holds a runner group named %q.\n", *groupName)
	}
	ctx, cancel := context.WithTimeout(ctx, where.Timeout)
	defer cancel()

	if *groupName != "" {
		g, err := fleet.FindRunnerGroup(ctx, groups, *groupName)
		if err != nil {
			return err
		}
		*group = g.ID
	}
	req := &runners.JITConfigRequest{Name: *name, RunnerGroupID: *group, Labels: strings.Split(*labels, ",")}
	owns := func(r *runners.Runner) bool { // ours: made by a JIT config, and never started
		return r.Ephemeral && r.Status == runners.RunnerOffline
	}
	jit, err := fleet.GenerateJITConfigReplacing(ctx, scope, req, owns)
	if err != nil {
		return err
	}
	fmt.Fprintf(stderr, "Runner %q (ID %d, runner group %d) is waiting for its machine: it runs one job, then GitHub removes it.\n",
		jit.Runner.Name, jit.Runner.ID, *group)
	fmt.Fprintf(stdout, "./run.sh --jitconfig %s\n", jit.EncodedJITConfig)
	return nil
}

// isSet reports whether the command line gave the flag.
func isSet(fs *flag.FlagSet, name string) bool {
	set := false
	fs.Visit(func(f *flag.Flag) { set = set || f.Name == name })
	return set
}
