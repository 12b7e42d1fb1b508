package runnerstest

import (
	"context"
	"sync"
	"time"

	"github.com/fleetkit/runners"
)

// Clock is a clock for tests that moves only when told: [Clock.Advance],
// [Clock.Set], or a [Clock.Sleep], which moves it by the time slept at once
// and returns. It implements [runners.Clock]: given to [Server.SetClock], it
// is the fake's time (token expiry, rate-limit windows) and the time the
// server's [Server.Client] reads and waits on, so that a retry after a
// secondary rate limit costs no real time and moves the clock by the wait.
// It is safe for concurrent use.
type Clock struct {
	mu  sync.Mutex
	now time.Time
}

// NewClock returns a clock that reads start until it is moved.
func NewClock(start time.Time) *Clock { return &Clock{now: start} }

// Now returns the clock's time.
func (c *Clock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.now
}

// Sleep moves the clock d ahead and returns at once; it returns ctx's error,
// moving nothing, when ctx is already done.
func (c *Clock) Sleep(ctx context.Context, d time.Duration) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	c.Advance(d)
	return nil
}

// Advance moves the clock d ahead; a negative d moves nothing.
func (c *Clock) Advance(d time.Duration) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.now = c.now.Add(max(d, 0))
}

// Set moves the clock to t, which may be earlier than its time.
func (c *Clock) Set(t time.Time) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.now = t
}

// SetClock makes the server read the time from clk (token expiry,
// rate-limit windows), and makes the clients of [Server.Client], made before
// or after, read the time and wait through it. nil restores the real clock.
func (s *Server) SetClock(clk runners.Clock) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.clock = clk
}

// now is the server's time; the caller holds s.mu.
func (s *Server) now() time.Time {
	if s.clock == nil {
		return time.Now()
	}
	return s.clock.Now()
}

// serverClock is the clock of the server's clients: the server's clock when
// one is set, the real time otherwise.
type serverClock struct{ s *Server }

func (c serverClock) current() runners.Clock {
	c.s.mu.Lock()
	defer c.s.mu.Unlock()
	return c.s.clock
}

func (c serverClock) Now() time.Time {
	if clk := c.current(); clk != nil {
		return clk.Now()
	}
	return time.Now()
}

func (c serverClock) Sleep(ctx context.Context, d time.Duration) error {
	if clk := c.current(); clk != nil {
		return clk.Sleep(ctx, d)
	}
	wait, cancel := context.WithTimeout(ctx, d)
	defer cancel()
	<-wait.Done()
	return ctx.Err() // nil when the wait, not ctx, ended
}
