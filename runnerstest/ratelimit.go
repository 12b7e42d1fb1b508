package runnerstest

import (
	"net/http"
	"strconv"
	"time"

	"github.com/fleetkit/runners"
)

const (
	// defaultRateLimit is GitHub.com's hourly quota of a user's token.
	defaultRateLimit = 5000
	// anonymousRateLimit is GitHub.com's hourly quota of requests without
	// a credential.
	anonymousRateLimit = 60
)

// budget is the quota of one credential in its current hour.
type budget struct {
	used  int
	reset time.Time // the end of the window; zero before the first request
}

// SetRateLimit sets how many requests each token may make an hour: 5,000
// unless set, as for a user's token on GitHub.com. A registered GitHub App's
// JWT and its installations' tokens have budgets of their own
// ([App.SetRateLimit], [Installation.SetRateLimit]). Each answer costs 1
// and says what is left in X-RateLimit-* headers; a 304 costs nothing. Once
// a credential's budget is spent, its requests get GitHub's 403 "API rate
// limit exceeded" until the hour, which starts with the credential's first
// request, is over by the server's clock. A limit of 0 refuses every request
// with a token. It panics on a negative limit, a mistake in a test's set-up.
func (s *Server) SetRateLimit(limit int) {
	if limit < 0 {
		panic("runnerstest: SetRateLimit: negative limit " + strconv.Itoa(limit))
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	s.rateLimit = limit
}

// budgetFor returns the budget of credential ("" for requests without one),
// starting a new window when the last one is over, and its hourly limit.
func (s *Server) budgetFor(credential string, now time.Time) (*budget, int) {
	b := s.budgets[credential]
	if b == nil {
		b = &budget{}
		s.budgets[credential] = b
	}
	b.roll(now)
	if credential == "" {
		return b, anonymousRateLimit
	}
	return b, s.rateLimit
}

// roll starts a new window when the last one is over at now: it starts now
// and ends an hour later, rounded up to the whole second, which is what
// X-RateLimit-Reset can say.
func (b *budget) roll(now time.Time) {
	if now.Before(b.reset) {
		return
	}
	b.used, b.reset = 0, now.Add(time.Hour)
	if whole := b.reset.Truncate(time.Second); !whole.Equal(b.reset) {
		b.reset = whole.Add(time.Second)
	}
}

// view is the budget as the X-RateLimit-* headers of an answer at now would
// report it before the answer is counted, its reset in UTC: a window that is
// over, or has not started, has nothing used and no reset yet.
func (b *budget) view(limit int, now time.Time) runners.RateLimit {
	rl := runners.RateLimit{Resource: "core", Limit: limit, Remaining: limit}
	if now.Before(b.reset) {
		rl.Used, rl.Remaining, rl.Reset = b.used, max(0, limit-b.used), time.Unix(b.reset.Unix(), 0).UTC()
	}
	return rl
}

// rateLimitHeader is GitHub's X-RateLimit-* headers for the core resource.
func rateLimitHeader(limit, used int, reset time.Time) http.Header {
	return http.Header{
		"X-Ratelimit-Limit":     {strconv.Itoa(limit)},
		"X-Ratelimit-Remaining": {strconv.Itoa(max(0, limit-used))},
		"X-Ratelimit-Used":      {strconv.Itoa(used)},
		"X-Ratelimit-Reset":     {strconv.FormatInt(reset.Unix(), 10)},
		"X-Ratelimit-Resource":  {"core"},
	}
}
