// Cross-cutting: hostile servers and faults at every operation (issue 6). A
// fleet janitor runs unattended with an admin token, so the client must never
// crash on a strange response, never hang past its context, never act on a
// value it did not get, and never name its credentials in an error. (Where
// credentials may go on a redirect is transport_test.go's; what the exported
// types print, secrets_test.go's.)

package runners

import (
	"bufio"
	"bytes"
	"context"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"os/exec"
	"regexp"
	"runtime"
	"slices"
	"strconv"
	"strings"
	"sync/atomic"
	"testing"
	"time"
	"unicode/utf8"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

const (
	hsDeadline = 300 * time.Millisecond // the context deadline of the stall tests
	hsSlack    = 2 * time.Second        // how long past its deadline a call may take to return
)

// hsReadOps are the operations that read a body: all but DeleteRunner.
var hsReadOps = slices.DeleteFunc(slices.Clone(everyScopeOp), func(op scopeOp) bool { return op.fixture == "" })

// hsIsNil reports whether an operation's result is nil (a nil pointer or
// slice inside the interface).
func hsIsNil(v any) bool {
	switch v := v.(type) {
	case nil:
		return true
	case *Runner:
		return v == nil
	case *RunnerList:
		return v == nil
	case *RunnerDeprecation:
		return v == nil
	case []*Runner:
		return v == nil
	case []*RunnerApplication:
		return v == nil
	case *Token:
		return v == nil
	case *JITConfig:
		return v == nil
	case []*Label:
		return v == nil
	}
	return false
}

// Faults on the connection: the server dies at every point of a response.
// Each operation returns an *Error for that request, and no value.
func TestHostileConnectionFaults(t *testing.T) {
	t.Parallel()
	faults := []struct {
		name   string
		write  func(conn net.Conn, rw *bufio.ReadWriter, body []byte)
		status []int // the StatusCode the error may have: 200 once the headers arrived, 0 before
	}{
		{"closed before the status line", func(conn net.Conn, rw *bufio.ReadWriter, body []byte) {}, []int{0}},
		{"garbage instead of HTTP", func(conn net.Conn, rw *bufio.ReadWriter, body []byte) {
			rw.WriteString("SSH-2.0-OpenSSH_9.6\r\n\r\n\x00\xff")
		}, []int{0}},
		{"headers cut off", func(conn net.Conn, rw *bufio.ReadWriter, body []byte) {
			rw.WriteString("HTTP/1.1 200 OK\r\nContent-Type: applica")
		}, []int{0}},
		{"reset mid-body (Content-Length)", func(conn net.Conn, rw *bufio.ReadWriter, body []byte) {
			fmt.Fprintf(rw, "HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: %d\r\n\r\n", len(body))
			rw.Write(body[:len(body)/2])
			rw.Flush()
			if tc, ok := conn.(*net.TCPConn); ok {
				tc.SetLinger(0) // close with RST, not FIN
			}
		}, []int{200, 0}}, // a reset may overtake the headers
		{"closed mid-body (chunked)", func(conn net.Conn, rw *bufio.ReadWriter, body []byte) {
			half := body[:len(body)/2]
			fmt.Fprintf(rw, "HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nTransfer-Encoding: chunked\r\n\r\n%x\r\n%s\r\n", len(half), half)
		}, []int{200}},
		{"closed mid-body (no length)", func(conn net.Conn, rw *bufio.ReadWriter, body []byte) {
			rw.WriteString("HTTP/1.0 200 OK\r\nContent-Type: application/json\r\n\r\n")
			rw.Write(body[:len(body)/2])
		}, []int{200}},
		{"a bad chunk size", func(conn net.Conn, rw *bufio.ReadWriter, body []byte) {
			fmt.Fprintf(rw, "HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\n%s\r\n0\r\n\r\n", body)
		}, []int{200}},
	}
	for _, fault := range faults {
		for _, op := range hsReadOps {
			t.Run(fault.name+"/"+op.name, func(t *testing.T) {
				t.Parallel()
				body := fixture(t, op.fixture)
				c, rec := newTestClient(t, func(w http.ResponseWriter, r *http.Request) {
					conn, rw := hijack(t, w)
					if conn == nil {
						return
					}
					defer conn.Close()
					fault.write(conn, rw, body)
					rw.Flush()
				})
				got, err := op.call(t.Context(), c.Org("octo-org"))
				apiErr := assertErrorClean(t, err)
				assert.True(t, hsIsNil(got), "no value with an error: %#v", got)
				assert.NotErrorIs(t, err, ErrInvalidArgument)
				assert.NotEmpty(t, rec.all(), "the request was sent")
				assert.Contains(t, fault.status, apiErr.StatusCode, "StatusCode")
			})
		}
	}
}

// A server that stops answering, at every point of a response: the context
// deadline ends the call, within the deadline and some slack.
func TestHostileStalls(t *testing.T) {
	t.Parallel()
	stalls := []struct {
		name  string
		write func(w http.ResponseWriter, body []byte, tick <-chan time.Time, done <-chan struct{})
	}{
		{"before the headers", func(w http.ResponseWriter, body []byte, tick <-chan time.Time, done <-chan struct{}) {
			<-done
		}},
		{"after the headers", func(w http.ResponseWriter, body []byte, tick <-chan time.Time, done <-chan struct{}) {
			w.Header().Set("Content-Type", "application/json")
			w.WriteHeader(http.StatusOK)
			http.NewResponseController(w).Flush()
			<-done
		}},
		{"mid-body", func(w http.ResponseWriter, body []byte, tick <-chan time.Time, done <-chan struct{}) {
			w.Header().Set("Content-Type", "application/json")
			w.WriteHeader(http.StatusOK)
			w.Write(body[:len(body)/2])
			http.NewResponseController(w).Flush()
			<-done
		}},
		{"trickling a byte at a time", func(w http.ResponseWriter, body []byte, tick <-chan time.Time, done <-chan struct{}) {
			w.Header().Set("Content-Type", "application/json")
			w.WriteHeader(http.StatusOK)
			io.WriteString(w, `{"id":1,"name":"`)
			for {
				select {
				case <-done:
					return
				case <-tick:
					io.WriteString(w, "a")
					http.NewResponseController(w).Flush()
				}
			}
		}},
	}
	for _, stall := range stalls {
		for _, op := range hsReadOps {
			t.Run(stall.name+"/"+op.name, func(t *testing.T) {
				t.Parallel()
				body := fixture(t, op.fixture)
				release := make(chan struct{})
				c, _ := newTestClient(t, func(w http.ResponseWriter, r *http.Request) {
					ticker := time.NewTicker(20 * time.Millisecond)
					defer ticker.Stop()
					done := make(chan struct{})
					go func() {
						select {
						case <-r.Context().Done():
						case <-release:
						}
						close(done)
					}()
					stall.write(w, body, ticker.C, done)
				})
				t.Cleanup(func() { close(release) }) // runs before the server closes
				ctx, cancel := context.WithTimeout(t.Context(), hsDeadline)
				defer cancel()
				deadline, _ := ctx.Deadline()

				got, err := op.call(ctx, c.Org("octo-org"))
				returned := time.Now()
				assertErrorClean(t, err)
				assert.ErrorIs(t, err, context.DeadlineExceeded)
				assert.True(t, hsIsNil(got), "no value with an error: %#v", got)
				assert.False(t, returned.After(deadline.Add(hsSlack)), "returned %v after the deadline", returned.Sub(deadline))
			})
		}
	}
}

// hsBadBodies are 2xx bodies that are not what the operation promised. Each
// must be an *Error for that response (StatusCode 200, "decoding the
// response"), with no value; none may panic.
var hsBadBodies = []struct {
	name, body string
	ops        []string // the operations to try it on; nil for every read operation
}{
	{"empty", ``, nil},
	{"white space", " \r\n\t", nil},
	{"null", `null`, nil},
	{"null padded", "\n null \n", nil},
	{"truncated object", `{"id": 23, "name": "MBP"`, nil},
	{"HTML", `<html><body><h1>502 Bad Gateway</h1></body></html>`, nil},
	{"closing bracket", `]`, nil},
	{"two values", `{"id":1} {"id":2}`, nil},
	{"trailing garbage", `{"id":1} trailing`, nil},
	{"trailing comma", `{"id":1,}`, nil},
	{"single quotes", `{'id':1}`, nil},
	{"NaN", `NaN`, nil},
	{"bad escape", `{"name":"a\q"}`, nil},
	{"control character in a string", "{\"name\":\"a\x01b\"}", nil},
	{"byte order mark", "\xef\xbb\xbf{}", nil},
	{"vertical tab before the value", "\v{}", nil},
	{"no-break space before the value", "\u00a0{}", nil},
	{"a string", `"runner"`, nil},
	{"a number", `23`, nil},
	{"deep nesting", strings.Repeat("[", 100000) + strings.Repeat("]", 100000), nil},
	{"deep object nesting", `{"id":1,"x":` + strings.Repeat(`{"a":`, 20000) + `1` + strings.Repeat(`}`, 20000) + `}`, nil},

	{"ID beyond int64", `{"id": 9223372036854775808, "name": "MBP"}`, []string{"GetRunner"}},
	{"ID below int64", `{"id": -9223372036854775809}`, []string{"GetRunner"}},
	{"ID 1e400", `{"id": 1e400}`, []string{"GetRunner"}},
	{"fractional ID", `{"id": 23.5}`, []string{"GetRunner"}},
	{"ID as a string", `{"id": "23"}`, []string{"GetRunner"}},
	{"busy as a string", `{"id": 23, "busy": "false"}`, []string{"GetRunner"}},
	{"labels as an object", `{"id": 23, "labels": {"name": "gpu"}}`, []string{"GetRunner"}},
	{"a null label of a runner", `{"id": 23, "name": "MBP", "labels": [{"id": 5, "name": "self-hosted"}, null]}`, []string{"GetRunner"}},
	{"runner ID beyond int64 in a list", `{"total_count": 1, "runners": [{"id": 18446744073709551616}]}`, []string{"ListRunners", "AllRunners"}},
	{"total_count beyond int", `{"total_count": 99999999999999999999, "runners": []}`, []string{"ListRunners", "AllRunners"}},
	{"a null runner", `{"total_count": 2, "runners": [{"id": 1, "name": "a"}, null]}`, []string{"ListRunners", "AllRunners"}},
	{"only a null runner", `{"total_count": 1, "runners": [null]}`, []string{"ListRunners", "AllRunners"}},
	{"a null label in a listed runner", `{"total_count": 1, "runners": [{"id": 1, "labels": [null]}]}`, []string{"ListRunners", "AllRunners"}},
	{"runners as an object", `{"total_count": 1, "runners": {"id": 1}}`, []string{"ListRunners", "AllRunners"}},
	{"a null label", `{"total_count": 2, "labels": [{"id": 5, "name": "self-hosted"}, null]}`, []string{"ListLabels", "AddLabels", "SetLabels", "RemoveAllLabels", "RemoveLabel"}},
	{"label ID beyond int64", `{"total_count": 1, "labels": [{"id": 9223372036854775808, "name": "gpu"}]}`, []string{"ListLabels", "AddLabels", "SetLabels", "RemoveAllLabels", "RemoveLabel"}},
	{"a null download", `[{"os": "linux", "architecture": "x64"}, null]`, []string{"ListRunnerApplications"}},
	{"downloads as an object", `{"os": "linux"}`, []string{"ListRunnerApplications"}},
	{"a null repository", `{"token": "LLBF3JGZDX3P5PMEXLND6TS6FCWO6", "expires_at": "2020-01-22T12:13:35.123-08:00", "repositories": [null]}`, []string{"CreateRegistrationToken", "CreateRemoveToken"}},
	{"a bad expiry", `{"token": "LLBF3JGZDX3P5PMEXLND6TS6FCWO6", "expires_at": "in an hour"}`, []string{"CreateRegistrationToken", "CreateRemoveToken"}},
	{"permissions not strings", `{"token": "x", "permissions": {"administration": true}}`, []string{"CreateRegistrationToken", "CreateRemoveToken"}},
	{"a null label of the JIT runner", `{"runner": {"id": 23, "labels": [null]}, "encoded_jit_config": "abc"}`, []string{"GenerateJITConfig"}},
	{"JIT config as a number", `{"runner": {"id": 23}, "encoded_jit_config": 123}`, []string{"GenerateJITConfig"}},
}

func TestHostileBodies(t *testing.T) {
	t.Parallel()
	tried := 0
	for _, bad := range hsBadBodies {
		for _, op := range hsReadOps {
			if bad.ops != nil && !slices.Contains(bad.ops, op.name) {
				continue
			}
			tried++
			t.Run(bad.name+"/"+op.name, func(t *testing.T) {
				t.Parallel()
				c, rec := newTestClient(t, func(w http.ResponseWriter, r *http.Request) {
					w.Header().Set("Content-Type", "application/json")
					io.WriteString(w, bad.body)
				})
				var got any
				var err error
				assert.NotPanics(t, func() { got, err = op.call(t.Context(), c.Org("octo-org")) })
				apiErr := assertErrorClean(t, err)
				assert.True(t, hsIsNil(got), "no value with an error: %#v", got)
				assert.Equal(t, http.StatusOK, apiErr.StatusCode)
				assert.Equal(t, "decoding the response", apiErr.Message)
				assert.NotErrorIs(t, err, ErrInvalidArgument)
				assert.Len(t, rec.all(), 1, "one request, not retried")
			})
		}
	}
	t.Logf("hostile: %d bad bodies tried on %d operations", len(hsBadBodies), tried)
}

// Strange but valid answers decode to what they say.
func TestHostileValidButStrange(t *testing.T) {
	t.Parallel()
	t.Run("invalid UTF-8 in strings", func(t *testing.T) {
		t.Parallel()
		c, _ := newTestClient(t, func(w http.ResponseWriter, r *http.Request) {
			io.WriteString(w, "{\"id\":23,\"name\":\"MBP-\xff\xfe\",\"os\":\"mac\xc3\x28OS\",\"status\":\"online\",\"busy\":false,\"labels\":[{\"id\":5,\"name\":\"gpu\xed\xa0\x80\",\"type\":\"custom\"}]}")
		})
		r, err := c.Org("octo-org").GetRunner(t.Context(), 23)
		require.NoError(t, err)
		assert.Equal(t, int64(23), r.ID)
		assert.Equal(t, "MBP-\uFFFD\uFFFD", r.Name, "each bad byte becomes U+FFFD")
		assert.Equal(t, "mac\uFFFD(OS", r.OS)
		require.Len(t, r.Labels, 1)
		for _, s := range []string{r.Name, r.OS, r.Labels[0].Name} {
			assert.True(t, utf8.ValidString(s), "%q is valid UTF-8", s)
		}
	})
	t.Run("lone surrogate escapes", func(t *testing.T) {
		t.Parallel()
		c, _ := newTestClient(t, func(w http.ResponseWriter, r *http.Request) {
			io.WriteString(w, `{"id":23,"name":"\ud800x\udfff","os":"linux","status":"online","busy":false,"labels":[]}`)
		})
		r, err := c.Org("octo-org").GetRunner(t.Context(), 23)
		require.NoError(t, err)
		assert.Equal(t, "\uFFFDx\uFFFD", r.Name)
	})
	t.Run("unknown fields are ignored", func(t *testing.T) {
		t.Parallel()
		c, _ := newTestClient(t, func(w http.ResponseWriter, r *http.Request) {
			io.WriteString(w, `{"total_count":1,"future":{"a":[1,{"b":null}]},"runners":[{"id":7,"name":"r","os":"linux","status":"online","busy":false,"surprise":true,"labels":[{"id":1,"name":"x","colour":"red"}]}]}`)
		})
		list, err := c.Org("octo-org").ListRunners(t.Context(), nil)
		require.NoError(t, err)
		require.Len(t, list.Runners, 1)
		assert.Equal(t, int64(7), list.Runners[0].ID)
		assert.Equal(t, "x", list.Runners[0].Labels[0].Name)
	})
	t.Run("a negative ID is never deleted", func(t *testing.T) {
		t.Parallel()
		c, rec := newTestClient(t, func(w http.ResponseWriter, r *http.Request) {
			io.WriteString(w, `{"total_count":2,"runners":[{"id":-5,"name":"evil","os":"linux","status":"offline","busy":false,"labels":[]},{"id":0,"name":"zero","os":"linux","status":"offline","busy":false,"labels":[]}]}`)
		})
		list, err := c.Org("octo-org").ListRunners(t.Context(), nil)
		require.NoError(t, err)
		require.Len(t, list.Runners, 2)
		for _, r := range list.Runners {
			err := c.Org("octo-org").DeleteRunner(t.Context(), r.ID)
			assert.ErrorIs(t, err, ErrInvalidArgument, "runner %d", r.ID)
		}
		assert.Len(t, rec.all(), 1, "no DELETE was sent")
	})
	t.Run("a null runner list is refused, not an empty page", func(t *testing.T) {
		t.Parallel()
		c, _ := newTestClient(t, func(w http.ResponseWriter, r *http.Request) {
			io.WriteString(w, `{"total_count":0,"runners":null}`)
		})
		list, err := c.Org("octo-org").ListRunners(t.Context(), nil)
		assert.ErrorContains(t, err, `decoding the response: "runners" is missing or null`)
		assert.Nil(t, list)
	})
	t.Run("an empty 200 on a delete", func(t *testing.T) {
		t.Parallel()
		c, _ := newTestClient(t, func(w http.ResponseWriter, r *http.Request) {})
		assert.NoError(t, c.Org("octo-org").DeleteRunner(t.Context(), 23), "a delete reads no body")
	})
}

// Link headers that are garbage, or that never end.
func TestHostileLinkHeaders(t *testing.T) {
	t.Parallel()
	list := fixture(t, "list_runners.json")
	t.Run("garbage", func(t *testing.T) {
		t.Parallel()
		garbage := []string{
			"garbage", `<>; rel="next"`, `<?page=>; rel="next"`, `<?page=-1>; rel="next"`, `<?page=99999999999999999999>; rel="next"`,
			`<%zz?page=2>; rel="next"`, `<?page=2>; rel="nextpage"`, strings.Repeat(",", 10000), strings.Repeat(`<x>; rel="prev", `, 1000),
			`<http://[::1?page=2>; rel="next"`, `<?page=0x10>; rel="next"`, `<?page=1e3>; rel="next"`,
		}
		for _, link := range garbage {
			c, rec := newTestClient(t, func(w http.ResponseWriter, r *http.Request) {
				w.Header().Set("Link", link)
				w.Write(list)
			})
			got, err := c.Org("octo-org").ListRunners(t.Context(), nil)
			require.NoError(t, err, "Link %.40q", link)
			assert.Len(t, got.Runners, 2)
			assert.Zero(t, got.NextPage, "Link %.40q", link)
			var n int
			for _, err := range c.Org("octo-org").AllRunners(t.Context(), nil) {
				require.NoError(t, err)
				n++
			}
			assert.Equal(t, 2, n)
			assert.Len(t, rec.all(), 2, "one page each: no next page")
		}
		t.Logf("hostile: %d garbage Link headers", len(garbage))
	})
	t.Run("the largest page", func(t *testing.T) {
		t.Parallel()
		c, rec := newTestClient(t, func(w http.ResponseWriter, r *http.Request) {
			w.Header().Set("Link", `<https://api.github.com/x?page=`+strconv.Itoa(int(^uint(0)>>1))+`>; rel="next"`)
			w.Write(list)
		})
		var errs []error
		for _, err := range c.Org("octo-org").AllRunners(t.Context(), nil) {
			if err != nil {
				errs = append(errs, err)
			}
		}
		require.Len(t, errs, 1, "the walk stops when the next page does not come after")
		assertErrorClean(t, errs[0])
		assert.Len(t, rec.all(), 2)
	})
	t.Run("an empty page that names a next one ends the walk", func(t *testing.T) {
		t.Parallel()
		var requests atomic.Int64
		c, _ := newTestClient(t, func(w http.ResponseWriter, r *http.Request) {
			requests.Add(1)
			page, _ := strconv.Atoi(r.URL.Query().Get("page"))
			w.Header().Set("Link", fmt.Sprintf(`<https://api.github.com/x?page=%d>; rel="next"`, max(page, 1)+1))
			io.WriteString(w, `{"total_count":0,"runners":[]}`)
		})
		for r, err := range c.Org("octo-org").AllRunners(t.Context(), nil) {
			t.Errorf("yielded %v, %v from an empty page", r, err)
		}
		assert.Equal(t, int64(1), requests.Load())
	})
	t.Run("a next page for ever, bounded by the context", func(t *testing.T) {
		t.Parallel()
		// Every page has a runner and names the one after: the client cannot
		// know the walk will not end, so its context ends it (SECURITY.md).
		var requests atomic.Int64
		c, _ := newTestClient(t, func(w http.ResponseWriter, r *http.Request) {
			n := requests.Add(1)
			page, _ := strconv.Atoi(r.URL.Query().Get("page"))
			w.Header().Set("Link", fmt.Sprintf(`<https://api.github.com/x?page=%d>; rel="next"`, max(page, 1)+1))
			fmt.Fprintf(w, `{"total_count":1,"runners":[{"id":%d,"name":"r","os":"linux","status":"online","busy":false,"labels":[]}]}`, n)
		})
		ctx, cancel := context.WithTimeout(t.Context(), hsDeadline)
		defer cancel()
		deadline, _ := ctx.Deadline()
		var errs []error
		for _, err := range c.Org("octo-org").AllRunners(ctx, nil) {
			if err != nil {
				errs = append(errs, err)
			}
		}
		assert.False(t, time.Now().After(deadline.Add(hsSlack)), "ended by the deadline")
		require.Len(t, errs, 1)
		assertErrorClean(t, errs[0])
		assert.ErrorIs(t, errs[0], context.DeadlineExceeded)
		assert.Greater(t, requests.Load(), int64(1))
		t.Logf("hostile: an endless Link walk made %d requests before its %v deadline", requests.Load(), hsDeadline)
	})
}

// hsIsolatedEnv names the test a child process of the test binary runs alone.
const hsIsolatedEnv = "RUNNERS_HOSTILE_ISOLATED"

// hsIsolated runs the calling top-level test again in a child process of the
// test binary with nothing else running, for what process-wide counters
// (allocation, goroutines) measure and parallel tests would disturb. In the
// child it returns true and the test measures; in the parent it runs the
// child, fails if the child fails, logs its "hostile:" lines and returns false.
func hsIsolated(t *testing.T) bool {
	t.Helper()
	if os.Getenv(hsIsolatedEnv) == t.Name() {
		return true
	}
	ctx, cancel := context.WithTimeout(t.Context(), 3*time.Minute)
	defer cancel()
	cmd := exec.CommandContext(ctx, os.Args[0], "-test.run=^"+regexp.QuoteMeta(t.Name())+"$", "-test.count=1", "-test.v")
	cmd.Env = append(os.Environ(), hsIsolatedEnv+"="+t.Name())
	out, err := cmd.CombinedOutput()
	for _, line := range strings.Split(string(out), "\n") {
		if i := strings.Index(line, "hostile: "); i >= 0 {
			t.Log(line[i:])
		}
	}
	if err != nil || !strings.Contains(string(out), "--- PASS: "+t.Name()) {
		t.Fatalf("the isolated run of %s failed (%v):\n%s", t.Name(), err, out)
	}
	return false
}

// hsHugeBody answers status with a JSON object whose message is size bytes
// long, written from one small buffer: the test never holds the body. With
// declare, the response says its Content-Length; without, it is chunked.
func hsHugeBody(status int, size int64, declare bool) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		if declare {
			w.Header().Set("Content-Length", strconv.FormatInt(size, 10))
		}
		w.WriteHeader(status)
		const prefix, suffix = `{"message":"`, `"}`
		io.WriteString(w, prefix)
		chunk := bytes.Repeat([]byte("a"), 64<<10)
		for left := size - int64(len(prefix)+len(suffix)); left > 0; left -= int64(len(chunk)) {
			if _, err := w.Write(chunk[:min(left, int64(len(chunk)))]); err != nil {
				return // the client hung up: it read what it wanted
			}
		}
		io.WriteString(w, suffix)
	}
}

