package runners

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"
)

// Sentinels for [errors.Is]. Every error the client returns is an [*Error]
// (or a [*RateLimitError] around one) that matches at most one of these, and
// [ErrRunnerBusy] also matches [ErrValidation].
var (
	ErrInvalidArgument = errors.New("runners: invalid argument")              // bad input caught before any request is sent
	ErrUnauthorized    = errors.New("runners: unauthorized")                  // 401: missing or bad credentials
	ErrForbidden       = errors.New("runners: forbidden")                     // 403 that is not a rate limit
	ErrNotFound        = errors.New("runners: not found")                     // 404
	ErrConflict        = errors.New("runners: conflict")                      // 409, such as a JIT runner name already taken
	ErrValidation      = errors.New("runners: validation failed")             // 422
	ErrRunnerBusy      = errors.New("runners: runner is still running a job") // 422 on delete; also matches ErrValidation
	ErrRateLimited     = errors.New("runners: rate limited")                  // primary or secondary rate limit (403 or 429)
)

// Error is what the client returns for every failure: a response GitHub
// answered with an error status, a response that could not be decoded, a
// request that got no response, or bad input caught before sending
// (StatusCode 0 for the last two).
type Error struct {
	StatusCode       int    // the HTTP status; 0 when no response came back
	Method           string // the request's method, when one was made
	URL              string // the request's URL, without credentials
	Message          string // GitHub's message, or what went wrong
	DocumentationURL string // GitHub's documentation_url
	Errors           []ErrorDetail
	RequestID        string // X-GitHub-Request-Id: quote it to GitHub Support
	// AcceptedPermissions is X-Accepted-GitHub-Permissions, when sent: the
	// fine-grained permissions the endpoint accepts.
	AcceptedPermissions string

	kind  error // the sentinel this error matches, if any
	cause error // the underlying error (transport, decoding), if any
}

// ErrorDetail is one entry of a validation error's "errors" list. GitHub sends
// either plain strings (which land in Message) or objects.
type ErrorDetail struct {
	Resource string `json:"resource,omitempty"`
	Field    string `json:"field,omitempty"`
	Code     string `json:"code,omitempty"`
	Message  string `json:"message,omitempty"`
}

// UnmarshalJSON accepts a string or an object.
func (d *ErrorDetail) UnmarshalJSON(b []byte) error {
	if len(b) > 0 && b[0] == '"' {
		return json.Unmarshal(b, &d.Message)
	}
	type plain ErrorDetail
	return json.Unmarshal(b, (*plain)(d))
}

func (d ErrorDetail) String() string {
	var parts []string
	for _, p := range []string{d.Resource, d.Field, d.Code, d.Message} {
		if p != "" {
			parts = append(parts, p)
		}
	}
	return strings.Join(parts, " ")
}

func (e *Error) Error() string {
	var b strings.Builder
	b.WriteString("runners: ")
	if e.Method != "" {
		b.WriteString(e.Method + " " + e.URL + ": ")
	}
	if e.StatusCode != 0 {
		b.WriteString(strconv.Itoa(e.StatusCode) + " ")
	}
	if e.kind == ErrInvalidArgument {
		b.WriteString("invalid argument: ")
	}
	b.WriteString(e.Message)
	for i, d := range e.Errors {
		if i == 0 {
			b.WriteString(": ")
		} else {
			b.WriteString("; ")
		}
		b.WriteString(d.String())
	}
	if e.cause != nil {
		if e.Message != "" {
			b.WriteString(": ")
		}
		cause := e.cause
		if ue, ok := cause.(*url.Error); ok {
			cause = ue.Err // the method and URL are written above
		}
		b.WriteString(cause.Error())
	}
	if e.RequestID != "" {
		b.WriteString(" (request ID " + e.RequestID + ")")
	}
	return b.String()
}

// Unwrap returns the sentinel the error matches and the underlying error,
// for errors.Is and errors.As.
func (e *Error) Unwrap() []error {
	var errs []error
	if e.kind != nil {
		errs = append(errs, e.kind)
		if e.kind == ErrRunnerBusy {
			errs = append(errs, ErrValidation)
		}
	}
	if e.cause != nil {
		errs = append(errs, e.cause)
	}
	return errs
}

// RateLimitError is a response refused for a rate limit: the hourly quota
// (primary) or a limit on bursts (secondary). It matches [ErrRateLimited],
// and errors.As also finds the [*Error] it wraps.
type RateLimitError struct {
	Limit     int       // X-RateLimit-Limit: requests allowed per window
	Remaining int       // X-RateLimit-Remaining
	Used      int       // X-RateLimit-Used
	Resource  string    // X-RateLimit-Resource, such as "core"
	Reset     time.Time // X-RateLimit-Reset: when the window resets; zero when not sent
	// RetryAfter is Retry-After, when sent: wait at least this long.
	RetryAfter time.Duration
	Secondary  bool // a secondary (burst, "abuse") limit rather than the hourly quota
	Err        *Error
}

func (e *RateLimitError) Error() string {
	kind := "primary"
	if e.Secondary {
		kind = "secondary"
	}
	s := e.Err.Error() + " [" + kind + " rate limit"
	if !e.Reset.IsZero() {
		s += ", resets at " + e.Reset.UTC().Format(time.RFC3339)
	}
	if e.RetryAfter > 0 {
		s += ", retry after " + e.RetryAfter.String()
	}
	return s + "]"
}

