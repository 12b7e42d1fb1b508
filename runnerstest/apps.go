package runnerstest

import (
	"bytes"
	"crypto"
	"crypto/rsa"
	"crypto/sha256"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"math/big"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/fleetkit/runners"
)

// This file plays GitHub Apps: Apps registered with their public keys, their
// installations, the JWT checks, the installation lookups and token
// exchanges, the tokens' reach, and a budget per App and per installation.

const (
	// appKeyBits is the size of the RSA keys GitHub makes for Apps.
	appKeyBits = 2048
	// jwtMaxAhead is how far ahead of GitHub's clock an App JWT's exp may be.
	jwtMaxAhead = 10 * time.Minute
	// installationTokenLifetime is how long an installation token lasts.
	installationTokenLifetime = time.Hour
	// installationIDBase keeps installation IDs apart from App IDs: the
	// first installation is 1001.
	installationIDBase = 1000
)

// GitHub's 401 messages for an App's JWT.
const (
	jwtUndecodable = "A JSON web token could not be decoded"
	jwtIssuedAt    = "'Issued at' claim ('iat') must be an Integer representing the time that the assertion was issued"
	jwtExpired     = "'Expiration time' claim ('exp') must be a numeric value representing the future time at which the assertion expires"
	jwtTooFar      = "'Expiration time' claim ('exp') is too far in the future"
)

// apps is what the fake holds about GitHub Apps, guarded by Server.mu.
// Until the first App is registered it is empty, and the fake takes any
// credential for a token exchange, as it did before it knew Apps.
type apps struct {
	byID          map[int64]*appData
	byClientID    map[string]*appData
	installations map[int64]*installationData
	// tokens are the installation tokens issued, by their HMAC
	// (tokenMAC), so that the fake keeps no token it handed out. Expired
	// ones stay, to be refused as GitHub refuses them.
	tokens           map[string]issuedToken
	lastApp          int64
	lastInstallation int64
}

// allowance is the hourly limit of an App's JWT, or of an installation's
// tokens together, and what they used of it.
type allowance struct {
	limit  int
	budget budget
}

// caller returns the caller of a credential that counts against al at
// now, whom GitHub's message names subject once al is spent.
func (al *allowance) caller(subject string, now time.Time) caller {
	al.budget.roll(now)
	return caller{budget: &al.budget, limit: al.limit, subject: subject}
}

// appData is one registered App.
type appData struct {
	id        int64
	clientID  string
	key       *rsa.PublicKey
	allowance // its JWT's
	installs  map[string]*installationData
}

// installationData is one installation of an App: on an enterprise, or on
// an account (an organization, or a user that owns repositories), with all
// of the account's repositories or a selection of them.
type installationData struct {
	id  int64
	app *appData
	// key is the scope key of what it is installed on:
	// scopeKey("enterprises", slug), or scopeKey("orgs", owner) for an
	// account, whether an organization or a user.
	key       string
	login     string          // the enterprise's slug or the account's login, as first installed
	repos     map[string]bool // the selected repositories' scope keys; nil for all of them
	created   time.Time
	allowance // its tokens', together
}

// issuedToken is an installation token the fake issued.
type issuedToken struct {
	in      *installationData
	expires time.Time
}

// App is a GitHub App registered with the fake ([Server.AddApp]). Install
// it where the code under test should reach; a client authenticates as it
// with [runners.WithApp], [runners.WithAppInstallation] or
// [runners.WithAppPool] and the App's private key.
type App struct {
	s        *Server
	id       int64
	clientID string
}

// Installation is an installation of an [App] ([App.Install]): the tokens
// it issues reach what it is installed on, and share one budget.
type Installation struct {
	s  *Server
	id int64
}

