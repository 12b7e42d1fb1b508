// Cross-cutting: bad input to every operation (a scope name, a runner or
// group ID, labels, a JIT config request, list options, a group request) is
// ErrInvalidArgument, caught before anything is sent; input at the limits is
// sent as given, and the caller's values are left as they were.

package runners

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// newNoRequestClient returns a client whose server fails the test on any request.
func newNoRequestClient(t *testing.T) (*Client, *recorder) {
	t.Helper()
	return newTestClient(t, func(w http.ResponseWriter, r *http.Request) {
		t.Errorf("the server received %s %s; want no request for bad input", r.Method, r.URL)
		w.WriteHeader(http.StatusTeapot)
	})
}

// assertRejectedBeforeSending checks that err is bad input caught before
// sending: it matches ErrInvalidArgument and no other sentinel, is an *Error
// that carries no response and names no secret, and the server received
// nothing.
func assertRejectedBeforeSending(t *testing.T, err error, rec *recorder) {
	t.Helper()
	assert.Empty(t, rec.all(), "requests the server received")
	assertSentinels(t, err, ErrInvalidArgument)
	apiErr := assertErrorClean(t, err)
	assert.Zero(t, apiErr.StatusCode, "StatusCode of an error caught before sending")
	assert.Empty(t, apiErr.Method, "Method of an error caught before sending")
}

func TestValidationScopeNames(t *testing.T) {
	t.Parallel()
	bad := []string{"", "a/b", "/", ".", ".."}
	type badScope struct {
		name   string
		build  func(*Client) Scope
		groups bool // a GroupScope: the group operations are checked too
	}
	var scopes []badScope
	for _, b := range bad {
		q := strconv.Quote(b)
		scopes = append(scopes,
			badScope{"enterprise " + q, func(c *Client) Scope { return c.Enterprise(b) }, true},
			badScope{"org " + q, func(c *Client) Scope { return c.Org(b) }, true},
			badScope{"owner " + q, func(c *Client) Scope { return c.Repo(b, "octo-repo") }, false},
			badScope{"repo " + q, func(c *Client) Scope { return c.Repo("octo-org", b) }, false},
		)
	}
	var groupOps []scopeOp
	for _, op := range everyGroupOp {
		groupOps = append(groupOps, scopeOp{name: op.name, call: func(ctx context.Context, s Scope) (any, error) { return nil, op.call(ctx, s.(GroupScope)) }})
	}
	for _, sc := range scopes {
		ops := everyScopeOp
		if sc.groups {
			ops = append(slices.Clone(ops), groupOps...)
		}
		for _, op := range ops {
			t.Run(sc.name+"/"+op.name, func(t *testing.T) {
				t.Parallel()
				c, rec := newNoRequestClient(t)
				assertRejectedBeforeSending(t, opErr(op.call(t.Context(), sc.build(c))), rec)
			})
		}
	}
}

func TestValidationRunnerID(t *testing.T) {
	t.Parallel()
	ops := []struct {
		name string
		call func(context.Context, Scope, int64) error
	}{
		{"GetRunner", func(ctx context.Context, s Scope, id int64) error { return opErr(s.GetRunner(ctx, id)) }},
		{"DeleteRunner", func(ctx context.Context, s Scope, id int64) error { return s.DeleteRunner(ctx, id) }},
		{"ListLabels", func(ctx context.Context, s Scope, id int64) error { return opErr(s.ListLabels(ctx, id)) }},
		{"AddLabels", func(ctx context.Context, s Scope, id int64) error { return opErr(s.AddLabels(ctx, id, "gpu")) }},
		{"SetLabels", func(ctx context.Context, s Scope, id int64) error { return opErr(s.SetLabels(ctx, id, "gpu")) }},
		{"SetLabels none", func(ctx context.Context, s Scope, id int64) error { return opErr(s.SetLabels(ctx, id)) }},
		{"RemoveAllLabels", func(ctx context.Context, s Scope, id int64) error { return opErr(s.RemoveAllLabels(ctx, id)) }},
		{"RemoveLabel", func(ctx context.Context, s Scope, id int64) error { return opErr(s.RemoveLabel(ctx, id, "gpu")) }},
	}
	for _, sc := range runnerScopes {
		for _, op := range ops {
			for _, id := range []int64{0, -1} {
				t.Run(sc.name+"/"+op.name+"/"+strconv.FormatInt(id, 10), func(t *testing.T) {
					t.Parallel()
					c, rec := newNoRequestClient(t)
					assertRejectedBeforeSending(t, op.call(t.Context(), sc.build(c), id), rec)
				})
			}
		}
	}
}

