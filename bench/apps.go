package bench

import (
	"bytes"
	"encoding/base64"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"strconv"
	"strings"
	"sync/atomic"
)

// AppsFixture is a Fixture that also plays GitHub for the GitHub Apps of a
// pool: it answers an App's installation lookup for the fixture's
// organization (installation 1000+n for the App whose JWT's iss is
// AppIssuer(n)) and its token exchange, and hands everything else to the
// Fixture, which accepts any bearer token. It does not check the JWT's
// signature: the library's own tests do. It is both an http.RoundTripper
// and an http.Handler, as the Fixture is.
type AppsFixture struct {
	*Fixture
	lookups, exchanges atomic.Int64
}

// AppIssuer is the Client ID of App n of a pool.
func AppIssuer(n int) string { return "Iv23liBENCHapp" + strconv.Itoa(n) }

// Counts of the Apps' own requests.
func (f *AppsFixture) AppCounts() (lookups, exchanges int64) {
	return f.lookups.Load(), f.exchanges.Load()
}

// answer returns the status and body of an App request, or ok false for
// any other request.
func (f *AppsFixture) answer(r *http.Request) (status int, body []byte, ok bool) {
	switch {
	case r.Method == http.MethodGet && r.URL.Path == "/orgs/"+Org+"/installation":
		f.lookups.Add(1)
		n, found := strings.CutPrefix(jwtIssuer(r.Header.Get("Authorization")), "Iv23liBENCHapp")
		id, err := strconv.Atoi(n)
		if !found || err != nil {
			return http.StatusNotFound, []byte(`{"message":"Not Found"}`), true
		}
		return http.StatusOK, []byte(`{"id":` + strconv.Itoa(1000+id) + `}`), true
	case r.Method == http.MethodPost && strings.HasPrefix(r.URL.Path, "/app/installations/") && strings.HasSuffix(r.URL.Path, "/access_tokens"):
		f.exchanges.Add(1)
		id := strings.TrimSuffix(strings.TrimPrefix(r.URL.Path, "/app/installations/"), "/access_tokens")
		return http.StatusCreated, []byte(`{"token":"ghs_bench` + id + `","expires_at":"2100-01-01T00:00:00Z"}`), true
	}
	return 0, nil, false
}

// jwtIssuer reads the iss claim of a bearer JWT, unverified.
func jwtIssuer(auth string) string {
	parts := strings.Split(strings.TrimPrefix(auth, "Bearer "), ".")
	if len(parts) != 3 {
		return ""
	}
	raw, err := base64.RawURLEncoding.DecodeString(parts[1])
	if err != nil {
		return ""
	}
	var claims struct {
		Iss string `json:"iss"`
	}
	json.Unmarshal(raw, &claims)
	return claims.Iss
}

// RoundTrip serves the Apps' requests in memory, and the rest as the
// Fixture does.
func (f *AppsFixture) RoundTrip(r *http.Request) (*http.Response, error) {
	status, body, ok := f.answer(r)
	if !ok {
		return f.Fixture.RoundTrip(r)
	}
	if r.Body != nil {
		r.Body.Close()
	}
	rec := httptest.NewRecorder()
	rec.Header().Set("Content-Type", "application/json; charset=utf-8")
	rec.WriteHeader(status)
	rec.Write(body)
	resp := rec.Result()
	resp.Request = r
	resp.Body = io.NopCloser(bytes.NewReader(body))
	return resp, nil
}

// ServeHTTP serves the same over a socket.
func (f *AppsFixture) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	status, body, ok := f.answer(r)
	if !ok {
		f.Fixture.ServeHTTP(w, r)
		return
	}
	w.Header().Set("Content-Type", "application/json; charset=utf-8")
	w.WriteHeader(status)
	w.Write(body)
}
