import { describe, expect, it } from "vitest";
import { GpSampler } from "./gp-sampler.ts";
import { branin } from "../bench/functions.ts";
import { runSampler } from "../bench/run.ts";
import { RandomSampler } from "./random-sampler.ts";
import { SearchSpaceTransform } from "../transform.ts";
import type { TrialView } from "../sampler.ts";
import { searchSpaceSchema } from "@hyperq/protocol";

const noClock = () => 0;

function braninHistory(count: number, seed = 1): TrialView[] {
  const ps = new RandomSampler().ask({ space: branin.space, trials: [], seed, trialNumbers: Array.from({ length: count }, (_, i) => i), budget: count }).suggestions;
  return ps.map((params, number) => ({ number, state: "complete", params, value: branin.evaluate(params) }));
}

describe("GpSampler", () => {
  it("finds Branin's minimum within 1e-2 in 40 evaluations (seeded)", () => {
    const r = runSampler(new GpSampler(), branin, { budget: 40, seed: 0, now: noClock });
    expect(r.regret.at(-1)).toBeLessThan(1e-2);
    expect(r.duplicates).toBe(0);
    expect(r.notes).toEqual([]);
  });

  it("starts with a Latin hypercube of max(5, 2·dims) points, one per slice of each axis", () => {
    const r = runSampler(new GpSampler(), branin, { budget: 5, seed: 3, now: noClock });
    expect(r.regret).toHaveLength(5);
    const trials: TrialView[] = [];
    const s = new GpSampler();
    for (let i = 0; i < 5; i++) {
      const p = s.ask({ space: branin.space, trials, seed: 3, trialNumbers: [i], budget: 20 }).suggestions[0];
      if (!p) throw new Error("no suggestion");
      trials.push({ number: i, state: "complete", params: p, value: branin.evaluate(p) });
    }
    const tf = new SearchSpaceTransform(branin.space);
    for (let k = 0; k < 2; k++) {
      const slices = trials.map((t) => Math.floor((tf.encode(t.params)[k] as number) * 5)).sort();
      expect(slices).toEqual([0, 1, 2, 3, 4]);
    }
  });

  it("spreads a batch: pending trials and earlier suggestions of the batch are fantasized, nothing near-repeats", () => {
    const done = braninHistory(15);
    const pending: TrialView[] = braninHistory(19, 2)
      .slice(15)
      .map((t) => ({ number: t.number, state: "running", params: t.params }));
    const trials = [...done, ...pending];
    const r = new GpSampler().ask({ space: branin.space, trials, seed: 1, trialNumbers: [19, 20, 21, 22], budget: 50 });
    expect(r.suggestions).toHaveLength(4);
    const tf = new SearchSpaceTransform(branin.space);
    const pts = [...trials.map((t) => t.params), ...r.suggestions].map((p) => tf.encode(p));
    for (let i = 0; i < pts.length; i++) {
      for (let j = i + 1; j < pts.length; j++) {
        const d = Math.hypot(...Array.from(pts[i] as Float64Array, (v, k) => v - ((pts[j] as Float64Array)[k] as number)));
        expect(d).toBeGreaterThan(1e-3);
      }
    }
  });

  it("keeps drawing quasi-random points, not model-based ones, until the initial design has finished", () => {
    // Branin: a design of 5. Two finished, four running: trial 6 must not depend on the two values.
    const history = (scale: number): TrialView[] =>
      braninHistory(6).map((t, i) => (i < 2 ? { ...t, value: (t.value as number) * scale } : { number: t.number, state: "running", params: t.params }));
    const ask = (o: { designUntilObserved?: boolean }, scale: number) => new GpSampler(o).ask({ space: branin.space, trials: history(scale), seed: 1, trialNumbers: [6], budget: 50 }).suggestions[0];
    expect(ask({}, 1)).toEqual(ask({}, -3));
    // Without the option the GP fitted on the two results answers, and the values matter.
    expect(ask({ designUntilObserved: false }, 1)).not.toEqual(ask({ designUntilObserved: false }, -3));
  });

  it("spends the last trial of the budget on the minimizer of the posterior mean", () => {
    const space = searchSpaceSchema.parse({ x: { type: "float", low: 0, high: 1 } });
    const trials: TrialView[] = Array.from({ length: 11 }, (_, i) => ({ number: i, state: "complete", params: { x: i / 10 }, value: (i / 10 - 0.53) ** 2 }));
    const x = (o: { finalExploitation?: boolean }) => new GpSampler(o).ask({ space, trials, seed: 1, trialNumbers: [11], budget: 12 }).suggestions[0]?.x as number;
    expect(Math.abs(x({}) - 0.53)).toBeLessThan(2e-4);
    expect(Math.abs(x({ finalExploitation: false }) - 0.53)).toBeGreaterThan(2e-4);
  });

  it("says so in notes when no result is usable yet, and still suggests", () => {
    const trials: TrialView[] = braninHistory(6).map((t) => ({ number: t.number, state: "failed", params: t.params }));
    const r = new GpSampler().ask({ space: branin.space, trials, seed: 1, trialNumbers: [6], budget: 20 });
    expect(r.suggestions).toHaveLength(1);
    expect(r.notes.join("\n")).toMatch(/0 finite result\(s\) among 6 finished trial\(s\).*quasi-random/);
  });

  it("models failed and diverged trials at the worst value, and says so", () => {
    const trials = braninHistory(10);
    trials[3] = { number: 3, state: "failed", params: trials[3]?.params ?? {} };
    trials[4] = { ...(trials[4] as TrialView), value: NaN };
    const r = new GpSampler().ask({ space: branin.space, trials, seed: 1, trialNumbers: [10], budget: 20 });
    expect(r.suggestions).toHaveLength(1);
    expect(r.notes).toEqual(["gp: 2 failed or non-finite result(s) modelled at the worst finite value"]);
  });

  it("subsamples past maxObservations and says so", () => {
    const trials = braninHistory(30);
    const r = new GpSampler({ maxObservations: 20 }).ask({ space: branin.space, trials, seed: 1, trialNumbers: [30], budget: 40 });
    expect(r.suggestions).toHaveLength(1);
    expect(r.notes.join("\n")).toMatch(/fitted on 20 of 30 observations/);
  });
});
