package runners

import (
	"net/http"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// Issue 11, item 2: a refused URL is never quoted with its query, fragment
// or userinfo, which may carry a credential.
func TestRedactRefusedURLsHideQueryAndFragment(t *testing.T) {
	t.Parallel()
	const secret = "ghp_QUERYsecret0123456789"
	for _, raw := range []string{
		"https://ghes.example.com/?access_token=" + secret,
		"https://ghes.example.com/api/v3#" + secret,
		"ftp://ghes.example.com/?token=" + secret,
		"https://user:" + secret + "@ghes.example.com/",
		"https://ghes.example.com/?" + secret,
	} {
		_, err := NewClient(WithBaseURL(raw))
		require.Error(t, err, raw)
		assert.ErrorIs(t, err, ErrInvalidArgument)
		assert.NotContains(t, err.Error(), secret, "WithBaseURL(%q)", raw)
	}
	c, err := NewClient()
	require.NoError(t, err)
	for _, raw := range []string{
		"https://github.com/octo-org?token=" + secret,
		"https://github.com/octo-org#" + secret,
		"https://evil.example/octo-org?token=" + secret,
		"https://github.com/a/b/c?token=" + secret,
		"https://x:" + secret + "@github.com/octo-org",
	} {
		_, err := c.ScopeFromURL(raw)
		require.Error(t, err, raw)
		assert.ErrorIs(t, err, ErrInvalidArgument)
		assert.NotContains(t, err.Error(), secret, "ScopeFromURL(%q)", raw)
	}
}

// Issue 11, item 3: what the server says reaches the error escaped (no
// newline to forge a log line, no ESC or NUL for a terminal) and bounded.
func TestRedactServerTextInErrors(t *testing.T) {
	t.Parallel()
	huge := strings.Repeat("A", 256<<10) // within the 1 MiB error body GitHub's JSON is read from
	c, _ := newTestClient(t, func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("X-GitHub-Request-Id", "ABCD\r\nlevel=error msg=forged"+strings.Repeat("9", 4<<10))
		w.Header().Set("Content-Type", "application/json")
		w.WriteHeader(http.StatusUnprocessableEntity)
		w.Write([]byte(`{"message":"bad\nlevel=error msg=\"forged\"\u001b[31mred\u0000` + huge + `","errors":["one\ntwo","` + huge + `"]}`))
	})
	_, err := c.Org("octo-org").GetRunner(t.Context(), 23)
	require.Error(t, err)
	text := err.Error()
	for _, bad := range []string{"\n", "\r", "\x1b", "\x00"} {
		assert.NotContains(t, text, bad)
	}
	assert.Contains(t, text, `bad\nlevel=error`, "escaped, still readable")
	assert.Less(t, len(text), 8<<10, "a bounded error, not %d bytes", len(text))
	apiErr := apiError(t, err)
	assert.LessOrEqual(t, len(apiErr.RequestID), maxRequestID+len("…"))
	assert.LessOrEqual(t, len(apiErr.Message), maxMessage+len("…"))
}

func TestRedactCleanText(t *testing.T) {
	t.Parallel()
	for in, want := range map[string]string{
		"plain text, ünïcødé": "plain text, ünïcødé",
		"a\nb":                `a\nb`,
		"\x1b[2J":             `\x1b[2J`,
		"nul\x00":             `nul\x00`,
		"bad \xff utf8":       `bad \xff utf8`,
		"line\u2028sep":       `line\u2028sep`,
		"":                    "",
	} {
		assert.Equal(t, want, cleanText(in, 100), "%q", in)
	}
	assert.Equal(t, "abc…", cleanText("abcdef", 3))
	assert.Equal(t, "…", cleanText("ééé", 1), "never cuts a character")
}

// Text that needs no cleaning costs nothing (not parallel: AllocsPerRun).
func TestRedactCleanTextAllocs(t *testing.T) {
	s := "no change"
	assert.Equal(t, 0.0, testing.AllocsPerRun(100, func() { _ = cleanText(s, 100) }))
}
