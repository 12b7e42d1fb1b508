package runners

import (
	"net/http"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// poolApps are the three Apps of the pool tests: two named by Client ID,
// one by App ID, each installed on organization o as installation 11, 12
// and 13.
var poolApps = []struct {
	issuer string
	id     int64
}{{"Iv23liPOOLappA", 11}, {"Iv23liPOOLappB", 12}, {"424242", 13}}

// newPool starts a fake with the pool's Apps installed on organization o,
// with remaining of their quotas left, and a client of the pool.
func newPool(t *testing.T, clock *testClock, remaining [3]int, opts ...Option) (*fakeApps, *Client) {
	t.Helper()
	f := newFakeApps(t, clock)
	var creds []AppCredential
	for i, a := range poolApps {
		key := appTestKeys()[i]
		f.install(a.issuer, key, a.id, remaining[i], "orgs/o")
		creds = append(creds, AppCredential{Issuer: a.issuer, PrivateKeyPEM: pkcs1PEM(key)})
	}
	return f, f.client(t, WithAppPool(creds...), opts...)
}

// 300 requests through three Apps with 1000, 950 and 900 requests left: each
// goes to the App with the most left (one never seen counts as full), so the
// budgets end level, 850 each: the Apps served 150, 100 and 50.
func TestPoolSpreadsByRemainingBudget(t *testing.T) {
	t.Parallel()
	var obs observed
	f, c := newPool(t, newTestClock(), [3]int{1000, 950, 900}, WithObserver(obs.observe))
	for range 300 {
		_, err := c.Org("o").GetRunner(t.Context(), 23)
		require.NoError(t, err)
	}
	assert.Equal(t, map[string]int{poolApps[0].issuer: 150, poolApps[1].issuer: 100, poolApps[2].issuer: 50}, f.servedBy())
	for _, a := range poolApps {
		assert.Equal(t, 850, f.remaining(a.id), "%s's quota", a.issuer)
	}

	// The observer names the App of each request, as the fake saw it.
	gets := obs.ops("GetRunner")
	served := f.servedRequests()
	require.Len(t, gets, 300)
	for i, ri := range gets {
		assert.Equal(t, served[i].App, ri.App, "request %d", i)
		assert.Equal(t, served[i].Installation, ri.InstallationID, "request %d", i)
	}

	// Each credential's budget, as GitHub last reported it: the JWTs (three
	// lookups and three exchanges, two requests each) and the tokens.
	byCred := c.RateLimitsByCredential()
	require.Len(t, byCred, 6)
	for _, cr := range byCred {
		core := cr.RateLimits["core"]
		assert.Equal(t, fakeLimit, core.Limit, "%s/%d", cr.App, cr.InstallationID)
		if cr.InstallationID == 0 {
			assert.Equal(t, fakeLimit-2, core.Remaining, "the JWT of %s", cr.App)
		} else {
			assert.Equal(t, 850, core.Remaining, "%s/%d", cr.App, cr.InstallationID)
		}
	}
	assert.Equal(t, "424242", byCred[0].App, "sorted by App")
	assert.Equal(t, 850, c.RateLimits()["core"].Remaining, "the client's latest view: the last token's")
}

// An App under a secondary rate limit is skipped, however much of its quota
// is left, until its Retry-After has passed; the request it refused went
// out again at once through the next App.
func TestPoolSkipsAppInCooldown(t *testing.T) {
	t.Parallel()
	clock := newTestClock()
	var obs observed
	f, c := newPool(t, clock, [3]int{4000, 3000, 2000}, WithObserver(obs.observe))
	for range 3 { // every App answers once; then A leads by far
		_, err := c.Org("o").GetRunner(t.Context(), 23)
		require.NoError(t, err)
	}
	f.failNext(11, fakeSecondary)
	_, err := c.Org("o").GetRunner(t.Context(), 23)
	require.NoError(t, err, "failed over to another App")
	last := obs.ops("GetRunner")[3:]
	require.Len(t, last, 2)
	assert.Equal(t, poolApps[0].issuer, last[0].App)
	assert.Equal(t, http.StatusForbidden, last[0].StatusCode)
	assert.ErrorIs(t, last[0].Err, ErrRateLimited)
	assert.Equal(t, 1, last[0].Attempt)
	assert.Equal(t, poolApps[1].issuer, last[1].App, "at once through the App with the most left after A")
	assert.Equal(t, 2, last[1].Attempt)
	assert.NoError(t, last[1].Err)

	before := f.servedBy()
	for range 20 {
		_, err := c.Org("o").GetRunner(t.Context(), 23)
		require.NoError(t, err)
	}
	assert.Equal(t, before[poolApps[0].issuer], f.servedBy()[poolApps[0].issuer], "A is cooling down")
	assert.Equal(t, before[poolApps[1].issuer]+20, f.servedBy()[poolApps[1].issuer], "B has the most left after A")

	clock.Advance(61 * time.Second)
	_, err = c.Org("o").GetRunner(t.Context(), 23)
	require.NoError(t, err)
	assert.Equal(t, poolApps[0].issuer, f.servedRequests()[len(f.servedRequests())-1].App, "A is back once its minute is over")
}

// A JIT config request refused with a rate limit is never sent again
// through another App: it could meet the runner the first try made.
func TestPoolNeverFailsOverJITConfig(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		name string
		fail http.HandlerFunc
	}{
		{"secondary", fakeSecondary},
		{"502", func(w http.ResponseWriter, _ *http.Request) {
			writeJSON(w, http.StatusBadGateway, map[string]string{"message": "Bad gateway"})
		}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			f, c := newPool(t, newTestClock(), [3]int{3000, 2000, 1000}, WithRetry(RetryPolicy{MaxAttempts: 5}))
			for range 3 {
				_, err := c.Org("o").GetRunner(t.Context(), 23)
				require.NoError(t, err)
			}
			f.failNext(11, tc.fail)
			_, err := c.Org("o").GenerateJITConfig(t.Context(), &JITConfigRequest{Name: "jit-1", RunnerGroupID: 1, Labels: []string{"x"}})
			require.Error(t, err)
			var posts []fakeServed
			for _, s := range f.servedRequests() {
				if s.Method == http.MethodPost {
					posts = append(posts, s)
				}
			}
			assert.Equal(t, []fakeServed{{http.MethodPost, "/orgs/o/actions/runners/generate-jitconfig", poolApps[0].issuer, 11}}, posts,
				"sent once, through one App")
		})
	}
}

