package runners

import (
	"context"
	"encoding/json"
	"fmt"
	"iter"
	"log/slog"
	"time"
)

// This file is the runner endpoint group: the runner models and the runner
// operations of every scope (labels.go, tokens.go and jitconfig.go hold the
// rest of the group).

// Runner is a self-hosted runner.
type Runner struct {
	ID            int64        `json:"id"`
	RunnerGroupID int64        `json:"runner_group_id,omitempty"`
	Name          string       `json:"name"`
	OS            string       `json:"os"`
	Status        RunnerStatus `json:"status"`
	Busy          bool         `json:"busy"`
	Ephemeral     bool         `json:"ephemeral"`
	// Version of the runner software; empty until the runner has connected once.
	Version string   `json:"version,omitempty"`
	Labels  []*Label `json:"labels"`
}

// RunnerStatus is whether a runner is connected to GitHub.
type RunnerStatus string

// The runner statuses GitHub reports.
const (
	RunnerOnline  RunnerStatus = "online"
	RunnerOffline RunnerStatus = "offline"
)

// UnmarshalJSON decodes the known statuses to their constants without
// allocating a string for each runner of a page.
func (s *RunnerStatus) UnmarshalJSON(b []byte) error {
	switch string(b) {
	case `"online"`:
		*s = RunnerOnline
	case `"offline"`:
		*s = RunnerOffline
	default:
		return json.Unmarshal(b, (*string)(s))
	}
	return nil
}

// RunnerApplication is a download of the runner software for one platform.
type RunnerApplication struct {
	OS           string `json:"os"`
	Architecture string `json:"architecture"`
	DownloadURL  string `json:"download_url"`
	Filename     string `json:"filename"`
	// TempDownloadToken is a short-lived bearer token for DownloadURL, when
	// one is needed; fmt and slog show "[redacted]" instead.
	TempDownloadToken string `json:"temp_download_token,omitempty"`
	SHA256Checksum    string `json:"sha256_checksum,omitempty"`
}

// String describes the download without its temporary token, a bearer
// credential for DownloadURL.
func (a RunnerApplication) String() string {
	return fmt.Sprintf("runners.RunnerApplication{OS: %q, Architecture: %q, Filename: %q, DownloadURL: %q, TempDownloadToken: %s, SHA256Checksum: %q}",
		a.OS, a.Architecture, a.Filename, a.DownloadURL, redacted(a.TempDownloadToken), a.SHA256Checksum)
}

// Format prints [RunnerApplication.String] for every verb.
func (a RunnerApplication) Format(f fmt.State, verb rune) { formatRedacted(f, verb, a.String()) }

// LogValue is what slog logs for a download: everything but its temporary token.
func (a RunnerApplication) LogValue() slog.Value {
	return slog.GroupValue(slog.String("os", a.OS), slog.String("architecture", a.Architecture),
		slog.String("filename", a.Filename), slog.String("temp_download_token", redacted(a.TempDownloadToken)))
}

// GetRunner gets one self-hosted runner.
//
// GitHub docs:
//   - enterprise: https://docs.github.com/enterprise-cloud@latest/rest/actions/self-hosted-runners#get-a-self-hosted-runner-for-an-enterprise
//   - organization: https://docs.github.com/rest/actions/self-hosted-runners#get-a-self-hosted-runner-for-an-organization
//   - repository: https://docs.github.com/rest/actions/self-hosted-runners#get-a-self-hosted-runner-for-a-repository
//
// Endpoints:
//
//	GET /enterprises/{enterprise}/actions/runners/{runner_id}
//	GET /orgs/{org}/actions/runners/{runner_id}
//	GET /repos/{owner}/{repo}/actions/runners/{runner_id}
func (s scope) GetRunner(ctx context.Context, runnerID int64) (*Runner, error) {
	path, err := runnerPath(runnerID, "")
	if err != nil {
		return nil, err
	}
	r := new(Runner)
	if _, err := s.send(ctx, get("GetRunner", path, r)); err != nil {
		return nil, err
	}
	return r, nil
}

// DeleteRunner removes a self-hosted runner, for when its machine no longer
// exists. A runner that is still running a job is not removed: the error
// matches [ErrRunnerBusy].
//
// GitHub docs:
//   - enterprise: https://docs.github.com/enterprise-cloud@latest/rest/actions/self-hosted-runners#delete-a-self-hosted-runner-from-an-enterprise
//   - organization: https://docs.github.com/rest/actions/self-hosted-runners#delete-a-self-hosted-runner-from-an-organization
//   - repository: https://docs.github.com/rest/actions/self-hosted-runners#delete-a-self-hosted-runner-from-a-repository
//
// Endpoints:
//
//	DELETE /enterprises/{enterprise}/actions/runners/{runner_id}
//	DELETE /orgs/{org}/actions/runners/{runner_id}
//	DELETE /repos/{owner}/{repo}/actions/runners/{runner_id}
func (s scope) DeleteRunner(ctx context.Context, runnerID int64) error {
	path, err := runnerPath(runnerID, "")
	if err != nil {
		return err
	}
	_, err = s.send(ctx, del("DeleteRunner", path, nil))
	return err
}

// ListRunnerApplications lists the runner software downloads, one per
// platform.
//
// GitHub docs:
//   - enterprise: https://docs.github.com/enterprise-cloud@latest/rest/actions/self-hosted-runners#list-runner-applications-for-an-enterprise
//   - organization: https://docs.github.com/rest/actions/self-hosted-runners#list-runner-applications-for-an-organization
//   - repository: https://docs.github.com/rest/actions/self-hosted-runners#list-runner-applications-for-a-repository
//
// Endpoints:
//
//	GET /enterprises/{enterprise}/actions/runners/downloads
//	GET /orgs/{org}/actions/runners/downloads
//	GET /repos/{owner}/{repo}/actions/runners/downloads
func (s scope) ListRunnerApplications(ctx context.Context) ([]*RunnerApplication, error) {
	var apps runnerApplications
	if _, err := s.send(ctx, get("ListRunnerApplications", "actions/runners/downloads", &apps)); err != nil {
		return nil, err
	}
	return apps, nil
}

