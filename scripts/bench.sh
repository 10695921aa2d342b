#!/usr/bin/env bash
# Runs the JSONPath and Handlebars micro-benchmarks against their npm peers (issue 5) and prints
# a Markdown table of ns/op and ratios. Run scripts/setup.sh once before.
#
#   scripts/bench.sh [--filter=REGEX]
#
# Builds allma_json_bench and allma_template_bench in build/bench (Release), has them write
# the generated inputs to build/bench/inputs, runs them (Google Benchmark, medians of
# ALLMA_BENCH_REPETITIONS repetitions, default 3), then runs bench/peers/*.js on the same input
# files in the same run. Raw results and the table go to build/bench/results/.
set -euo pipefail
cd "$(dirname "$0")/.."

filter=""
for arg in "$@"; do
  case "$arg" in
    --filter=*) filter=${arg#--filter=} ;;
    *) echo "usage: scripts/bench.sh [--filter=REGEX]" >&2; exit 2 ;;
  esac
done

build_dir=${ALLMA_BENCH_BUILD_DIR:-build/bench}
reps=${ALLMA_BENCH_REPETITIONS:-3}
min_time=${ALLMA_BENCH_MIN_TIME:-0.5}
inputs="$build_dir/inputs"
results="$build_dir/results"

for m in jsonpath-plus handlebars; do
  if [ ! -f "tools/node/node_modules/$m/package.json" ]; then
    echo "tools/node/node_modules/$m is missing: run scripts/setup.sh first" >&2
    exit 1
  fi
done

if [ ! -f "$build_dir/build.ninja" ]; then
  cmake -S . -B "$build_dir" -G Ninja -DCMAKE_BUILD_TYPE=Release >/dev/null
fi
ninja -C "$build_dir" -j "${ALLMA_JOBS:-2}" allma_json_bench allma_template_bench
mkdir -p "$inputs" "$results"

gb_flags=(--benchmark_repetitions="$reps" --benchmark_report_aggregates_only=true
          --benchmark_min_time="$min_time" --benchmark_format=json)
peer_flags=(--inputs_dir="$inputs" --repetitions="$reps" --min_time="$min_time")
if [ -n "$filter" ]; then
  gb_flags+=(--benchmark_filter="$filter")
  peer_flags+=(--filter="$filter")
fi

echo "== allma_json_bench" >&2
"$build_dir/bench/allma_json_bench" --inputs_dir="$inputs" "${gb_flags[@]}" \
  >"$results/ours-json.json"
echo "== allma_template_bench" >&2
"$build_dir/bench/allma_template_bench" --inputs_dir="$inputs" "${gb_flags[@]}" \
  >"$results/ours-template.json"
echo "== jsonpath-plus" >&2
node bench/peers/jsonpath_peer.js "${peer_flags[@]}" >"$results/peer-jsonpath.json"
echo "== handlebars" >&2
node bench/peers/handlebars_peer.js "${peer_flags[@]}" >"$results/peer-handlebars.json"

python3 - "$results" "$reps" "$build_dir" <<'EOF' | tee "$results/table.md"
import json, os, platform, subprocess, sys

results, reps, build_dir = sys.argv[1], sys.argv[2], sys.argv[3]
build_type = next((l.strip().split("=", 1)[1] for l in open(os.path.join(build_dir, "CMakeCache.txt"))
                   if l.startswith("CMAKE_BUILD_TYPE:")), "?")

def load(name):
    with open(os.path.join(results, name)) as f:
        text = f.read()
    # A benchmark binary whose filter matched nothing prints no JSON.
    return json.loads(text) if text.strip() else {"benchmarks": [], "results": []}

# Ours: the median aggregate of each benchmark, in ns.
ours = {}
for name in ("ours-json.json", "ours-template.json"):
    doc = load(name)
    for b in doc["benchmarks"]:
        # The median aggregate; with one repetition there is only the run itself.
        if b.get("aggregate_name") == "median" or (b["run_type"] == "iteration" and reps == "1"):
            scale = {"ns": 1, "us": 1e3, "ms": 1e6, "s": 1e9}[b["time_unit"]]
            ours[b["run_name"]] = {"ns": b["real_time"] * scale, "cpu": b["cpu_time"] * scale,
                                   "matches": b.get("matches")}

