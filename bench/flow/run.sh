#!/usr/bin/env bash
# Issue 5, docs/benchmarks.md sections 8 and 9: compiles the instant `provided` runtime
# (../provided_bootstrap.c, cc -O2), builds the two bench targets in BUILD (default build/main),
# runs
#   8. a 10-step flow, 1,000 executions, 64 at a time, against the local host, durability
#      off / SQLite NORMAL / SQLite FULL (allma_flow_bench), and
#   9. per-step cost for 100/1,000/10,000-step flows and 1 KB/1 MB/10 MB contexts
#      (allma_flow_scaling_bench),
# and keeps the JSON lines in $OUT (default BUILD/flow-bench). Usage: bench/flow/run.sh [BUILD]
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
root="$(cd "$here/../.." && pwd)"
build="${1:-$root/build/main}"
out="${OUT:-$build/flow-bench}"
mkdir -p "$out/code"
cc -O2 -Wall -o "$out/code/bootstrap" "$here/../provided_bootstrap.c"
ninja -C "$build" -j2 allma_flow_bench allma_flow_scaling_bench
echo "load before: $(cut -d' ' -f1-3 /proc/loadavg)" | tee "$out/flow.jsonl.load"
for durability in none normal full; do
  "$build/bench/allma_flow_bench" "$out/code" --durability "$durability" --executions 1000 \
    --concurrency 64 --steps 10 --db "$out/flow.db"
done | tee "$out/flow.jsonl"
"$build/bench/allma_flow_scaling_bench" | tee "$out/scaling.jsonl"
echo "load after: $(cut -d' ' -f1-3 /proc/loadavg)" | tee -a "$out/flow.jsonl.load"
