#!/usr/bin/env bash
# Every collector figure of docs/collector.md#benchmark in one command: 1 M and 10 M ~1.1 KB
# records, 50 M ~190-byte records, then the Id index alone at 160 M Ids (IDS to change it).
# Needs about 13 GB free under TMPDIR for the largest JSONL file and 4 GB for the index.
set -euo pipefail
cd "$(dirname "$0")"
SIZES="1000 10000" RECORDS=1000 ./collector.sh
SIZES=10000 RECORDS=5000 SMALL=1 ./collector.sh
./collector-index.sh
