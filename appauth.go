package runners

import (
	"context"
	"crypto"
	"crypto/ecdh"
	"crypto/ecdsa"
	"crypto/ed25519"
	"crypto/rand"
	"crypto/rsa"
	"crypto/sha256"
	"crypto/x509"
	"encoding/base64"
	"encoding/json"
	"encoding/pem"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"
)

const (
	appJWTBackdate        = 60 * time.Second // iat is this far in the past, for clock drift
	appJWTLifetime        = 9 * time.Minute  // exp is this far ahead; GitHub refuses more than 10 minutes
	appTokenRefreshBefore = time.Minute      // an installation token is replaced this long before it expires
	appExchangeTimeout    = time.Minute      // the longest a lookup or token exchange may take, whatever the caller's context
	appMinKeyBits         = 2048             // GitHub App private keys are 2048-bit RSA keys
)

// appJWTHeader is the encoded JOSE header of every app JWT.
var appJWTHeader = base64.RawURLEncoding.EncodeToString([]byte(`{"alg":"RS256","typ":"JWT"}`))

// WithAppInstallation authenticates as an installation of a GitHub App, with
// the app's private key as downloaded from the app's settings page (PEM,
// "RSA PRIVATE KEY" (PKCS #1) or "PRIVATE KEY" (PKCS #8)). [WithApp] finds
// the installation of each scope itself.
//
// The client signs its own app JWT (RS256; issued 60 seconds in the past for
// clock drift, expiring 9 minutes ahead, "iss" the App ID as a number), exchanges it for an
// installation access token on its own base URL, so GitHub Enterprise Server
// and GHE.com work, and sends that token as "Authorization: Bearer <token>".
// The token is reused until one minute ([WithTokenRefreshMargin]) before it expires; concurrent requests
// that find it expired share one exchange. A failed exchange is an
// [*AppAuthError] inside the operation's [*Error]; the next request tries
// again.
//
// A key that does not parse, is not RSA, or is shorter than 2048 bits, and an
// app or installation ID ≤ 0, make [NewClient] fail with [ErrInvalidArgument].
// The key, the JWT and the installation token never appear in errors or in
// what fmt and slog print. Use [WithAppInstallationSigner] for a key kept in
// a KMS or HSM.
//
// GitHub docs: https://docs.github.com/rest/apps/apps#create-an-installation-access-token-for-an-app
//
//	POST /app/installations/{installation_id}/access_tokens
func WithAppInstallation(appID, installationID int64, privateKeyPEM []byte) Option {
	return func(s *settings) error {
		const name = "WithAppInstallation"
		if err := checkAppIDs(name, appID, installationID); err != nil {
			return err
		}
		key, err := appPrivateKey(name, privateKeyPEM)
		if err != nil {
			return err
		}
		return s.setAuth(name, appsAuth(appSpec{appID: appID, installationID: installationID, key: key, pub: &key.PublicKey}))
	}
}

// WithAppInstallationSigner is [WithAppInstallation] for a private key the
// process cannot read, such as one kept in a KMS or an HSM: key signs the app
// JWT. Its public key must be RSA (2048 bits or more); it is asked to sign a
// SHA-256 digest with opts crypto.SHA256, that is RSASSA-PKCS1-v1_5 (RS256),
// once per token exchange, under the context of the request that needed it. A signature that does not
// verify against key.Public() fails the exchange at step "jwt".
//
// GitHub docs: https://docs.github.com/rest/apps/apps#create-an-installation-access-token-for-an-app
//
//	POST /app/installations/{installation_id}/access_tokens
func WithAppInstallationSigner(appID, installationID int64, key crypto.Signer) Option {
	return func(s *settings) error {
		const name = "WithAppInstallationSigner"
		if err := checkAppIDs(name, appID, installationID); err != nil {
			return err
		}
		if rk, ok := key.(*rsa.PrivateKey); key == nil || (ok && rk == nil) {
			return invalidArgf("%s: the key is nil", name)
		}
		pub, ok := key.Public().(*rsa.PublicKey)
		if !ok {
			return invalidArgf("%s: the key is %s, not RSA; GitHub App keys are RSA", name, keyKind(key.Public()))
		}
		if pub == nil || pub.N == nil {
			return invalidArgf("%s: the key has no public key", name)
		}
		if err := checkKeySize(name, pub); err != nil {
			return err
		}
		return s.setAuth(name, appsAuth(appSpec{appID: appID, installationID: installationID, key: key, pub: pub}))
	}
}

