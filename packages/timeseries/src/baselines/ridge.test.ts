import { describe, expect, it } from "vitest";
import { fitRidge, predictRidge } from "./ridge.ts";

describe("fitRidge", () => {
  // x = [1, 2, 3], y = [2, 4, 7]: x̄ = 2, ȳ = 13/3, Sxx = Σ(x − x̄)² = 2, Sxy = Σ(x − x̄)(y − ȳ) = 5.
  const x = [1, 2, 3];
  const y = [2, 4, 7];

  it("without a penalty is ordinary least squares: slope Sxy/Sxx = 2.5, intercept ȳ − 2.5 x̄ = −2/3", () => {
    const fit = fitRidge(x, y, 3, 1, 1, 0, false);
    expect(fit.coef[0]).toBeCloseTo(2.5, 10);
    expect(fit.intercept[0]).toBeCloseTo(-2 / 3, 10);
    expect([...predictRidge(fit, [4], 1)][0]).toBeCloseTo(2.5 * 4 - 2 / 3, 10);
  });

  it("with λ = 1 shrinks the slope to Sxy/(Sxx + λ) = 5/3 and leaves the intercept unshrunk, ȳ − 5/3 x̄ = 1", () => {
    const fit = fitRidge(x, y, 3, 1, 1, 1, false);
    expect(fit.coef[0]).toBeCloseTo(5 / 3, 10);
    expect(fit.intercept[0]).toBeCloseTo(1, 10);
    // Relative: λ · trace(X̃ᵀX̃)/d = 0.5 · 2 / 1 = 1, the same fit.
    const rel = fitRidge(x, y, 3, 1, 1, 0.5, true);
    expect(rel.lambda).toBeCloseTo(1, 12);
    expect(rel.coef[0]).toBeCloseTo(5 / 3, 10);
  });

  it("recovers an exact two-input, two-output linear map", () => {
    // y₁ = 1 + 2a − b, y₂ = −3 + 0.5b on rows that span the plane.
    const rows = [[0, 0], [1, 0], [0, 1], [2, 3], [-1, 4], [5, -2]];
    const xs = rows.flat();
    const ys = rows.flatMap(([a = 0, b = 0]) => [1 + 2 * a - b, -3 + 0.5 * b]);
    const fit = fitRidge(xs, ys, rows.length, 2, 2, 0, false);
    expect([...fit.coef].map((v) => Number(v.toFixed(8)) + 0)).toEqual([2, 0, -1, 0.5]);
    expect([...fit.intercept].map((v) => Number(v.toFixed(8)) + 0)).toEqual([1, -3]);
  });

  it("keeps a constant input column solvable and refuses mismatched shapes", () => {
    const fit = fitRidge([1, 5, 2, 5, 3, 5], [2, 4, 6], 3, 2, 1, 0, false);
    expect(fit.coef[0]).toBeCloseTo(2, 8);
    expect(fit.coef[1]).toBeCloseTo(0, 8);
    expect(() => fitRidge([1, 2], [1], 2, 1, 1, 0)).toThrow("x must hold n × d = 2 and y n × k = 2 values, but got 2 and 1");
  });
});