// numberedLabels returns n distinct label names.
func numberedLabels(n int) []string {
	labels := make([]string, n)
	for i := range labels {
		labels[i] = "label-" + strconv.Itoa(i)
	}
	return labels
}

func TestValidationLabels(t *testing.T) {
	t.Parallel()
	cases := []struct {
		name string
		call func(context.Context, Scope) error
	}{
		{"RemoveLabel empty", func(ctx context.Context, s Scope) error { return opErr(s.RemoveLabel(ctx, 23, "")) }},
		{"RemoveLabel dot", func(ctx context.Context, s Scope) error { return opErr(s.RemoveLabel(ctx, 23, ".")) }},
		{"RemoveLabel dot dot", func(ctx context.Context, s Scope) error { return opErr(s.RemoveLabel(ctx, 23, "..")) }},
		{"AddLabels none", func(ctx context.Context, s Scope) error { return opErr(s.AddLabels(ctx, 23)) }},
		{"AddLabels empty slice", func(ctx context.Context, s Scope) error { return opErr(s.AddLabels(ctx, 23, []string{}...)) }},
		{"AddLabels empty label", func(ctx context.Context, s Scope) error { return opErr(s.AddLabels(ctx, 23, "")) }},
		{"AddLabels empty label among others", func(ctx context.Context, s Scope) error { return opErr(s.AddLabels(ctx, 23, "gpu", "", "x64")) }},
		{"AddLabels 101", func(ctx context.Context, s Scope) error { return opErr(s.AddLabels(ctx, 23, numberedLabels(101)...)) }},
		{"SetLabels empty label", func(ctx context.Context, s Scope) error { return opErr(s.SetLabels(ctx, 23, "")) }},
		{"SetLabels empty label among others", func(ctx context.Context, s Scope) error { return opErr(s.SetLabels(ctx, 23, "gpu", "")) }},
		{"SetLabels 101", func(ctx context.Context, s Scope) error { return opErr(s.SetLabels(ctx, 23, numberedLabels(101)...)) }},
	}
	for _, sc := range runnerScopes {
		for _, tc := range cases {
			t.Run(sc.name+"/"+tc.name, func(t *testing.T) {
				t.Parallel()
				c, rec := newNoRequestClient(t)
				assertRejectedBeforeSending(t, tc.call(t.Context(), sc.build(c)), rec)
			})
		}
	}
}

// TestValidationLabelLimit checks that 100 labels, the most GitHub takes, are sent.
func TestValidationLabelLimit(t *testing.T) {
	t.Parallel()
	ops := []struct {
		name   string
		method string
		call   func(context.Context, Scope, []string) ([]*Label, error)
	}{
		{"AddLabels", http.MethodPost, func(ctx context.Context, s Scope, l []string) ([]*Label, error) { return s.AddLabels(ctx, 23, l...) }},
		{"SetLabels", http.MethodPut, func(ctx context.Context, s Scope, l []string) ([]*Label, error) { return s.SetLabels(ctx, 23, l...) }},
	}
	for _, op := range ops {
		t.Run(op.name, func(t *testing.T) {
			t.Parallel()
			c, rec := newTestClient(t, respond(t, http.StatusOK, "labels.json"))
			labels := numberedLabels(100)
			got, err := op.call(t.Context(), c.Org("octo-org"), labels)
			require.NoError(t, err)
			assert.Len(t, got, 4)
			req := rec.only(t)
			assert.Equal(t, op.method, req.Method)
			assert.Equal(t, "/orgs/octo-org/actions/runners/23/labels", req.Path)
			var body labelNames
			require.NoError(t, json.Unmarshal(req.Body, &body))
			assert.Equal(t, labels, body.Labels, "the 100 labels sent, in order")
		})
	}
}

