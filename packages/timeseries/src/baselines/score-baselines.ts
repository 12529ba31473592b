import { SIGNIFICANCE_LEVEL, type BaselineName, type BaselineScores, type Significance } from "@hyperq/protocol";
import { inverseForecast } from "../metrics.ts";
import type { PreparedDataset } from "../prepare.ts";
import { dieboldMariano } from "../stats/diebold-mariano.ts";
import { makeWindows } from "../windows.ts";
import { linearBaselinePredictions } from "./linear-ar.ts";

/** One forecast's errors on a split's windows, original units. */
export interface WindowErrors {
  mae: number;
  rmse: number;
  /** Per window: the mean absolute error over its horizon steps (what the DM test compares). */
  perWindow: Float64Array;
}

/** Every baseline's errors on one split's windows, and which is best. */
export interface BaselineErrors {
  scores: BaselineScores;
  errors: Partial<Record<BaselineName, WindowErrors>>;
}

/**
 * Scores a forecast in original units (row-major n × horizon, aligned with the split's windows).
 *
 * @throws RangeError when `forecast` is not n × horizon.
 */
export function windowErrors(prepared: PreparedDataset, seqLen: number, split: "train" | "val" | "test", forecast: ArrayLike<number>): WindowErrors {
  const set = makeWindows(prepared, seqLen)[split];
  const horizon = prepared.meta.horizon;
  if (forecast.length !== set.n * horizon) throw new RangeError(`forecast must hold n × horizon = ${set.n * horizon} values, but got ${forecast.length}`);
  const perWindow = new Float64Array(set.n);
  let abs = 0;
  let sq = 0;
  for (let i = 0; i < set.n; i++) {
    const t = set.firstRow + i + seqLen - 1;
    let w = 0;
    for (let h = 1; h <= horizon; h++) {
      const e = (forecast[i * horizon + h - 1] ?? 0) - (prepared.target[t + h] ?? 0);
      w += Math.abs(e);
      sq += e * e;
    }
    abs += w;
    perWindow[i] = w / horizon;
  }
  const count = set.n * horizon;
  return { mae: abs / count, rmse: Math.sqrt(sq / count), perWindow };
}

/**
 * The seasonal naive forecast for a split's windows: y[t+h] forecast as y[t+h−p·⌈h/p⌉], the most
 * recent observed value at the same point of the cycle. Undefined when some window's cycle reaches
 * before the first row.
 */
export function seasonalNaiveForecast(prepared: PreparedDataset, seqLen: number, split: "train" | "val" | "test", period: number): Float64Array | undefined {
  const set = makeWindows(prepared, seqLen)[split];
  const horizon = prepared.meta.horizon;
  const out = new Float64Array(set.n * horizon);
  for (let i = 0; i < set.n; i++) {
    const t = set.firstRow + i + seqLen - 1;
    for (let h = 1; h <= horizon; h++) {
      const row = t + h - period * Math.ceil(h / period);
      if (row < 0) return undefined;
      out[i * horizon + h - 1] = prepared.target[row] ?? 0;
    }
  }
  return out;
}

function constantPerWindow(prepared: PreparedDataset, seqLen: number, split: "train" | "val" | "test", value: (lastRow: number) => number): Float64Array {
  const set = makeWindows(prepared, seqLen)[split];
  const horizon = prepared.meta.horizon;
  const out = new Float64Array(set.n * horizon);
  for (let i = 0; i < set.n; i++) out.fill(value(set.firstRow + i + seqLen - 1), i * horizon, (i + 1) * horizon);
  return out;
}

/**
 * Every baseline on the windows of `split` for `seq_len`, each fitted on the training part only:
 * - `naive`: the window's last observed value;
 * - `seasonalNaive`: the value one season earlier (`meta.season`), when the series has one;
 * - `mean`: the training mean of the target column;
 * - `linear`: a ridge linear autoregression on the models' own inputs and targets (`linear-ar.ts`).
 * `best` is the lowest MAE (ties: the simpler one, in that order).
 */
export function scoreBaselines(prepared: PreparedDataset, seqLen: number, split: "val" | "test"): BaselineErrors {
  const { meta } = prepared;
  const errors: Partial<Record<BaselineName, WindowErrors>> = {};
  errors.naive = windowErrors(prepared, seqLen, split, constantPerWindow(prepared, seqLen, split, (t) => prepared.target[t] ?? 0));
  const period = meta.season.period;
  const seasonal = period === null ? undefined : seasonalNaiveForecast(prepared, seqLen, split, period);
  if (seasonal !== undefined) errors.seasonalNaive = windowErrors(prepared, seqLen, split, seasonal);
  errors.mean = windowErrors(prepared, seqLen, split, constantPerWindow(prepared, seqLen, split, () => meta.targetMean));
  errors.linear = windowErrors(prepared, seqLen, split, inverseForecast(prepared, seqLen, split, linearBaselinePredictions(prepared, seqLen, split)));

  let best: BaselineName = "naive";
  for (const name of ["seasonalNaive", "mean", "linear"] as const) {
    const e = errors[name];
    if (e !== undefined && e.mae < (errors[best]?.mae ?? Infinity)) best = name;
  }
  const score = (e: WindowErrors) => ({ mae: e.mae, rmse: e.rmse });
  const scores: BaselineScores = {
    naive: score(errors.naive),
    ...(errors.seasonalNaive !== undefined && period !== null ? { seasonalNaive: { ...score(errors.seasonalNaive), period } } : {}),
    mean: score(errors.mean),
    linear: score(errors.linear),
    best,
  };
  return { scores, errors };
}

/**
 * The Diebold–Mariano verdict of a model against one baseline on the same windows: "beats" when
 * the model's per-window absolute errors are significantly smaller at the 5% level, "loses" when
 * significantly larger, "ties" otherwise.
 */
export function compareWithBaseline(model: WindowErrors, baselineName: BaselineName, baseline: WindowErrors, horizon: number): Significance {
  const n = model.perWindow.length;
  if (n < 2) return { baseline: baselineName, statistic: 0, pValue: 1, n, verdict: "ties" };
  const dm = dieboldMariano(model.perWindow, baseline.perWindow, horizon);
  const pValue = Number.isFinite(dm.pValue) ? dm.pValue : 1;
  const statistic = Number.isNaN(dm.statistic) ? 0 : dm.statistic;
  const verdict = pValue < SIGNIFICANCE_LEVEL ? (dm.meanDifference < 0 ? "beats" : "loses") : "ties";
  // JSON has no Infinity: a constant, non-zero difference is stored at the largest finite statistic.
  const finite = Number.isFinite(statistic) ? statistic : Math.sign(statistic) * Number.MAX_VALUE;
  return { baseline: baselineName, statistic: finite, pValue, n, verdict };
}

/** What a result stores beside a model's scores on a split: the baselines and the DM verdict against the best. */
export interface BaselineComparison {
  baselines: BaselineScores;
  significance: Significance;
}

/**
 * Scores scaled model predictions for `split` beside every baseline and tests them against the
 * best baseline (see {@link scoreBaselines}, {@link compareWithBaseline}).
 */
export function compareWithBaselines(prepared: PreparedDataset, seqLen: number, split: "val" | "test", predictions: Float32Array | Float64Array): BaselineComparison {
  const model = windowErrors(prepared, seqLen, split, inverseForecast(prepared, seqLen, split, predictions));
  const { scores, errors } = scoreBaselines(prepared, seqLen, split);
  const best = errors[scores.best] as WindowErrors;
  return { baselines: scores, significance: compareWithBaseline(model, scores.best, best, prepared.meta.horizon) };
}
