/** Where a dataset's season length came from. */
export type SeasonSource = "spec" | "detected" | "none";

/** A series' season: its length in rows (null: none), and where that came from. */
export interface Season {
  period: number | null;
  source: SeasonSource;
}

/** Smallest autocorrelation at the chosen lag for a season to count as detected. */
const MIN_PEAK = 0.3;
/** Smallest rise of that peak above the lowest autocorrelation at shorter lags. */
const MIN_RISE = 0.3;

/**
 * Sample autocorrelation r_k = Σ_t x̃_t x̃_{t+k} / Σ_t x̃_t², k = 0…maxLag, of `values` after
 * removing their least-squares line (so a trend does not mask a season).
 */
export function autocorrelation(values: ArrayLike<number>, maxLag: number): Float64Array {
  const n = values.length;
  const x = detrend(values);
  let denom = 0;
  for (let t = 0; t < n; t++) denom += (x[t] ?? 0) ** 2;
  const lags = Math.max(0, Math.min(maxLag, n - 1));
  const r = new Float64Array(lags + 1);
  for (let k = 0; k <= lags; k++) {
    let s = 0;
    for (let t = 0; t + k < n; t++) s += (x[t] ?? 0) * (x[t + k] ?? 0);
    r[k] = denom > 0 ? s / denom : 0;
  }
  return r;
}

function detrend(values: ArrayLike<number>): Float64Array {
  const n = values.length;
  let sx = 0;
  let sy = 0;
  for (let t = 0; t < n; t++) {
    sx += t;
    sy += values[t] ?? 0;
  }
  const mx = sx / n;
  const my = sy / n;
  let sxy = 0;
  let sxx = 0;
  for (let t = 0; t < n; t++) {
    sxy += (t - mx) * ((values[t] ?? 0) - my);
    sxx += (t - mx) ** 2;
  }
  const slope = sxx > 0 ? sxy / sxx : 0;
  const out = new Float64Array(n);
  for (let t = 0; t < n; t++) out[t] = (values[t] ?? 0) - my - slope * (t - mx);
  return out;
}

/**
 * The season length of `values` (e.g. a training part's target column) from its autocorrelation,
 * or null when there is no clear one. Looks at lags 2…⌊n/2⌋ (at least two full cycles): after the
 * autocorrelation first stops falling, the lag with the highest local peak is the season when that
 * peak is at least 0.3 and rises at least 0.3 above the lowest value before it. A trend is removed
 * first; a random walk or white noise gives no peak that high.
 */
export function detectSeason(values: ArrayLike<number>): number | null {
  const maxLag = Math.floor(values.length / 2);
  if (maxLag < 3) return null;
  const r = autocorrelation(values, maxLag + 1);
  let k = 1;
  while (k < maxLag && (r[k + 1] ?? 0) < (r[k] ?? 0)) k++;
  let low = r[k] ?? 0;
  let best: number | null = null;
  let bestR = -Infinity;
  for (let lag = Math.max(2, k); lag <= maxLag; lag++) {
    const v = r[lag] ?? 0;
    if (v < low) low = v;
    const peak = v >= (r[lag - 1] ?? 0) && v >= (r[lag + 1] ?? -Infinity);
    // Only a peak well above the trough before it: small wiggles of a slowly decaying ACF do not count.
    if (peak && v - low >= MIN_RISE && v > bestR) {
      best = lag;
      bestR = v;
    }
  }
  return best === null || bestR < MIN_PEAK ? null : best;
}

/**
 * The season the seasonal naive baseline uses: `given` (the spec's `dataset.season`) when set,
 * else {@link detectSeason} on the training part's target values, else none.
 */
export function resolveSeason(given: number | undefined, trainingTarget: ArrayLike<number>): Season {
  if (given !== undefined) return { period: given, source: "spec" };
  const period = detectSeason(trainingTarget);
  return period === null ? { period: null, source: "none" } : { period, source: "detected" };
}
