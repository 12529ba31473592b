#!/usr/bin/env bash
# Starts N worker processes on this machine (default: one per core) against REDIS_URL and keeps
# them until Ctrl-C, which stops them gracefully. Logs: .hyperq/logs/worker-<i>.log.
#   scripts/scale-workers.sh 4
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/lib.sh
ensure_deps
n="${1:-$(nproc 2>/dev/null || echo 2)}"
if ! [[ "$n" =~ ^[1-9][0-9]*$ ]]; then echo "usage: scripts/scale-workers.sh N   (N: a positive integer, got '$n')" >&2; exit 2; fi
mkdir -p .hyperq/logs
pids=()
stop() {
  echo "stopping ${#pids[@]} workers..." >&2
  kill -TERM "${pids[@]}" 2>/dev/null || true
  wait "${pids[@]}" 2>/dev/null || true
}
trap stop INT TERM
for i in $(seq 1 "$n"); do
  node --import tsx apps/cli/src/main.ts worker >".hyperq/logs/worker-$i.log" 2>&1 &
  pids+=($!)
done
echo "started $n workers (pids ${pids[*]}); logs in .hyperq/logs/; Ctrl-C stops them" >&2
wait "${pids[@]}"
