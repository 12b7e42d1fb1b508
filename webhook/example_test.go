package webhook_test

import (
	"bytes"
	"context"
	"fmt"
	"net/http"
	"net/http/httptest"
	"sync"

	"github.com/fleetkit/runners/webhook"
)

// A webhook-driven autoscaler's intake: the handler verifies and parses each
// delivery, and the func only records the queued job (once per delivery ID).
// The request is signed as GitHub signs it.
func Example() {
	secret := []byte("It's a Secret to Everybody")
	runnerLabels := []string{"self-hosted", "Linux", "X64"}

	var mu sync.Mutex
	seen := map[string]bool{}
	h := webhook.NewHandler(func(ctx context.Context, d *webhook.Delivery) error {
		mu.Lock()
		defer mu.Unlock()
		if seen[d.ID] {
			return nil // a redelivery: already recorded
		}
		seen[d.ID] = true
		job := d.Job.WorkflowJob
		fmt.Printf("%s %s: job %d in %s wants %v; a runner labelled %v fits: %t\n",
			d.Event, d.Job.Action, job.ID, d.Job.Repository.FullName, job.Labels,
			runnerLabels, webhook.MatchLabels(job.Labels, runnerLabels))
		return nil
	}, secret)
	srv := httptest.NewServer(h)
	defer srv.Close()

	payload := []byte(`{"action":"queued","workflow_job":{"id":2832853555,"run_id":940463255,` +
		`"name":"build","status":"queued","labels":["self-hosted","linux","x64"],"runner_id":null},` +
		`"repository":{"id":376034443,"name":"example-workflow","full_name":"octo-org/example-workflow"}}`)
	signature, err := webhook.Signature(payload, secret)
	if err != nil {
		fmt.Println(err)
		return
	}
	for range 2 { // a delivery, then its redelivery
		req, err := http.NewRequest(http.MethodPost, srv.URL, bytes.NewReader(payload))
		if err != nil {
			fmt.Println(err)
			return
		}
		req.Header.Set("Content-Type", "application/json")
		req.Header.Set("X-GitHub-Event", "workflow_job")
		req.Header.Set("X-GitHub-Delivery", "72d3162e-cc78-11e3-81ab-4c9367dc0958")
		req.Header.Set("X-Hub-Signature-256", signature)
		resp, err := srv.Client().Do(req)
		if err != nil {
			fmt.Println(err)
			return
		}
		resp.Body.Close()
		fmt.Println(resp.Status)
	}
	// Output:
	// workflow_job queued: job 2832853555 in octo-org/example-workflow wants [self-hosted linux x64]; a runner labelled [self-hosted Linux X64] fits: true
	// 202 Accepted
	// 202 Accepted
}

// The test vector of GitHub's docs page "Validating webhook deliveries".
func ExampleVerify() {
	body := []byte("Hello, World!")
	signature := "sha256=757107ea0eb2509fc211221cce984b8a37570b6d7586c22c46f4379c8b043e17"

	fmt.Println(webhook.Verify(body, signature, []byte("It's a Secret to Everybody")))
	fmt.Println(webhook.Verify(body, signature, []byte("another secret")))
	// Output:
	// <nil>
	// webhook: bad X-Hub-Signature-256: it matches none of the secrets
}

func ExampleMatchLabels() {
	runner := []string{"self-hosted", "Linux", "ARM64"}
	fmt.Println(webhook.MatchLabels([]string{"self-hosted", "linux", "arm64"}, runner))
	fmt.Println(webhook.MatchLabels([]string{"self-hosted", "linux", "x64"}, runner))
	// Output:
	// true
	// false
}
