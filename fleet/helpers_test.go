package fleet_test

// Helpers shared by the tests of package fleet. Every test has its own fake
// and works in the organization "octo-org".

import (
	"context"
	"net/http"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/fleetkit/runners"
	"github.com/fleetkit/runners/runnerstest"
	"github.com/stretchr/testify/require"
)

const testOrg = "octo-org"

// newFake returns a fresh fake, the state of its organization and that
// organization's scope on a client wired to it. wrap, when not nil, wraps the
// client's transport, so a test can watch or steer the requests.
func newFake(t *testing.T, wrap func(http.RoundTripper) http.RoundTripper) (*runnerstest.Server, *runnerstest.ScopeState, runners.Scope) {
	t.Helper()
	srv := runnerstest.NewServer()
	st := srv.Org(testOrg)
	if wrap == nil {
		return srv, st, srv.Client().Org(testOrg)
	}
	c, err := runners.NewClient(
		runners.WithBaseURL("https://api.github.com/"), // the fake plays GitHub.com, in memory
		runners.WithToken("ghp_fleet_test"),
		runners.WithHTTPClient(&http.Client{Transport: wrap(srv.Transport())}),
	)
	require.NoError(t, err)
	return srv, st, c.Org(testOrg)
}

// roundTripFunc is an http.RoundTripper written as a function.
type roundTripFunc func(*http.Request) (*http.Response, error)

func (f roundTripFunc) RoundTrip(r *http.Request) (*http.Response, error) { return f(r) }

// after calls fn with each request and its response once the response has
// come back, before the client sees it.
func after(fn func(*http.Request, *http.Response)) func(http.RoundTripper) http.RoundTripper {
	return func(rt http.RoundTripper) http.RoundTripper {
		return roundTripFunc(func(r *http.Request) (*http.Response, error) {
			resp, err := rt.RoundTrip(r)
			if err == nil {
				fn(r, resp)
			}
			return resp, err
		})
	}
}

// countRequests counts the requests srv received with method whose path
// ends in suffix.
func countRequests(t *testing.T, srv *runnerstest.Server, method, suffix string) int {
	t.Helper()
	n := 0
	for _, r := range srv.Requests() {
		if r.Method == method && strings.HasSuffix(r.Path, suffix) {
			n++
		}
	}
	return n
}

// busyFault is the 422 GitHub answers for deleting a runner that is running
// a job, for the next DELETE of runner id.
func busyFault(id int64) runnerstest.Fault {
	return runnerstest.Fault{
		Status:     http.StatusUnprocessableEntity,
		Method:     http.MethodDelete,
		PathSuffix: "/actions/runners/" + strconv.FormatInt(id, 10),
		Body:       `{"message":"Bad request - Runner \"r\" is still running a job\"","documentation_url":"https://docs.github.com/rest/actions/self-hosted-runners","status":"422"}`,
	}
}

// hasRunner reports whether the scope of the fake still has runner id.
func hasRunner(st *runnerstest.ScopeState, id int64) bool {
	for _, r := range st.Runners() {
		if r.ID == id {
			return true
		}
	}
	return false
}

func runnerNames(rs []*runners.Runner) []string {
	var out []string // nil for none
	for _, r := range rs {
		out = append(out, r.Name)
	}
	return out
}

func stateNames(rs []runners.Runner) []string {
	out := make([]string, len(rs))
	for i, r := range rs {
		out[i] = r.Name
	}
	return out
}

// testClock is a runners.Clock a test moves by hand: Sleep returns at once,
// moving the time on by what it was asked to wait.
type testClock struct {
	mu      sync.Mutex
	now     time.Time
	slept   []time.Duration
	nows    int
	onNow   func(n int) // when set, called after the nth call of Now
	onSleep func(n int) // when set, called after the nth call of Sleep, before it returns
}

func (c *testClock) Now() time.Time {
	c.mu.Lock()
	c.nows++
	now, n, hook := c.now, c.nows, c.onNow
	c.mu.Unlock()
	if hook != nil {
		hook(n)
	}
	return now
}

func (c *testClock) Sleep(ctx context.Context, d time.Duration) error {
	c.mu.Lock()
	c.now = c.now.Add(d)
	c.slept = append(c.slept, d)
	n, hook := len(c.slept), c.onSleep
	c.mu.Unlock()
	if hook != nil {
		hook(n)
	}
	return ctx.Err()
}

func (c *testClock) Set(t time.Time) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.now = t
}

// Slept returns the waits asked for so far.
func (c *testClock) Slept() []time.Duration {
	c.mu.Lock()
	defer c.mu.Unlock()
	return append([]time.Duration(nil), c.slept...)
}
