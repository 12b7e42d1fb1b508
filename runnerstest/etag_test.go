package runnerstest_test

import (
	"crypto/sha256"
	"encoding/hex"
	"net/http"
	"testing"

	"github.com/fleetkit/runners"
	"github.com/fleetkit/runners/runnerstest"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// conditionalGet sends an authenticated GET for path with If-None-Match.
func conditionalGet(t *testing.T, srv *runnerstest.Server, path string, ifNoneMatch ...string) rawResponse {
	t.Helper()
	h := authed()
	h["If-None-Match"] = ifNoneMatch
	return roundTrip(t, srv.Transport(), http.MethodGet, "http://"+fakeHost+"/"+path, "", h)
}

func TestETagAndNotModified(t *testing.T) {
	t.Parallel()
	srv := runnerstest.NewServer()
	org := srv.Org("octo-org")
	seedDocumented(t, org)
	const path = "orgs/octo-org/actions/runners"

	first := raw(t, srv, http.MethodGet, path, "")
	require.Equal(t, http.StatusOK, first.Status)
	sum := sha256.Sum256(first.Body)
	etag := `"` + hex.EncodeToString(sum[:]) + `"`
	assert.Equal(t, etag, first.Header.Get("ETag"), "a strong ETag: the SHA-256 of the body")
	used := budgetOf(t, first.Header).Used

	// The same ETag, in any form If-None-Match may take, is 304 with no body.
	for _, inm := range [][]string{{etag}, {"W/" + etag}, {`"other", ` + etag}, {`"other"`, etag}, {"*"}} {
		r := conditionalGet(t, srv, path, inm...)
		require.Equal(t, http.StatusNotModified, r.Status, "%q", inm)
		assert.Empty(t, r.Body, "%q", inm)
		assert.Equal(t, etag, r.Header.Get("ETag"), "%q", inm)
		assert.Equal(t, used, budgetOf(t, r.Header).Used, "%q: a 304 costs nothing", inm)
	}
	// Another ETag is a full answer.
	r := conditionalGet(t, srv, path, `"other"`)
	assert.Equal(t, http.StatusOK, r.Status)
	assert.Equal(t, first.Body, r.Body)
	assert.Equal(t, used+1, budgetOf(t, r.Header).Used)

	// A change makes a new ETag.
	org.AddRunner(runners.Runner{Name: "new"})
	r = conditionalGet(t, srv, path, etag)
	require.Equal(t, http.StatusOK, r.Status)
	assert.NotEqual(t, etag, r.Header.Get("ETag"))
	assert.Equal(t, 3, decodeList(t, r).TotalCount)

	// Only successful GETs have one.
	for _, r := range []rawResponse{
		raw(t, srv, http.MethodGet, "orgs/octo-org/actions/runners/999", ""),
		raw(t, srv, http.MethodPost, "orgs/octo-org/actions/runners/24/labels", `{"labels":["gpu"]}`),
		raw(t, srv, http.MethodPost, "orgs/octo-org/actions/runners/registration-token", ""),
	} {
		assert.Empty(t, r.Header.Values("ETag"), "%d", r.Status)
	}
	r = conditionalGet(t, srv, "orgs/octo-org/actions/runners/999", "*")
	assert.Equal(t, http.StatusNotFound, r.Status, "a 404 is not made a 304")
}

func TestClientETagCacheAgainstTheFake(t *testing.T) {
	t.Parallel()
	ctx := t.Context()
	srv := runnerstest.NewServer()
	seedDocumented(t, srv.Org("octo-org"))
	c := srv.Client(runners.WithETagCache(1 << 20))
	s := c.Org("octo-org")

	first, err := s.ListRunners(ctx, nil)
	require.NoError(t, err)
	remaining := c.RateLimits()["core"].Remaining
	again, err := s.ListRunners(ctx, nil)
	require.NoError(t, err)
	assert.Equal(t, first, again, "decoded from the kept body")
	assert.Equal(t, remaining, c.RateLimits()["core"].Remaining, "the 304 cost nothing")

	reqs := srv.Requests()
	require.Len(t, reqs, 2)
	assert.Empty(t, reqs[0].Header.Get("If-None-Match"))
	assert.NotEmpty(t, reqs[1].Header.Get("If-None-Match"), "the second asks conditionally")

	require.NoError(t, s.DeleteRunner(ctx, 24))
	changed, err := s.ListRunners(ctx, nil)
	require.NoError(t, err)
	assert.Equal(t, []int64{23}, runnerIDs(changed.Runners), "a change is seen")
}