func checkAppIDs(name string, appID, installationID int64) error {
	if appID <= 0 {
		return invalidArgf("%s: the app ID must be positive, got %d", name, appID)
	}
	if installationID <= 0 {
		return invalidArgf("%s: the installation ID must be positive, got %d", name, installationID)
	}
	return nil
}

// appPrivateKey parses a GitHub App's PEM key for the option name.
func appPrivateKey(name string, privateKeyPEM []byte) (*rsa.PrivateKey, error) {
	key, err := parseAppPrivateKey(privateKeyPEM)
	if err != nil {
		return nil, invalidArgf("%s: the private key: %v", name, err)
	}
	if err := checkKeySize(name, &key.PublicKey); err != nil {
		return nil, err
	}
	return key, nil
}

func checkKeySize(name string, pub *rsa.PublicKey) error {
	if bits := pub.N.BitLen(); bits < appMinKeyBits {
		return invalidArgf("%s: the RSA key has %d bits; GitHub App keys have at least %d", name, bits, appMinKeyBits)
	}
	return nil
}

// parseAppPrivateKey returns the first RSA private key in pemBytes, skipping
// blocks that are not private keys (a certificate, say). Its errors never
// quote the input, nor the parsers' errors, which could.
func parseAppPrivateKey(pemBytes []byte) (*rsa.PrivateKey, error) {
	if len(strings.TrimSpace(string(pemBytes))) == 0 {
		return nil, errors.New("it is empty")
	}
	rest := pemBytes
	for {
		var block *pem.Block
		block, rest = pem.Decode(rest)
		if block == nil {
			return nil, errors.New(`no PEM private key found (want "-----BEGIN RSA PRIVATE KEY-----" or "-----BEGIN PRIVATE KEY-----")`)
		}
		if strings.Contains(block.Headers["Proc-Type"], "ENCRYPTED") || block.Type == "ENCRYPTED PRIVATE KEY" {
			return nil, errors.New("the key is encrypted; give it decrypted")
		}
		switch block.Type {
		case "RSA PRIVATE KEY":
			if key, err := x509.ParsePKCS1PrivateKey(block.Bytes); err == nil {
				return key, nil
			}
			if key, err := x509.ParsePKCS8PrivateKey(block.Bytes); err == nil {
				if rk, ok := key.(*rsa.PrivateKey); ok {
					return rk, nil
				}
			}
			return nil, errors.New("the RSA PRIVATE KEY block is not a valid PKCS #1 RSA key")
		case "PRIVATE KEY":
			key, err := x509.ParsePKCS8PrivateKey(block.Bytes)
			if err != nil {
				return nil, errors.New("the PRIVATE KEY block is not a valid PKCS #8 key")
			}
			rk, ok := key.(*rsa.PrivateKey)
			if !ok {
				return nil, fmt.Errorf("the PKCS #8 key is %s, not RSA; GitHub App keys are RSA", keyKind(key))
			}
			return rk, nil
		}
		if strings.HasSuffix(block.Type, "PRIVATE KEY") {
			return nil, fmt.Errorf("a %q block is not an RSA key; GitHub App keys are RSA", block.Type)
		}
	}
}

// keyKind names the algorithm of a key for an error message.
func keyKind(key any) string {
	switch key.(type) {
	case *ecdsa.PrivateKey, *ecdsa.PublicKey:
		return "an ECDSA key"
	case ed25519.PrivateKey, ed25519.PublicKey:
		return "an Ed25519 key"
	case *ecdh.PrivateKey, *ecdh.PublicKey:
		return "an ECDH key"
	case nil:
		return "missing"
	}
	return fmt.Sprintf("a %T", key)
}

// appSpec is one GitHub App as an option gives it: an App ID or a Client
// ID, its key, and the installation to use for every scope (0: each
// scope's own).
type appSpec struct {
	appID          int64  // when the App is named by its App ID
	clientID       string // when it is named by its Client ID
	installationID int64
	key            crypto.Signer
	pub            *rsa.PublicKey
}

// app is one GitHub App a client authenticates as: its key, the budget of
// its JWT, its secondary rate-limit cooldown, and its installations, each
// with its token.
type app struct {
	c             *Client // sends the App's own requests: installation lookups and token exchanges
	issuer        string  // the JWT's iss as given: a Client ID, or the App ID in decimal
	appID         int64   // 0 when the App is named by its Client ID
	key           crypto.Signer
	pub           *rsa.PublicKey
	refreshBefore time.Duration
	jwt           rateLimits   // the budget of the App's JWT
	coolUntil     atomic.Int64 // the end of a secondary rate limit's cooldown, in Unix nanoseconds; 0 for none

	fixed *installation // WithAppInstallation: the installation of every scope; nil for WithApp

	mu            sync.Mutex
	scopes        map[string]*scopeInstallation // by scope prefix
	installations map[int64]*installation       // by ID: one token per installation, whatever scopes it covers
}

