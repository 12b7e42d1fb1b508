package runners

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"net/http"

	"github.com/google/go-querystring/query"
)

// This file is the request pipeline: one request value goes in; it is built
// into an *http.Request once, sent (again, when the retry policy allows and
// the request is safe to repeat: retry.go), and its answer is classified
// (errors.go) and decoded (decode.go).

// request is one API call as an operation describes it: everything the
// pipeline needs to send it, decode its answer and decide whether it may be
// sent again.
type request struct {
	op     string // the operation, such as "ListRunners"
	method string
	prefix string // the scope's path prefix, such as "orgs/octo-org/", escaped; "" for none
	path   string // the rest of the path, relative to the prefix, escaped
	query  any    // encoded with go-querystring when not nil
	body   any    // sent as JSON when not nil
	out    any    // a 2xx body is decoded into it; nil when none is expected
	// idempotent says that sending the request twice does no more than
	// sending it once (GET, PUT, DELETE, the token POSTs), so the retry loop
	// may repeat it. A JIT config POST is not: a retry after a lost answer
	// could meet the runner the first try created.
	idempotent bool
	// credential says the answer is a credential (a GitHub App installation
	// token): it is accepted only from the client's own origin, never after
	// a redirect elsewhere.
	credential bool
}

// get, put, post and del start a request for the common cases; GET, PUT and
// DELETE are idempotent, a POST is not unless the operation says so.
func get(op, path string, out any) *request {
	return &request{op: op, method: http.MethodGet, path: path, out: out, idempotent: true}
}

func put(op, path string, body, out any) *request {
	return &request{op: op, method: http.MethodPut, path: path, body: body, out: out, idempotent: true}
}

func post(op, path string, body, out any) *request {
	return &request{op: op, method: http.MethodPost, path: path, body: body, out: out}
}

func del(op, path string, out any) *request {
	return &request{op: op, method: http.MethodDelete, path: path, out: out, idempotent: true}
}

// send sends r and decodes its answer into r.out. The returned response's
// body is already closed; it is nil when no response came back.
func (c *Client) send(ctx context.Context, r *request) (*http.Response, error) {
	if ctx == nil {
		return nil, invalidArgf("%s: the context is nil", r.op)
	}
	req, err := c.newHTTPRequest(ctx, r)
	if err != nil {
		return nil, err
	}
	return c.invoke(ctx, r, req)
}

// newHTTPRequest is the one place a request is built and its headers are set.
func (c *Client) newHTTPRequest(ctx context.Context, r *request) (*http.Request, error) {
	var rd io.Reader
	if r.body != nil {
		buf, err := json.Marshal(r.body)
		if err != nil {
			return nil, invalidArgf("%s: the request body: %v", r.op, err)
		}
		rd = bytes.NewReader(buf)
	}
	req, err := http.NewRequestWithContext(ctx, r.method, c.base+r.prefix+r.path, rd)
	if err != nil {
		return nil, invalidArgf("%s: %v", r.op, urlParseError(err))
	}
	if r.query != nil {
		v, err := query.Values(r.query)
		if err != nil {
			return nil, invalidArgf("%s: the query: %v", r.op, err)
		}
		req.URL.RawQuery = v.Encode()
	}
	for k, v := range c.header { // the values are shared, never modified
		req.Header[k] = v
	}
	if r.body != nil {
		req.Header["Content-Type"] = jsonContentType
	}
	return req, nil
}

var jsonContentType = []string{"application/json"}

// attempt sends req once: a conditional request when the ETag cache keeps an
// answer, then the answer classified and its body decoded into r.out.
func (c *Client) attempt(req *http.Request, r *request) (*http.Response, error) {
	key, kept := c.cache.prepare(req, r.out)
	resp, err := c.hc.Do(req)
	if err != nil {
		return nil, transportError(req, err)
	}
	c.limits.observe(resp.Header)
	switch {
	case resp.StatusCode < 200:
		// 101 Switching Protocols: the body is the raw connection, which the
		// context no longer reaches. Never read it.
		resp.Body.Close()
		return resp, &Error{StatusCode: resp.StatusCode, Method: req.Method, URL: req.URL.Redacted(),
			Message: "unexpected " + resp.Status + " answer"}
	case r.credential && resp.Request != nil && !c.origin.owns(resp.Request.URL):
		closeBody(resp.Body)
		return resp, &Error{StatusCode: resp.StatusCode, Method: req.Method, URL: req.URL.Redacted(),
			Message: "the answer came from another origin after a redirect; refused"}
	case kept != nil && resp.StatusCode == http.StatusNotModified:
		closeBody(resp.Body)
		return resp, kept.answer(req, resp, r.out)
	}
	if err := checkResponse(req, resp, c.clock.Now()); err != nil {
		closeBody(resp.Body)
		return resp, err
	}
	if r.out == nil {
		closeBody(resp.Body)
		return resp, nil
	}
	body, err := decodeResponse(req, resp, r.out)
	defer body.free()
	if err != nil {
		return resp, err
	}
	c.cache.keep(key, resp, body.Bytes())
	return resp, nil
}
