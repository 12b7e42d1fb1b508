package runners

import (
	"net/http"
	"testing"

	"github.com/stretchr/testify/assert"
)

// A 204 where a value was promised is an error, not a zero value to act on.
func TestDecodeNoContentWhereABodyBelongs(t *testing.T) {
	t.Parallel()
	c, _ := newTestClient(t, respond(t, http.StatusNoContent, ""))
	r, err := c.Org("octo-org").GetRunner(t.Context(), 23)
	assert.Nil(t, r)
	apiErr := apiError(t, err)
	assert.Equal(t, http.StatusNoContent, apiErr.StatusCode)
	assert.Contains(t, err.Error(), "204")
	// DeleteRunner's 204 is its success.
	assert.NoError(t, c.Org("octo-org").DeleteRunner(t.Context(), 23))
}
