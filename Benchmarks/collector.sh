#!/usr/bin/env bash
# Benchmark for o365-collector (docs/collector.md#benchmark).
#
# Serves BLOBS blobs x RECORDS records (~1.1 KB Exchange records, or ~190-byte sign-in records
# with SMALL=1) from the loopback API emulator and runs `o365-collector run --once` into a JSONL
# sink, in release mode. Prints records/s, peak RSS and the size of the state directory for each
# size in SIZES so that memory can be seen to stay flat as volume grows.
#
#   Benchmarks/collector.sh                                # sizes 250 and 1000 blobs of 1000 records
#   SIZES="1000" RECORDS=1000 Benchmarks/collector.sh
#   SIZES=10000 RECORDS=5000 SMALL=1 Benchmarks/collector.sh   # 50 M small records
#   Benchmarks/collector-scale.sh                          # 1 M, 10 M, 50 M and the 160 M-Id index
set -euo pipefail
cd "$(dirname "$0")/.."
SIZES=${SIZES:-"250 1000"}
RECORDS=${RECORDS:-1000}
SMALL=${SMALL:-0}
small_flag=""
[ "$SMALL" = 1 ] && small_flag="--small"
SCRATCH=${SCRATCH:-.build-collector}

swift build -c release --scratch-path "$SCRATCH" --product o365-collector >&2
swift build -c release --scratch-path "$SCRATCH" --product o365-api-emulator >&2
BIN=$(swift build -c release --scratch-path "$SCRATCH" --show-bin-path)

work=$(mktemp -d "${TMPDIR:-/tmp}/collector-bench.XXXXXX")
emu_pid=""
cleanup() { [ -n "$emu_pid" ] && kill "$emu_pid" 2>/dev/null; rm -rf "$work"; }
trap cleanup EXIT

printf '%-10s %-10s %-10s %-12s %-14s %-12s %-12s %-10s %-10s\n' blobs records bytes/rec seconds records/s peak_rss_MiB wall_s cpu_s state_MiB
for blobs in $SIZES; do
  rm -rf "$work"/*
  "$BIN/o365-api-emulator" --blobs "$blobs" --records "$RECORDS" --secret bench-secret $small_flag > "$work/port" &
  emu_pid=$!
  for _ in $(seq 1 100); do [ -s "$work/port" ] && break; sleep 0.1; done
  port=$(head -1 "$work/port")
  printf 'bench-secret\n' > "$work/secret.txt"
  cat > "$work/config.yaml" <<YAML
state_dir: ./state
initial_lookback: 2h
tenants:
  - name: bench
    tenant_id: 11111111-2222-3333-4444-555555555555
    client_id: aaaaaaaa-bbbb-cccc-dddd-eeeeeeeeeeee
    auth: {client_secret_file: ./secret.txt}
    endpoints: {login: "http://127.0.0.1:$port", api: "http://127.0.0.1:$port"}
    content_types: [Audit.Exchange]
sinks:
  - type: jsonl
    path: ./events.jsonl
YAML
  /usr/bin/time -v "$BIN/o365-collector" run --config "$work/config.yaml" --once 2> "$work/run.log" || { cat "$work/run.log" >&2; exit 1; }
  summary=$(grep 'pass complete' "$work/run.log" | tail -1)
  field() { sed -n "s/.*$1=\([0-9.]*\).*/\1/p" <<<"$summary"; }
  lines=$(wc -l < "$work/events.jsonl")
  rss_kb=$(sed -n 's/.*Maximum resident set size (kbytes): \([0-9]*\).*/\1/p' "$work/run.log")
  wall=$(sed -n 's/.*Elapsed (wall clock) time (h:mm:ss or m:ss): \(.*\)/\1/p' "$work/run.log")
  bytes=$(stat -c %s "$work/events.jsonl")
  state_kb=$(du -sk "$work/state" | cut -f1)
  # The collector's own CPU time: with the emulator on the same cores (and other load), wall time
  # alone understates what the collector could do.
  cpu=$(awk -F': ' '/User time|System time/ {t += $2} END {printf "%.1f", t}' "$work/run.log")
  printf '%-10s %-10s %-10s %-12s %-14s %-12s %-12s %-10s %-10s\n' "$blobs" "$lines" "$((bytes / lines))" "$(field seconds)" "$(field records_per_s)" \
    "$(awk "BEGIN{printf \"%.1f\", $rss_kb/1024}")" "$wall" "$cpu" "$(awk "BEGIN{printf \"%.0f\", $state_kb/1024}")"
  expected=$((blobs * RECORDS))
  [ "$lines" -eq "$expected" ] || { echo "expected $expected lines, got $lines" >&2; exit 1; }
  kill "$emu_pid"; wait "$emu_pid" 2>/dev/null || true; emu_pid=""
done
