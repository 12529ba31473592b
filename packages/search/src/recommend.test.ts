import { describe, expect, it } from "vitest";
import { searchSpaceSchema } from "@hyperq/protocol";
import { bestObserved, recommend } from "./recommend.ts";
import { GpSampler } from "./samplers/gp-sampler.ts";
import { RandomSampler } from "./samplers/random-sampler.ts";
import { createRng } from "./rng.ts";
import type { TrialView } from "./sampler.ts";

const space = searchSpaceSchema.parse({ x: { type: "float", low: 0, high: 1 }, y: { type: "float", low: 0, high: 1 } });
/** A smooth bowl with its minimum 0 at (0.3, 0.6). */
const bowl = (p: Record<string, unknown>) => ((p.x as number) - 0.3) ** 2 + ((p.y as number) - 0.6) ** 2;

function history(noiseSd: number, count = 40): TrialView[] {
  const params = new RandomSampler().ask({ space, trials: [], seed: 5, trialNumbers: Array.from({ length: count }, (_, i) => i), budget: count }).suggestions;
  const rng = createRng(17);
  return params.map((p, number) => ({ number, state: "complete", params: p, value: bowl(p) + noiseSd * rng.normal() }));
}

describe("recommend", () => {
  it("without a recommend method, takes the best observed finite value (failed and pending trials ignored)", () => {
    const trials: TrialView[] = [
      { number: 0, state: "complete", params: { x: 0.1, y: 0.1 }, value: 0.5 },
      { number: 1, state: "complete", params: { x: 0.2, y: 0.2 }, value: Number.NaN },
      { number: 2, state: "failed", params: { x: 0.3, y: 0.3 } },
      { number: 3, state: "running", params: { x: 0.4, y: 0.4 } },
      { number: 4, state: "complete", params: { x: 0.5, y: 0.5 }, value: 0.2 },
    ];
    expect(recommend(new RandomSampler(), { space, trials, seed: 1 })).toEqual({ x: 0.5, y: 0.5 });
    expect(bestObserved([])).toBeUndefined();
  });

  it("GP: a lucky draw far from the minimum is not the answer; the lowest posterior mean is", () => {
    const trials = history(0.1, 60);
    // A configuration far from the minimum whose one observation was a lucky draw, below every other value.
    trials.push({ number: trials.length, state: "complete", params: { x: 0.95, y: 0.05 }, value: -0.5 });
    expect(bestObserved(trials)?.params).toEqual({ x: 0.95, y: 0.05 });
    const r = recommend(new GpSampler(), { space, trials, seed: 1 });
    expect(r).toBeDefined();
    expect(trials.some((t) => t.params === r)).toBe(true);
    const luckyTruth = bowl({ x: 0.95, y: 0.05 });
    expect(bowl(r as Record<string, unknown>)).toBeLessThan(luckyTruth / 4);
  });

  it("GP on a deterministic objective: the best observed", () => {
    const trials = history(0);
    expect(recommend(new GpSampler(), { space, trials, seed: 1 })).toEqual(bestObserved(trials)?.params);
  });
});
