package webhook

import "strings"

// MatchLabels reports whether a runner with runnerLabels can take a job that
// asks for jobLabels: every job label is among the runner's, compared
// case-insensitively ([strings.EqualFold]). The runner may have more labels
// than the job asks for; the order and repeats of either list do not matter.
//
// This is the rule GitHub documents for runs-on: "If you specify an array of
// strings or variables, your workflow will execute on any runner that matches
// all of the specified runs-on values"; for runs-on: [self-hosted, linux,
// ARM64], "a self-hosted runner that matches all three labels will be
// eligible to run the job"; and "Labels are case-insensitive." So that job
// matches a runner labelled [self-hosted, Linux, ARM64, gpu], and not one
// labelled [self-hosted, Linux, X64].
//
// A job that asks for no label matches every runner: no label is missing.
// runs-on always names at least one label, except when it names only a runner
// group (runs-on: {group: ...}), where any runner of the group may take the
// job; check len(jobLabels) first to treat that case otherwise. Labels are
// compared as given: no white space is trimmed.
//
// GitHub docs: https://docs.github.com/actions/how-tos/write-workflows/choose-where-workflows-run/choose-the-runner-for-a-job,
// https://docs.github.com/actions/how-tos/manage-runners/self-hosted-runners/use-in-a-workflow
// and https://docs.github.com/actions/hosting-your-own-runners/managing-self-hosted-runners/using-labels-with-self-hosted-runners
func MatchLabels(jobLabels, runnerLabels []string) bool {
	for _, want := range jobLabels {
		if !hasLabel(runnerLabels, want) {
			return false
		}
	}
	return true
}

// hasLabel reports whether labels holds label, in any letter case.
func hasLabel(labels []string, label string) bool {
	for _, l := range labels {
		if strings.EqualFold(l, label) {
			return true
		}
	}
	return false
}
