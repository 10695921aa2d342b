#!/usr/bin/env bash
# Installs the invoke benchmark's peer (npm serverless@3 + serverless-offline@13) into
# bench/invoke/peer/node_modules. Idempotent: does nothing when both are already installed at
# the wanted major versions.
set -euo pipefail
peer_dir="$(cd "$(dirname "$0")/peer" && pwd)"
cd "$peer_dir"

installed_major() {
  node -e "try{console.log(require('./node_modules/$1/package.json').version.split('.')[0])}catch(e){console.log('none')}"
}

if [[ "$(installed_major serverless)" == 3 && "$(installed_major serverless-offline)" == 13 ]]; then
  echo "setup-peer: serverless $(node -p "require('./node_modules/serverless/package.json').version")," \
       "serverless-offline $(node -p "require('./node_modules/serverless-offline/package.json').version") already installed"
  exit 0
fi
echo "setup-peer: installing serverless@3 and serverless-offline@13 into $peer_dir (about a minute)"
npm install --no-audit --no-fund --loglevel=error serverless@3 serverless-offline@13
echo "setup-peer: serverless $(node -p "require('./node_modules/serverless/package.json').version")," \
     "serverless-offline $(node -p "require('./node_modules/serverless-offline/package.json').version")"
