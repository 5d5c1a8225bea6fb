#!/usr/bin/env bash
# Sets up everything (scripts/setup.sh), then opens the sandbox: VS Code in the
# browser with the freshly built Reasoner, talking to the gateway simulator.
# Pass "--gateway real" to use the real AI/ML API gateway instead.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
# shellcheck source=scripts/toolchain.sh
. scripts/toolchain.sh 2>/dev/null
node esbuild.js --tests
exec node out/test/harness/try-it.js "$@"
