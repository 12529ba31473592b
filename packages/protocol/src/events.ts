import type { SweepState, TrialState, EpochReport } from "./trial.ts";

/**
 * Everything that happens, in order, on one Redis stream. The coordinator wakes on it, the dashboard
 * streams it to browsers over SSE. Events are notifications: the store's records stay the truth.
 */
export type HyperqEvent =
  | { type: "sweep.created"; sweepId: string; at: number }
  | { type: "sweep.state"; sweepId: string; at: number; state: SweepState }
  /** The sweep's budget was raised (or lowered, never below the trials created) from `previous`. */
  | { type: "sweep.extended"; sweepId: string; at: number; budget: number; previous: number }
  | { type: "trial.created"; sweepId: string; trial: number; at: number }
  | { type: "trial.started"; sweepId: string; trial: number; at: number; workerId: string; attempt: number }
  | { type: "trial.epoch"; sweepId: string; trial: number; at: number; report: EpochReport }
  | { type: "trial.finished"; sweepId: string; trial: number; at: number; state: TrialState; valLoss?: number; reason?: string }
  /** A sampler could not do what was asked (e.g. the GP could not be fitted) and says what it did. */
  | { type: "sampler.warning"; sweepId: string; at: number; message: string }
  /** The coordinator asked the sampler for `trials` suggestions and got them after `askMs` (for /metrics). */
  | { type: "sampler.asked"; sweepId: string; at: number; method: string; trials: number; askMs: number };

export type HyperqEventType = HyperqEvent["type"];

/** An event with its stream id (monotonic; usable as an SSE `id`). */
export type StoredEvent = HyperqEvent & { id: string };
