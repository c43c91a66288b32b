#!/usr/bin/env bash
# The collector's Id index on its own (docs/collector.md#benchmark): inserts IDS Ids into a tenant
# database as the collector does (PER_DAY a day, one transaction per 1,000-record blob), probes
# random present and absent Ids over the whole window, expires the oldest day, and prints rates,
# RSS and the database size. The database is written under TMPDIR and removed afterwards.
#
#   Benchmarks/collector-index.sh                          # 160 M Ids: 20 M a day for 8 days
#   IDS=20000000 Benchmarks/collector-index.sh
set -euo pipefail
cd "$(dirname "$0")/.."
IDS=${IDS:-160000000}
PER_DAY=${PER_DAY:-20000000}
DURABLE=${DURABLE:-0}
SCRATCH=${SCRATCH:-.build-collector}

swift build -c release --scratch-path "$SCRATCH" --product collector-index-bench >&2
BIN=$(swift build -c release --scratch-path "$SCRATCH" --show-bin-path)
work=$(mktemp -d "${TMPDIR:-/tmp}/collector-index.XXXXXX")
trap 'rm -rf "$work"' EXIT
/usr/bin/time -v -o "$work/time.log" "$BIN/collector-index-bench" "$work" "$IDS" "$PER_DAY" "$DURABLE"
sed -n 's/.*Maximum resident set size (kbytes): \([0-9]*\).*/peak RSS (time -v): \1 KiB/p; s/.*Elapsed (wall clock) time (h:mm:ss or m:ss): \(.*\)/wall: \1/p' "$work/time.log"
