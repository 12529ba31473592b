import { describe, expect, it } from "vitest";
import { GpSampler } from "./gp-sampler.ts";
import { hartmann6 } from "../bench/functions.ts";
import { SearchSpaceTransform } from "../transform.ts";
import type { TrialView } from "../sampler.ts";

/** The first `count` trials of a sequential run of the GP sampler with the given budget. */
function firstTrials(budget: number, count: number): TrialView[] {
  const trials: TrialView[] = [];
  const s = new GpSampler();
  for (let i = 0; i < count; i++) {
    const p = s.ask({ space: hartmann6.space, trials, seed: 4, trialNumbers: [i], budget }).suggestions[0];
    if (!p) throw new Error("no suggestion");
    trials.push({ number: i, state: "complete", params: p, value: hartmann6.evaluate(p) });
  }
  return trials;
}

/** Whether the trials' points fall one per 1/n slice of every axis (a Latin hypercube of n points). */
function isLatinHypercube(trials: readonly TrialView[]): boolean {
  const tf = new SearchSpaceTransform(hartmann6.space);
  const n = trials.length;
  for (let k = 0; k < tf.dim; k++) {
    const slices = trials.map((t) => Math.floor((tf.encode(t.params)[k] as number) * n)).sort((a, b) => a - b);
    if (slices.some((v, i) => v !== i)) return false;
  }
  return true;
}

describe("GpSampler initial design", () => {
  it("takes at most a quarter of a small budget: 16 trials in 6-d start with a 5-point Latin hypercube", () => {
    expect(isLatinHypercube(firstTrials(16, 5))).toBe(true);
  });

  it("keeps max(5, 2 × dimensions) when the budget allows it: 12 points in 6-d at 50 trials", () => {
    expect(isLatinHypercube(firstTrials(50, 12))).toBe(true);
    expect(isLatinHypercube(firstTrials(50, 5))).toBe(false);
  });
});
