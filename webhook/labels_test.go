package webhook

import (
	"testing"

	"github.com/stretchr/testify/assert"
)

func TestMatchLabels(t *testing.T) {
	t.Parallel()
	// The labels a runner gets by default: self-hosted, its OS, its architecture.
	linuxX64 := []string{"self-hosted", "Linux", "X64"}
	linuxARM64 := []string{"self-hosted", "Linux", "ARM64"}
	cases := []struct {
		name         string
		job, runner  []string
		want         bool
		alsoReversed bool // the same answer with the lists swapped
	}{
		{"self-hosted only", []string{"self-hosted"}, linuxX64, true, false},
		{"GitHub's example: [self-hosted, linux, ARM64]", []string{"self-hosted", "linux", "ARM64"}, linuxARM64, true, true},
		{"the architecture differs", []string{"self-hosted", "linux", "ARM64"}, linuxX64, false, false},
		{"GitHub's runs-on example: [self-hosted, linux, x64, gpu]", []string{"self-hosted", "linux", "x64", "gpu"},
			[]string{"self-hosted", "Linux", "X64", "gpu"}, true, true},
		{"gpu missing", []string{"self-hosted", "linux", "x64", "gpu"}, linuxX64, false, false},
		{"linux", []string{"linux"}, linuxX64, true, false},
		{"LINUX", []string{"LINUX"}, linuxX64, true, false},
		{"lInUx", []string{"lInUx"}, linuxX64, true, false},
		{"x64 against X64", []string{"x64"}, linuxX64, true, false},
		{"arm64 against ARM64", []string{"arm64"}, linuxARM64, true, false},
		{"ARM is not ARM64", []string{"ARM"}, linuxARM64, false, false},
		{"Self-Hosted", []string{"Self-Hosted"}, linuxX64, true, false},
		{"a custom label in another case", []string{"GPU"}, []string{"self-hosted", "gpu"}, true, false},
		{"windows on a Linux runner", []string{"self-hosted", "windows"}, linuxX64, false, false},
		{"a GitHub-hosted label", []string{"ubuntu-latest"}, linuxX64, false, false},
		{"the runner has more labels", []string{"self-hosted"}, []string{"self-hosted", "Linux", "X64", "gpu", "big"}, true, false},
		{"another order", []string{"X64", "self-hosted", "Linux"}, linuxX64, true, true},
		{"a repeated job label", []string{"linux", "Linux", "LINUX"}, linuxX64, true, false},
		{"a repeated runner label", []string{"gpu"}, []string{"gpu", "GPU"}, true, true},
		{"repeated, one missing", []string{"gpu", "gpu", "fpga"}, []string{"gpu"}, false, false},
		{"a prefix is not the label", []string{"linux"}, []string{"linux-arm"}, false, false},
		{"white space is not trimmed", []string{"linux "}, linuxX64, false, false},
		{"an empty label matches only an empty label", []string{""}, linuxX64, false, false},
		{"no job labels: every runner", nil, linuxX64, true, false},
		{"no job labels, a runner without labels", []string{}, nil, true, true},
		{"a runner without labels", []string{"self-hosted"}, nil, false, false},
		{"Unicode case folding", []string{"GRÜN"}, []string{"grün"}, true, true},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			assert.Equal(t, tc.want, MatchLabels(tc.job, tc.runner))
			if tc.alsoReversed {
				assert.Equal(t, tc.want, MatchLabels(tc.runner, tc.job), "reversed")
			}
		})
	}
}

func TestMatchLabelsDoesNotChangeItsArguments(t *testing.T) {
	t.Parallel()
	job, runner := []string{"Linux", "x64"}, []string{"X64", "linux"}
	assert.True(t, MatchLabels(job, runner))
	assert.Equal(t, []string{"Linux", "x64"}, job)
	assert.Equal(t, []string{"X64", "linux"}, runner)
}
