#!/usr/bin/env bash
# Builds allma_invoke_bench with the Lambda client of an older commit, for run.sh --baseline:
# src/aws/lambda_client.cc of COMMIT is compiled with the flags BUILD_DIR uses for today's, and
# linked ahead of BUILD_DIR's liballma_aws.a into today's load generator, so only the client
# differs. COMMIT's lambda_client.cc must build against today's headers.
#
# Usage: bench/invoke/build-baseline.sh COMMIT BUILD_DIR OUT
#   e.g. bench/invoke/build-baseline.sh 0217ac3 build/client-bench /tmp/baseline/allma_invoke_bench
set -euo pipefail
if (( $# != 3 )); then
  echo "usage: $0 COMMIT BUILD_DIR OUT" >&2
  exit 2
fi
repo="$(cd "$(dirname "$0")/../.." && pwd)"
commit="$1"
build="$(realpath "$2")"
out="$(realpath -m "$3")"
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT

ninja -C "$build" -j2 -l 3 allma_invoke_bench > /dev/null
git -C "$repo" show "$commit:src/aws/lambda_client.cc" > "$work/lambda_client.cc"

# Today's compile command for lambda_client.cc, pointed at the old source.
# (awk reads to the end: a reader that stops early would fail the pipe under pipefail)
compile="$(ninja -C "$build" -t commands src/aws/liballma_aws.a |
  awk '/ -c .*lambda_client\.cc$/ && !seen { print; seen = 1 }')"
compile="$(sed -E -e "s| -MD -MT [^ ]+ -MF [^ ]+||" \
  -e "s| -o [^ ]+lambda_client\.cc\.o| -o $work/lc.o|" \
  -e "s| -c [^ ]+lambda_client\.cc$| -I$repo/src -c $work/lambda_client.cc|" <<< "$compile")"
(cd "$build" && eval "$compile")

# Today's link command, with the old object first and the output renamed.
link="$(ninja -C "$build" -t commands bench/allma_invoke_bench | tail -1)"
link="$(sed -E -e "s|(invoke_bench\.cc\.o)|\1 $work/lc.o|" \
  -e "s| -o bench/allma_invoke_bench| -o $out|" <<< "$link")"
mkdir -p "$(dirname "$out")"
(cd "$build" && eval "$link")
echo "build-baseline: $out (client of $(git -C "$repo" rev-parse --short "$commit"))"
