// Command jitrunner creates the configuration of an ephemeral just-in-time
// runner and prints the command that starts it:
//
//	./run.sh --jitconfig <encoded config>
//
// If the name is taken by a runner this program owns (ephemeral, and never
// started: typically left by an earlier try whose answer was lost), that
// runner is deleted and the config made again, once; any other runner of that
// name is left alone and the 409 reported.
//
// With no GITHUB_TOKEN it runs against the built-in fake (package
// runnerstest), seeded with such a leftover runner, so the config it prints
// is fake; with GITHUB_TOKEN it asks GitHub:
//
//	go run ./examples/jitrunner
//	GITHUB_TOKEN=... go run ./examples/jitrunner -org octo-org -name build-42 -labels linux,x64,gpu
//	GITHUB_TOKEN=... go run ./examples/jitrunner -base-url https://ghes.example.com -enterprise acme -group 3
//
// The config is printed on purpose: handing it to run.sh is this program's
// job. It holds the runner's credentials.
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

func main() { cli.Main("jitrunner", run) }

func run(ctx context.Context, args []string, getenv func(string) string, stdout, stderr io.Writer) error {
	fs := flag.NewFlagSet("jitrunner", flag.ContinueOnError)
	fs.SetOutput(stderr)
	scopeFlags := cli.AddScopeFlags(fs)
	name := fs.String("name", "jit-runner-1", "runner name, unique in the scope")
	group := fs.Int64("group", 1, "runner group ID (1 is the default group)")
	labels := fs.String("labels", "self-hosted,linux,x64", "comma-separated runner labels")
	if err := fs.Parse(args); err != nil {
		return err
	}

	scope, srv, err := scopeFlags.Open(getenv("GITHUB_TOKEN"))
	if err != nil {
		return err
	}
	if srv != nil {
		fmt.Fprintln(stderr, "GITHUB_TOKEN is not set: asking the built-in fake, which holds a leftover runner of that name; its config is fake.")
		cli.SeedDocumented(srv, scope)
		srv.State(scope).AddRunner(runners.Runner{Name: *name, Ephemeral: true}) // an earlier try's, never started
	}

	req := &runners.JITConfigRequest{Name: *name, RunnerGroupID: *group, Labels: strings.Split(*labels, ",")}
	owns := func(r *runners.Runner) bool { // ours: made by a JIT config, and never started
		return r.Ephemeral && r.Status == runners.RunnerOffline
	}
	jit, err := runners.GenerateJITConfigReplacing(ctx, scope, req, owns)
	if err != nil {
		return err
	}
	fmt.Fprintf(stderr, "Runner %q (ID %d) is waiting for its machine: it runs one job, then GitHub removes it.\n", jit.Runner.Name, jit.Runner.ID)
	fmt.Fprintf(stdout, "./run.sh --jitconfig %s\n", jit.EncodedJITConfig)
	return nil
}
