#!/usr/bin/env bash
# Peak memory and time of `o365kit check` on synthetic operation tables (one process per size,
# measured by /usr/bin/time). Run from the repository root:
#   ./Benchmarks/check-memory.sh                 release build, 50,000 and 200,000 rows
#   CONFIG=debug ./Benchmarks/check-memory.sh 10000 50000
set -euo pipefail
cd "$(dirname "$0")/.."
config=${CONFIG:-release}
swift build -c "$config" --product o365kit >/dev/null 2>&1
bin="$(swift build -c "$config" --show-bin-path 2>/dev/null)/o365kit"
sizes=("$@")
[ ${#sizes[@]} -gt 0 ] || sizes=(50000 200000)
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
cp -r mappings templates "$work/"
rm -f "$work/mappings/rules.lock.json" "$work/mappings/record-types.csv"
sed -i 's/last: 106099/last: 999999/' "$work/mappings/o365kit.yaml"
for rows in "${sizes[@]}"; do
  python3 - "$rows" "$work/mappings/operations.csv" <<'PY'
import sys
rows, path = int(sys.argv[1]), sys.argv[2]
techniques = ["T1078.004", "T1098.003", "T1136.003", "T1213.002", "T1114.003", "T1110.003", "T1530", "T1528"]
lines = ["operation,workload,techniques,level,rationale,source", "UserLoginFailed,AzureActiveDirectory,T1110,,failed sign-in,bench"]
lines += [f"Synthetic-Operation-{i:07d},Exchange,{techniques[i % 8]},,synthetic row for the benchmark,bench" for i in range(rows)]
open(path, "w").write("\n".join(lines) + "\n")
PY
  report=$( (cd "$work" && /usr/bin/time -v "$bin" check 2>&1 >/dev/null) )
  rss=$(grep "Maximum resident" <<<"$report" | awk '{print $NF}')
  wall=$(grep "Elapsed (wall" <<<"$report" | awk '{print $NF}')
  summary=$(grep "^checked" <<<"$report" | sed 's/ against.*: / /')
  printf '%-7s %8d rows  peak RSS %6.0f MiB  wall %s  (%s)\n' "$config" "$rows" "$((rss / 1024))" "$wall" "$summary"
done
