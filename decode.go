package runners

import "fmt"

// decodedChecker is a model that checks itself once decoded. decodeBody
// refuses a response with a null where GitHub always sends an object (a
// runner in a list, a label, ...) rather than hand the caller a nil element
// to trip over.
type decodedChecker interface{ checkDecoded() error }

// noNil reports the first nil element of s, named what[i].
func noNil[T any](what string, s []*T) error {
	for i, v := range s {
		if v == nil {
			return fmt.Errorf("%s[%d] is null", what, i)
		}
	}
	return nil
}

func (r *Runner) checkDecoded() error { return noNil("labels", r.Labels) }

func (l *RunnerList) checkDecoded() error {
	if err := noNil("runners", l.Runners); err != nil {
		return err
	}
	for i, r := range l.Runners {
		if err := r.checkDecoded(); err != nil {
			return fmt.Errorf("runners[%d].%w", i, err) // formatted only on failure: this runs per runner
		}
	}
	return nil
}

func (l *labelList) checkDecoded() error { return noNil("labels", l.Labels) }

// runnerApplications is what ListRunnerApplications decodes: a top-level array.
type runnerApplications []*RunnerApplication

func (a *runnerApplications) checkDecoded() error { return noNil("downloads", *a) }

func (t *Token) checkDecoded() error { return noNil("repositories", t.Repositories) }

func (j *JITConfig) checkDecoded() error {
	if j.Runner == nil {
		return nil
	}
	return noNil("runner.labels", j.Runner.Labels)
}