// RunnerDeprecation is the end-of-life schedule of one version of the runner
// software: when runners of that version can no longer register, and when
// they stop getting jobs.
type RunnerDeprecation struct {
	RunnerVersion string `json:"runner_version"`
	// RegistrationDeprecatesAt is when runners of this version can no longer
	// be registered; nil when none is scheduled (GitHub sends null, or leaves
	// the field out).
	RegistrationDeprecatesAt *time.Time `json:"registration_deprecates_at"`
	// RuntimeDeprecatesAt is when runners of this version stop getting jobs;
	// nil when none is scheduled.
	RuntimeDeprecatesAt *time.Time `json:"runtime_deprecates_at"`
}

// GetRunnerDeprecation gets the end-of-life schedule of a runner software
// version, such as "2.329.0". GitHub.com and GHE.com have it; GitHub
// Enterprise Server does not, and answers 404 ([ErrNotFound]), as GitHub.com
// does for a version it does not know.
//
// GitHub docs:
//   - enterprise: https://docs.github.com/enterprise-cloud@latest/rest/actions/self-hosted-runners#get-runner-version-end-of-life-schedule-for-an-enterprise
//   - organization: https://docs.github.com/rest/actions/self-hosted-runners#get-runner-version-end-of-life-schedule-for-an-organization
//   - repository: https://docs.github.com/rest/actions/self-hosted-runners#get-runner-version-end-of-life-schedule-for-a-repository
//
// Endpoints:
//
//	GET /enterprises/{enterprise}/actions/runners/deprecations/{version}
//	GET /orgs/{org}/actions/runners/deprecations/{version}
//	GET /repos/{owner}/{repo}/actions/runners/deprecations/{version}
func (s scope) GetRunnerDeprecation(ctx context.Context, version string) (*RunnerDeprecation, error) {
	seg, err := segment("runner version", version)
	if err != nil {
		return nil, err
	}
	d := new(RunnerDeprecation)
	if _, err := s.send(ctx, get("GetRunnerDeprecation", "actions/runners/deprecations/"+seg, d)); err != nil {
		return nil, err
	}
	return d, nil
}

// ListRunnersOptions filters and pages [Scope.ListRunners] and [Scope.AllRunners].
type ListRunnersOptions struct {
	// Name keeps only the runner with exactly this name.
	Name string `url:"name,omitempty"`
	ListOptions
}

// RunnerList is one page of runners.
type RunnerList struct {
	TotalCount int       `json:"total_count"` // runners in the scope (matching the name filter), on all pages
	Runners    []*Runner `json:"runners"`
	// NextPage is the page to ask for next, read from the Link header; 0 on
	// the last page. Pass it as ListOptions.Page to resume.
	NextPage int `json:"-"`
}

// ListRunners lists one page of the scope's self-hosted runners. Use
// [Scope.AllRunners] to walk every page.
//
// GitHub docs:
//   - enterprise: https://docs.github.com/enterprise-cloud@latest/rest/actions/self-hosted-runners#list-self-hosted-runners-for-an-enterprise
//   - organization: https://docs.github.com/rest/actions/self-hosted-runners#list-self-hosted-runners-for-an-organization
//   - repository: https://docs.github.com/rest/actions/self-hosted-runners#list-self-hosted-runners-for-a-repository
//
// Endpoints:
//
//	GET /enterprises/{enterprise}/actions/runners
//	GET /orgs/{org}/actions/runners
//	GET /repos/{owner}/{repo}/actions/runners
func (s scope) ListRunners(ctx context.Context, opts *ListRunnersOptions) (*RunnerList, error) {
	if opts == nil {
		opts = &ListRunnersOptions{}
	}
	if err := opts.validate(); err != nil {
		return nil, err
	}
	list := new(RunnerList)
	r := get("ListRunners", "actions/runners", list)
	r.query = opts
	resp, err := s.send(ctx, r)
	if err != nil {
		return nil, err
	}
	list.NextPage = nextPage(resp.Header)
	return list, nil
}

// AllRunners walks every page of the scope's self-hosted runners, from
// opts.Page on, asking for 100 a page unless opts.PerPage says otherwise. It
// yields each runner in order; on failure it yields one error and stops. It
// stops early when the loop breaks.
//
//	for r, err := range c.Org("octo-org").AllRunners(ctx, nil) { ... }
func (s scope) AllRunners(ctx context.Context, opts *ListRunnersOptions) iter.Seq2[*Runner, error] {
	o := deref(opts) // the caller's options are not modified
	return walkList(ctx, s, o.ListOptions, func(ctx context.Context, lo ListOptions) (page[*Runner], error) {
		o := o // each fetch its own copy: concurrent fetches must not share it
		o.ListOptions = lo
		list, err := s.ListRunners(ctx, &o)
		if err != nil {
			return page[*Runner]{}, err
		}
		return page[*Runner]{list.Runners, list.NextPage, list.TotalCount}, nil
	})
}

// runnerPath is "actions/runners/{runner_id}" followed by more, already escaped.
func runnerPath(runnerID int64, more string) (string, error) {
	id, err := pathID("runner", runnerID)
	if err != nil {
		return "", err
	}
	return "actions/runners" + id + more, nil
}
