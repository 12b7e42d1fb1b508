package runners

import (
	"context"
	"net/http"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// Issue 11, item 4: a 101 Switching Protocols answer hands net/http's raw
// connection over as the body, out of the context's reach. The call returns
// at once with an error, and never reads that body, within a deadline far
// shorter than the server's hold.
func TestRequestSwitchingProtocolsDoesNotHold(t *testing.T) {
	t.Parallel()
	release := make(chan struct{})
	c, _ := newTestClient(t, func(w http.ResponseWriter, r *http.Request) {
		conn, rw := hijack(t, w)
		defer conn.Close()
		rw.WriteString("HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n\r\n")
		rw.Flush()
		select { // hold the connection open, as a hostile server would
		case <-release:
		case <-time.After(10 * time.Second):
		}
	})
	defer close(release)
	ctx, cancel := context.WithTimeout(t.Context(), 300*time.Millisecond)
	defer cancel()
	done := make(chan error, 1)
	go func() { _, err := c.Org("octo-org").GetRunner(ctx, 23); done <- err }()
	select {
	case err := <-done:
		require.Error(t, err)
		apiErr := apiError(t, err)
		assert.Equal(t, http.StatusSwitchingProtocols, apiErr.StatusCode)
		assert.Contains(t, err.Error(), "101")
	case <-time.After(5 * time.Second):
		t.Fatal("the call held past its context's deadline")
	}
}

// Issue 11, item 11: a nil context is bad input for every call, before
// anything is sent, sequential or concurrent walk alike.
func TestRequestNilContext(t *testing.T) {
	t.Parallel()
	for _, k := range []int{0, 4} {
		c, rec := newTestClient(t, respond(t, http.StatusOK, "list_runners.json"), WithPageConcurrency(k))
		var nilCtx context.Context
		_, err := c.Org("octo-org").GetRunner(nilCtx, 23)
		assert.ErrorIs(t, err, ErrInvalidArgument)
		n := 0
		for _, err := range c.Org("octo-org").AllRunners(nilCtx, nil) {
			assert.ErrorIs(t, err, ErrInvalidArgument, "concurrency %d", k)
			n++
		}
		assert.Equal(t, 1, n, "one error, then the walk stops")
		assert.Empty(t, rec.all(), "nothing sent")
	}
}

// A nil *Client is bad input too: every operation of its scopes says so.
func TestRequestNilClient(t *testing.T) {
	t.Parallel()
	var c *Client
	_, err := c.Org("octo-org").GetRunner(t.Context(), 23)
	assert.ErrorIs(t, err, ErrInvalidArgument)
	for _, err := range c.Repo("o", "r").AllRunners(t.Context(), nil) {
		assert.ErrorIs(t, err, ErrInvalidArgument)
	}
}

// The request value, not the URL, says what may be repeated.
func TestRequestIdempotentByOperation(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		r    *request
		want bool
	}{
		{get("GetRunner", "actions/runners/1", nil), true},
		{put("SetLabels", "actions/runners/1/labels", nil, nil), true},
		{del("DeleteRunner", "actions/runners/1", nil), true},
		{post("GenerateJITConfig", "actions/runners/generate-jitconfig", nil, nil), false},
		{post("AddLabels", "actions/runners/1/labels", nil, nil), false},
	} {
		assert.Equal(t, tc.want, tc.r.idempotent, tc.r.op)
	}
}
