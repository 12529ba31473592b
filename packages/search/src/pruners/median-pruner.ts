import type { PruneDecision, PruneRequest, Pruner } from "./pruner.ts";

export interface MedianPrunerOptions {
  /** Epochs before any trial may be pruned. */
  warmupEpochs: number;
  /** Other trials that must have reached the epoch before comparing. */
  minTrials: number;
}

/**
 * Optuna's MedianPruner rule: after the warm-up, stop a trial whose best value so far is worse
 * than the median of the other trials' best values at the same epoch.
 */
export class MedianPruner implements Pruner {
  readonly name = "median";
  constructor(private readonly opts: MedianPrunerOptions) {}

  decidesAt(epoch: number): boolean {
    return epoch > this.opts.warmupEpochs;
  }

  decide(req: PruneRequest): PruneDecision {
    if (!this.decidesAt(req.epoch) || !Number.isFinite(req.value)) return { prune: false };
    const others: number[] = [];
    for (const [t, v] of req.peers) if (t !== req.trial && Number.isFinite(v)) others.push(v);
    if (others.length < this.opts.minTrials) return { prune: false };
    const m = median(others);
    return req.value > m
      ? { prune: true, reason: `median: best val loss ${fmt(req.value)} at epoch ${req.epoch} is worse than the median ${fmt(m)} of ${others.length} trials` }
      : { prune: false };
  }
}

export function median(values: readonly number[]): number {
  const s = [...values].sort((a, b) => a - b);
  const mid = s.length >> 1;
  return s.length % 2 ? s[mid]! : (s[mid - 1]! + s[mid]!) / 2;
}

export function fmt(v: number): string {
  return Number(v.toPrecision(4)).toString();
}
