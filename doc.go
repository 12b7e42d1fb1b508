// Package runners is a typed client for GitHub's self-hosted runners REST API,
// for runner autoscalers, fleet janitors and platform tools.
//
// It covers every self-hosted runner endpoint at the three scopes GitHub offers
// them: enterprise, organization and repository. Each scope is a thin service
// that only knows its path prefix; every operation is written once and shared
// by all three through the [Scope] interface.
//
// # Scopes
//
//	c, err := runners.NewClient(runners.WithToken(os.Getenv("GITHUB_TOKEN")))
//	if err != nil { ... }
//	ctx, cancel := context.WithTimeout(ctx, 30*time.Second)
//	defer cancel()
//	for r, err := range c.Org("octo-org").AllRunners(ctx, nil) {
//		if err != nil { ... }
//		fmt.Println(r.Name, r.Status, r.Busy)
//	}
//
// [Client.Enterprise], [Client.Org] and [Client.Repo] name a scope;
// [Client.ScopeFromURL] reads one from a web URL such as
// https://github.com/octo-org/octo-repo.
//
// # Runner groups
//
// Organizations and enterprises have runner groups, repositories do not:
// [OrgService] and [EnterpriseService] are a [GroupScope], whose group
// operations (create, update, membership, access) are written once for both.
// Enterprise group endpoints refuse GitHub App installation tokens; a 403
// from one says which token they need. Package fleet finds a group's ID by
// name, for [JITConfigRequest].RunnerGroupID.
//
// # Hosts
//
// The default is GitHub.com (https://api.github.com/). [WithBaseURL] points
// the client elsewhere: https://github.com becomes https://api.github.com/, a
// GHE.com host https://SUBDOMAIN.ghe.com becomes https://api.SUBDOMAIN.ghe.com/,
// and any other host is GitHub Enterprise Server, https://HOST/api/v3/. Every
// request path is relative to that base URL.
//
// # Authentication
//
// [WithToken] for a personal access token or an installation token,
// [WithTokenSource] for any oauth2.TokenSource, and [WithAppInstallation] to
// act as a GitHub App installation (the client signs the app JWT and renews
// the installation token itself). A credential is sent to the client's own
// origin (scheme, host and port) only: a redirect elsewhere never carries it.
//
// # Many organizations, many Apps
//
// [WithApp] takes a GitHub App's Client ID (or App ID) and key, and finds the
// installation of each scope it is used on, so that one client serves every
// organization, repository and enterprise the App is installed on, with a
// token per installation. [WithAppPool] spreads a fleet's requests over
// several Apps: each request goes through the App with the most of its
// quota left, skipping one under a secondary rate limit.
//
// # Deadlines
//
// Every call takes a context and returns once the context ends: give each
// call (or each loop over an All… iterator) a deadline, such as
// context.WithTimeout(ctx, 30*time.Second). The client sets no deadline of its
// own, since a walk over thousands of runners can take longer than any fixed
// one; without a deadline, a server that trickles its answer holds the call.
// A GitHub App token exchange is bounded by a minute whatever the context.
//
// # Errors
//
// Errors are a single [*Error] type, matched with [errors.Is] against the
// sentinels ([ErrNotFound], [ErrRunnerBusy], [ErrRateLimited], ...) or with
// [errors.As]; a rate limit is a [*RateLimitError] around one. Bad input is
// rejected with [ErrInvalidArgument] before any request is sent. Text from the
// server is escaped and cut to size before it reaches an error.
//
// # Paging
//
// ListRunners returns one page; AllRunners walks every page, 100 runners a
// page unless PerPage says otherwise. [WithPageConcurrency] fetches several
// pages at once.
//
// # Rate limits, retries and caching
//
// [Client.RateLimits] reports the budget GitHub last reported, and
// [Client.RateLimitsByCredential] each credential's. A request whose
// credential's quota GitHub reported spent is not sent before the reset: it
// fails at once with a [*RateLimitError], or waits when the retry policy
// allows it. [WithRetry] retries what is safe to repeat ([RetryPolicy]);
// [WithETagCache] makes polling an unchanged list cost nothing against the
// rate limit; [WithClock] replaces the clock the client waits on, so tests
// need not wait in real time.
//
// # Metrics
//
// [WithObserver] calls a function for every attempt of every request with a
// [RequestInfo]: the operation, GitHub's path template, status, attempt,
// duration, whether the ETag cache answered, the rate limit, the request ID
// and the App. examples/metrics exports it as Prometheus metrics. For
// tracing (OpenTelemetry), wrap the transport of the client given to
// [WithHTTPClient].
//
// # Secrets
//
// Secrets (the auth token, the App key and JWT, registration and remove
// tokens, JIT configs) never appear in errors or in what fmt and slog print.
//
// # Testing
//
// Package runnerstest is an in-memory fake of the API to test fleet code
// against; package fleet holds policies built on [Scope].
package runners
