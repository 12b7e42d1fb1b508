package runners

// The decoders of the runner models: RunnerList, Runner and Label.
//
// Why: fleet tools list every runner of a scope every minute, and 93% of
// AllRunners' CPU time went to encoding/json (its reflection, and a full
// validation pass before it decodes); request, headers, auth and paging
// together are about 4%. These decoders read the same JSON in one validating
// pass over the bytes (the tokenizer is jsonscan.go), without reflection or
// unsafe, in about a fifth of encoding/json's time for a page of runners
// (BenchmarkDecodeRunnerList), and allocate what the models hold and little
// else. Every other model still goes through encoding/json.
//
// What: they accept what encoding/json accepts and decode it to the same
// value, with the library's checks on top, so that a runner decoded here, by
// Runner.UnmarshalJSON inside another model, or by a caller's json.Unmarshal
// is the same:
//   - the members GitHub always sends (OpenAPI "required": total_count and
//     runners of a list; id, name, os, status, busy and labels of a runner;
//     name of a label) must be there: a missing one, or a null (which
//     encoding/json would silently skip), is an error, never a zero value to
//     act on;
//   - a null runner or label in a list is an error (as checkDecoded says for
//     every model);
//   - keys match as encoding/json matches them: exactly, else under
//     bytes.EqualFold after unquoting ("ID", "Id", "ſtatus", which folds to
//     "status", U+212A KELVIN SIGN to "k");
//   - a repeated key: the last one wins; a repeated array or object replaces
//     the earlier one whole (encoding/json would merge a repeated runner into
//     the earlier one, which no real answer can depend on);
//   - strings: escapes resolved, each byte of invalid UTF-8 and each \u escape
//     of a lone surrogate turned into U+FFFD, as encoding/json does; strings
//     are always copied out of the (pooled) body buffer, never aliased; the
//     statuses, label types, OS names and labels GitHub applies share one
//     copy;
//   - numbers: an integer in range (int64, int for total_count); a fraction
//     or an exponent (1.0, 1e2) is an error, as for encoding/json; booleans are
//     true or false; a null leaves an optional field alone;
//   - unknown members, at any depth, are skipped but validated; more than
//     10,000 nested arrays and objects, anything but white space after the
//     value, and any syntax error are refused.
//
// How it is checked: FuzzDecodeBody (fuzz_test.go) decodes every input both
// ways, with these decoders and with encoding/json into shadow types plus the
// same rules, and requires the same value (reflect.DeepEqual) or a refusal
// from both; its seeds (testdata/fuzz/FuzzDecodeBody) cover every rule above.
// It passes with go1.26's encoding/json and with go1.27's, which is backed by
// encoding/json/v2. FuzzJSONScan checks the tokenizer alone against
// json.Valid and json.Unmarshal; runnerjson_test.go and jsonscan_test.go test
// the rules one by one.
//
// Memory: the labels of one runner share one block (one allocation for the
// labels, one for their pointers): a runner costs four allocations (itself,
// its name, its labels and their pointers) and one more for each string that
// is not shared (a custom label's name, say), about 500 for a page of 100
// runners with 4 labels each. Page-wide blocks (all the runners of a
// page in one []Runner, all its labels in one []Label) were measured: 217
// allocations a page instead of 507, but no faster (the blocks grow and are
// copied while the page is read), and one runner kept by the caller would
// keep its whole page (about 35 KB for 100 runners) alive. Not worth it.

import (
	"bytes"
	"encoding/json"
	"fmt"
	"math/bits"
)

// decodeJSON decodes the JSON value in data into out: a *RunnerList,
// *Runner or *Label with the decoders of this file, anything else with
// encoding/json. A null leaves out alone, as encoding/json does (decodeBody
// refuses a null body before).
func decodeJSON(data []byte, out any) error {
	d := runnerDecoder{jsonScanner: jsonScanner{data: data}}
	if d.null() {
		d.end()
		return d.err
	}
	switch v := out.(type) {
	case *RunnerList:
		*v = RunnerList{NextPage: v.NextPage} // NextPage is not JSON's
		d.decodeRunnerList(v)
	case *Runner:
		*v = Runner{}
		d.decodeRunner(v)
	case *Label:
		*v = Label{}
		d.decodeLabel(v)
	default:
		return json.Unmarshal(data, out)
	}
	d.end()
	return d.err
}