// AddApp registers a GitHub App with the public half of its private key,
// as GitHub keeps it. issuer names the App: its Client ID ("Iv23li..."),
// or its App ID in decimal ("123456"). Either way the App has both, as on
// GitHub: one named by its Client ID gets the lowest App ID not taken,
// from 1; one named by its App ID a Client ID the fake makes up. A JWT may
// name the App by either ("iss": the Client ID as a string, the App ID as
// a number or a string).
//
// From the first App on, the fake checks App credentials as GitHub does
// (see the package documentation, "GitHub Apps"); before, it takes any
// credential for a token exchange. It panics on a nil key, a key shorter
// than GitHub's 2048 bits, an issuer that is neither a positive App ID nor
// a Client ID (letters, digits, '.', '_' and '-'), and an App ID or Client
// ID already registered: mistakes in a test's set-up.
func (s *Server) AddApp(issuer string, publicKey *rsa.PublicKey) *App {
	const op = "runnerstest: AddApp: "
	switch {
	case publicKey == nil || publicKey.N == nil:
		panic(op + "the public key is nil")
	case publicKey.N.BitLen() < appKeyBits:
		panic(fmt.Sprintf(op+"the key has %d bits; GitHub App keys have %d", publicKey.N.BitLen(), appKeyBits))
	}
	key := &rsa.PublicKey{N: new(big.Int).Set(publicKey.N), E: publicKey.E} // the caller's may change
	s.mu.Lock()
	defer s.mu.Unlock()
	as := &s.apps
	if as.byID == nil {
		as.byID, as.byClientID = map[int64]*appData{}, map[string]*appData{}
		as.installations, as.tokens = map[int64]*installationData{}, map[string]issuedToken{}
	}
	var id int64
	clientID := issuer
	switch {
	case isDigits(issuer):
		n, err := strconv.ParseInt(issuer, 10, 64)
		if err != nil || n <= 0 {
			panic(fmt.Sprintf(op+"the App ID %q is not a positive 64-bit number", issuer))
		}
		id, clientID = n, fmt.Sprintf("Iv23liFAKE%010d", n)
	case !isClientID(issuer):
		panic(fmt.Sprintf(op+"the issuer %q is neither an App ID nor a Client ID", issuer))
	default:
		for id = as.lastApp + 1; as.byID[id] != nil; id++ {
		}
		as.lastApp = id
	}
	if as.byID[id] != nil || as.byClientID[clientID] != nil {
		panic(fmt.Sprintf(op+"an App %d (%s) is already registered", id, clientID))
	}
	a := &appData{id: id, clientID: clientID, key: key, allowance: allowance{limit: defaultRateLimit}, installs: map[string]*installationData{}}
	as.byID[id], as.byClientID[clientID] = a, a
	return &App{s: s, id: id, clientID: clientID}
}

func isDigits(s string) bool {
	return s != "" && strings.Trim(s, "0123456789") == ""
}

