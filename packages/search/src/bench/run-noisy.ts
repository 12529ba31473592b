import type { ParamAssignment } from "@hyperq/protocol";
import type { Sampler, TrialView } from "../sampler.ts";
import { recommend } from "../recommend.ts";
import type { BenchObjective } from "./functions.ts";
import { noiseDraw } from "./noise.ts";

export interface NoisyRunOptions {
  budget: number;
  seed: number;
  /** Standard deviation of the Gaussian noise added to each observation (0: none). */
  noiseSd: number;
  /** Suggestions kept outstanding (async mode); 0 or 1 = sequential. @defaultValue 1 */
  pending?: number;
  /** Clock for timing `ask`; the bench passes `performance.now`. */
  now: () => number;
}

export interface NoisyRunResult {
  /** The configuration the sampler recommends after the budget (see `recommend`). */
  recommended: ParamAssignment | undefined;
  /** True (noiseless) value of the recommendation minus the known minimum. */
  regret: number;
  /** True value of the best *observed* trial minus the minimum (what a user picking by observed value gets). */
  bestObservedRegret: number;
  /** Milliseconds of each `ask`, one per ask. */
  askMs: number[];
  notes: string[];
}

/**
 * Runs `sampler` for `budget` trials, each observed as the objective's value plus Gaussian noise
 * (`noiseDraw`), then asks it for its recommendation and scores it by its TRUE value, so a lucky
 * draw does not count. With `pending = k > 1`, k trials are always outstanding (first in, first
 * out), as in `runSampler`.
 */
export function runNoisy(sampler: Sampler, objective: BenchObjective, o: NoisyRunOptions): NoisyRunResult {
  const k = Math.max(1, o.pending ?? 1);
  const trials: TrialView[] = [];
  const askMs: number[] = [];
  const notes: string[] = [];
  const queue: TrialView[] = [];
  const ask = (count: number): void => {
    const numbers = Array.from({ length: count }, (_, i) => trials.length + i);
    const t0 = o.now();
    const r = sampler.ask({ space: objective.space, trials, seed: o.seed, trialNumbers: numbers, budget: o.budget });
    askMs.push(o.now() - t0);
    notes.push(...r.notes);
    r.suggestions.forEach((params, i) => {
      const t: TrialView = { number: numbers[i] as number, state: "running", params };
      trials.push(t);
      queue.push(t);
    });
  };
  ask(Math.min(k, o.budget));
  let best: { observed: number; truth: number } | undefined;
  while (queue.length > 0) {
    const t = queue.shift() as TrialView;
    const truth = objective.evaluate(t.params);
    t.value = truth + noiseDraw(o.seed, t.number, o.noiseSd);
    t.state = "complete";
    if (!best || t.value < best.observed) best = { observed: t.value, truth };
    if (trials.length < o.budget) ask(1);
  }
  const recommended = recommend(sampler, { space: objective.space, trials, seed: o.seed });
  const regret = recommended ? objective.evaluate(recommended) - objective.minimum : NaN;
  return { recommended, regret, bestObservedRegret: best ? best.truth - objective.minimum : NaN, askMs, notes };
}
