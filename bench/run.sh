#!/bin/sh
# Runs every benchmark of this module and prints the results and goals
# tables (see BENCHMARKS.md at the repository root). One test binary is built
# once, so every number comes from the same build of the library.
#
#   ./run.sh [rounds] [scale-count]     # defaults: 10 rounds, -count 6
#
# The fast benchmarks (get, page, all 1,000, fixture) run in ROUNDS of
# -count 1, one client after another within each round: on a shared, noisy
# machine each client then sees the same load, and cmd/goals can pair each
# round's runs. The scale benchmarks (10,000 runners at 20 ms a request, and
# ETag polling) run once with -count SCALE.
set -eu
cd "$(dirname "$0")"
rounds=${1:-10}
count=${2:-6}
out=${OUT:-bench.txt}
go test -c -o bench.test .
{
	echo "# $(go version), nproc $(nproc), $(date -u +%Y-%m-%dT%H:%MZ)"
	echo "# library: $(git -C .. log -1 --format='%h %s') ($(git -C .. status --short -- ':!bench' | wc -l) paths changed since)"
} >"$out"
i=0
while [ "$i" -lt "$rounds" ]; do
	./bench.test -test.run '^$' -test.bench 'GetRunner|ListPage100|AllRunners1000|Fixture' \
		-test.benchmem -test.count 1 | grep '^Benchmark' | tee -a "$out"
	i=$((i + 1))
done
./bench.test -test.run '^$' -test.bench 'ConcurrentPaging10k|PagingMemory10k|PollUnchanged' \
	-test.benchmem -test.count "$count" | grep '^Benchmark' | tee -a "$out"
rm -f bench.test
go run ./cmd/goals "$out"
