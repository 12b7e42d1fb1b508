package fleet_test

import (
	"bytes"
	"context"
	"fmt"
	"log/slog"
	"net/http"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/fleetkit/runners"
	"github.com/fleetkit/runners/fleet"
	"github.com/fleetkit/runners/runnerstest"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

const tokenPath = "/actions/runners/registration-token"

// A token is reused while more than the margin of its life is left.
func TestTokenCacheMargin(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		margin, want time.Duration // as given, as used
	}{
		{0, 30 * time.Minute},
		{5 * time.Minute, 5 * time.Minute},
	} {
		t.Run(tc.margin.String(), func(t *testing.T) {
			t.Parallel()
			srv, _, s := newFake(t, nil)
			clock := &testClock{now: time.Now()}
			cache := fleet.NewTokenCache(s, &fleet.TokenCacheOptions{Margin: tc.margin, Clock: clock})

			first, err := cache.Get(t.Context())
			require.NoError(t, err)
			assert.NotEmpty(t, first.Token)

			clock.Set(first.ExpiresAt.Add(-tc.want - time.Second))
			again, err := cache.Get(t.Context())
			require.NoError(t, err)
			assert.True(t, again.Token == first.Token, "reused while more than the margin is left")
			assert.Equal(t, 1, countRequests(t, srv, http.MethodPost, tokenPath))

			clock.Set(first.ExpiresAt.Add(-tc.want))
			renewed, err := cache.Get(t.Context())
			require.NoError(t, err)
			assert.False(t, renewed.Token == first.Token, "renewed once only the margin is left")
			assert.Equal(t, 2, countRequests(t, srv, http.MethodPost, tokenPath))
		})
	}
}

// Without a Clock the cache reads the real time: a fresh token is reused.
func TestTokenCacheRealTime(t *testing.T) {
	t.Parallel()
	srv, _, s := newFake(t, nil)
	cache := fleet.NewTokenCache(s, nil)
	first, err := cache.Get(t.Context())
	require.NoError(t, err)
	again, err := cache.Get(t.Context())
	require.NoError(t, err)
	assert.True(t, again.Token == first.Token)
	assert.Equal(t, 1, countRequests(t, srv, http.MethodPost, tokenPath))
}

// Callers that ask while the request is in flight share it: the request is
// held until every caller has looked at the cache (each Get reads the clock
// once), so all but the first find it in flight.
func TestTokenCacheConcurrentCallersShareOneRequest(t *testing.T) {
	t.Parallel()
	for _, callers := range []int{2, 50} {
		t.Run(strconv.Itoa(callers), func(t *testing.T) {
			t.Parallel()
			allIn := make(chan struct{})
			clock := &testClock{now: time.Now(), onNow: func(n int) {
				if n == callers {
					close(allIn)
				}
			}}
			hold := func(rt http.RoundTripper) http.RoundTripper {
				return roundTripFunc(func(r *http.Request) (*http.Response, error) {
					if r.Method == http.MethodPost {
						<-allIn
					}
					return rt.RoundTrip(r)
				})
			}
			srv, _, s := newFake(t, hold)
			cache := fleet.NewTokenCache(s, &fleet.TokenCacheOptions{Clock: clock})

			var wg sync.WaitGroup
			tokens := make([]string, callers)
			errs := make([]error, callers)
			for i := range callers {
				wg.Add(1)
				go func() {
					defer wg.Done()
					tok, err := cache.Get(t.Context())
					errs[i] = err
					if tok != nil {
						tokens[i] = tok.Token
					}
				}()
			}
			wg.Wait()

			for i := range callers {
				require.NoError(t, errs[i], "caller %d", i)
				assert.True(t, tokens[i] != "" && tokens[i] == tokens[0], "caller %d got the shared token", i)
			}
			assert.Equal(t, 1, countRequests(t, srv, http.MethodPost, tokenPath), "one request for %d callers", callers)
		})
	}
}

// An error is returned, not kept: the next call asks again. Each caller
// gets its own copy of the token.
func TestTokenCacheErrorNotCached(t *testing.T) {
	t.Parallel()
	srv, _, s := newFake(t, nil)
	cache := fleet.NewTokenCache(s, nil)
	srv.FailNext(1, runnerstest.Fault{Status: http.StatusForbidden, Method: http.MethodPost})

	tok, err := cache.Get(t.Context())
	assert.Nil(t, tok)
	assert.ErrorIs(t, err, runners.ErrForbidden)
	tok, err = cache.Get(t.Context())
	require.NoError(t, err)
	assert.NotEmpty(t, tok.Token)
	assert.Equal(t, 2, countRequests(t, srv, http.MethodPost, tokenPath))

	tok.Token = "changed by the caller"
	again, err := cache.Get(t.Context())
	require.NoError(t, err)
	assert.False(t, again.Token == "changed by the caller", "each caller gets its own copy")
	assert.Equal(t, 2, countRequests(t, srv, http.MethodPost, tokenPath))
}

