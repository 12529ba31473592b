import { describe, expect, it } from "vitest";
import { cholesky, choleskyWithJitter, cholLogDet, cholSolve } from "./linalg.ts";
import { NumericalError } from "../errors.ts";

const A = Float64Array.from([4, 12, -16, 12, 37, -43, -16, -43, 98]);

describe("linalg", () => {
  it("factors a textbook matrix exactly", () => {
    // A = L Lᵀ with L = [[2,0,0],[6,1,0],[-8,5,3]].
    expect(Array.from(cholesky(A, 3) ?? [])).toEqual([2, 0, 0, 6, 1, 0, -8, 5, 3]);
    expect(cholLogDet(cholesky(A, 3) as Float64Array, 3)).toBeCloseTo(Math.log(36), 12);
  });

  it("solves", () => {
    const L = cholesky(A, 3) as Float64Array;
    const x = cholSolve(L, 3, [1, 2, 3]);
    for (let i = 0; i < 3; i++) {
      let s = 0;
      for (let j = 0; j < 3; j++) s += (A[i * 3 + j] as number) * (x[j] as number);
      expect(s).toBeCloseTo([1, 2, 3][i] as number, 9);
    }
  });

  it("escalates jitter on a singular matrix and gives up on an indefinite one", () => {
    const singular = Float64Array.from([1, 1, 1, 1]);
    expect(cholesky(singular, 2)).toBeUndefined();
    const r = choleskyWithJitter(singular, 2);
    expect(r.jitter).toBeGreaterThan(0);
    expect(r.jitter).toBeLessThan(1e-3);
    expect(() => choleskyWithJitter(Float64Array.from([1, 0, 0, -1]), 2)).toThrow(NumericalError);
  });
});
