import { studentTTwoSidedP } from "./t-distribution.ts";

/** The outcome of {@link dieboldMariano}. */
export interface DieboldMarianoResult {
  /** Mean loss differential d̄ = mean(lossA − lossB): negative when A's losses are smaller. */
  meanDifference: number;
  /** The HLN-corrected statistic DM* (0 when every differential is equal, see below). */
  statistic: number;
  /** Two-sided p-value of DM* under Student's t with n − 1 degrees of freedom. */
  pValue: number;
  /** Pairs compared. */
  n: number;
}

/**
 * Diebold–Mariano test of equal predictive accuracy (Diebold & Mariano 1995) with the
 * Harvey–Leybourne–Newbold (1997) small-sample correction.
 *
 * With loss differentials d_i = lossA_i − lossB_i (i = 1…n) of `horizon`-step forecasts, the
 * long-run variance of d̄ is estimated from the autocovariances up to lag horizon − 1,
 * V = (γ₀ + 2 Σ_{k=1}^{h−1} γ_k) / n (falling back to γ₀ / n when that sum is not positive), and
 *
 *   DM  = d̄ / √V,
 *   DM* = DM · √((n + 1 − 2h + h(h − 1)/n) / n),
 *
 * compared with Student's t with n − 1 degrees of freedom, two-sided. When every differential is
 * the same (V = 0) the test has no spread to judge by: identical losses give statistic 0 and
 * p = 1; a constant non-zero difference gives ±Infinity and p = 0.
 *
 * @param lossA per-forecast losses of the first method (e.g. a model's absolute errors per window)
 * @param lossB the second method's, on the same forecasts
 * @param horizon forecast horizon h ≥ 1 (consecutive h-step forecasts overlap, so their errors correlate)
 * @throws RangeError when the lengths differ, n < 2, or horizon is not an integer ≥ 1.
 */
export function dieboldMariano(lossA: ArrayLike<number>, lossB: ArrayLike<number>, horizon = 1): DieboldMarianoResult {
  const n = lossA.length;
  if (lossB.length !== n) throw new RangeError(`both loss series must have the same length, but got ${n} and ${lossB.length}`);
  if (n < 2) throw new RangeError(`the Diebold–Mariano test needs at least 2 forecasts, but got ${n}`);
  if (!Number.isInteger(horizon) || horizon < 1) throw new RangeError(`horizon must be an integer ≥ 1, but got ${horizon}`);
  const d = new Float64Array(n);
  let mean = 0;
  for (let i = 0; i < n; i++) {
    d[i] = (lossA[i] ?? 0) - (lossB[i] ?? 0);
    mean += d[i] ?? 0;
  }
  mean /= n;
  const autocov = (k: number): number => {
    let s = 0;
    for (let i = k; i < n; i++) s += ((d[i] ?? 0) - mean) * ((d[i - k] ?? 0) - mean);
    return s / n;
  };
  const g0 = autocov(0);
  let longRun = g0;
  for (let k = 1; k < Math.min(horizon, n); k++) longRun += 2 * autocov(k);
  if (!(longRun > 0)) longRun = g0;
  const h = horizon;
  const correction = Math.sqrt(Math.max(0, (n + 1 - 2 * h + (h * (h - 1)) / n) / n));
  if (!(longRun > 0)) {
    if (mean === 0) return { meanDifference: 0, statistic: 0, pValue: 1, n };
    return { meanDifference: mean, statistic: mean < 0 ? Number.NEGATIVE_INFINITY : Number.POSITIVE_INFINITY, pValue: 0, n };
  }
  const statistic = (mean / Math.sqrt(longRun / n)) * correction;
  return { meanDifference: mean, statistic, pValue: studentTTwoSidedP(statistic, n - 1), n };
}
