#!/usr/bin/env bash
# Runs the JSONPath and Handlebars micro-benchmarks against their npm peers (issue 5) and prints
# a Markdown table of ns/op and ratios. Run scripts/setup.sh once before.
#
#   scripts/bench.sh [--filter=REGEX]
#
# Builds allma_json_bench and allma_template_bench in build/bench (Release), has them write
# the generated inputs to build/bench/inputs, then runs every scenario that has a peer as a
# pair, ours (Google Benchmark, median of ALLMA_BENCH_REPETITIONS repetitions, default 3) and
# then bench/peers/*.js on the same input files, so both sides of a ratio see the same load;
# then our benchmarks that have no peer. Raw results and the table go to build/bench/results/.
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
json_bench="$build_dir/bench/allma_json_bench"
template_bench="$build_dir/bench/allma_template_bench"
rm -f "$results"/ours-*.json "$results"/peer-*.json

# The inputs, and the scenarios that have a peer (named in the files the peers read).
"$json_bench" --inputs_dir="$inputs" --inputs_only
"$template_bench" --inputs_dir="$inputs" --inputs_only
mapfile -t scenarios < <(python3 - "$inputs" "$filter" <<'PY'
import json, re, sys
inputs, pattern = sys.argv[1], sys.argv[2]
cases = json.load(open(f"{inputs}/jsonpath-cases.json"))
names = [c["name"] for c in cases["jsonpath"]]
names += [cases["parse"]["name"], cases["stringify"]["name"]]
names += [c["name"] for c in json.load(open(f"{inputs}/template-cases.json"))["templates"]]
for n in names:
    if not pattern or re.search(pattern, n):
        print(n)
PY
)

