package runners

import (
	"errors"
	"fmt"
	"net/http"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// serviceKind names the concrete service behind a Scope.
func serviceKind(s Scope) string {
	switch s.(type) {
	case *OrgService:
		return "org"
	case *RepoService:
		return "repo"
	case *EnterpriseService:
		return "enterprise"
	}
	return fmt.Sprintf("%T", s)
}

// clientAt returns a client of base, of github.com when base is "".
func clientAt(t *testing.T, base string) *Client {
	t.Helper()
	var opts []Option
	if base != "" {
		opts = append(opts, WithBaseURL(base))
	}
	c, err := NewClient(opts...)
	require.NoError(t, err)
	return c
}

func TestScopeFromURL(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name     string
		base     string // the client's base URL; "" for the default
		url      string
		wantKind string
		wantPath string
	}{
		{"org", "", "https://github.com/octo-org", "org", "orgs/octo-org"},
		{"org/", "", "https://github.com/octo-org/", "org", "orgs/octo-org"},
		{"orgs/org", "", "https://github.com/orgs/octo-org", "org", "orgs/octo-org"},
		{"orgs/org/", "", "https://github.com/orgs/octo-org/", "org", "orgs/octo-org"},
		{"repo", "", "https://github.com/octo-org/octo-repo", "repo", "repos/octo-org/octo-repo"},
		{"repo/", "", "https://github.com/octo-org/octo-repo/", "repo", "repos/octo-org/octo-repo"},
		{"repo.git", "", "https://github.com/octo-org/octo-repo.git", "repo", "repos/octo-org/octo-repo"},
		{"repo.git/", "", "https://github.com/octo-org/octo-repo.git/", "repo", "repos/octo-org/octo-repo"},
		{"enterprise", "", "https://github.com/enterprises/acme", "enterprise", "enterprises/acme"},
		{"enterprise/", "", "https://github.com/enterprises/acme/", "enterprise", "enterprises/acme"},
		{"upper case scheme and host", "", "HTTPS://GitHub.com/octo-org", "org", "orgs/octo-org"},
		{"white space around", "", "  https://github.com/octo-org/octo-repo\n", "repo", "repos/octo-org/octo-repo"},
		{"GHES repo", "https://ghes.example.com", "https://ghes.example.com/octo-org/octo-repo", "repo", "repos/octo-org/octo-repo"},
		{"GHES org", "https://ghes.example.com/api/v3", "https://ghes.example.com/octo-org", "org", "orgs/octo-org"},
		{"GHES enterprise", "https://ghes.example.com", "https://ghes.example.com/enterprises/acme", "enterprise", "enterprises/acme"},
		{"GHE.com org", "https://octo.ghe.com", "https://octo.ghe.com/octo-org", "org", "orgs/octo-org"},
		{"GHE.com repo", "https://api.octo.ghe.com", "https://octo.ghe.com/octo-org/octo-repo.git", "repo", "repos/octo-org/octo-repo"},
		{"GHE.com enterprise", "https://api.octo.ghe.com", "https://octo.ghe.com/enterprises/octo", "enterprise", "enterprises/octo"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			c := clientAt(t, tc.base)
			s, err := c.ScopeFromURL(tc.url)
			require.NoError(t, err)
			require.NotNil(t, s)
			assert.Equal(t, tc.wantKind, serviceKind(s))
			assert.Equal(t, tc.wantPath, fmt.Sprint(s))
		})
	}
}

