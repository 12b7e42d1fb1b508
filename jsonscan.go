package runners

// A small validating JSON tokenizer, for the decoders of runnerjson.go (read
// that file's comment first). It accepts exactly what encoding/json's scanner
// accepts: RFC 8259 syntax, at most maxJSONDepth nested arrays and objects,
// any bytes of 0x80 and above inside strings (invalid UTF-8 included), and
// nothing but white space around the one value.

import (
	"fmt"
)

// maxJSONDepth is encoding/json's nesting limit.
const maxJSONDepth = 10000

// jsonScanner reads one JSON text held in memory, token by token, as a
// decoder asks for them. Nothing it returns aliases data except the raw
// string bytes, which the decoders copy.
//
// The first error sticks: it empties data, so every later call finds the end
// of the input, reports no value and leaves err alone. A decoder can run its
// loops to their end and check err once.
type jsonScanner struct {
	data  []byte
	pos   int
	depth int
	err   error

	key      []byte // the raw key of the member read last
	keyPlain bool   // key needs no unquoting
}

// fail records the first error.
func (s *jsonScanner) fail(format string, args ...any) {
	if s.err == nil {
		s.err = fmt.Errorf(format, args...)
		s.data, s.pos = nil, 0
	}
}

// syntaxError fails on the byte at the current offset, or on the end.
func (s *jsonScanner) syntaxError() {
	if s.pos >= len(s.data) {
		s.fail("unexpected end of JSON input")
		return
	}
	s.fail("invalid character %q at offset %d", s.data[s.pos], s.pos)
}

// peek skips white space and returns the next byte, or 0 at the end (0 is
// never valid outside a string).
func (s *jsonScanner) peek() byte {
	for s.pos < len(s.data) {
		switch c := s.data[s.pos]; c {
		case ' ', '\t', '\n', '\r':
			s.pos++
		default:
			return c
		}
	}
	return 0
}

// end checks that only white space follows the value.
func (s *jsonScanner) end() {
	if s.peek(); s.pos < len(s.data) { // a NUL too
		s.fail("invalid character %q after the top-level value at offset %d", s.data[s.pos], s.pos)
	}
}

// enter reads the '{' or '[' that peek returned.
func (s *jsonScanner) enter() {
	if s.depth++; s.depth > maxJSONDepth {
		s.fail("exceeded max depth at offset %d", s.pos)
		return
	}
	s.pos++
}

// more reports whether item i (from 0) of the array or object entered
// comes next, reading the comma before it; at close, the closing bracket or
// brace, it leaves the array or object and reports false.
func (s *jsonScanner) more(i int, close byte) bool {
	c := s.peek()
	if c == close {
		s.pos++
		s.depth--
		return false
	}
	if i > 0 {
		if c != ',' {
			s.syntaxError()
			return false
		}
		s.pos++
	}
	return s.err == nil
}

// element moves to element i (from 0) of the array entered (see more).
func (s *jsonScanner) element(i int) bool { return s.more(i, ']') }

// member moves to member i (from 0) of the object entered (see more) and
// reads its key (into key and keyPlain) and the colon.
func (s *jsonScanner) member(i int) bool {
	if !s.more(i, '}') {
		return false
	}
	if s.peek() != '"' {
		s.syntaxError()
		return false
	}
	s.key, s.keyPlain = s.rawString()
	if s.peek() != ':' {
		s.syntaxError()
		return false
	}
	s.pos++
	return s.err == nil
}

// skip validates one value of any kind and moves past it: what the decoders
// do with members they do not know.
func (s *jsonScanner) skip() {
	switch c := s.peek(); {
	case c == '{':
		s.enter()
		for i := 0; s.member(i); i++ {
			s.skip()
		}
	case c == '[':
		s.enter()
		for i := 0; s.element(i); i++ {
			s.skip()
		}
	case c == '"':
		s.rawString()
	case c == '-' || '0' <= c && c <= '9':
		s.number()
	case c == 't':
		s.word("true")
	case c == 'f':
		s.word("false")
	case c == 'n':
		s.word("null")
	default:
		s.syntaxError()
	}
}

// word reads the literal w (true, false or null), which starts at the
// current offset.
func (s *jsonScanner) word(w string) {
	for i := range len(w) {
		if s.pos >= len(s.data) || s.data[s.pos] != w[i] {
			s.syntaxError()
			return
		}
		s.pos++
	}
}

// null reads a null if one comes next, and reports whether it did.
func (s *jsonScanner) null() bool {
	if s.peek() != 'n' {
		return false
	}
	s.word("null")
	return true
}

