#!/usr/bin/env bash
# Throughput of `o365kit test` through the full pack (native office365 rules + output/),
# release build, on N synthetic records (default 500,000). Run from the repository root:
#   ./Benchmarks/rule-test.sh [N]
set -euo pipefail
cd "$(dirname "$0")/.."
n="${1:-500000}"
events="$(mktemp -d)/events.jsonl"
python3 Benchmarks/make-events.py "$n" > "$events"
swift build -c release --product o365kit
bin="$(swift build -c release --show-bin-path)/o365kit"
start=$(date +%s.%N)
"$bin" test --events "$events" > /dev/null 2> "$events.summary"
end=$(date +%s.%N)
cat "$events.summary"
python3 -c "import sys; n=$n; s=$end-$start; print(f'{n} records in {s:.2f} s: {n/s:,.0f} records/s (wall clock, read + decode + sort + evaluate + print)')"
rm -rf "$(dirname "$events")"
