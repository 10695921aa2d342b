#!/usr/bin/env bash
# Configures and builds allma into build/release (Ninja, ccache, at most 2 jobs).
set -euo pipefail
cd "$(dirname "$0")/.."
build_dir=${ALLMA_BUILD_DIR:-build/release}
if [ ! -f "$build_dir/build.ninja" ]; then
  cmake -S . -B "$build_dir" -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo >/dev/null
fi
ninja -C "$build_dir" -j "${ALLMA_JOBS:-2}" "$@"
