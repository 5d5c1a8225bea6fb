#!/usr/bin/env bash
# Runs one test level while a CPU hog keeps every core busy: the tests must wait on events, not
# on time, so they pass on a loaded machine too.
#
#   scripts/test-under-load.sh unit|integration|e2e [mocha file for e2e]
#   REASONER_TEST_GREP='Stop aborts' scripts/test-under-load.sh integration
#   REASONER_HOGS=4 scripts/test-under-load.sh unit        # hogs: one busy loop each (default: one per core)
#
# Levels that start code-server or Chromium take /tmp/reasoner-vscode.lock first (they run one at a
# time on this machine), and the hog starts only once the lock is held, so that waiting for it loads
# no one. The hog is stopped when the level ends, fails or is interrupted; the last lines say how much
# CPU it took, to show it really ran beside the tests.
set -euo pipefail
cd "$(dirname "$0")/.."

level=${1:-}
case "$level" in
  unit | integration | e2e) ;;
  *)
    echo "usage: $0 unit|integration|e2e [e2e test file, e.g. out/test/e2e/chat.test.js]" >&2
    exit 2
    ;;
esac

lock=/tmp/reasoner-vscode.lock
if [ "$level" != unit ] && [ -z "${REASONER_LOAD_LOCKED:-}" ]; then
  echo "Waiting for $lock …"
  exec env REASONER_LOAD_LOCKED=1 flock "$lock" "$0" "$@"
fi

if [ -z "${REASONER_CODE_SERVER_ENTRY:-}" ]; then
  # shellcheck source=scripts/toolchain.sh
  . scripts/toolchain.sh
fi

hogs=${REASONER_HOGS:-$(nproc)}
pids=()
started=$(date +%s)

hog_cpu_seconds() {
  local ticks=0 pid stat
  for pid in "${pids[@]}"; do
    # utime and stime, fields 14 and 15 of /proc/PID/stat (in clock ticks)
    if stat=$(cat "/proc/$pid/stat" 2>/dev/null); then
      ticks=$((ticks + $(echo "$stat" | awk '{ print $14 + $15 }')))
    fi
  done
  echo $((ticks / $(getconf CLK_TCK)))
}

stop_hogs() {
  local status=$? used
  used=$(hog_cpu_seconds)
  for pid in "${pids[@]}"; do kill "$pid" 2>/dev/null || true; done
  wait "${pids[@]}" 2>/dev/null || true
  printf '\nUnder load: %s busy loop(s) on %s core(s) took %s CPU-seconds in %s s; the %s level exited %s.\n' \
    "$hogs" "$(nproc)" "$used" "$(($(date +%s) - started))" "$level" "$status"
  exit "$status"
}
trap stop_hogs EXIT
trap 'exit 130' INT TERM

for _ in $(seq "$hogs"); do
  bash -c 'while :; do :; done' &
  pids+=("$!")
done
echo "Started $hogs busy loop(s) (pids ${pids[*]}) beside the $level tests."

case "$level" in
  unit) npm run --silent test:unit ;;
  integration) npm run --silent test:integration ;;
  e2e)
    if [ -n "${2:-}" ]; then
      node esbuild.js --tests && npx mocha --no-config --require out/test/e2e/requestContract.js --ui tdd --timeout 180000 --enable-source-maps "$2"
    else
      npm run --silent test:e2e
    fi
    ;;
esac
