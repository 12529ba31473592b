import { bullPrefix } from "@hyperq/protocol";

/**
 * The Redis key layout of HyperQ's own keys (BullMQ keeps its own under `bullPrefix`). Only the store
 * writes these keys; other code (tests, fault kits) names them through `redisKeys` so the layout
 * lives here and nowhere else, as BullMQ's `queue-keys.ts` does for its queues.
 *
 * ```ts
 * const k = redisKeys("hq");
 * k.trial("demo", 3); // "hq:trial:demo:3"
 * ```
 */
export function redisKeys(prefix: string) {
  const leaderboard = (id: string) => `${prefix}:sweep:${id}:lb`;
  const rungs = (id: string) => `${prefix}:sweep:${id}:rungs`;
  return {
    /** What BullMQ's keys start with (its queue's layout is BullMQ's own). */
    bull: `${bullPrefix(prefix)}:`,
    /** zset: sweep id → created-at ms. */
    sweeps: `${prefix}:sweeps`,
    /** hash: the sweep record (spec JSON, state, counters, best). */
    sweep: (id: string) => `${prefix}:sweep:${id}`,
    /** zset: trial number → trial number, every trial of a sweep. */
    trialIndex: (id: string) => `${prefix}:sweep:${id}:trials`,
    /** zset: trial number → val loss, the complete trials (best first). */
    leaderboard,
    /** zset: trial number → best val loss before it stopped, the pruned trials (ranked after the complete ones). */
    prunedBoard: (id: string) => `${leaderboard(id)}:pruned`,
    /** hash: one trial. */
    trial: (id: string, n: number) => `${prefix}:trial:${id}:${n}`,
    /** What every trial hash of a sweep starts with (the trial number follows), for scripts that walk them. */
    trialKeyPrefix: (id: string) => `${prefix}:trial:${id}:`,
    /** list: one trial's epoch reports as JSON. */
    epochs: (id: string, n: number) => `${prefix}:trial:${id}:${n}:epochs`,
    /** string: a running trial's last training checkpoint (binary), deleted when it ends. */
    checkpoint: (id: string, n: number) => `${prefix}:trial:${id}:${n}:checkpoint`,
    /** Prefix of the per-epoch rung hashes (`rung` names one), for scripts that walk them. */
    rungs,
    /** hash: trial → best val loss up to that epoch (for pruners), one per epoch. */
    rung: (id: string, epoch: number) => `${rungs(id)}:${epoch}`,
    /** zset: trial number → val loss, the trials whose models are kept (at most `keepModels`). */
    models: (id: string) => `${prefix}:sweep:${id}:models`,
    /** hash: `${n}:manifest` → model manifest JSON, `${n}:weights` → float32 little-endian bytes. */
    modelData: (id: string) => `${prefix}:sweep:${id}:model-data`,
    /** string with TTL: which coordinator drives a sweep. */
    lease: (id: string) => `${prefix}:sweep:${id}:lease`,
    /** set: ids of running and paused sweeps. */
    active: `${prefix}:active`,
    /** stream: every event. */
    events: `${prefix}:events`,
    /** hash: worker id → JSON announcement. */
    workers: `${prefix}:workers`,
    /** set: ids of workers asked to stop (each reads it with its heartbeat). */
    workerStops: `${prefix}:worker-stops`,
    /** string: a warm-started sweep's observations (JSON), written with the sweep. */
    observations: (id: string) => `${prefix}:sweep:${id}:observations`,
    /** string: a dataset file's bytes by sha256. */
    blob: (hash: string) => `${prefix}:blob:${hash}`,
    /** set: ids of the sweeps that use a blob; the blob goes when its last sweep is deleted. */
    blobRefs: (hash: string) => `${prefix}:blob:${hash}:refs`,
  };
}
export type RedisKeys = ReturnType<typeof redisKeys>;
