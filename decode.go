package runners

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"net/http"
	"sync"
)

const (
	maxErrorBodyBytes = 1 << 20  // an error body is read up to 1 MiB; the rest is discarded
	maxBodyBytes      = 32 << 20 // a success body larger than 32 MiB is refused
)

// decodeResponse reads a 2xx body into a pooled buffer and decodes it into
// out. The caller frees the buffer (also on error) once done with its bytes.
// A 204 where a value was promised is an error: no zero value to act on.
func decodeResponse(req *http.Request, resp *http.Response, out any) (*bodyBuffer, error) {
	if resp.StatusCode == http.StatusNoContent {
		closeBody(resp.Body)
		return nil, decodeError(req, resp, errors.New("204 No Content where a response body belongs"))
	}
	buf, err := readBody(resp)
	if err == nil {
		resp.Body.Close() // read to EOF: nothing is left to drain
		err = decodeBody(buf.Bytes(), out)
	} else {
		closeBody(resp.Body)
	}
	if err != nil {
		return buf, decodeError(req, resp, err)
	}
	return buf, nil
}

var errBodyTooLarge = fmt.Errorf("response body larger than %d bytes", maxBodyBytes)

// bodyBuffer holds a response body while it is decoded. They are pooled:
// reading a page of runners then costs no allocation for the bytes.
type bodyBuffer struct{ b []byte }

var bodyBuffers = sync.Pool{New: func() any { return new(bodyBuffer) }}

// readBody reads a response body into a pooled buffer, refusing more than
// maxBodyBytes: at once when Content-Length says so, else once that much has
// been read. The buffer doubles as it fills, so a refused body costs about
// twice the cap in allocations, whatever its size. Call free when done.
func readBody(resp *http.Response) (*bodyBuffer, error) {
	buf := bodyBuffers.Get().(*bodyBuffer)
	if resp.ContentLength > maxBodyBytes {
		return buf, errBodyTooLarge
	}
	b := buf.b[:0]
	if n := int(resp.ContentLength); n >= 0 && cap(b) < n+1 {
		b = make([]byte, 0, n+1) // +1: EOF is seen without a last growth
	}
	for {
		if len(b) == cap(b) {
			if len(b) > maxBodyBytes {
				buf.b = b
				return buf, errBodyTooLarge
			}
			// Doubling, but never past the cap (+1 to see that a body is over it).
			b = append(make([]byte, 0, min(max(2*cap(b), 4096), maxBodyBytes+1)), b...)
		}
		n, err := resp.Body.Read(b[len(b):cap(b)])
		b = b[:len(b)+n]
		if err == io.EOF {
			break
		}
		if err != nil {
			buf.b = b
			return buf, err
		}
	}
	buf.b = b
	if len(b) > maxBodyBytes {
		return buf, errBodyTooLarge
	}
	return buf, nil
}

// Bytes returns the body read.
func (b *bodyBuffer) Bytes() []byte { return b.b }

// free returns the buffer to the pool, unless it grew too large to keep. A
// nil buffer is allowed.
func (b *bodyBuffer) free() {
	if b != nil && cap(b.b) <= 1<<20 {
		b.b = b.b[:0]
		bodyBuffers.Put(b)
	}
}

// closeBody drains a little of what is left, so the connection can be
// reused, and closes the body.
func closeBody(body io.ReadCloser) {
	io.CopyN(io.Discard, body, 4<<10)
	body.Close()
}

// decodeBody decodes the one JSON value in data into out, refusing an empty
// body, a JSON null (a value was promised), anything after the value, and a
// model with a null where GitHub always sends an object ([decodedChecker]).
func decodeBody(data []byte, out any) error {
	data = bytes.Trim(data, " \t\r\n") // JSON's white space; bytes.TrimSpace would also take \v, U+00A0, ...
	switch {
	case len(data) == 0:
		return errors.New("empty response body")
	case string(data) == "null":
		return errors.New("the response body is null where a value belongs")
	}
	if err := decodeJSON(data, out); err != nil { // runnerjson.go: the runner models by hand, the rest by encoding/json
		return err
	}
	if c, ok := out.(decodedChecker); ok {
		return c.checkDecoded()
	}
	return nil
}

// decodedChecker is a model that checks itself once decoded. decodeBody
// refuses a response with a null where GitHub always sends an object (a
// runner in a list, a label, ...) rather than hand the caller a nil element
// to trip over.
type decodedChecker interface{ checkDecoded() error }

// noNil reports the first nil element of s, named what[i].
func noNil[T any](what string, s []*T) error {
	for i, v := range s {
		if v == nil {
			return fmt.Errorf("%s[%d] is null", what, i)
		}
	}
	return nil
}

func (r *Runner) checkDecoded() error { return noNil("labels", r.Labels) }

func (l *RunnerList) checkDecoded() error {
	if err := noNil("runners", l.Runners); err != nil {
		return err
	}
	for i, r := range l.Runners {
		if err := r.checkDecoded(); err != nil {
			return fmt.Errorf("runners[%d].%w", i, err) // formatted only on failure: this runs per runner
		}
	}
	return nil
}

func (l *labelList) checkDecoded() error { return noNil("labels", l.Labels) }

// runnerApplications is what ListRunnerApplications decodes: a top-level array.
type runnerApplications []*RunnerApplication

func (a *runnerApplications) checkDecoded() error { return noNil("downloads", *a) }

func (t *Token) checkDecoded() error { return noNil("repositories", t.Repositories) }

func (j *JITConfig) checkDecoded() error {
	if j.Runner == nil {
		return nil
	}
	return noNil("runner.labels", j.Runner.Labels)
}
