package runners

import (
	"encoding/json"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// Strings decode as encoding/json decodes them: escapes, invalid UTF-8 and
// lone surrogates alike.
func TestJSONScanStrings(t *testing.T) {
	t.Parallel()
	for _, raw := range []string{
		``, `plain`, `ünïcødé 😀`, `\"\\\/\b\f\n\r\t`, `\u0000\u001f\u007f\u00e9\u20AC\uFFFD`,
		`\ud83d\ude00`, `\udbff\udfff`, `\ud800`, `\udc00`, `\ud800x`, `x\ud800`, `\ud800\ud800\udc00`, `\udc00\ud800`,
		`\ud800\u0041`, `\ud800\n`, `\uD834\uDD1E`, "\xff", "\xfe\xff", "a\xc3\x28b", "\xed\xa0\x80", "\xf4\x90\x80\x80",
		"\xc0\xaf", "\xe2\x82", "\xe2\x82\xac", "\xff\\n\xfe", "\xef\xbf\xbd", "\\u00e9\xe9",
	} {
		body := []byte(`"` + raw + `"`)
		var want string
		require.NoError(t, json.Unmarshal(body, &want), "%q", raw)

		s := jsonScanner{data: body}
		got, plain, ok := s.stringValue()
		require.True(t, ok, "%q", raw)
		require.NoError(t, s.err, "%q", raw)
		assert.Equal(t, want, text(got, plain), "%q", raw)
		assert.Equal(t, want == raw, plain, "%q: plain only when the raw bytes are the string", raw)
	}
}
