#!/usr/bin/env bash
# `npm test`: types, unit, integration inside VS Code, end-to-end in Chromium, packaging.
# Stops at the first failing level and exits non-zero.
set -euo pipefail
cd "$(dirname "$0")/.."
if [ -z "${REASONER_CODE_SERVER_ENTRY:-}" ]; then
  # shellcheck source=scripts/toolchain.sh
  . scripts/toolchain.sh
fi
step() { printf '\n=== %s ===\n' "$*"; }
log=$(mktemp)
trap 'rm -f "$log"' EXIT
# Each suite's output also goes to $log, so the last line can total what ran.
run() { "$@" 2>&1 | tee -a "$log"; }

step "Type check (tsc --noEmit, strict)"
npm run --silent typecheck

step "Unit tests (mocha in Node, src/core against the gateway simulator)"
run npm run --silent test:unit

step "Integration tests (inside VS Code $(node -p "require('$REASONER_CODE_SERVER_ENTRY'.replace(/out\/node\/entry.js$/, 'lib/vscode/package.json')).version" 2>/dev/null || echo 1.139) via code-server)"
run npm run --silent test:integration

step "Package (.vsix)"
npm run --silent package
node scripts/check-vsix.js

step "End-to-end tests (the real workbench in headless Chromium)"
run npm run --silent test:e2e

count() { { grep -Eo "^ +[0-9]+ $1" "$log" || true; } | awk '{ sum += $1 } END { print sum + 0 }'; }
passed=$(count passing)
failed=$(count failing)
printf '\nTotal: %s passed, %s failed\n' "$passed" "$failed"
