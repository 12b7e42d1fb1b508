package runnerstest

import (
	"errors"
	"flag"
	"fmt"
	"io"
	"strings"
	"time"

	"github.com/fleetkit/runners"
)

// ScopeFlags are the command-line flags that name a scope on GitHub, for a
// program that runs against GitHub with a token and against the built-in
// fake without one, as the repository's examples do:
//
//	var where runnerstest.ScopeFlags
//	where.Register(fs, 30*time.Second)
//	fs.Parse(os.Args[1:])
//	scope, fake, err := where.Open(os.Getenv("GITHUB_TOKEN"), os.Stderr)
//	ctx, cancel := context.WithTimeout(ctx, where.Timeout)
//
// The flags: -org NAME, -repo OWNER/REPO, -enterprise SLUG, -url URL (at
// most one), -base-url URL (GitHub Enterprise Server, GHE.com), -fake, and
// -timeout.
type ScopeFlags struct {
	Org, Repo, Enterprise, URL string
	BaseURL                    string
	Fake                       bool          // use the fake even with a token
	Timeout                    time.Duration // how long the program's requests may take
}

// Register defines the flags on fs; timeout is the default of -timeout.
func (f *ScopeFlags) Register(fs *flag.FlagSet, timeout time.Duration) {
	fs.StringVar(&f.Org, "org", "", "organization `NAME`")
	fs.StringVar(&f.Repo, "repo", "", "repository `OWNER/REPO`")
	fs.StringVar(&f.Enterprise, "enterprise", "", "enterprise `SLUG`")
	fs.StringVar(&f.URL, "url", "", "the scope's GitHub `URL`, such as https://github.com/octo-org/octo-repo")
	fs.StringVar(&f.BaseURL, "base-url", "https://api.github.com", "API base `URL`, for GitHub Enterprise Server or GHE.com")
	fs.BoolVar(&f.Fake, "fake", false, "use the built-in fake, even with GITHUB_TOKEN set")
	fs.DurationVar(&f.Timeout, "timeout", timeout, "the most the program's requests may take")
}

// Open returns the scope the flags name, on a client with opts: on GitHub
// when token is set and a flag names a scope (and -fake is not given);
// otherwise on a new fake, seeded with the runners of GitHub's documentation
// ([DocumentedRunners]), at -org octo-org unless a flag names a scope. Then
// it also returns the fake's state of the scope, and says on stderr how to
// point the program at GitHub.
func (f *ScopeFlags) Open(token string, stderr io.Writer, opts ...runners.Option) (runners.Scope, *ScopeState, error) {
	named := 0
	for _, v := range []string{f.Org, f.Repo, f.Enterprise, f.URL} {
		named += min(len(v), 1)
	}
	switch {
	case named > 1:
		return nil, nil, errors.New("give at most one of -org, -repo, -enterprise or -url")
	case f.Timeout <= 0:
		return nil, nil, fmt.Errorf("-timeout %v: want a positive duration", f.Timeout)
	case token != "" && named == 1 && !f.Fake:
		c, err := runners.NewClient(append([]runners.Option{runners.WithToken(token), runners.WithBaseURL(f.BaseURL)}, opts...)...)
		if err != nil {
			return nil, nil, err
		}
		s, err := f.scope(c)
		return s, nil, err
	}
	fmt.Fprintln(stderr, "Using the built-in fake, seeded with the runners of GitHub's documentation. To ask GitHub, set\n"+
		"GITHUB_TOKEN and give -org NAME, -repo OWNER/REPO, -enterprise SLUG or -url URL (and -base-url URL for GHES).")
	if named == 0 {
		f.Org = "octo-org"
	}
	srv := NewServer()
	s, err := f.scope(srv.Client(opts...))
	if err != nil {
		return nil, nil, err
	}
	st := srv.State(s)
	st.AddRunners(DocumentedRunners()...)
	return s, st, nil
}

func (f *ScopeFlags) scope(c *runners.Client) (runners.Scope, error) {
	switch {
	case f.Org != "":
		return c.Org(f.Org), nil
	case f.Enterprise != "":
		return c.Enterprise(f.Enterprise), nil
	case f.URL != "":
		return c.ScopeFromURL(f.URL)
	}
	owner, name, ok := strings.Cut(f.Repo, "/")
	if !ok {
		return nil, fmt.Errorf("-repo %q: want OWNER/REPO", f.Repo)
	}
	return c.Repo(owner, name), nil
}
