import { describe, expect, it } from "vitest";
import { branin } from "../bench/functions.ts";
import { runSampler } from "../bench/run.ts";
import { GpSampler } from "./gp-sampler.ts";

describe("GP across a sweep's life", () => {
  it("with 20 observations from another run, reaches a lower regret in 10 new trials than a cold run (Branin, seeds 0–4)", () => {
    const now = () => 0;
    let cold = 0;
    let warm = 0;
    for (let seed = 0; seed < 5; seed++) {
      const source = runSampler(new GpSampler(), branin, { budget: 20, seed: seed + 100, now });
      const observations = source.trials.map((t) => ({ params: t.params, value: t.value as number }));
      cold += runSampler(new GpSampler(), branin, { budget: 10, seed, now }).regret.at(-1)!;
      const w = runSampler(new GpSampler(), branin, { budget: 10, seed, now, observations });
      warm += w.regret.at(-1)!;
      expect(w.duplicates).toBe(0);
      // Observations are never re-run.
      const known = new Set(observations.map((o) => JSON.stringify(o.params)));
      for (const t of w.trials) expect(known.has(JSON.stringify(t.params))).toBe(false);
    }
    expect(warm).toBeLessThan(cold);
  });

  it("plans its end-of-budget exploitation against the budget it is asked with, so an extended sweep explores again", () => {
    const trials = runSampler(new GpSampler({ finalExploitation: false }), branin, { budget: 10, seed: 3, now: () => 0 }).trials;
    const ask = (sampler: GpSampler, budget: number) => sampler.ask({ space: branin.space, trials, seed: 3, trialNumbers: [10], budget }).suggestions;
    const lastOfEleven = ask(new GpSampler(), 11);
    const afterExtension = ask(new GpSampler(), 20);
    // At the end of an 11-trial budget the last trial exploits; with the budget raised to 20 it
    // is the expected-improvement step a sweep without final exploitation takes.
    expect(afterExtension).toEqual(ask(new GpSampler({ finalExploitation: false }), 11));
    expect(lastOfEleven).not.toEqual(afterExtension);
  });
});
