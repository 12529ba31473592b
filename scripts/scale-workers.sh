#!/usr/bin/env bash
# Starts N worker processes on this machine (default: one per core) against REDIS_URL and keeps
# them until Ctrl-C. Extra arguments go to every worker (e.g. --concurrency 2 --backend wasm).
#   scripts/scale-workers.sh 4
#   REDIS_URL=redis://:password@redis-host:6379 scripts/scale-workers.sh 8 --concurrency 1
# Ctrl-C (or SIGTERM): each worker stops taking trials and finishes its running one within
# HYPERQ_GRACE_S (default 30 s); a second Ctrl-C hands running trials back to the queue at once.
# A worker that dies is not restarted (its trial is re-run by the others). Logs: .hyperq/logs/worker-<i>.log.
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/lib.sh
ensure_deps
n="${1:-$(nproc 2>/dev/null || echo 2)}"
if ! [[ "$n" =~ ^[1-9][0-9]*$ ]]; then echo "usage: scripts/scale-workers.sh N [worker options]   (N: a positive integer, got '$n')" >&2; exit 2; fi
shift || true
mkdir -p .hyperq/logs
# Each worker in its own process group: a Ctrl-C in this terminal reaches this script only, which
# forwards exactly one SIGTERM per Ctrl-C (a worker treats a second signal as "stop now").
set -m
pids=()
signals=0
stop() {
  signals=$((signals + 1))
  if [ "$signals" -eq 1 ]; then
    echo "stopping ${#pids[@]} workers: running trials finish (Ctrl-C again to hand them back at once)..." >&2
  else
    echo "handing running trials back and stopping now..." >&2
  fi
  kill -TERM "${pids[@]}" 2>/dev/null || true
}
trap stop INT TERM
for i in $(seq 1 "$n"); do
  node --import tsx apps/cli/src/main.ts worker "$@" >".hyperq/logs/worker-$i.log" 2>&1 &
  pids+=($!)
done
echo "started $n workers (pids ${pids[*]}); logs in .hyperq/logs/; Ctrl-C stops them" >&2
# `wait` returns early when a trapped signal arrives: keep waiting until every worker is gone.
for pid in "${pids[@]}"; do
  while kill -0 "$pid" 2>/dev/null; do wait "$pid" 2>/dev/null || true; done
done
echo "all workers stopped" >&2
