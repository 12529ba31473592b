import { describe, expect, it } from "vitest";
import { dieboldMariano } from "./diebold-mariano.ts";

describe("dieboldMariano", () => {
  // d = a − b = [−1, 0, 1, 2]: d̄ = 0.5, γ₀ = 5/4, γ₁ = 5/16, n = 4.
  const a = [1, 2, 3, 4];
  const b = [2, 2, 2, 2];

  it("one-step forecasts: DM = d̄/√(γ₀/n), HLN factor √((n−1)/n), p from t(n−1), all by hand", () => {
    // DM = 0.5 / √(1.25/4) = 0.894427…; DM* = DM · √(3/4) = √0.6.
    // p = 2(1 − F₃(√0.6)), F₃(t) = ½ + (u/(1 + t²/3) + atan u)/π with u = t/√3.
    const r = dieboldMariano(a, b, 1);
    expect(r.meanDifference).toBeCloseTo(0.5, 12);
    expect(r.statistic).toBeCloseTo(Math.sqrt(0.6), 10);
    expect(r.pValue).toBeCloseTo(0.49502534605971094, 8);
    expect(r.n).toBe(4);
  });

  it("two-step forecasts add the lag-1 autocovariance and a larger correction", () => {
    // V = (γ₀ + 2γ₁)/n = 1.875/4; DM = 0.5/√V = 0.730297…; factor √((4 + 1 − 4 + 2/4)/4) = √0.375.
    const r = dieboldMariano(a, b, 2);
    expect(r.statistic).toBeCloseTo(Math.sqrt(0.2), 10);
    expect(r.pValue).toBeCloseTo(0.6850376424742926, 8);
  });

  it("is antisymmetric: swapping the methods flips the sign and keeps p", () => {
    const r = dieboldMariano(b, a, 1);
    expect(r.statistic).toBeCloseTo(-Math.sqrt(0.6), 10);
    expect(r.pValue).toBeCloseTo(0.49502534605971094, 8);
  });

  it("finds a clear, consistent difference significant", () => {
    const model = Array.from({ length: 200 }, (_, i) => 1 + 0.3 * Math.sin(i));
    const base = model.map((v, i) => v + 0.5 + 0.2 * Math.cos(3 * i));
    const r = dieboldMariano(model, base);
    expect(r.statistic).toBeLessThan(-10);
    expect(r.pValue).toBeLessThan(1e-6);
  });

  it("gives p = 1 for identical losses and refuses mismatched input", () => {
    expect(dieboldMariano([1, 2, 3], [1, 2, 3])).toMatchObject({ statistic: 0, pValue: 1 });
    expect(() => dieboldMariano([1, 2], [1])).toThrow("same length, but got 2 and 1");
    expect(() => dieboldMariano([1], [1])).toThrow("at least 2 forecasts");
    expect(() => dieboldMariano([1, 2], [2, 1], 0)).toThrow("horizon must be an integer ≥ 1");
  });
});
