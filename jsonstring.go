package runners

import (
	"unicode/utf16"
	"unicode/utf8"
)

// The strings of the JSON tokenizer (jsonscan.go): reading a string value's
// raw bytes, and turning them into the Go string encoding/json would give.

// rawString reads the string starting at the current offset and returns
// the bytes between its quotes, and whether they are plain: no escape and
// valid UTF-8, so the same bytes once copied are the Go string.
func (s *jsonScanner) rawString() (raw []byte, plain bool) {
	d := s.data
	start := s.pos + 1
	plain, ascii := true, true
	for i := start; ; i++ {
		for i < len(d) && plainByte[d[i]] {
			i++
		}
		if i >= len(d) {
			s.pos = len(d)
			s.syntaxError()
			return nil, false
		}
		switch c := d[i]; {
		case c == '"':
			s.pos = i + 1
			raw = d[start:i]
			if !ascii && plain {
				plain = utf8.Valid(raw)
			}
			return raw, plain
		case c == '\\':
			plain = false
			s.pos = i + 1
			if i+1 >= len(d) {
				s.syntaxError()
				return nil, false
			}
			switch d[i+1] {
			case '"', '\\', '/', 'b', 'f', 'n', 'r', 't':
				i++
			case 'u':
				for j := i + 2; j < i+6; j++ {
					if s.pos = j; j >= len(d) || !isHex(d[j]) {
						s.syntaxError()
						return nil, false
					}
				}
				i += 5
			default:
				s.syntaxError()
				return nil, false
			}
		case c < ' ':
			s.pos = i
			s.fail("control character %q in a string at offset %d", c, s.pos)
			return nil, false
		default: // 0x80 and above
			ascii = false
		}
	}
}

// plainByte tells the bytes a string may hold as they are: ASCII but for
// the control characters, the quote and the backslash.
var plainByte = func() (t [256]bool) {
	for c := ' '; c < utf8.RuneSelf; c++ {
		t[c] = c != '"' && c != '\\'
	}
	return t
}()

func isHex(c byte) bool {
	return '0' <= c && c <= '9' || 'a' <= c && c <= 'f' || 'A' <= c && c <= 'F'
}

// appendUnquoted appends the string that the raw bytes of a valid JSON
// string stand for, as encoding/json decodes it: escapes resolved, a \u
// escape of a lone surrogate and each byte of invalid UTF-8 replaced by
// U+FFFD.
func appendUnquoted(dst, raw []byte) []byte {
	for i := 0; i < len(raw); {
		switch c := raw[i]; {
		case c == '\\':
			switch e := raw[i+1]; e {
			case 'u':
				r := hex4(raw[i+2:])
				i += 6
				if utf16.IsSurrogate(r) {
					if i+6 <= len(raw) && raw[i] == '\\' && raw[i+1] == 'u' {
						if pair := utf16.DecodeRune(r, hex4(raw[i+2:])); pair != utf8.RuneError {
							dst = utf8.AppendRune(dst, pair)
							i += 6
							continue
						}
					}
					r = utf8.RuneError // the next escape, if any, is read on its own
				}
				dst = utf8.AppendRune(dst, r)
				continue
			case 'b':
				dst = append(dst, '\b')
			case 'f':
				dst = append(dst, '\f')
			case 'n':
				dst = append(dst, '\n')
			case 'r':
				dst = append(dst, '\r')
			case 't':
				dst = append(dst, '\t')
			default: // '"', '\\', '/'
				dst = append(dst, e)
			}
			i += 2
		case c < utf8.RuneSelf:
			dst = append(dst, c)
			i++
		default:
			r, n := utf8.DecodeRune(raw[i:]) // utf8.RuneError, 1 for a byte of invalid UTF-8
			dst = utf8.AppendRune(dst, r)
			i += n
		}
	}
	return dst
}

// hex4 reads the four hex digits that start b (checked by rawString).
func hex4(b []byte) rune {
	var r rune
	for _, c := range b[:4] {
		switch {
		case c <= '9':
			c -= '0'
		case c <= 'F':
			c -= 'A' - 10
		default:
			c -= 'a' - 10
		}
		r = r<<4 | rune(c)
	}
	return r
}

// text returns a copy of the string of a string value's raw bytes.
func text(raw []byte, plain bool) string {
	if plain {
		return string(raw)
	}
	var buf [64]byte
	return string(appendUnquoted(buf[:0], raw))
}
