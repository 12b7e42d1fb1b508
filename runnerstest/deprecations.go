package runnerstest

import (
	"net/http"
	"time"

	"github.com/fleetkit/runners"
)

// SetDeprecation sets the end-of-life schedule GitHub answers for a runner
// version at every scope (GET .../actions/runners/deprecations/{version}).
// An empty d.RunnerVersion becomes version. Versions never set are 404, as
// GitHub answers for a version it does not know.
func (s *Server) SetDeprecation(version string, d runners.RunnerDeprecation) {
	if d.RunnerVersion == "" {
		d.RunnerVersion = version
	}
	for _, t := range []**time.Time{&d.RegistrationDeprecatesAt, &d.RuntimeDeprecatesAt} {
		if *t != nil {
			c := **t // the caller's time may change; the fake's may not
			*t = &c
		}
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	s.st.deprecations[version] = d
}

// getDeprecation serves a version's schedule; the same at every scope, as
// on GitHub.
func (s *Server) getDeprecation(c *call) reply {
	d, ok := s.st.deprecations[c.r.PathValue("version")]
	if c.r.PathValue("deprecations") != "deprecations" || !ok {
		return notFound()
	}
	return jsonReply(http.StatusOK, d)
}
