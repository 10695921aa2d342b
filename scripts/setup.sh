#!/usr/bin/env bash
# Installs everything allma's build and tests need on Debian 12. Idempotent: when every package
# is already present it does nothing and prints nothing.
set -euo pipefail
cd "$(dirname "$0")/.."

apt_packages=(
  cmake ninja-build ccache mold g++ clang lld libclang-rt-14-dev pkg-config
  libboost1.81-dev libboost-json1.81-dev libboost-url1.81-dev
  libcurl4-openssl-dev libssl-dev libsqlite3-dev libsqlitecpp-dev libpqxx-dev libpq-dev
  libcli11-dev libspdlog-dev libfmt-dev libgtest-dev libgmock-dev libbenchmark-dev uuid-dev
  autoconf automake libtool make python3 curl openssl
)

missing=()
for p in "${apt_packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if [ ${#missing[@]} -gt 0 ]; then
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq
  apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi

# Node packages: the reference implementations for differential tests, and the Node.js runtime
# interface client the local function host uses for `nodejs` functions.
if [ ! -f tools/node/node_modules/.allma-installed ] ||
   [ tools/node/package.json -nt tools/node/node_modules/.allma-installed ]; then
  (cd tools/node && npm install --no-audit --no-fund --loglevel=error >/dev/null)
  touch tools/node/node_modules/.allma-installed
fi
