package webhook

import (
	"bytes"
	"context"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"sync"
	"testing"

	"github.com/stretchr/testify/require"
)

// testSecret is the secret the test webhooks use; tests assert it never leaks.
const testSecret = "whsec-TEST-secret-0123456789"

// fixtures are the example payloads in testdata/, by action.
var fixtures = []string{
	"workflow_job_docs.json",
	"workflow_job_queued.json",
	"workflow_job_in_progress.json",
	"workflow_job_completed.json",
}

// fixture returns the bytes of a file in testdata/.
func fixture(t testing.TB, name string) []byte {
	t.Helper()
	b, err := os.ReadFile(filepath.Join("testdata", name))
	require.NoError(t, err)
	return b
}

// mustSign returns the X-Hub-Signature-256 GitHub sends for body and secret.
func mustSign(t testing.TB, body []byte, secret string) string {
	t.Helper()
	sig, err := Signature(body, []byte(secret))
	require.NoError(t, err)
	return sig
}

// calls records the deliveries a handler's func got, and answers with err.
type calls struct {
	mu  sync.Mutex
	got []*Delivery
	err error
}

func (c *calls) fn(_ context.Context, d *Delivery) error {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.got = append(c.got, d)
	return c.err
}

func (c *calls) all() []*Delivery {
	c.mu.Lock()
	defer c.mu.Unlock()
	return append([]*Delivery(nil), c.got...)
}

// serve starts a fresh server for h, closed when the test ends.
func serve(t *testing.T, h http.Handler) *httptest.Server {
	t.Helper()
	srv := httptest.NewServer(h)
	t.Cleanup(srv.Close)
	return srv
}

// delivery is a request as a test sends it; the zero value of a field means
// what GitHub sends.
type delivery struct {
	method      string            // POST
	event       string            // X-GitHub-Event: "workflow_job"; "-" for none
	id          string            // X-GitHub-Delivery: a fixed GUID; "-" for none
	contentType string            // "application/json"
	body        []byte            // sent as given
	secret      string            // signs the body: testSecret
	signature   string            // X-Hub-Signature-256 instead of the body's; "-" for none
	header      map[string]string // more headers
	body2       io.Reader         // sent instead of body, with no Content-Length
}

// answer is what a test server answered.
type answer struct {
	status int
	header http.Header
	body   string
}

// send makes the request d describes to srv.
func send(t *testing.T, srv *httptest.Server, d delivery) answer {
	t.Helper()
	req := newRequest(t, t.Context(), srv.URL, d)
	resp, err := srv.Client().Do(req)
	require.NoError(t, err)
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	require.NoError(t, err)
	return answer{status: resp.StatusCode, header: resp.Header, body: string(b)}
}

// newRequest builds the request d describes.
func newRequest(t *testing.T, ctx context.Context, url string, d delivery) *http.Request {
	t.Helper()
	method := or(d.method, http.MethodPost)
	var body io.Reader = bytes.NewReader(d.body)
	if d.body2 != nil {
		body = d.body2
	}
	req, err := http.NewRequestWithContext(ctx, method, url, body)
	require.NoError(t, err)
	if d.body2 != nil {
		req.ContentLength = -1 // chunked: the handler cannot know the length
	}
	setHeader(req, "X-GitHub-Event", or(d.event, "workflow_job"))
	setHeader(req, "X-GitHub-Delivery", or(d.id, "72d3162e-cc78-11e3-81ab-4c9367dc0958"))
	setHeader(req, "Content-Type", or(d.contentType, "application/json"))
	sig := d.signature
	if sig == "" {
		sig = mustSign(t, d.body, or(d.secret, testSecret))
	}
	setHeader(req, "X-Hub-Signature-256", sig)
	req.Header.Set("User-Agent", "GitHub-Hookshot/test")
	for k, v := range d.header {
		req.Header.Set(k, v)
	}
	return req
}

// setHeader sets a header, unless v is "-".
func setHeader(req *http.Request, k, v string) {
	if v != "-" {
		req.Header.Set(k, v)
	}
}

func or(s, dflt string) string {
	if s == "" {
		return dflt
	}
	return s
}
