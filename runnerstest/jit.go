package runnerstest

import (
	"encoding/base64"
	"encoding/json"
	"fmt"
	"net/http"

	"github.com/fleetkit/runners"
)

// generateJITConfig validates the body as the OpenAPI schema does and
// creates an offline, ephemeral runner: 409 for a name taken in the scope,
// 404 for a runner group ID below 1.
func (s *Server) generateJITConfig(c *call) reply {
	var raw map[string]json.RawMessage
	if err := json.Unmarshal(c.body, &raw); err != nil || raw == nil {
		return invalid("the body must be a JSON object")
	}
	var req struct {
		Name          string
		RunnerGroupID int64
		Labels        []string
		WorkFolder    string
	}
	for _, f := range []struct {
		name     string
		into     any
		required bool
	}{
		{"name", &req.Name, true},
		{"runner_group_id", &req.RunnerGroupID, true},
		{"labels", &req.Labels, true},
		{"work_folder", &req.WorkFolder, false},
	} {
		v, ok := raw[f.name]
		if !ok {
			if f.required {
				return invalid(fmt.Sprintf("%q wasn't supplied.", f.name))
			}
			continue
		}
		if err := json.Unmarshal(v, f.into); err != nil || string(v) == "null" {
			return invalid(fmt.Sprintf("%q has the wrong type.", f.name))
		}
	}
	if rep, ok := checkLabels(req.Labels, 1); !ok {
		return rep
	}
	if req.Name == "" {
		return invalid(`"name" must not be empty.`)
	}
	if req.RunnerGroupID < 1 {
		return ghError(http.StatusNotFound, "Not Found - runner group not found")
	}
	if c.scope.byName(req.Name) != nil {
		return ghError(http.StatusConflict, "Already exists - A runner with the name "+req.Name+" already exists.")
	}
	runner := &runners.Runner{
		ID: s.st.newRunnerID(), RunnerGroupID: req.RunnerGroupID, Name: req.Name, OS: "unknown",
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
