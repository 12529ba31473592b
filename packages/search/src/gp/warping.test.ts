import { describe, expect, it } from "vitest";
import { fitOutputWarp } from "./warping.ts";
import { createRng } from "../rng.ts";

describe("fitOutputWarp", () => {
  it("picks Box-Cox near λ = 0 for log-normal losses, and standardizes", () => {
    const rng = createRng(2);
    const y = Array.from({ length: 200 }, () => Math.exp(1.5 * rng.normal() + 2));
    const w = fitOutputWarp(y);
    expect(w.kind).toBe("box-cox");
    expect(Math.abs(w.lambda)).toBeLessThan(0.15);
    const z = y.map((v) => w.apply(v));
    const mean = z.reduce((a, b) => a + b, 0) / z.length;
    const sd = Math.sqrt(z.reduce((a, b) => a + (b - mean) ** 2, 0) / z.length);
    expect(mean).toBeCloseTo(0, 9);
    expect(sd).toBeCloseTo(1, 9);
  });

  it("uses Yeo-Johnson with negative values and is strictly increasing", () => {
    const y = [-3.2, -2.5, -1, -0.4, -0.1, -0.05, -0.01, 0];
    const w = fitOutputWarp(y);
    expect(w.kind).toBe("yeo-johnson");
    for (let i = 1; i < y.length; i++) expect(w.apply(y[i] as number)).toBeGreaterThan(w.apply(y[i - 1] as number));
  });

  it("only standardizes with fewer than three distinct values, or when disabled", () => {
    expect(fitOutputWarp([1, 1, 2]).kind).toBe("none");
    expect(fitOutputWarp([5, 5]).apply(5)).toBe(0);
    expect(fitOutputWarp([1, 2, 30, 400], false).kind).toBe("none");
  });
});
