#!/usr/bin/env bash
# Issue 5's Lambda-invoke benchmarks in one go (docs/benchmarks.md, sections "Lambda invoke"
# and "In flight at once"):
#
#  1. the Node handler functions/fast/index.js through `allma lambda serve` and through
#     serverless-offline (default worker-thread mode, then --useInProcess), concurrency 1, 16
#     and 64, same load generator (build/invbench/bench/allma_invoke_bench);
#  2. N calls at once from LambdaClient to sleep_server.c (one epoll thread, answers each request
#     1 s after it arrived, a few microseconds of CPU per request), for each N of --bursts;
#  3. N calls at once to our host's `sleep1` function (../provided_bootstrap.c with
#     SLEEP_MS=1000, a provided runtime
#     handling one invocation at a time per process, sleeps 1 s), cold and then warm (the
#     processes of the cold burst are kept by the host).
#
# Usage: bench/invoke/run.sh [--seconds=T] [--warmup=S] [--concurrency="1 16 64"]
#          [--bursts="1000 3000 10000"] [--host-bursts="100 1000"]
#          [--peer-modes="workers inprocess"] [--parts="node client host"]
#          [--build-dir=build/invbench] [--baseline=PATH] [--pin] [--no-build]
# --parts picks which of 1 (node), 2 (client) and 3 (host) run; "client" alone needs neither
# the peer nor Node. --burst=N is --bursts=N. --baseline=PATH also runs each client burst with
# another build of allma_invoke_bench (an older client, say), labelled "baseline", right after
# ours, against a server of its own. --pin runs each client burst's sleep_server on the last CPU
# and the load generator on CPU 0 (taskset), so that the server, woken by every request, does
# not preempt the client on its core (other processes still run anywhere).
# Each concurrency level gets an unmeasured warm-up run of --warmup seconds (default 8: enough
# for our host to start its 64 Node processes and for the peer to start its worker threads),
# then 2 s more warm-up inside the measured run, then --seconds (default 10) measured.
# Writes every result as a JSON line to <build-dir>/invoke-results.jsonl and prints a table.
# Raises the soft limit on open files to the hard one (a 10,000 burst needs 10,000 sockets on
# each side); the load generator and the server also raise their own.
# Every process it starts runs in its own process group and is stopped on exit.
set -euo pipefail

here="$(cd "$(dirname "$0")" && pwd)"
repo="$(cd "$here/../.." && pwd)"
build="$repo/build/invbench"
seconds=10
warmup=8
concurrency="1 16 64"
bursts="1000 3000 10000"
host_bursts="100 1000"
parts="node client host"
baseline=""
pin=0
peer_modes="workers inprocess"
do_build=1
for arg in "$@"; do
  case "$arg" in
    --seconds=*) seconds="${arg#*=}" ;;
    --warmup=*) warmup="${arg#*=}" ;;
    --concurrency=*) concurrency="${arg#*=}" ;;
    --burst=*|--bursts=*) bursts="${arg#*=}" ;;
    --parts=*) parts="${arg#*=}" ;;
    --baseline=*) baseline="$(realpath "${arg#*=}")" ;;
    --pin) pin=1 ;;
    --build-dir=*) build="$(realpath -m "${arg#*=}")" ;;
    --host-bursts=*) host_bursts="${arg#*=}" ;;
    --peer-modes=*) peer_modes="${arg#*=}" ;;
    --no-build) do_build=0 ;;
    *) echo "run.sh: unknown argument: $arg" >&2; exit 2 ;;
  esac
done

results="$build/invoke-results.jsonl"
logs="$build/invoke-logs"
pgids=()

# Stops one process group: SIGTERM, then SIGKILL after 5 s.
stop_group() {
  local pgid="$1"
  kill -TERM -- "-$pgid" 2>/dev/null || return 0
  for _ in $(seq 50); do
    kill -0 -- "-$pgid" 2>/dev/null || return 0
    sleep 0.1
  done
  kill -KILL -- "-$pgid" 2>/dev/null || true
}
cleanup() {
  for pgid in "${pgids[@]}"; do stop_group "$pgid"; done
  pgids=()
}
trap cleanup EXIT
trap 'exit 130' INT TERM

