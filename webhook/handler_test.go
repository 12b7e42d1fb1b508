package webhook

import (
	"bytes"
	"context"
	"errors"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestHandlerHandsWorkflowJobsToFunc(t *testing.T) {
	t.Parallel()
	for _, name := range fixtures {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			var c calls
			srv := serve(t, NewHandler(c.fn, []byte(testSecret)))
			body := fixture(t, name)

			a := send(t, srv, delivery{body: body, id: "d-" + name})
			assert.Equal(t, http.StatusAccepted, a.status)
			assert.Empty(t, a.body)

			got := c.all()
			require.Len(t, got, 1)
			assert.Equal(t, "d-"+name, got[0].ID)
			assert.Equal(t, "workflow_job", got[0].Event)
			assert.Equal(t, wantFixtures[name], got[0].Job)
		})
	}
}

func TestHandlerFormEncoded(t *testing.T) {
	t.Parallel()
	var c calls
	srv := serve(t, NewHandler(c.fn, []byte(testSecret)))
	payload := fixture(t, "workflow_job_completed.json")
	form := []byte("payload=" + url.QueryEscape(string(payload)))

	// GitHub signs the body as sent: the form, not the JSON in it.
	a := send(t, srv, delivery{body: form, contentType: "application/x-www-form-urlencoded"})
	assert.Equal(t, http.StatusAccepted, a.status, a.body)
	got := c.all()
	require.Len(t, got, 1)
	assert.Equal(t, wantFixtures["workflow_job_completed.json"], got[0].Job)

	a = send(t, srv, delivery{body: form, contentType: "application/x-www-form-urlencoded",
		signature: mustSign(t, payload, testSecret)})
	assert.Equal(t, http.StatusUnauthorized, a.status, "signed over the decoded payload")
	assert.Len(t, c.all(), 1, "fn not called again")
}

func TestHandlerContentTypeParameters(t *testing.T) {
	t.Parallel()
	var c calls
	srv := serve(t, NewHandler(c.fn, []byte(testSecret)))
	body := fixture(t, "workflow_job_docs.json")
	for _, ct := range []string{"application/json; charset=utf-8", "Application/JSON", "-"} {
		a := send(t, srv, delivery{body: body, contentType: ct})
		assert.Equal(t, http.StatusAccepted, a.status, ct)
	}
	assert.Len(t, c.all(), 3)
}

func TestHandlerMethodNotAllowed(t *testing.T) {
	t.Parallel()
	var c calls
	srv := serve(t, NewHandler(c.fn, []byte(testSecret)))
	body := fixture(t, "workflow_job_docs.json")
	for _, method := range []string{http.MethodGet, http.MethodHead, http.MethodPut, http.MethodPatch,
		http.MethodDelete, http.MethodOptions, "post"} {
		a := send(t, srv, delivery{method: method, body: body})
		assert.Equal(t, http.StatusMethodNotAllowed, a.status, method)
		assert.Equal(t, "POST", a.header.Get("Allow"), method)
	}
	assert.Empty(t, c.all(), "fn not called")
}

func TestHandlerRefusesBadSignatures(t *testing.T) {
	t.Parallel()
	body := fixture(t, "workflow_job_in_progress.json")
	good := mustSign(t, body, testSecret)
	cases := []struct {
		name string
		d    delivery
	}{
		{"no signature", delivery{signature: "-"}},
		{"an empty signature", delivery{header: map[string]string{"X-Hub-Signature-256": ""}}},
		{"only the SHA-1 X-Hub-Signature", delivery{signature: "-",
			header: map[string]string{"X-Hub-Signature": "sha1=0123456789abcdef0123456789abcdef01234567"}}},
		{"SHA-1 in X-Hub-Signature-256", delivery{signature: "sha1=0123456789abcdef0123456789abcdef01234567"}},
		{"another secret", delivery{secret: "not the secret"}},
		{"the body changed", delivery{signature: mustSign(t, append(bytes.Clone(body), ' '), testSecret)}},
		{"no prefix", delivery{signature: strings.TrimPrefix(good, "sha256=")}},
		{"not hex", delivery{signature: good[:len(good)-2] + "zz"}},
		{"cut off", delivery{signature: good[:len(good)-1]}},
		{"the signature of an empty body", delivery{signature: mustSign(t, nil, testSecret)}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			var c calls
			srv := serve(t, NewHandler(c.fn, []byte(testSecret)))
			tc.d.body = body
			a := send(t, srv, tc.d)
			assert.Equal(t, http.StatusUnauthorized, a.status)
			assert.True(t, strings.HasPrefix(a.body, "webhook: bad X-Hub-Signature-256"), a.body)
			assert.NotContains(t, a.body, testSecret)
			assert.Empty(t, c.all(), "fn not called")
		})
	}
}

