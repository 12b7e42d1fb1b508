module github.com/fleetkit/runners/bench

go 1.26.0

require github.com/fleetkit/runners v0.0.0

require (
	github.com/google/go-github/v92 v92.0.0
	github.com/google/go-querystring v1.2.0 // indirect
	golang.org/x/oauth2 v0.35.0 // indirect
)

replace github.com/fleetkit/runners => ../
