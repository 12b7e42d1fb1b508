package runners

import (
	"errors"
	"fmt"
	"io"
	"net/url"
	"strconv"
	"strings"
	"unicode"
	"unicode/utf8"
)

// This file keeps secrets and hostile text out of what the package prints:
// redacted values for fmt and slog, URLs quoted without what may carry a
// credential, and server text made safe for logs and terminals.

// redacted stands for a secret in printed values: "" when there is none, so
// that an empty secret can still be told apart.
func redacted(secret string) string {
	if secret == "" {
		return `""`
	}
	return "[redacted]"
}

// formatRedacted writes s, a redacted description, for any fmt verb; %q
// quotes it.
func formatRedacted(f fmt.State, verb rune, s string) {
	if verb == 'q' {
		s = strconv.Quote(s)
	}
	io.WriteString(f, s)
}

// quoteURL quotes u for an error message with only its scheme, host and
// path: userinfo, a query and a fragment may all carry a credential
// (?access_token=...), so none of them is ever quoted.
func quoteURL(u *url.URL) string {
	s := (&url.URL{Scheme: u.Scheme, Host: u.Host, Path: u.Path, RawPath: u.RawPath}).String()
	if u.User != nil || u.RawQuery != "" || u.ForceQuery || u.Fragment != "" {
		s += "[…]"
	}
	return strconv.Quote(cleanText(s, maxQuotedURL))
}

const (
	maxQuotedURL   = 256  // bytes of a URL quoted in an error
	maxMessage     = 1024 // bytes of GitHub's message (or one error detail) kept in an error
	maxRequestID   = 128  // bytes of X-GitHub-Request-Id kept; GitHub's are about 40
	maxErrorDetail = 20   // error details kept; GitHub sends a handful
)

// urlParseError is what url.Parse said, without the URL it quotes: the URL
// may carry credentials (https://user:token@host/...).
func urlParseError(err error) error {
	var ue *url.Error
	if errors.As(err, &ue) {
		return ue.Err
	}
	return err
}

// cleanText makes text from a server safe to put in an error: control
// characters (newlines that would forge log lines, ESC sequences, NUL) and
// invalid UTF-8 are escaped as Go escapes them, and the result is cut to at
// most max bytes (plus an ellipsis), on a character boundary. Text that needs
// nothing is returned as it is, without allocating.
func cleanText(s string, max int) string {
	if len(s) <= max && !needsCleaning(s) {
		return s
	}
	var b strings.Builder
	for i := 0; i < len(s); {
		r, size := utf8.DecodeRuneInString(s[i:])
		var piece string
		switch {
		case r == utf8.RuneError && size == 1:
			piece = `\x` + strconv.FormatUint(uint64(s[i]), 16)
		case unicode.IsControl(r) || r == '\u2028' || r == '\u2029':
			piece = strings.Trim(strconv.QuoteRune(r), "'")
		default:
			piece = s[i : i+size]
		}
		if b.Len()+len(piece) > max {
			b.WriteString("…")
			break
		}
		b.WriteString(piece)
		i += size
	}
	return b.String()
}

func needsCleaning(s string) bool {
	for _, r := range s {
		if r == utf8.RuneError || unicode.IsControl(r) || r == '\u2028' || r == '\u2029' {
			return true
		}
	}
	return false
}
