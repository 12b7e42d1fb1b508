package runnerstest

import (
	"encoding/base64"
	"encoding/json"
	"net/http"

	"github.com/fleetkit/runners"
)

// generateJITConfig validates the body as the OpenAPI schema does and
// creates an offline, ephemeral runner: 409 for a name taken in the scope,
// 404 for a runner group the scope does not have; nothing is created on an
// error.
func (s *Server) generateJITConfig(c *call) reply {
	var req struct {
		Name          string
		RunnerGroupID int64
		Labels        []string
		WorkFolder    string
	}
	if _, rep, ok := decodeBody(c.body,
		field{name: "name", into: &req.Name, required: true},
		field{name: "runner_group_id", into: &req.RunnerGroupID, required: true},
		field{name: "labels", into: &req.Labels, required: true},
		field{name: "work_folder", into: &req.WorkFolder},
	); !ok {
		return rep
	}
	if rep, ok := checkLabels(req.Labels, 1); !ok {
		return rep
	}
	if req.Name == "" {
		return invalid(`"name" must not be empty.`)
	}
	groupID, found := runnerGroupFor(c.scope, req.RunnerGroupID)
	if !found {
		return ghError(http.StatusNotFound, "Not Found - runner group not found")
	}
	if c.scope.byName(req.Name) != nil {
		return ghError(http.StatusConflict, "Already exists - A runner with the name "+req.Name+" already exists.")
	}
	runner := &runners.Runner{
		ID: s.st.newRunnerID(), RunnerGroupID: groupID, Name: req.Name, OS: "unknown",
		Status: runners.RunnerOffline, Ephemeral: true,
		Labels: []*runners.Label{s.st.label("self-hosted", runners.LabelReadOnly, 0)},
	}
	for _, name := range req.Labels {
		if hasLabel(runner, name) {
			continue
		}
		typ := runners.LabelCustom
		if isSystemLabel(name) {
			typ = runners.LabelReadOnly
		}
		runner.Labels = append(runner.Labels, s.st.label(name, typ, 0))
	}
	c.scope.runners[runner.ID] = runner
	return jsonReply(http.StatusCreated, map[string]any{"runner": runner, "encoded_jit_config": encodeJITConfig(runner, c.scope.path)})
}

// encodeJITConfig makes an opaque, base64-encoded runner configuration.
func encodeJITConfig(r *runners.Runner, scope string) string {
	cfg, _ := json.Marshal(map[string]any{
		".runner":      map[string]any{"agentId": r.ID, "agentName": r.Name, "scope": scope},
		".credentials": map[string]any{"scheme": "OAuth", "token": randomToken(20)},
	})
	return base64.StdEncoding.EncodeToString(cfg)
}

// runnerGroupFor is the RunnerGroupID of a runner that a JIT config puts in
// group id, and whether the scope has the group: an organization or
// enterprise must have it as its own (an organization's inherited groups are
// the enterprise's, whose runners register there); a repository has no
// groups, and takes only the default group's ID, 1, as GitHub's example
// sends it, for a runner of no group (0).
func runnerGroupFor(sd *scopeData, id int64) (int64, bool) {
	if sd.groups == nil {
		return 0, id == defaultGroupID
	}
	return id, sd.groups[id] != nil
}
