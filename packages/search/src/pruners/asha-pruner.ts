import type { PruneDecision, PruneRequest, Pruner } from "./pruner.ts";
import { fmt } from "./median-pruner.ts";

export interface AshaPrunerOptions {
  /** First rung, in epochs (r). */
  minEpochs: number;
  /** η: a trial continues past a rung only if it is in the top 1/η there. */
  reductionFactor: number;
  /** The last rung at or below this epoch count is the last decision point. */
  maxEpochs: number;
}

/**
 * Asynchronous successive halving (Li et al., "A System for Massively Parallel Hyperparameter
 * Tuning", MLSys 2020), in its stopping form: rungs at r·η^k epochs (k = 0, 1, …, up to
 * `maxEpochs`); a trial reaching a rung continues iff its best loss so far is within the top
 * ⌊n/η⌋ of the n trials that reached that rung so far. Decisions are made as results arrive —
 * no waiting for a rung to fill. While fewer than η trials have reached a rung, only a trial that
 * is the best there continues (as Optuna's SuccessiveHalvingPruner does), so early trials set the
 * bar rather than all passing.
 */
export class AshaPruner implements Pruner {
  readonly name = "asha";
  readonly rungs: readonly number[];

  constructor(private readonly opts: AshaPrunerOptions) {
    const rungs: number[] = [];
    // The last rung is below maxEpochs: at maxEpochs the trial is finished anyway.
    for (let r = opts.minEpochs; r < opts.maxEpochs; r *= opts.reductionFactor) rungs.push(r);
    this.rungs = rungs;
  }

  decidesAt(epoch: number): boolean {
    return this.rungs.includes(epoch);
  }

  decide(req: PruneRequest): PruneDecision {
    const k = this.rungs.indexOf(req.epoch);
    if (k < 0) return { prune: false };
    if (!Number.isFinite(req.value)) return { prune: true, reason: `asha: rung ${k} (epoch ${req.epoch}): loss is not finite` };
    const values = [...req.peers.values()].filter(Number.isFinite);
    if (!req.peers.has(req.trial)) values.push(req.value);
    values.sort((a, b) => a - b);
    const keep = Math.max(1, Math.floor(values.length / this.opts.reductionFactor));
    const bar = values[keep - 1]!;
    if (req.value <= bar) return { prune: false };
    return {
      prune: true,
      reason: `asha: rung ${k} (epoch ${req.epoch}): best val loss ${fmt(req.value)} is not in the top ${keep} of ${values.length} (bar ${fmt(bar)})`,
    };
  }
}