func TestValidationJITConfig(t *testing.T) {
	t.Parallel()
	cases := []struct {
		name string
		req  *JITConfigRequest
	}{
		{"nil", nil},
		{"no name", &JITConfigRequest{RunnerGroupID: 1, Labels: []string{"self-hosted"}}},
		{"runner group 0", &JITConfigRequest{Name: "New runner", Labels: []string{"self-hosted"}}},
		{"runner group -1", &JITConfigRequest{Name: "New runner", RunnerGroupID: -1, Labels: []string{"self-hosted"}}},
		{"nil labels", &JITConfigRequest{Name: "New runner", RunnerGroupID: 1}},
		{"0 labels", &JITConfigRequest{Name: "New runner", RunnerGroupID: 1, Labels: []string{}}},
		{"101 labels", &JITConfigRequest{Name: "New runner", RunnerGroupID: 1, Labels: numberedLabels(101)}},
		{"empty label", &JITConfigRequest{Name: "New runner", RunnerGroupID: 1, Labels: []string{"self-hosted", ""}}},
	}
	for _, sc := range runnerScopes {
		for _, tc := range cases {
			t.Run(sc.name+"/"+tc.name, func(t *testing.T) {
				t.Parallel()
				c, rec := newNoRequestClient(t)
				jit, err := sc.build(c).GenerateJITConfig(t.Context(), tc.req)
				assert.Nil(t, jit)
				assertRejectedBeforeSending(t, err, rec)
			})
		}
	}
}

// TestValidationJITConfigLimits checks that 1 and 100 labels are sent.
func TestValidationJITConfigLimits(t *testing.T) {
	t.Parallel()
	for _, n := range []int{1, 100} {
		t.Run(strconv.Itoa(n)+" labels", func(t *testing.T) {
			t.Parallel()
			c, rec := newTestClient(t, respond(t, http.StatusCreated, "jitconfig.json"))
			req := &JITConfigRequest{Name: "New runner", RunnerGroupID: 1, Labels: numberedLabels(n)}
			jit, err := c.Org("octo-org").GenerateJITConfig(t.Context(), req)
			require.NoError(t, err)
			require.NotNil(t, jit)
			assert.Equal(t, "abc123", jit.EncodedJITConfig)
			sent := rec.only(t)
			var body JITConfigRequest
			require.NoError(t, json.Unmarshal(sent.Body, &body))
			assert.Equal(t, numberedLabels(n), body.Labels)
		})
	}
}

func TestValidationListOptions(t *testing.T) {
	t.Parallel()
	bad := []struct {
		name string
		opts *ListRunnersOptions
	}{
		{"per page -1", &ListRunnersOptions{ListOptions: ListOptions{PerPage: -1}}},
		{"per page 101", &ListRunnersOptions{ListOptions: ListOptions{PerPage: 101}}},
		{"page -1", &ListRunnersOptions{ListOptions: ListOptions{Page: -1}}},
		{"page -1 with a name", &ListRunnersOptions{Name: "linux", ListOptions: ListOptions{Page: -1, PerPage: 10}}},
	}
	for _, sc := range runnerScopes {
		for _, tc := range bad {
			t.Run(sc.name+"/ListRunners/"+tc.name, func(t *testing.T) {
				t.Parallel()
				c, rec := newNoRequestClient(t)
				list, err := sc.build(c).ListRunners(t.Context(), tc.opts)
				assert.Nil(t, list)
				assertRejectedBeforeSending(t, err, rec)
			})
			t.Run(sc.name+"/AllRunners/"+tc.name, func(t *testing.T) {
				t.Parallel()
				c, rec := newNoRequestClient(t)
				var runners []*Runner
				var errs []error
				for r, err := range sc.build(c).AllRunners(t.Context(), tc.opts) {
					if err != nil {
						errs = append(errs, err)
						continue
					}
					runners = append(runners, r)
				}
				assert.Empty(t, runners)
				require.Len(t, errs, 1, "AllRunners yields one error and stops")
				assertRejectedBeforeSending(t, errs[0], rec)
			})
		}
	}

	good := []struct {
		name      string
		opts      *ListRunnersOptions
		wantQuery string
	}{
		{"per page 100", &ListRunnersOptions{ListOptions: ListOptions{PerPage: 100}}, "per_page=100"},
		{"page 0", &ListRunnersOptions{ListOptions: ListOptions{Page: 0, PerPage: 1}}, "per_page=1"},
		{"zero", &ListRunnersOptions{}, ""},
	}
	for _, tc := range good {
		t.Run("fine/"+tc.name, func(t *testing.T) {
			t.Parallel()
			c, rec := newTestClient(t, respond(t, http.StatusOK, "list_runners.json"))
			list, err := c.Org("octo-org").ListRunners(t.Context(), tc.opts)
			require.NoError(t, err)
			require.NotNil(t, list)
			assert.Len(t, list.Runners, 2)
			req := rec.only(t)
			assert.Equal(t, "/orgs/octo-org/actions/runners", req.Path)
			assert.Equal(t, tc.wantQuery, req.RawQuery)
		})
	}
}