// A spent quota is skipped until its reset; when every quota is spent,
// nothing is sent, and the error says when the first resets.
func TestPoolSpentQuotas(t *testing.T) {
	t.Parallel()
	clock := newTestClock()
	f, c := newPool(t, clock, [3]int{3000, 2000, 1000})
	for range 3 {
		_, err := c.Org("o").GetRunner(t.Context(), 23)
		require.NoError(t, err)
	}
	// A's quota runs out: its 403 fails over to B, and A is skipped after.
	f.spend(11, clock.Now().Add(20*time.Minute))
	_, err := c.Org("o").GetRunner(t.Context(), 23)
	require.NoError(t, err)
	served := f.servedRequests()
	assert.Equal(t, []string{poolApps[0].issuer, poolApps[1].issuer}, []string{served[3].App, served[4].App})

	f.spend(12, clock.Now().Add(10*time.Minute))
	f.spend(13, clock.Now().Add(30*time.Minute))
	_, err = c.Org("o").GetRunner(t.Context(), 23) // B's 403 fails over to C; C's 403 is returned
	require.ErrorIs(t, err, ErrRateLimited)
	served = f.servedRequests()
	require.Len(t, served, 7)
	assert.Equal(t, []string{poolApps[1].issuer, poolApps[2].issuer}, []string{served[5].App, served[6].App})
	n := len(served)
	_, err = c.Org("o").GetRunner(t.Context(), 23)
	var rl *RateLimitError
	require.ErrorAs(t, err, &rl)
	assert.False(t, rl.Secondary)
	assert.Equal(t, clock.Now().Add(10*time.Minute).Unix(), rl.Reset.Unix(), "B resets first")
	assert.Zero(t, rl.Err.StatusCode, "not sent")
	assert.Len(t, f.servedRequests(), n, "nothing sent while every quota is spent")

	clock.Advance(10*time.Minute + time.Second)
	_, err = c.Org("o").GetRunner(t.Context(), 23)
	require.NoError(t, err)
	assert.Equal(t, poolApps[1].issuer, f.servedRequests()[n].App, "B, reset, is used again")
}

