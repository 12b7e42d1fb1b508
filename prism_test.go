//go:build prism

// Cross-cutting: every operation against Stoplight Prism serving GitHub's
// OpenAPI description (testdata/openapi/runners.api.github.com.json): Prism
// validates every request against the description and answers with its
// examples. Run it with .ci/prism.sh, which installs Prism and sets
// PRISM_BIN, or by hand:
//
//	PRISM_BIN=/path/to/node_modules/.bin/prism go test -tags prism -run TestPrismConformance -count=1 -v .

package runners

import (
	"bytes"
	"errors"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

const prismInstallHint = "install Prism and point PRISM_BIN at it: run .ci/prism.sh, which does both, " +
	"or `npm install --prefix DIR @stoplight/prism-cli@5.14.2` and PRISM_BIN=DIR/node_modules/.bin/prism"

// prismExchange is one request the client sent and Prism's answer.
type prismExchange struct {
	Method     string
	Host       string
	Path       string // escaped
	RawQuery   string
	Status     int
	Violations string // the sl-violations header: Prism's list of what the request got wrong
	Link       string // the Link header
	Err        error
}

// prismRecorder is the client's transport: it passes each request on and
// records it with the status and sl-violations header of the answer.
type prismRecorder struct {
	next http.RoundTripper

	mu        sync.Mutex
	exchanges []prismExchange
}

func (r *prismRecorder) RoundTrip(req *http.Request) (*http.Response, error) {
	resp, err := r.next.RoundTrip(req)
	ex := prismExchange{Method: req.Method, Host: req.URL.Host, Path: req.URL.EscapedPath(), RawQuery: req.URL.RawQuery, Err: err}
	if resp != nil {
		ex.Status = resp.StatusCode
		ex.Violations = strings.Join(resp.Header.Values("sl-violations"), ", ")
		ex.Link = strings.Join(resp.Header.Values("Link"), ", ")
	}
	r.mu.Lock()
	r.exchanges = append(r.exchanges, ex)
	r.mu.Unlock()
	return resp, err
}

func (r *prismRecorder) all() []prismExchange {
	r.mu.Lock()
	defer r.mu.Unlock()
	return append([]prismExchange(nil), r.exchanges...)
}

// prismFreePort returns a TCP port on 127.0.0.1 that was free a moment ago.
func prismFreePort(t *testing.T) int {
	t.Helper()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	require.NoError(t, err)
	port := l.Addr().(*net.TCPAddr).Port
	require.NoError(t, l.Close())
	return port
}

// startPrism starts Prism's mock server for spec on a free loopback port and
// returns its base URL once it answers HTTP. The binary is started directly
// (not through npx), so the process started is the server; the test's
// cleanup kills it by that PID and waits for it, pass or fail. When another
// process takes the port first, it tries another, three times in all.
func startPrism(t *testing.T, bin, spec string) (baseURL string) {
	t.Helper()
	for attempt := 1; ; attempt++ {
		baseURL, addrInUse := startPrismOnce(t, bin, spec, attempt == 3)
		if !addrInUse {
			return baseURL
		}
		t.Logf("Prism found its port taken (EADDRINUSE); trying another")
	}
}

// startPrismOnce is one try of startPrism. When Prism exits because its port
// is taken, it returns addrInUse true, unless last, when the test fails.
func startPrismOnce(t *testing.T, bin, spec string, last bool) (baseURL string, addrInUse bool) {
	t.Helper()
	port := prismFreePort(t)
	logPath := filepath.Join(t.TempDir(), "prism.log")
	logFile, err := os.Create(logPath)
	require.NoError(t, err)
	cmd := exec.Command(bin, "mock", spec, "-h", "127.0.0.1", "-p", strconv.Itoa(port), "--multiprocess=false")
	cmd.Stdout, cmd.Stderr = logFile, logFile
	require.NoError(t, cmd.Start(), "starting %s; %s", bin, prismInstallHint)
	pid := cmd.Process.Pid
	exited := make(chan struct{})
	var waitErr error
	go func() {
		waitErr = cmd.Wait()
		close(exited)
	}()
	pidFile := os.Getenv("PRISM_PIDFILE") // .ci/prism.sh kills this PID if the test cannot
	if pidFile != "" {
		assert.NoError(t, os.WriteFile(pidFile, []byte(strconv.Itoa(pid)), 0o600))
	}
	baseURL = "http://127.0.0.1:" + strconv.Itoa(port)
	answered := false
	t.Cleanup(func() {
		if err := cmd.Process.Kill(); err != nil && !errors.Is(err, os.ErrProcessDone) {
			t.Errorf("killing Prism (PID %d): %v", pid, err)
		}
		select {
		case <-exited:
		case <-time.After(15 * time.Second):
			t.Errorf("Prism (PID %d) has not exited 15s after it was killed", pid)
		}
		logFile.Close()
		if pidFile != "" {
			os.Remove(pidFile)
		}
		// The server was that process: nothing listens on its port any more.
		if conn, err := net.DialTimeout("tcp", "127.0.0.1:"+strconv.Itoa(port), time.Second); answered && err == nil {
			conn.Close()
			t.Errorf("port %d still answers after Prism (PID %d) was killed", port, pid)
		}
		if t.Failed() {
			out, _ := os.ReadFile(logPath)
			t.Logf("Prism log (%s):\n%s", logPath, prismLogTail(out))
		}
	})

	probe := &http.Client{Timeout: time.Second, Transport: &http.Transport{Proxy: nil}}
	defer probe.CloseIdleConnections()
	deadline := time.Now().Add(30 * time.Second)
	for {
		select {
		case <-exited:
			out, _ := os.ReadFile(logPath)
			if !last && bytes.Contains(out, []byte("EADDRINUSE")) {
				return "", true
			}
			t.Fatalf("Prism (PID %d) exited before it answered on port %d: %v\n%s", pid, port, waitErr, prismLogTail(out))
		default:
		}
		resp, err := probe.Get(baseURL + "/")
		if err == nil {
			resp.Body.Close()
			answered = true
			t.Logf("Prism %s (PID %d) answers on %s", bin, pid, baseURL)
			return baseURL, false
		}
		if time.Now().After(deadline) {
			t.Fatalf("Prism (PID %d) did not answer on %s within 30s: %v", pid, baseURL, err)
		}
		time.Sleep(100 * time.Millisecond)
	}
}

// prismLogTail is the end of Prism's log, enough to see why it failed.
func prismLogTail(out []byte) string {
	const n = 8000
	if len(out) > n {
		return "..." + string(out[len(out)-n:])
	}
	return string(out)
}

// TestPrismConformance calls every operation of the description against
// Prism with valid input: the 12 runner operations of every scope and the 13
// runner group operations of the enterprise and the organization, 62 in all.
// It checks that Prism found nothing wrong with any request (no
// sl-violations header; the group operations declare no error response, so
// Prism refuses a bad request to one with a plain 422, which the status
// check catches), that each answered with the status the description
// declares, and that the client decoded the description's examples field by
// field. It then walks AllRunners across Prism's pages, and AllRunnerGroups.
func TestPrismConformance(t *testing.T) {
	bin := os.Getenv("PRISM_BIN")
	if bin == "" {
		t.Fatal("PRISM_BIN is not set: " + prismInstallHint)
	}
	if fi, err := os.Stat(bin); err != nil || fi.IsDir() {
		t.Fatalf("PRISM_BIN=%q is not a file (%v): %s", bin, err, prismInstallHint)
	}
	spec, err := filepath.Abs(specFile)
	require.NoError(t, err)
	doc := loadSpec(t)

	base := startPrism(t, bin, spec)
	prismHost := strings.TrimPrefix(base, "http://")
	transport := &http.Transport{Proxy: nil} // loopback, never through a proxy
	t.Cleanup(transport.CloseIdleConnections)
	rec := &prismRecorder{next: transport}
	c, err := NewClient(WithBaseURL(base), WithToken("x"), WithHTTPClient(&http.Client{Transport: rec, Timeout: 30 * time.Second}))
	require.NoError(t, err)
	ctx := t.Context()

	calls := specAllCalls(specLabelName)
	require.Len(t, calls, specOperationCount)
	reached := map[*specOp]string{}
	passed := 0
	for _, call := range calls {
		name := call.scope + "/" + call.method
		t.Run(name, func(t *testing.T) {
			before := len(rec.all())
			got, err := call.call(ctx, call.build(c))
			exchanges := rec.all()[before:]
			require.Len(t, exchanges, 1, "requests sent")
			ex := exchanges[0]
			assert.Empty(t, ex.Violations, "sl-violations: Prism found the request invalid")
			require.NoError(t, err)
			assert.Equal(t, call.status, ex.Status, "status")
			assert.Equal(t, prismHost, ex.Host, "host")

			op, _, err := matchOperation(doc.ops, ex.Method, ex.Path)
			require.NoError(t, err)
			require.True(t, wantOperationID(op.OperationID, call.stem, call.scope), "%s reached %s (%s)", name, op, op.OperationID)
			assert.Equal(t, call.status, doc.success(t, op).Status, "status the description declares")
			if prev, dup := reached[op]; dup {
				t.Fatalf("%s reached %s, as %s did", name, op, prev)
			}
			reached[op] = name

			if call.method == "ListRunners" || call.method == "ListRunnerGroupRunners" {
				assert.Equal(t, 2, got.(*RunnerList).NextPage, "next page from Prism's Link header")
			}
			if call.check != nil {
				call.check(t, got)
			}
			if !t.Failed() {
				passed++
			}
		})
	}

	// AllRunners with one runner a page. Prism's static example answers every
	// page alike: 2 runners and Link next=2, last=5, on another host. The
	// client asks its own base URL for page 2, gets next=2 again, and ends
	// the walk with its loop guard error rather than asking for ever.
	walks := 0
	for _, sc := range specScopes {
		t.Run(sc.name+"/AllRunners", func(t *testing.T) {
			before := len(rec.all())
			var got []*Runner
			var walkErr error
			steps := 0
			for r, err := range sc.build(c).AllRunners(ctx, &ListRunnersOptions{ListOptions: ListOptions{PerPage: 1}}) {
				steps++
				if steps > 20 {
					t.Fatal("AllRunners did not end after 20 steps")
				}
				if err != nil {
					walkErr = err
					continue // the iterator must stop by itself after an error
				}
				got = append(got, r)
			}
			exchanges := rec.all()[before:]
			require.LessOrEqual(t, len(exchanges), 6, "requests of the walk")
			require.Len(t, exchanges, 2, "requests of the walk: page 1, then page 2")
			for i, ex := range exchanges {
				assert.Equal(t, prismHost, ex.Host, "request %d went to Prism, not to the Link header's host", i)
				assert.Equal(t, http.StatusOK, ex.Status, "request %d", i)
				assert.Empty(t, ex.Violations, "request %d: sl-violations", i)
				assert.Equal(t, http.MethodGet, ex.Method, "request %d", i)
				assert.Contains(t, ex.Link, `<https://api.github.com/resource?page=2>; rel="next"`, "request %d: Prism's Link header names another host", i)
				op, _, err := matchOperation(doc.ops, ex.Method, ex.Path)
				if assert.NoError(t, err, "request %d", i) {
					assert.True(t, wantOperationID(op.OperationID, "list-self-hosted-runners", sc.name), "request %d reached %s", i, op)
				}
			}
			assert.Equal(t, "per_page=1", exchanges[0].RawQuery, "first page")
			assert.Equal(t, "page=2&per_page=1", exchanges[1].RawQuery, "second page")
			want := append(specExampleRunnerPaginated(), specExampleRunnerPaginated()...)
			assert.Equal(t, want, got, "the runners of both pages, in order")
			require.Error(t, walkErr, "the walk ends with the loop guard error")
			apiErr := apiError(t, walkErr)
			assert.Contains(t, apiErr.Message, "next page 2 does not come after page 2")
			assert.Equal(t, len(want)+1, steps, "runners then one error")
			if !t.Failed() {
				walks++
			}
		})
	}

	// AllRunnerGroups: Prism's example holds all 3 groups and sends no Link
	// header (the description declares none), so the walk is one request.
	groupWalks := 0
	for _, sc := range specScopes[:2] {
		t.Run(sc.name+"/AllRunnerGroups", func(t *testing.T) {
			before := len(rec.all())
			var got []*RunnerGroup
			for g, err := range sc.build(c).(GroupScope).AllRunnerGroups(ctx, nil) {
				require.NoError(t, err)
				got = append(got, g)
			}
			exchanges := rec.all()[before:]
			require.Len(t, exchanges, 1, "requests of the walk")
			assert.Equal(t, "per_page=100", exchanges[0].RawQuery)
			assert.Equal(t, http.StatusOK, exchanges[0].Status)
			assert.Empty(t, exchanges[0].Violations)
			assert.Empty(t, exchanges[0].Link, "no Link header for the group list")
			assertGroupListFields(t, exampleGroups(sc.name), got)
			if !t.Failed() {
				groupWalks++
			}
		})
	}

	// Nothing left the loopback port Prism listens on, and Prism found no
	// request invalid.
	all := rec.all()
	violations := 0
	for i, ex := range all {
		assert.Equal(t, prismHost, ex.Host, "request %d: %s %s", i, ex.Method, ex.Path)
		assert.NoError(t, ex.Err, "request %d: %s %s", i, ex.Method, ex.Path)
		if ex.Violations != "" {
			violations++
		}
	}
	assert.Zero(t, violations, "responses with sl-violations")
	assert.Len(t, reached, specOperationCount, "distinct operations")
	assert.Len(t, all, specOperationCount+2*len(specScopes)+2, "requests: one per operation, two per AllRunners walk, one per AllRunnerGroups walk")
	t.Logf("prism conformance: %d/%d operations passed (36 runner, 26 group), %d distinct operations reached, %d sl-violations, "+
		"AllRunners walks %d/%d (2 requests each, ended by the loop guard), AllRunnerGroups walks %d/2, %d requests, all to %s",
		passed, specOperationCount, len(reached), violations, walks, len(specScopes), groupWalks, len(all), prismHost)
}
