package runnerstest_test

import (
	"context"
	"crypto/rand"
	"crypto/rsa"
	"crypto/x509"
	"encoding/json"
	"encoding/pem"
	"fmt"
	"net/http"
	"net/http/httptest"
	"net/url"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/fleetkit/runners"
	"github.com/fleetkit/runners/runnerstest"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestRequestWithoutAuthorizationIs401(t *testing.T) {
	t.Parallel()
	srv := runnerstest.NewServer()
	seedDocumented(t, srv.Org("octo-org"))

	check := func(t *testing.T, r rawResponse) {
		t.Helper()
		require.Equal(t, http.StatusUnauthorized, r.Status)
		e := decodeError(t, r)
		assert.Equal(t, "Requires authentication", e.Message)
		assert.Equal(t, "401", e.Status)
	}
	// No socket.
	base := "http://" + fakeHost + "/orgs/octo-org/actions/runners"
	check(t, roundTrip(t, srv.Transport(), http.MethodGet, base, "", nil))
	check(t, roundTrip(t, srv.Transport(), http.MethodDelete, base+"/24", "", nil))
	// A real socket.
	ts := httptest.NewServer(srv)
	t.Cleanup(ts.Close)
	check(t, roundTrip(t, http.DefaultTransport, http.MethodGet, ts.URL+"/orgs/octo-org/actions/runners", "", nil))

	// Nothing was done, and the same request with a token is served.
	assert.Len(t, srv.Org("octo-org").Runners(), 2)
	ok := roundTrip(t, srv.Transport(), http.MethodGet, base, "", authed())
	assert.Equal(t, 2, decodeList(t, ok).TotalCount)
}

func TestClientWithoutTokenGetsErrUnauthorized(t *testing.T) {
	t.Parallel()
	ctx := t.Context()
	srv := runnerstest.NewServer()
	seedDocumented(t, srv.Org("octo-org"))
	c, err := runners.NewClient(
		runners.WithBaseURL("http://"+fakeHost+"/"),
		runners.WithHTTPClient(&http.Client{Transport: srv.Transport()}),
	)
	require.NoError(t, err)

	_, err = c.Org("octo-org").ListRunners(ctx, nil)
	require.ErrorIs(t, err, runners.ErrUnauthorized)
	var apiErr *runners.Error
	require.ErrorAs(t, err, &apiErr)
	assert.Equal(t, http.StatusUnauthorized, apiErr.StatusCode)
	assert.Equal(t, "Requires authentication", apiErr.Message)

	err = c.Org("octo-org").DeleteRunner(ctx, 24)
	require.ErrorIs(t, err, runners.ErrUnauthorized)
	assert.Len(t, srv.Org("octo-org").Runners(), 2, "an unauthenticated delete must change nothing")

	// srv.Client() sends a token of its own.
	list, err := srv.Client().Org("octo-org").ListRunners(ctx, nil)
	require.NoError(t, err)
	assert.Equal(t, 2, list.TotalCount)
}

func TestRequestsAreRecorded(t *testing.T) {
	t.Parallel()
	ctx := t.Context()
	srv := runnerstest.NewServer()
	seedDocumented(t, srv.Repo("octo-org", "octo-repo"))
	s := srv.Client(runners.WithUserAgent("my-tool/1.0")).Repo("octo-org", "octo-repo")
	assert.Empty(t, srv.Requests())

	_, err := s.ListRunners(ctx, &runners.ListRunnersOptions{Name: "mac_runner", ListOptions: runners.ListOptions{Page: 2, PerPage: 5}})
	require.NoError(t, err)
	_, err = s.AddLabels(ctx, 24, "gpu", "big")
	require.NoError(t, err)
	_, err = s.GetRunner(ctx, 999)
	require.ErrorIs(t, err, runners.ErrNotFound)

	reqs := srv.Requests()
	require.Len(t, reqs, 3)
	assert.Equal(t, http.MethodGet, reqs[0].Method)
	assert.Equal(t, "/repos/octo-org/octo-repo/actions/runners", reqs[0].Path)
	assert.Equal(t, url.Values{"name": {"mac_runner"}, "page": {"2"}, "per_page": {"5"}}, reqs[0].Query)
	assert.Empty(t, reqs[0].Body)
	assert.Equal(t, "my-tool/1.0", reqs[0].Header.Get("User-Agent"))
	assert.Equal(t, "application/vnd.github+json", reqs[0].Header.Get("Accept"))
	assert.True(t, strings.HasPrefix(reqs[0].Header.Get("Authorization"), "Bearer "))

	assert.Equal(t, http.MethodPost, reqs[1].Method)
	assert.Equal(t, "/repos/octo-org/octo-repo/actions/runners/24/labels", reqs[1].Path)
	assert.JSONEq(t, `{"labels":["gpu","big"]}`, string(reqs[1].Body))
	assert.Equal(t, "/repos/octo-org/octo-repo/actions/runners/999", reqs[2].Path, "failed requests are recorded too")

	// Requests is a copy.
	reqs[0].Method = "MUTATED"
	assert.Equal(t, http.MethodGet, srv.Requests()[0].Method)
	// Unauthenticated requests are recorded as well.
	roundTrip(t, srv.Transport(), http.MethodGet, "http://"+fakeHost+"/orgs/a%20b/actions/runners?x=1", "", nil)
	last := srv.Requests()[3]
	assert.Equal(t, "/orgs/a%20b/actions/runners", last.Path, "the escaped path")
	assert.Equal(t, "1", last.Query.Get("x"))
}

func TestClientAsGitHubAppInstallation(t *testing.T) {
	t.Parallel()
	ctx := t.Context()
	key, err := rsa.GenerateKey(rand.Reader, 2048)
	require.NoError(t, err)
	pemKey := pem.EncodeToMemory(&pem.Block{Type: "RSA PRIVATE KEY", Bytes: x509.MarshalPKCS1PrivateKey(key)})

	srv := runnerstest.NewServer()
	seedDocumented(t, srv.Org("octo-org"))
	// In front of the fake, the test sees the credentials the fake never records.
	var sent []string
	var mu sync.Mutex
	ts := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		mu.Lock()
		sent = append(sent, strings.TrimPrefix(r.Header.Get("Authorization"), "Bearer "))
		mu.Unlock()
		srv.ServeHTTP(w, r)
	}))
	t.Cleanup(ts.Close)
	c, err := runners.NewClient(runners.WithBaseURL(ts.URL), runners.WithAppInstallation(1, 2, pemKey))
	require.NoError(t, err)
	s := c.Org("octo-org")

	list, err := s.ListRunners(ctx, nil)
	require.NoError(t, err)
	assert.Equal(t, 2, list.TotalCount)
	_, err = s.GetRunner(ctx, 24)
	require.NoError(t, err)

	reqs := srv.Requests()
	require.Len(t, reqs, 3, "one token exchange, reused")
	require.Len(t, sent, 3)
	assert.Equal(t, http.MethodPost, reqs[0].Method)
	assert.Equal(t, "/app/installations/2/access_tokens", reqs[0].Path)
	assert.Len(t, strings.Split(sent[0], "."), 3, "the exchange is authenticated with the app JWT")
	assert.True(t, reqs[0].SentToken(sent[0]))
	assert.True(t, strings.HasPrefix(sent[1], "ghs_"), "the installation token the fake minted, got %q", sent[1])
	for _, r := range reqs[1:] {
		assert.True(t, r.SentToken(sent[1]), "the same installation token, reused")
		assert.False(t, r.SentToken(sent[0]), "not the JWT")
		assert.Equal(t, "Bearer [redacted]", r.Header.Get("Authorization"))
	}
}