// Apps given their installation need no lookup; an App ID issuer works as
// well as a Client ID.
func TestPoolFixedInstallations(t *testing.T) {
	t.Parallel()
	f := newFakeApps(t, newTestClock())
	var creds []AppCredential
	for i, a := range poolApps {
		f.install(a.issuer, appTestKeys()[i], a.id, 100, "orgs/o")
		creds = append(creds, AppCredential{Issuer: a.issuer, PrivateKeyPEM: pkcs1PEM(appTestKeys()[i]), InstallationID: a.id})
	}
	c := f.client(t, WithAppPool(creds...))
	for range 6 {
		_, err := c.Org("o").ListRunners(t.Context(), nil)
		require.NoError(t, err)
	}
	assert.Zero(t, f.lookupCount("orgs/o"))
	assert.Len(t, f.servedBy(), 3, "every App served")
	for _, a := range poolApps {
		assert.Equal(t, 1, f.exchangeCount(a.id))
	}
}

func TestPoolBadInput(t *testing.T) {
	t.Parallel()
	good := pkcs1PEM(appTestKey())
	for _, tc := range []struct {
		name string
		apps []AppCredential
		want string
	}{
		{"no App", nil, "WithAppPool: no App given"},
		{"bad key", []AppCredential{{Issuer: "1", PrivateKeyPEM: good}, {Issuer: "2", PrivateKeyPEM: []byte("nope")}}, "WithAppPool: App 2: the private key"},
		{"empty issuer", []AppCredential{{PrivateKeyPEM: good}}, "WithAppPool: App 1: the issuer is empty"},
		{"negative installation", []AppCredential{{Issuer: "1", PrivateKeyPEM: good, InstallationID: -1}}, "installation ID must be positive"},
		{"the same App twice", []AppCredential{{Issuer: "Iv1", PrivateKeyPEM: good}, {Issuer: "Iv1", PrivateKeyPEM: good}}, `Apps 1 and 2 are both "Iv1"`},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			c, err := NewClient(WithAppPool(tc.apps...))
			require.ErrorIs(t, err, ErrInvalidArgument)
			assert.Nil(t, c)
			assert.Contains(t, err.Error(), tc.want)
		})
	}
	_, err := NewClient(WithAppPool(AppCredential{Issuer: "1", PrivateKeyPEM: good}), WithApp("2", good))
	assert.ErrorIs(t, err, ErrInvalidArgument, "one credential option")
}

// Concurrent requests through a pool are safe (run with -race), and each
// App looks its installation up once.
func TestPoolConcurrent(t *testing.T) {
	t.Parallel()
	f, c := newPool(t, newTestClock(), [3]int{1000, 1000, 1000})
	errs := make(chan error, 60)
	for i := range 60 {
		go func() {
			_, err := c.Org("o").GetRunner(t.Context(), int64(i+1))
			errs <- err
		}()
	}
	for range 60 {
		require.NoError(t, <-errs)
	}
	assert.Len(t, f.servedRequests(), 60)
	assert.Equal(t, 3, f.lookupCount("orgs/o"), "one lookup per App")
	total := 0
	for _, a := range poolApps {
		assert.Equal(t, 1, f.exchangeCount(a.id), "one exchange per App's installation")
		total += 1000 - f.remaining(a.id)
	}
	assert.Equal(t, 60, total)
}
