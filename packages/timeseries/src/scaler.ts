import type { ScalerKind } from "@hyperq/protocol";

/**
 * A fitted per-column scaler: `scaled = (x - offset[c]) / scale[c]`. Plain JSON, so it can be
 * stored with a trial and predictions mapped back to original units without the data.
 * - `standard`: offset = mean, scale = population standard deviation;
 * - `minmax`: offset = min, scale = max - min (scaled values of the training part lie in [0, 1]).
 * A constant column gets scale 1 (it scales to 0) rather than a division by zero.
 */
export interface ScalerParams {
  kind: ScalerKind;
  columns: string[];
  offset: number[];
  scale: number[];
}

/** Fits one column's offset and scale on `values` (float64, every value finite). */
export function fitColumn(kind: ScalerKind, values: ArrayLike<number>): { offset: number; scale: number } {
  const n = values.length;
  if (n === 0) return { offset: 0, scale: 1 };
  if (kind === "minmax") {
    let lo = Infinity;
    let hi = -Infinity;
    for (let i = 0; i < n; i++) {
      const v = values[i] ?? 0;
      if (v < lo) lo = v;
      if (v > hi) hi = v;
    }
    return { offset: lo, scale: hi > lo ? hi - lo : 1 };
  }
  let mean = 0;
  for (let i = 0; i < n; i++) mean += values[i] ?? 0;
  mean /= n;
  let ss = 0;
  for (let i = 0; i < n; i++) {
    const d = (values[i] ?? 0) - mean;
    ss += d * d;
  }
  const std = Math.sqrt(ss / n);
  return { offset: mean, scale: std > 0 ? std : 1 };
}

export function scaleValue(params: ScalerParams, column: number, x: number): number {
  return (x - (params.offset[column] ?? 0)) / (params.scale[column] ?? 1);
}

export function unscaleValue(params: ScalerParams, column: number, scaled: number): number {
  return scaled * (params.scale[column] ?? 1) + (params.offset[column] ?? 0);
}
