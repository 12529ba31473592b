import { describe, expect, it } from "vitest";
import { logGamma, regularizedIncompleteBeta, studentTCdf, studentTTwoSidedP } from "./t-distribution.ts";

describe("regularizedIncompleteBeta", () => {
  it("matches closed forms: I_x(1,1) = x, I_x(a,1) = x^a, I_x(1,b) = 1-(1-x)^b, I_½(a,a) = ½", () => {
    for (const x of [0, 0.1, 0.37, 0.5, 0.9, 1]) {
      expect(regularizedIncompleteBeta(x, 1, 1)).toBeCloseTo(x, 12);
      expect(regularizedIncompleteBeta(x, 3.5, 1)).toBeCloseTo(x ** 3.5, 12);
      expect(regularizedIncompleteBeta(x, 1, 4)).toBeCloseTo(1 - (1 - x) ** 4, 12);
    }
    for (const a of [0.5, 2, 7.5, 40]) expect(regularizedIncompleteBeta(0.5, a, a)).toBeCloseTo(0.5, 12);
  });

  it("refuses arguments outside its domain, naming the rule", () => {
    expect(() => regularizedIncompleteBeta(1.5, 1, 1)).toThrow("0 ≤ x ≤ 1 must hold, but got x=1.5");
    expect(() => regularizedIncompleteBeta(0.5, 0, 1)).toThrow("a > 0 and b > 0 must hold");
  });
});

describe("logGamma", () => {
  it("gives ln((n-1)!) and ln Γ(½) = ln √π", () => {
    expect(logGamma(1)).toBeCloseTo(0, 12);
    expect(logGamma(6)).toBeCloseTo(Math.log(120), 12);
    expect(logGamma(0.5)).toBeCloseTo(0.5 * Math.log(Math.PI), 12);
  });
});

describe("studentTCdf", () => {
  // Quantiles from standard t tables (e.g. NIST/SEMATECH e-Handbook, table 1.3.6.7.2).
  const table: [df: number, t: number, p: number][] = [
    [1, 12.7062047, 0.975],
    [2, 4.30265273, 0.975],
    [5, 2.01504837, 0.95],
    [10, 2.22813885, 0.975],
    [30, 2.74999565, 0.995],
    [100, 1.66023433, 0.95],
  ];
  it.each(table)("df=%d: P(T ≤ %f) = %f", (df, t, p) => {
    expect(studentTCdf(t, df)).toBeCloseTo(p, 7);
    expect(studentTCdf(-t, df)).toBeCloseTo(1 - p, 7);
    expect(studentTTwoSidedP(t, df)).toBeCloseTo(2 * (1 - p), 7);
  });

  it("matches the closed forms for 1 (Cauchy) and 2 degrees of freedom", () => {
    for (const t of [-3, -0.4, 0, 1, 2.5]) {
      expect(studentTCdf(t, 1)).toBeCloseTo(0.5 + Math.atan(t) / Math.PI, 12);
      expect(studentTCdf(t, 2)).toBeCloseTo(0.5 + t / (2 * Math.sqrt(2 + t * t)), 12);
    }
  });

  it("tends to the normal distribution for many degrees of freedom", () => {
    expect(studentTCdf(1.959963985, 1e7)).toBeCloseTo(0.975, 6);
  });
});