# Starts "$@" in a new process group, output to $1.log; sets $started_pid (= its pgid).
start_group() {
  local log="$logs/$1.log"; shift
  setsid "$@" >"$log" 2>&1 < /dev/null &
  started_pid=$!
  pgids+=("$started_pid")
}
# Waits until file $1 has a line matching regex $2 (at most $3 s); prints the first match.
wait_for_line() {
  for _ in $(seq $(( $3 * 10 ))); do
    if grep -m1 -E "$2" "$1" 2>/dev/null; then return 0; fi
    sleep 0.1
  done
  echo "run.sh: timed out waiting for /$2/ in $1:" >&2
  tail -20 "$1" >&2
  return 1
}
forget_group() {
  local keep=()
  for g in "${pgids[@]}"; do [[ "$g" != "$1" ]] && keep+=("$g"); done
  pgids=("${keep[@]}")
}
# Peak and current resident set (KiB) of pid $1 and of its descendants together.
rss_of_tree() {
  python3 - "$1" <<'EOF'
import os, sys
root = int(sys.argv[1])
kids = {}
for p in os.listdir("/proc"):
    if p.isdigit():
        try:
            ppid = int(open(f"/proc/{p}/stat").read().rsplit(")", 1)[1].split()[1])
            kids.setdefault(ppid, []).append(int(p))
        except OSError:
            pass
def field(pid, name):
    try:
        for line in open(f"/proc/{pid}/status"):
            if line.startswith(name):
                return int(line.split()[1])
    except OSError:
        pass
    return 0
tree, todo = [], [root]
while todo:
    p = todo.pop(); tree.append(p); todo += kids.get(p, [])
print(field(root, "VmHWM:"), sum(field(p, "VmRSS:") for p in tree[1:]), len(tree) - 1)
EOF
}

mkdir -p "$build" "$logs"
ulimit -n "$(ulimit -Hn)"
has_part() { [[ " $parts " == *" $1 "* ]]; }
uses_host() { has_part node || has_part host; }
if (( do_build )); then
  targets=(allma_invoke_bench)
  uses_host && targets+=(allma)
  cmake -S "$repo" -B "$build" -G Ninja -DCMAKE_BUILD_TYPE=Release > "$logs/cmake.log"
  ninja -C "$build" -j2 -l 3 "${targets[@]}" > "$logs/ninja.log" ||
    { tail -30 "$logs/ninja.log"; exit 1; }
fi
has_part node && "$here/setup-peer.sh"
allma="$build/src/cli/allma"
mkdir -p "$build/invoke/sleep1"
cc -O2 -Wall -Wextra -o "$build/invoke/sleep1/bootstrap" "$here/../provided_bootstrap.c"
cc -O2 -Wall -Wextra -o "$build/invoke/sleep_server" "$here/sleep_server.c"
functions="$build/invoke/functions.json"
cat > "$functions" <<EOF
{"functions": [
  {"name": "invbench-dev-fast", "runtime": "nodejs", "handler": "index.handler",
   "codeDir": "$here/functions/fast", "timeoutSeconds": 30, "reservedConcurrency": 64},
  {"name": "sleep1", "runtime": "provided", "handler": "sleep1",
   "codeDir": "$build/invoke/sleep1", "timeoutSeconds": 60, "reservedConcurrency": 1000,
   "environment": {"SLEEP_MS": "1000"}}
]}
EOF
bench="$build/bench/allma_invoke_bench"
runner=("$bench")  # the load generator measure() runs, with any command in front of it
: > "$results"
machine="$(nproc) cores, load $(cut -d' ' -f1-3 /proc/loadavg), open files $(ulimit -n)"
echo "run.sh: $(date -u +%FT%TZ), $machine, commit $(git -C "$repo" rev-parse --short HEAD)"

