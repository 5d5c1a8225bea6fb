#!/usr/bin/env bash
# `npm run bench`: from a fresh clone too. Installs what is missing (the toolchain: Node, Chromium and
# code-server, cached; node_modules), builds the production bundles and the .vsix, then runs the
# benchmarks while no other run drives code-server or Chromium on this machine (the lock).
# Arguments pass through: `npm run bench -- client` runs one part (and prints it without writing
# bench/results.json, which only ever holds one full run).
set -euo pipefail
cd "$(dirname "$0")/.."
# shellcheck source=scripts/toolchain.sh
. scripts/toolchain.sh
if [ ! -d node_modules ] || [ package-lock.json -nt node_modules/.package-lock.json ]; then
  npm ci --no-audit --no-fund --loglevel=error
fi
node esbuild.js --production --tests
npm run --silent package >/dev/null
exec flock /tmp/reasoner-vscode.lock node out/bench/run.js "$@"
