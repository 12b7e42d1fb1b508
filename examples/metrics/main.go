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
	var where runnerstest.ScopeFlags
	where.Register(fs, 30*time.Second)
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
	scope, _, err := where.Open(getenv("GITHUB_TOKEN"), stderr, runners.WithObserver(m.Observe), runners.WithETagCache(8<<20))
	if err != nil {
		return err
	}
	poll := func() error {
		ctx, cancel := context.WithTimeout(ctx, where.Timeout) // each poll has -timeout
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
