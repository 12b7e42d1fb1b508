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
	"time"

	"golang.org/x/oauth2"
)

const (
	appJWTBackdate        = 60 * time.Second // iat is this far in the past, for clock drift
	appJWTLifetime        = 9 * time.Minute  // exp is this far ahead; GitHub refuses more than 10 minutes
	appTokenRefreshBefore = time.Minute      // an installation token is replaced this long before it expires
	appExchangeTimeout    = time.Minute      // the longest a token exchange may take, whatever the caller's context
	appMinKeyBits         = 2048             // GitHub App private keys are 2048-bit RSA keys
)

// appJWTHeader is the encoded JOSE header of every app JWT.
var appJWTHeader = base64.RawURLEncoding.EncodeToString([]byte(`{"alg":"RS256","typ":"JWT"}`))

// WithAppInstallation authenticates as an installation of a GitHub App, with
// the app's private key as downloaded from the app's settings page (PEM,
// "RSA PRIVATE KEY" (PKCS #1) or "PRIVATE KEY" (PKCS #8)).
//
// The client signs its own app JWT (RS256; issued 60 seconds in the past for
// clock drift, expiring 9 minutes ahead), exchanges it for an
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
		key, err := parseAppPrivateKey(privateKeyPEM)
		if err != nil {
			return invalidArgf("%s: the private key: %v", name, err)
		}
		if bits := key.N.BitLen(); bits < appMinKeyBits {
			return invalidArgf("%s: the RSA key has %d bits; GitHub App keys have at least %d", name, bits, appMinKeyBits)
		}
		return s.setAuth(name, appAuth(appID, installationID, key, &key.PublicKey))
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
		if bits := pub.N.BitLen(); bits < appMinKeyBits {
			return invalidArgf("%s: the RSA key has %d bits; GitHub App keys have at least %d", name, bits, appMinKeyBits)
		}
		return s.setAuth(name, appAuth(appID, installationID, key, pub))
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

// appAuth is the auth of the app options: a token source that exchanges app
// JWTs through unauthed, the client without credentials.
func appAuth(appID, installationID int64, key crypto.Signer, pub *rsa.PublicKey) authFunc {
	return func(unauthed *Client, margin time.Duration) (oauth2.TokenSource, error) {
		if margin == 0 {
			margin = appTokenRefreshBefore
		}
		// The exchange's own client: the JWT rides in the request's context and
		// the auth transport adds it for the client's own origin only, hop by
		// hop, so no redirect carries it elsewhere (nor to plain http).
		exchanger := *unauthed
		hc := *unauthed.hc
		hc.Transport = &authTransport{base: hc.Transport, origin: unauthed.origin}
		exchanger.hc = &hc
		return &appTokenSource{
			c:              &exchanger,
			appID:          appID,
			installationID: installationID,
			key:            key,
			pub:            pub,
			refreshBefore:  margin,
			sem:            make(chan struct{}, 1),
			now:            unauthed.clock.Now,
		}, nil
	}
}

// appTokenSource hands out a GitHub App installation token, exchanging a
// fresh app JWT for a new one when the cached token is within refreshBefore
// of its expiry. The mutex is held across the exchange, so concurrent callers
// share one.
type appTokenSource struct {
	c              *Client // without credentials: the exchange never carries an installation token
	appID          int64
	installationID int64
	key            crypto.Signer
	pub            *rsa.PublicKey
	refreshBefore  time.Duration
	now            func() time.Time // time.Now; tests set a clock before the first request

	// sem is a lock that a waiting caller can give up on when its context
	// ends: it guards tok, and is held across an exchange.
	sem chan struct{}
	tok *oauth2.Token // the cached installation token, nil before the first exchange
}

// Format prints the app and installation IDs, never the key or the token.
func (s *appTokenSource) Format(f fmt.State, verb rune) {
	fmt.Fprintf(f, "runners.appTokenSource{AppID: %d, InstallationID: %d}", s.appID, s.installationID)
}

// Token is tokenContext without a caller's context, for oauth2.TokenSource.
func (s *appTokenSource) Token() (*oauth2.Token, error) { return s.tokenContext(context.Background()) }