// Huge bodies, with and without Content-Length: an error body is read up to
// 1 MiB, a success body is refused past 32 MiB; neither is read to its end,
// and what the client allocates does not grow with the body. Measured in a
// child process, alone.
func TestHostileHugeBodies(t *testing.T) {
	t.Parallel()
	if !hsIsolated(t) {
		return
	}
	measure := func(t *testing.T, status int, size int64, declare bool) (err error, read, alloc int64) {
		t.Helper()
		tr := &http.Transport{}
		counting := &countingTransport{base: tr}
		c, _ := newTestClient(t, hsHugeBody(status, size, declare), WithHTTPClient(&http.Client{Transport: counting}))
		defer tr.CloseIdleConnections()
		runtime.GC()
		var before, after runtime.MemStats
		runtime.ReadMemStats(&before)
		_, err = c.Org("octo-org").GetRunner(t.Context(), 23)
		runtime.ReadMemStats(&after)
		return err, counting.read.Load(), int64(after.TotalAlloc - before.TotalAlloc)
	}
	const mb = 1 << 20
	for _, declare := range []bool{true, false} {
		how := map[bool]string{true: "with Content-Length", false: "chunked"}[declare]
		for _, size := range []int64{50 * mb, 500 * mb} {
			err, read, alloc := measure(t, http.StatusInternalServerError, size, declare)
			apiErr := assertErrorClean(t, err)
			assert.Equal(t, http.StatusInternalServerError, apiErr.StatusCode)
			assert.Equal(t, "Internal Server Error", apiErr.Message, "a body cut at the cap is not JSON")
			assert.LessOrEqual(t, read, int64(maxErrorBodyBytes+256<<10), "read no more than the cap")
			assert.Less(t, alloc, int64(8*mb), "allocated far less than the body")
			t.Logf("hostile: %d MB error body %s: read %.1f MiB, allocated %.1f MiB", size/mb, how, float64(read)/mb, float64(alloc)/mb)
		}
		var allocs []int64
		for _, size := range []int64{50 * mb, 500 * mb} {
			err, read, alloc := measure(t, http.StatusOK, size, declare)
			apiErr := assertErrorClean(t, err)
			assert.Equal(t, http.StatusOK, apiErr.StatusCode)
			assert.ErrorIs(t, err, errBodyTooLarge)
			if declare {
				// Refused on its Content-Length, before reading it.
				assert.LessOrEqual(t, read, int64(64<<10), "read next to nothing")
				assert.Less(t, alloc, int64(mb), "allocated next to nothing")
			} else {
				// Read into a buffer that doubles until it holds more than the
				// cap: up to 2x the cap read and about 4x allocated in all,
				// whatever the size (SECURITY.md, limitations).
				assert.LessOrEqual(t, read, int64(2*maxBodyBytes+256<<10), "read is bounded by the cap")
				assert.Less(t, alloc, int64(4*maxBodyBytes+8*mb), "allocation is bounded by the cap")
			}
			allocs = append(allocs, alloc)
			t.Logf("hostile: %d MB success body %s: refused, read %.1f MiB, allocated %.1f MiB", size/mb, how, float64(read)/mb, float64(alloc)/mb)
		}
		assert.InDelta(t, allocs[0], allocs[1], 8*mb, "a body 10x larger costs no more")
	}
}

