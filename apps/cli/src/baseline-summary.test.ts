import { describe, expect, it } from "vitest";
import type { TrialMetrics } from "@hyperq/protocol";
import { baselineVerdict } from "./baseline-summary.ts";
import { bestBaselineCells } from "./table.ts";

const base: TrialMetrics = {
  valLoss: 0.1,
  valMae: 1.9,
  valRmse: 2.5,
  naiveMae: 2,
  meanMae: 4.5,
  maeRatio: 0.95,
  trainLoss: 0.1,
  bestEpoch: 3,
  epochs: 3,
  durationMs: 10,
  backend: "cpu",
  workerId: "w",
};
const baselines = { naive: { mae: 2, rmse: 2.6 }, seasonalNaive: { mae: 3.5, rmse: 4, period: 365 }, mean: { mae: 4.5, rmse: 5 }, linear: { mae: 1.9, rmse: 2.4 }, best: "linear" as const };

describe("baselineVerdict", () => {
  it("names the best baseline, both ratios and a tie with its p-value: no win inside the noise", () => {
    const text = baselineVerdict({ ...base, baselines, significance: { baseline: "linear", statistic: 0.01, pValue: 0.9912, n: 205, verdict: "ties" } });
    expect(text).toBe(
      'val MAE 1.9 vs naive "tomorrow equals today" 2 (ratio 0.95) and the best baseline, linear autoregression, 1.9 (ratio 1); ' +
        "baselines' MAE: naive 2, seasonal naive (period 365) 3.5, mean 4.5, linear 1.9.\n" +
        "On 205 windows it ties with the linear autoregression baseline (difference not significant, p = 0.991).",
    );
  });

  it("says beats and loses to when the test is significant, on the part it is told", () => {
    expect(baselineVerdict({ ...base, baselines, significance: { baseline: "linear", statistic: -3, pValue: 0.003, n: 9, verdict: "beats" } }, "test")).toMatch(
      /^test MAE 1\.9 .*\nOn 9 windows it beats the linear autoregression baseline \(Diebold–Mariano p = 0\.003\)\.$/,
    );
    expect(baselineVerdict({ ...base, baselines, significance: { baseline: "linear", statistic: 4, pValue: 1e-6, n: 9, verdict: "loses" } })).toContain(
      "it loses to the linear autoregression baseline (Diebold–Mariano p < 0.0001).",
    );
  });

  it("says plainly when a result predates the baselines, and the table shows dashes", () => {
    expect(baselineVerdict(base)).toContain("no baselines or significance test stored with this result");
    expect(bestBaselineCells(base)).toEqual(["—", "—"]);
    expect(bestBaselineCells({ ...base, valMae: 0.95, baselines })).toEqual(["linear", "0.5"]);
  });
});
