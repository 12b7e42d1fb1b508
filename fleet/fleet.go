package fleet

import (
	"context"
	"fmt"
	"reflect"
	"time"

	"github.com/fleetkit/runners"
)

// fleetError is an error this package finds itself, before or without an
// answer from GitHub: "fleet: <what>: <problem>", matching a sentinel of
// package runners with errors.Is.
type fleetError struct {
	msg  string
	kind error // runners.ErrInvalidArgument or runners.ErrNotFound
}

func (e *fleetError) Error() string { return e.msg }
func (e *fleetError) Unwrap() error { return e.kind }

// newError returns the error "fleet: <what>: <problem>" matching kind.
func newError(kind error, what, format string, args ...any) error {
	return &fleetError{msg: "fleet: " + what + ": " + fmt.Sprintf(format, args...), kind: kind}
}

// invalid returns bad input, caught before anything is sent.
func invalid(what, format string, args ...any) error {
	return newError(runners.ErrInvalidArgument, what, format, args...)
}

// checkArgs refuses the nil context and the nil scope that what cannot use.
func checkArgs(what string, ctx context.Context, s runners.Scope) error {
	switch {
	case ctx == nil:
		return invalid(what, "the context is nil")
	case isNil(s):
		return invalid(what, "the scope is nil")
	}
	return nil
}

// isNil reports whether s is nil, also as a typed nil such as a nil
// *runners.OrgService, whose methods would panic.
func isNil(s runners.Scope) bool {
	if s == nil {
		return true
	}
	switch v := reflect.ValueOf(s); v.Kind() {
	case reflect.Pointer, reflect.Interface, reflect.Map, reflect.Slice, reflect.Func, reflect.Chan:
		return v.IsNil()
	}
	return false
}

// clockOr returns c, or the real time when c is nil.
func clockOr(c runners.Clock) runners.Clock {
	if c == nil {
		return realTime{}
	}
	return c
}

// realTime is the clock of options that name none.
type realTime struct{}

func (realTime) Now() time.Time { return time.Now() }

func (realTime) Sleep(ctx context.Context, d time.Duration) error {
	select {
	case <-time.After(d):
	case <-ctx.Done():
	}
	return ctx.Err()
}
