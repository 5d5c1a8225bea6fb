#!/usr/bin/env bash
# `npm test`: types, unit, integration inside VS Code, packaging, end-to-end in Chromium.
# Stops at the first failing level. Either way the last line totals the tests that ran (mocha's
# passing, failing and pending), and the run exits non-zero when anything failed.
set -euo pipefail
cd "$(dirname "$0")/.."
if [ -z "${REASONER_CODE_SERVER_ENTRY:-}" ]; then
  # shellcheck source=scripts/toolchain.sh
  . scripts/toolchain.sh
fi
log=$(mktemp)
level_log=$(mktemp)
# Levels that failed without mocha naming a failing test (a type error, a build or a runner that broke):
# each counts as one failure, so that the total never reads "0 failed" after a failure.
broken=0

count() { { grep -Eo "^ +[0-9]+ $1" "$2" || true; } | awk '{ sum += $1 } END { print sum + 0 }'; }

total() {
  local status=$? failed
  failed=$(( $(count failing "$log") + broken ))
  printf '\nTotal: %s passed, %s failed, %s skipped\n' "$(count passing "$log")" "$failed" "$(count pending "$log")"
  rm -f "$log" "$level_log"
  if [ "$status" -eq 0 ] && [ "$failed" -gt 0 ]; then status=1; fi
  exit "$status"
}
trap total EXIT

# One level, its output shown and kept for the total; a failing level ends the run.
level() {
  local name=$1 status=0
  shift
  printf '\n=== %s ===\n' "$name"
  "$@" 2>&1 | tee "$level_log" || status=$?
  cat "$level_log" >> "$log"
  if [ "$status" -ne 0 ]; then
    if [ "$(count failing "$level_log")" -eq 0 ]; then
      broken=$((broken + 1))
      printf '\n%s failed (exit %s) without naming a failing test: counted as one failure.\n' "$name" "$status"
    fi
    exit "$status"
  fi
}

level "Type check (tsc --noEmit, strict)" npm run --silent typecheck

level "Unit tests (mocha in Node, src/core against the gateway simulator)" npm run --silent test:unit

level "Integration tests (inside VS Code $(node -p "require('$REASONER_CODE_SERVER_ENTRY'.replace(/out\/node\/entry.js$/, 'lib/vscode/package.json')).version" 2>/dev/null || echo 1.139) via code-server)" \
  npm run --silent test:integration

level "Package (.vsix)" bash -c 'npm run --silent package && node scripts/check-vsix.js'

level "End-to-end tests (the real workbench in headless Chromium)" npm run --silent test:e2e
