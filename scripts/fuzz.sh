#!/usr/bin/env bash
# Builds libFuzzer targets for every file parser (Fuzz/*.swift) with -sanitize=fuzzer,address and runs each.
#
#   scripts/fuzz.sh                 # build all, run each for 100000 executions
#   scripts/fuzz.sh 1000000 png idx # 1,000,000 executions of the PNG and IDX targets
#   RUNS=0 scripts/fuzz.sh          # build only
#
# Targets: safetensors idx gzip cifar png jpeg. Each starts from the malformed-file corpus kept as test fixtures
# (Tests/<Module>Tests/Fixtures/fuzz-corpus/<target>, beside the parser's tests); new inputs go to .build-fuzz/corpus/<target>, crashes to
# .build-fuzz/findings/<target>. The package modules are built once with SwiftPM in .build-fuzz (instrumented,
# with testing enabled so internal decoders are reachable) and each target links their object files.
# Exits non-zero when a target does not build or a run finds a crash, leak or untyped error, after running the others.
set -euo pipefail
cd "$(dirname "$0")/.."
RUNS=${1:-${RUNS:-100000}}
shift || true
TARGETS=("$@")
[ ${#TARGETS[@]} -eq 0 ] && TARGETS=(safetensors idx gzip cifar png jpeg)
SCRATCH=.build-fuzz
FLAGS=(-Xswiftc -sanitize=fuzzer,address -Xswiftc -enable-testing)

swift build --scratch-path "$SCRATCH" --target Data "${FLAGS[@]}" >/dev/null
swift build --scratch-path "$SCRATCH" --target NN "${FLAGS[@]}" >/dev/null
BIN=$(swift build --scratch-path "$SCRATCH" --show-bin-path)
OBJECTS=()
for module in Engine NN Imaging Data; do
    for o in "$BIN/$module.build"/*.o; do OBJECTS+=("$o"); done
done
CPU=()
[ "$(uname -m)" = x86_64 ] && CPU=(-target-cpu haswell)
# The system-library modules (Sources/C*), the libraries their module maps link and the pkg-config flags
# Package.swift asks for, read from those files rather than listed here, so a new module cannot break the link.
MODULES=() LIBRARIES=()
for map in Sources/C*/module.modulemap; do
    MODULES+=(-I "$(dirname "$map")")
    while read -r library; do LIBRARIES+=("-l$library"); done < <(sed -n 's/^ *link "\(.*\)".*/\1/p' "$map")
done
for flag in $(pkg-config --cflags $(sed -n 's/.*pkgConfig: "\([^"]*\)".*/\1/p' Package.swift)); do MODULES+=(-Xcc "$flag"); done

mkdir -p "$SCRATCH/fuzzers" "$SCRATCH/findings"
FAILED=()
# The path-based readers get each input as a file: in memory (/dev/shm) this is ~10× faster than on disk.
[ -d /dev/shm ] && DEFAULT_TMP=$(mktemp -d /dev/shm/imagegen-fuzz.XXXXXX) || DEFAULT_TMP=$(mktemp -d)
trap 'rm -rf "$DEFAULT_TMP"' EXIT
export FUZZ_TMP=${FUZZ_TMP:-$DEFAULT_TMP}
# libFuzzer reports crashes itself; Swift's backtracer, run under ASan, can hang on one and stall the script.
export SWIFT_BACKTRACE=enable=no
for target in "${TARGETS[@]}"; do
    exe="$SCRATCH/fuzzers/fuzz-$target"
    swiftc -sanitize=fuzzer,address -parse-as-library -g "${CPU[@]}" -module-name "Fuzz_$target" \
        -I "$BIN/Modules" "${MODULES[@]}" Fuzz/FuzzSupport.swift "Fuzz/$target.swift" "${OBJECTS[@]}" \
        "${LIBRARIES[@]}" -o "$exe" 2>&1 | { grep -v "Cannot export local symbol" || true; }
    [ "$RUNS" = 0 ] && continue
    corpus="$SCRATCH/corpus/$target"
    mkdir -p "$corpus" "$SCRATCH/findings/$target"
    seeds=$(echo Tests/*/Fixtures/fuzz-corpus/"$target")
    echo "== $target: $RUNS executions"
    start=$(date +%s)
    status=0
    "$exe" -runs="$RUNS" -rss_limit_mb=2048 -malloc_limit_mb=1024 -max_len=65536 -timeout=10 \
        -artifact_prefix="$SCRATCH/findings/$target/" -print_final_stats=1 "$corpus" "$seeds" 2>&1 \
        | grep -E "^(stat::number_of_executed_units|stat::peak_rss|#[0-9]+ +DONE|==[0-9]+==ERROR|SUMMARY|artifact_prefix|Test unit written)" \
        || status=${PIPESTATUS[0]} # grep finding nothing is fine; the fuzzer failing is not
    echo "   $(( $(date +%s) - start )) s; findings: $(ls "$SCRATCH/findings/$target" | wc -l)"
    [ "$status" = 0 ] || FAILED+=("$target (exit $status)")
done
if [ ${#FAILED[@]} -gt 0 ]; then
    echo "Fuzzing failed: ${FAILED[*]}; inputs in $SCRATCH/findings/<target>" >&2
    exit 1
fi
