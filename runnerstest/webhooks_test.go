package runnerstest_test

import (
	"context"
	"crypto/hmac"
	"crypto/sha1"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"regexp"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/fleetkit/runners"
	"github.com/fleetkit/runners/runnerstest"
	"github.com/fleetkit/runners/webhook"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// The whole sequence of one job, over a real socket to webhook.NewHandler:
// every field of every delivery, as ParseWorkflowJob decodes it.
func TestDeliverySequenceOverHTTP(t *testing.T) {
	t.Parallel()
	srv := runnerstest.NewServer()
	start := time.Date(2026, 3, 10, 9, 0, 0, 500_000_000, time.UTC) // half a second in: sent to the second
	clk := runnerstest.NewClock(start)
	srv.SetClock(clk)
	org := srv.Org("Octo-Org")
	rec := listen(t, srv, nil)

	job := org.QueueJob("self-hosted", "Linux", "gpu")
	require.Equal(t, "queued", job.Status, "no runner yet")
	clk.Advance(5 * time.Second)
	r := org.AddRunner(onlineRunner("gpu-1", "self-hosted", "linux", "GPU", "x64"))
	clk.Advance(time.Minute)
	require.NoError(t, srv.CompleteJob(job.ID, "success"))

	got := rec.deliveries()
	require.Len(t, got, 3)
	created := start.Truncate(time.Second)
	queued := webhook.WorkflowJob{
		ID: job.ID, RunID: 1000 + job.ID, RunAttempt: 1, Name: "build", WorkflowName: "CI", HeadBranch: "main",
		Status: "queued", Labels: []string{"self-hosted", "Linux", "gpu"},
		CreatedAt: created, StartedAt: created,
		HTMLURL: fmt.Sprintf("https://github.com/Octo-Org/repo/actions/runs/%d/job/%d", 1000+job.ID, job.ID),
	}
	inProgress := queued
	inProgress.Status, inProgress.StartedAt = "in_progress", created.Add(5*time.Second)
	inProgress.RunnerID, inProgress.RunnerName, inProgress.RunnerGroupID, inProgress.RunnerGroupName = r.ID, "gpu-1", 1, "Default"
	completed := inProgress
	completed.Status, completed.Conclusion, completed.CompletedAt = "completed", "success", created.Add(65*time.Second)

	first := got[0].Job
	require.NotNil(t, first.Repository.Owner)
	require.NotNil(t, first.Organization)
	require.NotNil(t, first.Sender)
	orgID, repoID, senderID := first.Organization.ID, first.Repository.ID, first.Sender.ID
	assert.Positive(t, orgID)
	assert.Positive(t, repoID)
	assert.NotEqual(t, orgID, repoID, "an organization and a repository have their own IDs")
	assert.NotEqual(t, orgID, senderID)
	wantRepo := &webhook.Repository{
		ID: repoID, Name: "repo", FullName: "Octo-Org/repo", HTMLURL: "https://github.com/Octo-Org/repo",
		Owner: &webhook.User{ID: orgID, Login: "Octo-Org", Type: "Organization"},
	}
	seen := map[string]bool{}
	for i, want := range []struct {
		action string
		job    webhook.WorkflowJob
	}{{"queued", queued}, {"in_progress", inProgress}, {"completed", completed}} {
		d := got[i]
		assert.Equal(t, "workflow_job", d.Event, "delivery %d", i)
		assert.False(t, seen[d.ID], "delivery %d: a fresh X-GitHub-Delivery", i)
		seen[d.ID] = true
		ev := d.Job
		assert.Equal(t, want.action, ev.Action, "delivery %d", i)
		assert.Equal(t, want.job, ev.WorkflowJob, "delivery %d", i)
		assert.Equal(t, wantRepo, ev.Repository, "delivery %d", i)
		assert.Equal(t, &webhook.Organization{ID: orgID, Login: "Octo-Org"}, ev.Organization, "delivery %d", i)
		assert.Equal(t, &webhook.User{ID: senderID, Login: "octocat", Type: "User"}, ev.Sender, "delivery %d", i)
		assert.Nil(t, ev.Enterprise, "delivery %d", i)
		assert.Nil(t, ev.Installation, "delivery %d: not a GitHub App's webhook", i)
	}

	// What the fake recorded matches what arrived.
	recorded := srv.Deliveries()
	require.Len(t, recorded, 3)
	for i, d := range recorded {
		assert.Equal(t, got[i].ID, d.ID, "delivery %d", i)
		assert.Equal(t, "workflow_job", d.Event, "delivery %d", i)
		assert.Equal(t, got[i].Job.Action, d.Action, "delivery %d", i)
		assert.Equal(t, job.ID, d.JobID, "delivery %d", i)
		assert.Equal(t, http.StatusAccepted, d.StatusCode, "delivery %d: webhook.NewHandler's answer", i)
		assert.False(t, d.Redelivery, "delivery %d", i)
		assert.Equal(t, rec.raws()[i].Body, d.Payload, "delivery %d", i)
	}
	assert.Equal(t, start, recorded[0].At)
	assert.Equal(t, start.Add(65*time.Second), recorded[2].At)

	// The job as Jobs shows it, field by field.
	assert.Equal(t, []runnerstest.Job{{
		ID: job.ID, Labels: []string{"self-hosted", "Linux", "gpu"}, Status: "completed", RunnerID: r.ID,
		RunID: 1000 + job.ID, Name: "build", Repository: "Octo-Org/repo", Conclusion: "success",
		RunnerName: "gpu-1", RunnerGroupID: 1, RunnerGroupName: "Default",
		CreatedAt: created, StartedAt: created.Add(5 * time.Second), CompletedAt: created.Add(65 * time.Second),
	}}, srv.Jobs())
}

var guid = regexp.MustCompile(`^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$`)

func TestDeliveryHeaders(t *testing.T) {
	t.Parallel()
	srv := runnerstest.NewServer()
	rec := listen(t, srv, nil)
	srv.Org("octo-org").QueueJob("self-hosted")
	srv.Repo("octocat", "hello-world").QueueJob("self-hosted") // a user's repository

	raws, got := rec.raws(), rec.deliveries()
	require.Len(t, raws, 2)
	require.Len(t, got, 2)
	for i, d := range raws {
		h := d.Header
		assert.Equal(t, "workflow_job", h.Get("X-GitHub-Event"), "delivery %d", i)
		assert.Regexp(t, guid, h.Get("X-GitHub-Delivery"), "delivery %d", i)
		assert.True(t, strings.HasPrefix(h.Get("User-Agent"), "GitHub-Hookshot/"), "delivery %d: User-Agent %q", i, h.Get("User-Agent"))
		assert.Equal(t, "application/json", h.Get("Content-Type"), "delivery %d", i)
		hookID, err := strconv.ParseInt(h.Get("X-GitHub-Hook-ID"), 10, 64)
		assert.NoError(t, err, "delivery %d: X-GitHub-Hook-ID", i)
		assert.Positive(t, hookID, "delivery %d", i)

		// Signed as GitHub signs: HMAC-SHA256 and, for older receivers, HMAC-SHA1.
		assert.NoError(t, webhook.Verify(d.Body, h.Get("X-Hub-Signature-256"), []byte(webhookSecret)), "delivery %d", i)
		assert.ErrorIs(t, webhook.Verify(d.Body, h.Get("X-Hub-Signature-256"), []byte("another secret")), webhook.ErrSignature, "delivery %d", i)
		mac := hmac.New(sha1.New, []byte(webhookSecret))
		mac.Write(d.Body)
		assert.Equal(t, "sha1="+hex.EncodeToString(mac.Sum(nil)), h.Get("X-Hub-Signature"), "delivery %d", i)
	}
	assert.NotEqual(t, raws[0].Header.Get("X-GitHub-Delivery"), raws[1].Header.Get("X-GitHub-Delivery"))
	assert.Equal(t, raws[0].Header.Get("X-GitHub-Hook-ID"), raws[1].Header.Get("X-GitHub-Hook-ID"), "one webhook")

	// The target is the organization for its repository's job, the
	// repository for a user's.
	assert.Equal(t, "organization", raws[0].Header.Get("X-GitHub-Hook-Installation-Target-Type"))
	assert.Equal(t, strconv.FormatInt(got[0].Job.Organization.ID, 10), raws[0].Header.Get("X-GitHub-Hook-Installation-Target-ID"))
	assert.Equal(t, "repository", raws[1].Header.Get("X-GitHub-Hook-Installation-Target-Type"))
	assert.Equal(t, strconv.FormatInt(got[1].Job.Repository.ID, 10), raws[1].Header.Get("X-GitHub-Hook-Installation-Target-ID"))
}

// GitHub sends null for what is not known yet; the fake does too.
func TestPayloadNullsUntilKnown(t *testing.T) {
	t.Parallel()
	srv := runnerstest.NewServer()
	rec := listen(t, srv, nil)
	org := srv.Org("octo-org")
	job := org.QueueJob("self-hosted")
	r := org.AddRunner(onlineRunner("r1", "self-hosted"))
	require.NoError(t, srv.CompleteJob(job.ID, "failure"))
	srv.Repo("octocat", "hello-world").QueueJob("self-hosted")

	raws := rec.raws()
	require.Len(t, raws, 4)
	decode := func(i int) (payload, workflowJob map[string]any) {
		t.Helper()
		require.NoError(t, json.Unmarshal(raws[i].Body, &payload), "delivery %d", i)
		workflowJob, ok := payload["workflow_job"].(map[string]any)
		require.True(t, ok, "delivery %d: workflow_job", i)
		return payload, workflowJob
	}
	nulls := []string{"conclusion", "completed_at", "runner_id", "runner_name", "runner_group_id", "runner_group_name"}

	p, j := decode(0)
	assert.Equal(t, "queued", p["action"])
	for _, k := range nulls {
		v, present := j[k]
		assert.True(t, present, "queued: %s is sent", k)
		assert.Nil(t, v, "queued: %s is null", k)
	}
	assert.Equal(t, []any{"self-hosted"}, j["labels"])
	assert.Equal(t, []any{}, j["steps"])
	assert.Equal(t, "https://api.github.com/orgs/octo-org", p["organization"].(map[string]any)["url"])
	assert.NotContains(t, p, "installation")
	assert.NotContains(t, p, "enterprise")

	_, j = decode(1)
	assert.Equal(t, float64(r.ID), j["runner_id"])
	assert.Equal(t, "r1", j["runner_name"])
	assert.Equal(t, float64(1), j["runner_group_id"])
	assert.Equal(t, "Default", j["runner_group_name"])
	assert.Nil(t, j["conclusion"])
	assert.Nil(t, j["completed_at"])

	_, j = decode(2)
	assert.Equal(t, "failure", j["conclusion"])
	assert.NotNil(t, j["completed_at"])

	p, _ = decode(3)
	assert.NotContains(t, p, "organization", "a user's repository has no organization")
	owner := p["repository"].(map[string]any)["owner"].(map[string]any)
	assert.Equal(t, "octocat", owner["login"])
	assert.Equal(t, "User", owner["type"])
}

// A handler may call the fake while it is delivering: here it creates a JIT
// runner inline, which connects and takes the job; its in_progress comes
// after the queued the handler is answering.
func TestHandlerMayCallTheFake(t *testing.T) {
	t.Parallel()
	srv := runnerstest.NewServer()
	org := srv.Org("octo-org")
	srv.ConnectRunners(true)
	c := srv.Client()
	var mu sync.Mutex // the handler runs on the socket server's goroutines
	var sawJobs []string
	rec := listen(t, srv, func(ctx context.Context, d *webhook.Delivery) error {
		mu.Lock()
		sawJobs = append(sawJobs, jobStates(srv)...) // the fake's own methods, too
		mu.Unlock()
		if d.Job.Action != "queued" {
			return nil
		}
		_, err := c.Org("octo-org").GenerateJITConfig(ctx, &runners.JITConfigRequest{
			Name: fmt.Sprintf("jit-%d", d.Job.WorkflowJob.ID), RunnerGroupID: 1, Labels: d.Job.WorkflowJob.Labels,
		})
		return err
	})

	job := org.QueueJob("self-hosted", "linux")
	assert.Equal(t, []string{"1 queued", "1 in_progress"}, rec.actions())
	assert.Equal(t, "in_progress", job.Status, "QueueJob returns once the deliveries it caused are made")
	jit := org.Runners()
	require.Len(t, jit, 1)
	assert.Equal(t, jit[0].ID, job.RunnerID)
	assert.Equal(t, "jit-1", job.RunnerName)
	assert.True(t, jit[0].Busy)

	require.NoError(t, srv.CompleteJob(job.ID, "success"))
	assert.Equal(t, []string{"1 queued", "1 in_progress", "1 completed"}, rec.actions())
	assert.Empty(t, org.Runners(), "the ephemeral JIT runner is gone")
	mu.Lock()
	defer mu.Unlock()
	assert.Equal(t, []string{"1 queued 0", fmt.Sprintf("1 in_progress %d", jit[0].ID), fmt.Sprintf("1 completed %d", jit[0].ID)}, sawJobs,
		"each delivery is made after the change it tells of")
}

// GitHub does not redeliver a failed delivery by itself; Redeliver does, with
// the same X-GitHub-Delivery, so a handler's idempotency can be tested.
func TestFailedDeliveryIsRecordedAndRedelivered(t *testing.T) {
	t.Parallel()
	srv := runnerstest.NewServer()
	org := srv.Org("octo-org")
	var mu sync.Mutex
	calls, handled := 0, map[string]int{} // what the handler did, by delivery ID
	rec := listen(t, srv, func(_ context.Context, d *webhook.Delivery) error {
		mu.Lock()
		defer mu.Unlock()
		if calls++; calls == 1 {
			return errors.New("the queue is down")
		}
		handled[d.ID]++
		return nil
	})

	org.QueueJob("self-hosted")
	first := srv.Deliveries()
	require.Len(t, first, 1)
	assert.Equal(t, http.StatusInternalServerError, first[0].StatusCode, "webhook.NewHandler answers 500 when fn fails")
	org.Runners()
	_, err := srv.Client().Org("octo-org").ListRunners(t.Context(), nil)
	require.NoError(t, err)
	assert.Len(t, srv.Deliveries(), 1, "no redelivery by itself")

	require.NoError(t, srv.Redeliver(first[0].ID))
	require.NoError(t, srv.Redeliver(first[0].ID)) // a second redelivery, as a user clicking twice
	all := srv.Deliveries()
	require.Len(t, all, 3)
	for _, d := range all[1:] {
		assert.Equal(t, first[0].ID, d.ID, "a redelivery keeps the X-GitHub-Delivery")
		assert.True(t, d.Redelivery)
		assert.Equal(t, http.StatusAccepted, d.StatusCode)
		assert.Equal(t, first[0].Payload, d.Payload, "the same payload")
		assert.Equal(t, first[0].Header.Get("X-Hub-Signature-256"), d.Header.Get("X-Hub-Signature-256"))
	}
	got := rec.deliveries()
	require.Len(t, got, 3)
	assert.Equal(t, first[0].ID, got[2].ID)
	mu.Lock()
	defer mu.Unlock()
	assert.Equal(t, map[string]int{first[0].ID: 2}, handled, "the handler sees one ID twice: it can skip the second")
}

func TestRedeliverErrors(t *testing.T) {
	t.Parallel()
	srv := runnerstest.NewServer()
	listen(t, srv, nil)
	srv.Org("octo-org").QueueJob("self-hosted")
	id := srv.Deliveries()[0].ID

	err := srv.Redeliver("00000000-0000-4000-8000-000000000000")
	assert.ErrorIs(t, err, runners.ErrNotFound)
	assert.True(t, strings.HasPrefix(err.Error(), "runnerstest: Redeliver: "), err.Error())

	srv.SendWebhooks(nil, nil)
	assert.ErrorIs(t, srv.Redeliver(id), runners.ErrConflict, "no webhook to deliver to")
	assert.Len(t, srv.Deliveries(), 1)
}

func TestDeliveriesOnlyWhileAWebhookIsSetUp(t *testing.T) {
	t.Parallel()
	srv := runnerstest.NewServer()
	org := srv.Org("octo-org")
	org.QueueJob("a")
	assert.Empty(t, srv.Deliveries(), "no webhook, no delivery")

	rec := listen(t, srv, nil)
	org.QueueJob("b")
	assert.Equal(t, []string{"2 queued"}, rec.actions(), "events before the webhook are not delivered")

	srv.SendWebhooks(nil, []byte(webhookSecret))
	org.QueueJob("c")
	assert.Equal(t, []string{"2 queued"}, rec.actions(), "a nil handler removes the webhook")
	assert.Equal(t, []string{"1 queued 0", "2 queued 0", "3 queued 0"}, jobStates(srv), "jobs go on without a webhook")

	first := rec.raws()[0].Header.Get("X-GitHub-Hook-ID")
	rec2 := listen(t, srv, nil)
	org.QueueJob("d")
	require.Len(t, rec2.raws(), 1)
	assert.NotEqual(t, first, rec2.raws()[0].Header.Get("X-GitHub-Hook-ID"), "each SendWebhooks is a new webhook")
}

// A webhook without a secret gets no signature, as on GitHub, and
// webhook.NewHandler refuses such deliveries.
func TestEmptySecretSendsNoSignature(t *testing.T) {
	t.Parallel()
	srv := runnerstest.NewServer()
	var header http.Header
	hook := webhook.NewHandler(func(context.Context, *webhook.Delivery) error { return nil }, []byte(webhookSecret))
	srv.SendWebhooks(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		header = r.Header.Clone()
		hook.ServeHTTP(w, r)
	}), nil)
	srv.Org("octo-org").QueueJob("self-hosted")

	require.NotNil(t, header)
	assert.Equal(t, "workflow_job", header.Get("X-GitHub-Event"))
	assert.NotContains(t, header, "X-Hub-Signature-256")
	assert.NotContains(t, header, "X-Hub-Signature")
	d := srv.Deliveries()
	require.Len(t, d, 1)
	assert.Equal(t, http.StatusUnauthorized, d[0].StatusCode)
}

