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
// exchange (see "GitHub Apps"). Errors come in GitHub's error shape. The 26 runner group operations are
// served too, at organizations and enterprises (see "Runner groups").
//
// # Runner groups
//
// Every organization and enterprise has the default group: ID 1, "Default",
// visibility "all". At an organization or enterprise a runner added without
// a group ([ScopeState.AddRunner], RunnerGroupID 0) is in it; a repository
// has no groups, its runners none (RunnerGroupID 0, as GitHub's repository
// runners report), and its group paths are 404. Membership is the runner's
// RunnerGroupID and nothing else, so it is always consistent: adding a
// runner to a group moves it there, removing it returns it to the default
// group, set replaces the members (the others return to the default group),
// and a JIT config puts its runner in the group it names, which must be one
// of the scope's own: another ID is 404, and nothing is created.
//
// Creating, updating, getting, listing and deleting groups work on the
// scope's own groups, which tests may also seed ([ScopeState.AddRunnerGroup])
// and read ([ScopeState.RunnerGroups]). Lists (groups, a group's runners,
// its access) page as the runner list does: per_page up to 100, page, the
// Link header. visible_to_repository (an organization's repository, by name
// without its owner) and visible_to_organization (an enterprise's
// organization, by login) filter the group list. Bodies are checked as
// GitHub's schemas say, 422 otherwise: name required on a create and on
// every organization update, visibility "all", "selected" or (at an
// organization only) "private", IDs as integer arrays, no null where the
// schema has none; fields the schemas do not have are ignored.
//
// Access (which repositories of an organization, or which organizations of
// an enterprise, may use a group) is set for a group of visibility
// "selected", by the IDs [ScopeState.ID] returns: the repositories the test
// declared with [Server.Repo] under the organization, and the organizations
// of the enterprise. An organization belongs to an enterprise once the test
// says so with [ScopeState.SetEnterprise]; then the enterprise's groups it
// may use (visibility "all", or "selected" with its access) appear in its
// list and can be got, with Inherited true and their workflow settings
// read-only.
//
// Where GitHub's documentation leaves it open, the fake chooses:
//   - A name taken by another of the scope's own groups, in any letter
//     case, is 409 Conflict, on a create and on a rename (as GitHub answers
//     a JIT config for a taken runner name). An inherited group's name does
//     not count: it is the enterprise's.
//   - The default group cannot be deleted: 422. Deleting another group
//     returns its runners to the default group.
//   - An enterprise update without visibility keeps it (the description's
//     default of "all" is not applied); its body may be left out. A group
//     whose visibility is no longer "selected" loses its access list.
//   - Access IDs (and runner IDs) the scope does not have are 422 in a body,
//     and nothing changes; 404 in a path. Access given at create needs
//     visibility "selected" (422 otherwise), as add, set and remove do (422
//     for another visibility, as the description asks for add and remove).
//     Removing a runner or an access the group does not have is a 204 that
//     changes nothing.
//   - Group IDs other than the default's 1 are unique across the fake, and
//     a created group never takes an ID a runner was seeded with, so an
//     organization's own groups and those it inherits never share one; the
//     enterprise's default group, whose ID 1 is the organization's own
//     default group's, is not listed at the organization.
//   - An organization only lists and gets its inherited groups: updating or
//     deleting one, its runners and access, and a JIT config naming it are
//     404 at the organization (they are the enterprise's, whose runners
//     register there). An inherited group is visible to every repository of
//     the organization.
//   - "private" means visible to the organization's private repositories;
//     the fake knows none to be public, so a "private" group is visible to
//     every repository, and allows_public_repositories is kept, not applied.
//   - A runner seeded ([ScopeState.AddRunner]) with a group ID the scope does
//     not have keeps it; listing that group's runners is 404 until the test
//     adds the group ([ScopeState.AddRunnerGroup] with that ID), which then
//     holds the runner. A repository's JIT config takes only the default
//     group's ID, 1, which GitHub's example sends, and its runner is in no
//     group.
//   - The access lists carry a repository's identifying fields of
//     minimal-repository (id, node_id, name, full_name, owner, private,
//     html_url, description, fork, url), not its many URL templates, and
//     whole organization-simple objects; node IDs have GitHub's legacy form.
//   - Group URLs name the request's own host and scope; hosted_runners_url
//     is left out under /api/v3, GitHub Enterprise Server having no hosted
//     runners.
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
//     enterprise's runners take no job, and a runner group's access is not
//     checked when a runner takes one.
//   - Waiting jobs are matched oldest first; of the runners that can take a
//     job, the one with the lowest ID does. A runner the test made busy
//     itself takes no job; an ephemeral one takes one, and is removed when it
//     completes.
//   - A runner registered through the API (a JIT config's) stays offline
//     until the test brings it online, or [Server.ConnectRunners] has it
//     connect at once.
//   - A runner takes jobs in its group, whose ID and name the deliveries
//     carry; a repository's runner, which has none, in group 1, "Default". A
//     runner seeded with a group the scope does not have is sent with that
//     ID and a null runner_group_name.
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
//   - A JIT config's runner is ephemeral, its labels read-only when GitHub
//     applies them itself (self-hosted, x64, linux, ...). (Its runner group:
//     see "Runner groups".)
//   - GET .../actions/runners/deprecations/{version} is served at every
//     scope, as on GitHub.com; GitHub Enterprise Server does not have it.
package runnerstest
