import { describe, expect, it } from "vitest";
import { GpSampler } from "./gp-sampler.ts";
import { branin } from "../bench/functions.ts";
import { runSampler } from "../bench/run.ts";
import { RandomSampler } from "./random-sampler.ts";
import { SearchSpaceTransform } from "../transform.ts";
import type { TrialView } from "../sampler.ts";

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