func TestWebhookSecretNeverLeaks(t *testing.T) {
	t.Parallel()
	srv := runnerstest.NewServer()
	secret := []byte(webhookSecret)
	var bodies [][]byte
	var sigs []string
	srv.SendWebhooks(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		b, _ := io.ReadAll(r.Body)
		bodies, sigs = append(bodies, b), append(sigs, r.Header.Get("X-Hub-Signature-256"))
	}), secret)
	copy(secret, "XXXX") // the caller's slice changes; the webhook's secret does not
	srv.Org("octo-org").QueueJob("self-hosted")

	require.Len(t, bodies, 1)
	assert.NoError(t, webhook.Verify(bodies[0], sigs[0], []byte(webhookSecret)))
	for what, s := range map[string]string{
		"the server":     fmt.Sprintf("%+v", srv),
		"the deliveries": fmt.Sprintf("%+v", srv.Deliveries()),
		"the jobs":       fmt.Sprintf("%+v", srv.Jobs()),
	} {
		assert.NotContains(t, s, webhookSecret, what)
		assert.NotContains(t, s, webhookSecret[4:], what)
	}
}

// Deliveries are made one at a time, in the order the events happened, when
// several goroutines queue jobs at once.
func TestConcurrentQueueJobDeliversInOrder(t *testing.T) {
	t.Parallel()
	srv := runnerstest.NewServer()
	org := srv.Org("octo-org")
	var inFlight, most atomic.Int32
	var mu sync.Mutex
	var order []int64
	srv.SendWebhooks(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		n := inFlight.Add(1)
		defer inFlight.Add(-1)
		if n > most.Load() {
			most.Store(n)
		}
		body, _ := io.ReadAll(r.Body)
		ev, err := webhook.ParseWorkflowJob(body)
		if err != nil {
			w.WriteHeader(http.StatusBadRequest)
			return
		}
		mu.Lock()
		order = append(order, ev.WorkflowJob.ID)
		mu.Unlock()
		w.WriteHeader(http.StatusNoContent)
	}), []byte(webhookSecret))

	const goroutines, each = 4, 10
	var wg sync.WaitGroup
	for range goroutines {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for range each {
				org.QueueJob("self-hosted")
			}
		}()
	}
	wg.Wait()

	want := make([]int64, goroutines*each)
	for i := range want {
		want[i] = int64(i + 1)
	}
	assert.Equal(t, want, order, "every job once, in the order queued: once every caller returned, all is delivered")
	assert.Equal(t, int32(1), most.Load(), "one delivery at a time")
	recorded := srv.Deliveries()
	require.Len(t, recorded, len(want))
	for i, d := range recorded {
		assert.Equal(t, want[i], d.JobID)
		assert.Equal(t, http.StatusNoContent, d.StatusCode)
	}
}

func TestDeliveriesIsACopy(t *testing.T) {
	t.Parallel()
	srv := runnerstest.NewServer()
	listen(t, srv, nil)
	srv.Org("octo-org").QueueJob("self-hosted")
	d := srv.Deliveries()
	require.Len(t, d, 1)
	id := d[0].Header.Get("X-GitHub-Delivery")
	d[0].Header.Set("X-GitHub-Delivery", "changed")
	d[0].Payload[0] = 'X'
	again := srv.Deliveries()
	assert.Equal(t, id, again[0].Header.Get("X-GitHub-Delivery"))
	assert.Equal(t, byte('{'), again[0].Payload[0])
}