func newApp(c *Client, spec appSpec, margin time.Duration) *app {
	if margin == 0 {
		margin = appTokenRefreshBefore
	}
	a := &app{c: c, issuer: spec.clientID, appID: spec.appID, key: spec.key, pub: spec.pub, refreshBefore: margin,
		scopes: map[string]*scopeInstallation{}, installations: map[int64]*installation{}}
	if spec.appID != 0 {
		a.issuer = strconv.FormatInt(spec.appID, 10)
	}
	if spec.installationID != 0 {
		a.fixed = a.installation(spec.installationID)
	}
	return a
}

// Format prints the App's issuer, never its key.
func (a *app) Format(f fmt.State, verb rune) { fmt.Fprintf(f, "runners.app{Issuer: %q}", a.issuer) }

// installation returns the installation with id, the same for every scope
// it covers.
func (a *app) installation(id int64) *installation {
	a.mu.Lock()
	defer a.mu.Unlock()
	in := a.installations[id]
	if in == nil {
		in = &installation{app: a, id: id, sem: make(chan struct{}, 1)}
		a.installations[id] = in
	}
	return in
}

// jwtCredential is the App's JWT, signed for now, for one of its own requests.
func (a *app) jwtCredential(now time.Time) (*credential, error) {
	jwt, err := a.signJWT(now)
	if err != nil {
		return nil, err
	}
	return &credential{header: newAuthHeader(jwt), limits: &a.jwt, app: a}, nil
}

// signJWT returns the app JWT for now: RS256 over the header and the claims
// iat (now minus appJWTBackdate), exp (now plus appJWTLifetime) and iss: the
// App ID as a JSON number, or the Client ID as a string.
func (a *app) signJWT(now time.Time) (string, error) {
	var iss any = a.issuer
	if a.appID != 0 {
		iss = a.appID
	}
	claims, err := json.Marshal(struct {
		IssuedAt  int64 `json:"iat"`
		ExpiresAt int64 `json:"exp"`
		Issuer    any   `json:"iss"`
	}{
		IssuedAt:  now.Add(-appJWTBackdate).Unix(),
		ExpiresAt: now.Add(appJWTLifetime).Unix(),
		Issuer:    iss,
	})
	if err != nil {
		return "", err
	}
	signed := appJWTHeader + "." + base64.RawURLEncoding.EncodeToString(claims)
	digest := sha256.Sum256([]byte(signed))
	sig, err := a.key.Sign(rand.Reader, digest[:], crypto.SHA256)
	if err != nil {
		return "", fmt.Errorf("signing the app JWT: %w", err)
	}
	if rsa.VerifyPKCS1v15(a.pub, crypto.SHA256, digest[:], sig) != nil {
		return "", errors.New("the signer's signature does not verify as RS256 (RSASSA-PKCS1-v1_5 with SHA-256) against its public key")
	}
	return signed + "." + base64.RawURLEncoding.EncodeToString(sig), nil
}

// fail is the App's *AppAuthError at step for the installation id (0 when
// not known yet) of the scope with prefix (for a lookup).
func (a *app) fail(step string, id int64, prefix string, err error) *AppAuthError {
	var clientID string
	if a.appID == 0 {
		clientID = a.issuer
	}
	return &AppAuthError{Step: step, AppID: a.appID, ClientID: clientID, InstallationID: id,
		Scope: strings.TrimSuffix(prefix, "/"), Err: err}
}

// installation is one installation of a GitHub App and its token, shared
// by every scope it covers (an organization and its repositories).
type installation struct {
	app    *app
	id     int64
	limits rateLimits // the budget of its tokens

	tok atomic.Pointer[installToken] // the current token, nil before the first exchange
	// sem is a lock that a waiting caller can give up on when its context
	// ends: it is held across an exchange, so concurrent callers share one.
	sem chan struct{}
}

// installToken is an installation token's credential and when to renew it.
type installToken struct {
	cred    *credential
	renewAt time.Time // its expiry minus the refresh margin
}

// Format prints the App and installation IDs, never the token.
func (in *installation) Format(f fmt.State, verb rune) {
	fmt.Fprintf(f, "runners.installation{App: %q, ID: %d}", in.app.issuer, in.id)
}

