#!/usr/bin/env bash
# Configures one sanitizer build tree (sourced by scripts/sanitize.sh and scripts/fuzz.sh).
#   address: build/asan, clang with AddressSanitizer + UndefinedBehaviorSanitizer and libFuzzer's
#            coverage instrumentation (fuzzer-no-link), so one compile serves both the test
#            suite and the fuzz targets of fuzz/.
#   thread:  build/tsan, clang with ThreadSanitizer.
# Both compile at -O1 with line tables only (no NDEBUG, so assertions stay on): clang at -O1
# builds this tree about three times faster than g++ at -O2 -g, and stack traces keep file and
# line. clang 14 cannot compile C++20 coroutines with -fsanitize=function ("Cannot represent a
# difference across sections", src/host/http_server.cc), so that one UBSan check is off.
# Usage: source scripts/sanitizer-tree.sh; configure_sanitizer_tree address|thread
# Sets build_dir.
configure_sanitizer_tree() {
  local mode=$1 flags fuzz
  case "$mode" in
    address)
      build_dir=build/asan fuzz=ON
      flags="-fsanitize=fuzzer-no-link,address,undefined -fno-sanitize=function"
      flags+=" -fno-sanitize-recover=undefined"
      ;;
    thread) build_dir=build/tsan fuzz=OFF flags="-fsanitize=thread" ;;
    *) echo "configure_sanitizer_tree: unknown mode '$mode'" >&2; return 2 ;;
  esac
  # A tree configured by an older version of these scripts (g++) is set up afresh.
  if [ -f "$build_dir/CMakeCache.txt" ] &&
     ! grep -q '^CMAKE_CXX_COMPILER:.*clang' "$build_dir/CMakeCache.txt"; then
    rm -rf "$build_dir"
  fi
  if [ ! -f "$build_dir/build.ninja" ]; then
    CC=clang CXX=clang++ cmake -S . -B "$build_dir" -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo \
      "-DCMAKE_CXX_FLAGS_RELWITHDEBINFO=-O1 -gline-tables-only" \
      "-DCMAKE_CXX_FLAGS=$flags -fno-omit-frame-pointer" \
      -DCMAKE_EXE_LINKER_FLAGS=-fuse-ld=lld -DALLMA_FUZZ=$fuzz -DALLMA_SANITIZE= >/dev/null
  fi
}
