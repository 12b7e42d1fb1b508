package bench

import (
	"crypto/rand"
	"crypto/rsa"
	"crypto/x509"
	"encoding/pem"
	"io"
	"net/http"
	"net/http/httptest"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/fleetkit/runners"
	"github.com/google/go-github/v92/github"
)

const (
	token      = "ghp_bench_token"
	apiVersion = "2022-11-28" // what all three send to a loopback or GHES host
	getID      = RunnerIDBase + 23
)

// transport is one way of reaching a fixture: in memory (the fixture is the
// RoundTripper, no socket) or over loopback (httptest.NewServer, keep-alive).
type transport struct {
	name  string
	base  string              // the base URL, ending in "/"
	newHC func() *http.Client // a fresh *http.Client (and, for loopback, a fresh connection pool)
}

// served is what transports reach: a Fixture, or an AppsFixture.
type served interface {
	http.Handler
	http.RoundTripper
}

// transports returns the in-memory and the loopback way to f. The loopback
// server and pools are closed when tb ends.
func transports(tb testing.TB, f served) []transport {
	srv := httptest.NewServer(f)
	tb.Cleanup(srv.Close)
	return []transport{
		{
			name:  "mem",
			base:  "http://127.0.0.1/", // loopback: every client uses it as given; nothing listens
			newHC: func() *http.Client { return &http.Client{Transport: f} },
		},
		{
			name: "loopback",
			base: srv.URL + "/",
			newHC: func() *http.Client {
				tr := http.DefaultTransport.(*http.Transport).Clone()
				tr.MaxIdleConnsPerHost = 64 // so 8 concurrent pages reuse their connections
				tb.Cleanup(tr.CloseIdleConnections)
				return &http.Client{Transport: tr}
			},
		},
	}
}

func newRunners(tb testing.TB, tr transport, extra ...runners.Option) *runners.Client {
	tb.Helper()
	return newRunnersHC(tb, tr.base, tr.newHC(), extra...)
}

func newRunnersHC(tb testing.TB, base string, hc *http.Client, extra ...runners.Option) *runners.Client {
	tb.Helper()
	opts := append([]runners.Option{
		runners.WithBaseURL(base),
		runners.WithHTTPClient(hc),
		runners.WithToken(token),
	}, extra...)
	c, err := runners.NewClient(opts...)
	if err != nil {
		tb.Fatal(err)
	}
	return c
}

// poolKeys are the private keys of the pool's Apps, generated once.
var poolKeys = sync.OnceValue(func() [][]byte {
	keys := make([][]byte, poolSize)
	for i := range keys {
		key, err := rsa.GenerateKey(rand.Reader, 2048)
		if err != nil {
			panic(err)
		}
		keys[i] = pem.EncodeToMemory(&pem.Block{Type: "RSA PRIVATE KEY", Bytes: x509.MarshalPKCS1PrivateKey(key)})
	}
	return keys
})

// poolSize is how many Apps the pool benchmarks spread their requests over.
const poolSize = 3

// newPool is a client of the fixture through a pool of poolSize GitHub
// Apps (WithAppPool), which tr must reach as an AppsFixture.
func newPool(tb testing.TB, tr transport, extra ...runners.Option) *runners.Client {
	tb.Helper()
	creds := make([]runners.AppCredential, poolSize)
	for i, key := range poolKeys() {
		creds[i] = runners.AppCredential{Issuer: AppIssuer(i), PrivateKeyPEM: key}
	}
	c, err := runners.NewClient(append([]runners.Option{
		runners.WithBaseURL(tr.base),
		runners.WithHTTPClient(tr.newHC()),
		runners.WithAppPool(creds...),
	}, extra...)...)
	if err != nil {
		tb.Fatal(err)
	}
	return c
}

func newGoGitHub(tb testing.TB, tr transport) *github.Client {
	tb.Helper()
	base := tr.base
	c, err := github.NewClient(
		github.WithHTTPClient(tr.newHC()),
		github.WithAuthToken(token),
		github.WithURLs(&base, nil),
	)
	if err != nil {
		tb.Fatal(err)
	}
	return c
}

func newFloor(tr transport) *Floor {
	return &Floor{
		HC:         tr.newHC(),
		Base:       tr.base,
		Auth:       "Bearer " + token,
		APIVersion: apiVersion,
		UserAgent:  "bench-floor/1",
	}
}

// The three clients' models, mapped onto the floor's value types so that
// tests can compare them with one reflect.DeepEqual.

func fromRunners(r *runners.Runner) Runner {
	v := Runner{
		ID: r.ID, RunnerGroupID: r.RunnerGroupID, Name: r.Name, OS: r.OS, Status: string(r.Status),
		Busy: r.Busy, Ephemeral: r.Ephemeral, Version: r.Version,
	}
	for _, l := range r.Labels {
		v.Labels = append(v.Labels, Label{ID: l.ID, Name: l.Name, Type: string(l.Type)})
	}
	return v
}

func fromGoGitHub(r *github.Runner) Runner {
	v := Runner{
		ID: r.GetID(), RunnerGroupID: r.GetRunnerGroupID(), Name: r.GetName(), OS: r.GetOS(), Status: r.GetStatus(),
		Busy: r.GetBusy(), Ephemeral: r.GetEphemeral(), Version: r.GetVersion(),
	}
	for _, l := range r.Labels {
		v.Labels = append(v.Labels, Label{ID: l.GetID(), Name: l.GetName(), Type: l.GetType()})
	}
	return v
}

// newGet builds an authenticated GET with the given extra headers.
func newGet(tb testing.TB, url string, h http.Header) *http.Request {
	tb.Helper()
	req, err := http.NewRequest(http.MethodGet, url, nil)
	if err != nil {
		tb.Fatal(err)
	}
	for k, v := range h {
		req.Header[k] = v
	}
	req.Header.Set("Authorization", "Bearer "+token)
	return req
}

// discard reads a response body to EOF and closes it.
func discard(resp *http.Response) {
	io.Copy(io.Discard, resp.Body)
	resp.Body.Close()
}

// cpuPerOp starts counting the process's CPU time (user and system, every
// thread: the client, the GC, and for loopback the server); the function it
// returns reports it per op as cpu-ns/op. Unlike ns/op, it does not count the
// time spent waiting for a core the machine's other work holds, so its ratios
// hold better on a busy machine. Call it right before the b.Loop loop:
//
//	defer cpuPerOp(b)()
func cpuPerOp(b *testing.B) func() {
	start := cpuTime()
	return func() {
		if b.N > 0 {
			b.ReportMetric(float64(cpuTime()-start)/float64(b.N), "cpu-ns/op")
		}
	}
}

func cpuTime() time.Duration {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		return 0
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}