func TestScopeFromURLInvalid(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name string
		base string
		url  string
	}{
		{"empty", "", ""},
		{"blank", "", "   "},
		{"no scheme", "", "github.com/octo-org"},
		{"no scheme, repo", "", "github.com/octo-org/octo-repo"},
		{"ssh URL", "", "ssh://git@github.com/octo-org/octo-repo.git"},
		{"scp-like git address", "", "git@github.com:octo-org/octo-repo.git"},
		{"git scheme", "", "git://github.com/octo-org/octo-repo.git"},
		{"wrong host", "", "https://gitlab.com/octo-org"},
		{"API host instead of the web host", "", "https://api.github.com/octo-org"},
		{"look-alike host", "", "https://github.com.evil.example/octo-org"},
		{"no path", "", "https://github.com"},
		{"root path", "", "https://github.com/"},
		{"three segments", "", "https://github.com/a/b/c"},
		{"a repository page", "", "https://github.com/octo-org/octo-repo/issues"},
		{"orgs with a repo", "", "https://github.com/orgs/octo-org/octo-repo"},
		{"enterprises without a slug", "", "https://github.com/enterprises/"},
		{"orgs without a name", "", "https://github.com/orgs/"},
		{"enterprises alone", "", "https://github.com/enterprises"},
		{"query", "", "https://github.com/octo-org?tab=repositories"},
		{"empty query", "", "https://github.com/octo-org?"},
		{"fragment", "", "https://github.com/octo-org/octo-repo#readme"},
		{"credentials", "", "https://user:secret@github.com/octo-org"},
		{"only .git", "", "https://github.com/octo-org/.git"},
		{"empty owner", "", "https://github.com//octo-repo/x"},
		{"dot-dot repo", "", "https://github.com/octo-org/.."},
		{"dot-dot org", "", "https://github.com/.."},
		{"dot owner", "", "https://github.com/./octo-repo"},
		{"bad escape", "", "https://github.com/octo-org/%zz"},
		{"bad escape with credentials", "", "https://user:secret@github.com/octo-org/%zz"},
		{"bad port with credentials", "", "https://user:secret@github.com:port/octo-org"},
		{"github.com URL on a GHES client", "https://ghes.example.com", "https://github.com/octo-org"},
		{"another GHES host", "https://ghes.example.com", "https://ghes2.example.com/octo-org"},
		{"github.com URL on a GHE.com client", "https://octo.ghe.com", "https://github.com/octo-org"},
		{"another GHE.com tenant", "https://octo.ghe.com", "https://other.ghe.com/octo-org"},
		{"GHE.com API host", "https://octo.ghe.com", "https://api.octo.ghe.com/octo-org"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			c := clientAt(t, tc.base)
			s, err := c.ScopeFromURL(tc.url)
			require.Error(t, err, "got scope %v", s)
			assert.Nil(t, s)
			assert.ErrorIs(t, err, ErrInvalidArgument)
			var apiErr *Error
			assert.True(t, errors.As(err, &apiErr))
			assert.NotContains(t, err.Error(), "secret", "credentials are not repeated")
		})
	}
}

func TestScopeFromURLOnLoopback(t *testing.T) {
	t.Parallel()
	c, rec := newTestClient(t, respond(t, http.StatusOK, "list_runners.json"))
	s, err := c.ScopeFromURL("https://github.com/octo-org/octo-repo.git")
	require.NoError(t, err)
	list, err := s.ListRunners(t.Context(), nil)
	require.NoError(t, err)
	assert.Len(t, list.Runners, 2)
	assert.Equal(t, "/repos/octo-org/octo-repo/actions/runners", rec.only(t).Path)

	s, err = c.ScopeFromURL("https://ghes.example.com/enterprises/acme")
	require.NoError(t, err, "a loopback client accepts any host")
	assert.Equal(t, "enterprise", serviceKind(s))

	_, err = c.ScopeFromURL("https://github.com/a/b/c")
	assert.ErrorIs(t, err, ErrInvalidArgument)
	assert.Len(t, rec.all(), 1, "no request for a bad URL")
}

// ConfigURL is the web address config.sh --url wants, on each kind of host.
func TestScopeConfigURL(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		base  string
		scope func(*Client) Scope
		want  string
	}{
		{"", func(c *Client) Scope { return c.Org("octo-org") }, "https://github.com/octo-org"},
		{"", func(c *Client) Scope { return c.Repo("octo-org", "octo-repo") }, "https://github.com/octo-org/octo-repo"},
		{"", func(c *Client) Scope { return c.Enterprise("acme") }, "https://github.com/enterprises/acme"},
		{"https://ghes.example.com", func(c *Client) Scope { return c.Enterprise("acme") }, "https://ghes.example.com/enterprises/acme"},
		{"https://ghes.example.com/prefix/api/v3", func(c *Client) Scope { return c.Org("o") }, "https://ghes.example.com/prefix/o"},
		{"https://api.octo.ghe.com", func(c *Client) Scope { return c.Repo("o", "r") }, "https://octo.ghe.com/o/r"},
		{"http://127.0.0.1:8080/", func(c *Client) Scope { return c.Org("a b") }, "http://127.0.0.1:8080/a%20b"},
		{"", func(c *Client) Scope { return c.Org("a/b") }, ""},
	} {
		c := clientAt(t, tc.base)
		assert.Equal(t, tc.want, tc.scope(c).ConfigURL(), "base %q", tc.base)
	}
}
