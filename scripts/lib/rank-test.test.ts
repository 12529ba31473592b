import { describe, expect, it } from "vitest";
import { mannWhitneyP } from "./rank-test.ts";

describe("mannWhitneyP", () => {
  it("gives the exact two-sided p of complete separation: 2 / C(n+m, n)", () => {
    expect(mannWhitneyP([1, 2, 3, 4, 5], [6, 7, 8, 9, 10])).toBeCloseTo(2 / 252, 12);
    expect(mannWhitneyP([6, 7, 8], [1, 2, 3, 4])).toBeCloseTo(2 / 35, 12);
  });

  it("matches scipy.stats.mannwhitneyu(method='exact') on interleaved samples", () => {
    // scipy 1.x: mannwhitneyu([1, 3, 5, 7, 9], [2, 4, 6, 8, 10], method="exact").pvalue == 0.6904761904761905
    expect(mannWhitneyP([1, 3, 5, 7, 9], [2, 4, 6, 8, 10])).toBeCloseTo(0.6904761904761905, 12);
  });

  it("is symmetric and 1 for identical samples", () => {
    const a = [0.3, 0.1, 0.7];
    const b = [0.2, 0.9, 0.5, 0.4];
    expect(mannWhitneyP(a, b)).toBeCloseTo(mannWhitneyP(b, a), 12);
    expect(mannWhitneyP([1, 2, 3], [1, 2, 3])).toBe(1);
  });
});