// credential returns the installation's token, or exchanges a new app JWT
// for one when it expires within the refresh margin. Concurrent callers
// share one exchange; one whose ctx ends while it waits, or while its
// exchange is under way, returns ctx's error, and the next caller tries
// again.
func (in *installation) credential(ctx context.Context) (*credential, error) {
	if t := in.tok.Load(); t != nil && in.app.c.clock.Now().Before(t.renewAt) {
		return t.cred, nil
	}
	select {
	case in.sem <- struct{}{}:
	case <-ctx.Done():
		return nil, in.app.fail("exchange", in.id, "", ctx.Err())
	}
	defer func() { <-in.sem }()
	if t := in.tok.Load(); t != nil && in.app.c.clock.Now().Before(t.renewAt) {
		return t.cred, nil // another caller's exchange
	}
	t, err := in.exchange(ctx)
	if err != nil {
		return nil, err
	}
	in.tok.Store(t)
	return t.cred, nil
}

// exchange creates an installation access token.
//
// GitHub docs: https://docs.github.com/rest/apps/apps#create-an-installation-access-token-for-an-app
//
//	POST /app/installations/{installation_id}/access_tokens
func (in *installation) exchange(ctx context.Context) (*installToken, error) {
	a := in.app
	jwt, err := a.jwtCredential(a.c.clock.Now())
	if err != nil {
		return nil, a.fail("jwt", in.id, "", err)
	}
	ctx, cancel := context.WithTimeout(ctx, appExchangeTimeout)
	defer cancel()
	var out struct {
		Token     string    `json:"token"`
		ExpiresAt time.Time `json:"expires_at"`
	}
	r := post("CreateInstallationToken", "app/installations/"+strconv.FormatInt(in.id, 10)+"/access_tokens", nil, &out)
	r.idempotent, r.credential, r.auth = true, true, jwt // it only mints a token, which must come from our own origin
	resp, err := a.c.send(ctx, r)
	switch {
	case err != nil && resp != nil && resp.StatusCode >= 200 && resp.StatusCode < 300:
		return nil, a.fail("decode", in.id, "", err)
	case err != nil:
		return nil, a.fail("exchange", in.id, "", err)
	case out.Token == "":
		return nil, a.fail("decode", in.id, "", decodeError(resp.Request, resp, errors.New(`the response has no "token"`)))
	case out.ExpiresAt.IsZero():
		return nil, a.fail("decode", in.id, "", decodeError(resp.Request, resp, errors.New(`the response has no "expires_at"`)))
	}
	cred := &credential{header: newAuthHeader(out.Token), limits: &in.limits, app: a, installationID: in.id}
	return &installToken{cred: cred, renewAt: out.ExpiresAt.Add(-a.refreshBefore)}, nil
}

// AppAuthError is a failure to get a GitHub App installation token
// ([WithApp], [WithAppInstallation], [WithAppPool]). The operation that
// needed the token returns an [*Error] that wraps it, so errors.As finds it,
// and errors.Is sees through it: a 401 from the exchange matches
// [ErrUnauthorized], a scope the App is not installed on [ErrNotFound]. It
// never holds the key, the JWT or a token.
type AppAuthError struct {
	// Step is what failed: "installation" (finding the installation of the
	// scope, [WithApp]), "jwt" (signing the app JWT), "exchange" (the
	// request, or GitHub answered with an error status) or "decode" (a
	// success response without a token).
	Step           string
	AppID          int64  // the App ID; 0 when the App is named by its Client ID
	ClientID       string // the Client ID, when the App is named by it
	InstallationID int64  // 0 when the installation is not known yet (step "installation")
	Scope          string // the scope whose installation was looked up, such as "orgs/octo-org"; "" for the other steps
	Err            error  // an [*Error] for "installation", "exchange" and "decode"
}

func (e *AppAuthError) Error() string {
	app := e.ClientID
	if e.AppID != 0 {
		app = strconv.FormatInt(e.AppID, 10)
	}
	what := fmt.Sprintf("installation token (app %s, installation %d)", app, e.InstallationID)
	if e.InstallationID == 0 {
		what = fmt.Sprintf("installation of %s (app %s)", e.Scope, app)
	}
	return "runners: GitHub App " + what + ": " + e.Step + ": " + strings.TrimPrefix(fmt.Sprint(e.Err), "runners: ")
}

// Unwrap returns the underlying error.
func (e *AppAuthError) Unwrap() error { return e.Err }
