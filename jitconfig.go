package runners

import (
	"context"
	"fmt"
	"log/slog"
)

// JITConfigRequest describes a just-in-time runner to create.
type JITConfigRequest struct {
	Name          string   `json:"name"`            // required, unique in the scope
	RunnerGroupID int64    `json:"runner_group_id"` // required, > 0; 1 is the default group
	Labels        []string `json:"labels"`          // 1 to 100 custom labels
	// WorkFolder is the job working directory, relative to the runner's
	// install directory. It is omitted from the request when "", so the
	// server default ("_work") applies.
	WorkFolder string `json:"work_folder,omitempty"`
}

// JITConfig is the configuration of a new just-in-time runner: pass
// EncodedJITConfig to the runner application (run.sh --jitconfig). The runner
// runs one job and is then removed.
//
// EncodedJITConfig holds credentials: it is left out of what fmt and slog
// print, which show "[redacted]" instead.
type JITConfig struct {
	Runner           *Runner `json:"runner"`
	EncodedJITConfig string  `json:"encoded_jit_config"`
}

// GenerateJITConfig creates an offline just-in-time runner and returns its
// configuration. A name already taken in the scope is [ErrConflict].
//
// A JIT config request is not safe to repeat: a retry after a lost answer can
// meet the runner the first try created.
//
// GitHub docs:
//   - enterprise: https://docs.github.com/enterprise-cloud@latest/rest/actions/self-hosted-runners#create-configuration-for-a-just-in-time-runner-for-an-enterprise
//   - organization: https://docs.github.com/rest/actions/self-hosted-runners#create-configuration-for-a-just-in-time-runner-for-an-organization
//   - repository: https://docs.github.com/rest/actions/self-hosted-runners#create-configuration-for-a-just-in-time-runner-for-a-repository
//
// Endpoints:
//
//	POST /enterprises/{enterprise}/actions/runners/generate-jitconfig
//	POST /orgs/{org}/actions/runners/generate-jitconfig
//	POST /repos/{owner}/{repo}/actions/runners/generate-jitconfig
func (s scope) GenerateJITConfig(ctx context.Context, req *JITConfigRequest) (*JITConfig, error) {
	if err := req.validate(); err != nil {
		return nil, err
	}
	body := *req
	body.Labels = append([]string{}, req.Labels...) // the request sent is the one checked
	jit := new(JITConfig)
	if _, err := s.send(ctx, post("GenerateJITConfig", "actions/runners/generate-jitconfig", &body, jit)); err != nil {
		return nil, err
	}
	return jit, nil
}

func (r *JITConfigRequest) validate() error {
	switch {
	case r == nil:
		return invalidArgf("JIT config request is nil")
	case r.Name == "":
		return invalidArgf("JIT config request has no runner name")
	case r.RunnerGroupID <= 0:
		return invalidArgf("JIT config runner group ID must be positive, got %d", r.RunnerGroupID)
	case len(r.Labels) == 0 || len(r.Labels) > maxLabels:
		return invalidArgf("JIT config needs 1 to %d labels, got %d", maxLabels, len(r.Labels))
	}
	for i, l := range r.Labels {
		if l == "" {
			return invalidArgf("JIT config label %d is empty", i)
		}
	}
	return nil
}

// String describes the config without its secret.
func (j JITConfig) String() string {
	runner := "nil"
	if j.Runner != nil {
		runner = fmt.Sprintf("{ID: %d, Name: %q}", j.Runner.ID, j.Runner.Name)
	}
	return fmt.Sprintf("runners.JITConfig{Runner: %s, EncodedJITConfig: %s}", runner, redacted(j.EncodedJITConfig))
}

// Format prints [JITConfig.String] for every verb, so that no verb prints the
// secret.
func (j JITConfig) Format(f fmt.State, verb rune) { formatRedacted(f, verb, j.String()) }

// LogValue is what slog logs for a JIT config: its runner, never its secret.
func (j JITConfig) LogValue() slog.Value {
	attrs := []slog.Attr{slog.String("encoded_jit_config", redacted(j.EncodedJITConfig))}
	if j.Runner != nil {
		attrs = append(attrs, slog.Int64("runner_id", j.Runner.ID), slog.String("runner_name", j.Runner.Name))
	}
	return slog.GroupValue(attrs...)
}
