#!/usr/bin/env bash
# The main job: a real demo sweep end to end. Installs dependencies, makes sure Redis answers
# (starting a private one if needed), starts a coordinator, two workers and the dashboard,
# launches examples/demo.yaml, shows progress, prints the leaderboard and the dashboard's URL.
# Ctrl-C stops everything it started. Pass another spec as the first argument; --exit to stop
# as soon as the sweep ends.
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/lib.sh
ensure_deps
redis_state=$(bash scripts/ensure-redis.sh)
export HYPERQ_DEMO_STOP_REDIS=$([ "$redis_state" = started ] && echo 1 || echo 0)
exec node --import tsx scripts/demo.ts "$@"