// Unwrap returns the [*Error] behind the rate limit.
func (e *RateLimitError) Unwrap() error { return e.Err }

// Wait returns how long to wait before trying again, as of now: Retry-After
// when GitHub sent it, else the time until Reset, else 0.
func (e *RateLimitError) Wait(now time.Time) time.Duration {
	if e.RetryAfter > 0 {
		return e.RetryAfter
	}
	if !e.Reset.IsZero() && e.Reset.After(now) {
		return e.Reset.Sub(now)
	}
	return 0
}

func invalidArgf(format string, args ...any) *Error {
	return &Error{Message: fmt.Sprintf(format, args...), kind: ErrInvalidArgument}
}

// notFoundf is a not-found error found out without a 404 of its own, such
// as a name no listed runner has.
func notFoundf(format string, args ...any) *Error {
	return &Error{Message: fmt.Sprintf(format, args...), kind: ErrNotFound}
}

func transportError(req *http.Request, err error) *Error {
	return &Error{Method: req.Method, URL: req.URL.Redacted(), cause: err}
}

func decodeError(req *http.Request, resp *http.Response, err error) *Error {
	e := responseError(req, resp)
	e.Message, e.cause = "decoding the response", err
	return e
}

func responseError(req *http.Request, resp *http.Response) *Error {
	return &Error{
		StatusCode:          resp.StatusCode,
		Method:              req.Method,
		URL:                 req.URL.Redacted(),
		RequestID:           resp.Header.Get("X-GitHub-Request-Id"),
		AcceptedPermissions: resp.Header.Get("X-Accepted-GitHub-Permissions"),
	}
}

// checkResponse returns nil for a 2xx response, and otherwise an *Error or a
// *RateLimitError built from the status, the headers and up to
// maxErrorBodyBytes of the body.
func checkResponse(req *http.Request, resp *http.Response) error {
	if resp.StatusCode >= 200 && resp.StatusCode < 300 {
		return nil
	}
	e := responseError(req, resp)
	body, _ := io.ReadAll(io.LimitReader(resp.Body, maxErrorBodyBytes))
	var gh struct {
		Message          string        `json:"message"`
		DocumentationURL string        `json:"documentation_url"`
		Errors           []ErrorDetail `json:"errors"`
	}
	if json.Unmarshal(bytes.TrimSpace(body), &gh) == nil {
		e.Message, e.DocumentationURL, e.Errors = gh.Message, gh.DocumentationURL, gh.Errors
	}
	if e.Message == "" {
		e.Message = http.StatusText(resp.StatusCode) // an HTML error page, say: its text is not kept
	}
	if rl := rateLimit(e, resp.Header); rl != nil {
		return rl
	}
	switch resp.StatusCode {
	case http.StatusUnauthorized:
		e.kind = ErrUnauthorized
	case http.StatusForbidden:
		e.kind = ErrForbidden
	case http.StatusNotFound:
		e.kind = ErrNotFound
	case http.StatusConflict:
		e.kind = ErrConflict
	case http.StatusUnprocessableEntity:
		e.kind = ErrValidation
		if strings.Contains(strings.ToLower(e.Message), "still running a job") {
			e.kind = ErrRunnerBusy
		}
	}
	return e
}

// rateLimit classifies a 403 or 429 the way GitHub documents its limits:
// a secondary limit names it in the message or documentation URL, or comes
// as a 429 (or a 403 with Retry-After) while quota remains; the primary limit
// is X-RateLimit-Remaining: 0. Anything else is not a rate limit (nil).
func rateLimit(e *Error, h http.Header) *RateLimitError {
	code := e.StatusCode
	if code != http.StatusForbidden && code != http.StatusTooManyRequests {
		return nil
	}
	doc, msg := strings.ToLower(e.DocumentationURL), strings.ToLower(e.Message)
	namedSecondary := strings.Contains(doc, "secondary-rate-limits") || strings.Contains(doc, "abuse-rate-limits") ||
		strings.Contains(msg, "secondary rate limit")
	exhausted := h.Get("X-RateLimit-Remaining") == "0"
	retryAfter, hasRetryAfter := parseRetryAfter(h.Get("Retry-After"), time.Now())
	var secondary bool
	switch {
	case namedSecondary:
		secondary = true
	case exhausted:
		secondary = false
	case code == http.StatusTooManyRequests || hasRetryAfter:
		secondary = true
	default:
		return nil
	}
	e.kind = ErrRateLimited
	lim, _ := parseRateLimit(h)
	return &RateLimitError{
		Limit: lim.Limit, Remaining: lim.Remaining, Used: lim.Used, Resource: lim.Resource, Reset: lim.Reset,
		Secondary: secondary, RetryAfter: retryAfter, Err: e,
	}
}

// parseRetryAfter reads Retry-After as seconds or as an HTTP date.
func parseRetryAfter(v string, now time.Time) (time.Duration, bool) {
	v = strings.TrimSpace(v)
	if v == "" {
		return 0, false
	}
	if secs, err := strconv.ParseInt(v, 10, 64); err == nil {
		if secs < 0 || secs > int64(24*time.Hour/time.Second) {
			return 0, false
		}
		return time.Duration(secs) * time.Second, true
	}
	if t, err := http.ParseTime(v); err == nil {
		return max(t.Sub(now), 0), true
	}
	return 0, false
}
