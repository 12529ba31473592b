import { describe, expect, it } from "vitest";
import { branin, hartmann6, rosenbrock4, type BenchObjective } from "../bench/functions.ts";
import { functionRange, noiseDraw } from "../bench/noise.ts";
import { runSampler } from "../bench/run.ts";
import type { TrialView } from "../sampler.ts";
import { configKey } from "../transform.ts";
import { GpSampler } from "./gp-sampler.ts";
import { countRepeats, hasExactReplicate } from "./replicates.ts";

const now = () => 0;
const on = { replicates: 3 };

/** `f` observed with Gaussian noise of standard deviation `sd`, the i-th evaluation drawing `noiseDraw(seed, i)`. */
function noisy(f: BenchObjective, sd: number, seed: number): BenchObjective {
  let i = 0;
  return { ...f, evaluate: (p) => f.evaluate(p) + noiseDraw(seed, i++, sd) };
}

/** How many evaluations each configuration got, largest first. */
function evaluationsPerConfig(trials: readonly TrialView[]): number[] {
  const counts = new Map<string, number>();
  for (const t of trials) counts.set(configKey(t.params), (counts.get(configKey(t.params)) ?? 0) + 1);
  return [...counts.values()].sort((a, b) => b - a);
}

describe("GP re-evaluation under noise", () => {
  it("evaluates a promising configuration again on a noisy objective (Branin, sd 30% of its range), never more than 3 times", () => {
    for (const seed of [0, 2, 4]) {
      const r = runSampler(new GpSampler(on), noisy(branin, 0.3 * functionRange(branin), seed), { budget: 50, seed, now });
      expect(r.duplicates).toBeGreaterThan(0);
      expect(evaluationsPerConfig(r.trials)[0]).toBeLessThanOrEqual(3);
    }
  });

  it("never re-evaluates on a noiseless objective the GP fits closely (Branin, Hartmann-6)", () => {
    for (const f of [branin, hartmann6]) expect(runSampler(new GpSampler(on), f, { budget: 50, seed: 0, now }).duplicates).toBe(0);
  });

  it("stops after one re-evaluation of a deterministic objective the GP fits poorly (Rosenbrock-4 reads as noisy)", () => {
    for (const seed of [0, 1, 2]) expect(runSampler(new GpSampler(on), rosenbrock4, { budget: 50, seed, now }).duplicates).toBeLessThanOrEqual(1);
  });

  it("keeps re-evaluations within replicateShare of the trials asked, at every point of the sweep, sequential or 4 pending", () => {
    const sd = 0.3 * functionRange(branin);
    for (const pending of [1, 4]) {
      for (const share of [0.1, 0.3]) {
        const r = runSampler(new GpSampler({ replicateShare: share, replicates: 10 }), noisy(branin, sd, 4), { budget: 50, seed: 4, now, pending });
        expect(r.duplicates).toBeGreaterThan(0);
        for (let n = 1; n <= r.trials.length; n++) expect(countRepeats(r.trials.slice(0, n))).toBeLessThanOrEqual(share * n);
      }
    }
  });

  it("counts pending evaluations: with 4 trials outstanding no configuration gets more than `replicates`", () => {
    const r = runSampler(new GpSampler({ replicates: 2 }), noisy(branin, 0.3 * functionRange(branin), 0), { budget: 50, seed: 0, now, pending: 4 });
    expect(r.duplicates).toBeGreaterThan(0);
    expect(evaluationsPerConfig(r.trials)[0]).toBe(2);
  });

  it("is off by default and with replicates below 2", () => {
    const f = noisy(branin, 0.3 * functionRange(branin), 4);
    for (const options of [{}, { replicates: 1 }]) expect(runSampler(new GpSampler(options), f, { budget: 50, seed: 4, now }).duplicates).toBe(0);
  });

  it("tells a deterministic replicate from a noisy one", () => {
    const t = (number: number, x: number, value: number): TrialView => ({ number, state: "complete", params: { x }, value });
    expect(hasExactReplicate([t(0, 1, 2.5), t(1, 2, 3), t(2, 1, 2.5)])).toBe(true);
    expect(hasExactReplicate([t(0, 1, 2.5), t(1, 2, 3), t(2, 1, 2.6)])).toBe(false);
    expect(hasExactReplicate([t(0, 1, 2.5), { number: 1, state: "running", params: { x: 1 } }])).toBe(false);
  });

  it("recommends the best observed configuration once a replicate shows the objective is deterministic (Rosenbrock-4)", () => {
    const r = runSampler(new GpSampler(on), rosenbrock4, { budget: 50, seed: 0, now });
    expect(r.duplicates).toBe(1);
    const req = { space: rosenbrock4.space, trials: r.trials, seed: 0 };
    expect(new GpSampler().recommend(req)).toBeUndefined();
    // Without the replicate the misfit reads as noise and the lowest posterior mean is the answer.
    const repeated = r.trials.findIndex((t, i) => r.trials.slice(0, i).some((u) => configKey(u.params) === configKey(t.params)));
    const unique = r.trials.filter((_, i) => i !== repeated);
    expect(new GpSampler().recommend({ ...req, trials: unique })).toBeDefined();
  });
});
