module github.com/fleetkit/runners

go 1.24.0

require (
	github.com/google/go-querystring v1.2.0
	github.com/stretchr/testify v1.12.1
	golang.org/x/oauth2 v0.35.0
)

require go.yaml.in/yaml/v3 v3.0.5 // indirect
