// Command metrics polls the self-hosted runners of a scope and exports what
// the client observes (runners.WithObserver) as Prometheus metrics: requests
// by operation, status and App, their durations, and the rate-limit budget
// GitHub reports for each credential. It is its own module, so that
// prometheus/client_golang never enters the library's go.mod.
//
// With no GITHUB_TOKEN it runs against the built-in fake (package
// runnerstest); -once polls once and prints the metrics instead of serving
// them:
//
//	go run . -once
//	GITHUB_TOKEN=... go run . -org octo-org -listen :9090 -interval 30s
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"os/signal"
	"strings"
	"time"

	"github.com/fleetkit/runners"
	"github.com/fleetkit/runners/runnerstest"
	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/promhttp"
	"github.com/prometheus/common/expfmt"
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt)
	err := run(ctx, os.Args[1:], os.Getenv, os.Stdout, os.Stderr)
	stop()
	if err != nil && !errors.Is(err, flag.ErrHelp) { // -h: the usage is printed
		fmt.Fprintln(os.Stderr, "metrics:", err)
		os.Exit(1)
	}
}

func run(ctx context.Context, args []string, getenv func(string) string, stdout, stderr io.Writer) error {
	fs := flag.NewFlagSet("metrics", flag.ContinueOnError)
	fs.SetOutput(stderr)
	var where target
	where.flags(fs, 30*time.Second)
	listen := fs.String("listen", "127.0.0.1:9090", "address to serve /metrics on")
	interval := fs.Duration("interval", 30*time.Second, "how often to list the runners")
	once := fs.Bool("once", false, "list the runners once, print the metrics and exit")
	if err := fs.Parse(args); err != nil {
		return err
	}
	if *interval <= 0 {
		return errors.New("-interval must be positive")
	}

	reg := prometheus.NewRegistry()
	m := NewMetrics(reg)
	// The ETag cache makes a poll of an unchanged list a 304, free against
	// the rate limit: github_requests_total{cached="true"} counts them.
	scope, _, err := where.open(getenv("GITHUB_TOKEN"), stderr, runners.WithObserver(m.Observe), runners.WithETagCache(8<<20))
	if err != nil {
		return err
	}
	poll := func() error {
		ctx, cancel := context.WithTimeout(ctx, where.timeout) // each poll has -timeout
		defer cancel()
		n := 0
		for _, err := range scope.AllRunners(ctx, nil) {
			if err != nil {
				return err
			}
			n++
		}
		fmt.Fprintf(stderr, "%s: %d runners\n", time.Now().Format(time.TimeOnly), n)
		return nil
	}

	if *once {
		if err := poll(); err != nil {
			return err
		}
		return writeMetrics(stdout, reg)
	}
	ln, err := net.Listen("tcp", *listen)
	if err != nil {
		return err
	}
	mux := http.NewServeMux()
	mux.Handle("GET /metrics", promhttp.HandlerFor(reg, promhttp.HandlerOpts{}))
	hs := &http.Server{Handler: mux, ReadHeaderTimeout: 10 * time.Second}
	go hs.Serve(ln)
	defer hs.Close()
	fmt.Fprintf(stderr, "serving http://%s/metrics\n", ln.Addr())
	tick := time.NewTicker(*interval)
	defer tick.Stop()
	for {
		if err := poll(); err != nil {
			fmt.Fprintln(stderr, "poll:", err) // counted too; the next tick tries again
		}
		select {
		case <-ctx.Done():
			return nil
		case <-tick.C:
		}
	}
}

// writeMetrics writes what reg gathers in Prometheus's text format.
func writeMetrics(w io.Writer, reg *prometheus.Registry) error {
	families, err := reg.Gather()
	if err != nil {
		return err
	}
	enc := expfmt.NewEncoder(w, expfmt.NewFormat(expfmt.TypeTextPlain))
	for _, mf := range families {
		if err := enc.Encode(mf); err != nil {
			return err
		}
	}
	return nil
}

// The rest of this file is the same in every example, so that each can be
// copied out of the repository alone: where the program runs.

// target is a scope on GitHub, or on the built-in fake (package runnerstest).
type target struct {
	org, repo, enterprise, url, baseURL string
	fake                                bool
	timeout                             time.Duration
}

func (t *target) flags(fs *flag.FlagSet, timeout time.Duration) {
	fs.StringVar(&t.org, "org", "", "organization `NAME`")
	fs.StringVar(&t.repo, "repo", "", "repository `OWNER/REPO`")
	fs.StringVar(&t.enterprise, "enterprise", "", "enterprise `SLUG`")
	fs.StringVar(&t.url, "url", "", "the scope's GitHub `URL`, such as https://github.com/octo-org/octo-repo")
	fs.StringVar(&t.baseURL, "base-url", "https://api.github.com", "API base `URL`, for GitHub Enterprise Server or GHE.com")
	fs.BoolVar(&t.fake, "fake", false, "use the built-in fake, even with GITHUB_TOKEN set")
	fs.DurationVar(&t.timeout, "timeout", timeout, "the most the program's requests may take, all together")
}

// open returns the scope the flags name, on a client with opts: on GitHub
// with a token and a scope flag; otherwise on a new fake, seeded with the
// runners of GitHub's documentation (its state is returned too), at -org
// octo-org unless a flag names a scope.
func (t *target) open(token string, stderr io.Writer, opts ...runners.Option) (runners.Scope, *runnerstest.ScopeState, error) {
	named := 0
	for _, v := range []string{t.org, t.repo, t.enterprise, t.url} {
		named += min(len(v), 1)
	}
	switch {
	case named > 1:
		return nil, nil, errors.New("give at most one of -org, -repo, -enterprise or -url")
	case t.timeout <= 0:
		return nil, nil, fmt.Errorf("-timeout %v: want a positive duration", t.timeout)
	case token != "" && named == 1 && !t.fake:
		c, err := runners.NewClient(append([]runners.Option{runners.WithToken(token), runners.WithBaseURL(t.baseURL)}, opts...)...)
		if err != nil {
			return nil, nil, err
		}
		s, err := t.scope(c)
		return s, nil, err
	}
	fmt.Fprintln(stderr, "Using the built-in fake, seeded with the runners of GitHub's documentation. To ask GitHub, set\n"+
		"GITHUB_TOKEN and give -org NAME, -repo OWNER/REPO, -enterprise SLUG or -url URL (and -base-url URL for GHES).")
	if named == 0 {
		t.org = "octo-org"
	}
	srv := runnerstest.NewServer()
	s, err := t.scope(srv.Client(opts...))
	if err != nil {
		return nil, nil, err
	}
	st := srv.State(s) // the fake's state of the scope s names
	for _, r := range runnerstest.DocumentedRunners() {
		st.AddRunner(r)
	}
	return s, st, nil
}

func (t *target) scope(c *runners.Client) (runners.Scope, error) {
	switch {
	case t.org != "":
		return c.Org(t.org), nil
	case t.enterprise != "":
		return c.Enterprise(t.enterprise), nil
	case t.url != "":
		return c.ScopeFromURL(t.url)
	}
	owner, name, ok := strings.Cut(t.repo, "/")
	if !ok {
		return nil, fmt.Errorf("-repo %q: want OWNER/REPO", t.repo)
	}
	return c.Repo(owner, name), nil
}
