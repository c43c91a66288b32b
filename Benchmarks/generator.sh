#!/usr/bin/env bash
# Benchmark of the generator: the bundled pack and synthetic tables of 1k/10k/100k rows,
# in release mode. Run from the repository root: ./Benchmarks/generator.sh
set -euo pipefail
cd "$(dirname "$0")/.."
swift build -c release --product o365kit-bench
"$(swift build -c release --show-bin-path)/o365kit-bench"
