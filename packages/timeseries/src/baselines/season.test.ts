import { describe, expect, it } from "vitest";
import { autocorrelation, detectSeason, resolveSeason } from "./season.ts";

/** Deterministic noise in [−1, 1] (a linear congruential generator), so the tests are exact. */
function noise(n: number, seed = 1): number[] {
  let s = seed;
  return Array.from({ length: n }, () => {
    s = (s * 1103515245 + 12345) % 2147483648;
    return (s / 2147483648) * 2 - 1;
  });
}

describe("autocorrelation", () => {
  it("matches hand-computed values on a series with zero mean and zero slope", () => {
    // x = [1, −1, −1, 1, 1, −1, −1, 1]: Σx² = 8; lag 1: Σ x_t x_{t+1} = −1; lag 2: −6; lag 4: 4.
    const r = autocorrelation([1, -1, -1, 1, 1, -1, -1, 1], 4);
    expect(r[0]).toBeCloseTo(1, 12);
    expect(r[1]).toBeCloseTo(-1 / 8, 12);
    expect(r[2]).toBeCloseTo(-6 / 8, 12);
    expect(r[4]).toBeCloseTo(4 / 8, 12);
  });

  it("removes a linear trend first", () => {
    const r = autocorrelation([0, 12, 8, 6, 20, 16], 1);
    const same = autocorrelation([0, 10, 4, 0, 12, 6], 1); // the same minus 2t
    expect(r[1]).toBeCloseTo(same[1] ?? NaN, 12);
  });
});

describe("detectSeason", () => {
  it("finds the period of a noisy seasonal series with a trend", () => {
    const e = noise(240);
    const monthly = e.map((v, t) => 100 + 0.5 * t + 10 * Math.sin((2 * Math.PI * t) / 12) + 2 * v);
    expect(detectSeason(monthly)).toBe(12);
    const e2 = noise(1000, 7);
    const daily = e2.map((v, t) => 15 + 8 * Math.cos((2 * Math.PI * t) / 365) + 3 * v);
    expect(Math.abs((detectSeason(daily) ?? 0) - 365)).toBeLessThanOrEqual(10);
  });

  it("finds a weekly pattern that is not a sine", () => {
    const week = [3, 3, 3, 3, 8, 12, 1];
    const e = noise(300, 3);
    expect(detectSeason(e.map((v, t) => (week[t % 7] ?? 0) + v))).toBe(7);
  });

  it("finds none in white noise, a straight line or a series too short for two cycles", () => {
    expect(detectSeason(noise(500, 11))).toBeNull();
    expect(detectSeason(Array.from({ length: 100 }, (_, t) => 3 * t + 1))).toBeNull();
    expect(detectSeason([1, 2, 1, 2, 1])).toBeNull();
  });
});

describe("resolveSeason", () => {
  it("prefers the spec's season, then a detected one, else none", () => {
    const series = noise(240).map((v, t) => 10 * Math.sin((2 * Math.PI * t) / 12) + v);
    expect(resolveSeason(7, series)).toEqual({ period: 7, source: "spec" });
    expect(resolveSeason(undefined, series)).toEqual({ period: 12, source: "detected" });
    expect(resolveSeason(undefined, noise(240, 5))).toEqual({ period: null, source: "none" });
  });
});