peers = {"jsonpath-plus": load("peer-jsonpath.json"), "handlebars": load("peer-handlebars.json")}
goals = {"jsonpath/": 20, "template/render/": 10, "template/compile_render/": 10}

def fmt(ns):
    if ns is None:
        return "-"
    return f"{ns:,.0f}" if ns >= 100 else f"{ns:.1f}"

cpu = next((l.split(":", 1)[1].strip() for l in open("/proc/cpuinfo") if l.startswith("model name")), "?")
print(f"machine: {os.cpu_count()} cores (nproc), {cpu}; load average "
      f"{' '.join(f'{x:.2f}' for x in os.getloadavg())}; {platform.platform()}")
rev = subprocess.run(["git", "rev-parse", "--short", "HEAD"], capture_output=True, text=True).stdout.strip()
dirty = subprocess.run(["git", "status", "--porcelain", "--", "src/json", "src/template",
                        "bench/json_bench.cc", "bench/template_bench.cc", "bench/peers"], capture_output=True,
                       text=True).stdout.strip()
print(f"source: commit {rev or '?'}{' with uncommitted changes in src/json, src/template or the benchmarks' if dirty else ''}")
print(f"ours: Google Benchmark, median of {reps} repetitions, CMAKE_BUILD_TYPE={build_type}; "
      f"peers: {peers['jsonpath-plus'].get('peer', '-')}, {peers['handlebars'].get('peer', '-')} on Node "
      f"{peers['handlebars'].get('node', '-')}, median of {reps} timed loops")
print()
print("Times are ns per operation, medians; CPU = CPU time of the measuring thread (ours) or")
print("process (peer), wall = elapsed time. The peer's fairer (faster) variant is used; `met` is")
print("judged on CPU time, which a loaded machine disturbs less.")
print()
print("| scenario | ours CPU | ours wall | peer variant | peer CPU | peer wall | ratio CPU | ratio wall | goal | met |")
print("|---|---:|---:|---|---:|---:|---:|---:|---:|---|")
problems = []
for peer_name, doc in peers.items():
    by_name = {}
    for r in doc["results"]:
        by_name.setdefault(r["name"], []).append(r)
    for name, variants in by_name.items():
        variants.sort(key=lambda r: r["cpu_ns_per_op"])
        best = variants[0]
        mine = ours.get(name)
        goal = next((g for p, g in goals.items() if name.startswith(p)), None)
        ratio = best["cpu_ns_per_op"] / mine["cpu"] if mine else None
        ratio_wall = best["ns_per_op"] / mine["ns"] if mine else None
        met = "-" if goal is None or ratio is None else ("yes" if ratio >= goal else "**no**")
        others = "; ".join(f"{o['variant']} {fmt(o['cpu_ns_per_op'])}" for o in variants[1:])
        owner = "node" if best["variant"].startswith("JSON.") else peer_name
        variant = f"{owner} {best['variant']}" + (f" (vs {others})" if others else "")
        print(f"| {name} | {fmt(mine['cpu'] if mine else None)} | {fmt(mine['ns'] if mine else None)} | "
              f"{variant} | {fmt(best['cpu_ns_per_op'])} | {fmt(best['ns_per_op'])} | "
              f"{'-' if ratio is None else f'{ratio:,.1f}x'} | "
              f"{'-' if ratio_wall is None else f'{ratio_wall:,.1f}x'} | "
              f"{f'{goal}x' if goal else '-'} | {met} |")
        if mine and "matches" in best and mine["matches"] is not None and mine["matches"] != best["matches"]:
            problems.append(f"{name}: ours matched {mine['matches']:.0f} nodes, the peer {best['matches']}")
        if best.get("same_output") is False:
            problems.append(f"{name}: the peer rendered {best['output']!r}, ours {best['expected']!r}")
print()
print("Ours only (no peer):")
print()
print("| benchmark | CPU ns/op | wall ns/op |")
print("|---|---:|---:|")
for name, r in ours.items():
    if not any(name == x["name"] for d in peers.values() for x in d["results"]):
        print(f"| {name} | {fmt(r['cpu'])} | {fmt(r['ns'])} |")
if problems:
    print()
    print("**Inputs disagree** (the figures above do not measure the same work):")
    for p in problems:
        print(f"- {p}")
EOF
