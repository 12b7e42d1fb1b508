package runners

import (
	"net/http"
	"time"
)

// WithObserver calls fn once for every attempt of every request, after its
// answer (or failure): each try of a retried request, a GitHub App's
// installation lookups and token exchanges, a 304 answered from the ETag
// cache, and a request refused before it was sent (a spent quota, a
// credential that could not be had), which has StatusCode 0 and Err set. fn
// is called synchronously, on the request's goroutine: keep it fast (count,
// observe a histogram), and do not call the client from it.
//
// RequestInfo's labels are low-cardinality: the operation's name and
// GitHub's path template, never a URL with IDs. The example in
// examples/metrics exports them as Prometheus metrics. For tracing, wrap the
// transport of the client given to [WithHTTPClient] (OpenTelemetry's
// otelhttp.NewTransport, say): it sees every request on the wire.
func WithObserver(fn func(RequestInfo)) Option {
	return func(s *settings) error {
		if fn == nil {
			return invalidArgf("WithObserver: the function is nil")
		}
		s.observer = fn
		return nil
	}
}

// RequestInfo describes one attempt of one request, for [WithObserver].
type RequestInfo struct {
	// Operation is the method's name, such as "ListRunners" or
	// "GenerateJITConfig"; a GitHub App's own requests are
	// "GetOrgInstallation", "GetRepoInstallation",
	// "GetEnterpriseInstallation" and "CreateInstallationToken".
	Operation string
	// Scope is the kind of scope the request is for: "enterprise", "org" or
	// "repo"; "" for a token exchange, which is for no scope.
	Scope  string
	Method string
	// Path is GitHub's path template, without the leading slash, such as
	// "orgs/{org}/actions/runners/{runner_id}".
	Path       string
	StatusCode int // 0 when no answer came
	Attempt    int // 1 for the first try
	// Duration is how long the attempt took, on the client's [Clock]: from
	// sending to the decoded answer. 0 for a request refused before sending.
	Duration time.Duration
	// FromCache says a 304 Not Modified was answered from the ETag cache
	// ([WithETagCache]); StatusCode is then 304.
	FromCache bool
	RateLimit RateLimit // as this answer reported it (zero when none)
	RequestID string    // X-GitHub-Request-Id
	Err       error     // nil on success
	// App is the GitHub App whose credential the attempt used: its Client ID
	// or its App ID in decimal, as given to [WithApp],
	// [WithAppInstallation] or [WithAppPool]; "" for a token.
	App string
	// InstallationID is the installation whose token the attempt carried;
	// 0 for an App's JWT (its lookups and exchanges) and for a token.
	InstallationID int64
}

// report calls the observer, if any, with attempt n of r.
func (c *Client) report(r *request, n int, cred *credential, out outcome, d time.Duration) {
	if c.observer == nil {
		return
	}
	ri := RequestInfo{
		Operation: r.op, Scope: r.kind.String(), Method: r.method, Path: r.pathTemplate(),
		Attempt: n, Duration: d, FromCache: out.fromCache, RateLimit: out.limit, Err: out.err,
	}
	if out.resp != nil {
		ri.StatusCode = out.resp.StatusCode
		ri.RequestID = cleanText(out.resp.Header.Get("X-Github-Request-Id"), maxRequestID) // a canonical key: Get does not allocate
	}
	if cred != nil && cred.app != nil {
		ri.App, ri.InstallationID = cred.app.issuer, cred.installationID
	}
	c.observer(ri)
}

// outcome is what one attempt came to.
type outcome struct {
	resp      *http.Response // nil when no answer came
	fromCache bool           // r.out was decoded from the ETag cache, on a 304
	limit     RateLimit      // the rate limit the answer reported
	err       error
}