// TestValidationEscaping checks that a name with reserved characters becomes
// exactly one escaped path segment.
func TestValidationEscaping(t *testing.T) {
	t.Parallel()
	const odd = "a b?#%"
	const oddEscaped = "a%20b%3F%23%25"
	const label = "gpu/a b?#%"
	cases := []struct {
		name     string
		call     func(*Client) error
		wantPath string
		segments map[int]string // index in the path's "/"-split segments -> the unescaped name
	}{
		{
			name: "label",
			call: func(c *Client) error {
				_, err := c.Org("octo-org").RemoveLabel(t.Context(), 23, label)
				return err
			},
			wantPath: "/orgs/octo-org/actions/runners/23/labels/gpu%2Fa%20b%3F%23%25",
			segments: map[int]string{2: "octo-org", 7: label},
		},
		{
			name: "org",
			call: func(c *Client) error {
				_, err := c.Org(odd).ListLabels(t.Context(), 23)
				return err
			},
			wantPath: "/orgs/" + oddEscaped + "/actions/runners/23/labels",
			segments: map[int]string{2: odd},
		},
		{
			name: "enterprise",
			call: func(c *Client) error {
				_, err := c.Enterprise(odd).ListLabels(t.Context(), 23)
				return err
			},
			wantPath: "/enterprises/" + oddEscaped + "/actions/runners/23/labels",
			segments: map[int]string{2: odd},
		},
		{
			name: "owner and repo",
			call: func(c *Client) error {
				_, err := c.Repo(odd, odd+"!").ListLabels(t.Context(), 23)
				return err
			},
			wantPath: "/repos/" + oddEscaped + "/" + oddEscaped + "%21/actions/runners/23/labels",
			segments: map[int]string{2: odd, 3: odd + "!"},
		},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			c, rec := newTestClient(t, respond(t, http.StatusOK, "labels.json"))
			require.NoError(t, tc.call(c))
			req := rec.only(t)
			assert.Equal(t, tc.wantPath, req.Path)
			assert.Empty(t, req.RawQuery, "nothing of the name may spill into the query")
			parts := strings.Split(req.Path, "/")
			assert.Len(t, parts, len(strings.Split(tc.wantPath, "/")))
			for i, want := range tc.segments {
				require.Less(t, i, len(parts))
				got, err := url.PathUnescape(parts[i])
				require.NoError(t, err)
				assert.Equal(t, want, got, "segment %d", i)
			}
		})
	}
}

