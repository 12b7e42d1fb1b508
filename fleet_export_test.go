package runners

import "time"

// SetTokenCacheClock replaces the clock of a TokenCache, for the tests of
// package runners_test (fleet_test.go). It exists only in test builds.
func SetTokenCacheClock(c *TokenCache, now func() time.Time) { c.now = now }
