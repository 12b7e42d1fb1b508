package runners_test

import (
	"context"
	"errors"
	"fmt"
	"log"
	"time"

	"github.com/fleetkit/runners"
	"github.com/fleetkit/runners/runnerstest"
)

// The examples call the client with context.Background(), as a program's
// main would: an Example has no *testing.T, so no t.Context().

// newFake returns a client for a fake seeded with the runners of GitHub's
// documentation in the organization octo-org. With a real token, use
// runners.NewClient(runners.WithToken(token)) instead.
func newFake() (*runners.Client, *runnerstest.Server) {
	srv := runnerstest.NewServer()
	for _, r := range runnerstest.DocumentedRunners() {
		srv.Org("octo-org").AddRunner(r)
	}
	srv.SetClock(runnerstest.NewClock(time.Date(2026, 3, 10, 12, 0, 0, 0, time.UTC)))
	return srv.Client(), srv
}

// Walk every runner of an organization, 100 a page.
func Example() {
	c, _ := newFake()
	ctx := context.Background()
	for r, err := range c.Org("octo-org").AllRunners(ctx, nil) {
		if err != nil {
			log.Fatal(err)
		}
		fmt.Println(r.ID, r.Name, r.Status, r.Busy)
	}
	// Output:
	// 23 linux_runner online true
	// 24 mac_runner offline false
}

func ExampleNewClient() {
	// A GitHub Enterprise Server host gets /api/v3/ and the API version it knows.
	c, err := runners.NewClient(
		runners.WithBaseURL("https://ghes.example.com"),
		runners.WithToken("ghp_example"),
	)
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println(c.BaseURL())
	fmt.Println(c) // never prints the token
	// Output:
	// https://ghes.example.com/api/v3/
	// runners.Client{BaseURL: "https://ghes.example.com/api/v3/", APIVersion: "2022-11-28", Authenticated: true}
}

func ExampleClient_ScopeFromURL() {
	c, _ := runners.NewClient()
	for _, u := range []string{
		"https://github.com/octo-org",
		"https://github.com/octo-org/octo-repo.git",
		"https://github.com/enterprises/acme/",
	} {
		scope, err := c.ScopeFromURL(u)
		if err != nil {
			log.Fatal(err)
		}
		fmt.Println(scope)
	}
	_, err := c.ScopeFromURL("https://github.com/octo-org/octo-repo/issues")
	fmt.Println(errors.Is(err, runners.ErrInvalidArgument))
	// Output:
	// orgs/octo-org
	// repos/octo-org/octo-repo
	// enterprises/acme
	// true
}

// One page at a time; NextPage resumes where the last call stopped.
func ExampleOrgService_ListRunners() {
	c, _ := newFake()
	ctx := context.Background()
	opts := &runners.ListRunnersOptions{ListOptions: runners.ListOptions{PerPage: 1}}
	for {
		page, err := c.Org("octo-org").ListRunners(ctx, opts)
		if err != nil {
			log.Fatal(err)
		}
		fmt.Printf("page %d of %d runners: %s\n", max(opts.Page, 1), page.TotalCount, page.Runners[0].Name)
		if page.NextPage == 0 {
			break
		}
		opts.Page = page.NextPage
	}
	// Output:
	// page 1 of 2 runners: linux_runner
	// page 2 of 2 runners: mac_runner
}

// A runner that is running a job is not deleted.
func ExampleOrgService_DeleteRunner() {
	c, _ := newFake()
	ctx := context.Background()
	org := c.Org("octo-org")
	err := org.DeleteRunner(ctx, 23) // linux_runner is busy
	fmt.Println(errors.Is(err, runners.ErrRunnerBusy), errors.Is(err, runners.ErrValidation))
	fmt.Println(org.DeleteRunner(ctx, 24)) // mac_runner is idle
	_, err = org.GetRunner(ctx, 24)
	fmt.Println(errors.Is(err, runners.ErrNotFound))
	// Output:
	// true true
	// <nil>
	// true
}

func ExampleOrgService_CreateRegistrationToken() {
	c, _ := newFake()
	tok, err := c.Org("octo-org").CreateRegistrationToken(context.Background())
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println(tok) // the secret is redacted; use tok.Token
	fmt.Println(len(tok.Token) > 0)
	// Output:
	// runners.Token{Token: [redacted], ExpiresAt: 2026-03-10T13:00:00Z}
	// true
}

