#!/usr/bin/env bash
# Sets up a fresh Debian machine to build, try and test Reasoner, then builds
# the extension and its .vsix. Safe to run again: each step is cached.
set -euo pipefail
cd "$(dirname "$0")/.."
# shellcheck source=scripts/toolchain.sh
. scripts/toolchain.sh
if [ ! -d node_modules ] || [ package-lock.json -nt node_modules/.package-lock.json ]; then
  npm ci --no-audit --no-fund --loglevel=error
fi
npm run --silent compile
npm run --silent package >/dev/null
echo "[setup] built $(ls reasoner-*.vsix)"
