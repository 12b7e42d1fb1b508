package runners

import (
	"encoding/json"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
)

// jsValid reports whether the scanner accepts data as one JSON text.
func jsValid(data []byte) bool {
	s := jsonScanner{data: data}
	s.skip()
	s.end()
	return s.err == nil
}

// jsTexts are JSON texts, valid and not, on the edges of the grammar.
var jsTexts = []string{
	``, ` `, `null`, `true`, `false`, `nul`, `nulll`, `True`, `t`, `-`, `0`, `-0`, `01`, `-01`, `1.`, `.5`, `1.5`,
	`1e`, `1e+`, `1e-5`, `1E+05`, `0e0`, `-0.0e-0`, `+1`, `1 2`, `Infinity`, `NaN`, `0x10`, `1_000`,
	`""`, `"`, `"\"`, `"\\"`, `"\/"`, `"\q"`, `"\'"`, `"\u"`, `"\u12"`, `"\u12G4"`, `"\uD800"`, `"\uDFFF\uD800"`,
	"\"\x00\"", "\"\x1f\"", "\"\x7f\"", "\"\t\"", "\"\xff\"", "\"\xed\xa0\x80\"", `"\b\f\n\r\t"`,
	`[]`, `[ ]`, `[1,]`, `[,1]`, `[1 2]`, `[1,,2]`, `[`, `]`, `[[]]`, `[[],[]]`, `[{}]`,
	`{}`, `{ }`, `{"a":1}`, `{"a":1,}`, `{,"a":1}`, `{"a" 1}`, `{"a":}`, `{"a"}`, `{1:1}`, `{a:1}`, `{"a":1 "b":2}`,
	`{"a":1}}`, `{"a":[1,{"b":null}]}`, `{"":""}`, "\t\r\n {} \n\r\t", "\v{}", "\u00a0{}", "{}\u00a0", "{}\x00",
	"\ufeff{}", `{"a":1}{"b":2}`, `{"a":1},`, `[1]]`,
}

// The scanner accepts exactly what encoding/json accepts.
func TestJSONScanValidity(t *testing.T) {
	t.Parallel()
	for _, text := range jsTexts {
		assert.Equal(t, json.Valid([]byte(text)), jsValid([]byte(text)), "%q", text)
	}
}

// Nesting is refused past encoding/json's limit of 10,000 levels, as it is
// by encoding/json, whatever mixes arrays and objects.
func TestJSONScanDepth(t *testing.T) {
	t.Parallel()
	for _, depth := range []int{1, 9999, 10000, 10001, 20000} {
		arrays := strings.Repeat("[", depth) + strings.Repeat("]", depth)
		objects := strings.Repeat(`{"a":`, depth) + "1" + strings.Repeat("}", depth)
		mixed := jsMixedNesting(depth)
		for name, text := range map[string]string{"arrays": arrays, "objects": objects, "mixed": mixed} {
			want := json.Valid([]byte(text))
			assert.Equal(t, depth <= maxJSONDepth, want, "encoding/json's limit, %s of %d", name, depth)
			assert.Equal(t, want, jsValid([]byte(text)), "%s of %d", name, depth)
		}
	}
	s := jsonScanner{data: []byte(strings.Repeat("[", 10001))}
	s.skip()
	assert.EqualError(t, s.err, "exceeded max depth at offset 10000", "the offset of the bracket too many")
}

// jsMixedNesting returns depth levels of arrays and objects in turn.
func jsMixedNesting(depth int) string {
	pairs := strings.Repeat(`[{"a":`, depth/2)
	if depth%2 == 0 {
		return pairs + "1" + strings.Repeat("}]", depth/2) // the innermost is an object
	}
	return pairs + "[]" + strings.Repeat("}]", depth/2)
}

// Integers are those of int64 and int, without fraction or exponent.
func TestJSONScanIntegers(t *testing.T) {
	t.Parallel()
	for text, want := range map[string]int64{
		`0`: 0, `-0`: 0, `7`: 7, `-7`: -7, `9223372036854775807`: 1<<63 - 1, `-9223372036854775808`: -1 << 63,
	} {
		s := jsonScanner{data: []byte(text)}
		var n int64
		assert.True(t, s.int64Value(&n), text)
		assert.NoError(t, s.err, text)
		assert.Equal(t, want, n, text)
	}
	for _, text := range []string{
		`9223372036854775808`, `-9223372036854775809`, `18446744073709551616`, `99999999999999999999`,
		`1.0`, `1e2`, `1E+2`, `0.5`, `-0.0`, `"1"`, `true`, `[1]`, `{}`, `-`, `1.`,
	} {
		s := jsonScanner{data: []byte(text)}
		n := int64(42)
		assert.False(t, s.int64Value(&n), text)
		assert.Error(t, s.err, text)
		assert.Equal(t, int64(42), n, "%s: nothing stored", text)
		var ref int64
		assert.Error(t, json.Unmarshal([]byte(text), &ref), "encoding/json refuses %s too", text)
	}
	s := jsonScanner{data: []byte(` null`)}
	n := int64(42)
	assert.False(t, s.int64Value(&n))
	assert.NoError(t, s.err)
	assert.Equal(t, int64(42), n, "a null leaves the value alone")
}

// The first error sticks, names the offset, and stops the scanner.
func TestJSONScanErrors(t *testing.T) {
	t.Parallel()
	for text, want := range map[string]string{
		`{"a":1,}`:       `invalid character '}' at offset 7`,
		`{"a":1`:         `unexpected end of JSON input`,
		"\"a\x01\"":      `control character '\x01' in a string at offset 2`,
		`[1] [`:          `invalid character '[' after the top-level value at offset 4`,
		`"\x"`:           `invalid character 'x' at offset 2`,
		`[1.5e]`:         `invalid character ']' at offset 5`,
		`{"a":"\u12x4"}`: `invalid character 'x' at offset 10`,
	} {
		s := jsonScanner{data: []byte(text)}
		s.skip()
		s.end()
		assert.EqualError(t, s.err, want, "%q", text)
		assert.Zero(t, s.peek(), "%q: nothing left to read after an error", text)
	}
}

// FuzzJSONScan checks the tokenizer on its own against encoding/json: it
// accepts the same texts, and reads every string of a valid text as the
// same Go string.
func FuzzJSONScan(f *testing.F) {
	for _, text := range jsTexts {
		f.Add([]byte(text))
	}
	f.Add([]byte(`{"a":["\ud800",1e5,{"b":"x\u00e9"}],"c":-0.5,"d":[true,false,null]}`))
	f.Fuzz(func(t *testing.T, data []byte) {
		if got, want := jsValid(data), json.Valid(data); got != want {
			t.Fatalf("%q: scanner says valid %t, encoding/json %t", data, got, want)
		}
		var s jsonScanner
		s.data = data
		if s.peek() != '"' || !json.Valid(data) {
			return
		}
		var want string
		if err := json.Unmarshal(data, &want); err != nil {
			t.Fatalf("%q: %v", data, err)
		}
		raw, plain, ok := s.stringValue()
		if !ok || text(raw, plain) != want {
			t.Fatalf("%q: read %q (plain %t), encoding/json %q", data, text(raw, plain), plain, want)
		}
	})
}
