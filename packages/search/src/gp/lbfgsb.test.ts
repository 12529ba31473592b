import { describe, expect, it } from "vitest";
import { minimizeLbfgsb } from "./lbfgsb.ts";

describe("minimizeLbfgsb", () => {
  it("finds the minimum of the 2-D Rosenbrock function", () => {
    const r = minimizeLbfgsb(
      (x, g) => {
        const a = x[0] as number;
        const b = x[1] as number;
        g[0] = -400 * a * (b - a * a) - 2 * (1 - a);
        g[1] = 200 * (b - a * a);
        return 100 * (b - a * a) ** 2 + (1 - a) ** 2;
      },
      Float64Array.from([-1.2, 1]),
      [-5, -5],
      [5, 5],
      { maxIterations: 500, pgtol: 1e-9, ftol: 0 },
    );
    expect(r.x[0]).toBeCloseTo(1, 5);
    expect(r.x[1]).toBeCloseTo(1, 5);
  });

  it("stops on the bound when the unconstrained minimum lies outside the box", () => {
    // f = (x0 − 3)² + (x1 + 2)², box [0, 1]²: minimum at (1, 0).
    const r = minimizeLbfgsb(
      (x, g) => {
        g[0] = 2 * ((x[0] as number) - 3);
        g[1] = 2 * ((x[1] as number) + 2);
        return ((x[0] as number) - 3) ** 2 + ((x[1] as number) + 2) ** 2;
      },
      Float64Array.from([0.5, 0.5]),
      [0, 0],
      [1, 1],
    );
    expect(Array.from(r.x)).toEqual([1, 0]);
    expect(r.converged).toBe(true);
  });
});
