package runnerstest

import (
	"net/http"
	"slices"
	"strconv"
	"strings"
	"time"
)

// Fault is an answer the server gives instead of serving a request, set up
// with [Server.FailNext].
type Fault struct {
	Status int         // the HTTP status to answer with
	Header http.Header // headers to add, such as Retry-After
	Body   string      // the body; GitHub's error shape with the status text when empty
	// Method and PathSuffix, when set, limit the fault to matching requests;
	// others are served as usual.
	Method     string
	PathSuffix string
}

type pendingFault struct {
	Fault
	left int
	// installation, when not 0, limits the fault to requests carrying a
	// token of that installation ([Installation.FailNext]).
	installation int64
}

// FailNext makes the server answer the next n requests that match f with f
// instead of serving them. Faults queue in the order they are set up. A
// faulted request counts against the rate limit, as GitHub counts its
// errors.
func (s *Server) FailNext(n int, f Fault) { s.failNext(n, f, 0) }

// failNext queues f for the next n requests that match it and, when
// installation is not 0, carry a token of that installation.
func (s *Server) failNext(n int, f Fault, installation int64) {
	if n <= 0 {
		return
	}
	f.Header = f.Header.Clone() // the caller's header may change; the fault may not
	s.mu.Lock()
	defer s.mu.Unlock()
	s.faults = append(s.faults, pendingFault{f, n, installation})
}

// PrimaryRateLimit is the 403 GitHub answers when the hourly quota of 5,000
// requests is spent, resetting at reset.
func PrimaryRateLimit(reset time.Time) Fault {
	return primaryRateLimit(defaultRateLimit, reset, "user ID 1")
}

// primaryRateLimit is GitHub's answer to a request over a spent quota of
// limit; who is the subject of its message ("user ID 1", an IP address).
func primaryRateLimit(limit int, reset time.Time, who string) Fault {
	return Fault{
		Status: http.StatusForbidden,
		Header: rateLimitHeader(limit, limit, reset),
		Body:   `{"message":"API rate limit exceeded for ` + who + `.","documentation_url":"https://docs.github.com/rest/overview/rate-limits-for-the-rest-api","status":"403"}`,
	}
}

// SecondaryRateLimit is the 403 GitHub answers when requests come too fast,
// asking the client to wait retryAfter. Retry-After is in whole seconds, so
// a wait with a fraction of a second is rounded up: a positive wait is never
// "Retry-After: 0".
func SecondaryRateLimit(retryAfter time.Duration) Fault {
	secs := max(0, (retryAfter+time.Second-1)/time.Second)
	return Fault{
		Status: http.StatusForbidden,
		Header: http.Header{"Retry-After": {strconv.FormatInt(int64(secs), 10)}},
		Body:   `{"message":"You have exceeded a secondary rate limit. Please wait a few minutes before you try again.","documentation_url":"https://docs.github.com/rest/overview/rate-limits-for-the-rest-api#about-secondary-rate-limits","status":"403"}`,
	}
}

// reply is the fault's answer.
func (f *Fault) reply() reply {
	rep := ghError(f.Status, http.StatusText(f.Status))
	if f.Body != "" {
		rep.body = []byte(f.Body)
	}
	for k, v := range f.Header {
		rep.header[http.CanonicalHeaderKey(k)] = slices.Clone(v) // as a literal may spell it: X-RateLimit-Reset
	}
	return rep
}

// takeFault returns the first queued fault matching r, sent with a token of
// installation (0 for none), if any, and counts it.
func (s *Server) takeFault(r *http.Request, installation int64) *Fault {
	for i := range s.faults {
		f := &s.faults[i]
		if f.installation != 0 && f.installation != installation {
			continue
		}
		if f.Method != "" && !strings.EqualFold(f.Method, r.Method) {
			continue
		}
		if f.PathSuffix != "" && !strings.HasSuffix(strings.TrimRight(r.URL.Path, "/"), f.PathSuffix) {
			continue
		}
		fault := f.Fault
		if f.left--; f.left == 0 {
			s.faults = slices.Delete(s.faults, i, i+1)
		}
		return &fault
	}
	return nil
}
