package webhook

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"mime"
	"net/http"
	"net/url"
)

// maxBody is the largest body the handler reads: GitHub's payload cap, "25
// MB", read as 25 MiB. GitHub does not deliver a larger payload at all.
const maxBody = 25 << 20

// Delivery is one workflow_job delivery that [NewHandler] verified and parsed.
type Delivery struct {
	// ID is X-GitHub-Delivery, a GUID. A redelivery (from the webhook's
	// "Recent Deliveries" page or the REST API) carries the ID of the original
	// delivery, so fn can skip an ID it has already recorded.
	ID    string
	Event string            // X-GitHub-Event: "workflow_job"
	Job   *WorkflowJobEvent // the parsed payload, never nil
}

// NewHandler returns the http.Handler for a GitHub webhook that sends
// workflow_job events: it verifies each delivery with the secrets (more than
// one while the webhook's secret is rotated) and hands each workflow_job
// delivery to fn.
//
// Each request is answered as follows, in this order:
//
//   - 405 Method Not Allowed, with "Allow: POST", for a method other than POST;
//   - 413 Content Too Large for a body over GitHub's 25 MB payload cap, i.e.
//     more than 25 MiB (the handler reads no further);
//   - 401 Unauthorized when X-Hub-Signature-256 is missing, malformed or wrong
//     (see [Verify]; a SHA-1 X-Hub-Signature alone is not enough): nothing of
//     the delivery is looked at before its signature is checked;
//   - 204 No Content for a ping (sent when the webhook is created) and for any
//     event other than workflow_job: acknowledged and ignored;
//   - 400 Bad Request for a workflow_job delivery without X-GitHub-Delivery,
//     or whose payload [ParseWorkflowJob] refuses, and for a delivery without
//     X-GitHub-Event;
//   - 415 Unsupported Media Type for a workflow_job delivery whose
//     Content-Type is neither of the two GitHub offers: application/json (also
//     assumed when there is none) and application/x-www-form-urlencoded (with
//     the JSON in the payload field; the signature covers the raw body either
//     way);
//   - otherwise fn is called with the request's context and the delivery:
//     202 Accepted once fn returned nil, 500 Internal Server Error when it
//     returned an error (its text is not sent).
//
// A failed delivery shows in the webhook's "Recent Deliveries" on GitHub,
// which does not redeliver by itself; it can be redelivered from there, with
// the same [Delivery.ID]. GitHub.com waits 10 seconds for the answer (GitHub
// Enterprise Server 30) before it counts the delivery as failed, so fn should
// only record or enqueue the work and return. fn may be called concurrently.
//
// A handler without a secret, with an empty secret or with a nil fn can never
// accept a delivery: NewHandler does not panic, and the handler answers every
// request 500, before anything else, with a message that says what is missing
// (so the mistake shows in GitHub's delivery log). It never accepts an
// unsigned delivery. The handler logs nothing; secrets are copied, and never
// appear in an answer.
//
// GitHub docs: https://docs.github.com/webhooks/using-webhooks/handling-webhook-deliveries
//
//	POST <the webhook's payload URL>
func NewHandler(fn func(ctx context.Context, d *Delivery) error, secrets ...[]byte) http.Handler {
	h := &handler{fn: fn}
	switch err := checkSecrets(secrets); {
	case err != nil:
		h.broken = err.Error()
	case fn == nil:
		h.broken = "webhook: NewHandler got a nil func: no delivery can be handled"
	}
	for _, s := range secrets {
		h.secrets = append(h.secrets, bytes.Clone(s))
	}
	return h
}

type handler struct {
	fn      func(context.Context, *Delivery) error
	secrets [][]byte
	broken  string // why every request is refused, when it is
}