func ExampleOrgService_GenerateJITConfig() {
	c, _ := newFake()
	jit, err := c.Org("octo-org").GenerateJITConfig(context.Background(), &runners.JITConfigRequest{
		Name:          "ephemeral-1",
		RunnerGroupID: 1,
		Labels:        []string{"gpu"},
	})
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println(jit.Runner.Name, jit.Runner.Status)
	for _, l := range jit.Runner.Labels {
		fmt.Println(l.Name, l.Type)
	}
	fmt.Println(jit.EncodedJITConfig != "") // pass it to run.sh --jitconfig
	_, err = c.Org("octo-org").GenerateJITConfig(context.Background(), &runners.JITConfigRequest{
		Name: "ephemeral-1", RunnerGroupID: 1, Labels: []string{"gpu"},
	})
	fmt.Println(errors.Is(err, runners.ErrConflict))
	// Output:
	// ephemeral-1 offline
	// self-hosted read-only
	// gpu custom
	// true
	// true
}

func ExampleOrgService_AddLabels() {
	c, _ := newFake()
	ctx := context.Background()
	org := c.Org("octo-org")
	labels, err := org.AddLabels(ctx, 24, "gpu", "arm-builder")
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println(names(labels))
	labels, _ = org.RemoveAllLabels(ctx, 24) // read-only labels stay
	fmt.Println(names(labels))
	_, err = org.RemoveLabel(ctx, 24, "gpu")
	fmt.Println(errors.Is(err, runners.ErrNotFound))
	// Output:
	// [self-hosted X64 macOS no-gpu gpu arm-builder]
	// [self-hosted X64 macOS]
	// true
}

func names(labels []*runners.Label) []string {
	var out []string
	for _, l := range labels {
		out = append(out, l.Name)
	}
	return out
}

func ExampleOrgService_ListRunnerApplications() {
	c, _ := newFake()
	apps, err := c.Org("octo-org").ListRunnerApplications(context.Background())
	if err != nil {
		log.Fatal(err)
	}
	for _, a := range apps {
		if a.OS == "linux" {
			fmt.Println(a.Architecture, a.Filename)
		}
	}
	// Output:
	// x64 actions-runner-linux-x64-2.164.0.tar.gz
	// arm actions-runner-linux-arm-2.164.0.tar.gz
	// arm64 actions-runner-linux-arm64-2.164.0.tar.gz
}

func ExampleError() {
	c, srv := newFake()
	srv.FailNext(1, runnerstest.SecondaryRateLimit(30*time.Second))
	_, err := c.Org("octo-org").GetRunner(context.Background(), 23)

	var rl *runners.RateLimitError
	if errors.As(err, &rl) {
		fmt.Println("secondary:", rl.Secondary, "retry after:", rl.RetryAfter)
	}
	var apiErr *runners.Error
	if errors.As(err, &apiErr) {
		fmt.Println(apiErr.StatusCode, errors.Is(err, runners.ErrRateLimited))
	}

	_, err = c.Org("octo-org").GetRunner(context.Background(), 99)
	fmt.Println(errors.Is(err, runners.ErrNotFound))
	_, err = c.Org("octo-org").GetRunner(context.Background(), 0) // never sent
	fmt.Println(err)
	// Output:
	// secondary: true retry after: 30s
	// 403 true
	// true
	// runners: invalid argument: runner ID must be positive, got 0
}

// Report every attempt of every request: the operation, GitHub's path
// template (never a URL with IDs), the status and the attempt number. A
// request not sent, here for a spent quota, has no status and its error.
func ExampleWithObserver() {
	srv := runnerstest.NewServer()
	srv.Org("octo-org").AddRunner(runners.Runner{Name: "build-1", Status: runners.RunnerOnline})
	c := srv.Client(runners.WithObserver(func(ri runners.RequestInfo) {
		fmt.Println(ri.Operation, ri.Method, ri.Path, ri.StatusCode, ri.Attempt, errors.Is(ri.Err, runners.ErrRateLimited))
	}))
	ctx := context.Background()
	c.Org("octo-org").ListRunners(ctx, nil)
	srv.FailNext(1, runnerstest.PrimaryRateLimit(time.Now().Add(time.Hour)))
	c.Org("octo-org").GetRunner(ctx, 1)
	c.Repo("octo-org", "app").ListLabels(ctx, 1)
	// Output:
	// ListRunners GET orgs/{org}/actions/runners 200 1 false
	// GetRunner GET orgs/{org}/actions/runners/{runner_id} 403 1 true
	// ListLabels GET repos/{owner}/{repo}/actions/runners/{runner_id}/labels 0 1 true
}

// One client for every installation of a GitHub App: each scope's
// installation is found on first use, and its token exchanged.
func ExampleWithApp() {
	pemBytes := []byte("-----BEGIN RSA PRIVATE KEY-----\n...") // the App's key, from its settings page
	c, err := runners.NewClient(runners.WithApp("Iv23liEXAMPLE", pemBytes))
	if err != nil {
		fmt.Println(errors.Is(err, runners.ErrInvalidArgument)) // this key does not parse
		return
	}
	c.Org("team-a").ListRunners(context.Background(), nil) // team-a's installation
	c.Org("team-b").ListRunners(context.Background(), nil) // team-b's
	// Output: true
}
