import { datasetSpecSchema, TARGET_TRANSFORMS, type DatasetSpecInput } from "@hyperq/protocol";
import { describe, expect, it } from "vitest";
import { evaluateForecast, inverseForecast, mseScaled } from "./metrics.ts";
import { prepareDataset } from "./prepare.ts";
import { scaleValue } from "./scaler.ts";
import { makeWindows } from "./windows.ts";

const FILE = "tiny.csv";
/** Day r (1..20): a = r, b = r² (strictly positive, so every transform applies). */
const TEXT = ["date,a,b", ...Array.from({ length: 20 }, (_, i) => `2020-01-${String(i + 1).padStart(2, "0")},${i + 1},${(i + 1) ** 2}`)].join("\n");
const prepare = (input: Omit<DatasetSpecInput, "path"> = {}) =>
  prepareDataset(datasetSpecSchema.parse({ path: FILE, target: "a", split: { train: 0.6, validation: 0.2 }, ...input }), TEXT, FILE);

describe("evaluateForecast", () => {
  it("scores in original units against the naive and training-mean forecasts (hand-computed)", () => {
    const p = prepare();
    // Validation windows (seq_len 2): (13, 14) → 15 and (14, 15) → 16. Predict 17 and 16.
    const pred = Float32Array.from([17, 16], (v) => scaleValue(p.meta.targetScaler, 0, v));
    const m = evaluateForecast(p, 2, "val", pred);
    expect(m.valMae).toBeCloseTo(1, 5); // |17 - 15|, |16 - 16|
    expect(m.valRmse).toBeCloseTo(Math.SQRT2, 5);
    expect(m.naiveMae).toBe(1); // 14 for 15, 15 for 16
    expect(m.meanMae).toBe(9); // training mean 6.5: 8.5 and 9.5
    expect(m.maeRatio).toBeCloseTo(1, 5);
    // Test windows target days 19 and 20.
    const t = evaluateForecast(p, 2, "test", Float32Array.from([19, 20], (v) => scaleValue(p.meta.targetScaler, 0, v)));
    expect(t.valMae).toBeCloseTo(0, 5);
    expect(t.meanMae).toBe(13);
  });

  it("maps the model's own targets back to the truth for every transform", () => {
    for (const targetTransform of TARGET_TRANSFORMS) {
      for (const target of ["a", "b"]) {
        const p = prepare({ target, targetTransform, horizon: 2 });
        const w = makeWindows(p, 2);
        const m = evaluateForecast(p, 2, "val", w.val.y);
        expect(m.valMae).toBeLessThan(1e-4 * (target === "b" ? 256 : 16));
        expect(m.maeRatio).toBeLessThan(1e-4);
      }
    }
  });

  it("equals the naive forecast when a relative model predicts no change", () => {
    for (const targetTransform of ["diff", "pct-change", "log-return"] as const) {
      const p = prepare({ target: "b", targetTransform, horizon: 3 });
      const w = makeWindows(p, 1);
      const noChange = new Float32Array(w.val.n * 3).fill(scaleValue(p.meta.targetScaler, 0, 0));
      const m = evaluateForecast(p, 1, "val", noChange);
      expect(m.valMae).toBeCloseTo(m.naiveMae, 3);
      expect(m.maeRatio).toBeCloseTo(1, 5);
      // One validation window: day 13 → days 14, 15, 16; naive errors 14² - 13², 15² - 13², 16² - 13².
      expect(w.val.n).toBe(1);
      expect(m.naiveMae).toBeCloseTo((27 + 56 + 87) / 3, 9);
    }
  });

  it("passes NaN through and rejects a prediction array of the wrong size", () => {
    const p = prepare();
    expect(evaluateForecast(p, 2, "val", Float32Array.from([Number.NaN, 0])).valMae).toBeNaN();
    expect(() => evaluateForecast(p, 2, "val", new Float32Array(3))).toThrow(RangeError);
    expect(() => evaluateForecast(p, 2, "val", new Float32Array(3))).toThrow("n × horizon = 2 × 1 = 2");
  });

  it("inverseForecast gives original units per window and step", () => {
    const p = prepare({ target: "b", targetTransform: "log-return" });
    const out = inverseForecast(p, 2, "test", Float32Array.from([0, 0], () => scaleValue(p.meta.targetScaler, 0, Math.log(2))));
    expect(out[0]).toBeCloseTo(2 * 18 ** 2, 3);
    expect(out[1]).toBeCloseTo(2 * 19 ** 2, 3);
  });
});

describe("mseScaled", () => {
  it("is the mean squared error", () => {
    expect(mseScaled(Float32Array.from([0, 1, 2]), Float32Array.from([1, 1, 0]))).toBeCloseTo(5 / 3, 9);
    expect(() => mseScaled(new Float32Array(2), new Float32Array(3))).toThrow(RangeError);
  });
});
