package runners

import (
	"encoding/json"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// A label type decodes to its constant, and any other value (a type GitHub
// adds later, an escaped string) as itself, in a runner's labels.
func TestLabelTypeDecoding(t *testing.T) {
	t.Parallel()
	var r Runner
	require.NoError(t, decodeBody([]byte(`{"id":1,"name":"r","os":"linux","status":"offline","busy":false,"labels":[
		{"name":"a","type":"read-only"},{"name":"b","type":"custom"},{"name":"c","type":"c\u0075stom"},{"name":"d","type":"future"}]}`), &r))
	assert.Equal(t, []LabelType{LabelReadOnly, LabelCustom, LabelCustom, "future"},
		[]LabelType{r.Labels[0].Type, r.Labels[1].Type, r.Labels[2].Type, r.Labels[3].Type})
	var lt LabelType
	assert.Error(t, json.Unmarshal([]byte(`{}`), &lt))
}