# Each scenario runs ours and then the peer back to back, so that both see the same load.
n=0
for name in "${scenarios[@]}"; do
  n=$((n + 1))
  tag=$(printf '%02d' "$n")
  echo "== $name" >&2
  if [[ $name == template/* ]]; then
    "$template_bench" "${gb_flags[@]}" --benchmark_filter="^$name\$" >"$results/ours-$tag.json"
    node bench/peers/handlebars_peer.js "${peer_flags[@]}" --filter="^$name\$" \
      >"$results/peer-$tag.json"
  else
    "$json_bench" "${gb_flags[@]}" --benchmark_filter="^$name\$" >"$results/ours-$tag.json"
    node bench/peers/jsonpath_peer.js "${peer_flags[@]}" --filter="^$name\$" \
      >"$results/peer-$tag.json"
  fi
done

# Then our benchmarks that have no peer (floors, resolve(), conditions, target paths, ...).
for bin in "$json_bench" "$template_bench"; do
  mapfile -t own < <("$bin" --benchmark_list_tests | python3 -c '
import re, sys
skip, pattern = set(sys.argv[1:-1]), sys.argv[-1]
for n in sys.stdin.read().split():
    if n not in skip and (not pattern or re.search(pattern, n)):
        print(n)' "${scenarios[@]}" "$filter")
  [ ${#own[@]} -eq 0 ] && continue
  echo "== $(basename "$bin"): ${#own[@]} benchmarks without a peer" >&2
  regex="^($(IFS='|'; echo "${own[*]}"))\$"
  "$bin" "${gb_flags[@]}" --benchmark_filter="$regex" >"$results/ours-$(basename "$bin").json"
done

python3 - "$results" "$reps" "$build_dir" <<'EOF' | tee "$results/table.md"
import glob, json, os, platform, subprocess, sys

results, reps, build_dir = sys.argv[1], sys.argv[2], sys.argv[3]
cache = open(os.path.join(build_dir, "CMakeCache.txt")).read().splitlines()
build_type = next((l.split("=", 1)[1] for l in cache if l.startswith("CMAKE_BUILD_TYPE:")), "?")

def load(path):
    with open(path) as f:
        text = f.read()
    # A benchmark binary whose filter matched nothing prints no JSON.
    return json.loads(text) if text.strip() else {"benchmarks": [], "results": [], "peer": "?"}

# Ours: the median aggregate of each benchmark, in ns.
ours = {}
for path in sorted(glob.glob(os.path.join(results, "ours-*.json"))):
    doc = load(path)
    for b in doc["benchmarks"]:
        # The median aggregate; with one repetition there is only the run itself.
        if b.get("aggregate_name") == "median" or (b["run_type"] == "iteration" and reps == "1"):
            scale = {"ns": 1, "us": 1e3, "ms": 1e6, "s": 1e9}[b["time_unit"]]
            ours[b["run_name"]] = {"ns": b["real_time"] * scale, "cpu": b["cpu_time"] * scale,
                                   "matches": b.get("matches")}

# Peers: every variant of every scenario, under the peer's name.
peer_docs = [load(p) for p in sorted(glob.glob(os.path.join(results, "peer-*.json")))]
peer_names = sorted({d["peer"] for d in peer_docs})
node_version = peer_docs[0]["node"] if peer_docs else "-"
peer_results = {}
for d in peer_docs:
    for r in d["results"]:
        peer_results.setdefault(r["name"], (d["peer"].split("@")[0], []))[1].append(r)
goals = {"jsonpath/": 20, "template/render/": 10, "template/compile_render/": 10}

def fmt(ns):
    if ns is None:
        return "-"
    return f"{ns:,.0f}" if ns >= 100 else f"{ns:.1f}"

cpu = next((l.split(":", 1)[1].strip() for l in open("/proc/cpuinfo")
            if l.startswith("model name")), "?")
print(f"machine: {os.cpu_count()} cores (nproc), {cpu}; load average "
      f"{' '.join(f'{x:.2f}' for x in os.getloadavg())}; {platform.platform()}")
def git(*args):
    return subprocess.run(["git", *args], capture_output=True, text=True).stdout.strip()
rev = git("rev-parse", "--short", "HEAD")
dirty = git("status", "--porcelain", "--", "src/json", "src/template", "bench/json_bench.cc",
            "bench/template_bench.cc", "bench/peers")
print(f"source: commit {rev or '?'}"
      + (" with uncommitted changes in src/json, src/template or the benchmarks" if dirty else ""))
print(f"ours: Google Benchmark, median of {reps} repetitions, CMAKE_BUILD_TYPE={build_type}; "
      f"peers: {', '.join(peer_names) or '-'} on Node {node_version}, median of {reps} "
      f"timed loops; each scenario ran ours then the peer, back to back")
print()
print("Times are ns per operation, medians; CPU = CPU time of the measuring thread (ours) or")
print("process (peer), wall = elapsed time. The peer's fairer (faster) variant is used; `met` is")
print("judged on CPU time, which a loaded machine disturbs less.")
print()
print("| scenario | ours CPU | ours wall | peer variant | peer CPU | peer wall | ratio CPU "
      "| ratio wall | goal | met |")
print("|---|---:|---:|---|---:|---:|---:|---:|---:|---|")
problems = []
for name, (peer_name, variants) in peer_results.items():
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
    print(f"| {name} | {fmt(mine['cpu'] if mine else None)} | "
          f"{fmt(mine['ns'] if mine else None)} | "
          f"{variant} | {fmt(best['cpu_ns_per_op'])} | {fmt(best['ns_per_op'])} | "
          f"{'-' if ratio is None else f'{ratio:,.1f}x'} | "
          f"{'-' if ratio_wall is None else f'{ratio_wall:,.1f}x'} | "
          f"{f'{goal}x' if goal else '-'} | {met} |")
    if mine and mine["matches"] is not None and mine["matches"] != best.get("matches"):
        problems.append(f"{name}: ours matched {mine['matches']:.0f} nodes, "
                        f"the peer {best.get('matches')}")
    if best.get("same_output") is False:
        problems.append(f"{name}: the peer rendered {best['output']!r}, "
                        f"ours {best['expected']!r}")
print()
print("Ours only (no peer):")
print()
print("| benchmark | CPU ns/op | wall ns/op |")
print("|---|---:|---:|")
for name, r in ours.items():
    if name not in peer_results:
        print(f"| {name} | {fmt(r['cpu'])} | {fmt(r['ns'])} |")
if problems:
    print()
    print("**Inputs disagree** (the figures above do not measure the same work):")
    for p in problems:
        print(f"- {p}")
EOF
