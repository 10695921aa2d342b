#!/usr/bin/env bash
# Builds the whole tree with sanitizers and runs its tests.
#   address: build/asan with AddressSanitizer + UndefinedBehaviorSanitizer (leaks detected), every
#            test.
#   thread:  build/tsan with ThreadSanitizer, only the concurrent parts: tests whose names match
#            aws|host|engine|integration.
# Usage: scripts/sanitize.sh address|thread [extra ctest arguments]
set -euo pipefail
cd "$(dirname "$0")/.."

mode=${1:-}
shift || true
case "$mode" in
  address) build_dir=build/asan sanitize=address,undefined filter=() ;;
  thread) build_dir=build/tsan sanitize=thread filter=(-R 'aws|host|engine|integration') ;;
  *) echo "usage: $0 address|thread [ctest arguments]" >&2; exit 2 ;;
esac

if [ ! -f "$build_dir/build.ninja" ]; then
  cmake -S . -B "$build_dir" -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo \
    -DALLMA_SANITIZE="$sanitize" >/dev/null
fi
ninja -C "$build_dir" -j "${ALLMA_JOBS:-2}"

# Every finding stops the process that made it, so the test fails.
export UBSAN_OPTIONS=halt_on_error=1:print_stacktrace=1
export ASAN_OPTIONS=detect_leaks=1
export TSAN_OPTIONS=halt_on_error=1:second_deadlock_stack=1
ctest --test-dir "$build_dir" --output-on-failure -j "${ALLMA_JOBS:-2}" "${filter[@]}" "$@"