// A caller whose context ends stops waiting; a caller whose request was
// sent by one that gave up asks for itself.
func TestTokenCacheContexts(t *testing.T) {
	t.Parallel()
	leaderCtx, cancelLeader := context.WithCancel(t.Context())
	defer cancelLeader()
	arrived := make(chan struct{})
	var mu sync.Mutex
	posts := 0
	srv, _, s := newFake(t, func(rt http.RoundTripper) http.RoundTripper {
		return roundTripFunc(func(r *http.Request) (*http.Response, error) {
			if r.Method == http.MethodPost {
				mu.Lock()
				posts++
				first := posts == 1
				mu.Unlock()
				if first { // the first request hangs until its caller gives up
					close(arrived)
					<-r.Context().Done()
					return nil, r.Context().Err()
				}
			}
			return rt.RoundTrip(r)
		})
	})
	// Now is read once a look at the cache: 1 the leader, 2 the impatient
	// waiter, 3 the patient one, who then waits for the leader's request.
	clock := &testClock{now: time.Now(), onNow: func(n int) {
		if n == 3 {
			cancelLeader()
		}
	}}
	cache := fleet.NewTokenCache(s, &fleet.TokenCacheOptions{Clock: clock})

	leaderErr := make(chan error, 1)
	go func() {
		_, err := cache.Get(leaderCtx)
		leaderErr <- err
	}()
	<-arrived // the leader's request hangs

	shortCtx, cancelShort := context.WithCancel(t.Context())
	cancelShort()
	_, err := cache.Get(shortCtx)
	assert.ErrorIs(t, err, context.Canceled, "a waiter whose context ends gives up at once")
	assert.EqualError(t, err, "fleet: TokenCache.Get: waiting for a registration token: context canceled")

	tok, err := cache.Get(t.Context())
	require.NoError(t, err, "a patient waiter outlives the leader's cancellation")
	assert.NotEmpty(t, tok.Token)
	assert.ErrorIs(t, <-leaderErr, context.Canceled)
	assert.Equal(t, 1, countRequests(t, srv, http.MethodPost, tokenPath), "the fake saw only the waiter's request")
}

// noToken is a scope that answers no token and no error, as no scope of
// package runners does.
type noToken struct{ runners.Scope }

func (noToken) CreateRegistrationToken(context.Context) (*runners.Token, error) { return nil, nil }

func TestTokenCacheNoTokenIsAnError(t *testing.T) {
	t.Parallel()
	_, _, s := newFake(t, nil)
	tok, err := fleet.NewTokenCache(noToken{s}, nil).Get(t.Context())
	assert.Nil(t, tok)
	assert.EqualError(t, err, "fleet: TokenCache.Get: the scope answered no token and no error")
}

// What fmt and slog print of a cache shows its scope and its token's
// expiry, never the token.
func TestTokenCachePrintsNoToken(t *testing.T) {
	t.Parallel()
	_, _, s := newFake(t, nil)
	cache := fleet.NewTokenCache(s, &fleet.TokenCacheOptions{Margin: time.Minute})
	tok, err := cache.Get(t.Context())
	require.NoError(t, err)
	require.GreaterOrEqual(t, len(tok.Token), 20)

	var out bytes.Buffer
	for _, verb := range []string{"%v", "%+v", "%#v", "%s", "%q", "%x", "%X", "%d", "%T", "%p", "%10.3s", "%-v"} {
		fmt.Fprintf(&out, verb+"\n", cache)
		fmt.Fprintf(&out, verb+"\n", []*fleet.TokenCache{cache})
	}
	slog.New(slog.NewTextHandler(&out, nil)).Info("cache", "c", cache)
	slog.New(slog.NewJSONHandler(&out, nil)).Info("cache", "c", cache)
	assert.NotContains(t, out.String(), tok.Token)
	assert.NotContains(t, out.String(), tok.Token[:12])

	want := `fleet.TokenCache{Scope: orgs/octo-org, Margin: 1m0s, ExpiresAt: "` + tok.ExpiresAt.Format(time.RFC3339) + `"}`
	assert.Equal(t, want, fmt.Sprintf("%s", cache))
	assert.Equal(t, strconv.Quote(want), fmt.Sprintf("%q", cache))
	assert.True(t, strings.Contains(out.String(), `"c":"fleet.TokenCache{`), "slog's JSON handler logs the description: %s", out.String())
	assert.Equal(t, "<nil>", fmt.Sprint((*fleet.TokenCache)(nil)))
}
