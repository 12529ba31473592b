import { describe, expect, it } from "vitest";
import { bestBaselineRatio, describeSignificance, formatP, type BaselineScores } from "./baselines.ts";
import { datasetSpecSchema } from "./dataset.ts";

const scores: BaselineScores = { naive: { mae: 2, rmse: 3 }, mean: { mae: 5, rmse: 6 }, linear: { mae: 1.6, rmse: 2.1 }, best: "linear" };

describe("baseline verdicts", () => {
  it("divides by the best baseline's MAE", () => {
    expect(bestBaselineRatio(1.2, scores)).toBeCloseTo(0.75, 12);
  });

  it("says beats, ties (with the p-value) or loses to, naming the baseline", () => {
    expect(describeSignificance({ baseline: "linear", statistic: -3.1, pValue: 0.0021, n: 200, verdict: "beats" })).toBe(
      "beats the linear autoregression baseline (Diebold–Mariano p = 0.0021)",
    );
    expect(describeSignificance({ baseline: "naive", statistic: -0.4, pValue: 0.6891, n: 200, verdict: "ties" })).toBe(
      "ties with the naive (tomorrow = today) baseline (difference not significant, p = 0.689)",
    );
    expect(describeSignificance({ baseline: "seasonalNaive", statistic: 5, pValue: 1e-7, n: 200, verdict: "loses" })).toBe(
      "loses to the seasonal naive baseline (Diebold–Mariano p < 0.0001)",
    );
    expect(formatP(0.05)).toBe("p = 0.05");
  });
});

describe("dataset.season", () => {
  it("takes an integer ≥ 2 and refuses anything else with the rule", () => {
    expect(datasetSpecSchema.parse({ name: "sp500", season: 5 }).season).toBe(5);
    const r = datasetSpecSchema.safeParse({ name: "sp500", season: 1 });
    expect(r.success).toBe(false);
    expect(r.error?.issues[0]?.message).toBe("`season` must be an integer ≥ 2 (rows per cycle)");
    expect(datasetSpecSchema.safeParse({ name: "sp500", season: 7.5 }).success).toBe(false);
  });
});
