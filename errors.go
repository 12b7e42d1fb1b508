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
	// Attempts is how many times the request was sent when the retry policy
	// ([WithRetry]) sent it more than once; 0 otherwise.
	Attempts int

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

func (e *Error) Error() string { return "runners: " + e.text() }

// text is the message without the "runners: " prefix, for errors that nest
// one.
func (e *Error) text() string {
	var b strings.Builder
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
		b.WriteString(strings.TrimPrefix(cause.Error(), "runners: ")) // one prefix, however deep
	}
	if e.RequestID != "" {
		b.WriteString(" (request ID " + e.RequestID + ")")
	}
	if e.Attempts > 1 {
		b.WriteString(" (after " + strconv.Itoa(e.Attempts) + " attempts)")
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

	hasRetryAfter bool // Retry-After was sent, 0 included
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
	if e.retryAfterSent() {
		s += ", retry after " + e.RetryAfter.String()
	}
	return s + "]"
}

// retryAfterSent reports whether GitHub sent Retry-After (0 included), or
// the value was set by hand.
func (e *RateLimitError) retryAfterSent() bool { return e.hasRetryAfter || e.RetryAfter > 0 }

// Unwrap returns the [*Error] behind the rate limit.
func (e *RateLimitError) Unwrap() error { return e.Err }

// Wait returns how long to wait before trying again, as of now: Retry-After
// when GitHub sent it (0 included), else the time until Reset, else 0.
func (e *RateLimitError) Wait(now time.Time) time.Duration {
	if e.retryAfterSent() {
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
		RequestID:           cleanText(resp.Header.Get("X-GitHub-Request-Id"), maxRequestID),
		AcceptedPermissions: cleanText(resp.Header.Get("X-Accepted-GitHub-Permissions"), maxMessage),
	}
}

// checkResponse returns nil for a 2xx response, and otherwise an *Error or a
// *RateLimitError built from the status, the headers and up to
// maxErrorBodyBytes of the body.
func checkResponse(req *http.Request, resp *http.Response, now time.Time) error {
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
		// Server text, made safe for logs and terminals and cut to size.
		e.Message, e.DocumentationURL = cleanText(gh.Message, maxMessage), cleanText(gh.DocumentationURL, maxQuotedURL)
		for _, d := range gh.Errors[:min(len(gh.Errors), maxErrorDetail)] {
			e.Errors = append(e.Errors, ErrorDetail{Resource: cleanText(d.Resource, maxMessage), Field: cleanText(d.Field, maxMessage),
				Code: cleanText(d.Code, maxMessage), Message: cleanText(d.Message, maxMessage)})
		}
	}
	if e.Message == "" {
		e.Message = http.StatusText(resp.StatusCode) // an HTML error page, say: its text is not kept
	}
	if rl := classifyRateLimit(e, resp.Header, now); rl != nil {
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
