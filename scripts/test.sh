#!/usr/bin/env bash
# Installs what is missing, then runs the test suite, builds the benchmarks' executable, runs every fuzz target
# for a few executions (tools that nothing else builds would otherwise break unnoticed) and tests the studio in a
# real browser (scripts/studio-test.sh). Any failing step fails
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
echo "== studio: imagegen serve in a real browser, schemathesis, malformed uploads"
scripts/studio-test.sh
