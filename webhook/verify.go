package webhook

import (
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"strings"

	"github.com/fleetkit/runners"
)

// ErrSignature is matched (with [errors.Is]) by every error for a missing,
// malformed or wrong X-Hub-Signature-256.
var ErrSignature = errors.New("webhook: bad X-Hub-Signature-256")

// signaturePrefix starts every X-Hub-Signature-256 value.
const signaturePrefix = "sha256="

// Verify checks an X-Hub-Signature-256 value ("sha256=<hex>") against the body
// with any of the secrets (more than one while a secret is rotated), in
// constant time.
//
// The signature is the HMAC-SHA256 of the body exactly as it was received, in
// hex (GitHub sends lower case; either is accepted); for an
// application/x-www-form-urlencoded delivery that is the whole form body, not
// the decoded payload. A missing, malformed or wrong
// signature is an error matching [ErrSignature]; so is a SHA-1 signature (the
// older X-Hub-Signature header, "sha1=..."), which is not accepted. No
// secrets, or an empty one, is an error matching [runners.ErrInvalidArgument]
// and not [ErrSignature]: it is a mistake in the caller's configuration, not a
// bad delivery. Secrets never appear in an error.
//
// GitHub docs: https://docs.github.com/webhooks/using-webhooks/validating-webhook-deliveries
func Verify(body []byte, signature string, secrets ...[]byte) error {
	if err := checkSecrets(secrets); err != nil {
		return err
	}
	want, err := parseSignature(signature)
	if err != nil {
		return err
	}
	matched := false
	for _, secret := range secrets {
		// Every secret is tried, so the time taken does not tell which matched.
		if hmac.Equal(sign(body, secret), want) {
			matched = true
		}
	}
	if !matched {
		return fmt.Errorf("%w: it matches none of the secrets", ErrSignature)
	}
	return nil
}

// checkSecrets refuses a configuration that could never verify a delivery.
func checkSecrets(secrets [][]byte) error {
	if len(secrets) == 0 {
		return invalidArgf("no secret given: a delivery can only be verified with the secret set on the webhook")
	}
	for i, s := range secrets {
		if len(s) == 0 {
			return invalidArgf("secret %d of %d is empty", i+1, len(secrets))
		}
	}
	return nil
}

// parseSignature returns the digest an X-Hub-Signature-256 value carries.
func parseSignature(signature string) ([]byte, error) {
	hexDigest, ok := strings.CutPrefix(signature, signaturePrefix)
	switch {
	case signature == "":
		return nil, fmt.Errorf("%w: missing", ErrSignature)
	case strings.HasPrefix(signature, "sha1="):
		return nil, fmt.Errorf("%w: a SHA-1 signature (X-Hub-Signature) is not accepted, only X-Hub-Signature-256 (sha256=...)", ErrSignature)
	case !ok:
		return nil, fmt.Errorf("%w: it does not start with %q", ErrSignature, signaturePrefix)
	case len(hexDigest) != 2*sha256.Size:
		return nil, fmt.Errorf("%w: %d hex digits after %q, want %d", ErrSignature, len(hexDigest), signaturePrefix, 2*sha256.Size)
	}
	digest, err := hex.DecodeString(hexDigest)
	if err != nil {
		return nil, fmt.Errorf("%w: not hex after %q", ErrSignature, signaturePrefix)
	}
	return digest, nil
}

// sign returns the HMAC-SHA256 of body with secret.
func sign(body, secret []byte) []byte {
	mac := hmac.New(sha256.New, secret)
	mac.Write(body)
	return mac.Sum(nil)
}

// Signature returns the X-Hub-Signature-256 value GitHub sends for body signed
// with secret: "sha256=" and the HMAC-SHA256 in lower-case hex. Tests and fakes
// use it to sign the deliveries they send; an empty secret is an error
// matching [runners.ErrInvalidArgument].
func Signature(body, secret []byte) (string, error) {
	if err := checkSecrets([][]byte{secret}); err != nil {
		return "", err
	}
	return signaturePrefix + hex.EncodeToString(sign(body, secret)), nil
}

// argError is a caller's mistake: it matches [runners.ErrInvalidArgument].
type argError struct{ msg string }

func (e *argError) Error() string        { return "webhook: " + e.msg }
func (e *argError) Is(target error) bool { return target == runners.ErrInvalidArgument }

func invalidArgf(format string, args ...any) error {
	return &argError{msg: fmt.Sprintf(format, args...)}
}
