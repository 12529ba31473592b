import { describe, expect, it } from "vitest";
import { formatNoise, functionRange, noiseDraw, noiseSd, parseNoise } from "./noise.ts";
import { runNoisy } from "./run-noisy.ts";
import { lstmShaped } from "./lstm-shaped.ts";
import { hartmann6 } from "./functions.ts";
import { RandomSampler } from "../samplers/random-sampler.ts";
import { GpSampler } from "../samplers/gp-sampler.ts";

describe("--noise", () => {
  it("parses an absolute sd and a percentage, and refuses anything else naming the flag and the rule", () => {
    expect(parseNoise("0.3")).toEqual({ kind: "absolute", sd: 0.3 });
    expect(parseNoise("10%")).toEqual({ kind: "relative", fraction: 0.1 });
    expect(formatNoise(parseNoise("30%"))).toBe("30%");
    expect(formatNoise(parseNoise("0.1"))).toBe("0.1");
    for (const bad of ["", "%", "-1", "abc", "10%%"]) expect(() => parseNoise(bad)).toThrow(/^--noise must be a non-negative number .* or a percentage/);
  });

  it("a relative level is that fraction of the median-minus-minimum range", () => {
    const range = functionRange(hartmann6);
    expect(range).toBeGreaterThan(0);
    expect(noiseSd(hartmann6, parseNoise("10%"))).toBeCloseTo(0.1 * range, 12);
    expect(noiseSd(hartmann6, parseNoise("0.3"))).toBe(0.3);
  });

  it("draws the same noise for the same (seed, trial), with the asked standard deviation", () => {
    expect(noiseDraw(3, 7, 0.5)).toBe(noiseDraw(3, 7, 0.5));
    expect(noiseDraw(3, 7, 0)).toBe(0);
    const draws = Array.from({ length: 4000 }, (_, i) => noiseDraw(1, i, 0.5));
    const mean = draws.reduce((a, b) => a + b, 0) / draws.length;
    const sd = Math.sqrt(draws.reduce((a, b) => a + (b - mean) ** 2, 0) / draws.length);
    expect(Math.abs(mean)).toBeLessThan(0.05);
    expect(sd).toBeGreaterThan(0.45);
    expect(sd).toBeLessThan(0.55);
  });
});

describe("runNoisy", () => {
  it("scores the recommendation by its true value, not by its lucky observation", () => {
    const r = runNoisy(new RandomSampler(), hartmann6, { budget: 30, seed: 2, noiseSd: 0.5, now: () => 0 });
    expect(r.recommended).toBeDefined();
    expect(r.regret).toBeCloseTo(hartmann6.evaluate(r.recommended ?? {}) - hartmann6.minimum, 12);
    // The random sampler recommends its best observed trial: the same true regret.
    expect(r.regret).toBe(r.bestObservedRegret);
    expect(r.regret).toBeGreaterThanOrEqual(0);
  });

  it("runs the GP on the LSTM-shaped mixed space with noise, its recommendation a valid configuration", () => {
    const r = runNoisy(new GpSampler(), lstmShaped, { budget: 20, seed: 1, noiseSd: 0.1, now: () => 0 });
    expect(r.notes).toEqual([]);
    expect(r.regret).toBeGreaterThanOrEqual(0);
    expect(r.regret).toBeCloseTo(lstmShaped.evaluate(r.recommended ?? {}) - 1, 12);
  });
});

describe("the LSTM-shaped objective", () => {
  it("reaches its minimum 1 at the stated optimum and nowhere goes below it", () => {
    const best = { variant: "bidirectional", optimizer: "adam", batch_size: 32, num_layers: 2, hidden_size: 64, learning_rate: 3e-3, dropout: 0.15, seq_len: 24 };
    expect(lstmShaped.evaluate(best)).toBeCloseTo(1, 12);
    const ps = new RandomSampler().ask({ space: lstmShaped.space, trials: [], seed: 4, trialNumbers: Array.from({ length: 500 }, (_, i) => i), budget: 500 }).suggestions;
    const values = ps.map((p) => lstmShaped.evaluate(p));
    expect(Math.min(...values)).toBeGreaterThan(1);
    expect(Math.max(...values)).toBeLessThan(3);
    expect(ps.some((p) => p.num_layers === undefined) && ps.some((p) => p.num_layers !== undefined)).toBe(true);
  });
});
