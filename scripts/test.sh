#!/usr/bin/env bash
# Sets everything up, builds everything, and runs every test.
set -euo pipefail
cd "$(dirname "$0")/.."
./scripts/setup.sh
./scripts/build.sh
ctest --test-dir "${ALLMA_BUILD_DIR:-build/release}" --output-on-failure -j 2 "$@"
