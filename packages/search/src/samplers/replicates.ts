import type { TrialView } from "../sampler.ts";
import type { Surrogate } from "../gp/surrogate.ts";
import type { SearchSpaceTransform } from "../transform.ts";
import { configKey } from "../transform.ts";
import { observedValue } from "./history.ts";

/** When the GP sampler evaluates a configuration again (see `GpSamplerOptions.replicates`). */
export interface ReplicatePolicy {
  /** Evaluations a configuration may get in all; below 2 there are no re-evaluations. */
  maxReplicates: number;
  /** Re-evaluations stay at most this fraction of the trials asked so far (this one included). */
  maxShare: number;
  /** The fitted noise variance must be at least this fraction of the variance of the modelled values. */
  minNoiseShare: number;
}

/**
 * The share of the observed spread the model ascribes to noise: its noise variance over the
 * variance of the (warped, standardized) values it was fitted to. 0 when fewer than two values.
 */
export function noiseShare(m: Surrogate): number {
  const n = m.nObserved;
  if (n < 2) return 0;
  let mean = 0;
  for (let i = 0; i < n; i++) mean += m.z[i] as number;
  mean /= n;
  let ss = 0;
  for (let i = 0; i < n; i++) ss += ((m.z[i] as number) - mean) ** 2;
  const variance = ss / (n - 1);
  return variance > 0 ? m.hyper.noiseVar / variance : 0;
}

/**
 * Whether two finished evaluations of one configuration gave the same finite value (to 1e-12
 * relative): the objective is then deterministic, and a re-evaluation would teach nothing.
 */
export function hasExactReplicate(history: readonly TrialView[]): boolean {
  const first = new Map<string, number>();
  for (const t of history) {
    const v = observedValue(t);
    if (typeof v !== "number") continue;
    const key = configKey(t.params);
    const prev = first.get(key);
    if (prev === undefined) first.set(key, v);
    else if (Math.abs(prev - v) <= 1e-12 * Math.max(1, Math.abs(prev))) return true;
  }
  return false;
}

/** Trials of `history` (pending ones included) that repeat an earlier trial's configuration. */
export function countRepeats(history: readonly TrialView[]): number {
  return history.length - new Set(history.map((t) => configKey(t.params))).size;
}

/**
 * The unit-box point to evaluate again, or undefined: the sweep's own configuration (`trials`:
 * its trials, pending ones and earlier suggestions of the ask included; warm-start observations
 * are never run) with the lowest posterior mean, when the model ascribes at least
 * `minNoiseShare` of the spread to noise, that configuration has had fewer than `maxReplicates`
 * evaluations, one more re-evaluation stays within `maxShare` of `trials.length + 1`, and no
 * configuration was evaluated twice with the very same result.
 */
export function replicateTarget(m: Surrogate, trials: readonly TrialView[], tf: SearchSpaceTransform, policy: ReplicatePolicy): Float64Array | undefined {
  if (policy.maxReplicates < 2 || policy.maxShare <= 0) return undefined;
  if (countRepeats(trials) + 1 > policy.maxShare * (trials.length + 1)) return undefined;
  if (noiseShare(m) < policy.minNoiseShare) return undefined;
  if (hasExactReplicate(trials)) return undefined;
  const counts = new Map<string, number>();
  for (const t of trials) {
    const key = configKey(t.params);
    counts.set(key, (counts.get(key) ?? 0) + 1);
  }
  let best: { x: Float64Array; key: string; mean: number } | undefined;
  for (let i = 0; i < m.nObserved; i++) {
    const x = Float64Array.from(m.X[i] as number[]);
    const key = configKey(tf.decode(x));
    if (!counts.has(key)) continue;
    const mean = m.gp.predict(x).mean;
    if (!best || mean < best.mean) best = { x, key, mean };
  }
  return best && (counts.get(best.key) as number) < policy.maxReplicates ? best.x : undefined;
}