// TestValidationInputsNotModified checks that the caller's request and label
// slices are left as they were, including spare capacity beyond their length.
func TestValidationInputsNotModified(t *testing.T) {
	t.Parallel()
	const sentinel = "SPARE"
	// withSpare returns labels in a slice with one spare element of capacity
	// holding sentinel, which an append to the caller's slice would overwrite.
	withSpare := func(labels ...string) []string {
		backing := append(slices.Clone(labels), sentinel)
		return backing[:len(labels)]
	}
	assertUntouched := func(t *testing.T, got []string, want ...string) {
		t.Helper()
		assert.Equal(t, want, got, "the caller's labels")
		assert.Equal(t, sentinel, got[:len(got)+1][len(got)], "the spare capacity of the caller's labels")
	}

	t.Run("GenerateJITConfig", func(t *testing.T) {
		t.Parallel()
		c, rec := newTestClient(t, respond(t, http.StatusCreated, "jitconfig.json"))
		labels := withSpare("self-hosted", "gpu/a b?#%")
		req := &JITConfigRequest{Name: "New runner", RunnerGroupID: 1, Labels: labels}
		_, err := c.Org("octo-org").GenerateJITConfig(t.Context(), req)
		require.NoError(t, err)
		rec.only(t)
		assert.Equal(t, "New runner", req.Name)
		assert.Equal(t, int64(1), req.RunnerGroupID)
		assert.Empty(t, req.WorkFolder, "the server default is not written back")
		assertUntouched(t, req.Labels, "self-hosted", "gpu/a b?#%")
		assertUntouched(t, labels, "self-hosted", "gpu/a b?#%")
	})
	for _, op := range []string{"AddLabels", "SetLabels"} {
		t.Run(op, func(t *testing.T) {
			t.Parallel()
			c, rec := newTestClient(t, respond(t, http.StatusOK, "labels.json"))
			labels := withSpare("gpu", "x64")
			var err error
			if op == "AddLabels" {
				_, err = c.Org("octo-org").AddLabels(t.Context(), 23, labels...)
			} else {
				_, err = c.Org("octo-org").SetLabels(t.Context(), 23, labels...)
			}
			require.NoError(t, err)
			assert.JSONEq(t, `{"labels":["gpu","x64"]}`, string(rec.only(t).Body))
			assertUntouched(t, labels, "gpu", "x64")
		})
	}
	t.Run("ListRunners", func(t *testing.T) {
		t.Parallel()
		c, rec := newTestClient(t, respond(t, http.StatusOK, "list_runners.json"))
		opts := &ListRunnersOptions{Name: "linux", ListOptions: ListOptions{Page: 2, PerPage: 10}}
		_, err := c.Org("octo-org").ListRunners(t.Context(), opts)
		require.NoError(t, err)
		rec.only(t)
		assert.Equal(t, ListRunnersOptions{Name: "linux", ListOptions: ListOptions{Page: 2, PerPage: 10}}, *opts)
	})
}

// TestValidationErrorText checks that a bad-input error is the library's own
// *Error whose text names the problem, not a transport failure.
func TestValidationErrorText(t *testing.T) {
	t.Parallel()
	c, rec := newNoRequestClient(t)
	_, err := c.Org("octo-org").GetRunner(t.Context(), -1)
	assertRejectedBeforeSending(t, err, rec)
	assert.Contains(t, err.Error(), "invalid argument")
	assert.Contains(t, err.Error(), "-1")
	apiErr := apiError(t, err)
	assert.NotEmpty(t, apiErr.Message)
}

