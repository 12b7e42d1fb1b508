package runnerstest

import (
	"crypto/sha256"
	"encoding/hex"
	"net/http"
	"strings"
)

// conditional gives a 200 answer to a GET a strong ETag, the SHA-256 of its
// body, and turns it into a 304 with no body when the request's
// If-None-Match names that ETag (or is "*").
func conditional(r *http.Request, rep reply) reply {
	if (r.Method != http.MethodGet && r.Method != http.MethodHead) || rep.status != http.StatusOK {
		return rep
	}
	sum := sha256.Sum256(rep.body)
	etag := `"` + hex.EncodeToString(sum[:]) + `"`
	rep.header.Set("Etag", etag)
	if !matchesETag(r.Header.Values("If-None-Match"), etag) {
		return rep
	}
	return reply{status: http.StatusNotModified, header: http.Header{"Etag": {etag}}}
}

// matchesETag reports whether an If-None-Match list names etag, compared
// weakly as RFC 9110 asks for If-None-Match.
func matchesETag(ifNoneMatch []string, etag string) bool {
	for _, v := range ifNoneMatch {
		for tag := range strings.SplitSeq(v, ",") {
			tag = strings.TrimPrefix(strings.TrimSpace(tag), "W/")
			if tag == "*" || tag == etag {
				return true
			}
		}
	}
	return false
}
