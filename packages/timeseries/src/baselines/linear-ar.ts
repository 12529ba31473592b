import type { PreparedDataset } from "../prepare.ts";
import { makeWindows } from "../windows.ts";
import { fitRidge, predictRidge, type RidgeFit } from "./ridge.ts";

/**
 * The ridge penalty of the linear baseline, relative to the mean input variance × rows (see
 * `fitRidge`): fixed, not searched. 1e-3 barely shrinks well-conditioned inputs and keeps
 * collinear ones (a price's open, high, low, close) solvable.
 */
export const LINEAR_RIDGE_LAMBDA = 1e-3;

const fits = new WeakMap<PreparedDataset, Map<number, RidgeFit>>();

/**
 * The linear autoregression fitted on the training windows of `seq_len`: the same scaled inputs
 * (every feature over the window, after the feature transform) and the same scaled, transformed
 * targets the models are trained on, by ridge least squares in closed form. Cached per dataset and
 * seq_len.
 */
export function fitLinearBaseline(prepared: PreparedDataset, seqLen: number): RidgeFit {
  let perSeq = fits.get(prepared);
  if (perSeq === undefined) {
    perSeq = new Map();
    fits.set(prepared, perSeq);
  }
  const hit = perSeq.get(seqLen);
  if (hit !== undefined) return hit;
  const w = makeWindows(prepared, seqLen);
  const fit = fitRidge(w.train.x, w.train.y, w.train.n, seqLen * w.features, w.horizon, LINEAR_RIDGE_LAMBDA);
  perSeq.set(seqLen, fit);
  return fit;
}

/**
 * The linear baseline's scaled predictions for the windows of `split` (row-major n × horizon,
 * aligned like a model's: map them back with `inverseForecast`).
 */
export function linearBaselinePredictions(prepared: PreparedDataset, seqLen: number, split: "train" | "val" | "test"): Float64Array {
  const set = makeWindows(prepared, seqLen)[split];
  return predictRidge(fitLinearBaseline(prepared, seqLen), set.x, set.n);
}
