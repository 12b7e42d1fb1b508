package runners

import (
	"context"
	"time"
)

// Clock is where a [Client] reads the time and waits: between retries, and
// for a rate limit to reset. The default is the system clock ([time.Now] and a
// timer). Tests give a clock they move by hand, so that a retry after a
// secondary rate limit (a minute, as GitHub asks) costs no real time; the
// client of package runnerstest follows the fake's clock.
type Clock interface {
	Now() time.Time
	// Sleep waits d, or less when ctx ends first, and then returns ctx's error.
	Sleep(ctx context.Context, d time.Duration) error
}

// WithClock makes the client read the time from clk and wait through it.
func WithClock(clk Clock) Option {
	return func(s *settings) error {
		if clk == nil {
			return invalidArgf("WithClock: the clock is nil")
		}
		s.clock = clk
		return nil
	}
}

// systemClock is the real time.
type systemClock struct{}

func (systemClock) Now() time.Time { return time.Now() }

func (systemClock) Sleep(ctx context.Context, d time.Duration) error {
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-t.C:
		return nil
	case <-ctx.Done():
		return ctx.Err()
	}
}