func TestHandlerChecksTheSignatureFirst(t *testing.T) {
	t.Parallel()
	var c calls
	srv := serve(t, NewHandler(c.fn, []byte(testSecret)))
	// Each of these would be refused otherwise; unsigned, each is a 401.
	for _, d := range []delivery{
		{body: []byte("not JSON")},
		{body: []byte(`{}`), event: "-"},
		{body: fixture(t, "workflow_job_docs.json"), id: "-"},
		{body: fixture(t, "workflow_job_docs.json"), contentType: "text/plain"},
		{body: []byte(`{"zen":"Keep it logically awesome."}`), event: "ping"},
		{body: []byte(`{}`), event: "push"},
	} {
		d.secret = "not the secret"
		a := send(t, srv, d)
		assert.Equal(t, http.StatusUnauthorized, a.status, string(d.body))
	}
	assert.Empty(t, c.all())
}

func TestHandlerRotatedSecrets(t *testing.T) {
	t.Parallel()
	var c calls
	srv := serve(t, NewHandler(c.fn, []byte("old secret"), []byte(testSecret)))
	body := fixture(t, "workflow_job_docs.json")
	assert.Equal(t, http.StatusAccepted, send(t, srv, delivery{body: body, secret: "old secret"}).status)
	assert.Equal(t, http.StatusAccepted, send(t, srv, delivery{body: body, secret: testSecret}).status)
	assert.Equal(t, http.StatusUnauthorized, send(t, srv, delivery{body: body, secret: "older secret"}).status)
	assert.Len(t, c.all(), 2)
}

func TestHandlerCopiesSecrets(t *testing.T) {
	t.Parallel()
	var c calls
	secret := []byte(testSecret)
	srv := serve(t, NewHandler(c.fn, secret))
	copy(secret, "XXXX") // the caller reuses its buffer
	a := send(t, srv, delivery{body: fixture(t, "workflow_job_docs.json")})
	assert.Equal(t, http.StatusAccepted, a.status)
}

func TestHandlerBodyCap(t *testing.T) {
	t.Parallel()
	// Not parallel inside: each step holds a 25 MiB body.
	var c calls
	srv := serve(t, NewHandler(c.fn, []byte(testSecret)))
	atCap := bytes.Repeat([]byte{' '}, maxBody)

	a := send(t, srv, delivery{body: atCap, event: "push"})
	assert.Equal(t, http.StatusNoContent, a.status, "exactly 25 MiB is read and verified")

	a = send(t, srv, delivery{body: atCap, event: "push", signature: mustSign(t, atCap[:maxBody-1], testSecret)})
	assert.Equal(t, http.StatusUnauthorized, a.status, "all 25 MiB are signed")

	overCap := append(atCap, ' ')
	a = send(t, srv, delivery{body: overCap, event: "push"})
	assert.Equal(t, http.StatusRequestEntityTooLarge, a.status, "Content-Length over the cap")
	assert.Contains(t, a.body, "25 MB")

	a = send(t, srv, delivery{body2: bytes.NewReader(overCap), event: "push",
		signature: mustSign(t, overCap, testSecret)})
	assert.Equal(t, http.StatusRequestEntityTooLarge, a.status, "a chunked body over the cap")

	a = send(t, srv, delivery{body2: bytes.NewReader(atCap), event: "push",
		signature: mustSign(t, atCap, testSecret)})
	assert.Equal(t, http.StatusNoContent, a.status, "a chunked body at the cap")

	small := fixture(t, "workflow_job_docs.json")
	a = send(t, srv, delivery{body2: bytes.NewReader(small), signature: mustSign(t, small, testSecret)})
	assert.Equal(t, http.StatusAccepted, a.status, "a small chunked workflow_job")
	assert.Len(t, c.all(), 1)
}