func TestConcurrentUse(t *testing.T) {
	t.Parallel()
	ctx := t.Context()
	srv := runnerstest.NewServer()
	org := srv.Org("octo-org")
	shared := org.AddRunner(runners.Runner{Name: "shared", Status: runners.RunnerOnline})
	const n = 16
	victims := make([]int64, n)
	for i := range n {
		victims[i] = org.AddRunner(runners.Runner{Name: fmt.Sprintf("victim-%02d", i)}).ID
	}
	sock, _ := socketClient(t, srv)
	clients := []*runners.Client{srv.Client(), sock}

	jitIDs := make([]int64, n)
	errs := make([]error, n)
	var wg sync.WaitGroup
	for i := range n {
		wg.Add(1)
		go func() {
			defer wg.Done()
			errs[i] = func() error {
				s := clients[i%2].Org("octo-org")
				if _, err := s.AddLabels(ctx, shared.ID, fmt.Sprintf("g-%02d", i), "common"); err != nil {
					return err
				}
				if _, err := s.ListRunners(ctx, &runners.ListRunnersOptions{ListOptions: runners.ListOptions{PerPage: 100}}); err != nil {
					return err
				}
				jit, err := s.GenerateJITConfig(ctx, &runners.JITConfigRequest{Name: fmt.Sprintf("jit-%02d", i), RunnerGroupID: 1, Labels: []string{"ci"}})
				if err != nil {
					return err
				}
				jitIDs[i] = jit.Runner.ID
				if err := s.DeleteRunner(ctx, victims[i]); err != nil {
					return err
				}
				_ = org.Runners()
				_ = srv.Requests()
				_, err = s.RemoveLabel(ctx, jit.Runner.ID, "ci")
				return err
			}()
		}()
	}
	wg.Wait()
	for i, err := range errs {
		require.NoError(t, err, "goroutine %d", i)
	}

	final := org.Runners()
	count := map[string]int{}
	byName := map[string]runners.Runner{}
	for _, r := range final {
		count[r.Name]++
		byName[r.Name] = r
	}
	require.Len(t, final, 1+n, "shared plus one JIT runner a goroutine; every victim gone")
	for i := range n {
		name := fmt.Sprintf("jit-%02d", i)
		assert.Equal(t, 1, count[name], name)
		assert.Equal(t, jitIDs[i], byName[name].ID, name)
		assert.Equal(t, []string{"self-hosted:read-only"}, labelSet(byName[name].Labels), name)
		assert.Zero(t, count[fmt.Sprintf("victim-%02d", i)])
	}
	ids := runnerIDs(final)
	assert.True(t, slices.IsSorted(ids))
	assert.Len(t, slices.Compact(slices.Clone(ids)), len(ids), "IDs are unique")

	sharedNow, ok := org.Runner(shared.ID)
	require.True(t, ok)
	labels := labelSet(sharedNow.Labels)
	assert.Len(t, labels, n+1, "g-00..g-15 and common, once each")
	for i := range n {
		assert.Contains(t, labels, fmt.Sprintf("g-%02d:custom", i))
	}
	assert.Len(t, srv.Requests(), 5*n)
}

