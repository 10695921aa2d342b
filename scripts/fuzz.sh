#!/usr/bin/env bash
# Builds the libFuzzer targets of fuzz/ into build/fuzz (clang, ASan + UBSan) and runs each for
# SECONDS (default 30) on a copy of its seed corpus. Fails when any target finds a crash, leak,
# timeout or out-of-memory; the reproducers are saved as build/fuzz/crashes/<target>-*, the
# logs as build/fuzz/logs/<target>.log.
# Usage: scripts/fuzz.sh [SECONDS] [TARGET...]   (default: every target)
# Reproduce one crash: build/fuzz/<target> build/fuzz/crashes/<file>
set -euo pipefail
cd "$(dirname "$0")/.."

seconds=${1:-30}
shift || true
build_dir=build/fuzz
all_targets=(jsonpath_fuzz target_path_fuzz template_fuzz condition_fuzz flow_fuzz
  functions_fuzz response_fuzz host_request_fuzz)
if [ $# -gt 0 ]; then targets=("$@"); else targets=("${all_targets[@]}"); fi

# Libraries get coverage instrumentation and the sanitizers; the targets link libFuzzer
# (fuzz/fuzzers.cmake). -O1 -g without NDEBUG keeps assertions. The top-level CMakeLists.txt
# does not add fuzz/ itself, so fuzz/enable.cmake does it at the end of the configure.
# clang 14 cannot compile C++20 coroutines with -fsanitize=function ("Cannot represent a
# difference across sections", src/host/http_server.cc), so that one UBSan check is off.
sanitizers="-fsanitize=fuzzer-no-link,address,undefined -fno-sanitize=function"
if [ ! -f "$build_dir/build.ninja" ]; then
  CC=clang CXX=clang++ cmake -S . -B "$build_dir" -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo \
    "-DCMAKE_CXX_FLAGS_RELWITHDEBINFO=-O1 -g" \
    "-DCMAKE_CXX_FLAGS=$sanitizers -fno-omit-frame-pointer" \
    -DCMAKE_EXE_LINKER_FLAGS=-fuse-ld=lld -DALLMA_FUZZ=ON -DALLMA_SANITIZE= \
    "-DCMAKE_PROJECT_INCLUDE=$PWD/fuzz/enable.cmake" >/dev/null
fi
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
  if "$build_dir/$t" -max_total_time="$seconds" -rss_limit_mb=2048 -timeout=10 -max_len=65536 \
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
