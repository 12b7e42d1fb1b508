// Package runnerstest is an in-memory fake of GitHub's self-hosted runners
// API, for testing code that uses package runners.
//
// It is shaped like net/http/httptest: [NewServer] returns a [Server] that
// serves HTTP (wrap it in httptest.NewServer for a socket, or use
// [Server.Transport] for none), and [Server.Client] returns a client wired to
// it. Seed it with plain literals:
//
//	srv := runnerstest.NewServer()
//	srv.Org("octo-org").AddRunner(runners.Runner{Name: "build-1", Status: runners.RunnerOnline})
//	c := srv.Client()
//	list, err := c.Org("octo-org").ListRunners(ctx, nil)
//
// It is safe for concurrent use: its whole state is behind one lock.
//
// # Scopes
//
// A scope exists once the test names it ([Server.Org], [Server.Repo],
// [Server.Enterprise], or [Server.State] with a client's scope); requests for
// any other scope get 404, as GitHub answers for an organization that does
// not exist. Names are case-insensitive, as GitHub's are: Octo-Org and
// octo-org are one organization. Each scope's runners are its own; runner
// IDs and label IDs are unique across scopes, as on GitHub.
//
// # What it serves
//
// All 36 runner operations, at every scope, as GitHub documents them, at the
// root and under GitHub Enterprise Server's /api/v3: pagination with per_page
// (default 30, max 100), page, total_count and a Link header naming the
// request's own host; the exact-match name filter; registration and remove
// tokens that expire in one hour; JIT configs that create an offline runner
// (409 for a name already taken in the scope, 422 for a body the OpenAPI
// schema rejects); read-only labels that survive set and remove-all; 404 for
// a label the runner lacks; 422 "still running a job" when deleting a busy
// runner; the runner version end-of-life schedules set with
// [Server.SetDeprecation]; and a GitHub App's installation lookups and token
// exchange (see "GitHub Apps"). Errors come in GitHub's error shape.
//
// # Credentials and rate limits
//
// A request without Authorization gets 401 "Requires authentication"; one
// with a scheme and no credential ("Bearer ") gets 401 "Bad credentials". Any
// other credential is accepted as a user's token, but for those of the
// GitHub Apps a test registers (see "GitHub Apps"). Every answer carries
// GitHub's X-RateLimit-* headers for the "core" resource: each token has
// 5,000 requests an hour ([Server.SetRateLimit] changes it), requests
// without one share 60; every answer costs 1 except a 304; a spent budget is
// GitHub's 403 "API rate limit exceeded" until its reset.
//
// # GitHub Apps
//
// Register an App with the public half of its key, install it, and give the
// client the private key, as GitHub hands it out:
//
//	key, _ := rsa.GenerateKey(rand.Reader, 2048)
//	app := srv.AddApp("Iv23liEXAMPLE", &key.PublicKey) // its Client ID, or its App ID: "123456"
//	in := app.Install(srv.Org("octo-org"))             // the organization and all its repositories
//	pemKey := pem.EncodeToMemory(&pem.Block{Type: "RSA PRIVATE KEY", Bytes: x509.MarshalPKCS1PrivateKey(key)})
//	c := srv.Client(runners.WithApp("Iv23liEXAMPLE", pemKey))
//
// [App.Install] also installs on an enterprise, or on a repository (of its
// owner's account, with that repository selected; an App has one
// installation per account, as on GitHub). The fake then plays GitHub's
// side. The lookups, GET /orgs/{org}/installation,
// /repos/{owner}/{repo}/installation and
// /enterprises/{enterprise}/installation, answer GitHub's installation
// object (id, app_id, client_id, account, target_type, repository_selection,
// permissions, ...), or 404 where the App is not installed. The exchange,
// POST /app/installations/{installation_id}/access_tokens, answers a token
// that lasts an hour on the fake's clock, for an installation of the App
// whose JWT asks (404 for another App's). Both take only an App's JWT,
// checked on the fake's clock as GitHub checks it, with GitHub's 401 and
// message: RS256, signed with the key of the App its "iss" names (the
// Client ID as a string, or the App ID as a number or a string), else "A
// JSON web token could not be decoded", as for a token where a JWT must
// be; an integer "iat" not after the fake's time; an integer "exp" after
// it ("'Expiration time' claim ('exp') must be a numeric value ...") and
// no more than 10 minutes ahead ("... is too far in the future"). An
// installation token reaches what its installation is installed on (an
// organization and its repositories, the selected repositories, the
// enterprise), and gets 403 "Resource not accessible by integration"
// elsewhere; once expired, 401 "Bad credentials". [Server.Requests] records
// neither JWTs nor tokens.
//
// The budgets are GitHub's: each installation's tokens share one, 5,000
// requests an hour unless [Installation.SetRateLimit] sets it, and each
// App's JWT (its lookups and exchanges) has its own ([App.SetRateLimit]),
// apart from the tokens'. A spent installation is GitHub's 403 "API rate
// limit exceeded for installation ID ..." until the reset on the fake's
// clock; a 304 costs nothing. [Installation.RateLimit] and [App.RateLimit]
// say what is used, so a test can see a pool ([runners.WithAppPool]) send
// each request through the App with the most budget left, the client send
// nothing over a spent budget until its reset, and the 304s of its ETag
// cache cost nothing; [Installation.FailNext] aims a fault at one
// installation's tokens, such as a secondary rate limit that puts one App
// of a pool under its cooldown.
//
// Until a test registers an App, the fake knows none: the exchange takes any
// credential, and its token, like any other, reaches every scope.
//
// Where GitHub's documentation leaves it open, the fake chooses:
//   - A credential of three dot-separated parts is taken for a JWT. A JWT
//     the fake refuses, and an expired installation token, count against
//     the budget of requests without a credential.
//   - An "iss" naming no App is "A JSON web token could not be decoded", as
//     GitHub answers an issuer it does not take. An "iat" one second ahead
//     of the fake's time is refused: GitHub refuses an iat in its future and
//     asks for one 60 seconds in the past against clock drift. "exp" is held
//     against the fake's time, not against "iat", as GitHub's docs say.
//   - An App's JWT has 5,000 requests an hour, and its spent budget is "API
//     rate limit exceeded for app ID ..."; GitHub documents neither. A valid
//     JWT on a runner endpoint is 403 "Resource not accessible by
//     integration".
//   - Every installation holds the permissions the runner endpoints ask for
//     (administration, organization_self_hosted_runners), and they are not
//     checked. An organization's installation with selected repositories
//     reaches the organization's own endpoints, as organization permissions
//     do on GitHub.
//   - App IDs count from 1, installation IDs from 1001; an account's ID is
//     the one its webhook payloads carry. An App registered by its App ID
//     gets a made-up Client ID ([App.ClientID]).
//
// # Conditional requests
//
// A 200 answer to a GET carries a strong ETag, the SHA-256 of its body; a
// GET whose If-None-Match names it gets 304 Not Modified with no body, and
// costs nothing, so a client's ETag cache can be tested against the fake.
//
// # Faults
//
// [Server.FailNext] makes the fake answer the next requests with a [Fault]
// instead of serving them: a 5xx, a 422 race, or GitHub's rate limits
// ([PrimaryRateLimit], [SecondaryRateLimit]).
//
// # Time
//
// The fake reads the real time unless [Server.SetClock] gives it a clock,
// such as a [Clock] that a test moves by hand. The server's clients read the
// time and wait on the same clock, so a retry after a secondary rate limit
// costs no real time: the wait moves the clock.
//
// # Webhooks and jobs
//
// The fake also plays GitHub Actions' side of a fleet, for an autoscaler's
// whole loop: [ScopeState.QueueJob] queues a workflow job, an online idle
// runner with the job's labels takes it, [Server.CompleteJob] finishes it,
// and [Server.SendWebhooks] delivers each step to the autoscaler's webhook
// handler as a signed workflow_job delivery, recorded ([Server.Deliveries]):
//
//	srv.SendWebhooks(handler, secret) // e.g. webhook.NewHandler(fn, secret)
//	srv.ConnectRunners(true)          // a JIT runner connects as soon as it is created
//	job := srv.Org("octo-org").QueueJob("self-hosted", "linux")
//	// "queued": the handler creates a JIT runner, which takes the job: "in_progress"
//	err := srv.CompleteJob(job.ID, "success")
//	// "completed": the ephemeral runner is gone
//
// Deliveries are made one at a time, in order, outside the fake's lock, so a
// handler may call the fake; a call returns once the deliveries it caused
// are made, unless it was made during deliveries (see [Server.SendWebhooks]).
// [Server.Jobs] shows every job; [Server.CancelJob] cancels one.
//
// Where GitHub's documentation leaves it open, or the fake keeps it simple:
//   - A job runs in a repository: one queued at a repository runs there, one
//     queued at an organization in its repository named "repo"
//     (octo-org/repo). A repository's owner is an organization when the test
//     declared one by that name ([Server.Org]), a user otherwise. Queueing at
//     an enterprise panics: it holds no repository.
//   - A job is served by its repository's runners and its organization's. An
//     enterprise's runners take no job, the fake not knowing which
//     organizations an enterprise holds, and a runner group's repository
//     access is not checked.
//   - Waiting jobs are matched oldest first; of the runners that can take a
//     job, the one with the lowest ID does. A runner the test made busy
//     itself takes no job; an ephemeral one takes one, and is removed when it
//     completes.
//   - A runner registered through the API (a JIT config's) stays offline
//     until the test brings it online, or [Server.ConnectRunners] has it
//     connect at once.
//   - A runner without a group, and a repository's, takes jobs in group 1,
//     "Default"; a runner of another group is sent with its group's ID and a
//     null runner_group_name, the fake not knowing the name.
//   - Job IDs count from 1. Each job is the only one of its workflow run, run
//     ID 1000 plus its job ID, in attempt 1; every job is "build" of the
//     workflow "CI" on main, with no steps, and octocat is the sender.
//     Account and repository IDs are the fake's own, one per name in any
//     letter case. Times come from the fake's clock, to the second.
//   - A handler's answer other than 2xx is recorded and not retried, as on
//     GitHub; [Server.Redeliver] redelivers with the same X-GitHub-Delivery.
//     The fake waits for a handler however long it takes (GitHub, 10
//     seconds).
//   - A job whose runner the test removed stays in progress until
//     CompleteJob; nothing fails it.
//
// # Recorded requests
//
// [Server.Requests] returns what the fake received. A credential is never
// recorded: the Authorization header reads "Bearer [redacted]", and
// [Request.SentToken] tells whether a given token was sent.
//
// # Where GitHub is undocumented
//
// The fake makes these choices where GitHub's documentation says nothing:
//   - A rate-limit window starts at a credential's first request and lasts
//     an hour, rounded up to the second X-RateLimit-Reset can name. Requests
//     over a spent budget are answered 403 and do not count; a conditional
//     request over a spent budget is 403 too, not 304.
//   - A fault counts against the rate limit, as GitHub counts its errors;
//     its own X-RateLimit-* headers, as [PrimaryRateLimit] sets, win.
//   - Requests without a credential share one budget of 60, the fake
//     having a single client address.
//   - ETags are strong and do not vary by credential; If-None-Match is
//     compared weakly, as RFC 9110 asks.
//   - A JIT config for a runner group ID below 1 is 404; any other group
//     ID is taken as it comes. Its runner is ephemeral, its labels
//     read-only when GitHub applies them itself (self-hosted, x64, linux, ...).
//   - GET .../actions/runners/deprecations/{version} is served at every
//     scope, as on GitHub.com; GitHub Enterprise Server does not have it.
package runnerstest