func (h *handler) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	if h.broken != "" {
		http.Error(w, h.broken, http.StatusInternalServerError)
		return
	}
	if r.Method != http.MethodPost {
		w.Header().Set("Allow", http.MethodPost)
		http.Error(w, "webhook: only POST is allowed", http.StatusMethodNotAllowed)
		return
	}
	body, err := readBody(w, r)
	switch {
	case errors.Is(err, errTooLarge):
		http.Error(w, err.Error(), http.StatusRequestEntityTooLarge)
		return
	case err != nil:
		http.Error(w, "webhook: reading the body failed", http.StatusBadRequest)
		return
	}
	if err := Verify(body, r.Header.Get("X-Hub-Signature-256"), h.secrets...); err != nil {
		http.Error(w, err.Error(), http.StatusUnauthorized)
		return
	}

	event := r.Header.Get("X-GitHub-Event")
	switch event {
	case "":
		http.Error(w, "webhook: no X-GitHub-Event header", http.StatusBadRequest)
		return
	case "workflow_job":
	default: // "ping" and every event this handler does not serve
		w.WriteHeader(http.StatusNoContent)
		return
	}
	id := r.Header.Get("X-GitHub-Delivery")
	if id == "" {
		http.Error(w, "webhook: no X-GitHub-Delivery header", http.StatusBadRequest)
		return
	}
	payload, status, err := jsonPayload(r.Header.Get("Content-Type"), body)
	if err != nil {
		http.Error(w, err.Error(), status)
		return
	}
	ev, err := ParseWorkflowJob(payload)
	if err != nil {
		http.Error(w, err.Error(), http.StatusBadRequest)
		return
	}
	if err := h.fn(r.Context(), &Delivery{ID: id, Event: event, Job: ev}); err != nil {
		http.Error(w, "webhook: the delivery was not processed", http.StatusInternalServerError)
		return
	}
	w.WriteHeader(http.StatusAccepted)
}

// jsonPayload returns the JSON a delivery's body carries for its Content-Type,
// or the status to refuse it with.
func jsonPayload(contentType string, body []byte) ([]byte, int, error) {
	mediaType := "application/json" // what GitHub sends unless told otherwise
	if contentType != "" {
		var err error
		if mediaType, _, err = mime.ParseMediaType(contentType); err != nil {
			return nil, http.StatusUnsupportedMediaType, fmt.Errorf("webhook: Content-Type %q does not parse", contentType)
		}
	}
	switch mediaType {
	case "application/json":
		return body, 0, nil
	case "application/x-www-form-urlencoded":
		form, err := url.ParseQuery(string(body))
		if err != nil {
			return nil, http.StatusBadRequest, errors.New("webhook: form body: not URL-encoded")
		}
		if p := form["payload"]; len(p) == 1 {
			return []byte(p[0]), 0, nil
		}
		return nil, http.StatusBadRequest, errors.New(`webhook: form body: not exactly one "payload" field`)
	}
	return nil, http.StatusUnsupportedMediaType,
		fmt.Errorf("webhook: Content-Type %q: want application/json or application/x-www-form-urlencoded", mediaType)
}

var errTooLarge = fmt.Errorf("webhook: body over GitHub's 25 MB payload cap (%d bytes)", maxBody)

// readBody reads the request body, refusing one over maxBody. Its buffer
// grows with what arrives (a Content-Length alone reserves at most 64 KiB, so
// a request that announces 25 MiB and sends nothing costs little) and never
// holds more than maxBody+1 bytes. http.MaxBytesReader also makes the server
// close the connection instead of draining the rest of a body over the cap.
func readBody(w http.ResponseWriter, r *http.Request) ([]byte, error) {
	if r.ContentLength > maxBody {
		return nil, errTooLarge
	}
	if r.Body == nil {
		return nil, nil
	}
	src := http.MaxBytesReader(w, r.Body, maxBody)
	size := 64 << 10
	if r.ContentLength >= 0 && r.ContentLength < int64(size) {
		size = int(r.ContentLength) + 1 // room to read io.EOF without growing
	}
	buf := make([]byte, 0, size)
	for {
		if len(buf) == cap(buf) {
			grown := make([]byte, len(buf), min(2*cap(buf), maxBody+1))
			copy(grown, buf)
			buf = grown
		}
		n, err := src.Read(buf[len(buf):cap(buf)])
		buf = buf[:len(buf)+n]
		var tooLarge *http.MaxBytesError
		switch {
		case err == io.EOF:
			return buf, nil
		case errors.As(err, &tooLarge):
			return nil, errTooLarge
		case err != nil:
			return nil, err
		}
	}
}
