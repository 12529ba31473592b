/**
 * Names shared by every process: the key prefix, the queue and job ids. One prefix isolates a
 * deployment (or a test): every key HyperQ writes, BullMQ's included, starts with it. The layout of
 * HyperQ's own keys belongs to `@hyperq/store` (`redisKeys`), the only package that writes them.
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
