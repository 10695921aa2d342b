#!/usr/bin/env bash
# Builds the libFuzzer targets of fuzz/ into build/asan (clang, ASan + UBSan) and runs each for
# SECONDS (default 30) on a copy of its seed corpus. Fails when any target finds a crash, leak,
# timeout or out-of-memory; the reproducers are saved as build/asan/crashes/<target>-*, the
# logs as build/asan/logs/<target>.log.
# Usage: scripts/fuzz.sh [SECONDS] [TARGET...]   (default: every target)
# Reproduce one crash: build/asan/fuzz/<target> build/asan/crashes/<file>
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/sanitizer-tree.sh

seconds=${1:-30}
shift || true
all_targets=(jsonpath_fuzz target_path_fuzz template_fuzz condition_fuzz flow_fuzz
  functions_fuzz response_fuzz host_request_fuzz)
if [ $# -gt 0 ]; then targets=("$@"); else targets=("${all_targets[@]}"); fi

# The targets share build/asan with the AddressSanitizer test suite (scripts/sanitizer-tree.sh):
# the libraries carry the sanitizers and libFuzzer's coverage instrumentation, the targets link
# libFuzzer (fuzz/fuzzers.cmake).
configure_sanitizer_tree address
ninja -C "$build_dir" -j "${ALLMA_JOBS:-2}" "${targets[@]}"

mkdir -p "$build_dir/crashes" "$build_dir/logs"
export ASAN_OPTIONS=detect_leaks=1
export UBSAN_OPTIONS=halt_on_error=1:print_stacktrace=1
failed=()
for t in "${targets[@]}"; do
  work="$build_dir/corpus/$t"
  rm -rf "$work"
  mkdir -p "$work"
  cp fuzz/corpus/"$t"/* "$work"/
  start=$(date +%s)
  if "$build_dir/fuzz/$t" -max_total_time="$seconds" -rss_limit_mb=2048 -timeout=10 -max_len=65536 \
      -print_final_stats=1 -artifact_prefix="$build_dir/crashes/$t-" "$work" \
      >"$build_dir/logs/$t.log" 2>&1; then
    echo "$t: ok ($(grep -o 'stat::number_of_executed_units: [0-9]*' "$build_dir/logs/$t.log" \
      | grep -o '[0-9]*$') runs in $(( $(date +%s) - start )) s)"
  else
    echo "$t: FAILED, see $build_dir/logs/$t.log"
    grep -m 3 -E '^==[0-9]+==ERROR|runtime error|SUMMARY|Test unit written' \
      "$build_dir/logs/$t.log" || true
    failed+=("$t")
  fi
done

if [ ${#failed[@]} -gt 0 ]; then
  echo "fuzz: ${#failed[@]} target(s) failed: ${failed[*]}"
  exit 1
fi
echo "fuzz: all ${#targets[@]} targets ran ${seconds} s each without a finding"
