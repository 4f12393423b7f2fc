#!/usr/bin/env bash
# Installs what is missing, then runs the test suite, builds the benchmarks' executable and runs every fuzz target
# for a few executions: tools that nothing else builds would otherwise break unnoticed. Any failing step fails
# the script. FUZZ_RUNS sets the executions per fuzz target (0 builds them only).
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/install-dependencies.sh
# SwiftPM's per-file progress lines, dropped from the output (the full test log stays in /tmp/imagegen-test.log).
quiet() { grep -vE '^\[[0-9]+/[0-9]+\] (Compiling|Emitting|Write|Linking)' || true; }

echo "== swift test"
swift test 2>&1 | tee /tmp/imagegen-test.log | quiet
echo "== benchmarks: swift build --product imagegen-bench (debug, reusing the test build)"
swift build --product imagegen-bench 2>&1 | quiet
echo "== fuzz targets: ${FUZZ_RUNS:-20000} executions each"
scripts/fuzz.sh "${FUZZ_RUNS:-20000}"
