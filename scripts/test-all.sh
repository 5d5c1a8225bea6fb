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

step "Type check (tsc --noEmit, strict)"
npm run --silent typecheck

step "Unit tests (mocha in Node, src/core against the gateway simulator)"
npm run --silent test:unit

step "Integration tests (inside VS Code $(node -p "require('$REASONER_CODE_SERVER_ENTRY'.replace(/out\/node\/entry.js$/, 'lib/vscode/package.json')).version" 2>/dev/null || echo 1.139) via code-server)"
npm run --silent test:integration

step "Package (.vsix)"
npm run --silent package
node scripts/check-vsix.js

step "End-to-end tests (the real workbench in headless Chromium)"
npm run --silent test:e2e
