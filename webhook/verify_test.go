package webhook

import (
	"errors"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/fleetkit/runners"
)

// The test vector of GitHub's docs page "Validating webhook deliveries".
const (
	docsSecret    = "It's a Secret to Everybody"
	docsPayload   = "Hello, World!"
	docsSignature = "sha256=757107ea0eb2509fc211221cce984b8a37570b6d7586c22c46f4379c8b043e17"
)

func TestVerifyGitHubTestVector(t *testing.T) {
	t.Parallel()
	require.NoError(t, Verify([]byte(docsPayload), docsSignature, []byte(docsSecret)))

	sig, err := Signature([]byte(docsPayload), []byte(docsSecret))
	require.NoError(t, err)
	assert.Equal(t, docsSignature, sig)

	err = Verify([]byte(docsPayload+" "), docsSignature, []byte(docsSecret))
	assert.ErrorIs(t, err, ErrSignature, "a changed body")
	err = Verify([]byte(docsPayload), docsSignature, []byte(docsSecret+" "))
	assert.ErrorIs(t, err, ErrSignature, "another secret")
}

func TestVerifyRotatedSecrets(t *testing.T) {
	t.Parallel()
	body := []byte(docsPayload)
	oldSecret, newSecret := []byte(docsSecret), []byte("the new secret")
	newSig := mustSign(t, body, "the new secret")

	assert.NoError(t, Verify(body, docsSignature, oldSecret, newSecret), "signed with the old secret")
	assert.NoError(t, Verify(body, newSig, oldSecret, newSecret), "signed with the new secret")
	assert.NoError(t, Verify(body, newSig, newSecret, oldSecret), "in either order")
	assert.ErrorIs(t, Verify(body, newSig, oldSecret), ErrSignature, "the new signature without the new secret")
	assert.ErrorIs(t, Verify(body, mustSign(t, body, "a third"), oldSecret, newSecret), ErrSignature)
}

func TestVerifyUpperCaseHex(t *testing.T) {
	t.Parallel()
	upper := "sha256=" + strings.ToUpper(strings.TrimPrefix(docsSignature, "sha256="))
	assert.NoError(t, Verify([]byte(docsPayload), upper, []byte(docsSecret)))
}

func TestVerifyRefusesSignatures(t *testing.T) {
	t.Parallel()
	hexDigest := strings.TrimPrefix(docsSignature, "sha256=")
	cases := []struct {
		name, signature, inMessage string
	}{
		{"empty", "", "missing"},
		{"SHA-1", "sha1=" + hexDigest[:40], "SHA-1"},
		{"SHA-1 of the right length for SHA-256", "sha1=" + hexDigest, "SHA-1"},
		{"no prefix", hexDigest, `does not start with "sha256="`},
		{"upper-case prefix", "SHA256=" + hexDigest, `does not start with "sha256="`},
		{"another algorithm", "sha512=" + hexDigest + hexDigest, `does not start with "sha256="`},
		{"prefix only", "sha256=", "0 hex digits"},
		{"short", "sha256=" + hexDigest[:63], "63 hex digits"},
		{"long", "sha256=" + hexDigest + "0", "65 hex digits"},
		{"not hex", "sha256=" + hexDigest[:62] + "zz", "not hex"},
		{"white space", " " + docsSignature, `does not start with "sha256="`},
		{"trailing white space", docsSignature + " ", "65 hex digits"},
		{"two values", docsSignature + "," + docsSignature, "hex digits"},
		{"wrong digest", "sha256=" + strings.Repeat("0", 64), "none of the secrets"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			err := Verify([]byte(docsPayload), tc.signature, []byte(docsSecret))
			require.ErrorIs(t, err, ErrSignature)
			assert.NotErrorIs(t, err, runners.ErrInvalidArgument)
			assert.Contains(t, err.Error(), tc.inMessage)
			assert.True(t, strings.HasPrefix(err.Error(), "webhook: "), err.Error())
			assert.NotContains(t, err.Error(), docsSecret)
		})
	}
}

func TestVerifyRefusesMissingSecrets(t *testing.T) {
	t.Parallel()
	cases := []struct {
		name      string
		secrets   [][]byte
		inMessage string
	}{
		{"none", nil, "no secret given"},
		{"an empty list", [][]byte{}, "no secret given"},
		{"nil", [][]byte{nil}, "secret 1 of 1 is empty"},
		{"empty", [][]byte{{}}, "secret 1 of 1 is empty"},
		{"an empty one after a good one", [][]byte{[]byte(docsSecret), {}}, "secret 2 of 2 is empty"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			// The signature is right for the good secret: an empty secret is
			// refused even next to one that would verify.
			err := Verify([]byte(docsPayload), docsSignature, tc.secrets...)
			require.ErrorIs(t, err, runners.ErrInvalidArgument)
			assert.NotErrorIs(t, err, ErrSignature, "a configuration error, not a bad delivery")
			assert.True(t, strings.HasPrefix(err.Error(), "webhook: "+tc.inMessage), err.Error())
			assert.NotContains(t, err.Error(), docsSecret)
		})
	}
}

func TestSignatureRefusesEmptySecret(t *testing.T) {
	t.Parallel()
	for _, secret := range [][]byte{nil, {}} {
		sig, err := Signature([]byte(docsPayload), secret)
		assert.ErrorIs(t, err, runners.ErrInvalidArgument)
		assert.Empty(t, sig)
	}
}

// FuzzVerify checks that Verify never panics, accepts what Signature signs,
// and accepts no other signature than that one (in either letter case).
func FuzzVerify(f *testing.F) {
	f.Add([]byte(docsPayload), docsSignature, []byte(docsSecret))
	f.Add([]byte(docsPayload), "sha1=0123", []byte(docsSecret))
	f.Add([]byte{}, "sha256=", []byte("x"))
	f.Add([]byte("{}"), "sha256=zz", []byte{0})
	f.Add([]byte("{}"), "", []byte{})
	f.Add([]byte(docsPayload), strings.ToUpper(docsSignature), []byte(docsSecret))
	f.Add([]byte(docsPayload), "sha256="+strings.ToUpper(docsSignature[7:]), []byte(docsSecret))
	f.Fuzz(func(t *testing.T, body []byte, signature string, secret []byte) {
		err := Verify(body, signature, secret)
		if len(secret) == 0 {
			if !errors.Is(err, runners.ErrInvalidArgument) {
				t.Fatalf("empty secret: got %v", err)
			}
			return
		}
		want, serr := Signature(body, secret)
		if serr != nil {
			t.Fatal(serr)
		}
		if verr := Verify(body, want, secret); verr != nil {
			t.Fatalf("Verify refuses what Signature signed: %v", verr)
		}
		hexDigest, ok := strings.CutPrefix(signature, "sha256=")
		if (err == nil) != (ok && strings.EqualFold(hexDigest, want[len("sha256="):])) {
			t.Fatalf("Verify(%q) = %v, the signature is %q", signature, err, want)
		}
		if err != nil && !errors.Is(err, ErrSignature) {
			t.Fatalf("not ErrSignature: %v", err)
		}
		if err != nil && len(secret) >= 8 && strings.Contains(err.Error(), string(secret)) {
			t.Fatalf("the secret is in the error: %v", err)
		}
	})
}
