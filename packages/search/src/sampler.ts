import type { ParamAssignment, SearchSpace, TrialState } from "@hyperq/protocol";

/**
 * A trial as a sampler sees it, finished and pending alike.
 *
 * How each state enters a sampler:
 * - `waiting`, `running`: pending. Their configuration is taken (not suggested again, except by
 *   the GP's re-evaluation of a promising configuration under noise, `GpSamplerOptions.replicates`);
 *   the GP adds them as fantasies (kriging believer).
 * - `complete`: observed with `value`. A non-finite value (NaN, ±Infinity: a diverged training)
 *   is treated like `failed`.
 * - `failed`: its configuration is taken; the GP counts it as observed at the worst finite value
 *   seen, so it steers away without breaking the fit.
 * - `pruned`: observed at `intermediate` when that is finite (the best value it reached before it
 *   was stopped), otherwise like `failed`.
 */
export interface TrialView {
  number: number;
  state: TrialState;
  params: ParamAssignment;
  /** Objective (validation loss, minimized) when complete; may be NaN/Infinity for diverged. */
  value?: number;
  /** Best intermediate value (e.g. for pruned trials). */
  intermediate?: number;
}

/**
 * A result learned elsewhere — another sweep's finished trial, its parameters fitted to this
 * space (a warm start): part of the history like a complete trial, never suggested again, never run.
 */
export interface Observation {
  params: ParamAssignment;
  /** The objective it reached (finite). */
  value: number;
}

export interface AskRequest {
  space: SearchSpace;
  /** The whole history of the sweep, pending trials included. */
  trials: readonly TrialView[];
  /** Sweep seed. */
  seed: number;
  /** Numbers the new trials will get: one suggestion per number, in order. */
  trialNumbers: readonly number[];
  /** Total trials of the sweep. */
  budget: number;
  /** Observations from elsewhere (a warm start), seen before every trial. @defaultValue none */
  observations?: readonly Observation[];
}

export interface AskResult {
  /** Same length as `trialNumbers`, shorter only when the space is exhausted. */
  suggestions: ParamAssignment[];
  /** Human-readable warnings (e.g. "GP fit failed: …; used …"): never a silent fallback. */
  notes: string[];
}

/** What a sampler's recommendation is computed from: the space, the history (observations included) and the sweep seed. */
export type RecommendRequest = Pick<AskRequest, "space" | "trials" | "seed" | "observations">;

/** A search strategy: a pure function of the request (no clock, no I/O, no hidden state). */
export interface Sampler {
  readonly name: string;
  ask(req: AskRequest): AskResult;
  /**
   * The finished configuration the sampler would hand to a user as the answer, when it has a
   * better notion than "the best value observed" (the GP: the lowest posterior mean, which
   * discounts a lucky draw of a noisy objective). Absent: the best observed (`bestObserved`).
   */
  recommend?(req: RecommendRequest): ParamAssignment | undefined;
}
