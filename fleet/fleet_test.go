package fleet_test

import (
	"context"
	"strings"
	"testing"

	"github.com/fleetkit/runners"
	"github.com/fleetkit/runners/fleet"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// Every function refuses a nil context or scope it cannot use with an error
// matching runners.ErrInvalidArgument: no panic, nothing sent.
func TestNilArguments(t *testing.T) {
	t.Parallel()
	srv, st, real := newFake(t, nil)
	st.AddRunner(runners.Runner{ID: 7, Name: "build-7"})
	var nilOrg *runners.OrgService // a typed nil: its methods would panic
	calls := map[string]func(ctx context.Context, s runners.Scope) error{
		"FindRunner": func(ctx context.Context, s runners.Scope) error {
			_, err := fleet.FindRunner(ctx, s, "build-7")
			return err
		},
		"DeleteWhenIdle": func(ctx context.Context, s runners.Scope) error {
			return fleet.DeleteWhenIdle(ctx, s, 7, nil)
		},
		"Prune": func(ctx context.Context, s runners.Scope) error {
			_, err := fleet.Prune(ctx, s, nil)
			return err
		},
		"NewTokenCache": func(ctx context.Context, s runners.Scope) error {
			_, err := fleet.NewTokenCache(s, nil).Get(ctx)
			return err
		},
		"GenerateJITConfigReplacing": func(ctx context.Context, s runners.Scope) error {
			_, err := fleet.GenerateJITConfigReplacing(ctx, s, jitRequest(), nil)
			return err
		},
	}
	for name, call := range calls {
		for _, tc := range []struct {
			what    string
			ctx     context.Context
			s       runners.Scope
			problem string
		}{
			{"nil scope", t.Context(), nil, "the scope is nil"},
			{"typed nil scope", t.Context(), nilOrg, "the scope is nil"},
			{"nil context", nil, real, "the context is nil"},
		} {
			var err error
			require.NotPanics(t, func() { err = call(tc.ctx, tc.s) }, "%s, %s", name, tc.what)
			assert.ErrorIs(t, err, runners.ErrInvalidArgument, "%s, %s", name, tc.what)
			what := name
			if name == "NewTokenCache" && tc.ctx == nil {
				what = "TokenCache.Get" // the cache is fine; the call is not
			}
			assert.Equal(t, "fleet: "+what+": "+tc.problem, err.Error(), tc.what)
		}
	}
	assert.Empty(t, srv.Requests(), "nothing sent")
	assert.Len(t, st.Runners(), 1)

	var nilCache *fleet.TokenCache
	_, err := nilCache.Get(t.Context())
	assert.ErrorIs(t, err, runners.ErrInvalidArgument)
	assert.EqualError(t, err, "fleet: TokenCache.Get: the cache is nil")
	_, err = fleet.NewTokenCache(real, &fleet.TokenCacheOptions{Margin: -1}).Get(t.Context())
	assert.ErrorIs(t, err, runners.ErrInvalidArgument)
	assert.True(t, strings.HasPrefix(err.Error(), "fleet: NewTokenCache: the margin must not be negative"), err.Error())
	assert.Empty(t, srv.Requests(), "nothing sent")
}