// UnmarshalJSON decodes a runner list as the client does (see the rules in
// runnerjson.go): total_count and runners must be there, and every runner
// must be complete. A JSON null leaves l alone.
func (l *RunnerList) UnmarshalJSON(data []byte) error { return decodeJSON(data, l) }

// UnmarshalJSON decodes a runner as the client does (see the rules in
// runnerjson.go): it replaces r, and refuses a runner without one of the
// members GitHub always sends (id, name, os, status, busy, labels), so a
// runner inside another model, such as [JITConfig], is checked too. A JSON
// null leaves r alone.
func (r *Runner) UnmarshalJSON(data []byte) error { return decodeJSON(data, r) }

// UnmarshalJSON decodes a label as the client does (see the rules in
// runnerjson.go): it replaces l, and refuses a label without a name. A JSON
// null leaves l alone.
func (l *Label) UnmarshalJSON(data []byte) error { return decodeJSON(data, l) }

// runnerDecoder reads the runner models from a jsonScanner.
type runnerDecoder struct {
	jsonScanner
	labels []Label // the labels of the runner being read, until they are copied to their block
}

// The members of each model: the keys, by field constant, and the required
// ones (OpenAPI "required" of the list-runners response, #/components/
// schemas/runner and #/components/schemas/runner-label).
const (
	listTotalCount = iota
	listRunners
	listRequired = 1<<listTotalCount | 1<<listRunners
)

var listKeys = []string{listTotalCount: "total_count", listRunners: "runners"}

const (
	runnerID = iota // in the order GitHub sends them
	runnerName
	runnerOS
	runnerStatus
	runnerBusy
	runnerEphemeral
	runnerLabels
	runnerGroupID
	runnerVersion
	runnerRequired = 1<<runnerID | 1<<runnerName | 1<<runnerOS | 1<<runnerStatus | 1<<runnerBusy | 1<<runnerLabels
)

var runnerKeys = []string{
	runnerID: "id", runnerName: "name", runnerOS: "os", runnerStatus: "status", runnerBusy: "busy",
	runnerEphemeral: "ephemeral", runnerLabels: "labels", runnerGroupID: "runner_group_id", runnerVersion: "version",
}

const (
	labelID = iota
	labelName
	labelType
	labelRequired = 1 << labelName
)

var labelKeys = []string{labelID: "id", labelName: "name", labelType: "type"}

// decodeRunnerList reads a runner list object into the zero l.
func (d *runnerDecoder) decodeRunnerList(l *RunnerList) {
	if !d.open('{') {
		return
	}
	var seen fieldSet
	for i := 0; d.member(i); i++ {
		switch f := d.field(listKeys); f {
		case listTotalCount:
			seen.set(f, d.intValue(&l.TotalCount))
		case listRunners:
			l.Runners = d.runners()
			seen.set(f, l.Runners != nil)
		default:
			d.skip()
		}
	}
	d.require(seen, listRequired, listKeys)
}

// runners reads an array of runners: nil for a null, a non-nil slice
// otherwise (empty for []).
func (d *runnerDecoder) runners() []*Runner {
	if !d.open('[') {
		return nil
	}
	list := []*Runner{}
	for i := 0; d.element(i); i++ {
		if d.null() {
			d.fail("runners[%d] is null", i)
			return nil
		}
		r := new(Runner)
		if d.decodeRunner(r); d.err != nil {
			d.err = fmt.Errorf("runners[%d]: %w", i, d.err) // formatted only on failure
			return nil
		}
		list = append(list, r)
	}
	return list
}

// decodeRunner reads a runner object into the zero r.
func (d *runnerDecoder) decodeRunner(r *Runner) {
	if !d.open('{') {
		return
	}
	var seen fieldSet
	for i := 0; d.member(i); i++ {
		switch f := d.field(runnerKeys); f {
		case runnerID:
			seen.set(f, d.int64Value(&r.ID))
		case runnerName:
			seen.set(f, d.stringInto(&r.Name, false))
		case runnerOS:
			seen.set(f, d.stringInto(&r.OS, true))
		case runnerStatus:
			seen.set(f, d.stringInto((*string)(&r.Status), true))
		case runnerBusy:
			seen.set(f, d.boolValue(&r.Busy))
		case runnerEphemeral:
			d.boolValue(&r.Ephemeral)
		case runnerLabels:
			r.Labels = d.runnerLabels()
			seen.set(f, r.Labels != nil)
		case runnerGroupID:
			d.int64Value(&r.RunnerGroupID)
		case runnerVersion:
			d.stringInto(&r.Version, false)
		default:
			d.skip()
		}
	}
	d.require(seen, runnerRequired, runnerKeys)
}