func TestHandlerPing(t *testing.T) {
	t.Parallel()
	var c calls
	srv := serve(t, NewHandler(c.fn, []byte(testSecret)))
	ping := []byte(`{"zen":"Anything added dilutes everything else.","hook_id":30,` +
		`"hook":{"type":"Organization","id":30,"name":"web","active":true,"events":["workflow_job"],` +
		`"config":{"content_type":"json","insecure_ssl":"0","url":"https://example.com/webhook"}}}`)
	a := send(t, srv, delivery{body: ping, event: "ping"})
	assert.Equal(t, http.StatusNoContent, a.status)
	assert.Empty(t, c.all(), "fn not called for a ping")
}

func TestHandlerIgnoresOtherEvents(t *testing.T) {
	t.Parallel()
	var c calls
	srv := serve(t, NewHandler(c.fn, []byte(testSecret)))
	for _, event := range []string{"push", "workflow_run", "check_run", "installation", "Workflow_Job"} {
		// Not even parsed: a body that is not JSON is fine.
		a := send(t, srv, delivery{body: []byte("payload=whatever"), event: event, id: "-",
			contentType: "application/x-www-form-urlencoded"})
		assert.Equal(t, http.StatusNoContent, a.status, event)
	}
	assert.Empty(t, c.all())
}

func TestHandlerFuncFails(t *testing.T) {
	t.Parallel()
	c := calls{err: errors.New("queue: connecting to redis://:hunter2@10.0.0.5 failed")}
	srv := serve(t, NewHandler(c.fn, []byte(testSecret)))
	a := send(t, srv, delivery{body: fixture(t, "workflow_job_queued.json")})
	assert.Equal(t, http.StatusInternalServerError, a.status)
	assert.Equal(t, "webhook: the delivery was not processed\n", a.body)
	assert.NotContains(t, a.body, "hunter2")
	assert.Len(t, c.all(), 1)
}

func TestHandlerRefusesBadPayloads(t *testing.T) {
	t.Parallel()
	docs := fixture(t, "workflow_job_docs.json")
	cases := []struct {
		name      string
		d         delivery
		status    int
		inMessage string
	}{
		{"not JSON", delivery{body: []byte("<xml/>")}, http.StatusBadRequest, "invalid character"},
		{"an empty body", delivery{body: nil}, http.StatusBadRequest, "unexpected end of JSON input"},
		{"no workflow_job", delivery{body: []byte(`{"action":"queued","repository":{"id":1}}`)},
			http.StatusBadRequest, `no "workflow_job" object`},
		{"a workflow_run payload", delivery{body: []byte(`{"action":"completed","workflow_run":{"id":1},"repository":{"id":1}}`)},
			http.StatusBadRequest, "not a workflow_job payload"},
		{"a form without payload", delivery{body: []byte("data=" + url.QueryEscape(string(docs))),
			contentType: "application/x-www-form-urlencoded"}, http.StatusBadRequest, `"payload"`},
		{"a form with two payloads", delivery{body: []byte("payload=" + url.QueryEscape(string(docs)) + "&payload=x"),
			contentType: "application/x-www-form-urlencoded"}, http.StatusBadRequest, `"payload"`},
		{"a bad form", delivery{body: []byte("payload=%zz"),
			contentType: "application/x-www-form-urlencoded"}, http.StatusBadRequest, "not URL-encoded"},
		{"JSON sent as a form", delivery{body: docs, contentType: "application/x-www-form-urlencoded"},
			http.StatusBadRequest, `"payload"`},
		{"a form sent as JSON", delivery{body: []byte("payload=" + url.QueryEscape(string(docs)))},
			http.StatusBadRequest, "invalid character"},
		{"no X-GitHub-Delivery", delivery{body: docs, id: "-"}, http.StatusBadRequest, "X-GitHub-Delivery"},
		{"no X-GitHub-Event", delivery{body: docs, event: "-"}, http.StatusBadRequest, "X-GitHub-Event"},
		{"text/plain", delivery{body: docs, contentType: "text/plain"}, http.StatusUnsupportedMediaType, `"text/plain"`},
		{"multipart", delivery{body: docs, contentType: "multipart/form-data; boundary=x"},
			http.StatusUnsupportedMediaType, `"multipart/form-data"`},
		{"a Content-Type that does not parse", delivery{body: docs, contentType: "application/"},
			http.StatusUnsupportedMediaType, "does not parse"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			var c calls
			srv := serve(t, NewHandler(c.fn, []byte(testSecret)))
			a := send(t, srv, tc.d)
			assert.Equal(t, tc.status, a.status)
			assert.True(t, strings.HasPrefix(a.body, "webhook: "), a.body)
			assert.Contains(t, a.body, tc.inMessage)
			assert.Empty(t, c.all(), "fn not called")
		})
	}
}