func TestCancelledContext(t *testing.T) {
	t.Parallel()
	srv := runnerstest.NewServer()
	seedDocumented(t, srv.Org("octo-org"))
	ctx, cancel := context.WithCancel(t.Context())
	cancel()

	req, err := http.NewRequestWithContext(ctx, http.MethodGet, "http://"+fakeHost+"/orgs/octo-org/actions/runners", nil)
	require.NoError(t, err)
	req.Header.Set("Authorization", "Bearer t")
	resp, err := srv.Transport().RoundTrip(req)
	require.ErrorIs(t, err, context.Canceled)
	assert.Nil(t, resp)

	s := srv.Client().Org("octo-org")
	_, err = s.ListRunners(ctx, nil)
	require.ErrorIs(t, err, context.Canceled)
	require.ErrorIs(t, s.DeleteRunner(ctx, 24), context.Canceled)
	assert.Empty(t, srv.Requests(), "nothing reached the server")
	assert.Len(t, srv.Org("octo-org").Runners(), 2)

	deadline, cancel2 := context.WithDeadline(t.Context(), time.Now().Add(-time.Second))
	defer cancel2()
	_, err = s.ListRunners(deadline, nil)
	assert.ErrorIs(t, err, context.DeadlineExceeded)
}

func TestEmptyCredentialIsBadCredentials(t *testing.T) {
	t.Parallel()
	srv := runnerstest.NewServer()
	seedDocumented(t, srv.Org("octo-org"))
	ts := httptest.NewServer(srv)
	t.Cleanup(ts.Close)
	const path = "/orgs/octo-org/actions/runners/24"

	for _, auth := range []string{"Bearer ", "Bearer", "token ", "Bearer    ", "Basic "} {
		for _, r := range []rawResponse{
			roundTrip(t, srv.Transport(), http.MethodDelete, "http://"+fakeHost+path, "", http.Header{"Authorization": {auth}}),
			roundTrip(t, http.DefaultTransport, http.MethodDelete, ts.URL+path, "", http.Header{"Authorization": {auth}}),
		} {
			require.Equal(t, http.StatusUnauthorized, r.Status, "%q: %s", auth, r.Body)
			assert.Equal(t, "Bad credentials", decodeError(t, r).Message, "%q", auth)
		}
	}
	_, ok := srv.Org("octo-org").Runner(24)
	assert.True(t, ok, "a refused delete deletes nothing")

	// The client sees ErrUnauthorized.
	c, err := runners.NewClient(
		runners.WithBaseURL("http://"+fakeHost+"/"),
		runners.WithHTTPClient(&http.Client{Transport: headerSetter{"Authorization", "Bearer ", srv.Transport()}}),
	)
	require.NoError(t, err)
	_, err = c.Org("octo-org").ListRunners(t.Context(), nil)
	require.ErrorIs(t, err, runners.ErrUnauthorized)
	assert.Equal(t, "Bad credentials", apiError(t, err).Message)

	// A credential after the scheme is served.
	assert.Equal(t, http.StatusOK, roundTrip(t, srv.Transport(), http.MethodGet, "http://"+fakeHost+path, "", http.Header{"Authorization": {"token x"}}).Status)
}

