#!/usr/bin/env bash
# Runs the Prism conformance test (prism_test.go, build tag "prism"): the
# client against a Stoplight Prism mock of GitHub's OpenAPI description of the
# self-hosted runner and runner group endpoints
# (testdata/openapi/runners.api.github.com.json).
#
#   .ci/prism.sh
#
# Installs @stoplight/prism-cli (pinned, the last release that runs on Node 20)
# with npm into a cache directory, reused on later runs:
#   PRISM_DIR (default "${XDG_CACHE_HOME:-$HOME/.cache}/fleetkit-runners/prism")
# Needs Go, Node.js 20 or later and npm, and access to the npm registry on the
# first run. The test starts Prism itself on a free 127.0.0.1 port and kills it
# when it ends; this script also kills it if the test did not get to.
set -euo pipefail

PRISM_VERSION=5.14.2
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
PRISM_DIR="${PRISM_DIR:-${XDG_CACHE_HOME:-$HOME/.cache}/fleetkit-runners/prism}"
BIN="$PRISM_DIR/node_modules/.bin/prism"
readonly PRISM_VERSION ROOT PRISM_DIR BIN

need() {
	if ! command -v "$1" >/dev/null 2>&1; then
		echo "prism.sh: '$1' not found: $2" >&2
		exit 1
	fi
}
need go "install Go (https://go.dev/dl/)"
need node "install Node.js 20 or later (https://nodejs.org/)"
need npm "install npm (it comes with Node.js)"

installed="$("$BIN" --version 2>/dev/null || true)"
if [[ "$installed" == "$PRISM_VERSION" ]]; then
	echo "prism.sh: using Prism $PRISM_VERSION from $PRISM_DIR"
else
	echo "prism.sh: installing @stoplight/prism-cli@$PRISM_VERSION into $PRISM_DIR"
	mkdir -p "$PRISM_DIR"
	if [[ ! -f "$PRISM_DIR/package.json" ]]; then
		printf '{\n  "name": "fleetkit-runners-prism",\n  "private": true\n}\n' >"$PRISM_DIR/package.json"
	fi
	npm install --prefix "$PRISM_DIR" --save-exact --no-audit --no-fund --loglevel=error \
		"@stoplight/prism-cli@$PRISM_VERSION"
	installed="$("$BIN" --version)"
	if [[ "$installed" != "$PRISM_VERSION" ]]; then
		echo "prism.sh: $BIN --version says '$installed', want $PRISM_VERSION" >&2
		exit 1
	fi
fi
export PRISM_BIN="$BIN"

# The test writes the PID of the Prism it starts here, and removes the file
# once it has killed that Prism itself. If the test binary dies without its
# cleanup (a panic, -timeout, a kill), the EXIT trap below kills that PID.
# Ctrl-C reaches go test, the test and Prism alike (one process group); a
# TERM sent to this script alone takes effect when go test returns.
workdir="$(mktemp -d "${TMPDIR:-/tmp}/fleetkit-prism.XXXXXX")"
export PRISM_PIDFILE="$workdir/prism.pid"
log="$workdir/go-test.log"

# ours PID: whether PID still runs our Prism (and is not a reused PID).
ours() {
	local cmd
	cmd="$(ps -p "$1" -o command= 2>/dev/null)" && [[ "$cmd" == *prism* ]]
}

cleanup() {
	local pid i
	if [[ -s "$PRISM_PIDFILE" ]]; then
		pid="$(<"$PRISM_PIDFILE")"
		if [[ "$pid" =~ ^[0-9]+$ ]] && ours "$pid"; then
			echo "prism.sh: killing Prism left running (PID $pid)" >&2
			kill "$pid" 2>/dev/null || true
			for i in 1 2 3 4 5 6 7 8 9 10; do
				ours "$pid" || break
				sleep 0.5
			done
			if ours "$pid"; then
				kill -9 "$pid" 2>/dev/null || true
			fi
		fi
	fi
	rm -rf "$workdir"
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

cd "$ROOT"
status=0
go test -tags prism -run TestPrismConformance -count=1 -v . 2>&1 | tee "$log" || status=$?

echo
echo "prism.sh: summary"
grep -E 'prism conformance:' "$log" | sed -E 's/^[[:space:]]*//' || echo "(the test printed no summary)"
grep -E '^(ok|FAIL|--- (PASS|FAIL))' "$log" || true
exit "$status"
