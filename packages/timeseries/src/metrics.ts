import { makeWindows } from "./windows.ts";
import type { PreparedDataset } from "./prepare.ts";
import { unscaleValue } from "./scaler.ts";
import { inverseTarget } from "./target-transform.ts";

/**
 * Figures for one split, all but the loss in the target column's original units. For
 * `split: "test"` the `val*` fields hold the test figures.
 */
export interface ForecastMetrics {
  /** Model MAE over every window and horizon step. */
  valMae: number;
  valRmse: number;
  /** MAE of "tomorrow equals today": y[t+h] forecast as y[t], the window's last observed value. */
  naiveMae: number;
  /** MAE of forecasting every value as the training mean of the target column. */
  meanMae: number;
  /** valMae / naiveMae: below 1 beats the naive forecast (1 when both are 0, Infinity when only naiveMae is). */
  maeRatio: number;
}

/**
 * Maps scaled predictions (row-major `n × horizon`, aligned with `makeWindows(prepared,
 * seqLen)[split].y`) back to the target column in original units: inverse scaler, then inverse
 * target transform relative to each window's last observed value.
 */
export function inverseForecast(prepared: PreparedDataset, seqLen: number, split: "train" | "val" | "test", predictions: Float32Array | Float64Array): Float64Array {
  const set = makeWindows(prepared, seqLen)[split];
  const { meta, target } = prepared;
  const horizon = meta.horizon;
  if (predictions.length !== set.n * horizon) {
    throw new RangeError(`predictions must hold n × horizon = ${set.n} × ${horizon} = ${set.n * horizon} values for the ${split} windows of seq_len=${seqLen}, but got ${predictions.length}`);
  }
  const out = new Float64Array(predictions.length);
  for (let i = 0; i < set.n; i++) {
    const last = target[set.firstRow + i + seqLen - 1] ?? 0;
    for (let h = 0; h < horizon; h++) {
      const k = i * horizon + h;
      out[k] = inverseTarget(meta.targetTransform, unscaleValue(meta.targetScaler, 0, predictions[k] ?? 0), last);
    }
  }
  return out;
}

/**
 * Scores scaled predictions for `split` in original units against the naive last-value forecast
 * and the training-mean forecast on the same windows. Non-finite predictions give NaN figures.
 *
 * @throws RangeError when `predictions.length` is not `n × horizon` for that split.
 */
export function evaluateForecast(prepared: PreparedDataset, seqLen: number, split: "val" | "test", predictions: Float32Array | Float64Array): ForecastMetrics {
  const set = makeWindows(prepared, seqLen)[split];
  const original = inverseForecast(prepared, seqLen, split, predictions);
  const { target, meta } = prepared;
  const horizon = meta.horizon;
  let abs = 0;
  let sq = 0;
  let naive = 0;
  let mean = 0;
  for (let i = 0; i < set.n; i++) {
    const t = set.firstRow + i + seqLen - 1;
    const last = target[t] ?? 0;
    for (let h = 1; h <= horizon; h++) {
      const actual = target[t + h] ?? 0;
      const e = (original[i * horizon + h - 1] ?? 0) - actual;
      abs += Math.abs(e);
      sq += e * e;
      naive += Math.abs(last - actual);
      mean += Math.abs(meta.targetMean - actual);
    }
  }
  const count = set.n * horizon;
  const valMae = abs / count;
  const naiveMae = naive / count;
  return {
    valMae,
    valRmse: Math.sqrt(sq / count),
    naiveMae,
    meanMae: mean / count,
    maeRatio: naiveMae > 0 ? valMae / naiveMae : valMae === 0 ? 1 : Number.POSITIVE_INFINITY,
  };
}

/** Mean squared error in scaled units (the objective), e.g. `mseScaled(windows.val.y, predictions)`. */
export function mseScaled(targets: Float32Array, predictions: Float32Array | Float64Array): number {
  if (targets.length !== predictions.length) {
    throw new RangeError(`targets and predictions must have the same length, but got ${targets.length} and ${predictions.length}`);
  }
  let s = 0;
  for (let i = 0; i < targets.length; i++) {
    const d = (predictions[i] ?? 0) - (targets[i] ?? 0);
    s += d * d;
  }
  return s / targets.length;
}
