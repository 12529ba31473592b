/**
 * @hyperq/timeseries — datasets for HyperQ: CSV/TSV loading (the bundled series in `data/`, from
 * vega-datasets, and user files), chronological train/validation/test splits, scalers fitted on the training
 * part only, leakage-free windows per `seq_len`, and scores in original units against the naive
 * "tomorrow equals today" and training-mean forecasts.
 *
 * ```ts
 * import { datasetSpecSchema } from "@hyperq/protocol";
 * import { readDatasetSource, prepareDatasetCached, checkWindowsFit, makeWindows, evaluateForecast, mseScaled } from "@hyperq/timeseries";
 *
 * const spec = datasetSpecSchema.parse({ name: "sp500", targetTransform: "log-return" });
 * const { text, file } = readDatasetSource(spec, process.cwd());
 * const data = prepareDatasetCached(spec, text, file); // throws DatasetError on bad input
 * checkWindowsFit(data, 120);                           // before the sweep: the largest seq_len fits
 * const w = makeWindows(data, 20);                      // w.train.x: n × 20 × 6, w.train.y: n × 1
 * const predictions = model.predict(w.val.x);           // scaled, n × horizon
 * const valLoss = mseScaled(w.val.y, predictions);
 * const { valMae, naiveMae, maeRatio } = evaluateForecast(data, 20, "val", predictions);
 * const { baselines, significance } = compareWithBaselines(data, 20, "val", predictions);
 * // baselines.best: "linear"; significance.verdict: "beats" | "ties" | "loses" (Diebold–Mariano, 5%)
 * ```
 */
export { DatasetError } from "./errors.ts";
export { readDatasetSource, contentHash, bundledDatasetPath, BUNDLED_DATASET_FILES } from "./source.ts";
export { inspectDatasetFile, DEFAULT_MAX_DATASET_BYTES } from "./file-guard.ts";
export type { DatasetFileCheck, DatasetSizeLimit } from "./file-guard.ts";
export { parseDelimited, readColumns } from "./csv.ts";
export type { DelimitedTable, ColumnTable, NumericColumn } from "./csv.ts";
export {
  prepareDataset,
  prepareDatasetCached,
  preparedCacheKey,
  clearPreparedCache,
  checkWindowsFit,
  largestSeqLen,
  windowCount,
  SPLIT_NAMES,
} from "./prepare.ts";
export type { PreparedDataset, DatasetMeta, SplitInfo, SplitName } from "./prepare.ts";
export type { ScalerParams } from "./scaler.ts";
export { makeWindows } from "./windows.ts";
export type { Windows, WindowSet } from "./windows.ts";
export { prepareForecastInputs } from "./forecast-inputs.ts";
export type { InputRecipe, ForecastInputs } from "./forecast-inputs.ts";
export { scaleValue, unscaleValue } from "./scaler.ts";
export { forwardTarget, inverseTarget } from "./target-transform.ts";
export { evaluateForecast, inverseForecast, mseScaled } from "./metrics.ts";
export type { ForecastMetrics } from "./metrics.ts";
export { detectSeason, autocorrelation, resolveSeason } from "./baselines/season.ts";
export type { Season, SeasonSource } from "./baselines/season.ts";
export { fitRidge, predictRidge } from "./baselines/ridge.ts";
export type { RidgeFit } from "./baselines/ridge.ts";
export { fitLinearBaseline, linearBaselinePredictions, LINEAR_RIDGE_LAMBDA } from "./baselines/linear-ar.ts";
export { scoreBaselines, compareWithBaselines, compareWithBaseline, windowErrors, seasonalNaiveForecast } from "./baselines/score-baselines.ts";
export type { WindowErrors, BaselineErrors, BaselineComparison } from "./baselines/score-baselines.ts";
export { dieboldMariano } from "./stats/diebold-mariano.ts";
export type { DieboldMarianoResult } from "./stats/diebold-mariano.ts";
export { studentTCdf, studentTTwoSidedP, regularizedIncompleteBeta, logGamma } from "./stats/t-distribution.ts";