func TestHandlerMisconfigured(t *testing.T) {
	t.Parallel()
	var c calls
	cases := []struct {
		name      string
		h         http.Handler
		inMessage string
	}{
		{"no secret", NewHandler(c.fn), "webhook: no secret given"},
		{"a nil secret", NewHandler(c.fn, nil), "webhook: secret 1 of 1 is empty"},
		{"an empty secret", NewHandler(c.fn, []byte(testSecret), []byte{}), "webhook: secret 2 of 2 is empty"},
		{"a nil func", NewHandler(nil, []byte(testSecret)), "webhook: NewHandler got a nil func"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			srv := serve(t, tc.h)
			body := fixture(t, "workflow_job_docs.json")
			for _, d := range []delivery{
				{body: body},                      // signed with testSecret
				{body: body, signature: "-"},      // unsigned
				{body: body, secret: "whatever"},  // signed with another secret
				{body: body, event: "ping"},       // a ping
				{body: body, method: "GET"},       // another method
				{body: nil, signature: "sha256="}, // nothing
			} {
				a := send(t, srv, d)
				assert.Equal(t, http.StatusInternalServerError, a.status)
				assert.True(t, strings.HasPrefix(a.body, tc.inMessage), a.body)
				assert.NotContains(t, a.body, testSecret)
			}
		})
	}
	assert.Empty(t, c.all(), "fn never called")
}

func TestHandlerPassesTheRequestContext(t *testing.T) {
	t.Parallel()
	entered := make(chan struct{})
	done := make(chan error, 1)
	srv := serve(t, NewHandler(func(ctx context.Context, d *Delivery) error {
		if ctx.Value(http.LocalAddrContextKey) == nil {
			done <- errors.New("not the request's context")
			return nil
		}
		close(entered)
		select {
		case <-ctx.Done(): // the client went away
			done <- nil
		case <-t.Context().Done():
			done <- errors.New("the context was not canceled")
		}
		return ctx.Err()
	}, []byte(testSecret)))

	ctx, cancel := context.WithCancel(t.Context())
	req := newRequest(t, ctx, srv.URL, delivery{body: fixture(t, "workflow_job_docs.json")})
	sent := make(chan error, 1)
	go func() {
		resp, err := srv.Client().Do(req)
		if err == nil {
			resp.Body.Close()
		}
		sent <- err
	}()
	select {
	case <-entered:
	case err := <-done:
		t.Fatal(err)
	}
	cancel()
	assert.ErrorIs(t, <-sent, context.Canceled)
	assert.NoError(t, <-done, "fn saw the request's context end")
}