// TestValidationGroups: every bad input to a group operation is
// ErrInvalidArgument, with nothing sent (a bad scope name:
// TestValidationScopeNames).
func TestValidationGroups(t *testing.T) {
	t.Parallel()
	type badCall struct {
		name string
		call func(context.Context, GroupScope) error
	}
	var both []badCall // bad at both scopes
	for _, id := range []int64{0, -1} {
		n := strconv.FormatInt(id, 10)
		both = append(both,
			badCall{"GetRunnerGroup group " + n, func(ctx context.Context, g GroupScope) error { return opErr(g.GetRunnerGroup(ctx, id)) }},
			badCall{"UpdateRunnerGroup group " + n, func(ctx context.Context, g GroupScope) error {
				return opErr(g.UpdateRunnerGroup(ctx, id, &RunnerGroupUpdate{Name: Ptr("n")}))
			}},
			badCall{"DeleteRunnerGroup group " + n, func(ctx context.Context, g GroupScope) error { return g.DeleteRunnerGroup(ctx, id) }},
			badCall{"ListRunnerGroupRunners group " + n, func(ctx context.Context, g GroupScope) error { return opErr(g.ListRunnerGroupRunners(ctx, id, nil)) }},
			badCall{"AllRunnerGroupRunners group " + n, func(ctx context.Context, g GroupScope) error { return firstErr(g.AllRunnerGroupRunners(ctx, id, nil)) }},
			badCall{"SetRunnerGroupRunners group " + n, func(ctx context.Context, g GroupScope) error { return g.SetRunnerGroupRunners(ctx, id, 23) }},
			badCall{"SetRunnerGroupRunners runner " + n, func(ctx context.Context, g GroupScope) error { return g.SetRunnerGroupRunners(ctx, 2, 23, id) }},
			badCall{"AddRunnerToGroup group " + n, func(ctx context.Context, g GroupScope) error { return g.AddRunnerToGroup(ctx, id, 23) }},
			badCall{"AddRunnerToGroup runner " + n, func(ctx context.Context, g GroupScope) error { return g.AddRunnerToGroup(ctx, 2, id) }},
			badCall{"RemoveRunnerFromGroup group " + n, func(ctx context.Context, g GroupScope) error { return g.RemoveRunnerFromGroup(ctx, id, 23) }},
			badCall{"RemoveRunnerFromGroup runner " + n, func(ctx context.Context, g GroupScope) error { return g.RemoveRunnerFromGroup(ctx, 2, id) }},
			badCall{"ListRunnerGroupAccess group " + n, func(ctx context.Context, g GroupScope) error { return opErr(g.ListRunnerGroupAccess(ctx, id, nil)) }},
			badCall{"AllRunnerGroupAccess group " + n, func(ctx context.Context, g GroupScope) error { return firstErr(g.AllRunnerGroupAccess(ctx, id, nil)) }},
			badCall{"SetRunnerGroupAccess group " + n, func(ctx context.Context, g GroupScope) error { return g.SetRunnerGroupAccess(ctx, id, 32) }},
			badCall{"SetRunnerGroupAccess access " + n, func(ctx context.Context, g GroupScope) error { return g.SetRunnerGroupAccess(ctx, 2, id, 32) }},
			badCall{"AddRunnerGroupAccess group " + n, func(ctx context.Context, g GroupScope) error { return g.AddRunnerGroupAccess(ctx, id, 32) }},
			badCall{"AddRunnerGroupAccess access " + n, func(ctx context.Context, g GroupScope) error { return g.AddRunnerGroupAccess(ctx, 2, id) }},
			badCall{"RemoveRunnerGroupAccess group " + n, func(ctx context.Context, g GroupScope) error { return g.RemoveRunnerGroupAccess(ctx, id, 32) }},
			badCall{"RemoveRunnerGroupAccess access " + n, func(ctx context.Context, g GroupScope) error { return g.RemoveRunnerGroupAccess(ctx, 2, id) }},
			badCall{"CreateRunnerGroup runner " + n, func(ctx context.Context, g GroupScope) error {
				return opErr(g.CreateRunnerGroup(ctx, &RunnerGroupRequest{Name: "n", RunnerIDs: []int64{9, id}}))
			}},
		)
	}
	for _, o := range []ListOptions{{PerPage: -1}, {PerPage: 101}, {Page: -1}, {Page: -1, PerPage: 10}} {
		n := fmt.Sprintf("%+v", o)
		both = append(both,
			badCall{"ListRunnerGroups " + n, func(ctx context.Context, g GroupScope) error {
				return opErr(g.ListRunnerGroups(ctx, &ListRunnerGroupsOptions{VisibleTo: "r", ListOptions: o}))
			}},
			badCall{"AllRunnerGroups " + n, func(ctx context.Context, g GroupScope) error {
				return firstErr(g.AllRunnerGroups(ctx, &ListRunnerGroupsOptions{ListOptions: o}))
			}},
			badCall{"ListRunnerGroupRunners " + n, func(ctx context.Context, g GroupScope) error { return opErr(g.ListRunnerGroupRunners(ctx, 2, &o)) }},
			badCall{"AllRunnerGroupRunners " + n, func(ctx context.Context, g GroupScope) error { return firstErr(g.AllRunnerGroupRunners(ctx, 2, &o)) }},
			badCall{"ListRunnerGroupAccess " + n, func(ctx context.Context, g GroupScope) error { return opErr(g.ListRunnerGroupAccess(ctx, 2, &o)) }},
			badCall{"AllRunnerGroupAccess " + n, func(ctx context.Context, g GroupScope) error { return firstErr(g.AllRunnerGroupAccess(ctx, 2, &o)) }},
		)
	}
	var nilCtx context.Context // refused by every operation
	for _, op := range everyGroupOp {
		both = append(both, badCall{op.name + " nil context", func(_ context.Context, g GroupScope) error { return op.call(nilCtx, g) }})
	}
	both = append(both,
		badCall{"CreateRunnerGroup nil", func(ctx context.Context, g GroupScope) error { return opErr(g.CreateRunnerGroup(ctx, nil)) }},
		badCall{"CreateRunnerGroup no name", func(ctx context.Context, g GroupScope) error {
			return opErr(g.CreateRunnerGroup(ctx, &RunnerGroupRequest{Visibility: GroupVisibilityAll}))
		}},
		badCall{"UpdateRunnerGroup nil", func(ctx context.Context, g GroupScope) error { return opErr(g.UpdateRunnerGroup(ctx, 2, nil)) }},
		badCall{"UpdateRunnerGroup empty name", func(ctx context.Context, g GroupScope) error {
			return opErr(g.UpdateRunnerGroup(ctx, 2, &RunnerGroupUpdate{Name: Ptr("")}))
		}},
	)
	org := []badCall{
		{"UpdateRunnerGroup without Name", func(ctx context.Context, g GroupScope) error {
			return opErr(g.UpdateRunnerGroup(ctx, 2, &RunnerGroupUpdate{Visibility: Ptr(GroupVisibilityAll)}))
		}},
		{"UpdateRunnerGroup empty", func(ctx context.Context, g GroupScope) error {
			return opErr(g.UpdateRunnerGroup(ctx, 2, &RunnerGroupUpdate{}))
		}},
		{"CreateRunnerGroup SelectedOrganizationIDs", func(ctx context.Context, g GroupScope) error {
			return opErr(g.CreateRunnerGroup(ctx, &RunnerGroupRequest{Name: "n", Visibility: GroupVisibilitySelected, SelectedOrganizationIDs: []int64{32}}))
		}},
		{"CreateRunnerGroup repository 0", func(ctx context.Context, g GroupScope) error {
			return opErr(g.CreateRunnerGroup(ctx, &RunnerGroupRequest{Name: "n", SelectedRepositoryIDs: []int64{32, 0}}))
		}},
	}
	enterprise := []badCall{
		{"CreateRunnerGroup private", func(ctx context.Context, g GroupScope) error {
			return opErr(g.CreateRunnerGroup(ctx, &RunnerGroupRequest{Name: "n", Visibility: GroupVisibilityPrivate}))
		}},
		{"UpdateRunnerGroup private", func(ctx context.Context, g GroupScope) error {
			return opErr(g.UpdateRunnerGroup(ctx, 2, &RunnerGroupUpdate{Visibility: Ptr(GroupVisibilityPrivate)}))
		}},
		{"CreateRunnerGroup SelectedRepositoryIDs", func(ctx context.Context, g GroupScope) error {
			return opErr(g.CreateRunnerGroup(ctx, &RunnerGroupRequest{Name: "n", Visibility: GroupVisibilitySelected, SelectedRepositoryIDs: []int64{32}}))
		}},
		{"CreateRunnerGroup organization -1", func(ctx context.Context, g GroupScope) error {
			return opErr(g.CreateRunnerGroup(ctx, &RunnerGroupRequest{Name: "n", SelectedOrganizationIDs: []int64{-1}}))
		}},
	}
	for _, sc := range groupScopes {
		cases := append(slices.Clone(both), org...)
		if sc.name == "enterprise" {
			cases = append(slices.Clone(both), enterprise...)
		}
		for _, tc := range cases {
			t.Run(sc.name+"/"+tc.name, func(t *testing.T) {
				t.Parallel()
				c, rec := newNoRequestClient(t)
				assertRejectedBeforeSending(t, tc.call(t.Context(), sc.groups(c)), rec)
			})
		}
	}
}

