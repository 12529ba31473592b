import { datasetSpecSchema, type DatasetSpecInput } from "@hyperq/protocol";
import { describe, expect, it } from "vitest";
import { evaluateForecast } from "../metrics.ts";
import { prepareDataset, type PreparedDataset } from "../prepare.ts";
import { scaleValue } from "../scaler.ts";
import { makeWindows } from "../windows.ts";
import { compareWithBaselines, scoreBaselines } from "./score-baselines.ts";

/** A CSV with integer time steps 1…n and one column `y`. */
function series(values: readonly number[], spec: Omit<DatasetSpecInput, "path"> = {}): PreparedDataset {
  const text = ["t,y", ...values.map((v, i) => `${i + 1},${v}`)].join("\n") + "\n";
  return prepareDataset(datasetSpecSchema.parse({ path: "s.csv", dateColumn: "t", target: "y", ...spec }), text, "s.csv");
}

/** Deterministic noise in [−1, 1]. */
function noise(n: number, seed = 1): number[] {
  let s = seed;
  return Array.from({ length: n }, () => {
    s = (s * 1103515245 + 12345) % 2147483648;
    return (s / 2147483648) * 2 - 1;
  });
}

/** MAE over the windows of `split` of a forecast rule written out directly (no shared code). */
function maeOf(p: PreparedDataset, seqLen: number, split: "val" | "test", rule: (lastRow: number, h: number) => number): number {
  const { firstRow, rows } = p.meta.splits[split];
  const H = p.meta.horizon;
  let s = 0;
  let c = 0;
  for (let start = firstRow; start + seqLen + H <= firstRow + rows; start++) {
    const last = start + seqLen - 1;
    for (let h = 1; h <= H; h++, c++) s += Math.abs(rule(last, h) - (p.target[last + h] ?? NaN));
  }
  return s / c;
}

const WEEK = [3, 3, 3, 3, 8, 12, 1];

describe("scoreBaselines", () => {
  it("scores the seasonal naive forecast exactly on a periodic series, for horizons shorter and longer than the season", () => {
    const values = Array.from({ length: 210 }, (_, t) => WEEK[t % 7] ?? 0);
    for (const horizon of [1, 2, 8]) {
      const p = series(values, { season: 7, horizon });
      expect(p.meta.season).toEqual({ period: 7, source: "spec" });
      const s = scoreBaselines(p, 3, "val").scores;
      expect(s.seasonalNaive).toEqual({ mae: 0, rmse: 0, period: 7 });
      expect(s.best).toBe("seasonalNaive");
      expect(s.naive.mae).toBeCloseTo(maeOf(p, 3, "val", (t) => p.target[t] ?? NaN), 12);
      expect(s.mean.mae).toBeCloseTo(maeOf(p, 3, "val", () => p.meta.targetMean), 12);
      expect(s.naive.mae).toBeGreaterThan(1);
    }
  });

  it("detects the season when the spec names none, and the seasonal naive reads one cycle back", () => {
    const e = noise(240);
    const values = e.map((v, t) => 50 + 10 * Math.sin((2 * Math.PI * t) / 12) + v);
    const p = series(values);
    expect(p.meta.season).toEqual({ period: 12, source: "detected" });
    const s = scoreBaselines(p, 4, "test").scores;
    expect(s.seasonalNaive?.mae).toBeCloseTo(maeOf(p, 4, "test", (t, h) => p.target[t + h - 12] ?? NaN), 12);
  });

  it("the linear autoregression reproduces a series that follows an exact linear recursion", () => {
    // y_t = 20 + 10 sin(2πt/12) satisfies y_t = 2cos(π/6) y_{t−1} − y_{t−2} + 20(2 − 2cos(π/6)).
    const values = Array.from({ length: 200 }, (_, t) => 20 + 10 * Math.sin((2 * Math.PI * t) / 12));
    const p = series(values, { season: 5 }); // a wrong season on purpose: only the linear fit can be exact
    const s = scoreBaselines(p, 2, "val").scores;
    expect(s.linear.mae).toBeLessThan(0.01 * s.naive.mae);
    expect(s.best).toBe("linear");
  });

  it("refuses a season as long as the training part, naming the rule", () => {
    expect(() => series(Array.from({ length: 100 }, (_, t) => t % 5), { season: 70 })).toThrow(
      "`season` must be shorter than the training part (70 rows), but got season=70",
    );
  });

  it("agrees with evaluateForecast on the naive and mean forecasts", () => {
    const p = series(noise(300, 9).map((v, t) => 100 + t * 0.1 + 5 * v), { targetTransform: "diff" });
    const w = makeWindows(p, 5);
    const f = evaluateForecast(p, 5, "val", w.val.y);
    const s = scoreBaselines(p, 5, "val").scores;
    expect(s.naive.mae).toBeCloseTo(f.naiveMae, 12);
    expect(s.mean.mae).toBeCloseTo(f.meanMae, 12);
  });
});

describe("compareWithBaselines", () => {
  const e = noise(400, 4);
  const p = series(e.map((v, t) => (WEEK[t % 7] ?? 0) + 2 * v), { season: 7 });
  const w = makeWindows(p, 7);

  it("a model that knows the future beats the best baseline", () => {
    const r = compareWithBaselines(p, 7, "val", w.val.y);
    expect(r.significance.baseline).toBe(r.baselines.best);
    expect(r.significance.verdict).toBe("beats");
    expect(r.significance.pValue).toBeLessThan(0.05);
    expect(r.significance.statistic).toBeLessThan(0);
    expect(r.significance.n).toBe(w.val.n);
  });

  it("a model that is the naive forecast loses to a better baseline; the mean forecast ties on noise", () => {
    const naive = new Float32Array(w.val.n);
    for (let i = 0; i < w.val.n; i++) naive[i] = scaleValue(p.meta.targetScaler, 0, p.target[w.val.firstRow + i + 6] ?? NaN);
    const r = compareWithBaselines(p, 7, "val", naive);
    expect(r.baselines.best).not.toBe("naive");
    expect(r.baselines.naive.mae).toBeGreaterThan(r.baselines[r.baselines.best]?.mae ?? Infinity);
    expect(r.significance.verdict).toBe("loses");

    const flat = series(e.map((v) => 2 * v)); // noise: no baseline beats the mean by much
    const wf = makeWindows(flat, 7);
    const mean = new Float32Array(wf.val.n).fill(scaleValue(flat.meta.targetScaler, 0, flat.meta.targetMean));
    const m = compareWithBaselines(flat, 7, "val", mean);
    expect(Math.abs(m.baselines[m.baselines.best]!.mae - m.baselines.mean.mae)).toBeLessThan(0.05 * m.baselines.mean.mae);
    expect(m.significance.verdict).toBe("ties");
    expect(m.significance.pValue).toBeGreaterThan(0.05);
  });
});