func TestHandlerRedeliveryHasTheSameID(t *testing.T) {
	t.Parallel()
	// An idempotent func: it records each delivery ID once.
	seen := map[string]int{}
	var c calls
	srv := serve(t, NewHandler(func(ctx context.Context, d *Delivery) error {
		_ = c.fn(ctx, d)
		c.mu.Lock()
		defer c.mu.Unlock()
		seen[d.ID]++
		return nil
	}, []byte(testSecret)))
	body := fixture(t, "workflow_job_queued.json")
	for range 2 {
		a := send(t, srv, delivery{body: body, id: "0b989ba4-242f-11e5-81e1-c7b6966d2516"})
		assert.Equal(t, http.StatusAccepted, a.status)
	}
	got := c.all()
	require.Len(t, got, 2)
	assert.Equal(t, got[0].ID, got[1].ID)
	assert.Equal(t, map[string]int{"0b989ba4-242f-11e5-81e1-c7b6966d2516": 2}, seen)
}

// TestHandlerServeHTTPWithoutServer calls ServeHTTP directly, with requests a
// server never makes (no body at all, a wrong Content-Length).
func TestHandlerServeHTTPWithoutServer(t *testing.T) {
	t.Parallel()
	var c calls
	h := NewHandler(c.fn, []byte(testSecret))
	body := fixture(t, "workflow_job_docs.json")

	req := newRequest(t, t.Context(), "http://example.com/hook", delivery{body: body})
	req.Body = nil
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, req)
	assert.Equal(t, http.StatusUnauthorized, rec.Code, "no body: the signature is the body's, not an empty one's")

	req = newRequest(t, t.Context(), "http://example.com/hook", delivery{body: body})
	req.ContentLength = 10 // shorter than the body: the whole body is still read
	rec = httptest.NewRecorder()
	h.ServeHTTP(rec, req)
	assert.Equal(t, http.StatusAccepted, rec.Code)

	req = newRequest(t, t.Context(), "http://example.com/hook", delivery{body: body})
	req.Body = io.NopCloser(io.MultiReader(bytes.NewReader(body[:100]), errReader{}))
	rec = httptest.NewRecorder()
	h.ServeHTTP(rec, req)
	assert.Equal(t, http.StatusBadRequest, rec.Code, "a body that fails mid-way")
	assert.Equal(t, "webhook: reading the body failed\n", rec.Body.String())
	assert.Len(t, c.all(), 1)
}

type errReader struct{}

func (errReader) Read([]byte) (int, error) { return 0, errors.New("connection reset") }

// BenchmarkHandler measures a workflow_job delivery served directly, and a
// request that announces 25 MiB but sends the same small body: its B/op shows
// that a Content-Length alone does not reserve the cap.
//
//	go test -run='^$' -bench=Handler -benchmem ./webhook/
func BenchmarkHandler(b *testing.B) {
	body := fixture(b, "workflow_job_docs.json")
	sig := mustSign(b, body, testSecret)
	h := NewHandler(func(context.Context, *Delivery) error { return nil }, []byte(testSecret))
	for _, tc := range []struct {
		name          string
		contentLength int64
		want          int
	}{
		{"workflow_job", int64(len(body)), http.StatusAccepted},
		{"announces 25 MiB", maxBody, http.StatusAccepted}, // the whole (signed) body, under a false length
	} {
		b.Run(tc.name, func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				req := httptest.NewRequest(http.MethodPost, "/", bytes.NewReader(body))
				req.ContentLength = tc.contentLength
				req.Header.Set("X-GitHub-Event", "workflow_job")
				req.Header.Set("X-GitHub-Delivery", "72d3162e-cc78-11e3-81ab-4c9367dc0958")
				req.Header.Set("Content-Type", "application/json")
				req.Header.Set("X-Hub-Signature-256", sig)
				rec := httptest.NewRecorder()
				h.ServeHTTP(rec, req)
				if rec.Code != tc.want {
					b.Fatalf("status %d, want %d", rec.Code, tc.want)
				}
			}
		})
	}
}