// runnerLabels reads an array of labels: nil for a null, else the labels in
// one block, exactly as long as needed.
func (d *runnerDecoder) runnerLabels() []*Label {
	if !d.open('[') {
		return nil
	}
	if d.labels == nil {
		d.labels = make([]Label, 0, 8)
	}
	d.labels = d.labels[:0]
	for i := 0; d.element(i); i++ {
		if d.null() {
			d.fail("labels[%d] is null", i)
			return nil
		}
		d.labels = append(d.labels, Label{})
		if d.decodeLabel(&d.labels[i]); d.err != nil {
			d.err = fmt.Errorf("labels[%d]: %w", i, d.err)
			return nil
		}
	}
	block := make([]Label, len(d.labels))
	copy(block, d.labels)
	labels := make([]*Label, len(block))
	for i := range block {
		labels[i] = &block[i]
	}
	return labels
}

// decodeLabel reads a label object into the zero l.
func (d *runnerDecoder) decodeLabel(l *Label) {
	if !d.open('{') {
		return
	}
	var seen fieldSet
	for i := 0; d.member(i); i++ {
		switch f := d.field(labelKeys); f {
		case labelID:
			d.int64Value(&l.ID)
		case labelName:
			seen.set(f, d.stringInto(&l.Name, true))
		case labelType:
			d.stringInto((*string)(&l.Type), true)
		default:
			d.skip()
		}
	}
	d.require(seen, labelRequired, labelKeys)
}

// field returns the index in keys of the key of the member read last, or
// -1. As encoding/json, it takes an exact match, else one under
// bytes.EqualFold of the unquoted key (the key "ID" is "id"; "ſ" folds to
// "s" and U+212A KELVIN SIGN to "k", the only runes outside ASCII that fold
// into it).
func (s *jsonScanner) field(keys []string) int {
	for i, k := range keys {
		if string(s.key) == k {
			return i
		}
	}
	key := s.key
	var buf [32]byte
	if !s.keyPlain {
		key = appendUnquoted(buf[:0], key)
	}
	for i, k := range keys {
		if bytes.EqualFold(key, []byte(k)) {
			return i
		}
	}
	return -1
}

// fieldSet is the set of the members of an object that had a value (not a
// null) the last time their key came.
type fieldSet uint16

func (f *fieldSet) set(i int, present bool) {
	if present {
		*f |= 1 << i
	} else {
		*f &^= 1 << i
	}
}

// require fails unless every member of required has a value.
func (s *jsonScanner) require(seen, required fieldSet, keys []string) {
	if missing := required &^ seen; missing != 0 && s.err == nil {
		s.fail("%q is missing or null", keys[bits.TrailingZeros16(uint16(missing))])
	}
}

// stringInto reads a string into dst; with shared, one of the values many
// runners have in common is not allocated again (see intern).
func (d *runnerDecoder) stringInto(dst *string, shared bool) bool {
	raw, plain, ok := d.stringValue()
	switch {
	case !ok:
		return false
	case shared && plain:
		*dst = intern(raw)
	default:
		*dst = text(raw, plain)
	}
	return true
}

// intern returns raw as a string, shared for the values most runners have
// in common (statuses, label types, the OS and the labels GitHub applies)
// and a new copy for any other. Strings are immutable: sharing is safe.
func intern(raw []byte) string {
	switch string(raw) {
	case "online":
		return string(RunnerOnline)
	case "offline":
		return string(RunnerOffline)
	case "read-only":
		return string(LabelReadOnly)
	case "custom":
		return string(LabelCustom)
	case "self-hosted":
		return "self-hosted"
	case "linux":
		return "linux"
	case "macos":
		return "macos"
	case "windows":
		return "windows"
	case "Linux":
		return "Linux"
	case "macOS":
		return "macOS"
	case "Windows":
		return "Windows"
	case "X64":
		return "X64"
	case "ARM64":
		return "ARM64"
	case "ARM":
		return "ARM"
	}
	return string(raw)
}