// hsSettleGoroutines waits up to 2 seconds for the goroutine count to come
// down to at most want, and returns the last count.
func hsSettleGoroutines(want int) int {
	n := runtime.NumGoroutine()
	for end := time.Now().Add(2 * time.Second); n > want && time.Now().Before(end); n = runtime.NumGoroutine() {
		time.Sleep(10 * time.Millisecond)
	}
	return n
}

// No goroutine is left behind when an AllRunners loop breaks early, a
// context is cancelled mid-request or mid-walk, or a response is abandoned.
// Counted in a child process, alone.
func TestHostileNoGoroutineLeaks(t *testing.T) {
	t.Parallel()
	if !hsIsolated(t) {
		return
	}
	pages := &pageServer{total: 250}
	release := make(chan struct{})
	var stalled atomic.Int64 // handlers still stalling
	tr := &http.Transport{}
	c, _ := newTestClient(t, func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Query().Get("page") == "3" || strings.Contains(r.URL.Path, "/stall/") {
			stalled.Add(1)
			defer stalled.Add(-1)
			select { // stalls until the client gives up
			case <-r.Context().Done():
			case <-release:
			}
			return
		}
		pages.ServeHTTP(w, r)
	}, WithHTTPClient(&http.Client{Transport: tr}))
	t.Cleanup(func() { close(release) })
	before := runtime.NumGoroutine()

	const rounds = 20
	for range rounds {
		n := 0
		for _, err := range c.Org("octo-org").AllRunners(t.Context(), nil) {
			require.NoError(t, err)
			if n++; n == 150 { // on page 2
				break
			}
		}
		ctx, cancel := context.WithTimeout(t.Context(), 50*time.Millisecond)
		var walkErr error
		for _, err := range c.Org("octo-org").AllRunners(ctx, nil) { // page 3 stalls
			walkErr = err
		}
		cancel()
		assert.ErrorIs(t, walkErr, context.DeadlineExceeded)

		ctx, cancel = context.WithCancel(t.Context())
		go func() { time.Sleep(20 * time.Millisecond); cancel() }()
		_, err := c.Repo("stall", "stall").GetRunner(ctx, 23)
		assert.ErrorIs(t, err, context.Canceled)
	}
	for end := time.Now().Add(2 * time.Second); stalled.Load() > 0 && time.Now().Before(end); {
		time.Sleep(10 * time.Millisecond) // every stalled handler sees its client go
	}
	assert.Zero(t, stalled.Load(), "handlers still waiting for a client that gave up")
	tr.CloseIdleConnections()
	after := hsSettleGoroutines(before)
	assert.LessOrEqual(t, after, before, "goroutines before %d, after %d", before, after)
	t.Logf("hostile: %d rounds of early break, deadline mid-walk and cancel mid-request: goroutines %d before, %d after", rounds, before, after)
}