// headerSetter sets a header on every request, as a misconfigured client would.
type headerSetter struct {
	key, value string
	rt         http.RoundTripper
}

func (h headerSetter) RoundTrip(req *http.Request) (*http.Response, error) {
	req = req.Clone(req.Context())
	req.Header.Set(h.key, h.value)
	return h.rt.RoundTrip(req)
}

func TestRecordedRequestsHoldNoToken(t *testing.T) {
	t.Parallel()
	ctx := t.Context()
	const secret = "ghp_s3cretTokenOfTheUser0123456789abcd"
	srv := runnerstest.NewServer()
	seedDocumented(t, srv.Org("octo-org"))
	s := srv.Client(runners.WithToken(secret)).Org("octo-org")
	_, err := s.ListRunners(ctx, nil)
	require.NoError(t, err)
	_, err = s.AddLabels(ctx, 24, "gpu")
	require.NoError(t, err)
	roundTrip(t, srv.Transport(), http.MethodGet, "http://"+fakeHost+"/orgs/octo-org/actions/runners", "",
		http.Header{"Authorization": {"token " + secret, "Bearer " + secret + "-2"}})
	lower := roundTrip(t, srv.Transport(), http.MethodGet, "http://"+fakeHost+"/orgs/octo-org/actions/runners", "", http.Header{"authorization": {"Bearer " + secret}})

	reqs := srv.Requests()
	require.Len(t, reqs, 4)
	js, err := json.Marshal(reqs)
	require.NoError(t, err)
	for _, printed := range []string{fmt.Sprint(reqs), fmt.Sprintf("%+v", reqs), fmt.Sprintf("%#v", reqs), string(js)} {
		assert.NotContains(t, printed, secret[4:])
	}
	assert.Equal(t, "Bearer [redacted]", reqs[0].Header.Get("Authorization"), "the scheme, not the credential")
	assert.Equal(t, []string{"token [redacted]", "Bearer [redacted]"}, reqs[2].Header.Values("Authorization"), "every value")
	assert.Empty(t, reqs[3].Header.Values("Authorization"), "not canonical: not a credential to the fake")
	assert.Equal(t, []string{"Bearer [redacted]"}, reqs[3].Header["authorization"], "yet not recorded")

	// Which token was sent can still be asked.
	for i, r := range reqs[:3] {
		assert.True(t, r.SentToken(secret), "request %d", i)
		assert.False(t, r.SentToken(secret[:len(secret)-1]), "request %d", i)
		assert.False(t, r.SentToken(""), "request %d", i)
		assert.False(t, r.SentToken("Bearer "+secret), "the token, not the header")
	}
	assert.False(t, reqs[3].SentToken(""), "no credential")
	assert.False(t, reqs[3].SentToken(secret))
	assert.Equal(t, http.StatusUnauthorized, lower.Status)
}