// tokenContext returns the cached installation token, or exchanges a new app
// JWT for one when it expires within refreshBefore. Concurrent callers share
// one exchange; one whose ctx ends while it waits, or while its exchange is
// under way, returns ctx's error, and the next caller tries again.
func (s *appTokenSource) tokenContext(ctx context.Context) (*oauth2.Token, error) {
	select {
	case s.sem <- struct{}{}:
	case <-ctx.Done():
		return nil, s.fail("exchange", ctx.Err())
	}
	defer func() { <-s.sem }()
	if s.tok == nil || !s.now().Before(s.tok.Expiry.Add(-s.refreshBefore)) {
		tok, err := s.exchange(ctx)
		if err != nil {
			return nil, err
		}
		s.tok = tok
	}
	tok := *s.tok // a copy: the caller cannot change the cache
	return &tok, nil
}

// exchange creates an installation access token.
func (s *appTokenSource) exchange(ctx context.Context) (*oauth2.Token, error) {
	jwt, err := s.signJWT(s.now())
	if err != nil {
		return nil, s.fail("jwt", err)
	}
	ctx, cancel := context.WithTimeout(ctx, appExchangeTimeout)
	defer cancel()
	var out struct {
		Token     string    `json:"token"`
		ExpiresAt time.Time `json:"expires_at"`
	}
	r := post("CreateInstallationToken", "app/installations/"+strconv.FormatInt(s.installationID, 10)+"/access_tokens", nil, &out)
	r.idempotent, r.credential = true, true // it only mints a token, which must come from our own origin
	resp, err := s.c.send(withCredential(ctx, jwt), r)
	switch {
	case err != nil && resp != nil && resp.StatusCode >= 200 && resp.StatusCode < 300:
		return nil, s.fail("decode", err)
	case err != nil:
		return nil, s.fail("exchange", err)
	case out.Token == "":
		return nil, s.fail("decode", decodeError(resp.Request, resp, errors.New(`the response has no "token"`)))
	case out.ExpiresAt.IsZero():
		return nil, s.fail("decode", decodeError(resp.Request, resp, errors.New(`the response has no "expires_at"`)))
	}
	return &oauth2.Token{AccessToken: out.Token, TokenType: "Bearer", Expiry: out.ExpiresAt}, nil
}

// signJWT returns the app JWT for now: RS256 over the header and the claims
// iat (now minus appJWTBackdate), exp (now plus appJWTLifetime) and iss (the
// app ID).
func (s *appTokenSource) signJWT(now time.Time) (string, error) {
	claims, err := json.Marshal(struct {
		IssuedAt  int64  `json:"iat"`
		ExpiresAt int64  `json:"exp"`
		Issuer    string `json:"iss"`
	}{
		IssuedAt:  now.Add(-appJWTBackdate).Unix(),
		ExpiresAt: now.Add(appJWTLifetime).Unix(),
		Issuer:    strconv.FormatInt(s.appID, 10),
	})
	if err != nil {
		return "", err
	}
	signed := appJWTHeader + "." + base64.RawURLEncoding.EncodeToString(claims)
	digest := sha256.Sum256([]byte(signed))
	sig, err := s.key.Sign(rand.Reader, digest[:], crypto.SHA256)
	if err != nil {
		return "", fmt.Errorf("signing the app JWT: %w", err)
	}
	if rsa.VerifyPKCS1v15(s.pub, crypto.SHA256, digest[:], sig) != nil {
		return "", errors.New("the signer's signature does not verify as RS256 (RSASSA-PKCS1-v1_5 with SHA-256) against its public key")
	}
	return signed + "." + base64.RawURLEncoding.EncodeToString(sig), nil
}

func (s *appTokenSource) fail(step string, err error) *AppAuthError {
	return &AppAuthError{Step: step, AppID: s.appID, InstallationID: s.installationID, Err: err}
}

// AppAuthError is a failure to get a GitHub App installation token
// ([WithAppInstallation]). The operation that needed the token returns an
// [*Error] that wraps it, so errors.As finds it, and errors.Is sees through it:
// a 401 from the exchange matches [ErrUnauthorized]. It never holds the key,
// the JWT or a token.
type AppAuthError struct {
	// Step is what failed: "jwt" (signing the app JWT), "exchange" (the
	// request, or GitHub answered with an error status) or "decode" (a
	// success response without a token).
	Step           string
	AppID          int64
	InstallationID int64
	Err            error // an [*Error] for "exchange" and "decode"
}

func (e *AppAuthError) Error() string {
	return fmt.Sprintf("runners: GitHub App installation token (app %d, installation %d): %s: %s",
		e.AppID, e.InstallationID, e.Step, strings.TrimPrefix(fmt.Sprint(e.Err), "runners: "))
}

// Unwrap returns the underlying error.
func (e *AppAuthError) Unwrap() error { return e.Err }
