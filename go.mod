module github.com/fleetkit/runners

go 1.24.0

require (
	github.com/google/go-querystring v1.2.0
	golang.org/x/oauth2 v0.35.0
)
