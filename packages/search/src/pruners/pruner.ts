import type { PrunerSpec } from "@hyperq/protocol";

/**
 * What a pruner sees when trial `trial` reports epoch `epoch`: its best validation loss up to that
 * epoch, and the same figure for every trial that reached that epoch (itself included), read from
 * the store's rungs. Pruners are pure: the same input gives the same decision, whatever order
 * results arrived in.
 */
export interface PruneRequest {
  trial: number;
  /** 1-based epoch just reported. */
  epoch: number;
  /** Best validation loss of `trial` up to `epoch` (minimized). */
  value: number;
  /** Best-so-far value at `epoch` of every trial that reached it, `trial` included. */
  peers: ReadonlyMap<number, number>;
}

export interface PruneDecision {
  prune: boolean;
  /** Why, in words a user reads on the dashboard (e.g. "asha: rung 3 (epoch 9), not in the top 1/3"). */
  reason?: string;
}

/** Early stopping of unpromising trials, decided on each epoch report. */
export interface Pruner {
  readonly name: string;
  /** Epochs at which this pruner may decide; a report at another epoch always continues. */
  decidesAt(epoch: number): boolean;
  decide(req: PruneRequest): PruneDecision;
}

export type PrunerFactoryInput = PrunerSpec;