# Warms up at concurrency $2 against endpoint $1 (unmeasured), then measures, labelled $3.
warm_and_measure() {
  "$bench" --endpoint="$1" --function=invbench-dev-fast --concurrency="$2" \
    --seconds="$warmup" --warmup=0 > /dev/null
  measure "$3 c=$2" --endpoint="$1" --function=invbench-dev-fast --concurrency="$2" \
    --seconds="$seconds" --warmup=2
}
# Runs the load generator and appends its JSON line, labelled $1, to the results.
measure() {
  local label="$1"; shift
  local line
  line="$("${runner[@]}" --label="$label" "$@")"
  echo "$line" >> "$results"
  echo "  $line"
}

if uses_host; then
  start_group allma-serve "$allma" lambda serve --functions "$functions" --port 0 \
    --quiet-functions
  ours_pid=$started_pid
  ours_url="$(wait_for_line "$logs/allma-serve.log" '^http://' 30)"
  echo "ours: $ours_url (pid $ours_pid)"
fi

# 1. Node handler: ours, then the peer in each mode.
if has_part node; then
  for c in $concurrency; do
    warm_and_measure "$ours_url" "$c" ours
  done
  sls="$here/peer/node_modules/serverless/bin/serverless.js"
  for mode in $peer_modes; do
    extra=()
    [[ "$mode" == inprocess ]] && extra=(--useInProcess)
    start_group "peer-$mode" env SLS_TELEMETRY_DISABLED=1 SLS_NOTIFICATIONS_MODE=off \
      bash -c 'cd "$1" && shift && exec node "$@"' _ "$here/peer" "$sls" offline start \
      --lambdaPort 3902 --httpPort 3900 --websocketPort 3901 "${extra[@]}"
    peer_pid=$started_pid
    wait_for_line "$logs/peer-$mode.log" 'listening on http://127.0.0.1:3902' 180 > /dev/null
    echo "peer ($mode): http://127.0.0.1:3902 (pid $peer_pid)"
    for c in $concurrency; do
      warm_and_measure http://127.0.0.1:3902 "$c" "peer-$mode"
    done
    stop_group "$peer_pid"; forget_group "$peer_pid"
  done
fi

# 2. The client alone: N calls at once to sleep_server, a fresh server for each run.
# Runs load generator $2 for a burst of $3, labelled "$1 burst=$3".
client_burst() {
  local log="sleep-server-$1-$3"
  local server_cpu=() client_cpu=()
  if (( pin )); then
    server_cpu=(taskset -c "$(( $(nproc) - 1 ))")
    client_cpu=(taskset -c 0)
  fi
  start_group "$log" "${server_cpu[@]}" "$build/invoke/sleep_server" --sleep=1
  local pid=$started_pid
  local url
  url="$(wait_for_line "$logs/$log.log" '^http://' 30)"
  local runner=("${client_cpu[@]}" "$2")  # seen by measure()
  measure "$1 burst=$3" --endpoint="$url" --function=sleep1 --burst="$3" --timeout-ms=60000
  stop_group "$pid"; forget_group "$pid"
  local report
  report="$(grep -h 'sleep_server:' "$logs/$log.log" || true)"
  echo "  $report"
  python3 -c 'import json, sys; print(json.dumps(dict(label=sys.argv[1], server=sys.argv[2])))' \
    "server after $1 burst=$3" "$report" >> "$results"
}
if has_part client; then
  for n in $bursts; do
    client_burst client "$bench" "$n"
    if [[ -n "$baseline" ]]; then
      client_burst baseline "$baseline" "$n"
    fi
  done
fi

# 3. Our host, sleep1 (one invocation per process at a time), cold then warm bursts.
if has_part host; then
  for n in $host_bursts; do
    measure "host cold burst=$n" --endpoint="$ours_url" --function=sleep1 --burst="$n" \
      --timeout-ms=120000
    measure "host warm burst=$n" --endpoint="$ours_url" --function=sleep1 --burst="$n" \
      --timeout-ms=120000
    read -r host_hwm procs_rss procs < <(rss_of_tree "$ours_pid")
    echo "{\"label\":\"host memory after burst=$n\",\"host_vmhwm_kib\":$host_hwm,\"function_rss_kib\":$procs_rss,\"processes\":$procs}" |
      tee -a "$results" | sed 's/^/  /'
  done
fi
if uses_host; then
  stop_group "$ours_pid"; forget_group "$ours_pid"
fi

python3 "$here/report.py" "$results"
