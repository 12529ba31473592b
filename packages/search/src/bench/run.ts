import type { ParamAssignment } from "@hyperq/protocol";
import type { Observation, Sampler, TrialView } from "../sampler.ts";
import type { BenchObjective } from "./functions.ts";

/** One optimization run of a sampler on an objective. */
export interface RunResult {
  /** Best-so-far regret after each trial (length = trials run). */
  regret: number[];
  /** Milliseconds of each `ask`, one per ask. */
  askMs: number[];
  /** Suggestions that repeated a configuration of the history. */
  duplicates: number;
  notes: string[];
  /** The trials run, complete with their values. */
  trials: TrialView[];
}

export interface RunOptions {
  budget: number;
  seed: number;
  /** Suggestions kept outstanding (async mode); 0 or 1 = sequential. @defaultValue 1 */
  pending?: number;
  /** Clock for timing `ask`; the bench passes `performance.now`. */
  now: () => number;
  /** A warm start: results known before the first trial (regret counts the run's own trials only). */
  observations?: readonly Observation[];
}

/**
 * Runs `sampler` for `budget` trials. With `pending = k > 1`, k trials are always outstanding:
 * after the first k are asked, each new ask happens when the oldest outstanding trial completes
 * (first in, first out), like k workers of equal speed.
 */
export function runSampler(sampler: Sampler, objective: BenchObjective, o: RunOptions): RunResult {
  const k = Math.max(1, o.pending ?? 1);
  const trials: TrialView[] = [];
  const regret: number[] = [];
  const askMs: number[] = [];
  const notes: string[] = [];
  const seen = new Set<string>();
  let duplicates = 0;
  let best = Infinity;
  const queue: TrialView[] = [];
  const ask = (count: number): void => {
    const numbers = Array.from({ length: count }, (_, i) => trials.length + i);
    const t0 = o.now();
    const r = sampler.ask({ space: objective.space, trials, seed: o.seed, trialNumbers: numbers, budget: o.budget, ...(o.observations ? { observations: o.observations } : {}) });
    askMs.push(o.now() - t0);
    notes.push(...r.notes);
    r.suggestions.forEach((params: ParamAssignment, i) => {
      const key = JSON.stringify(Object.entries(params).sort());
      if (seen.has(key)) duplicates++;
      seen.add(key);
      const t: TrialView = { number: numbers[i] as number, state: "running", params };
      trials.push(t);
      queue.push(t);
    });
  };
  ask(Math.min(k, o.budget));
  while (queue.length > 0) {
    const t = queue.shift() as TrialView;
    t.value = objective.evaluate(t.params);
    t.state = "complete";
    best = Math.min(best, t.value);
    regret.push(best - objective.minimum);
    if (trials.length < o.budget) ask(1);
  }
  return { regret, askMs, duplicates, notes, trials };
}
