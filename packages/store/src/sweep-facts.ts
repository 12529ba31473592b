import type { TrialState } from "@hyperq/protocol";
import type { WorkerInfo } from "./sweep-store.ts";

/** A sweep's trials counted by state (`SweepRecord.counts`). */
export type TrialCounts = Readonly<Record<TrialState, number>>;

/** Trials that are done for good: complete + pruned + failed (they never change again). */
export function finishedCount(counts: TrialCounts): number {
  return counts.complete + counts.pruned + counts.failed;
}

/** Trials in flight: waiting for a worker or running on one. */
export function inFlightCount(counts: TrialCounts): number {
  return counts.waiting + counts.running;
}

/**
 * A worker whose last heartbeat is older than this is dead (workers beat every 5 s by default, so
 * this is three missed beats). The CLI's `workers` table, the dashboard and its metrics all use it.
 */
export const WORKER_ALIVE_MS = 15_000;

/** Whether a worker's last heartbeat is recent enough (at most `aliveMs` old at `now`). */
export function isWorkerAlive(worker: Pick<WorkerInfo, "seenAt">, now = Date.now(), aliveMs = WORKER_ALIVE_MS): boolean {
  return now - worker.seenAt <= aliveMs;
}
