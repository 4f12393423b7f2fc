#!/usr/bin/env bash
# Installs what is missing and runs the test suite.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/install-dependencies.sh
swift test 2>&1 | tee /tmp/imagegen-test.log | grep -vE '^\[[0-9]+/[0-9]+\] (Compiling|Emitting|Write|Linking)' 
exit "${PIPESTATUS[0]}"
