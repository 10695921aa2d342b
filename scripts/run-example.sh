#!/usr/bin/env bash
# Sets everything up, builds, and runs the bundled insurance-quote flow against its real
# functions, hosted in-process by the local function host. Prints the final context on stdout
# (one line per step attempt on stderr). Safe to run again: each run starts the example's own
# store afresh, so the fixed execution id (which makes the output comparable with
# examples/insurance-quote/expected-context.json) is never a duplicate.
set -euo pipefail
cd "$(dirname "$0")/.."
./scripts/setup.sh
if [ ! -x build/release/src/cli/allma ]; then
  echo "building allma (the first build takes about 10 minutes on 2 cores)..." >&2
fi
./scripts/build.sh allma >&2
example=examples/insurance-quote
store=${ALLMA_STORE:-build/example-store.db}
rm -f "$store" "$store-wal" "$store-shm"
exec build/release/src/cli/allma --store "$store" run "$example/flow.json" \
  --input "$example/input.json" --functions "$example/functions.json" \
  --execution-id 00000000-0000-4000-8000-00000000a11a "$@"
