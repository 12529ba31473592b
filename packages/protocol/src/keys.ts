/**
 * Names shared by every process: the queue, job ids and the Redis key layout. One prefix isolates a
 * deployment (or a test): every key HyperQ writes, BullMQ's included, starts with it.
 */

/** @defaultValue "hq" */
export const DEFAULT_KEY_PREFIX = "hq";

/** The BullMQ queue every trial goes through. */
export const TRIALS_QUEUE = "trials";

/**
 * A trial's job id: deterministic, so enqueueing the same trial twice is a no-op. BullMQ refuses
 * `:` in custom ids (it namespaces its own keys with it), hence `#`.
 */
export function trialJobId(sweepId: string, trialNumber: number): string {
  return `${sweepId}#${trialNumber}`;
}

export function parseTrialJobId(jobId: string): { sweepId: string; trialNumber: number } | undefined {
  const i = jobId.lastIndexOf("#");
  if (i <= 0) return undefined;
  const n = Number(jobId.slice(i + 1));
  return Number.isInteger(n) && n >= 0 ? { sweepId: jobId.slice(0, i), trialNumber: n } : undefined;
}

/** A sweep id: lowercase letters, digits and dashes (no `#`, no `:`). */
export const SWEEP_ID_PATTERN = /^[a-z0-9][a-z0-9-]{0,80}$/;

/** The BullMQ `prefix` option for a key prefix. */
export function bullPrefix(keyPrefix: string): string {
  return `${keyPrefix}:bull`;
}

/** The Redis key layout. The store owns the writes; others only read through the store. */
export function redisKeys(prefix: string) {
  return {
    /** zset: sweep id → created-at ms. */
    sweeps: `${prefix}:sweeps`,
    /** hash: the sweep record (spec JSON, state, counters, best). */
    sweep: (id: string) => `${prefix}:sweep:${id}`,
    /** zset: trial number → trial number, every trial of a sweep. */
    trialIndex: (id: string) => `${prefix}:sweep:${id}:trials`,
    /** zset: trial number → rank score (complete by val loss, then pruned). */
    leaderboard: (id: string) => `${prefix}:sweep:${id}:lb`,
    /** hash: one trial. */
    trial: (id: string, n: number) => `${prefix}:trial:${id}:${n}`,
    /** What every trial hash of a sweep starts with (the trial number follows), for scripts that walk them. */
    trialKeyPrefix: (id: string) => `${prefix}:trial:${id}:`,
    /** list: one trial's epoch reports as JSON. */
    epochs: (id: string, n: number) => `${prefix}:trial:${id}:${n}:epochs`,
    /** string: a running trial's last training checkpoint (binary), deleted when it ends. */
    checkpoint: (id: string, n: number) => `${prefix}:trial:${id}:${n}:checkpoint`,
    /** Prefix of the per-epoch hashes `${rungs}:${epoch}`: trial → best val loss up to that epoch (for pruners). */
    rungs: (id: string) => `${prefix}:sweep:${id}:rungs`,
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
