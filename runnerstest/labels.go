package runnerstest

import (
	"encoding/json"
	"fmt"
	"net/http"
	"slices"
	"strconv"
	"strings"

	"github.com/fleetkit/runners"
)

func (s *Server) listLabels(_ *call, r *runners.Runner) reply { return labelsReply(r) }

// addLabels adds custom labels (1 to 100); a name the runner has is kept once.
func (s *Server) addLabels(c *call, r *runners.Runner) reply { return s.putLabels(c, r, 1) }

// setLabels replaces the custom labels (0 to 100), keeping the read-only ones.
func (s *Server) setLabels(c *call, r *runners.Runner) reply { return s.putLabels(c, r, 0) }

// putLabels checks a labels body with the schema's minItems and adds its
// labels; setting (minItems 0) drops the custom labels first. A refused body
// changes nothing.
func (s *Server) putLabels(c *call, r *runners.Runner, minItems int) reply {
	var req struct {
		Labels *[]string `json:"labels"`
	}
	if err := json.Unmarshal(c.body, &req); err != nil || req.Labels == nil {
		return invalid(`"labels" wasn't supplied as an array of strings.`)
	}
	if rep, ok := checkLabels(*req.Labels, minItems); !ok {
		return rep
	}
	if minItems == 0 {
		r.Labels = readOnly(r.Labels)
	}
	for _, name := range *req.Labels {
		if !hasLabel(r, name) {
			r.Labels = append(r.Labels, s.st.label(name, runners.LabelCustom, 0))
		}
	}
	return labelsReply(r)
}

// removeAllLabels removes the custom labels, keeping the read-only ones.
func (s *Server) removeAllLabels(_ *call, r *runners.Runner) reply {
	r.Labels = readOnly(r.Labels)
	return labelsReply(r)
}

// removeLabel removes one custom label: 404 when the runner lacks it, 422
// for a read-only one.
func (s *Server) removeLabel(c *call, r *runners.Runner) reply {
	name := c.r.PathValue("name")
	i := slices.IndexFunc(r.Labels, func(l *runners.Label) bool { return strings.EqualFold(l.Name, name) })
	switch {
	case i < 0:
		return ghError(http.StatusNotFound, "Not Found - label "+strconv.Quote(name)+" not found on runner")
	case r.Labels[i].Type == runners.LabelReadOnly:
		return invalid("read-only label " + strconv.Quote(name) + " cannot be removed.")
	}
	r.Labels = slices.Delete(r.Labels, i, i+1)
	return labelsReply(r)
}

func labelsReply(r *runners.Runner) reply {
	return jsonReply(http.StatusOK, map[string]any{"total_count": len(r.Labels), "labels": r.Labels})
}

// checkLabels applies the schema of a labels array: minItems (1 for add and
// JIT, 0 for set), maxItems 100, non-empty strings.
func checkLabels(labels []string, minItems int) (reply, bool) {
	if len(labels) < minItems || len(labels) > 100 {
		return invalid(fmt.Sprintf(`"labels" must have %d to 100 items, got %d.`, minItems, len(labels))), false
	}
	for _, l := range labels {
		if l == "" {
			return invalid(`"labels" must not hold an empty name.`), false
		}
	}
	return reply{}, true
}

func hasLabel(r *runners.Runner, name string) bool {
	return slices.ContainsFunc(r.Labels, func(l *runners.Label) bool { return strings.EqualFold(l.Name, name) })
}

func readOnly(labels []*runners.Label) []*runners.Label {
	return slices.DeleteFunc(slices.Clone(labels), func(l *runners.Label) bool { return l.Type != runners.LabelReadOnly })
}

// systemLabels are the names GitHub applies itself; in a JIT request they
// become read-only labels, as in GitHub's documented example.
var systemLabels = []string{"self-hosted", "x64", "x86", "arm", "arm64", "linux", "macos", "windows"}

func isSystemLabel(name string) bool { return slices.Contains(systemLabels, strings.ToLower(name)) }
