import { BASELINE_LABELS, bestBaselineRatio, describeSignificance, type TrialMetrics } from "@hyperq/protocol";
import { fmtNum } from "./table.ts";

/**
 * One paragraph on a result against the baselines, for the CLI's summaries:
 * "val MAE 2.01 vs naive 2.09 (ratio 0.962) and the best baseline, linear autoregression, 2.08
 * (ratio 0.966): it ties with the linear autoregression baseline (difference not significant, p = 0.41)."
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
