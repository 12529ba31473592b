import { z } from "zod";

/** The simple forecasts every result is scored beside, fitted on the training part only. */
export const BASELINE_NAMES = ["naive", "seasonalNaive", "mean", "linear"] as const;
export type BaselineName = (typeof BASELINE_NAMES)[number];

/** How a baseline reads in a sentence ("the linear baseline"). */
export const BASELINE_LABELS: Record<BaselineName, string> = {
  naive: "naive (tomorrow = today)",
  seasonalNaive: "seasonal naive",
  mean: "training mean",
  linear: "linear autoregression",
};

const scoreSchema = z.strictObject({
  /** Mean absolute error over every window and horizon step, original units. */
  mae: z.number(),
  rmse: z.number(),
});
export type BaselineScore = z.output<typeof scoreSchema>;

/**
 * Every baseline's MAE and RMSE on the windows a model was scored on, in original units, and the
 * best of them by MAE. `seasonalNaive` is absent when the series has no season (none given in
 * `dataset.season` and none detected) or the season reaches before the first row.
 */
export const baselineScoresSchema = z.strictObject({
  naive: scoreSchema,
  seasonalNaive: scoreSchema.extend({ period: z.number().int().min(2) }).optional(),
  mean: scoreSchema,
  linear: scoreSchema,
  /** The baseline with the lowest MAE. */
  best: z.enum(BASELINE_NAMES),
});
export type BaselineScores = z.output<typeof baselineScoresSchema>;

/** "beats", "ties" or "loses to", at the 5% level. */
export const VERDICTS = ["beats", "ties", "loses"] as const;
export type Verdict = (typeof VERDICTS)[number];

/**
 * A Diebold–Mariano test of the model against one baseline on per-window absolute errors, with
 * the Harvey–Leybourne–Newbold small-sample correction; two-sided p-value from Student's t with
 * `n - 1` degrees of freedom.
 */
export const significanceSchema = z.strictObject({
  baseline: z.enum(BASELINE_NAMES),
  /** Corrected DM statistic: negative when the model's errors are smaller. */
  statistic: z.number(),
  pValue: z.number().min(0).max(1),
  /** Windows compared. */
  n: z.number().int().min(0),
  verdict: z.enum(VERDICTS),
});
export type Significance = z.output<typeof significanceSchema>;

/** Significance level of every verdict. */
export const SIGNIFICANCE_LEVEL = 0.05;

/** `mae / best baseline's MAE`: below 1 beats the strongest simple forecast. */
export function bestBaselineRatio(mae: number, baselines: BaselineScores): number {
  const best = baselines[baselines.best]?.mae ?? Number.NaN;
  return best > 0 ? mae / best : mae === 0 ? 1 : Number.POSITIVE_INFINITY;
}

/**
 * The verdict as a sentence fragment: "beats the linear autoregression (p = 0.003)", "ties with
 * the seasonal naive (difference not significant, p = 0.41)", "loses to the naive … (p = 0.01)".
 */
export function describeSignificance(s: Significance): string {
  const name = BASELINE_LABELS[s.baseline];
  const p = formatP(s.pValue);
  if (s.verdict === "beats") return `beats the ${name} baseline (Diebold–Mariano ${p})`;
  if (s.verdict === "loses") return `loses to the ${name} baseline (Diebold–Mariano ${p})`;
  return `ties with the ${name} baseline (difference not significant, ${p})`;
}

/** A p-value as people read it: "p = 0.412", "p = 0.0031", or "p < 0.0001". */
export function formatP(p: number): string {
  if (!Number.isFinite(p)) return `p = ${p}`;
  if (p < 1e-4) return "p < 0.0001";
  return `p = ${Number(p.toPrecision(p < 0.01 ? 2 : 3))}`;
}