// number reads the number starting at the current offset and returns its
// bytes, and whether it is an integer (no fraction, no exponent).
func (s *jsonScanner) number() (raw []byte, integer bool) {
	d, i := s.data, s.pos
	if i < len(d) && d[i] == '-' {
		i++
	}
	integer = true
	ok := true
	if i < len(d) && d[i] == '0' {
		i++
	} else {
		i, ok = digits(d, i)
	}
	if ok && i < len(d) && d[i] == '.' {
		integer = false
		i, ok = digits(d, i+1)
	}
	if ok && i < len(d) && (d[i] == 'e' || d[i] == 'E') {
		integer = false
		if i++; i < len(d) && (d[i] == '+' || d[i] == '-') {
			i++
		}
		i, ok = digits(d, i)
	}
	if !ok {
		s.pos = i
		s.syntaxError()
		return nil, false
	}
	raw, s.pos = d[s.pos:i], i
	return raw, integer
}

// digits returns the offset after the digits starting at d[i], and whether
// there was at least one.
func digits(d []byte, i int) (int, bool) {
	j := i
	for j < len(d) && '0' <= d[j] && d[j] <= '9' {
		j++
	}
	return j, j > i
}

// The value readers below read the value of a member or element. A JSON
// null stores nothing and reports false, as encoding/json leaves a field
// alone for a null; a value of another kind than the one asked for is an
// error, as it is for encoding/json.

// int64Value reads an integer in the range of int64 into dst. Like
// encoding/json for an int64 field, it refuses a fraction or an exponent
// (even 1.0 or 1e2) and a number out of range.
func (s *jsonScanner) int64Value(dst *int64) bool {
	switch c := s.peek(); {
	case c == 'n':
		s.word("null")
		return false
	case c != '-' && (c < '0' || c > '9'):
		s.typeError("a number")
		return false
	}
	start := s.pos
	raw, integer := s.number()
	if s.err != nil {
		return false
	}
	n, ok := parseInt64(raw)
	if !integer || !ok {
		s.fail("number %s at offset %d is not an integer in the range of int64", raw, start)
		return false
	}
	*dst = n
	return true
}

// parseInt64 parses the digits of a JSON integer, reporting false when it
// is out of range.
func parseInt64(raw []byte) (int64, bool) {
	neg := raw[0] == '-'
	if neg {
		raw = raw[1:]
	}
	limit := uint64(1<<63 - 1)
	if neg {
		limit++
	}
	var n uint64
	for _, c := range raw {
		d := uint64(c - '0')
		if n > (limit-d)/10 {
			return 0, false
		}
		n = n*10 + d
	}
	if neg {
		return -int64(n), true // -(1<<63) wraps to itself, math.MinInt64
	}
	return int64(n), true
}

// intValue reads an integer in the range of int into dst (int64Value's
// rules, and int's range where int is 32 bits).
func (s *jsonScanner) intValue(dst *int) bool {
	start := s.pos
	var n int64
	if !s.int64Value(&n) {
		return false
	}
	if int64(int(n)) != n {
		s.fail("number %d at offset %d is out of the range of int", n, start)
		return false
	}
	*dst = int(n)
	return true
}

// boolValue reads true or false into dst.
func (s *jsonScanner) boolValue(dst *bool) bool {
	switch s.peek() {
	case 't':
		s.word("true")
		*dst = true
	case 'f':
		s.word("false")
		*dst = false
	case 'n':
		s.word("null")
		return false
	default:
		s.typeError("true or false")
		return false
	}
	return s.err == nil
}

// stringValue reads a string and returns its raw bytes (see rawString);
// ok is false for a null.
func (s *jsonScanner) stringValue() (raw []byte, plain, ok bool) {
	switch s.peek() {
	case '"':
		raw, plain = s.rawString()
		return raw, plain, s.err == nil
	case 'n':
		s.word("null")
	default:
		s.typeError("a string")
	}
	return nil, false, false
}

// open enters the object or array (open is '{' or '[') that comes next and
// reports true; for a null it reports false.
func (s *jsonScanner) open(open byte) bool {
	switch s.peek() {
	case open:
		s.enter()
		return s.err == nil
	case 'n':
		s.word("null")
	default:
		if open == '{' {
			s.typeError("an object")
		} else {
			s.typeError("an array")
		}
	}
	return false
}

// typeError fails on a value of the wrong kind, after checking that it is
// valid JSON (so that a syntax error is reported as one).
func (s *jsonScanner) typeError(want string) {
	if s.peek() == 0 {
		s.syntaxError()
		return
	}
	start := s.pos
	kind := "a number"
	switch s.data[start] {
	case 'n':
		kind = "null"
	case '"':
		kind = "a string"
	case '{':
		kind = "an object"
	case '[':
		kind = "an array"
	case 't', 'f':
		kind = "a boolean"
	}
	s.skip()
	if s.err == nil {
		s.fail("%s where %s belongs at offset %d", kind, want, start)
	}
}
