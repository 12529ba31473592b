import { describe, expect, it } from "vitest";
import { RandomSampler } from "./random-sampler.ts";
import { MIXED_SPACE } from "../testing/conformance.ts";
import type { TrialView } from "../sampler.ts";

describe("RandomSampler", () => {
  it("draws each trial from the sweep seed and its number alone, whatever the batch or history", () => {
    const s = new RandomSampler();
    const batch = s.ask({ space: MIXED_SPACE, trials: [], seed: 4, trialNumbers: [0, 1, 2, 3, 4, 5], budget: 10 }).suggestions;
    const alone = s.ask({ space: MIXED_SPACE, trials: [], seed: 4, trialNumbers: [5], budget: 10 }).suggestions;
    expect(alone[0]).toEqual(batch[5]);
    const history: TrialView[] = batch.slice(0, 3).map((params, number) => ({ number, state: "complete", params, value: number }));
    const after = s.ask({ space: MIXED_SPACE, trials: history, seed: 4, trialNumbers: [3, 4, 5], budget: 10 }).suggestions;
    expect(after).toEqual(batch.slice(3));
  });

  it("covers both branches of a condition", () => {
    const ps = new RandomSampler().ask({ space: MIXED_SPACE, trials: [], seed: 1, trialNumbers: Array.from({ length: 40 }, (_, i) => i), budget: 40 }).suggestions;
    expect(ps.some((p) => p.num_layers === undefined)).toBe(true);
    expect(ps.some((p) => p.head !== undefined)).toBe(true);
  });
});
