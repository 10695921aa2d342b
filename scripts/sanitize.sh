#!/usr/bin/env bash
# Builds the tree with sanitizers (scripts/sanitizer-tree.sh) and runs its tests.
#   address: build/asan, AddressSanitizer + UndefinedBehaviorSanitizer (leaks detected): every
#            test. Also builds the fuzz targets, which share this tree (scripts/fuzz.sh).
#   thread:  build/tsan, ThreadSanitizer: the concurrent parts, the tests of
#            tests/{aws,host,engine,integration}.
# Usage: scripts/sanitize.sh address|thread [extra ctest arguments]
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/sanitizer-tree.sh

mode=${1:-}
shift || true
# Only what the tests need is built (no benchmarks): the allma binary with every library, and
# the test folders. Test names start with their binary's name (tests/CMakeLists.txt);
# durability_test is tests/integration's other binary.
case "$mode" in
  address)
    filter=()
    targets=(src/cli/all tests/all allma_fuzzers)
    ;;
  thread)
    filter=(-R '^(aws_|host_|engine_|durability_)')
    targets=(src/cli/all tests/aws/all tests/host/all tests/engine/all tests/integration/all)
    ;;
  *) echo "usage: $0 address|thread [ctest arguments]" >&2; exit 2 ;;
esac
configure_sanitizer_tree "$mode"
ninja -C "$build_dir" -j "${ALLMA_JOBS:-2}" "${targets[@]}"

# Every finding stops the process that made it, so the test fails.
export UBSAN_OPTIONS=halt_on_error=1:print_stacktrace=1
export ASAN_OPTIONS=detect_leaks=1
export TSAN_OPTIONS=halt_on_error=1:second_deadlock_stack=1
ctest --test-dir "$build_dir" --output-on-failure -j "${ALLMA_JOBS:-2}" "${filter[@]}" "$@"
