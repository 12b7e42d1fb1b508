package runners

import (
	"bytes"
	"encoding/json"
	"fmt"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// rjRunner is a complete runner as GitHub sends it, with member k replaced
// by v, or left out when v is "".
func rjRunner(k, v string) string {
	members := []string{`"id":1`, `"name":"r"`, `"os":"linux"`, `"status":"online"`, `"busy":false`, `"labels":[{"id":5,"name":"self-hosted","type":"read-only"}]`}
	var out []string
	for _, m := range members {
		if name, _, _ := strings.Cut(m, ":"); name == `"`+k+`"` {
			if v == "" {
				continue
			}
			m = name + ":" + v
		}
		out = append(out, m)
	}
	return "{" + strings.Join(out, ",") + "}"
}

// rjComplete is rjRunner with nothing replaced, and what it decodes to.
var rjComplete = rjRunner("", "")

func rjCompleteRunner() *Runner {
	return &Runner{ID: 1, Name: "r", OS: "linux", Status: RunnerOnline, Labels: []*Label{{ID: 5, Name: "self-hosted", Type: LabelReadOnly}}}
}

// A member GitHub always sends is required: missing, null, or null the last
// time its key comes, it is an error naming it, for a runner alone, in a
// list, or inside another model.
func TestDecodeRequiredMembers(t *testing.T) {
	t.Parallel()
	for _, k := range []string{"id", "name", "os", "status", "busy", "labels"} {
		for _, body := range []string{rjRunner(k, ""), rjRunner(k, "null"), strings.TrimSuffix(rjComplete, "}") + `,"` + k + `":null}`} {
			var r Runner
			assert.EqualError(t, decodeBody([]byte(body), &r), `"`+k+`" is missing or null`, body)

			var l RunnerList
			list := `{"total_count":2,"runners":[` + rjComplete + `,` + body + `]}`
			assert.EqualError(t, decodeBody([]byte(list), &l), `runners[1]: "`+k+`" is missing or null`, list)

			var jit JITConfig
			assert.ErrorContains(t, decodeBody([]byte(`{"runner":`+body+`,"encoded_jit_config":"x"}`), &jit), `"`+k+`" is missing or null`)
		}
		var r Runner
		body := strings.Replace(rjComplete, "{", `{"`+k+`":null,`, 1)
		require.NoError(t, decodeBody([]byte(body), &r), "a later value counts: %s", body)
		assert.Equal(t, rjCompleteRunner(), &r)
	}
	for body, want := range map[string]string{
		`{"runners":[]}`:                     `"total_count" is missing or null`,
		`{"total_count":null,"runners":[]}`:  `"total_count" is missing or null`,
		`{"total_count":0}`:                  `"runners" is missing or null`,
		`{"total_count":0,"runners":null}`:   `"runners" is missing or null`,
		`{"total_count":1,"runners":[null]}`: `runners[0] is null`,
		`{}`:                                 `"total_count" is missing or null`,
		`{"total_count":1,"runners":[` + rjRunner("labels", `[{"id":1}]`) + `]}`:              `runners[0]: labels[0]: "name" is missing or null`,
		`{"total_count":1,"runners":[` + rjRunner("labels", `[{"name":null}]`) + `]}`:         `runners[0]: labels[0]: "name" is missing or null`,
		`{"total_count":1,"runners":[` + rjRunner("labels", `[{"name":"a"},null]`) + `]}`:     `runners[0]: labels[1] is null`,
		`{"total_count":1,"runners":[` + rjRunner("id", `"1"`) + `]}`:                         `runners[0]: a string where a number belongs at offset 34`,
		`{"total_count":1,"runners":[` + rjRunner("labels", `[{"name":"a","type":5}]`) + `]}`: `runners[0]: labels[0]: a number where a string belongs at offset 120`,
		`{"total_count":1,"runners":[` + rjRunner("busy", `1`) + `]}`:                         `runners[0]: a number where true or false belongs at offset 85`,
	} {
		var l RunnerList
		assert.EqualError(t, decodeBody([]byte(body), &l), want, body)
	}
	// A label with a name is complete: its id and type are optional.
	var r Runner
	require.NoError(t, decodeBody([]byte(rjRunner("labels", `[{"name":"gpu"}]`)), &r))
	assert.Equal(t, []*Label{{Name: "gpu"}}, r.Labels)
	var labels labelList
	assert.ErrorContains(t, decodeBody([]byte(`{"total_count":1,"labels":[{"id":1,"type":"custom"}]}`), &labels), `"name" is missing or null`, "label lists too, through Label.UnmarshalJSON")
}

// The edge cases of encoding/json's decoding, each decoded as encoding/json
// decodes it (the fuzz target checks the same against encoding/json itself).
func TestDecodeEdgeCases(t *testing.T) {
	t.Parallel()
	with := func(f func(*Runner)) *Runner {
		r := rjCompleteRunner()
		f(r)
		return r
	}
	for _, c := range []struct {
		name, body string
		want       *Runner // nil: refused
	}{
		{"keys in any case", `{"ID":1,"NAME":"r","Os":"linux","sTaTuS":"online","Busy":false,"LABELS":[{"Id":5,"nAME":"self-hosted","TYPE":"read-only"}]}`, rjCompleteRunner()},
		{"a long s folds to s", `{"id":1,"name":"r","oſ":"linux","ſtatuſ":"online","buſy":false,"labelſ":[{"id":5,"name":"self-hosted","type":"read-only"}]}`, rjCompleteRunner()},
		{"escaped keys", `{"\u0069d":1,"n\u0061me":"r","\u006fs":"linux","\u017ftatus":"online","busy":false,"l\u0061bels":[{"\u0069d":5,"name":"self-hosted","type":"read-only"}]}`, rjCompleteRunner()},
		{"a key is no prefix", rjRunner("", "")[:1] + `"idx":7,"i":8,"names":"x","":1,"id\u0000":2,` + rjComplete[1:], rjCompleteRunner()},
		{"invalid UTF-8 in a key is no match", strings.Replace(rjComplete, `"os"`, "\"o\xffs\"", 1), nil},
		{"the last duplicate wins", strings.TrimSuffix(rjComplete, "}") + `,"id":2,"Name":"s","labels":[{"name":"c"}]}`, with(func(r *Runner) { r.ID, r.Name, r.Labels = 2, "s", []*Label{{Name: "c"}} })},
		{"a null leaves an optional member alone", strings.TrimSuffix(rjComplete, "}") + `,"version":"2.3","version":null,"runner_group_id":4,"runner_group_id":null,"ephemeral":true,"ephemeral":null}`, with(func(r *Runner) { r.Version, r.RunnerGroupID, r.Ephemeral = "2.3", 4, true })},
		{"null optional members", rjRunner("labels", `[{"id":null,"name":"x","type":null}]`), with(func(r *Runner) { r.Labels = []*Label{{Name: "x"}} })},
		{"empty labels", rjRunner("labels", `[]`), with(func(r *Runner) { r.Labels = []*Label{} })},
		{"invalid UTF-8", rjRunner("name", "\"a\xffb\xc3\x28\xed\xa0\x80\""), with(func(r *Runner) { r.Name = "a\uFFFDb\uFFFD(\uFFFD\uFFFD\uFFFD" })},
		{"lone surrogates", rjRunner("name", `"\ud800x\udc00\ud800\ud83d\ude00\ud800\u0041"`), with(func(r *Runner) { r.Name = "\uFFFDx\uFFFD\uFFFD😀\uFFFDA" })},
		{"escapes", rjRunner("name", `"\"\\\/\b\f\n\r\t\u00e9"`), with(func(r *Runner) { r.Name = "\"\\/\b\f\n\r\té" })},
		{"escaped status", rjRunner("status", `"\u006fnline"`), rjCompleteRunner()},
		{"another status", rjRunner("status", `"Idle"`), with(func(r *Runner) { r.Status = "Idle" })},
		{"negative zero", rjRunner("id", "-0"), with(func(r *Runner) { r.ID = 0 })},
		{"largest ID", rjRunner("id", "9223372036854775807"), with(func(r *Runner) { r.ID = 1<<63 - 1 })},
		{"ID out of range", rjRunner("id", "9223372036854775808"), nil},
		{"ID with a fraction", rjRunner("id", "1.0"), nil},
		{"ID with an exponent", rjRunner("id", "1e0"), nil},
		{"busy as a number", rjRunner("busy", "0"), nil},
		{"busy as a string", rjRunner("busy", `"true"`), nil},
		{"unknown members at any depth", strings.TrimSuffix(rjComplete, "}") + `,"x":{"a":[1,{"b":[null,true,-1.5e-3,"\u0000"]}]},"y":[]}`, rjCompleteRunner()},
		{"an invalid unknown member", strings.TrimSuffix(rjComplete, "}") + `,"x":[1,]}`, nil},
		{"white space around", " \t\r\n" + rjComplete + "\n ", rjCompleteRunner()},
		{"trailing data", rjComplete + " {}", nil},
		{"trailing no-break space", rjComplete + "\u00a0", nil},
		{"nesting at the limit", strings.TrimSuffix(rjComplete, "}") + `,"x":` + strings.Repeat("[", 9999) + strings.Repeat("]", 9999) + "}", rjCompleteRunner()},
		{"nesting past the limit", strings.TrimSuffix(rjComplete, "}") + `,"x":` + strings.Repeat("[", 10000) + strings.Repeat("]", 10000) + "}", nil},
		{"a runner array", "[" + rjComplete + "]", nil},
	} {
		var r Runner
		err := decodeBody([]byte(c.body), &r)
		if c.want == nil {
			assert.Error(t, err, c.name)
			continue
		}
		if assert.NoError(t, err, c.name) {
			assert.Equal(t, c.want, &r, c.name)
		}
	}
}

// A repeated runner list, runner or label replaces the earlier one whole;
// encoding/json would decode it into the earlier one.
func TestDecodeRepeatedObjects(t *testing.T) {
	t.Parallel()
	var l RunnerList
	body := `{"total_count":2,"runners":[` + rjComplete + `,` + rjComplete + `],"runners":[` + rjRunner("id", "3") + `]}`
	require.NoError(t, decodeBody([]byte(body), &l))
	assert.Equal(t, &RunnerList{TotalCount: 2, Runners: []*Runner{func() *Runner { r := rjCompleteRunner(); r.ID = 3; return r }()}}, &l)

	body = `{"total_count":1,"runners":[` + rjComplete + `],"runners":[{"id":3}]}`
	assert.EqualError(t, decodeBody([]byte(body), &l), `runners[0]: "name" is missing or null`, "not merged into the earlier runner")

	var jit JITConfig
	body = `{"runner":` + rjComplete + `,"runner":{"id":3},"encoded_jit_config":"x"}`
	assert.ErrorContains(t, decodeBody([]byte(body), &jit), `"name" is missing or null`, "a JIT config's runner neither")
}

// Runner, RunnerList and Label decode the same way through encoding/json,
// and a null leaves them alone.
func TestDecodeUnmarshalJSON(t *testing.T) {
	t.Parallel()
	var r Runner
	require.NoError(t, json.Unmarshal([]byte(rjComplete), &r))
	assert.Equal(t, rjCompleteRunner(), &r)
	require.NoError(t, json.Unmarshal([]byte(`null`), &r))
	assert.Equal(t, rjCompleteRunner(), &r, "null is a no-op")
	require.NoError(t, json.Unmarshal([]byte(rjRunner("name", `"other"`)), &r))
	assert.Equal(t, "other", r.Name)
	assert.Error(t, json.Unmarshal([]byte(`{"id":1}`), &r))

	var l RunnerList
	l.NextPage = 3
	require.NoError(t, json.Unmarshal([]byte(`{"total_count":1,"runners":[`+rjComplete+`]}`), &l))
	assert.Equal(t, &RunnerList{TotalCount: 1, Runners: []*Runner{rjCompleteRunner()}, NextPage: 3}, &l, "NextPage is not JSON's")
	assert.EqualError(t, json.Unmarshal([]byte(`{"total_count":1}`), &l), `"runners" is missing or null`)

	var labels []*Label
	require.NoError(t, json.Unmarshal([]byte(`[{"name":"a"},{"id":2,"name":"b","type":"custom"}]`), &labels))
	assert.Equal(t, []*Label{{Name: "a"}, {ID: 2, Name: "b", Type: LabelCustom}}, labels)
	assert.Error(t, json.Unmarshal([]byte(`[{"id":2}]`), &labels))

	var jit JITConfig
	require.NoError(t, decodeBody(fixture(t, "jitconfig.json"), &jit))
	require.NotNil(t, jit.Runner)
	assert.NotZero(t, jit.Runner.ID)
}

// Decoded strings are copies: the body buffer, pooled and reused, can change
// under them.
func TestDecodeStringsAreCopies(t *testing.T) {
	t.Parallel()
	body := []byte(`{"total_count":1,"runners":[` + rjRunner("labels", `[{"id":5,"name":"gpu-a100","type":"c\u0075stom"}]`) + `]}`)
	var l RunnerList
	require.NoError(t, decodeBody(body, &l))
	for i := range body {
		body[i] = 'X'
	}
	r := l.Runners[0]
	assert.Equal(t, []string{"r", "linux", "online", "gpu-a100", "custom"}, []string{r.Name, r.OS, string(r.Status), r.Labels[0].Name, string(r.Labels[0].Type)})
}

// The values most runners share are not allocated once per runner: a runner
// whose strings are all shared but its name costs the runner, its name and
// the two blocks of its labels; each string that is not shared costs one
// more. (Four also shows that decodeBody reads a runner with runnerjson.go,
// not through encoding/json and Runner.UnmarshalJSON.)
func TestDecodeSharedStrings(t *testing.T) {
	shared := []byte(`{"id":1,"name":"build-1","os":"linux","status":"offline","busy":false,"labels":[` +
		`{"id":5,"name":"self-hosted","type":"read-only"},{"id":7,"name":"X64","type":"read-only"},` +
		`{"id":11,"name":"Linux","type":"read-only"},{"id":12,"name":"ARM64","type":"custom"}]}`)
	var r Runner
	assert.Equal(t, 4.0, testing.AllocsPerRun(100, func() {
		if err := decodeBody(shared, &r); err != nil {
			t.Fatal(err)
		}
	}))
	assert.Equal(t, RunnerOffline, r.Status)
	assert.Equal(t, LabelCustom, r.Labels[3].Type)
	other := bytes.ReplaceAll(bytes.ReplaceAll(shared, []byte(`"offline"`), []byte(`"idle"`)), []byte(`"X64"`), []byte(`"gpu"`))
	assert.Equal(t, 6.0, testing.AllocsPerRun(100, func() {
		if err := decodeBody(other, &r); err != nil {
			t.Fatal(err)
		}
	}))
	assert.Equal(t, RunnerStatus("idle"), r.Status)
	assert.Equal(t, "gpu", r.Labels[1].Name)
}

// benchPage is a page of n runners with 4 labels each, as GitHub sends it
// (compact, or indented by two spaces).
func benchPage(tb testing.TB, n int, indent bool) []byte {
	tb.Helper()
	type label struct {
		ID   int64  `json:"id"`
		Name string `json:"name"`
		Type string `json:"type"`
	}
	type runner struct {
		ID        int64   `json:"id"`
		Name      string  `json:"name"`
		OS        string  `json:"os"`
		Status    string  `json:"status"`
		Busy      bool    `json:"busy"`
		Ephemeral bool    `json:"ephemeral"`
		Labels    []label `json:"labels"`
	}
	page := struct {
		TotalCount int      `json:"total_count"`
		Runners    []runner `json:"runners"`
	}{TotalCount: 1000}
	oses := [][2]string{{"linux", "Linux"}, {"macos", "macOS"}, {"windows", "Windows"}}
	for i := 1; i <= n; i++ {
		o := oses[i%3]
		status := "online"
		if i%4 == 0 {
			status = "offline"
		}
		page.Runners = append(page.Runners, runner{
			ID: 10000 + int64(i), Name: fmt.Sprintf("runner-%05d", i), OS: o[0], Status: status, Busy: i%3 == 0, Ephemeral: i%5 == 0,
			Labels: []label{{5, "self-hosted", "read-only"}, {7, "X64", "read-only"}, {11 + int64(i%3), o[1], "read-only"}, {100 + int64(i%10), fmt.Sprintf("pool-%d", i%10), "custom"}},
		})
	}
	var b []byte
	var err error
	if indent {
		b, err = json.MarshalIndent(page, "", "  ")
	} else {
		b, err = json.Marshal(page)
	}
	if err != nil {
		tb.Fatal(err)
	}
	return b
}

// BenchmarkDecodeRunnerList decodes a page of 100 runners with
// runnerjson.go (decodeBody) and with encoding/json into plain copies of the
// models (what decodeBody did before runnerjson.go, without its checks).
func BenchmarkDecodeRunnerList(b *testing.B) {
	for _, indent := range []bool{false, true} {
		body := benchPage(b, 100, indent)
		b.Run(fmt.Sprintf("indent=%t/decoder=runnerjson", indent), func(b *testing.B) {
			b.SetBytes(int64(len(body)))
			b.ReportAllocs()
			for b.Loop() {
				var l RunnerList
				if err := decodeBody(body, &l); err != nil || len(l.Runners) != 100 {
					b.Fatal(err)
				}
			}
		})
		b.Run(fmt.Sprintf("indent=%t/decoder=encoding-json", indent), func(b *testing.B) {
			b.SetBytes(int64(len(body)))
			b.ReportAllocs()
			for b.Loop() {
				var l plainRunnerList
				if err := json.Unmarshal(body, &l); err != nil || len(l.Runners) != 100 {
					b.Fatal(err)
				}
			}
		})
	}
}

// The models as encoding/json decodes them, without the library's methods.
type (
	plainRunnerList struct {
		TotalCount int            `json:"total_count"`
		Runners    []*plainRunner `json:"runners"`
	}
	plainRunner struct {
		ID            int64         `json:"id"`
		RunnerGroupID int64         `json:"runner_group_id"`
		Name          string        `json:"name"`
		OS            string        `json:"os"`
		Status        string        `json:"status"`
		Busy          bool          `json:"busy"`
		Ephemeral     bool          `json:"ephemeral"`
		Version       string        `json:"version"`
		Labels        []*plainLabel `json:"labels"`
	}
	plainLabel struct {
		ID   int64  `json:"id"`
		Name string `json:"name"`
		Type string `json:"type"`
	}
)

// BenchmarkDecodeNested decodes the models that hold runners or labels and
// stay with encoding/json (a JIT config, a label list), with the library's
// UnmarshalJSON of Runner and Label and without (plain copies).
func BenchmarkDecodeNested(b *testing.B) {
	type plainJITConfig struct {
		Runner           *plainRunner `json:"runner"`
		EncodedJITConfig string       `json:"encoded_jit_config"`
	}
	type plainLabelList struct {
		TotalCount int           `json:"total_count"`
		Labels     []*plainLabel `json:"labels"`
	}
	for _, c := range []struct {
		name, fixture string
		lib, plain    func() any
	}{
		{"jitconfig", "jitconfig.json", func() any { return new(JITConfig) }, func() any { return new(plainJITConfig) }},
		{"labels", "labels.json", func() any { return new(labelList) }, func() any { return new(plainLabelList) }},
		{"runner", "get_runner.json", func() any { return new(Runner) }, func() any { return new(plainRunner) }},
	} {
		body := fixture(b, c.fixture)
		b.Run(c.name+"/decoder=library", func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				if err := decodeBody(body, c.lib()); err != nil {
					b.Fatal(err)
				}
			}
		})
		b.Run(c.name+"/decoder=encoding-json", func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				if err := json.Unmarshal(body, c.plain()); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}
