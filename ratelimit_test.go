package runners

import (
	"errors"
	"net/http"
	"strconv"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// Issue 11, item 6: X-RateLimit-Remaining: 0 is the primary limit whatever
// the message or documentation URL say; a retry does not resend against the
// spent quota before its reset.
func TestRateLimitSpentQuotaIsPrimary(t *testing.T) {
	t.Parallel()
	reset := time.Now().Add(30 * time.Minute).Truncate(time.Second)
	for name, body := range map[string]string{
		"secondary docs URL": `{"message":"You have exceeded a secondary rate limit","documentation_url":"https://docs.github.com/rest/overview/rate-limits-for-the-rest-api#about-secondary-rate-limits"}`,
		"abuse docs URL":     `{"message":"API rate limit exceeded","documentation_url":"https://docs.github.com/rest/overview/resources-in-the-rest-api#abuse-rate-limits"}`,
	} {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			c, rec, sl := scaleRetryClient(t, RetryPolicy{}, scaleAnswer(http.StatusForbidden, body,
				"X-RateLimit-Limit", "5000", "X-RateLimit-Remaining", "0", "X-RateLimit-Reset", strconv.FormatInt(reset.Unix(), 10)))
			_, err := c.Org("octo-org").GetRunner(t.Context(), 1)
			var rl *RateLimitError
			require.True(t, errors.As(err, &rl), "%v", err)
			assert.False(t, rl.Secondary, "a spent quota is the primary limit")
			assert.Equal(t, reset, rl.Reset)
			assert.Len(t, rec.all(), 1, "not resent against an empty quota")
			assert.Empty(t, sl.all())
		})
	}
}
