package runners

import (
	"context"
	"fmt"
	"log/slog"
	"strings"
	"time"
)

// Token is a registration token (to configure a runner with config.sh) or a
// remove token (to unconfigure one). Both expire one hour after they are made.
//
// The token is a secret: it is left out of what fmt and slog print, which
// show "[redacted]" instead. Read the Token field to use it.
type Token struct {
	Token     string    `json:"token"`
	ExpiresAt time.Time `json:"expires_at"`
	// Permissions, Repositories, SingleFile and RepositorySelection are sent
	// by some GitHub Enterprise Server versions and are empty otherwise.
	Permissions         map[string]string `json:"permissions,omitempty"`
	Repositories        []*Repository     `json:"repositories,omitempty"`
	SingleFile          string            `json:"single_file,omitempty"`
	RepositorySelection string            `json:"repository_selection,omitempty"` // "all" or "selected"
}

// Repository is a repository a [Token] gives access to.
type Repository struct {
	ID       int64  `json:"id"`
	NodeID   string `json:"node_id,omitempty"`
	Name     string `json:"name"`
	FullName string `json:"full_name,omitempty"`
	Private  bool   `json:"private"`
	HTMLURL  string `json:"html_url,omitempty"`
	Owner    *User  `json:"owner,omitempty"`
}

// User is the owner of a [Repository]: a user or an organization.
type User struct {
	Login   string `json:"login"`
	ID      int64  `json:"id,omitempty"`
	NodeID  string `json:"node_id,omitempty"`
	Type    string `json:"type,omitempty"` // "User" or "Organization"
	HTMLURL string `json:"html_url,omitempty"`
}

// CreateRegistrationToken creates a token for configuring a new self-hosted
// runner in the scope (config.sh --token). It expires after one hour.
//
// GitHub docs:
//   - enterprise: https://docs.github.com/enterprise-cloud@latest/rest/actions/self-hosted-runners#create-a-registration-token-for-an-enterprise
//   - organization: https://docs.github.com/rest/actions/self-hosted-runners#create-a-registration-token-for-an-organization
//   - repository: https://docs.github.com/rest/actions/self-hosted-runners#create-a-registration-token-for-a-repository
//
// Endpoints:
//
//	POST /enterprises/{enterprise}/actions/runners/registration-token
//	POST /orgs/{org}/actions/runners/registration-token
//	POST /repos/{owner}/{repo}/actions/runners/registration-token
func (s scope) CreateRegistrationToken(ctx context.Context) (*Token, error) {
	return s.token(ctx, "CreateRegistrationToken", "actions/runners/registration-token")
}

// CreateRemoveToken creates a token for removing a self-hosted runner from the
// scope (config.sh remove --token). It expires after one hour.
//
// GitHub docs:
//   - enterprise: https://docs.github.com/enterprise-cloud@latest/rest/actions/self-hosted-runners#create-a-remove-token-for-an-enterprise
//   - organization: https://docs.github.com/rest/actions/self-hosted-runners#create-a-remove-token-for-an-organization
//   - repository: https://docs.github.com/rest/actions/self-hosted-runners#create-a-remove-token-for-a-repository
//
// Endpoints:
//
//	POST /enterprises/{enterprise}/actions/runners/remove-token
//	POST /orgs/{org}/actions/runners/remove-token
//	POST /repos/{owner}/{repo}/actions/runners/remove-token
func (s scope) CreateRemoveToken(ctx context.Context) (*Token, error) {
	return s.token(ctx, "CreateRemoveToken", "actions/runners/remove-token")
}

// token creates a registration or remove token: a POST that only mints a
// token, so safe to repeat.
func (s scope) token(ctx context.Context, op, path string) (*Token, error) {
	t := new(Token)
	r := post(op, path, nil, t)
	r.idempotent = true
	if _, err := s.send(ctx, r); err != nil {
		return nil, err
	}
	return t, nil
}

// String describes the token without its secret.
func (t Token) String() string {
	var b strings.Builder
	fmt.Fprintf(&b, "runners.Token{Token: %s, ExpiresAt: %s", redacted(t.Token), t.ExpiresAt.Format(time.RFC3339))
	if t.RepositorySelection != "" {
		fmt.Fprintf(&b, ", RepositorySelection: %q", t.RepositorySelection)
	}
	if len(t.Repositories) > 0 {
		fmt.Fprintf(&b, ", Repositories: %d", len(t.Repositories))
	}
	if t.SingleFile != "" {
		fmt.Fprintf(&b, ", SingleFile: %q", t.SingleFile)
	}
	b.WriteString("}")
	return b.String()
}

// Format prints [Token.String] for every verb, so that no verb (%v, %+v, %#v,
// %s, %q, %x, ...) prints the secret.
func (t Token) Format(f fmt.State, verb rune) { formatRedacted(f, verb, t.String()) }

// LogValue is what slog logs for a token: its expiry, never its secret.
func (t Token) LogValue() slog.Value {
	return slog.GroupValue(slog.String("token", redacted(t.Token)), slog.Time("expires_at", t.ExpiresAt))
}