// TestValidationGroupRequestsNotModified: the caller's request, update and
// ID lists are left as they were, and what was sent is what was checked.
func TestValidationGroupRequestsNotModified(t *testing.T) {
	t.Parallel()
	c, rec := newTestClient(t, respond(t, http.StatusCreated, "runner_group_org.json"))
	ids := []int64{32, 91}
	req := &RunnerGroupRequest{Name: "n", SelectedRepositoryIDs: ids, RunnerIDs: []int64{9}, SelectedWorkflows: []string{"w"}}
	want := *req
	_, err := c.Org("octo-org").CreateRunnerGroup(t.Context(), req)
	require.NoError(t, err)
	rec.only(t)
	assert.Equal(t, want, *req)

	workflows := []string{"w"}
	upd := &RunnerGroupUpdate{Name: Ptr("n"), SelectedWorkflows: &workflows, NetworkConfigurationID: Ptr("")}
	c, _ = newTestClient(t, respond(t, http.StatusOK, "runner_group_org.json"))
	_, err = c.Org("octo-org").UpdateRunnerGroup(t.Context(), 2, upd)
	require.NoError(t, err)
	assert.Equal(t, "n", *upd.Name)
	assert.Equal(t, []string{"w"}, *upd.SelectedWorkflows)
	assert.Empty(t, *upd.NetworkConfigurationID)
}
