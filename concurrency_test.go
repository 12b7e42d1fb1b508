// Cross-cutting: one *Client shared by many goroutines, every operation at
// once (issue 6). Run with -race: the race detector checks the client's
// shared state (transport, token source, rate limits, cache), and the
// assertions check that no goroutine saw another's answer.

package runners_test

import (
	"errors"
	"fmt"
	"net/http/httptest"
	"slices"
	"sync"
	"testing"

	"github.com/fleetkit/runners"
	"github.com/fleetkit/runners/runnerstest"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

const ccWorkers = 64

// ccWork runs a mix of every operation from ccWorkers goroutines on one
// client, each on its own runner, and returns the IDs of the runners.
func ccWork(t *testing.T, srv *runnerstest.Server, c *runners.Client) []int64 {
	t.Helper()
	ctx := t.Context()
	org := c.Org("octo-org")
	ids := make([]int64, ccWorkers)
	for i := range ids {
		ids[i] = srv.Org("octo-org").AddRunner(runners.Runner{
			Name: fmt.Sprintf("runner-%02d", i), Status: runners.RunnerOnline,
			Labels: []*runners.Label{{Name: "self-hosted", Type: runners.LabelReadOnly}},
		}).ID
	}

	var wg sync.WaitGroup
	errs := make(chan error, ccWorkers*16)
	for i := range ccWorkers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			fail := func(op string, err error) bool {
				if err != nil {
					errs <- fmt.Errorf("worker %d: %s: %w", i, op, err)
					return true
				}
				return false
			}
			id, mine := ids[i], fmt.Sprintf("worker-%02d", i)

			r, err := org.GetRunner(ctx, id)
			if fail("GetRunner", err) {
				return
			}
			if r.ID != id || r.Name != fmt.Sprintf("runner-%02d", i) {
				errs <- fmt.Errorf("worker %d: GetRunner(%d) answered runner %d %q", i, id, r.ID, r.Name)
			}
			labels, err := org.AddLabels(ctx, id, mine, "shared")
			if fail("AddLabels", err) {
				return
			}
			if !ccHas(labels, mine) || ccHasPrefixOtherThan(labels, "worker-", mine) {
				errs <- fmt.Errorf("worker %d: AddLabels answered %v", i, ccNames(labels))
			}
			labels, err = org.SetLabels(ctx, id, mine, mine+"-set")
			if fail("SetLabels", err) {
				return
			}
			if got := ccNames(labels); !slices.Equal(got, []string{"self-hosted", mine, mine + "-set"}) {
				errs <- fmt.Errorf("worker %d: SetLabels answered %v", i, got)
			}
			labels, err = org.RemoveLabel(ctx, id, mine+"-set")
			if fail("RemoveLabel", err) {
				return
			}
			if got := ccNames(labels); !slices.Equal(got, []string{"self-hosted", mine}) {
				errs <- fmt.Errorf("worker %d: RemoveLabel answered %v", i, got)
			}
			list, err := org.ListRunners(ctx, &runners.ListRunnersOptions{Name: fmt.Sprintf("runner-%02d", i)})
			if fail("ListRunners", err) {
				return
			}
			if len(list.Runners) != 1 || list.Runners[0].ID != id {
				errs <- fmt.Errorf("worker %d: ListRunners by name answered %d runners", i, len(list.Runners))
			}
			n := 0
			for _, err := range org.AllRunners(ctx, &runners.ListRunnersOptions{ListOptions: runners.ListOptions{PerPage: 7}}) {
				if fail("AllRunners", err) {
					return
				}
				n++
			}
			if n < ccWorkers {
				errs <- fmt.Errorf("worker %d: AllRunners saw %d runners, want at least %d", i, n, ccWorkers)
			}
			tok, err := org.CreateRegistrationToken(ctx)
			if fail("CreateRegistrationToken", err) {
				return
			}
			if tok.Token == "" {
				errs <- fmt.Errorf("worker %d: an empty registration token", i)
			}
			_, err = org.CreateRemoveToken(ctx)
			fail("CreateRemoveToken", err)
			_, err = org.ListRunnerApplications(ctx)
			fail("ListRunnerApplications", err)

			jit, err := org.GenerateJITConfig(ctx, &runners.JITConfigRequest{Name: "jit-" + mine, RunnerGroupID: 1, Labels: []string{mine}})
			if fail("GenerateJITConfig", err) {
				return
			}
			if jit.Runner == nil || jit.Runner.Name != "jit-"+mine || jit.EncodedJITConfig == "" {
				errs <- fmt.Errorf("worker %d: GenerateJITConfig answered %v", i, jit)
				return
			}
			fail("DeleteRunner", org.DeleteRunner(ctx, jit.Runner.ID))
			if _, err := org.GetRunner(ctx, jit.Runner.ID); !errors.Is(err, runners.ErrNotFound) {
				errs <- fmt.Errorf("worker %d: the deleted JIT runner: %v", i, err)
			}
		}()
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Error(err)
	}
	return ids
}

func ccNames(labels []*runners.Label) []string {
	var names []string
	for _, l := range labels {
		names = append(names, l.Name)
	}
	return names
}

func ccHas(labels []*runners.Label, name string) bool { return slices.Contains(ccNames(labels), name) }

// ccHasPrefixOtherThan reports a label with prefix that is not mine: another
// worker's label on this worker's runner.
func ccHasPrefixOtherThan(labels []*runners.Label, prefix, mine string) bool {
	for _, n := range ccNames(labels) {
		if len(n) >= len(prefix) && n[:len(prefix)] == prefix && n != mine {
			return true
		}
	}
	return false
}

// ccAssertState checks the fake after the workers: every runner kept its own
// label and no other worker's, and every JIT runner is gone.
func ccAssertState(t *testing.T, srv *runnerstest.Server, ids []int64) {
	t.Helper()
	state := srv.Org("octo-org").Runners()
	require.Len(t, state, ccWorkers, "the JIT runners were deleted")
	for i, id := range ids {
		r, ok := srv.Org("octo-org").Runner(id)
		require.True(t, ok, "runner %d", id)
		assert.Equal(t, []string{"self-hosted", fmt.Sprintf("worker-%02d", i)}, ccNames(r.Labels), "runner %d", id)
	}
}

// In memory, through the fake's transport.
func TestConcurrencyOneClientInMemory(t *testing.T) {
	t.Parallel()
	srv := runnerstest.NewServer()
	c := srv.Client()
	ids := ccWork(t, srv, c)
	ccAssertState(t, srv, ids)
}

// Over loopback sockets, with the client's own token and transport.
func TestConcurrencyOneClientOverHTTP(t *testing.T) {
	t.Parallel()
	srv := runnerstest.NewServer()
	hs := httptest.NewServer(srv)
	t.Cleanup(hs.Close)
	c, err := runners.NewClient(runners.WithBaseURL(hs.URL), runners.WithToken("ghp_concurrencyTOKEN"))
	require.NoError(t, err)
	ids := ccWork(t, srv, c)
	ccAssertState(t, srv, ids)
}