// isClientID reports whether s is shaped like a Client ID: letters, digits,
// '.', '_' and '-', a letter among them.
func isClientID(s string) bool {
	return strings.ContainsFunc(s, func(r rune) bool { return 'a' <= r && r <= 'z' || 'A' <= r && r <= 'Z' }) &&
		strings.Trim(s, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789._-") == ""
}

// ID returns the App ID.
func (a *App) ID() int64 { return a.id }

// ClientID returns the App's Client ID.
func (a *App) ClientID() string { return a.clientID }

// Install installs the App on a scope of the server and returns the
// installation: on an enterprise, an organization (all its repositories
// too), or a repository (that one, of its owner's; a second repository of
// the same owner joins that installation, as GitHub keeps one installation
// of an App per account). Installing on an organization where the App has
// a selection of repositories widens it to all of them; installing again
// changes nothing. It panics on a nil scope or one of another server.
//
// The installation's lookups answer its ID: GET /orgs/{org}/installation
// for the organization (or the owner of its repositories), GET
// /repos/{owner}/{repo}/installation for each repository it reaches, GET
// /enterprises/{enterprise}/installation for the enterprise.
func (a *App) Install(st *ScopeState) *Installation {
	switch {
	case st == nil:
		panic("runnerstest: Install: a nil *ScopeState")
	case st.s != a.s:
		panic("runnerstest: Install: the scope is another Server's")
	}
	s := a.s
	s.mu.Lock()
	defer s.mu.Unlock()
	d := s.apps.byID[a.id]
	kind, name, _ := strings.Cut(s.st.scopes[st.key].path, "/")
	account, repo := st.key, ""
	if kind == "repos" {
		name, _, _ = strings.Cut(name, "/")
		account, repo = scopeKey("orgs", name), st.key
	}
	in := d.installs[account]
	if in == nil {
		s.apps.lastInstallation++
		in = &installationData{
			id: installationIDBase + s.apps.lastInstallation, app: d, key: account, login: name,
			created: s.now().UTC().Truncate(time.Second), allowance: allowance{limit: defaultRateLimit},
		}
		if repo != "" {
			in.repos = map[string]bool{}
		}
		d.installs[account] = in
		s.apps.installations[in.id] = in
	}
	switch {
	case repo == "":
		in.repos = nil // the whole organization
	case in.repos != nil:
		in.repos[repo] = true
	}
	return &Installation{s: s, id: in.id}
}

// SetRateLimit sets how many requests the App's JWT may make an hour (its
// installation lookups and token exchanges): 5,000 unless set. It counts
// apart from every installation's budget, as GitHub counts them. It panics
// on a negative limit.
func (a *App) SetRateLimit(limit int) { a.s.setLimit("App.SetRateLimit", limit, a.allowance) }

// RateLimit returns the App JWT's budget as the fake counts it now: its
// limit, what is used and left in the current hour, and when that ends
// (zero before the first request of an hour).
func (a *App) RateLimit() runners.RateLimit { return a.s.rateLimitOf(a.allowance) }

// allowance is the App JWT's allowance; the caller holds s.mu.
func (a *App) allowance() *allowance { return &a.s.apps.byID[a.id].allowance }

// ID returns the installation ID.
func (in *Installation) ID() int64 { return in.id }

// SetRateLimit sets how many requests the installation's tokens may make an
// hour, together: 5,000 unless set, GitHub's least for an installation (it
// gives more to installations with many repositories or users, and 15,000
// on GitHub Enterprise Cloud). Each answer to one of its tokens costs 1 and
// says what is left in X-RateLimit-* headers; a 304 costs nothing; once the
// budget is spent, its tokens get GitHub's 403 "API rate limit exceeded for
// installation ID ..." until the hour, which starts with the first request
// of any of its tokens, is over by the server's clock. A limit of 0 refuses
// every request. It panics on a negative limit.
func (in *Installation) SetRateLimit(limit int) {
	in.s.setLimit("Installation.SetRateLimit", limit, in.allowance)
}

// RateLimit returns the installation's budget as the fake counts it now,
// all its tokens together: its limit, what is used and left in the current
// hour, and when that ends (zero before the first request of an hour).
func (in *Installation) RateLimit() runners.RateLimit { return in.s.rateLimitOf(in.allowance) }

// allowance is the installation's allowance; the caller holds s.mu.
func (in *Installation) allowance() *allowance { return &in.s.apps.installations[in.id].allowance }

// FailNext makes the server answer the next n requests that carry a token
// of this installation, and match f, with f, as [Server.FailNext] does for
// every request: SecondaryRateLimit(time.Minute) puts one App of a pool
// under a secondary rate limit, and leaves the others alone. The faulted
// requests count against the installation's budget.
func (in *Installation) FailNext(n int, f Fault) { in.s.failNext(n, f, in.id) }

// setLimit sets the limit of the allowance of, for the method op; it
// panics on a negative limit.
func (s *Server) setLimit(op string, limit int, of func() *allowance) {
	if limit < 0 {
		panic("runnerstest: " + op + ": negative limit " + strconv.Itoa(limit))
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	of().limit = limit
}

// rateLimitOf is the allowance of as it stands now.
func (s *Server) rateLimitOf(of func() *allowance) runners.RateLimit {
	s.mu.Lock()
	defer s.mu.Unlock()
	al := of()
	return al.budget.view(al.limit, s.now())
}

// appCaller is the caller of a credential that is an App's (its JWT, or an
// installation token the fake issued); ok is false for any other, and for
// every credential before an App is registered. The caller holds s.mu.
func (s *Server) appCaller(credential string, now time.Time) (who caller, ok bool) {
	as := &s.apps
	if len(as.byID) == 0 {
		return caller{}, false
	}
	if t, issued := as.tokens[string(tokenMAC(credential))]; issued {
		if !now.Before(t.expires) {
			rep := ghError(http.StatusUnauthorized, "Bad credentials")
			return s.tokenCaller("", &rep, now), true
		}
		who = t.in.caller("installation ID "+strconv.FormatInt(t.in.id, 10), now)
		who.inst = t.in
		return who, true
	}
	if strings.Count(credential, ".") != 2 {
		return caller{}, false // a token, not a JWT
	}
	a, refusal := as.verify(credential, now)
	if a == nil {
		rep := ghError(http.StatusUnauthorized, refusal)
		return s.tokenCaller("", &rep, now), true
	}
	who = a.caller("app ID "+strconv.FormatInt(a.id, 10), now)
	who.app = a
	return who, true
}

// verify checks an App's JWT as GitHub does, on the server's clock: a JOSE
// header saying RS256, an "iss" naming a registered App (its Client ID, or
// its App ID as a number or a string), a signature of that App's key, an
// integer "iat" that is not in the future, and an integer "exp" to come, no
// more than 10 minutes ahead. It returns the App, or GitHub's message.
func (as *apps) verify(jwt string, now time.Time) (*appData, string) {
	head, rest, _ := strings.Cut(jwt, ".")
	payload, signature, _ := strings.Cut(rest, ".")
	var header struct {
		Alg string `json:"alg"`
	}
	var claims struct {
		Iss json.RawMessage `json:"iss"`
		Iat json.RawMessage `json:"iat"`
		Exp json.RawMessage `json:"exp"`
	}
	sig, err := base64.RawURLEncoding.DecodeString(signature)
	if err != nil || !decodeSegment(head, &header) || header.Alg != "RS256" || !decodeSegment(payload, &claims) {
		return nil, jwtUndecodable
	}
	a := as.issuer(claims.Iss)
	digest := sha256.Sum256([]byte(head + "." + payload))
	if a == nil || rsa.VerifyPKCS1v15(a.key, crypto.SHA256, digest[:], sig) != nil {
		return nil, jwtUndecodable
	}
	iat, iatOK := intClaim(claims.Iat)
	exp, expOK := intClaim(claims.Exp)
	switch {
	case !iatOK || iat > now.Unix():
		return nil, jwtIssuedAt
	case !expOK || exp <= now.Unix():
		return nil, jwtExpired
	case exp > now.Add(jwtMaxAhead).Unix():
		return nil, jwtTooFar
	}
	return a, ""
}

// decodeSegment decodes a JWT segment, unpadded base64url, into the JSON
// object v.
func decodeSegment(seg string, v any) bool {
	raw, err := base64.RawURLEncoding.DecodeString(seg)
	return err == nil && bytes.HasPrefix(bytes.TrimSpace(raw), []byte("{")) && json.Unmarshal(raw, v) == nil
}

// issuer returns the App an "iss" claim names: a string (a Client ID, or
// an App ID in decimal) or a number (an App ID); nil for none.
func (as *apps) issuer(iss json.RawMessage) *appData {
	var name string
	if json.Unmarshal(iss, &name) == nil {
		if a := as.byClientID[name]; a != nil || !isDigits(name) {
			return a
		}
		iss = json.RawMessage(name)
	}
	id, ok := intClaim(iss)
	if !ok {
		return nil
	}
	return as.byID[id]
}

// intClaim reads a claim that must be a JSON integer.
func intClaim(raw json.RawMessage) (int64, bool) {
	var n int64
	if len(raw) == 0 || string(raw) == "null" || json.Unmarshal(raw, &n) != nil {
		return 0, false
	}
	return n, true
}

// mayAccess reports whether the caller may use the scope with key: a token
// may use any, an installation token only those its installation reaches,
// an App's JWT none.
func (c *caller) mayAccess(key string) bool {
	switch {
	case c.inst != nil:
		return c.inst.covers(key)
	case c.app != nil:
		return false
	}
	return true
}

// installationID is the installation whose token the caller sent; 0 for
// none.
func (c *caller) installationID() int64 {
	if c.inst == nil {
		return 0
	}
	return c.inst.id
}

// covers reports whether the installation reaches the scope with key: an
// enterprise installation its enterprise; an account's, the organization
// and all of its repositories, or the ones selected.
func (in *installationData) covers(key string) bool {
	switch {
	case key == in.key:
		return true
	case strings.HasPrefix(in.key, "enterprises/"):
		return false
	case in.repos != nil:
		return in.repos[key]
	}
	return strings.HasPrefix(key, "repos/"+strings.TrimPrefix(in.key, "orgs/")+"/")
}

// notAccessible is GitHub's answer to an installation token (or an App's
// JWT) used on a scope its installation does not reach.
func notAccessible() reply {
	return ghError(http.StatusForbidden, "Resource not accessible by integration")
}

// getInstallation answers an App's lookup of the installation on a scope:
// the installation object, or 404 where the App is not installed.
//
// GitHub docs:
//   - enterprise: https://docs.github.com/enterprise-cloud@latest/rest/apps/apps#get-an-enterprise-installation-for-the-authenticated-app
//   - organization: https://docs.github.com/rest/apps/apps#get-an-organization-installation-for-the-authenticated-app
//   - repository: https://docs.github.com/rest/apps/apps#get-a-repository-installation-for-the-authenticated-app
//
// Endpoints:
//
//	GET /enterprises/{enterprise}/installation
//	GET /orgs/{org}/installation
//	GET /repos/{owner}/{repo}/installation
func (s *Server) getInstallation(c *call) reply {
	a := c.who.app
	if a == nil {
		return ghError(http.StatusUnauthorized, jwtUndecodable) // a token where a JWT must be
	}
	var key string
	for _, k := range scopeKinds {
		if c.r.PathValue(k.wildcards[0]) != "" {
			key = k.key(c.r)
		}
	}
	if s.st.scopes[key] == nil {
		return notFound()
	}
	for _, in := range a.installs { // at most one reaches the scope: one per account
		if in.covers(key) {
			return jsonReply(http.StatusOK, s.installationObject(in))
		}
	}
	return notFound()
}

// createInstallationToken answers an App's token exchange with a token that
// lasts an hour on the server's clock. Before any App is registered, any
// credential gets a token, which the fake then takes as any other.
//
// GitHub docs: https://docs.github.com/rest/apps/apps#create-an-installation-access-token-for-an-app
//
//	POST /app/installations/{installation_id}/access_tokens
func (s *Server) createInstallationToken(c *call) reply {
	token := "ghs_" + randomToken(22) // 40 characters, as GitHub's
	expires := s.now().Add(installationTokenLifetime).UTC().Truncate(time.Second)
	selection := "all"
	if len(s.apps.byID) > 0 {
		a := c.who.app
		if a == nil {
			return ghError(http.StatusUnauthorized, jwtUndecodable)
		}
		id, err := strconv.ParseInt(c.r.PathValue("installation_id"), 10, 64)
		in := s.apps.installations[id]
		if err != nil || in == nil || in.app != a {
			return notFound() // as GitHub answers for another App's installation
		}
		s.apps.tokens[string(tokenMAC(token))] = issuedToken{in: in, expires: expires}
		if in.repos != nil {
			selection = "selected"
		}
	}
	return jsonReply(http.StatusCreated, map[string]any{
		"token": token, "expires_at": expires.Format(time.RFC3339),
		"permissions": installationPermissions, "repository_selection": selection,
	})
}

// installationPermissions are the permissions of every installation: those
// the runner endpoints of repositories and organizations ask for. The fake
// does not check them.
var installationPermissions = map[string]string{
	"administration": "write", "metadata": "read", "organization_self_hosted_runners": "write",
}

// appInstallation is GitHub's installation object.
type appInstallation struct {
	ID                     int64             `json:"id"`
	Account                any               `json:"account"` // an account, or an enterpriseAccount
	RepositorySelection    string            `json:"repository_selection"`
	AccessTokensURL        string            `json:"access_tokens_url"`
	RepositoriesURL        string            `json:"repositories_url"`
	HTMLURL                string            `json:"html_url"`
	AppID                  int64             `json:"app_id"`
	ClientID               string            `json:"client_id"`
	AppSlug                string            `json:"app_slug"`
	TargetID               int64             `json:"target_id"`
	TargetType             string            `json:"target_type"` // "Organization", "User" or "Enterprise"
	Permissions            map[string]string `json:"permissions"`
	Events                 []string          `json:"events"`
	CreatedAt              time.Time         `json:"created_at"`
	UpdatedAt              time.Time         `json:"updated_at"`
	SingleFileName         *string           `json:"single_file_name"`
	HasMultipleSingleFiles bool              `json:"has_multiple_single_files"`
	SingleFilePaths        []string          `json:"single_file_paths"`
	SuspendedBy            *account          `json:"suspended_by"`
	SuspendedAt            *time.Time        `json:"suspended_at"`
}

// enterpriseAccount is the account of an enterprise installation: GitHub's
// enterprise object.
type enterpriseAccount struct {
	ID      int64  `json:"id"`
	Slug    string `json:"slug"`
	Name    string `json:"name"`
	HTMLURL string `json:"html_url"`
}

// installationObject is in as GitHub describes it; the caller holds s.mu.
// The account is an organization when the test declared one by its name
// ([Server.Org]), a user otherwise.
func (s *Server) installationObject(in *installationData) appInstallation {
	id := strconv.FormatInt(in.id, 10)
	obj := appInstallation{
		ID: in.id, RepositorySelection: "all",
		AccessTokensURL: apiURL + "/app/installations/" + id + "/access_tokens",
		RepositoriesURL: apiURL + "/installation/repositories",
		AppID:           in.app.id, ClientID: in.app.clientID, AppSlug: "fake-app-" + strconv.FormatInt(in.app.id, 10),
		Permissions: installationPermissions, Events: []string{}, SingleFilePaths: []string{},
		CreatedAt: in.created, UpdatedAt: in.created,
	}
	if in.repos != nil {
		obj.RepositorySelection = "selected"
	}
	escaped := url.PathEscape(in.login)
	switch sd := s.st.scopes[in.key]; {
	case strings.HasPrefix(in.key, "enterprises/"):
		acct := enterpriseAccount{ID: s.st.fleet.id("enterprise:" + strings.ToLower(in.login)), Slug: in.login, Name: in.login,
			HTMLURL: htmlURL + "/enterprises/" + escaped}
		obj.Account, obj.TargetID, obj.TargetType = acct, acct.ID, "Enterprise"
		obj.HTMLURL = acct.HTMLURL + "/settings/installations/" + id
	case sd != nil:
		acct := s.account(sd.path[len("orgs/"):], "Organization") // the organization's name as declared
		obj.Account, obj.TargetID, obj.TargetType = acct, acct.ID, acct.Type
		obj.HTMLURL = htmlURL + "/organizations/" + url.PathEscape(acct.Login) + "/settings/installations/" + id
	default:
		acct := s.account(in.login, "User")
		obj.Account, obj.TargetID, obj.TargetType = acct, acct.ID, acct.Type
		obj.HTMLURL = htmlURL + "/settings/installations/" + id
	}
	return obj
}
