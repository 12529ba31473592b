#!/usr/bin/env bash
# The test command: installs dependencies, makes sure Redis answers (starting a private one if
# needed) and Chromium is there, then runs typecheck, lint, unit tests, integration tests against
# the real Redis, and the end-to-end tests with real worker processes and a real browser.
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/lib.sh
ensure_deps

redis_state=$(bash scripts/ensure-redis.sh)
cleanup() {
  if [ "$redis_state" = started ] && [ -f .hyperq/redis.pid ]; then
    kill "$(cat .hyperq/redis.pid)" 2>/dev/null || true
  fi
}
trap cleanup EXIT

chromium=$(bash scripts/ensure-chromium.sh || true)
if [ -n "$chromium" ]; then export CHROMIUM_PATH="$chromium"; fi

echo "==> typecheck" >&2
pnpm_cmd run -s typecheck
echo "==> lint" >&2
pnpm_cmd run -s lint
echo "==> tests" >&2
pnpm_cmd exec vitest run "$@"
