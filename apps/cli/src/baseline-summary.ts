import { BASELINE_LABELS, bestBaselineRatio, describeSignificance, type TrialMetrics } from "@hyperq/protocol";
import { fmtNum } from "./table.ts";

/**
 * Two lines on a result against the baselines, for the CLI's summaries, e.g.
 * `val MAE 1.901 vs naive "tomorrow equals today" 2.098 (ratio 0.906) and the best baseline, linear
 * autoregression, 2.091 (ratio 0.909); baselines' MAE: naive 2.098, …, linear 2.091.` and
 * `On 205 windows it beats the linear autoregression baseline (Diebold–Mariano p = 0.0048).`
 * ("ties with … (difference not significant, p = …)" and "loses to …" likewise).
 *
 * @param part "val" or "test": which part the figures come from (words only)
 */
export function baselineVerdict(m: TrialMetrics, part = "val"): string {
  const naive = `${part} MAE ${fmtNum(m.valMae)} vs naive "tomorrow equals today" ${fmtNum(m.naiveMae)} (ratio ${fmtNum(m.maeRatio, 3)})`;
  if (!m.baselines || !m.significance) {
    return `${naive}; no baselines or significance test stored with this result (trained before they existed).`;
  }
  const b = m.baselines;
  const best = b[b.best];
  const others = (["naive", "seasonalNaive", "mean", "linear"] as const)
    .filter((k) => b[k] !== undefined)
    .map((k) => `${k === "seasonalNaive" ? `seasonal naive (period ${b.seasonalNaive?.period})` : k} ${fmtNum(b[k]?.mae)}`)
    .join(", ");
  return (
    `${naive} and the best baseline, ${BASELINE_LABELS[b.best]}, ${fmtNum(best?.mae)} (ratio ${fmtNum(bestBaselineRatio(m.valMae, b), 3)}); ` +
    `baselines' MAE: ${others}.\nOn ${m.significance.n} windows it ${describeSignificance(m.significance)}.`
  );
}
