#!/usr/bin/env bash
# Sets everything up, builds, and runs the bundled insurance-quote flow against its real
# functions, hosted in-process by the local function host. Prints the final context.
set -euo pipefail
cd "$(dirname "$0")/.."
./scripts/setup.sh
./scripts/build.sh allma >/dev/null
example=examples/insurance-quote
exec build/release/allma --store "${ALLMA_STORE:-build/example-store.db}" run "$example/flow.json" \
  --input "$example/input.json" --functions "$example/functions.json" \
  --execution-id 00000000-0000-4000-8000-00000000a11a "$@"
